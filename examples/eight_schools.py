"""Eight schools end to end: write the model, compile its log density, find the posterior mode,
and draw from the prior and posterior predictive.

Run: python examples/eight_schools.py
"""
import time

import numpy as np
from scipy.optimize import minimize

import ppl
import ppl.distributions as dist

Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
SCHOOLS = ["Choate", "Deerfield", "Phillips Andover", "Phillips Exeter", "Hotchkiss", "Lawrenceville",
           "St. Paul's", "Mt. Hermon"]


def eight_schools(sigma, y=None):
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    tau = ppl.sample("tau", dist.HalfCauchy(5.0))
    z = ppl.sample("z", dist.Normal(0.0, 1.0).expand((len(sigma),)), dims=("school",))
    theta = ppl.deterministic("theta", mu + tau * z, dims=("school",))
    ppl.sample("y", dist.Normal(theta, sigma), obs=y, dims=("school",))


def main():
    t0 = time.perf_counter()
    ld = ppl.log_density(eight_schools, SIGMA, y=Y, coords={"school": SCHOOLS})
    x0 = ld.initial_point
    lp, grad = ld.logp_and_grad(x0)
    print(f"compiled {ld} in {time.perf_counter() - t0:.2f} s; {ld.dim} unconstrained parameters:")
    print("  ", ld.param_names)
    print(f"log density at the initial point: {lp:.3f}, gradient norm {np.linalg.norm(grad):.3f}")

    # the posterior mode in unconstrained space (with the log-Jacobian: a proper density there)
    res = minimize(lambda x: tuple(-v for v in ld.logp_and_grad(x)), x0, jac=True, method="L-BFGS-B")
    mode = ld.constrain(res.x)
    print(f"posterior mode (unconstrained space), logp {-res.fun:.3f}:")
    for name in ("mu", "tau"):
        print(f"  {name:5s} {float(mode[name]):8.3f}")
    for school, theta in zip(SCHOOLS, mode["theta"]):
        print(f"  theta[{school}] {theta:8.3f}")

    prior = ppl.prior_predictive(eight_schools, SIGMA, draws=1000, seed=1)
    print(f"prior predictive: sd of y = {prior['y'].std(axis=0).round(1)}")
    ppc = ppl.posterior_predictive(eight_schools, {k: np.repeat(v[None], 200, axis=0) for k, v in mode.items()
                                                   if k in ("mu", "tau", "z")}, SIGMA, seed=2)
    print(f"posterior predictive at the mode: mean of y = {ppc['y'].mean(axis=0).round(1)}")


if __name__ == "__main__":
    main()
