"""Reductions, scans and sorts of autodiff.numpy against NumPy, and their derivatives.

Each row names a function and the keyword variants it is called with; rows are crossed with
shapes that include size-1 axes, and every call is compared with NumPy's (values, shapes,
dtypes, and the error type where NumPy refuses the axis). Differentiable rows pass
check_grads(order=2) in both modes; products and cumulative products are also checked at
points with zeros against brute-force products of the other elements. One jitted gradient
covers the whole family against eager evaluation.
"""
from typing import Callable, NamedTuple

import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp


def _real(rng, shape):
    return rng.standard_normal(shape)


def _factors(rng, shape):
    """Away from 0 (so finite differences of products are smooth) with either sign."""
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 1.5, shape)


def _with_nans(rng, shape):
    """nan where the index sum is 1 mod 3: no slice along an axis of length >= 2 is all nan (a
    length-1 axis would be, and its nan result has no derivative to compare, so it gets none)."""
    x = rng.standard_normal(shape)
    if min(shape) > 1:
        x[np.indices(shape).sum(axis=0) % 3 == 1] = np.nan
    return x


def _ints(rng, shape):
    return rng.integers(-2, 3, shape)


class Red(NamedTuple):
    name: str
    call: Callable              # call(L, x, **kw) with L = numpy or autodiff.numpy
    variants: list              # keyword dicts
    domain: Callable = _real
    grad: bool = True           # False: integer / boolean results (no derivative)


def _fn(name):
    return lambda L, x, **kw: getattr(L, name)(x, **kw)


REDUCE_AXES = [{}, {"axis": -1}, {"axis": 0, "keepdims": True}, {"axis": (0, -1)}, {"axis": 1}]
SCAN_AXES = [{}, {"axis": -1}, {"axis": 0}]
ONE_AXIS = [{}, {"axis": -1}, {"axis": 0, "keepdims": True}]

ROWS = [
    Red("prod", _fn("prod"), REDUCE_AXES, _factors),
    Red("prod-initial-where", lambda L, x, **kw: L.prod(x, initial=1.5, where=x > -1.0, **kw), REDUCE_AXES, _factors),
    Red("cumsum", _fn("cumsum"), SCAN_AXES),
    Red("cumprod", _fn("cumprod"), SCAN_AXES, _factors),
    Red("cumulative_sum", lambda L, x, **kw: L.cumulative_sum(x, include_initial=True, **kw), [{"axis": -1}]),
    Red("cumulative_prod", lambda L, x, **kw: L.cumulative_prod(x, **kw), [{"axis": 0}], _factors),
    Red("ptp", _fn("ptp"), REDUCE_AXES),
    Red("median", _fn("median"), REDUCE_AXES),
    Red("sort", _fn("sort"), [{}, {"axis": 0}, {"axis": None}]),
    Red("nansum", _fn("nansum"), REDUCE_AXES, _with_nans),
    Red("nanprod", _fn("nanprod"), REDUCE_AXES, _with_nans),
    Red("nanmean", _fn("nanmean"), REDUCE_AXES, _with_nans),
    Red("nanmax", _fn("nanmax"), REDUCE_AXES, _with_nans),
    Red("nanmin", _fn("nanmin"), REDUCE_AXES, _with_nans),
    Red("nancumsum", _fn("nancumsum"), SCAN_AXES, _with_nans),
    Red("nancumprod", _fn("nancumprod"), SCAN_AXES, _with_nans),
    Red("argmax", _fn("argmax"), ONE_AXIS, grad=False),
    Red("argmin", _fn("argmin"), ONE_AXIS, grad=False),
    Red("argsort", lambda L, x, **kw: L.argsort(x, kind="stable", **kw), [{}, {"axis": 0}, {"axis": None}], grad=False),
    Red("all", lambda L, x, **kw: L.all(x > -0.5, **kw), REDUCE_AXES, grad=False),
    Red("any", lambda L, x, **kw: L.any(x > 1.0, **kw), REDUCE_AXES, grad=False),
    Red("count_nonzero", lambda L, x, **kw: L.count_nonzero(x, **kw), [{}, {"axis": -1}, {"axis": (0, -1)}],
        _ints, grad=False),
    Red("prod-int", _fn("prod"), REDUCE_AXES, _ints, grad=False),
    Red("cumsum-bool", lambda L, x, **kw: L.cumsum(x > 0, **kw), SCAN_AXES, grad=False),
]
SHAPES = [(4,), (3, 1), (2, 3, 4)]
CASES = [(row, shape, kw) for row in ROWS for shape in SHAPES for kw in row.variants]


