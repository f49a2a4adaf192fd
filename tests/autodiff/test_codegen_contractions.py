"""Products with a unit or tiny shape (codegen/contractions.py) and reshape chains (simplify.py) in
generated code: the jitted value and gradient against numpy and central finite differences, on shapes
that hit each rewrite (unit contracted or free axes, (1, 1) arrays, row times column, matrix times
vector, transposed and strided operands, batches), and the generated source without the calls the
rewrites remove."""
import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp

RNG = np.random.default_rng(3)


def _fd_grads(f, args, eps=1e-6):
    """Central finite differences of the numpy function f in each argument."""
    grads = []
    for i, a in enumerate(args):
        g = np.zeros_like(a)
        for idx in np.ndindex(*a.shape):
            up, down = [x.copy() for x in args], [x.copy() for x in args]
            up[i][idx] += eps
            down[i][idx] -= eps
            g[idx] = (f(*up) - f(*down)) / (2 * eps)
        grads.append(g)
    return grads


def _check(f, *args):
    """jit(value_and_grad(f)) in every argument against f on numpy arrays and finite differences;
    returns the generated source."""
    args = [np.asarray(a, dtype=np.float64) for a in args]
    jitted = ad.jit(ad.value_and_grad(f, argnums=tuple(range(len(args)))))
    value, grads = jitted(*args)
    np.testing.assert_allclose(value, f(*args), rtol=1e-12, atol=1e-12)
    for g, fd in zip(grads, _fd_grads(f, args)):
        np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-7)
    return jitted.source


def _weights(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape)


# Each case: a scalar function of its arguments through one product of the kind named, weighted so
# that every element of the product reaches the value with its own cotangent.
def outer_column_row(a, b):  # (n, 1) @ (1, m): contracted axis of length 1
    return anp.sum(anp.sin(a @ b) * _weights((5, 7), 0))


def one_by_one_times_row(s, b):  # (1, 1) @ (1, m)
    return anp.sum((s @ b) * _weights((1, 7), 1))


def column_times_one_by_one(a, s):  # (n, 1) @ (1, 1)
    return anp.sum(anp.cos(a @ s))


def vector_dot(x, y):  # 1-D @ 1-D: a row times a column
    return anp.sin(x @ y)


def batched_row_column(a, b):  # (B, 1, k) @ (B, k, 1), and a broadcast batch (1, k) @ (B, k, 1)
    return anp.sum(anp.sin(a @ b)) + anp.sum((a[0] @ b) ** 2)


def matrix_vector(a, x):  # (n, k) @ (k,) and (k,) @ (k, n)^T-free row times matrix
    return anp.sum(anp.sin(a @ x)) + anp.sum(anp.cos(x @ a.T))


def transposed_and_strided(a, x):  # a transposed matrix, a strided vector and a strided matrix
    return anp.sum(anp.sin(a.T @ x)) + anp.sum((a[:, ::2] @ x[::2]) ** 2) + anp.sum(anp.exp(0.1 * (x[::2] @ a[::2, :])))


def tiny_products(a, b):  # small enough for straight-line code: (3, 3) @ (3, 1), (2, 2) @ (2, 2)
    return anp.sum(anp.sin(a @ b)) + anp.sum((a[:2, :2] @ a[1:, 1:]) ** 2) + anp.sum(a[:2, :2] @ b[:2])


def quadratic_form(x, p):  # the corr_gauss_100 density
    return -0.5 * x @ (p @ x)


CASES = [
    (outer_column_row, (RNG.standard_normal((5, 1)), RNG.standard_normal((1, 7)))),
    (one_by_one_times_row, (RNG.standard_normal((1, 1)), RNG.standard_normal((1, 7)))),
    (column_times_one_by_one, (RNG.standard_normal((6, 1)), RNG.standard_normal((1, 1)))),
    (vector_dot, (RNG.standard_normal(9), RNG.standard_normal(9))),
    (batched_row_column, (RNG.standard_normal((3, 1, 6)), RNG.standard_normal((3, 6, 1)))),
    (matrix_vector, (RNG.standard_normal((6, 6)), RNG.standard_normal(6))),
    (transposed_and_strided, (RNG.standard_normal((8, 8)), RNG.standard_normal(8))),
    (tiny_products, (RNG.standard_normal((3, 3)), RNG.standard_normal((3, 1)))),
    (quadratic_form, (RNG.standard_normal(30), RNG.standard_normal((30, 30)))),
]


