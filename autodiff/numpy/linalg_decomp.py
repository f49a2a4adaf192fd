"""numpy.linalg decompositions and what is built on them: svd, svdvals, qr, eig, eigvals, lstsq, pinv,
matrix_rank, cond, plus the tensor helpers tensorsolve, tensorinv, tensordot and cross.

Differentiability (both modes, any order, under `ad.jit` too):
  * svd: U, S, Vh with distinct non-zero singular values (JAX's rule). The extra columns of
    full_matrices=True for a non-square matrix have no derivative (NotImplementedError); use
    full_matrices=False or svdvals. Singular vectors are defined up to sign: differentiate functions
    that do not depend on it (U diag(s) Vh, |U|, projectors).
  * qr: reduced Q and R for any shape (wide matrices are split as [X | Y] -> R = [R_X | Q^T Y]);
    complete Q of a tall matrix has no derivative.
  * pinv, lstsq's solution: the pseudo-inverse's derivative where the rank is locally constant.
  * eig, eigvals: values only, outside transforms (complex results are not supported under
    grad/jit); for symmetric matrices use eigh/eigvalsh, which are differentiable.
  * matrix_rank is an integer (no derivative); cond is differentiable for p in (None, 2, -2) through
    the singular values and for the norm-based p through norm and inv.
"""
import operator
from collections import namedtuple

import numpy as np

from ..core import Tracer, concrete_or_none
from ..primitives import linalg as pl
from ..primitives import linalg_decomp as pd
from . import _creation as _cr
from . import _elementwise as _ew
from . import _products as _prod
from . import _reductions as _red
from . import _shape as _sh
from . import _util
from . import contractions as _con
from . import differences as _diff
from . import manipulation as _man
from .linalg_solve import LinAlgError, as_float, eigh, eigvalsh, inv, norm, solve, square_stack

SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])
QRResult = namedtuple("QRResult", ["Q", "R"])
EigResult = namedtuple("EigResult", ["eigenvalues", "eigenvectors"])


def matrix_stack(a, name):
    """a as a float stack of matrices, with numpy.linalg's error for fewer than two dimensions."""
    a = as_float(a)
    if _util.ndim(a) < 2:
        raise LinAlgError(f"{_util.ndim(a)}-dimensional array given. Array must be at least two-dimensional")
    return a


# -- svd ---------------------------------------------------------------------------------------------------
def _svd_hermitian(a, compute_uv):
    """numpy's hermitian=True path: from eigh (lower triangle), |w| descending, signs moved into Vh."""
    if not compute_uv:
        return _man.flip(_man.sort(_ew.abs(eigvalsh(a)), axis=-1), axis=-1)
    w, u = eigh(a)
    order = _man.flip(_man.argsort(_ew.abs(w), axis=-1), axis=-1)
    sgn = _man.take_along_axis(_ew.sign(w), order, axis=-1)
    s = _man.take_along_axis(_ew.abs(w), order, axis=-1)
    u = _man.take_along_axis(u, _sh.expand_dims(order, -2), axis=-1)
    return SVDResult(u, s, pl.swap_last(u * _sh.expand_dims(sgn, -2)))


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """numpy.linalg.svd -> SVDResult(U, S, Vh), S descending; S alone if compute_uv=False.

    Differentiable for distinct non-zero singular values; U/Vh of full_matrices=True have a
    derivative only for square matrices (use full_matrices=False otherwise).
    """
    a = matrix_stack(a, "svd")
    if hermitian:
        return _svd_hermitian(square_stack(a), compute_uv)
    m, n = _util.shape(a)[-2:]
    if not compute_uv:
        return pd.svd_p.bind(a, full_matrices=False)[1]
    u, s, vt = pd.svd_p.bind(a, full_matrices=bool(full_matrices) and m != n)
    return SVDResult(u, s, vt)


def svdvals(x, /):
    """numpy.linalg.svdvals: the singular values, descending (differentiable where distinct)."""
    return svd(x, compute_uv=False)


# -- qr ------------------------------------------------------------------------------------------------------
def qr(a, mode="reduced"):
    """numpy.linalg.qr -> QRResult(Q, R) (mode 'reduced' or 'complete') or R (mode 'r').

    Householder QR with LAPACK's signs. Reduced factors are differentiable for full-rank matrices of
    any shape; the complete Q of a tall matrix is not. mode='raw' is not supported.
    """
    if mode not in ("reduced", "complete", "r", "raw"):
        raise ValueError(f"Unrecognized mode '{mode}'")
    if mode == "raw":
        raise NotImplementedError("qr(mode='raw') (LAPACK's Householder reflectors) is not provided; "
                                  "use mode='reduced' or 'complete'")
    a = matrix_stack(a, "qr")
    m, n = _util.shape(a)[-2:]
    if m < n:  # [X | Y] = Q [R_X | Q^T Y]: the same factors LAPACK computes, differentiable
        q, r1 = pd.qr_p.bind(a[..., :, :m], complete=False)
        r = _sh.concatenate([r1, _prod.matmul(pl.swap_last(q), a[..., :, m:])], axis=-1)
    else:
        q, r = pd.qr_p.bind(a, complete=mode == "complete" and m != n)
    return r if mode == "r" else QRResult(q, r)


