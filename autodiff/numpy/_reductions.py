"""NumPy-named reductions with `axis` and `keepdims` (sum, mean, max, min, var, std, prod, all, any, argmax,
median, nan-variants) and cumulative sums and products."""
import numpy as np

from ..primitives import reductions as red
from ..primitives.shape import reshape_p
from . import _util
from ._elementwise import (add, astype, divide, isnan, logical_not, multiply, not_equal, sqrt, square, subtract,
                           where as _where)
from ._shape import concatenate, moveaxis, ravel, reshape


def _reduce(p, a, axis, keepdims):
    shape = _util.shape(a)
    axes = _util.normalize_axes(axis, len(shape))
    out = p.bind(a, axes=axes) if axes else a
    if keepdims:
        out = reshape_p.bind(out, new_shape=red.keepdims_shape(shape, axes))
    return out


def sum(a, axis=None, dtype=None, keepdims=False, where=None):  # noqa: A001
    """numpy.sum."""
    if where is not None:
        a = _where(where, a, 0)
    out = _reduce(red.reduce_sum_p, a, axis, keepdims)
    if dtype is not None:
        out = astype(out, dtype)
    return out


def max(a, axis=None, keepdims=False):  # noqa: A001
    """numpy.max (amax); the gradient is split evenly among tied maxima."""
    if _util.shape(a) and 0 in _util.shape(a):
        raise ValueError("zero-size array to reduction operation maximum which has no identity")
    return _reduce(red.reduce_max_p, a, axis, keepdims)


def min(a, axis=None, keepdims=False):  # noqa: A001
    """numpy.min (amin); the gradient is split evenly among tied minima."""
    if _util.shape(a) and 0 in _util.shape(a):
        raise ValueError("zero-size array to reduction operation minimum which has no identity")
    return _reduce(red.reduce_min_p, a, axis, keepdims)


amax, amin = max, min


def _count(a, axis):
    shape = _util.shape(a)
    axes = _util.normalize_axes(axis, len(shape))
    return int(np.prod([shape[i] for i in axes], dtype=np.int64))


def mean(a, axis=None, dtype=None, keepdims=False):
    """numpy.mean."""
    if _util.dtype(a).kind != "f":
        a = astype(a, np.float64)
    return divide(sum(a, axis=axis, keepdims=keepdims, dtype=dtype), float(_count(a, axis)))


def var(a, axis=None, dtype=None, ddof=0, keepdims=False):
    """numpy.var (two-pass: mean, then mean squared deviation)."""
    centred = subtract(a, mean(a, axis=axis, keepdims=True))
    return divide(sum(square(centred), axis=axis, keepdims=keepdims), float(_count(a, axis) - ddof))


def std(a, axis=None, dtype=None, ddof=0, keepdims=False):
    """numpy.std."""
    return sqrt(var(a, axis=axis, ddof=ddof, keepdims=keepdims))


def average(a, axis=None, weights=None, keepdims=False):
    """numpy.average."""
    if weights is None:
        return mean(a, axis=axis, keepdims=keepdims)
    return divide(sum(multiply(a, weights), axis=axis, keepdims=keepdims),
                  sum(multiply(weights, np.ones(_util.shape(a))), axis=axis, keepdims=keepdims))




def _no_out(out):
    if out is not None:
        raise TypeError("out= is not supported: autodiff arrays are immutable, use the return value")


def _accumulation_dtype(a, dtype):
    """numpy's sum/prod/cumsum dtype: `dtype` if given, bools and small ints widened to 64 bits."""
    if dtype is not None:
        return astype(a, dtype)
    dt = _util.dtype(a)
    if dt.kind == "b" or (dt.kind == "i" and dt.itemsize < 8):
        return astype(a, np.int64)
    if dt.kind == "u" and dt.itemsize < 8:
        return astype(a, np.uint64)
    return a


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """numpy.prod; the gradient is the product of the other elements (exact with zeros, no division)."""
    _no_out(out)
    a = _accumulation_dtype(a, dtype)
    if where is not None:
        a = _where(where, a, np.ones((), _util.dtype(a))[()])
    res = _reduce(red.reduce_prod_p, a, axis, keepdims)
    return res if initial is None else multiply(res, initial)


