"""A local-level time-series model whose likelihood is a Kalman filter written with ad.scan, sampled by NUTS.

The model: a level that takes a Gaussian random walk, seen through Gaussian noise,
    level[0] ~ Normal(0, LEVEL0_SD),  level[t+1] = level[t] + Normal(0, sigma_level),
    y[t] = level[t] + Normal(0, sigma_obs).
Sampling the 100 levels would give NUTS a hard funnel; instead ad.scan runs the Kalman filter,
which integrates the levels out exactly and returns log p(y | sigma_level, sigma_obs) (a ppl.factor)
and the mean and variance of the filtered level p(level[t] | y[:t+1]) at each step. NUTS samples only the two scales.
The figure shows the data, the true level and the filtered level's posterior mean and 90 % band,
and the posteriors of the two scales against the values used to simulate.

Run: python examples/time_series_scan.py [--small] [--out DIR]   (writes DIR/time_series_scan.png)
"""
import os

import numpy as np

import autodiff as ad
import autodiff.numpy as anp
import ppl
import ppl.distributions as dist
import samplers

from _cli import run_example
from _plotting import COLORS, plt, save

LEVEL0_SD = 10.0  # prior sd of the first level (mean 0)
TRUTH = {"sigma_level": 0.3, "sigma_obs": 0.8}


def kalman_filter(y, sigma_level, sigma_obs):
    """Log marginal likelihood of y under the local-level model, and the mean and variance of each
    filtered level p(level[t] | y[:t+1]) (one scan)."""
    def step(carry, y_t):
        mean, var, loglik = carry  # the level's predictive mean and variance before seeing y_t
        total_var = var + sigma_obs ** 2
        gain = var / total_var
        error = y_t - mean
        loglik = loglik - 0.5 * (anp.log(2.0 * np.pi * total_var) + error ** 2 / total_var)
        filtered_mean = mean + gain * error
        filtered_var = (1.0 - gain) * var
        return (filtered_mean, filtered_var + sigma_level ** 2, loglik), (filtered_mean, filtered_var)

    start = (anp.asarray(0.0), anp.asarray(LEVEL0_SD ** 2), anp.asarray(0.0))
    (_, _, loglik), (filtered_mean, filtered_var) = ad.scan(step, start, y)
    return loglik, filtered_mean, filtered_var


def local_level(y):
    sigma_level = ppl.sample("sigma_level", dist.HalfNormal(1.0))
    sigma_obs = ppl.sample("sigma_obs", dist.HalfNormal(2.0))
    loglik, filtered_mean, filtered_var = kalman_filter(y, sigma_level, sigma_obs)
    ppl.deterministic("filtered_mean", filtered_mean)
    ppl.deterministic("filtered_sd", anp.sqrt(filtered_var))
    ppl.factor("y", loglik)


def simulate(n, rng):
    level = rng.normal(0.0, 1.0) + np.cumsum(rng.normal(0.0, TRUTH["sigma_level"], n))
    return level, level + rng.normal(0.0, TRUTH["sigma_obs"], n)


def main(small=False, out_dir="."):
    rng = np.random.default_rng(0)
    level, y = simulate(100, rng)
    idata = samplers.nuts(local_level, y, draws=250 if small else 500, tune=250 if small else 500,
                          chains=2 if small else 4, seed=1, progressbar=not small)
    post = {k: idata.posterior[k].values.reshape(-1) for k in TRUTH}
    for k, v in post.items():
        print(f"{k:12s} posterior mean {v.mean():.3f}  90% [{np.quantile(v, 0.05):.3f}, "
              f"{np.quantile(v, 0.95):.3f}]  truth {TRUTH[k]}")
    # one draw of each filtered level per posterior draw of the scales: its band carries both the
    # filter's own uncertainty and the scales' (the filtered levels are Gaussian given the scales)
    filtered_mean = idata.posterior["filtered_mean"].values.reshape(-1, len(y))
    filtered_sd = idata.posterior["filtered_sd"].values.reshape(-1, len(y))
    filtered = filtered_mean + filtered_sd * rng.normal(size=filtered_mean.shape)

    fig, (ax_t, ax_p) = plt.subplots(1, 2, figsize=(10, 4), gridspec_kw={"width_ratios": [2, 1]})
    t = np.arange(len(y))
    ax_t.plot(t, y, ".", color="0.5", ms=4, label="data")
    ax_t.plot(t, level, "k--", lw=1, label="true level")
    lo, hi = np.quantile(filtered, [0.05, 0.95], axis=0)
    ax_t.fill_between(t, lo, hi, color=COLORS[0], alpha=0.3)
    ax_t.plot(t, filtered.mean(axis=0), color=COLORS[0], lw=2, label="filtered level: mean and 90% band")
    ax_t.set_xlabel("t")
    ax_t.legend(fontsize=8)
    ax_t.set_title("local-level model: Kalman filter by ad.scan")
    for k, (name, v) in enumerate(post.items()):
        ax_p.hist(v, bins=40, density=True, alpha=0.6, color=COLORS[k + 1], label=name)
        ax_p.axvline(TRUTH[name], color=COLORS[k + 1], ls="--", lw=2)
    ax_p.set_title("posteriors (dashed: truth)")
    ax_p.legend(fontsize=8)
    path = os.path.join(out_dir, "time_series_scan.png")
    save(fig, path)
    return {"idata": idata, "figure": path, "y": y, "level": level, "posterior": post, "truth": TRUTH,
            "filtered": filtered}


if __name__ == "__main__":
    run_example(main, __doc__, "fewer draws (for the smoke test)")