def _case_id(case):
    row, shape, kw = case
    return f"{row.name}-{'x'.join(map(str, shape))}-{','.join(f'{k}={v}' for k, v in kw.items())}"


def _arg(row, shape, seed=0):
    return row.domain(np.random.default_rng(seed), shape)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_values_match_numpy(case):
    row, shape, kw = case
    x = _arg(row, shape)
    try:
        want = row.call(np, x, **kw)
    except Exception as e:  # numpy refuses (e.g. axis 1 of a 1-D array): so must we, with the same type
        with pytest.raises(type(e)):
            row.call(anp, x, **kw)
        return
    got = row.call(anp, x, **kw)
    assert np.shape(got) == np.shape(want)
    assert np.asarray(got).dtype == np.asarray(want).dtype
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15, equal_nan=True)


GRAD_CASES = [c for c in CASES if c[0].grad and not (len(c[1]) == 1 and c[2].get("axis") in (1, (0, -1)))]


@pytest.mark.parametrize("case", GRAD_CASES, ids=_case_id)
def test_grads(case):
    row, shape, kw = case
    ad.check_grads(lambda x: row.call(anp, x, **kw), (_arg(row, shape),), order=2)


# -- products with zeros: exclusive products, never ans / x ---------------------------------------------------
def _brute_prod_grad(x):
    return np.array([np.prod(np.delete(x, i)) for i in range(len(x))])


@pytest.mark.parametrize("zeros", [[1], [0, 3], [2, 2]], ids=["one-zero", "two-zeros", "one-zero-again"])
def test_prod_gradient_with_zeros_is_exact(zeros):
    x = np.array([1.5, -0.7, 2.0, 0.9, -1.1])
    x[zeros] = 0.0
    np.testing.assert_allclose(ad.grad(anp.prod)(x), _brute_prod_grad(x), rtol=1e-15)
    hess = ad.hessian(anp.prod)(x)
    brute = np.array([[0.0 if i == j else np.prod(np.delete(x, [i, j])) for j in range(5)] for i in range(5)])
    np.testing.assert_allclose(hess, brute, rtol=1e-15)
    ad.check_grads(anp.prod, (x,), order=2)


def test_prod_over_axes_with_zeros():
    x = np.random.default_rng(1).uniform(0.5, 1.5, (3, 4, 2))
    x[0, 1, :] = 0.0
    x[2, 3, 1] = 0.0
    g = ad.grad(lambda x: anp.sum(anp.prod(x, axis=(0, 2)) * np.arange(1.0, 5.0)))(x)
    for j in range(4):
        col = x[:, j, :].ravel()
        np.testing.assert_allclose(g[:, j, :].ravel(), (j + 1.0) * _brute_prod_grad(col), rtol=1e-14)
    ad.check_grads(lambda x: anp.prod(x, axis=(0, 2)), (x,), order=2)


@pytest.mark.parametrize("reverse_input", [False, True])
def test_cumprod_jacobian_with_zeros(reverse_input):
    x = np.array([1.3, 0.0, -0.8, 0.0, 1.7])[::-1 if reverse_input else 1].copy()
    jac = ad.jacrev(anp.cumprod)(x)
    brute = np.array([[np.prod([x[k] for k in range(i + 1) if k != j]) if j <= i else 0.0
                       for j in range(5)] for i in range(5)])
    np.testing.assert_allclose(jac, brute, rtol=1e-15)
    np.testing.assert_allclose(ad.jacfwd(anp.cumprod)(x), brute, rtol=1e-15)
    ad.check_grads(anp.cumprod, (x,), order=2)


