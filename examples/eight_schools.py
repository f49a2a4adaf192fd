"""Eight schools end to end: write the model, sample its posterior with NUTS, summarise it with
ArviZ, save a trace plot, and draw from the posterior predictive.

Run: python examples/eight_schools.py
"""
import os
import time

import numpy as np

import ppl
import ppl.distributions as dist
import samplers

Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
SCHOOLS = ["Choate", "Deerfield", "Phillips Andover", "Phillips Exeter", "Hotchkiss", "Lawrenceville",
           "St. Paul's", "Mt. Hermon"]
HERE = os.path.dirname(os.path.abspath(__file__))


def eight_schools(sigma, y=None):
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    tau = ppl.sample("tau", dist.HalfCauchy(5.0))
    z = ppl.sample("z", dist.Normal(0.0, 1.0).expand((len(sigma),)), dims=("school",))
    theta = ppl.deterministic("theta", mu + tau * z, dims=("school",))
    ppl.sample("y", dist.Normal(theta, sigma), obs=y, dims=("school",))


def main():
    import arviz as az

    t0 = time.perf_counter()
    ld = ppl.log_density(eight_schools, SIGMA, y=Y, coords={"school": SCHOOLS})
    idata = samplers.nuts(ld, draws=1000, tune=1000, chains=4, seed=0)
    print(f"compiled and sampled 4 chains x 2000 iterations in {time.perf_counter() - t0:.1f} s")
    print(az.summary(idata, var_names=["mu", "tau", "theta"], round_to=2))
    print(f"divergent transitions: {int(idata.sample_stats['diverging'].sum())}")

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        az.plot_trace(idata, var_names=["mu", "tau"])
        path = os.path.join(HERE, "eight_schools_trace.png")
        plt.savefig(path, dpi=80)
        print(f"trace plot: {path}")
    except (ImportError, AttributeError) as e:  # arviz >= 1 plots through the separate arviz-plots package
        print(f"trace plot skipped ({e})")

    ppc = ppl.posterior_predictive(eight_schools, idata, SIGMA, seed=2)
    print(f"posterior predictive mean of y: {ppc['y'].mean(axis=(0, 1)).round(1)} (observed {Y})")


if __name__ == "__main__":
    main()
