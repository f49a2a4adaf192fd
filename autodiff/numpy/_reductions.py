"""NumPy-named reductions with `axis` and `keepdims`: sum, mean, max, min, var, std."""
import numpy as np

from ..primitives import reductions as red
from ..primitives.shape import reshape_p
from . import _util


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
        from ._elementwise import where as _where
        a = _where(where, a, 0)
    out = _reduce(red.reduce_sum_p, a, axis, keepdims)
    if dtype is not None:
        from ._elementwise import astype
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
    from ._elementwise import astype, divide
    if _util.dtype(a).kind != "f":
        a = astype(a, np.float64)
    return divide(sum(a, axis=axis, keepdims=keepdims, dtype=dtype), float(_count(a, axis)))


def var(a, axis=None, dtype=None, ddof=0, keepdims=False):
    """numpy.var (two-pass: mean, then mean squared deviation)."""
    from ._elementwise import divide, square, subtract
    centred = subtract(a, mean(a, axis=axis, keepdims=True))
    return divide(sum(square(centred), axis=axis, keepdims=keepdims), float(_count(a, axis) - ddof))


def std(a, axis=None, dtype=None, ddof=0, keepdims=False):
    """numpy.std."""
    from ._elementwise import sqrt
    return sqrt(var(a, axis=axis, ddof=ddof, keepdims=keepdims))


def average(a, axis=None, weights=None, keepdims=False):
    """numpy.average."""
    if weights is None:
        return mean(a, axis=axis, keepdims=keepdims)
    from ._elementwise import divide, multiply
    return divide(sum(multiply(a, weights), axis=axis, keepdims=keepdims),
                  sum(multiply(weights, np.ones(_util.shape(a))), axis=axis, keepdims=keepdims))


__all__ = ["sum", "max", "min", "amax", "amin", "mean", "var", "std", "average"]
