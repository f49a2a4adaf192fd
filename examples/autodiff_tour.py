"""A short tour of autodiff: derivatives of a NumPy function, a Jacobian, and jit-compiled gradient descent.

Run: python examples/autodiff_tour.py   (writes autodiff_tour.png if matplotlib is installed)
"""
import numpy as np

import autodiff as ad
import autodiff.numpy as anp


def tanh_like(x):
    return anp.sinh(x) / anp.cosh(x)


def main():
    xs = np.linspace(-3, 3, 7)
    d1 = ad.vmap(ad.grad(tanh_like))(xs)
    d2 = ad.vmap(ad.grad(ad.grad(tanh_like)))(xs)
    print("x         ", np.round(xs, 3))
    print("tanh'(x)  ", np.round(d1, 5), "  exact:", np.round(1 - np.tanh(xs) ** 2, 5))
    print("tanh''(x) ", np.round(d2, 5))

    # least squares by jit-compiled gradient descent
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    w_true = np.array([1.0, -2.0, 0.5])
    y = X @ w_true + 0.1 * rng.normal(size=200)

    def loss(w):
        r = y - X @ w
        return anp.mean(r ** 2)

    value_and_grad = ad.jit(ad.value_and_grad(loss))
    w = np.zeros(3)
    for _ in range(200):
        value, g = value_and_grad(w)
        w = w - 0.1 * g
    print("fitted w  ", np.round(w, 3), " true:", w_true, " loss:", round(float(value), 5))
    print("Jacobian of softmax-like map at [1, 2]:\n", ad.jacrev(lambda v: anp.exp(v) / anp.sum(anp.exp(v)))(
        np.array([1.0, 2.0])))
    print("The generated Numba code of the loss gradient:\n")
    print(value_and_grad.source)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        grid = np.linspace(-3, 3, 200)
        plt.plot(grid, np.tanh(grid), label="tanh")
        plt.plot(grid, ad.vmap(ad.grad(tanh_like))(grid), label="d/dx")
        plt.plot(grid, ad.vmap(ad.grad(ad.grad(tanh_like)))(grid), label="d2/dx2")
        plt.legend()
        plt.savefig("autodiff_tour.png")
        print("wrote autodiff_tour.png")
    except ImportError:
        pass


if __name__ == "__main__":
    main()
