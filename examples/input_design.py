"""Input design: optimise the input of a fitted model by gradient, not its parameters.

A logistic regression is fitted to the outcomes of simulated experiments with two settings
(say temperature and concentration). We then ask: starting from the usual operating point, what
is the closest setting whose predicted success probability reaches 95 %? That is

    minimise  ||x - x_0||^2 + penalty * max(0, logit(0.95) - (x @ coef + intercept))^2

over the input x, with the model's parameters fixed: samplers.optimize on a plain function of a
pytree, the same optimisers that fit the model. The closed-form answer (the projection of x_0
onto the 95 % line) checks the result.

Run: python examples/input_design.py [--small] [--out DIR]      (writes DIR/input_design.png)
"""
import os

import numpy as np
from scipy.special import expit, logit

import autodiff.numpy as anp
import samplers
from models import LogisticRegression

from _cli import run_example
from _plotting import plt, save

TARGET = 0.95


def design_loss(design, x0, coef, intercept, penalty):
    shortfall = logit(TARGET) - (anp.dot(design["x"], coef) + intercept)
    return anp.sum((design["x"] - x0) ** 2) + penalty * anp.maximum(shortfall, 0.0) ** 2


def main(small=False, out_dir="."):
    rng = np.random.default_rng(0)
    n = 150 if small else 600
    X = rng.normal(size=(n, 2))
    y = (rng.uniform(size=n) < expit(X @ np.array([1.5, 1.0]) - 1.0)).astype(float)
    model = LogisticRegression().fit(X, y)
    coef, intercept = model.params["coef"], float(model.params["intercept"])

    x0 = np.array([-1.0, -0.5])
    res = samplers.optimize(design_loss, x0={"x": x0}, args=(x0, coef, intercept, 1e6), method="lbfgs")
    designed = res.params["x"]
    # closed form: the point of the line x @ coef + intercept = logit(0.95) nearest x0
    exact = x0 + (logit(TARGET) - (x0 @ coef + intercept)) / (coef @ coef) * coef
    p = expit(designed @ coef + intercept)
    print(f"start {x0}, P(success) {expit(x0 @ coef + intercept):.3f}")
    print(f"designed input {np.round(designed, 4)}, P(success) {p:.4f}; closed form {np.round(exact, 4)}")

    fig, ax = plt.subplots(figsize=(5.5, 5))
    g = np.linspace(-3, 3, 200)
    xx, yy = np.meshgrid(g, g)
    prob = expit(np.column_stack([xx.ravel(), yy.ravel()]) @ coef + intercept).reshape(xx.shape)
    cs = ax.contour(xx, yy, prob, levels=[0.25, 0.5, 0.75, TARGET], colors="grey")
    ax.clabel(cs, fmt="%.2f")
    ax.scatter(*X.T, c=y, cmap="coolwarm", s=6, alpha=0.4)
    ax.annotate("", designed, x0, arrowprops=dict(arrowstyle="->", lw=2))
    ax.plot(*x0, "ko", label="operating point")
    ax.plot(*designed, "g*", ms=14, label=f"designed input (P = {p:.3f})")
    ax.legend(loc="lower right")
    ax.set_title("input design on a fitted logistic regression")
    path = os.path.join(out_dir, "input_design.png")
    save(fig, path)
    return {"designed": designed, "exact": exact, "probability": p, "figure": path}


if __name__ == "__main__":
    run_example(main, __doc__)
