"""Order statistics and counting: quantile, percentile and their nan variants, nanmedian, histogram, bincount.

Quantiles sort the data (sort's gradient is a gather) and interpolate between the two order
statistics around NumPy's "virtual index", with NumPy's formulas for all thirteen `method`s
(Hyndman & Fan 1996). The gradient flows to the one or two order statistics used, weighted by the
interpolation, and to `q` itself through the interpolation weight (continuous methods). The nan
variants count the non-nan values of each slice (nan sorts last), so they compile under jit too.
`weights=` is NumPy 2's: method="inverted_cdf" only (weighted_quantile.py).

histogram and bincount count (no gradient); their weights get a gradient, and so do histogram's
automatic bin edges (through the minimum and maximum of `a`) and density.
"""
import warnings

import numpy as np

from ..core import concrete_or_none
from ..custom import stop_gradient
from ..primitives import reductions as red
from . import _util
from ._coerce import _arr, _float, _scalar
from ._creation import linspace, zeros
from ._elementwise import (add, astype, ceil, clip, divide, equal, floor, greater_equal, isnan, less, less_equal,
                           logical_and, logical_or, mod, multiply, round, subtract, where)
from ._reductions import max, min, sum
from ._shape import expand_dims, moveaxis, ravel, reshape
from .indexing import at
from .manipulation import sort, take_along_axis
from .weighted_quantile import check_weights, weighted_inverted_cdf

# alpha, beta of Hyndman & Fan's continuous methods: virtual index n q + alpha + q (1 - alpha - beta) - 1
_CONTINUOUS = {"interpolated_inverted_cdf": (0.0, 1.0), "hazen": (0.5, 0.5), "weibull": (0.0, 0.0),
               "median_unbiased": (1 / 3.0, 1 / 3.0), "normal_unbiased": (3 / 8.0, 3 / 8.0)}
_DISCRETE = ("inverted_cdf", "closest_observation", "lower", "higher", "nearest")
METHODS = ("linear", "averaged_inverted_cdf", "midpoint") + tuple(_CONTINUOUS) + _DISCRETE


def _no_out(out):
    if out is not None:
        raise TypeError("out= is not supported: autodiff arrays are immutable, use the return value")


def _to_last(a, axis):
    """a with the reduced axes flattened into one last axis; and the shape keepdims=True restores."""
    shape = _util.shape(a)
    axes = _util.normalize_axes(axis, len(shape))
    kept = tuple(d for i, d in enumerate(shape) if i not in axes)
    n = int(np.prod([shape[i] for i in axes], dtype=np.int64))
    a = reshape(moveaxis(a, axes, tuple(range(-len(axes), 0))), kept + (n,)) if axes else reshape(a, shape + (1,))
    return a, red.keepdims_shape(shape, axes)


def _check_q(q, scale):
    q = _float(q)
    q_val = concrete_or_none(q)
    if scale != 1:
        q = divide(q, scale)
    if q_val is not None:
        q_val = np.asarray(q_val, np.float64) / scale
        if not (np.all(q_val >= 0) and np.all(q_val <= 1)):
            raise ValueError("Percentiles must be in the range [0, 100]" if scale == 100
                             else "Quantiles must be in the range [0, 1]")
    return q


def _virtual_index(n, q, method):
    """NumPy's virtual index (float) or, for the discrete methods, the index itself (float-valued integer)."""
    if method == "linear":
        return multiply(subtract(n, 1), q)
    if method in _CONTINUOUS:
        alpha, beta = _CONTINUOUS[method]
        return subtract(add(multiply(n, q), add(alpha, multiply(q, 1 - alpha - beta))), 1)
    if method == "averaged_inverted_cdf":
        return subtract(multiply(n, q), 1)
    if method == "midpoint":
        vi = multiply(subtract(n, 1), stop_gradient(q))
        return multiply(0.5, add(floor(vi), ceil(vi)))
    q = stop_gradient(q)
    if method in ("lower", "higher", "nearest"):
        return {"lower": floor, "higher": ceil, "nearest": round}[method](multiply(subtract(n, 1), q))
    index = subtract(multiply(n, q), 1.0 if method == "inverted_cdf" else 1.5)
    prev = floor(index)
    at_prev = equal(subtract(index, prev), 0)
    if method == "closest_observation":
        at_prev = logical_and(at_prev, equal(mod(prev, 2), 1))
    return clip(where(at_prev, prev, add(prev, 1)), 0, None)


def _lerp(a, b, t):
    """NumPy's _lerp: a + (b - a) t below t = 1/2, b - (b - a)(1 - t) from there (exact at both ends)."""
    d = subtract(b, a)
    return where(greater_equal(t, 0.5), subtract(b, multiply(d, subtract(1, t))), add(a, multiply(d, t)))


def _gather_last(s, index):
    """s[..., index] for index of shape Q + s.shape[:-1] (an integer-valued float array)."""
    lead = _util.ndim(index) - (_util.ndim(s) - 1)
    s = reshape(s, (1,) * lead + _util.shape(s))
    idx = astype(stop_gradient(index), np.intp)
    return take_along_axis(s, expand_dims(idx, -1), axis=-1)[..., 0]


