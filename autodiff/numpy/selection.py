"""Partial sorts and nan-skipping arg-extrema: partition, argpartition, nanargmax, nanargmin.

NumPy only promises that partition puts the k-th smallest value at position k with smaller values
before it and larger ones after; a full sort keeps that promise, so partition is sort here (the
order within each side may differ from NumPy's introselect; the k-th entries agree) and
argpartition is argsort. partition's gradient is sort's (a gather).
"""
import numpy as np

from ..core import concrete_or_none
from . import _util
from ._creation import asarray
from ._elementwise import isnan, where
from ._reductions import all, argmax, argmin
from .manipulation import argsort, sort


def _check_kth(a, kth, axis):
    a = a if hasattr(a, "shape") else asarray(a)
    kth_val = concrete_or_none(kth)
    if kth_val is None:
        raise TypeError("kth must be concrete (an int or a sequence of ints)")
    shape = _util.shape(a)
    n = int(np.prod(shape, dtype=np.int64)) if axis is None else shape[_util.normalize_axis(axis, len(shape))]
    for k in np.atleast_1d(kth_val):
        if not -n <= int(k) < n:
            raise ValueError(f"kth(={int(k)}) out of bounds ({n})")
    return a


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """numpy.partition: a copy with the kth smallest value(s) in sorted position (a full sort here)."""
    return sort(_check_kth(a, kth, axis), axis=axis, order=order)


def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    """numpy.argpartition: indices that partition a (the stable argsort here)."""
    return argsort(_check_kth(a, kth, axis), axis=axis, order=order, kind="stable")


def _nanarg(fn, a, axis, out, keepdims, fill):
    if out is not None:
        raise TypeError("out= is not supported: autodiff arrays are immutable, use the return value")
    a = a if hasattr(a, "shape") else asarray(a)
    if _util.dtype(a).kind != "f":
        return fn(a, axis=axis, keepdims=bool(keepdims))
    mask = isnan(a)
    all_nan = concrete_or_none(all(mask, axis=axis))
    if all_nan is not None and np.any(all_nan):
        raise ValueError("All-NaN slice encountered")
    return fn(where(mask, fill, a), axis=axis, keepdims=bool(keepdims))


def nanargmax(a, axis=None, out=None, *, keepdims=np._NoValue):
    """numpy.nanargmax: argmax ignoring nan; an all-nan slice raises ValueError (eagerly; under jit it gives 0)."""
    return _nanarg(argmax, a, axis, out, keepdims is True, -np.inf)


def nanargmin(a, axis=None, out=None, *, keepdims=np._NoValue):
    """numpy.nanargmin: argmin ignoring nan; an all-nan slice raises ValueError (eagerly; under jit it gives 0)."""
    return _nanarg(argmin, a, axis, out, keepdims is True, np.inf)


__all__ = ["partition", "argpartition", "nanargmax", "nanargmin"]
