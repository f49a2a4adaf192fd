"""Geometric numerical ranges: logspace and geomspace, differentiable in their endpoints (and logspace's base)."""
import builtins

import numpy as np

from ..core import Tracer
from ..custom import stop_gradient
from . import _util
from ._creation import asarray, linspace
from ._elementwise import astype, log10, multiply, power, sign
from ._shape import broadcast_arrays, concatenate, expand_dims, moveaxis
from .indexing import getitem


def _arr(a):
    return a if isinstance(a, (np.ndarray, Tracer)) else asarray(a)


def _float(a):
    a = _arr(a)
    return a if _util.dtype(a).kind == "f" else astype(a, np.float64)


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """numpy.logspace: base ** linspace(start, stop); differentiable in start, stop and base."""
    if builtins.all(_util.is_concrete(v) for v in (start, stop, base)):
        return np.logspace(start, stop, num, endpoint, base, dtype, axis)
    y = linspace(start, stop, num=num, endpoint=endpoint, axis=axis)
    if _util.ndim(base):
        base = expand_dims(base, axis)
    out = power(base, y)
    return out if dtype is None else astype(out, dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """numpy.geomspace for real start and stop of one sign (no zero check when traced), endpoints exact."""
    if _util.is_concrete(start) and _util.is_concrete(stop):
        return np.geomspace(start, stop, num, endpoint, dtype, axis)
    start, stop = _broadcast_float(start, stop)
    out_sign = sign(stop_gradient(start))
    start, stop = multiply(start, out_sign), multiply(stop, out_sign)
    res = linspace(log10(start), log10(stop), num=num, endpoint=endpoint)
    res = power(10.0, res)
    if num > 0:
        first = [expand_dims(start, 0)]
        last = [expand_dims(stop, 0)] if endpoint and num > 1 else []
        res = concatenate(first + [getitem(res, slice(1, num - len(last)))] + last, axis=0)
    res = multiply(res, out_sign)
    if axis != 0:
        res = moveaxis(res, 0, axis)
    return res if dtype is None else astype(res, dtype)


def _broadcast_float(*args):
    return broadcast_arrays(*[_float(a) for a in args])


__all__ = ["logspace", "geomspace"]