def _scan(p, a, axis, dtype, out):
    _no_out(out)
    if axis is None:
        a, axis = ravel(a), 0
    a = _accumulation_dtype(a, dtype)
    axis = _util.normalize_axis(axis, _util.ndim(a))
    if _util.shape(a)[axis] == 0:
        return a
    return p.bind(a, axis=axis, reverse=False)


def cumsum(a, axis=None, dtype=None, out=None):
    """numpy.cumsum (axis=None flattens)."""
    return _scan(red.cumsum_p, a, axis, dtype, out)


def cumprod(a, axis=None, dtype=None, out=None):
    """numpy.cumprod (axis=None flattens); derivatives are exact where elements are zero."""
    return _scan(red.cumprod_p, a, axis, dtype, out)


def _cumulative(p, x, axis, dtype, out, include_initial, initial):
    if axis is None:
        if _util.ndim(x) > 1:
            raise ValueError("For arrays which have more than one dimension ``axis`` argument is required.")
        axis = 0
    res = _scan(p, x, axis, dtype, out)
    if not include_initial:
        return res
    axis = _util.normalize_axis(axis, _util.ndim(res))
    shape = tuple(1 if i == axis else d for i, d in enumerate(_util.shape(res)))
    return concatenate([np.full(shape, initial, _util.dtype(res)), res], axis=axis)


