"""Fit a Gaussian mixture with full covariances by L-BFGS (covariances through the ppl bijectors).

Simulates four 2-D clusters, fits GaussianMixture(4, "full") from k-means++ starts, reports BIC and
the mean log likelihood per sample, and plots the clusters with their ellipses and the loss curve.

Run: python examples/fit_gmm.py [--small] [--out DIR]      (writes DIR/fit_gmm.png)
"""
import os
import time

import numpy as np

from models import GaussianMixture

from _cli import run_example
from _plotting import COLORS, covariance_ellipse, loss_curve, plt, save


def simulate(n, rng):
    centres = np.array([[-4.0, 0.0], [0.0, 4.0], [4.0, 0.0], [0.5, -3.0]])
    covs = np.array([[[1.0, 0.5], [0.5, 1.0]], [[0.5, 0.0], [0.0, 1.5]], [[1.0, -0.7], [-0.7, 1.0]], 0.4 * np.eye(2)])
    labels = rng.choice(4, size=n, p=[0.3, 0.3, 0.2, 0.2])
    z = rng.standard_normal((n, 2))
    return centres[labels] + np.einsum("nij,nj->ni", np.linalg.cholesky(covs)[labels], z), labels


def main(small=False, out_dir="."):
    X, labels = simulate(400 if small else 5000, np.random.default_rng(0))
    t0 = time.perf_counter()
    gmm = GaussianMixture(n_components=4, covariance="full")
    fit = gmm.fit(X, method="lbfgs", restarts=2 if small else 5, seed=0)
    print(f"fitted in {time.perf_counter() - t0:.1f} s: mean log likelihood {gmm.score(X):.4f}, BIC {gmm.bic(X):.1f}, "
          f"converged {fit.converged}")
    print("weights", np.round(fit.params["weights"], 3))
    fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(11, 4.5))
    assigned = gmm.predict(X)
    for k in range(4):
        ax.scatter(*X[assigned == k].T, s=4, color=COLORS[k], alpha=0.4)
        covariance_ellipse(ax, fit.params["means"][k], fit.params["covs"][k], COLORS[k])
    ax.set_title("GaussianMixture(4, full): components and 2-sd ellipses")
    loss_curve(ax_loss, fit.history)
    path = os.path.join(out_dir, "fit_gmm.png")
    save(fig, path)
    return {"fit": fit, "figure": path}


if __name__ == "__main__":
    run_example(main, __doc__)
