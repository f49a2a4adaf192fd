"""NumPy-named composites: differences, covariance, closeness tests, spacing, interpolation, small stacks.

Every function here is built from other autodiff.numpy functions (no primitives of its own), so it is
differentiable wherever its parts are and compiles under jit. Shapes and static arguments (n, axis,
num, side, ...) follow NumPy exactly; values may be traced. Outside transforms results are plain numpy.

Notes on the few departures:
- searchsorted compares every v against every entry of a (O(len(a) * v.size) work and memory, no
  binary search), so that it stays a composite of comparisons and a sum; it has no gradient. interp
  and digitize use it.
- interp skips NumPy's second-chance formula for nan slopes (infinite xp/fp) and does not take `period`.
- cov has no fweights/aweights; digitize assumes increasing bins when bins are traced.
- allclose and array_equal return Python bools outside transforms, traced 0-d bools under them.
- trapz (removed in NumPy 2.4) is kept as an alias of trapezoid.
"""
import builtins

import numpy as np

from ..core import Tracer, concrete_or_none
from ..custom import stop_gradient
from ..primitives import special as _sp
from . import _util
from ._creation import asarray, linspace, ones, zeros_like
from ._elementwise import (abs, add, astype, divide, equal, greater, isinf, isnan, less, less_equal,
                           log10, logical_and, logical_not, logical_or, mod, multiply, not_equal, power, sign,
                           signbit, sqrt, subtract, where)
from ._reductions import all, cumprod, nansum, sum, var
from ._shape import broadcast_to, concatenate, expand_dims, moveaxis, reshape, stack, vstack
from .indexing import getitem
from .manipulation import flip, take


def _arr(a):
    return a if isinstance(a, (np.ndarray, Tracer)) else asarray(a)


def _float(a):
    a = _arr(a)
    return a if _util.dtype(a).kind == "f" else astype(a, np.float64)


def _scalar(x):
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


def _along(nd, axis, index):
    return (slice(None),) * axis + (index,) + (slice(None),) * (nd - axis - 1)


# -- differences -------------------------------------------------------------------------------------------
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