def _quantile_sorted(s, q, n, method):
    """Quantiles q (shape Q) of each sorted slice s[..., :n] (nan last); result shape Q + s.shape[:-1]."""
    if method not in METHODS:
        raise ValueError(f"{method!r} is not a valid method. Use one of: {METHODS}")
    last = _util.shape(s)[-1] - 1
    q = reshape(q, _util.shape(q) + (1,) * (_util.ndim(s) - 1))
    vi = _virtual_index(n, q, method)
    if method in _DISCRETE:
        return _gather_last(s, clip(vi, 0, last))
    prev = floor(stop_gradient(vi))
    top = subtract(n, 1)
    above, below = greater_equal(vi, top), less(vi, 0)
    lo = where(above, top, where(below, 0, prev))
    hi = where(above, top, where(below, 0, add(prev, 1)))
    gamma = subtract(vi, prev)
    if method == "averaged_inverted_cdf":
        gamma = where(equal(gamma, 0), 0.5, 1.0)
    elif method == "midpoint":
        gamma = where(equal(mod(vi, 1), 0), 0.0, 0.5)
    lo, hi = clip(lo, 0, last), clip(hi, 0, last)
    return _lerp(_gather_last(s, lo), _gather_last(s, hi), gamma)


def _finish(res, q, keep_shape, keepdims):
    if keepdims:
        res = reshape(res, _util.shape(q) + keep_shape)
    return _scalar(res)


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None,
             interpolation=None):
    """numpy.quantile: the q-th quantiles of `a` along `axis`; q's dimensions come first in the result.

    method is any of NumPy's thirteen (default "linear", Hyndman & Fan's method 7). Differentiable in
    `a` (through the sort) and, for the continuous methods, in `q`. A slice holding nan gives nan.
    """
    return _quantile(a, q, axis, out, method, keepdims, weights, interpolation, scale=1, skip_nan=False)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None,
               interpolation=None):
    """numpy.percentile: quantile(a, q / 100, ...); q in [0, 100]."""
    return _quantile(a, q, axis, out, method, keepdims, weights, interpolation, scale=100, skip_nan=False)


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None,
                interpolation=None):
    """numpy.nanquantile: quantile of the non-nan values of each slice (nan, with a warning, if there are none)."""
    return _quantile(a, q, axis, out, method, keepdims, weights, interpolation, scale=1, skip_nan=True)


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
                  weights=None, interpolation=None):
    """numpy.nanpercentile: nanquantile(a, q / 100, ...)."""
    return _quantile(a, q, axis, out, method, keepdims, weights, interpolation, scale=100, skip_nan=True)


def _quantile(a, q, axis, out, method, keepdims, weights, interpolation, scale, skip_nan):
    _no_out(out)
    if interpolation is not None:
        raise TypeError("the `interpolation=` argument was renamed `method=` (NumPy 1.22) and removed in NumPy 2.4")
    a = _float(a)
    q = _check_q(q, scale)
    if weights is not None:
        weights = check_weights(weights, a, axis, method)
    flat, keep_shape = _to_last(a, axis)
    n_total = _util.shape(flat)[-1]
    if n_total == 0:
        raise IndexError("quantile of an empty axis: index -1 is out of bounds for axis 0 with size 0")
    if weights is not None:
        res = weighted_inverted_cdf(flat, _to_last(weights, axis)[0], q, skip_nan)
        if skip_nan:
            _warn_all_nan(subtract(n_total, sum(isnan(flat), axis=-1)))
        return reshape(res, _util.shape(q) + keep_shape) if keepdims else res  # 0-d stays an array, as numpy's
    s = sort(flat, axis=-1)
    if not skip_nan:
        res = _quantile_sorted(s, q, n_total, method)
        res = where(isnan(s[..., n_total - 1]), np.nan, res)
    else:
        n = subtract(n_total, sum(isnan(flat), axis=-1))
        res = _quantile_sorted(s, q, n, method)
        res = where(equal(n, 0), np.nan, res)
        _warn_all_nan(n)
    return _finish(res, q, keep_shape, keepdims)


def _warn_all_nan(n):
    n_val = concrete_or_none(n)
    if n_val is not None and np.any(np.asarray(n_val) == 0):
        warnings.warn("All-NaN slice encountered", RuntimeWarning, stacklevel=4)


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """numpy.nanmedian: the median of the non-nan values of each slice (the mean of the middle two for even counts)."""
    _no_out(out)
    a = _float(a)
    flat, keep_shape = _to_last(a, axis)
    if _util.shape(flat)[-1] == 0:
        return _median_of_empty(flat, keep_shape, keepdims)
    s = sort(flat, axis=-1)
    n = subtract(_util.shape(flat)[-1], sum(isnan(flat), axis=-1))
    lo = clip(astype(floor(multiply(subtract(n, 1), 0.5)), np.float64), 0, None)
    hi = clip(astype(floor(multiply(n, 0.5)), np.float64), 0, None)
    res = multiply(add(_gather_last(s, lo), _gather_last(s, hi)), 0.5)
    res = where(equal(n, 0), np.nan, res)
    _warn_all_nan(n)
    return _scalar(reshape(res, keep_shape) if keepdims else res)


