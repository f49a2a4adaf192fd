"""Polynomials in NumPy's power basis (highest degree first): polyfit, polyval and the Vandermonde matrix vander.

polyfit follows numpy.polyfit step by step (weights, Vandermonde matrix with unit-norm columns,
rescaled coefficients, covariance) but solves the least-squares problem with the normal equations
plus one step of iterative refinement instead of LAPACK's SVD-based lstsq, so that the fit is a
traced program: differentiable in x, y and w, and compiled under jit. That matches NumPy to ~1e-12
while the scaled Vandermonde matrix is well conditioned (cond below ~1e5); a rank-deficient fit
gives inf/nan instead of NumPy's minimum-norm solution. full=True (singular values and rank) needs
concrete inputs.
"""
import warnings

import numpy as np

from ..core import Tracer, concrete_or_none
from . import _util
from ._creation import asarray, ones, zeros_like
from ._elementwise import add, astype, divide, multiply, sqrt, subtract
from ._products import matmul
from ._reductions import cumprod, sum
from ._shape import broadcast_to, concatenate, expand_dims, swapaxes
from .indexing import getitem
from .linalg import inv, solve
from .manipulation import flip


def _arr(a):
    return a if isinstance(a, (np.ndarray, Tracer)) else asarray(a)


def _scalar(x):
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


def _float(x):
    x = x if isinstance(x, (np.ndarray, Tracer)) else asarray(x)
    return x if _util.dtype(x).kind == "f" else astype(x, np.float64)


def _lstsq_normal(lhs, rhs):
    """argmin |lhs c - rhs| via (lhs^T lhs) c = lhs^T rhs, refined once with the residual."""
    gram = matmul(swapaxes(lhs, 0, 1), lhs)
    c = solve(gram, matmul(swapaxes(lhs, 0, 1), rhs))
    resid = subtract(rhs, matmul(lhs, c))
    return add(c, solve(gram, matmul(swapaxes(lhs, 0, 1), resid)))


def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """numpy.polyfit: least-squares coefficients of a degree-`deg` polynomial, highest power first.

    y may be 2-D (one fit per column). cov=True (or "unscaled") also returns the coefficients'
    covariance, scaled by the residual variance unless "unscaled", as in NumPy.
    """
    order = int(deg) + 1
    x, y = _float(x), _float(y)
    if deg < 0:
        raise ValueError("expected deg >= 0")
    if _util.ndim(x) != 1:
        raise TypeError("expected 1D vector for x")
    if _util.shape(x)[0] == 0:
        raise TypeError("expected non-empty vector for x")
    if _util.ndim(y) < 1 or _util.ndim(y) > 2:
        raise TypeError("expected 1D or 2D array for y")
    n = _util.shape(x)[0]
    if n != _util.shape(y)[0]:
        raise TypeError("expected x and y to have same length")
    if rcond is None:
        rcond = n * np.finfo(_util.dtype(x)).eps
    lhs, rhs = vander(x, order), y
    if w is not None:
        w = _float(w)
        if _util.ndim(w) != 1:
            raise TypeError("expected a 1-d array for weights")
        if _util.shape(w)[0] != n:
            raise TypeError("expected w and y to have the same length")
        lhs = multiply(lhs, expand_dims(w, 1))
        rhs = multiply(rhs, w if _util.ndim(rhs) == 1 else expand_dims(w, 1))
    scale = sqrt(sum(multiply(lhs, lhs), axis=0))
    lhs = divide(lhs, scale)
    c_scaled = _lstsq_normal(lhs, rhs)
    c = divide(c_scaled, scale if _util.ndim(rhs) == 1 else expand_dims(scale, 1))
    resid = subtract(rhs, matmul(lhs, c_scaled))
    resids = sum(multiply(resid, resid), axis=0)
    if full:
        lhs_val = concrete_or_none(lhs)
        if lhs_val is None:
            raise TypeError("polyfit(full=True) returns the rank and singular values, which need concrete x and w "
                            "(not traced under jit)")
        s = np.linalg.svd(np.asarray(lhs_val), compute_uv=False)
        rank = np.int32(np.sum(s > rcond * s[0]))  # LAPACK's integer, as numpy.linalg.lstsq returns it
        keep = rank == order and n > order
        return c, (resids if _util.ndim(rhs) == 2 else expand_dims(resids, 0)) if keep else np.array([]), rank, s, \
            rcond
    s_val = concrete_or_none(lhs)
    if s_val is not None:
        s = np.linalg.svd(np.asarray(s_val), compute_uv=False)
        if np.sum(s > rcond * s[0]) != order:
            warnings.warn("Polyfit may be poorly conditioned", np.exceptions.RankWarning, stacklevel=2)
    if not cov:
        return c
    vbase = divide(inv(matmul(swapaxes(lhs, 0, 1), lhs)), multiply(expand_dims(scale, 1), expand_dims(scale, 0)))
    if cov == "unscaled":
        fac = 1.0
    else:
        if n <= order:
            raise ValueError("the number of data points must exceed order to scale the covariance matrix")
        fac = divide(resids, n - order)
    if _util.ndim(y) == 1:
        return c, multiply(vbase, fac)
    return c, multiply(expand_dims(vbase, 2), fac)


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


__all__ = ["polyfit", "polyval", "vander"]