# -- covariance ----------------------------------------------------------------------------------------------
def _as_rows(m, rowvar):
    m = _float(m)
    if _util.ndim(m) > 2:
        raise ValueError("m has more than 2 dimensions")
    m = reshape(m, (1,) * (2 - _util.ndim(m)) + _util.shape(m))
    return m if rowvar or _util.shape(m)[0] == 1 else moveaxis(m, 0, 1)


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *, dtype=None):
    """numpy.cov without weights: rows are variables (columns with rowvar=False), ddof 1 unless bias."""
    if fweights is not None or aweights is not None:
        raise NotImplementedError("cov: fweights and aweights are not supported")
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be integer")
    from ._products import dot
    X = _as_rows(m, rowvar)
    if y is not None:
        X = concatenate([X, _as_rows(y, rowvar)], axis=0)
    if ddof is None:
        ddof = 0 if bias else 1
    fact = _util.shape(X)[1] - ddof
    X = subtract(X, sum(X, axis=1, keepdims=True) / float(_util.shape(X)[1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        c = multiply(dot(X, moveaxis(X, 0, 1)), np.true_divide(1, fact) if fact > 0 else np.inf)
    c = reshape(c, tuple(d for d in _util.shape(c) if d != 1))
    return c if dtype is None else astype(c, dtype)


def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """numpy.corrcoef: cov divided by the outer product of the standard deviations, clipped to [-1, 1]."""
    from ._elementwise import clip
    c = cov(x, y, rowvar, dtype=dtype)
    if _util.ndim(c) == 0:
        return divide(c, c)
    from .contractions import diagonal
    sd = sqrt(diagonal(c))
    c = divide(divide(c, expand_dims(sd, 1)), expand_dims(sd, 0))
    return clip(c, -1, 1)


# -- comparisons (no gradient) -------------------------------------------------------------------------------
def isclose(a, b, rtol=1.e-5, atol=1.e-8, equal_nan=False):
    """numpy.isclose: |a - b| <= atol + rtol |b| for finite b, or a == b; nan == nan with equal_nan."""
    a, b = stop_gradient(_arr(a)), stop_gradient(_arr(b))
    if _util.dtype(b).kind in "iub":
        b = astype(b, np.float64)
    with np.errstate(invalid="ignore"):
        close = logical_and(less_equal(abs(subtract(a, b)), add(atol, multiply(rtol, abs(b)))),
                            logical_not(isinf(b)))
        res = logical_or(logical_and(close, logical_not(isnan(b))), equal(a, b))
        if equal_nan:
            res = logical_or(res, logical_and(isnan(a), isnan(b)))
    return _scalar(res)


def _bool_result(x):
    return builtins.bool(x) if concrete_or_none(x) is not None else x


def allclose(a, b, rtol=1.e-5, atol=1.e-8, equal_nan=False):
    """numpy.allclose: all(isclose(...)); a Python bool outside transforms."""
    return _bool_result(all(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def array_equal(a1, a2, equal_nan=False):
    """numpy.array_equal: same shape and equal entries (nan == nan with equal_nan); a Python bool outside transforms."""
    a1, a2 = stop_gradient(_arr(a1)), stop_gradient(_arr(a2))
    if _util.shape(a1) != _util.shape(a2):
        return False
    eq = equal(a1, a2)
    if equal_nan:
        eq = logical_or(eq, logical_and(isnan(a1), isnan(a2)))
    return _bool_result(all(eq))


# -- elementwise -------------------------------------------------------------------------------------------
def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """numpy.nan_to_num: nan -> nan, +inf -> posinf (default the largest float), -inf -> neginf (most negative).

    Replaced entries get zero gradient.
    """
    x = _arr(x)
    dt = _util.dtype(x)
    if dt.kind not in "fc":
        return x
    big = np.finfo(dt).max
    posinf = big if posinf is None else posinf
    neginf = -big if neginf is None else neginf
    out = where(isnan(x), np.asarray(nan, dt), x)
    out = where(logical_and(isinf(x), greater(x, 0)), np.asarray(posinf, dt), out)
    return _scalar(where(logical_and(isinf(x), less(x, 0)), np.asarray(neginf, dt), out))


def copysign(x1, x2):
    """numpy.copysign: |x1| with the sign bit of x2 (differentiable in x1)."""
    x1 = _float(x1)
    return multiply(abs(x1), where(signbit(stop_gradient(_arr(x2))), -1.0, 1.0))


def fmod(x1, x2):
    """numpy.fmod: the C remainder, with the sign of x1 (numpy.mod's result shifted by x2 where signs differ)."""
    r = mod(x1, x2)
    shift = logical_and(not_equal(r, 0), not_equal(signbit(r), signbit(_arr(x1))))
    return where(shift, subtract(r, x2), r)


def float_power(x1, x2):
    """numpy.float_power: power computed in float64."""
    return power(_float(x1), _float(x2))


def i0(x):
    """numpy.i0: modified Bessel function of the first kind, order 0 (a float array, like numpy's)."""
    return _sp.i0_p.bind(_float(x))


# -- spacing -----------------------------------------------------------------------------------------------
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
    from ._shape import broadcast_arrays
    return broadcast_arrays(*[_float(a) for a in args])


# -- products and integration ---------------------------------------------------------------------------
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


def vander(x, N=None, increasing=False):
    """numpy.vander: columns are powers of x (decreasing unless increasing), by cumulative products."""
    x = _arr(x)
    if _util.ndim(x) != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    n = _util.shape(x)[0]
    N = n if N is None else N
    dt = np.promote_types(_util.dtype(x), int)
    if N == 0:
        return np.empty((n, 0), dt)
    cols = [ones((n, 1), dt)]
    if N > 1:
        cols.append(broadcast_to(expand_dims(astype(x, dt), 1), (n, N - 1)))
    v = cumprod(concatenate(cols, axis=1), axis=1)
    return v if increasing else flip(v, axis=1)


def polyval(p, x):
    """numpy.polyval: Horner's rule, highest power first (p's length is static)."""
    p, x = _arr(p), _arr(x)
    y = zeros_like(x)
    for i in range(_util.shape(p)[0]):
        y = add(multiply(y, x), getitem(p, i))
    return _scalar(y)


def tri(N, M=None, k=0, dtype=float, *, like=None):
    """numpy.tri (a constant)."""
    return np.tri(N, M, k, dtype)


# -- stacking -----------------------------------------------------------------------------------------------
def atleast_3d(*arys):
    """numpy.atleast_3d: 0-d -> (1, 1, 1), (N,) -> (1, N, 1), (M, N) -> (M, N, 1)."""
    res = []
    for a in arys:
        a = _arr(a)
        s = _util.shape(a)
        res.append(reshape(a, {0: (1, 1, 1), 1: (1,) + s + (1,), 2: s + (1,)}.get(len(s), s)))
    return res[0] if len(res) == 1 else tuple(res)


def dstack(tup):
    """numpy.dstack: concatenate along the third axis after atleast_3d."""
    return concatenate([atleast_3d(a) for a in tup], axis=2)


row_stack = vstack


# -- nan-ignoring spread ----------------------------------------------------------------------------------
def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None,
           correction=None):
    """numpy.nanvar: variance of the non-nan entries (nan where count - ddof <= 0); nan entries get zero gradient."""
    if out is not None or where is not None or mean is not None:
        raise NotImplementedError("nanvar: out=, where= and mean= are not supported")
    if correction is not None:
        ddof = correction
    a = _arr(a)
    if _util.dtype(a).kind != "f":
        return var(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims)
    from ._elementwise import where as _where
    nan = isnan(stop_gradient(a))
    filled = _where(nan, 0.0, a)
    cnt = sum(logical_not(nan), axis=axis, keepdims=True)
    avg = divide(nansum(filled, axis=axis, keepdims=True), _where(equal(cnt, 0), 1, cnt))
    centred = _where(nan, 0.0, subtract(filled, avg))
    ss = sum(multiply(centred, centred), axis=axis, keepdims=keepdims)
    dof = subtract(sum(logical_not(nan), axis=axis, keepdims=keepdims), ddof)
    bad = less_equal(dof, 0)
    return _scalar(_where(bad, np.nan, divide(ss, _where(bad, 1, dof))))


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None,
           correction=None):
    """numpy.nanstd: sqrt(nanvar)."""
    return _scalar(sqrt(nanvar(a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims, where=where,
                               mean=mean, correction=correction)))


# -- searching and interpolation -------------------------------------------------------------------------
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
        from ._elementwise import clip
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


__all__ = ["diff", "ediff1d", "cov", "corrcoef", "isclose", "allclose", "array_equal", "nan_to_num", "copysign",
           "fmod", "float_power", "i0", "logspace", "geomspace", "cross", "trapezoid", "trapz", "vander",
           "polyval", "tri", "atleast_3d", "dstack", "row_stack", "nanvar", "nanstd", "searchsorted", "interp",
           "digitize"]
