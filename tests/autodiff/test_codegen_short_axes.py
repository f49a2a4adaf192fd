"""Fused loops over arrays with a short trailing axis behind a long one (codegen/fused_loop.py): the
short axis is written out in the loop body, arrays are read through flat views, reductions over the
short axis (logsumexp, sum, max, min) are computed in the body, and sums over the long axis keep one
local per short index. Oracles nobody here wrote: numpy/scipy for values, central finite differences
for gradients; and the eager evaluation (numpy) where rows are not finite. Shapes (N, 3), (N, 2, 2)
and (3, N) (the long axis innermost: looped as before), every weight distinct so that a transposed
or shifted index changes the result."""
import numpy as np
import pytest
from scipy.special import logsumexp as sp_logsumexp

import autodiff as ad
import autodiff.numpy as anp
from autodiff.scipy.special import logsumexp

RNG = np.random.default_rng(31)
N = 40
Y = RNG.standard_normal((N, 1))
MU = np.array([-1.0, 0.3, 1.7])
LOG_SIGMA = np.array([0.1, -0.4, 0.35])
LOG_W = np.log(np.array([0.2, 0.5, 0.3]))
A = RNG.standard_normal((N, 2, 2))
B = np.array([[0.3, -0.7], [1.1, 0.45]])
C = np.array([[1.0, 2.0], [-3.0, 0.5]])
XT = RNG.standard_normal((3, N))
WT = np.array([0.5, -1.5, 2.5])


def mixture(mu, log_sigma, log_w, y):
    """gmm's likelihood: per data point and component, summed over points after a logsumexp over components."""
    sigma = anp.exp(log_sigma)
    z = (y - mu) / sigma
    lp = log_w + (-0.5 * z * z - anp.log(sigma) - 0.9189385332046727)
    return anp.sum(logsumexp(lp, axis=-1))


def mixture_np(mu, log_sigma, log_w, y):
    sigma = np.exp(log_sigma)
    z = (y - mu) / sigma
    return np.sum(sp_logsumexp(log_w + (-0.5 * z * z - np.log(sigma) - 0.9189385332046727), axis=-1))


def row_reductions(mu, y):
    """Max, min and sum over the short axis, used again in the same loop, and a weighted sum over rows."""
    d = anp.sin(y * mu + mu)
    mx = anp.max(d, axis=1, keepdims=True)
    mn = anp.min(d, axis=1, keepdims=True)
    s = anp.sum(d * d, axis=1, keepdims=True)
    return anp.sum((d - mx) * (d - mn) * WT + s * y)


def row_reductions_np(mu, y):
    d = np.sin(y * mu + mu)
    mx, mn = d.max(axis=1, keepdims=True), d.min(axis=1, keepdims=True)
    return np.sum((d - mx) * (d - mn) * WT + (d * d).sum(axis=1, keepdims=True) * y)


def blocks(a, b):
    """(N, 2, 2): elementwise work, a sum over the long axis per (2, 2) index and a sum over the last axis."""
    e = anp.exp(a * b) + anp.log1p(a * a)
    per_block = anp.sum(e, axis=0)
    per_row = logsumexp(e * b, axis=2)
    return anp.sum(per_block * C) + anp.sum(per_row * anp.arange(1.0, 3.0))


def blocks_np(a, b):
    e = np.exp(a * b) + np.log1p(a * a)
    return np.sum(e.sum(axis=0) * C) + np.sum(sp_logsumexp(e * b, axis=2) * np.arange(1.0, 3.0))


def long_inner(xt, w):
    """(3, N): the long axis innermost, reductions over either axis."""
    lp = xt * w[:, None] + anp.exp(xt)
    return anp.sum(logsumexp(lp, axis=0) * xt[1]) + anp.sum(logsumexp(lp, axis=1) * w)


def long_inner_np(xt, w):
    lp = xt * w[:, None] + np.exp(xt)
    return np.sum(sp_logsumexp(lp, axis=0) * xt[1]) + np.sum(sp_logsumexp(lp, axis=1) * w)


X3 = RNG.standard_normal((2, N, 3))
SCALE = np.array([[0.7], [-1.3]])


def two_loop_axes(x, scale):
    """(2, N, 3): two looped axes; a row value times a small value kept as scalars that varies with the
    first of them."""
    lp = x * WT - x * x
    return anp.sum(logsumexp(lp, axis=2) * (scale * 2.0 + 1.0)) + anp.sum(anp.max(lp, axis=2) * scale)


def two_loop_axes_np(x, scale):
    lp = x * WT - x * x
    return np.sum(sp_logsumexp(lp, axis=2) * (scale * 2.0 + 1.0)) + np.sum(lp.max(axis=2) * scale)


CASES = [(mixture, mixture_np, (MU, LOG_SIGMA, LOG_W, Y)), (row_reductions, row_reductions_np, (MU, Y)),
         (blocks, blocks_np, (A, B)), (long_inner, long_inner_np, (XT, WT)),
         (two_loop_axes, two_loop_axes_np, (X3, SCALE))]


