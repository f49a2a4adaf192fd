"""Fit a 3-state 2-D Gaussian HMM with full covariances by gradient descent (L-BFGS), not EM.

Simulates data from a known HMM, fits GaussianHMM from five k-means++ starts, decodes the states
(Viterbi), and plots the data coloured by state with the fitted covariance ellipses, and the loss.

Run: python examples/fit_hmm.py [--small] [--out DIR]      (writes DIR/fit_hmm.png)
"""
import os
import time

import numpy as np

from models import GaussianHMM

from _cli import run_example
from _plotting import COLORS, covariance_ellipse, loss_curve, plt, save

TRUTH = {
    "initial": np.array([1.0, 0.0, 0.0]),
    "transition": np.array([[0.95, 0.03, 0.02], [0.04, 0.93, 0.03], [0.02, 0.05, 0.93]]),
    "means": np.array([[0.0, 0.0], [4.0, 3.0], [-3.0, 3.5]]),
    "covs": np.array([[[1.0, 0.6], [0.6, 1.0]], [[0.6, -0.3], [-0.3, 0.8]], [[1.2, 0.0], [0.0, 0.3]]]),
}


def main(small=False, out_dir="."):
    T = 300 if small else 2000
    truth = GaussianHMM(3, "full")
    truth.params_ = TRUTH
    X, states = truth.sample(T, seed=0)

    t0 = time.perf_counter()
    hmm = GaussianHMM(n_states=3, covariance="full")
    fit = hmm.fit(X, method="lbfgs", restarts=2 if small else 5, seed=0)
    print(f"fitted in {time.perf_counter() - t0:.1f} s: log likelihood {fit.log_likelihood:.3f} "
          f"(truth's {truth.score(X):.3f}), converged {fit.converged} after {fit.n_iter} iterations")
    print(fit.optimize_result.summary())
    decoded = hmm.predict(X)
    print("fitted transition matrix:\n", np.round(fit.params["transition"], 3))

    fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(11, 4.5))
    for k in range(3):
        ax.scatter(*X[decoded == k].T, s=6, color=COLORS[k], alpha=0.5, label=f"state {k}")
        covariance_ellipse(ax, fit.params["means"][k], fit.params["covs"][k], COLORS[k])
    ax.set_title("data coloured by Viterbi state, fitted 2-sd ellipses")
    ax.legend(markerscale=3)
    loss_curve(ax_loss, fit.history)
    path = os.path.join(out_dir, "fit_hmm.png")
    save(fig, path)
    return {"fit": fit, "figure": path, "decoded": decoded, "states": states}


if __name__ == "__main__":
    run_example(main, __doc__)
