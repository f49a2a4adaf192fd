"""NumPy's differences and their integrals: diff, ediff1d, cross and the trapezoidal rule (trapezoid, trapz).

Built from subtraction, products and slicing, so each is differentiable to any order and compiles
under jit. trapz (removed in NumPy 2.4) is kept as an alias of trapezoid.
"""
import numpy as np

from ..core import Tracer
from . import _util
from ._creation import asarray
from ._elementwise import add, astype, divide, multiply, not_equal, subtract
from ._reductions import sum
from ._shape import broadcast_to, concatenate, moveaxis, reshape, stack
from .indexing import getitem


def _arr(a):
    return a if isinstance(a, (np.ndarray, Tracer)) else asarray(a)


def _scalar(x):
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


def _along(nd, axis, index):
    return (slice(None),) * axis + (index,) + (slice(None),) * (nd - axis - 1)


def diff(a, n=1, axis=-1, prepend=np._NoValue, append=np._NoValue):
    """numpy.diff: the n-th discrete difference along axis (booleans: not_equal)."""
    if n == 0:
        return a
    if n < 0:
        raise ValueError("order must be non-negative but got " + repr(n))
    a = _arr(a)
    nd = _util.ndim(a)
    if nd == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = _util.normalize_axis(axis, nd)
    parts = []
    for extra in (prepend, a, append):
        if extra is np._NoValue:
            continue
        extra = _arr(extra)
        if extra is not a and _util.ndim(extra) == 0:
            shape = list(_util.shape(a))
            shape[axis] = 1
            extra = broadcast_to(extra, tuple(shape))
        parts.append(extra)
    if len(parts) > 1:
        a = concatenate(parts, axis=axis)
    op = not_equal if _util.dtype(a) == np.bool_ else subtract
    for _ in range(n):
        a = op(getitem(a, _along(nd, axis, slice(1, None))), getitem(a, _along(nd, axis, slice(None, -1))))
    return a


def ediff1d(ary, to_end=None, to_begin=None):
    """numpy.ediff1d: differences of the flattened array, with optional values before and after."""
    ary = reshape(_arr(ary), (-1,))
    parts = [diff(ary)]
    if to_begin is not None:
        parts.insert(0, astype(reshape(_arr(to_begin), (-1,)), _util.dtype(ary)))
    if to_end is not None:
        parts.append(astype(reshape(_arr(to_end), (-1,)), _util.dtype(ary)))
    return concatenate(parts) if len(parts) > 1 else parts[0]


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """numpy.cross of 3-vectors along axisa/axisb (broadcast over the rest), result along axisc."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _arr(a), _arr(b)
    a = moveaxis(a, _util.normalize_axis(axisa, _util.ndim(a)), -1)
    b = moveaxis(b, _util.normalize_axis(axisb, _util.ndim(b)), -1)
    if _util.shape(a)[-1] != 3 or _util.shape(b)[-1] != 3:
        raise ValueError("incompatible dimensions for cross product\n(dimension must be 3 here; numpy's "
                         "deprecated 2-vectors are not supported)")
    a0, a1, a2 = (getitem(a, (Ellipsis, i)) for i in range(3))
    b0, b1, b2 = (getitem(b, (Ellipsis, i)) for i in range(3))
    c = stack([subtract(multiply(a1, b2), multiply(a2, b1)), subtract(multiply(a2, b0), multiply(a0, b2)),
               subtract(multiply(a0, b1), multiply(a1, b0))], axis=-1)
    return moveaxis(c, -1, _util.normalize_axis(axisc, _util.ndim(c)))


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """numpy.trapezoid: the trapezoidal rule along axis, spacing x (1-D or y's shape) or dx."""
    y = _arr(y)
    nd = _util.ndim(y)
    axis = _util.normalize_axis(axis, nd)
    if x is None:
        d = dx
    else:
        x = _arr(x)
        if _util.ndim(x) == 1:
            d = diff(x)
            d = reshape(d, tuple(_util.shape(d)[0] if i == axis else 1 for i in range(nd)))
        else:
            d = diff(x, axis=axis)
    mid = add(getitem(y, _along(nd, axis, slice(1, None))), getitem(y, _along(nd, axis, slice(None, -1))))
    return _scalar(sum(divide(multiply(d, mid), 2.0), axis=axis))


trapz = trapezoid


__all__ = ["diff", "ediff1d", "cross", "trapezoid", "trapz"]