def _central_differences(f, args, argnum, h=1e-6):
    x = np.array(args[argnum], dtype=float)
    grad = np.empty_like(x)
    for idx in np.ndindex(*x.shape):
        hi, lo = x.copy(), x.copy()
        hi[idx] += h
        lo[idx] -= h
        at = list(args)
        at[argnum] = hi
        f_hi = f(*at)
        at[argnum] = lo
        grad[idx] = (f_hi - f(*at)) / (2 * h)
    return grad


@pytest.mark.parametrize("f,f_np,args", CASES, ids=[c[0].__name__ for c in CASES])
def test_value_matches_numpy_and_gradient_matches_finite_differences(f, f_np, args):
    argnums = tuple(range(len(args)))
    val, grads = ad.jit(ad.value_and_grad(f, argnums=argnums))(*args)
    np.testing.assert_allclose(val, f_np(*args), rtol=1e-12)
    for k, g in enumerate(grads):
        np.testing.assert_allclose(g, _central_differences(f_np, args, k), rtol=1e-6, atol=1e-6)


def test_short_axis_is_written_out_and_long_axis_kept_innermost():
    short = ad.jit(ad.value_and_grad(mixture, argnums=(0, 1, 2, 3)))
    short(MU, LOG_SIGMA, LOG_W, Y)
    source = short.source
    assert "for i0 in range(" in source and "for i1 in" not in source  # (N, 3): only N looped
    assert "rt.vexp(" in source and "ri.reduce_logsumexp" not in source  # the logsumexp is in the body
    long = ad.jit(ad.value_and_grad(long_inner, argnums=(0, 1)))
    long(XT, WT)
    assert "for i1 in range(" in long.source  # (3, N): the long axis innermost, looped as before


def test_rows_that_are_not_finite_match_eager_evaluation():
    y = Y.copy()
    log_w = LOG_W.copy()
    log_w[1] = -np.inf  # a component with no weight: -inf in every row, finite logsumexp
    args = (MU, LOG_SIGMA, log_w, y)

    def per_row(mu, log_sigma, log_w, y):
        sigma = anp.exp(log_sigma)
        lp = log_w + (-0.5 * ((y - mu) / sigma) ** 2 - anp.log(sigma))
        lp = anp.where(y > 1.5, -np.inf, lp)  # rows of -inf only
        lse = logsumexp(lp, axis=1)
        return anp.sum(anp.where(anp.isfinite(lse), lse, 0.0)) + anp.sum(anp.max(lp, axis=1) > -1.0)

    assert np.any(y > 1.5)
    eager = ad.value_and_grad(per_row, argnums=(0, 1))(*args)
    jitted = ad.jit(ad.value_and_grad(per_row, argnums=(0, 1)))(*args)
    np.testing.assert_allclose(jitted[0], eager[0], rtol=1e-12)
    for g_jit, g_eager in zip(jitted[1], eager[1]):
        np.testing.assert_allclose(g_jit, g_eager, rtol=1e-10, atol=1e-12)
    assert np.all(np.isfinite(jitted[1][0]))


def test_row_values_returned_as_arrays():
    def rows(mu, y):
        lp = -(y - mu) ** 2
        return logsumexp(lp, axis=1), anp.max(lp, axis=1), anp.sum(lp * WT, axis=1, keepdims=True)

    out = ad.jit(rows)(MU, Y)
    lp = -(Y - MU) ** 2
    np.testing.assert_allclose(out[0], sp_logsumexp(lp, axis=1), rtol=1e-13)
    np.testing.assert_array_equal(out[1], lp.max(axis=1))
    np.testing.assert_allclose(out[2], (lp * WT).sum(axis=1, keepdims=True), rtol=1e-13)


def test_softmax_weights_of_rows_with_infinities_and_nans_match_eager_evaluation():
    """logsumexp's gradient in the loop is exp(x - max) / sum; rows whose max is -inf, +inf (with a
    finite value that would overflow exp) or NaN must give exp(x - logsumexp) as numpy does."""
    p = RNG.standard_normal((N, 3)) * 3.0
    p[3] = -np.inf
    p[5] = [np.inf, 800.0, 1.0]
    p[7, 1] = np.nan
    p[9] = [np.inf, np.inf, -np.inf]
    p[11] = [-np.inf, 2.0, -np.inf]
    p[13] = [710.0, 709.0, -800.0]

    def f(p):
        return anp.sum(logsumexp(p * WT, axis=1) * anp.arange(1.0, N + 1.0))

    eager = ad.value_and_grad(f)(p)
    with np.errstate(invalid="ignore"):
        jitted = ad.jit(ad.value_and_grad(f))(p)
    np.testing.assert_allclose(jitted[0], eager[0], rtol=1e-12)
    np.testing.assert_allclose(jitted[1], eager[1], rtol=1e-12, atol=0)
    assert "rse" in ad.jit(ad.value_and_grad(f)).lower(p).source  # the weights from the logsumexp's terms