@pytest.mark.parametrize("f,args", CASES, ids=[c[0].__name__ for c in CASES])
def test_products_with_unit_or_small_shapes_value_and_grad(f, args):
    _check(f, *args)


def test_unit_products_call_no_blas():
    """A (1, 1) product, a dot product and a tiny product are loops or scalar code, and so are their
    gradients; an outer product is one loop (its gradient holds genuine matrix-vector products)."""
    for f, args in CASES[1:5] + CASES[7:8]:
        assert "np.dot" not in _check(f, *args), f.__name__
    outer = ad.jit(lambda a, b: a @ b)
    np.testing.assert_allclose(outer(*CASES[0][1]), CASES[0][1][0] @ CASES[0][1][1], rtol=1e-15)
    assert "np.dot" not in outer.source


def test_quadratic_form_is_two_matrix_vector_products_without_reshapes():
    """x @ (P @ x) and its gradient: P @ x and P^T @ (-x / 2), the dot product in a loop."""
    x, p = RNG.standard_normal(30), RNG.standard_normal((30, 30))
    _check(quadratic_form, x, p)
    jitted = ad.jit(ad.value_and_grad(quadratic_form))
    jitted(x, p)
    source = jitted.source
    assert source.count("np.dot") == 2
    assert "reshape" not in source and "ascontiguousarray" not in source


def test_reshape_chains_collapse():
    """reshape of a reshape of a transposed column: one reshape, or none when shapes come back."""
    def f(x):
        col = anp.reshape(x, (6, 1))
        row = anp.transpose(col)
        back = anp.reshape(anp.reshape(row, (2, 3)), (6,))
        return anp.sum(anp.sin(back) * anp.reshape(row, (3, 2))[:, 0].sum())
    source = _check(f, RNG.standard_normal(6))
    assert source.count("reshape") <= 1


def test_float32_product_keeps_its_dtype():
    a = RNG.standard_normal((4, 1)).astype(np.float32)
    b = RNG.standard_normal((1, 5)).astype(np.float32)
    out = ad.jit(lambda a, b: a @ b)(a, b)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, a @ b, rtol=1e-6)


def test_integer_products_are_unchanged():
    a = np.arange(6).reshape(6, 1)
    b = np.arange(3).reshape(1, 3)
    out = ad.jit(lambda a, b: a @ b)(a, b)
    assert out.dtype == (a @ b).dtype
    np.testing.assert_array_equal(out, a @ b)


def scan_of_products(m, v, xs):
    """Unit-axis products and a matrix-vector product inside a scan body (a nested graph)."""
    def step(c, x):
        col = anp.reshape(c, (4, 1))
        new = anp.tanh(m @ c + (col @ anp.reshape(x, (1, 1)))[:, 0] + c @ c * 0.01)
        return new, anp.reshape(x, (1, 1)) @ anp.reshape(new, (1, 4))
    c, ys = ad.scan(step, v, xs)
    return anp.sum(c ** 2) + anp.sum(anp.sin(ys))


def test_products_inside_a_scan_body():
    m = RNG.standard_normal((4, 4)) * 0.5
    _check(scan_of_products, m, RNG.standard_normal(4), RNG.standard_normal(5))


@pytest.mark.parametrize("sa,sb", [((5, 0), (0, 1)), ((1, 0), (0, 1)), ((5, 0), (0, 3)), ((2, 1, 0), (2, 0, 1)),
                                   ((0, 6), (6, 1)), ((1, 6), (6, 0))])
def test_empty_axes(sa, sb):
    """An empty contracted axis gives zeros (np.dot under Numba left them uninitialised); empty results
    stay empty; gradients keep their operands' shapes."""
    a, b = RNG.standard_normal(sa), RNG.standard_normal(sb)
    np.testing.assert_array_equal(ad.jit(lambda a, b: a @ b)(a, b), a @ b)
    value, (ga, gb) = ad.jit(ad.value_and_grad(lambda a, b: anp.sum(a @ b), argnums=(0, 1)))(a, b)
    assert value == 0.0 and ga.shape == sa and gb.shape == sb
    np.testing.assert_allclose(ga, np.broadcast_to(b.sum(axis=-1)[..., None, :], sa), atol=1e-12)
