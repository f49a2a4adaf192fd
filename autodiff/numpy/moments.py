"""Second moments: cov and corrcoef of rows (or columns) of observations, and the nan-skipping nanvar and nanstd.

cov has no fweights/aweights; nan entries get zero gradient in nanvar and nanstd.
"""
import numpy as np

from ..custom import stop_gradient
from . import _util
from ._coerce import _arr, _float, _scalar
from ._elementwise import (astype, clip, divide, equal, isnan, less_equal, logical_not, multiply, sqrt, subtract,
                           where as _where)
from ._products import dot
from ._reductions import nansum, sum, var
from ._shape import concatenate, expand_dims, moveaxis, reshape
from .contractions import diagonal


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
    c = cov(x, y, rowvar, dtype=dtype)
    if _util.ndim(c) == 0:
        return divide(c, c)
    sd = sqrt(diagonal(c))
    c = divide(divide(c, expand_dims(sd, 1)), expand_dims(sd, 0))
    return clip(c, -1, 1)


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


__all__ = ["cov", "corrcoef", "nanvar", "nanstd"]