# -- eig (values only, outside transforms) -------------------------------------------------------------------
def reject_tracer(a, name):
    if isinstance(a, Tracer):
        raise NotImplementedError(f"{name}: general (complex) eigendecompositions cannot be traced by grad/jvp/jit "
                                  f"here; for a symmetric matrix use eigh/eigvalsh, which are differentiable")
    return a


def eig(a):
    """numpy.linalg.eig -> EigResult(eigenvalues, eigenvectors), complex in general; values only
    (raises NotImplementedError under grad/jvp/jit; use eigh for symmetric matrices)."""
    w, v = np.linalg.eig(reject_tracer(a, "eig"))
    return EigResult(w, v)


def eigvals(a):
    """numpy.linalg.eigvals, values only (raises under grad/jvp/jit; use eigvalsh for symmetric matrices)."""
    return np.linalg.eigvals(reject_tracer(a, "eigvals"))


# -- pinv, lstsq, matrix_rank, cond ----------------------------------------------------------------------
_NoValue = object()


def _scalar(value, name):
    try:
        return float(value)
    except TypeError:
        raise NotImplementedError(f"{name} must be a scalar here (per-matrix values are not supported)") from None


def pinv(a, rcond=None, hermitian=False, *, rtol=_NoValue):
    """numpy.linalg.pinv: singular values <= rcond * s_max dropped (rcond 1e-15, or rtol; numpy 2's rules).

    Differentiable where the rank is locally constant (Golub and Pereyra 1973). hermitian=True reads
    the lower triangle, as numpy's eigh-based path does.
    """
    a = matrix_stack(a, "pinv")
    if rcond is None:
        rcond = 1e-15 if rtol is _NoValue else (max(_util.shape(a)[-2:]) * np.finfo(np.float64).eps
                                                if rtol is None else rtol)
    elif rtol is not _NoValue:
        raise ValueError("`rtol` and `rcond` can't be both set.")
    if hermitian:
        a = pl.sym_from_lower(square_stack(a))
    return pd.pinv_p.bind(a, rtol=_scalar(rcond, "pinv: rcond"), atol=0.0)


def least_squares(a, b, rtol, name):
    """(x, residuals or None, rank, s) of min ||a x - b|| shared by numpy's and scipy's lstsq: x =
    pinv(a) @ b with singular values <= rtol * s_max dropped (LAPACK gelsd's cutoff); residuals, the
    squared column norms of b - a x, when M > N and rank == N (under `jit` the rank is not known
    when tracing: then whenever M > N). rank is an int when concrete."""
    a, b = as_float(a), as_float(b)
    if _util.ndim(a) != 2:
        raise LinAlgError(f"{name}: {_util.ndim(a)}-dimensional array given. Array must be two-dimensional")
    m, n = _util.shape(a)
    if _util.ndim(b) not in (1, 2):
        raise LinAlgError(f"{name}: {_util.ndim(b)}-dimensional b given. b must be one- or two-dimensional")
    if _util.shape(b)[0] != m:
        raise LinAlgError(f"{name}: Incompatible dimensions: a has {m} rows, b has {_util.shape(b)[0]}")
    x = _prod.matmul(pd.pinv_p.bind(a, rtol=float(rtol), atol=0.0), b)
    s = svdvals(a)
    rank = _red.sum(_ew.greater(s, rtol * s[..., 0]), axis=-1) if min(m, n) else np.int64(0)
    concrete_rank = concrete_or_none(rank)
    if concrete_rank is not None:
        rank = int(concrete_rank)
    residuals = None
    if m > n and (concrete_rank is None or rank == n):
        residuals = _red.sum(_ew.square(b - _prod.matmul(a, x)), axis=0)
    return x, residuals, rank, s


def lstsq(a, b, rcond=None):
    """numpy.linalg.lstsq -> (x, residuals, rank, s): the minimum-norm least-squares solution.

    rcond defaults to eps * max(M, N); x is differentiable where the rank is locally constant.
    residuals has shape (K,) ((1,) for a vector b) when rank == N < M, else (0,); under `jit` it is
    returned whenever M > N (the rank is not known when tracing).
    """
    m, n = _util.shape(a)[-2:] if _util.ndim(a) >= 2 else (0, 0)
    rcond = np.finfo(np.float64).eps * max(m, n) if rcond is None else _scalar(rcond, "lstsq: rcond")
    x, residuals, rank, s = least_squares(a, b, rcond, "lstsq")
    if residuals is None:
        residuals = np.empty((0,), np.float64)
    elif _util.ndim(residuals) == 0:
        residuals = _sh.reshape(residuals, (1,))
    return x, residuals, rank, s