def _median_of_empty(flat, keep_shape, keepdims):
    warnings.warn("Mean of empty slice.", RuntimeWarning, stacklevel=3)
    res = np.full(_util.shape(flat)[:-1], np.nan)
    return _scalar(res.reshape(keep_shape) if keepdims else res)


# -- counting ----------------------------------------------------------------------------------------------
def _concrete(x, what):
    val = concrete_or_none(x)
    if val is None:
        raise TypeError(f"{what} fixes the shape of the result, so it must be concrete (not traced under jit)")
    return val


def bincount(x, /, weights=None, minlength=0):
    """numpy.bincount: counts (or summed weights) of each non-negative integer in x; differentiable in weights.

    The result has length max(x) + 1 (at least minlength), which depends on the values of x: x must be
    concrete (a closed-over array under jit); weights may be traced.
    """
    x_val = np.asarray(_concrete(x, "bincount(x): x (its maximum sets the length of the result)"))
    length = len(np.bincount(x_val, minlength=minlength))
    if weights is None:
        return np.bincount(x_val, minlength=minlength)
    w = _float(weights)
    if _util.shape(w) != x_val.shape:
        raise ValueError("The weights and list don't have the same length.")
    return at(zeros(length))[x_val].add(w)


def _edges(a, bins, range_):
    """Bin edges as NumPy computes them: given, or `bins` equal bins over range (default [min(a), max(a)])."""
    if isinstance(bins, str):
        return np.histogram_bin_edges(np.asarray(_concrete(a, "histogram(bins='" + bins + "'): a")), bins, range_)
    if not isinstance(bins, (int, np.integer)):
        edges = _float(bins)
        if _util.ndim(edges) != 1:
            raise ValueError("`bins` must be 1d, when an array")
        e_val = concrete_or_none(edges)
        if e_val is not None and np.any(np.diff(e_val) < 0):
            raise ValueError("`bins` must increase monotonically, when an array")
        return edges
    n = int(bins)
    if n < 1:
        raise ValueError("`bins` must be positive, when an integer")
    if range_ is not None:
        first, last = range_
        if first > last:
            raise ValueError("max must be larger than min in range parameter.")
    elif _util.shape(a)[0] == 0:
        first, last = 0.0, 1.0
    else:
        first, last = min(a), max(a)
    f_val, l_val = concrete_or_none(first), concrete_or_none(last)
    if f_val is not None and l_val is not None:
        if not (np.isfinite(f_val) and np.isfinite(l_val)):
            raise ValueError(f"autodetected range of [{f_val}, {l_val}] is not finite")
        if f_val == l_val:
            first, last = subtract(first, 0.5), add(last, 0.5)
    else:
        same = equal(first, last)
        first, last = where(same, subtract(first, 0.5), first), where(same, add(last, 0.5), last)
    return linspace(_float(first), _float(last), n + 1)


def histogram(a, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """numpy.histogram: (hist, bin_edges). Counts are not differentiable; weights, density and the automatic
    edges (through min(a) and max(a)) are. Values outside the edges are dropped; the last bin is closed."""
    a = ravel(_float(a))
    if isinstance(bins, str) and weights is not None:
        raise TypeError("Automated estimation of the number of bins is not supported for weighted data")
    edges = _edges(a, bins, range)
    if weights is not None:
        weights = ravel(_arr(weights))
        if _util.shape(weights) != _util.shape(a):
            raise ValueError("weights should have the same shape as a.")
    a_val, e_val = concrete_or_none(a), concrete_or_none(edges)
    if a_val is not None and e_val is not None and weights is None:
        hist = np.histogram(a_val, np.asarray(e_val))[0]
    else:
        # one-hot of each value's bin (half-open bins, the last one closed), then summed: O(len(a) * bins)
        x = expand_dims(a, -1)
        lo, hi = edges[:-1], edges[1:]
        last = np.arange(_util.shape(edges)[0] - 1) == _util.shape(edges)[0] - 2
        inside = logical_and(greater_equal(x, lo), logical_or(less(x, hi), logical_and(last, less_equal(x, hi))))
        if weights is None:
            hist = sum(astype(stop_gradient(inside), np.int64), axis=0)
        else:
            hist = sum(where(inside, expand_dims(weights, -1), 0), axis=0)
            if _util.dtype(weights).kind != "f":
                hist = astype(hist, _util.dtype(weights))
    if density:
        widths = subtract(edges[1:], edges[:-1])
        hist = multiply(hist, 1.0)
        return hist / widths / sum(hist), edges
    return hist, edges


__all__ = ["quantile", "percentile", "nanquantile", "nanpercentile", "nanmedian", "bincount", "histogram"]