def cumulative_sum(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """numpy.cumulative_sum (NumPy 2 array-API form of cumsum, optionally starting with 0)."""
    return _cumulative(red.cumsum_p, x, axis, dtype, out, include_initial, 0)


def cumulative_prod(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """numpy.cumulative_prod (optionally starting with 1)."""
    return _cumulative(red.cumprod_p, x, axis, dtype, out, include_initial, 1)


def _arg(p, a, axis, out, keepdims, name):
    _no_out(out)
    shape = _util.shape(a)
    if axis is None:
        res = p.bind(ravel(a), axis=0) if 0 not in shape else None
        new_shape = (1,) * len(shape)
    else:
        axis = _util.normalize_axis(axis, len(shape))
        res = p.bind(a, axis=axis) if shape[axis] else None
        new_shape = red.keepdims_shape(shape, (axis,))
    if res is None:
        raise ValueError(f"attempt to get {name} of an empty sequence")
    return reshape(res, new_shape) if keepdims else res


def argmax(a, axis=None, out=None, *, keepdims=False):
    """numpy.argmax: first index of the maximum (a nan counts as the maximum); no gradient."""
    return _arg(red.argmax_p, a, axis, out, keepdims, "argmax")


def argmin(a, axis=None, out=None, *, keepdims=False):
    """numpy.argmin: first index of the minimum (a nan counts as the minimum); no gradient."""
    return _arg(red.argmin_p, a, axis, out, keepdims, "argmin")


def all(a, axis=None, out=None, keepdims=False, *, where=None):  # noqa: A001
    """numpy.all (boolean, no gradient)."""
    _no_out(out)
    if where is not None:
        a = _where(where, a, True)
    return _reduce(red.reduce_and_p, a, axis, keepdims)


def any(a, axis=None, out=None, keepdims=False, *, where=None):  # noqa: A001
    """numpy.any (boolean, no gradient)."""
    _no_out(out)
    if where is not None:
        a = _where(where, a, False)
    return _reduce(red.reduce_or_p, a, axis, keepdims)


def count_nonzero(a, axis=None, *, keepdims=False):
    """numpy.count_nonzero."""
    return _reduce(red.reduce_sum_p, not_equal(a, 0), axis, keepdims)


def ptp(a, axis=None, out=None, keepdims=False):
    """numpy.ptp: max - min (gradient +1 to the maximum, -1 to the minimum, split among ties)."""
    _no_out(out)
    return subtract(max(a, axis=axis, keepdims=keepdims), min(a, axis=axis, keepdims=keepdims))


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """numpy.median: the middle of the sorted values (mean of the two middle ones for even counts).

    The gradient flows to the middle element(s) through sort's gather; nan anywhere gives nan.
    """
    _no_out(out)
    shape = _util.shape(a)
    axes = _util.normalize_axes(axis, len(shape))
    if _util.dtype(a).kind != "f":
        a = astype(a, np.float64)
    kept = tuple(d for i, d in enumerate(shape) if i not in axes)
    n = int(np.prod([shape[i] for i in axes], dtype=np.int64))
    a = reshape(moveaxis(a, axes, tuple(range(-len(axes), 0))), kept + (n,)) if axes else reshape(a, shape + (1,))
    n = n if axes else 1
    if n == 0:
        res = np.full(kept, np.nan)
    else:
        s = red.sort_p.bind(a, axis=_util.normalize_axis(-1, _util.ndim(a)))
        mid = s[..., n // 2] if n % 2 else multiply(add(s[..., n // 2 - 1], s[..., n // 2]), 0.5)
        res = _where(isnan(s[..., n - 1]), np.nan, mid)
    return reshape(res, red.keepdims_shape(shape, axes)) if keepdims else res


def _nan_to(a, fill):
    return _where(isnan(a), fill, a) if _util.dtype(a).kind == "f" else a


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """numpy.nansum: sum treating nan as 0 (nan entries get zero gradient)."""
    _no_out(out)
    res = sum(_accumulation_dtype(_nan_to(a, 0.0), dtype), axis=axis, keepdims=keepdims, where=where)
    return res if initial is None else add(res, initial)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """numpy.nanprod: product treating nan as 1."""
    return prod(_nan_to(a, 1.0), axis=axis, dtype=dtype, out=out, keepdims=keepdims, initial=initial, where=where)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    """numpy.nanmean: mean of the non-nan entries (nan where there are none)."""
    _no_out(out)
    if _util.dtype(a).kind != "f":
        return mean(a, axis=axis, dtype=dtype, keepdims=keepdims)
    count = astype(sum(logical_not(isnan(a)), axis=axis, keepdims=keepdims, where=where), _util.dtype(a))
    with np.errstate(invalid="ignore", divide="ignore"):
        return divide(nansum(a, axis=axis, dtype=dtype, keepdims=keepdims, where=where), count)


def _nan_extremum(fn, a, axis, out, keepdims, fill):
    _no_out(out)
    if _util.dtype(a).kind != "f":
        return fn(a, axis=axis, keepdims=keepdims)
    res = fn(_nan_to(a, fill), axis=axis, keepdims=keepdims)
    return _where(all(isnan(a), axis=axis, keepdims=keepdims), np.nan, res)


def nanmax(a, axis=None, out=None, keepdims=False):
    """numpy.nanmax: max ignoring nan (nan where every entry is nan)."""
    return _nan_extremum(max, a, axis, out, keepdims, -np.inf)


def nanmin(a, axis=None, out=None, keepdims=False):
    """numpy.nanmin: min ignoring nan (nan where every entry is nan)."""
    return _nan_extremum(min, a, axis, out, keepdims, np.inf)


def nancumsum(a, axis=None, dtype=None, out=None):
    """numpy.nancumsum: cumsum treating nan as 0."""
    return cumsum(_nan_to(a, 0.0), axis=axis, dtype=dtype, out=out)


def nancumprod(a, axis=None, dtype=None, out=None):
    """numpy.nancumprod: cumprod treating nan as 1."""
    return cumprod(_nan_to(a, 1.0), axis=axis, dtype=dtype, out=out)


__all__ = ["sum", "max", "min", "amax", "amin", "mean", "var", "std", "average", "prod", "cumsum", "cumprod",
           "cumulative_sum", "cumulative_prod", "argmax", "argmin", "all", "any", "count_nonzero", "ptp", "median",
           "nansum", "nanprod", "nanmean", "nanmax", "nanmin", "nancumsum", "nancumprod"]
