"""Gaussian-process regression by NUTS: the kernel's lengthscale, amplitude and noise are sampled.

Simulates 30 noisy points from a smooth function, writes the GP marginal likelihood
y ~ MultivariateNormal(0, K + noise^2 I) with a squared-exponential kernel K (its Cholesky factor
from anp.linalg.cholesky as the scale_tril), samples the three hyperparameters with samplers.nuts,
then draws f at test points from its exact conditional given each posterior draw (plain numpy).
The figure shows the posterior mean and 90 % band of f with the data and the true function.

Run: python examples/gaussian_process.py [--small] [--out DIR]   (writes DIR/gaussian_process.png)
"""
import os

import numpy as np

import autodiff.numpy as anp
import ppl
import ppl.distributions as dist
import samplers

from _cli import run_example
from _plotting import COLORS, plt, save

JITTER = 1e-6  # keeps the kernel matrix numerically positive definite


def truth(x):
    return np.sin(2.0 * x) + 0.5 * x


def squared_exponential(xa, xb, amplitude, lengthscale, np_=np):
    """k(a, b) = amplitude^2 exp(-(a - b)^2 / (2 lengthscale^2)) for all pairs of 1-D inputs."""
    d = xa[:, None] - xb[None, :]
    return amplitude ** 2 * np_.exp(-0.5 * (d / lengthscale) ** 2)


def gp_regression(x, y=None):
    lengthscale = ppl.sample("lengthscale", dist.LogNormal(0.0, 1.0))
    amplitude = ppl.sample("amplitude", dist.HalfNormal(2.0))
    noise = ppl.sample("noise", dist.HalfNormal(1.0))
    K = squared_exponential(x, x, amplitude, lengthscale, np_=anp) + (noise ** 2 + JITTER) * np.eye(len(x))
    ppl.sample("y", dist.MultivariateNormal(np.zeros(len(x)), scale_tril=anp.linalg.cholesky(K)), obs=y)


def posterior_f(x, y, x_new, amplitude, lengthscale, noise):
    """Mean and covariance of f(x_new) given the data and one set of hyperparameters (exact GP formulas)."""
    K = squared_exponential(x, x, amplitude, lengthscale) + (noise ** 2 + JITTER) * np.eye(len(x))
    K_s = squared_exponential(x, x_new, amplitude, lengthscale)
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    V = np.linalg.solve(L, K_s)
    cov = squared_exponential(x_new, x_new, amplitude, lengthscale) - V.T @ V
    return K_s.T @ alpha, cov


def main(small=False, out_dir="."):
    rng = np.random.default_rng(0)
    n, noise = 30, 0.3
    x = np.sort(rng.uniform(-3.0, 3.0, n))
    y = truth(x) + noise * rng.normal(size=n)
    idata = samplers.nuts(gp_regression, x, y=y, draws=200 if small else 500, tune=200 if small else 500,
                          chains=2 if small else 4, seed=1, progressbar=not small)
    post = {k: idata.posterior[k].values.reshape(-1) for k in ("lengthscale", "amplitude", "noise")}
    for k, v in post.items():
        print(f"{k:12s} median {np.median(v):.3f}  90% [{np.quantile(v, 0.05):.3f}, {np.quantile(v, 0.95):.3f}]")

    # f at the test points (and at the data), one draw of f per posterior draw of the hyperparameters
    x_test = np.linspace(-3.5, 3.5, 80)
    x_all = np.concatenate([x_test, x])
    f_draws = []
    for ls, amp, sd in zip(post["lengthscale"], post["amplitude"], post["noise"]):
        mean, cov = posterior_f(x, y, x_all, amp, ls, sd)
        L = np.linalg.cholesky(cov + 1e-8 * np.eye(len(x_all)))
        f_draws.append(mean + L @ rng.normal(size=len(x_all)))
    f_draws = np.array(f_draws)
    f_test, f_data = f_draws[:, :len(x_test)], f_draws[:, len(x_test):]
    medians = {k: np.median(v) for k, v in post.items()}
    exact_at_data, _ = posterior_f(x, y, x, medians["amplitude"], medians["lengthscale"], medians["noise"])

    fig, ax = plt.subplots(figsize=(7, 4))
    lo, hi = np.quantile(f_test, [0.05, 0.95], axis=0)
    ax.fill_between(x_test, lo, hi, color=COLORS[0], alpha=0.3, label="90% band of f")
    ax.plot(x_test, f_test.mean(axis=0), color=COLORS[0], lw=2, label="posterior mean of f")
    ax.plot(x_test, truth(x_test), "k--", lw=1, label="true f")
    ax.plot(x, y, "o", color=COLORS[1], ms=4, label="data")
    ax.set_xlabel("x")
    ax.set_title("GP regression: hyperparameters sampled by NUTS")
    ax.legend(loc="upper left", fontsize=8)
    path = os.path.join(out_dir, "gaussian_process.png")
    save(fig, path)
    return {"idata": idata, "figure": path, "x": x, "y": y, "posterior": post, "medians": medians,
            "f_mean_at_data": f_data.mean(axis=0), "f_sd_at_data": f_data.std(axis=0),
            "exact_mean_at_data": exact_at_data}


if __name__ == "__main__":
    run_example(main, __doc__, "fewer draws (for the smoke test)")
