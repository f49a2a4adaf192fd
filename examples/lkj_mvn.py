"""A correlated 3-D normal by NUTS: LKJ prior on the correlation's Cholesky factor, HalfNormal scales.

Simulates 3-D data with known correlations, writes
    L_corr ~ LKJCholesky(3, 2),  scales ~ HalfNormal(2),  mu ~ Normal(0, 5),
    y_i ~ MultivariateNormal(mu, scale_tril=diag(scales) @ L_corr),
samples it with samplers.nuts and recovers the correlation matrix L_corr @ L_corr.T from each draw.
The figure shows the posterior of each correlation against the truth and a scatter of the data with
the covariance ellipse at the posterior mean.

Run: python examples/lkj_mvn.py [--small] [--out DIR]      (writes DIR/lkj_mvn.png)
"""
import os

import numpy as np

import ppl
import ppl.distributions as dist
import samplers

from _cli import run_example
from _plotting import COLORS, covariance_ellipse, plt, save

TRUE_SCALES = np.array([1.0, 2.0, 0.5])
TRUE_CORR = np.array([[1.0, 0.6, -0.3],
                      [0.6, 1.0, 0.2],
                      [-0.3, 0.2, 1.0]])
PAIRS = [(0, 1), (0, 2), (1, 2)]


def correlated_normal(y):
    d = y.shape[1]
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0).expand((d,)))
    scales = ppl.sample("scales", dist.HalfNormal(2.0).expand((d,)))
    L_corr = ppl.sample("L_corr", dist.LKJCholesky(d, 2.0))
    ppl.sample("y", dist.MultivariateNormal(mu, scale_tril=scales[:, None] * L_corr), obs=y)


def main(small=False, out_dir="."):
    rng = np.random.default_rng(0)
    n = 100 if small else 200
    true_cov = TRUE_SCALES[:, None] * TRUE_CORR * TRUE_SCALES[None, :]
    y = rng.multivariate_normal(np.array([0.0, 1.0, -1.0]), true_cov, size=n)
    idata = samplers.nuts(correlated_normal, y, draws=250 if small else 500, tune=250 if small else 500,
                          chains=2 if small else 4, seed=1, progressbar=not small)
    L = idata.posterior["L_corr"].values.reshape(-1, 3, 3)
    corr = L @ np.transpose(L, (0, 2, 1))
    scales = idata.posterior["scales"].values.reshape(-1, 3)
    mu = idata.posterior["mu"].values.reshape(-1, 3)
    sample_corr = np.corrcoef(y, rowvar=False)
    for i, j in PAIRS:
        c = corr[:, i, j]
        print(f"corr[{i},{j}]: posterior {c.mean():+.3f} +- {c.std():.3f}   sample {sample_corr[i, j]:+.3f}"
              f"   truth {TRUE_CORR[i, j]:+.3f}")

    fig, (ax_c, ax_s) = plt.subplots(1, 2, figsize=(9, 4))
    for k, (i, j) in enumerate(PAIRS):
        ax_c.hist(corr[:, i, j], bins=40, density=True, alpha=0.6, color=COLORS[k], label=f"corr[{i},{j}]")
        ax_c.axvline(TRUE_CORR[i, j], color=COLORS[k], ls="--", lw=2)
    ax_c.set_title("posterior of the correlations (dashed: truth)")
    ax_c.legend(fontsize=8)
    fitted_cov = (scales[:, :, None] * corr * scales[:, None, :]).mean(axis=0)
    ax_s.plot(y[:, 0], y[:, 1], ".", color="0.5", ms=4)
    covariance_ellipse(ax_s, mu.mean(axis=0), fitted_cov, COLORS[0])
    covariance_ellipse(ax_s, np.array([0.0, 1.0]), true_cov, "k")
    ax_s.plot([], [], color=COLORS[0], label="fitted (posterior mean), 2 sd")
    ax_s.plot([], [], color="k", label="truth, 2 sd")
    ax_s.set_xlabel("y[0]")
    ax_s.set_ylabel("y[1]")
    ax_s.legend(fontsize=8)
    ax_s.set_title("data and covariance ellipses")
    path = os.path.join(out_dir, "lkj_mvn.png")
    save(fig, path)
    return {"idata": idata, "figure": path, "y": y, "corr": corr, "scales": scales,
            "sample_corr": sample_corr, "true_corr": TRUE_CORR}


if __name__ == "__main__":
    run_example(main, __doc__, "fewer data and draws (for the smoke test)")