# -- no gradient through integer results; errors ---------------------------------------------------------------
def test_integer_results_carry_no_gradient():
    x = np.random.default_rng(2).standard_normal((3, 4))
    g = ad.grad(lambda x: anp.sum(x * anp.argmax(x, axis=0)) + anp.sum(anp.where(anp.all(x > -3), x, 0.0)))(x)
    np.testing.assert_allclose(g, np.argmax(x, axis=0) + np.ones_like(x))


@pytest.mark.parametrize("call, error", [
    (lambda: anp.argmax(np.zeros((0, 3))), ValueError),
    (lambda: anp.argmin(np.zeros((2, 0)), axis=1), ValueError),
    (lambda: anp.prod(np.ones(3), out=np.ones(())), TypeError),
    (lambda: anp.cumsum(np.ones((2, 2)), axis=2), np.exceptions.AxisError),
    (lambda: anp.median(np.ones(3), axis=(0, 0)), ValueError),
    (lambda: anp.cumulative_sum(np.ones((2, 2))), ValueError),
])
def test_errors(call, error):
    with pytest.raises(error):
        call()


# -- jit: the family in three compiled value-and-gradients (Numba's compile time grows faster than a
# function's length, so three short programs compile faster than one long one) --------------------------
def _products_and_scans(x, xz):
    return [anp.prod(x, axis=1), anp.prod(xz), anp.prod(xz, axis=(0, 2), keepdims=True), anp.cumsum(x, axis=-1),
            anp.cumsum(x), anp.cumprod(xz, axis=1), anp.cumprod(x, axis=0)]


def _orders(x, xz):
    return [anp.sort(x, axis=1), anp.sort(x, axis=None), anp.median(x, axis=-1), anp.median(x, axis=(0, 1)),
            anp.ptp(x, axis=0), anp.argmax(x, axis=1), anp.argmin(x), anp.argsort(x, axis=0)]


def _extrema_and_counts(x, xz):
    return [anp.nansum(x, axis=2), anp.nanmax(x, axis=1), anp.max(x, axis=(0, 2)), anp.min(x, axis=1),
            anp.sum(x, axis=(0, 2)), anp.all(x > -1.0, axis=(0, 2)), anp.any(x > 1.0, axis=-1),
            anp.count_nonzero(x > 0, axis=1)]


def _loss(program):
    def loss(x, xz):
        outs = program(x, xz)
        w = np.random.default_rng(5)
        return sum(anp.sum(o * w.standard_normal(np.shape(o))) for o in outs if anp.result_type(o).kind == "f"), outs
    return loss


@pytest.mark.parametrize("program", [_products_and_scans, _orders, _extrema_and_counts], ids=lambda p: p.__name__)
def test_jit_equals_eager(program):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 4, 5))
    xz = rng.uniform(0.5, 1.5, (3, 4, 5))
    xz[1, 2, :] = 0.0
    xz[0, 0, 0] = 0.0
    f = ad.value_and_grad(_loss(program), argnums=(0, 1), has_aux=True)
    (value, outs), grads = ad.jit(f)(x, xz)
    (value_e, outs_e), grads_e = f(x, xz)
    for got, want, ref in zip(outs, outs_e, program(x, xz)):
        assert np.shape(got) == np.shape(ref) and np.asarray(got).dtype == np.asarray(ref).dtype
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(want, ref, rtol=1e-13)
    np.testing.assert_allclose(value, value_e, rtol=1e-12)
    for g, ge in zip(grads, grads_e):
        np.testing.assert_allclose(g, ge, rtol=1e-12, atol=1e-12)


def test_public_names_are_exported():
    from autodiff.numpy import _reductions
    assert len(set(_reductions.__all__)) == len(_reductions.__all__)
    for name in _reductions.__all__:
        assert getattr(anp, name) is getattr(_reductions, name), name