def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """numpy.linalg.matrix_rank: the number of singular values > tol (default S.max * max(M, N) * eps);
    an integer, so no derivative."""
    if rtol is not None and tol is not None:
        raise ValueError("`tol` and `rtol` can't be both set.")
    A = _cr.asarray(A)
    if _util.ndim(A) < 2:
        value = concrete_or_none(A)
        if value is None:
            return _ew.astype(_red.any(_ew.not_equal(A, 0)), np.int64)
        return int(not np.all(value == 0))
    S = svd(A, compute_uv=False, hermitian=hermitian)
    if tol is None:
        if rtol is None:
            rtol = max(_util.shape(A)[-2:]) * np.finfo(np.float64).eps
        else:
            rtol = _sh.expand_dims(_cr.asarray(rtol), -1)
        tol = _red.max(S, axis=-1, keepdims=True) * rtol if _util.shape(S)[-1] else 0.0
    else:
        tol = _sh.expand_dims(_cr.asarray(tol), -1)
    return _red.count_nonzero(_ew.greater(S, tol), axis=-1)


def cond(x, p=None):
    """numpy.linalg.cond: s_max / s_min (p None or 2), s_min / s_max (p -2), or
    norm(x, p) * norm(inv(x), p) for p in ('fro', 'nuc', 1, -1, inf, -inf). Outside transforms a NaN
    from a singular matrix becomes inf, as numpy does."""
    x = matrix_stack(x, "cond")
    if p is None or p in (2, -2):
        s = svdvals(x)
        r = s[..., -1] / s[..., 0] if p == -2 else s[..., 0] / s[..., -1]
    else:
        x = square_stack(x)
        value = concrete_or_none(x)
        if value is not None and not isinstance(x, Tracer):
            with np.errstate(all="ignore"):
                try:
                    invx = np.linalg.inv(value)
                except LinAlgError:
                    invx = np.full_like(value, np.nan)
        else:
            invx = inv(x)
        r = norm(x, p, axis=(-2, -1)) * norm(invx, p, axis=(-2, -1))
    if not isinstance(r, Tracer):
        r = np.asarray(r)
        nan = np.isnan(r) & ~np.isnan(np.asarray(x)).any(axis=(-2, -1))
        if nan.any():
            r = np.where(nan, np.inf, r)
        r = r[()]
    return r


# -- tensor helpers ------------------------------------------------------------------------------------------
def tensorsolve(a, b, axes=None):
    """numpy.linalg.tensorsolve: x with tensordot(a, x, x.ndim) == b, by one reshaped solve."""
    a, b = as_float(a), as_float(b)
    an = _util.ndim(a)
    if axes is not None:
        allaxes = list(range(an))
        for k in axes:
            allaxes.remove(k)
            allaxes.insert(an, k)
        a = _sh.transpose(a, allaxes)
    oldshape = _util.shape(a)[-(an - _util.ndim(b)):]
    prod = int(np.prod(oldshape))
    if int(np.prod(_util.shape(a))) != prod ** 2:
        raise LinAlgError("Input arrays must satisfy the requirement prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim])")
    x = solve(_sh.reshape(a, (prod, prod)), _sh.ravel(b))
    return _sh.reshape(x, oldshape)


def tensorinv(a, ind=2):
    """numpy.linalg.tensorinv: the inverse of a reshaped to (prod(shape[:ind]), prod(shape[ind:]))."""
    ind = operator.index(ind)
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    a = as_float(a)
    shape = _util.shape(a)
    prod = int(np.prod(shape[ind:]))
    return _sh.reshape(inv(_sh.reshape(a, (prod, -1))), shape[ind:] + shape[:ind])


def tensordot(x1, x2, /, *, axes=2):
    """numpy.linalg.tensordot: numpy.tensordot with keyword-only axes."""
    return _con.tensordot(x1, x2, axes=axes)


def cross(x1, x2, /, *, axis=-1):
    """numpy.linalg.cross: the cross product of 3-vectors along `axis` (broadcast over the rest)."""
    n1, n2 = _util.shape(x1)[axis], _util.shape(x2)[axis]
    if n1 != 3 or n2 != 3:
        raise ValueError(f"Both input arrays must be (arrays of) 3-dimensional vectors, but they are {n1} and {n2} "
                         "dimensional instead.")
    return _diff.cross(x1, x2, axis=axis)


__all__ = ["svd", "svdvals", "qr", "eig", "eigvals", "lstsq", "pinv", "matrix_rank", "cond", "tensorsolve",
           "tensorinv", "tensordot", "cross", "SVDResult", "QRResult", "EigResult"]
