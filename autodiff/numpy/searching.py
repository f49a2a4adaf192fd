"""Searching sorted arrays and interpolating on them: searchsorted, digitize, interp.

searchsorted compares every v against every entry of a (O(len(a) * v.size) work and memory, no
binary search), so that it stays a composite of comparisons and a sum; it has no gradient. interp
and digitize use it. interp skips NumPy's second-chance formula for nan slopes (infinite xp/fp)
and does not take `period`; digitize assumes increasing bins when bins are traced.
"""
import numpy as np

from ..core import concrete_or_none
from ..custom import stop_gradient
from . import _util
from ._coerce import _arr, _float, _scalar
from ._creation import zeros_like
from ._elementwise import (add, clip, divide, equal, greater, isnan, less, less_equal, logical_and, logical_not,
                           logical_or, multiply, subtract, where)
from ._reductions import sum
from ._shape import expand_dims
from .indexing import getitem
from .manipulation import flip, take


def searchsorted(a, v, side="left", sorter=None):
    """numpy.searchsorted on 1-D a by counting (nan sorts last, as in numpy); integer result, no gradient."""
    a, v = stop_gradient(_arr(a)), stop_gradient(_arr(v))
    if _util.ndim(a) != 1:
        raise ValueError("object too deep for desired array")
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right' (got {side!r})")
    if sorter is not None:
        a = take(a, sorter)
    vv = expand_dims(v, -1)
    a_nan, v_nan = isnan(a), isnan(vv)
    if side == "left":  # count a < v
        before = logical_or(less(a, vv), logical_and(logical_not(a_nan), v_nan))
    else:  # count a <= v
        before = logical_or(less_equal(a, vv), v_nan)
    return _scalar(sum(before, axis=-1))


def interp(x, xp, fp, left=None, right=None, period=None):
    """numpy.interp: piecewise-linear interpolation on increasing xp; differentiable in x, fp, left and right."""
    if period is not None:
        raise NotImplementedError("interp: period= is not supported")
    x, xp, fp = _float(x), _float(xp), _float(fp)
    if _util.ndim(xp) != 1 or _util.ndim(fp) != 1:
        raise ValueError("object too deep for desired array")
    n = _util.shape(xp)[0]
    if n == 0:
        raise ValueError("array of sample points is empty")
    if _util.shape(fp)[0] != n:
        raise ValueError("fp and xp are not of the same length.")
    first, last = getitem(fp, 0), getitem(fp, n - 1)
    left = first if left is None else left
    right = last if right is None else right
    x0, xn = getitem(xp, 0), getitem(xp, n - 1)
    if n == 1:
        inside = add(zeros_like(x), first)  # nan x too, as numpy
    else:
        j = subtract(searchsorted(xp, x, side="right"), 1)
        j = clip(j, 0, n - 2)
        xl, xr, fl, fr = take(xp, j), take(xp, add(j, 1)), take(fp, j), take(fp, add(j, 1))
        slope = divide(subtract(fr, fl), subtract(xr, xl))
        inside = add(multiply(slope, subtract(x, xl)), fl)
        inside = where(equal(x, xn), last, inside)
    return _scalar(where(less(x, x0), left, where(greater(x, xn), right, inside)))


def digitize(x, bins, right=False):
    """numpy.digitize via searchsorted; monotonicity is checked (and decreasing bins handled) when bins are concrete."""
    bins = _arr(bins)
    side = "left" if right else "right"
    b = concrete_or_none(bins)
    if b is not None:
        b = np.asarray(b)
        d = np.diff(b)
        if not (np.all(d >= 0) or np.all(d <= 0)):
            raise ValueError("bins must be monotonically increasing or decreasing")
        if b.size > 1 and np.all(d <= 0) and not np.all(d == 0):
            return _scalar(subtract(b.size, searchsorted(flip(bins, 0), x, side=side)))
    return searchsorted(bins, x, side=side)


__all__ = ["searchsorted", "interp", "digitize"]
