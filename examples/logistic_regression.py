"""Logistic regression: the MAP by L-BFGS, then (when samplers.nuts is available) the posterior by NUTS.

Simulates 2-D inputs with known coefficients, fits LogisticRegression, prints the coefficients, and
plots the data with the fitted 10/50/90 % probability contours (and posterior draws of the 50 %
boundary when NUTS ran).

Run: python examples/logistic_regression.py [--small] [--out DIR]   (writes DIR/logistic_regression.png)
"""
import os

import numpy as np
from scipy.special import expit

import samplers
from models import LogisticRegression

from _cli import run_example
from _plotting import plt, save

COEF, INTERCEPT = np.array([2.0, -1.0]), 0.5


def main(small=False, out_dir="."):
    rng = np.random.default_rng(0)
    n = 100 if small else 500
    X = rng.normal(size=(n, 2))
    y = (rng.uniform(size=n) < expit(X @ COEF + INTERCEPT)).astype(float)
    model = LogisticRegression()
    fit = model.fit(X, y)
    print(f"MAP coef {np.round(fit.params['coef'], 3)} (truth {COEF}), intercept {fit.params['intercept']:.3f} "
          f"(truth {INTERCEPT}); accuracy {model.score(X, y):.3f}")

    fig, ax = plt.subplots(figsize=(5.5, 5))
    g = np.linspace(-3, 3, 200)
    xx, yy = np.meshgrid(g, g)
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    cs = ax.contour(xx, yy, model.predict_proba(grid)[:, 1].reshape(xx.shape), levels=[0.1, 0.5, 0.9], colors="k")
    ax.clabel(cs, fmt="%.1f")
    ax.scatter(*X.T, c=y, cmap="coolwarm", s=10)
    idata = None
    if hasattr(samplers, "nuts"):
        idata = model.sample_posterior(X, y, draws=200 if small else 1000, tune=200 if small else 1000,
                                       chains=2 if small else 4, seed=1, progressbar=False)
        coef = idata.posterior["coef"].values.reshape(-1, 2)
        intercept = idata.posterior["intercept"].values.ravel()
        for c, b in zip(coef[::max(len(coef) // 40, 1)], intercept[::max(len(coef) // 40, 1)]):
            ax.plot(g, -(b + c[0] * g) / c[1], color="tab:green", alpha=0.15)
        print("posterior means: coef", np.round(coef.mean(axis=0), 3), "intercept", round(float(intercept.mean()), 3))
    ax.set_xlim(-3, 3)
    ax.set_ylim(-3, 3)
    ax.set_title("fitted P(y = 1 | x)" + (" and posterior 50 % boundaries" if idata is not None else ""))
    path = os.path.join(out_dir, "logistic_regression.png")
    save(fig, path)
    return {"fit": fit, "figure": path, "idata": idata}


if __name__ == "__main__":
    run_example(main, __doc__)
