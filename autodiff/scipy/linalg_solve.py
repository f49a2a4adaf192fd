"""scipy.linalg's factorizations and solves (cholesky, lu, qr, svd, eigh, solve, lstsq, ...), re-exported by linalg.py.

Differences from SciPy are listed in linalg.py.
"""
import numpy as np
from scipy.linalg import eig as _eig, eigvals as _eigvals, qr as _scipy_qr

from .. import numpy as anp
from ..core import concrete_or_none
from ..numpy import _util
from ..numpy import linalg as nla
from ..numpy import linalg_decomp as nld
from ..primitives import linalg as pl
from ..primitives import linalg_decomp as pd

LinAlgError = np.linalg.LinAlgError


def _anp():
    return anp


def _checked(a, check_finite):
    """a as a float array; with check_finite, raise SciPy's ValueError on inf/NaN when a is concrete."""
    a = nla.as_float(a)
    if check_finite:
        val = concrete_or_none(a)
        if val is not None and not np.all(np.isfinite(val)):
            raise ValueError("array must not contain infs or NaNs")
    return a


def _square(a, check_finite):
    a = _checked(a, check_finite)
    shape = _util.shape(a)
    if len(shape) < 2:
        a = _anp().reshape(a, (1,) * (2 - len(shape)) + shape)  # scipy's atleast_2d
        shape = _util.shape(a)
    if shape[-1] != shape[-2]:
        raise ValueError(f"Input array is expected to be square but has the shape: {shape[-2:]}.")
    return a


def _upper_to_lower(a, lower):
    """The matrix whose lower triangle holds the triangle of `a` that LAPACK would read."""
    return a if lower else pl.swap_last(a)


def cholesky(a, lower=False, overwrite_a=False, check_finite=True):
    """scipy.linalg.cholesky: U with a = U^T U (default), or L with a = L L^T if lower=True.

    Reads only the upper (lower) triangle of `a`. Raises LinAlgError if not positive definite;
    under jit the factor is NaN instead.
    """
    a = _square(a, check_finite)
    L = pl.cholesky_p.bind(_upper_to_lower(a, lower))
    return L if lower else pl.swap_last(L)


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """scipy.linalg.cho_factor -> (c, lower) for cho_solve; c's unused triangle is zero here."""
    return cholesky(a, lower=lower, check_finite=check_finite), lower


def _trans_flag(trans):
    flags = {0: False, 1: True, 2: True, "N": False, "T": True, "C": True}
    try:
        return flags[trans]
    except (KeyError, TypeError):
        raise ValueError(f"trans must be one of 0, 1, 2, 'N', 'T', 'C'; got {trans!r}") from None


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, check_finite=True):
    """scipy.linalg.solve_triangular: x with op(a) @ x == b, reading only a's lower/upper triangle.

    trans: 0/'N' solves a x = b, 1/'T' and 2/'C' solve a^T x = b. With unit_diagonal the diagonal is
    taken as 1 and not read. A zero on the diagonal raises LinAlgError (inf/NaN under jit).
    """
    a = _square(a, check_finite)
    b, vector = nla.as_rhs(a, _checked(b, check_finite), "solve_triangular")
    x = pl.triangular_solve(a, b, lower, _trans_flag(trans), unit_diagonal)
    return nla.drop_vector_axis(x, vector)


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """scipy.linalg.cho_solve: x with A x = b, given (c, lower) from cho_factor (A = c c^T or c^T c)."""
    c, lower = c_and_lower
    c = _square(c, check_finite)
    b, vector = nla.as_rhs(c, _checked(b, check_finite), "cho_solve")
    L = _upper_to_lower(c, lower)  # A = L L^T in both cases (L = c^T when c is upper)
    y = pl.triangular_solve(L, b, True)
    return nla.drop_vector_axis(pl.triangular_solve(L, y, True, trans=True), vector)


_STRUCTURES = {None: "gen", "general": "gen", "gen": "gen", "banded": "gen", "diagonal": "diagonal",
               "tridiagonal": "tridiagonal", "upper triangular": "upper", "lower triangular": "lower",
               "pos": "pos", "positive definite": "pos", "sym": "sym", "symmetric": "sym", "her": "sym",
               "hermitian": "sym"}


def _structure(assume_a):
    try:
        return _STRUCTURES[assume_a]
    except (KeyError, TypeError):
        raise ValueError(f"{assume_a} is not a recognized matrix structure") from None


def solve(a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True, assume_a=None,
          transposed=False):
    """scipy.linalg.solve: x with a @ x == b (a.T @ x == b if transposed).

    assume_a: 'gen' (LU), 'sym'/'her' (symmetric, read from the triangle `lower` selects), 'pos'
    (Cholesky of that triangle), 'diagonal', 'tridiagonal', 'upper triangular', 'lower triangular';
    each reads only the entries SciPy's solver reads, and is differentiated accordingly.
    """
    kind = _structure(assume_a)
    a = _square(a, check_finite)
    b, vector = nla.as_rhs(a, _checked(b, check_finite), "solve")
    if kind == "pos":
        x = cho_solve((cholesky(a, lower=lower, check_finite=False), lower), b, check_finite=False)
    elif kind in ("upper", "lower"):
        x = pl.triangular_solve(a, b, kind == "lower", transposed)
    elif kind == "diagonal":
        x = _anp().divide(b, _anp().expand_dims(pl.diag_part_p.bind(a), -1))
    else:
        if kind == "sym":
            a = pl.sym_from_lower(_upper_to_lower(a, lower))
        elif kind == "tridiagonal":
            a = pl.tril(pl.triu(a, -1), 1)
        x = pl.solve_p.bind(pl.swap_last(a) if transposed and kind != "sym" else a, b)
    return nla.drop_vector_axis(x, vector)


def inv(a, overwrite_a=False, check_finite=True, *, assume_a=None, lower=False):
    """scipy.linalg.inv, with SciPy's assume_a structures ('gen', 'diagonal', 'upper triangular',
    'lower triangular', 'pos', 'sym', 'her'), each reading only the entries SciPy reads."""
    kind = _structure(assume_a)
    a = _square(a, check_finite)
    if kind in ("gen", "tridiagonal"):
        return pl.inv_p.bind(a)
    n = _util.shape(a)[-1]
    eye = np.broadcast_to(np.eye(n, dtype=_util.dtype(a)), _util.shape(a))
    if kind == "diagonal":
        return pl.diag_embed_p.bind(_anp().reciprocal(pl.diag_part_p.bind(a)))
    return solve(a, eye, lower=lower, check_finite=False, assume_a=assume_a)


def det(a, overwrite_a=False, check_finite=True):
    """scipy.linalg.det (LU); the gradient is det(a) inv(a)^T."""
    return pl.det_p.bind(_square(a, check_finite))


def eigh(a, b=None, *, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False, type=1,
         check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    """scipy.linalg.eigh for the standard problem (b=None): (w ascending, v), reading the lower triangle
    by default (upper if lower=False). The generalised problem and subsets are not supported."""
    if b is not None or subset_by_index is not None or subset_by_value is not None or type != 1:
        raise NotImplementedError("eigh: only the standard eigenproblem (b=None, no subsets) is differentiable here")
    w, v = pl.eigh_p.bind(_upper_to_lower(_square(a, check_finite), lower))
    return w if eigvals_only else (w, v)


def eigvalsh(a, b=None, *, lower=True, overwrite_a=False, overwrite_b=False, type=1, check_finite=True,
             subset_by_index=None, subset_by_value=None, driver=None):
    """scipy.linalg.eigvalsh: eigenvalues (ascending) of the standard problem."""
    return eigh(a, b, lower=lower, eigvals_only=True, type=type, check_finite=check_finite,
                subset_by_index=subset_by_index, subset_by_value=subset_by_value)


# -- decompositions ------------------------------------------------------------------------------------
def _matrix(a, check_finite, name):
    a = _checked(a, check_finite)
    if _util.ndim(a) < 2:
        raise ValueError(f"{name}: expected a (batch of) 2-D array(s), got shape {_util.shape(a)}")
    return a


def lu_factor(a, overwrite_a=False, check_finite=True):
    """scipy.linalg.lu_factor -> (lu, piv): L (unit diagonal, strict lower part) and U packed in lu,
    piv LAPACK's 0-based row interchanges (row i swapped with piv[i]), for (M, N) matrices.
    Differentiable in a (the pivots are piecewise constant; JAX's rule)."""
    lu, piv = pd.lu_p.bind(_matrix(a, check_finite, "lu_factor"))
    return lu, piv


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """scipy.linalg.lu_solve: x with a x = b (trans 0), a^T x = b (1) or a^H x = b (2), from lu_factor.

    Differentiable in lu (through its strict lower and upper triangles, the parts read) and in b.
    """
    lu, piv = lu_and_piv
    lu = _square(lu, check_finite)
    b, vector = nla.as_rhs(lu, _checked(b, check_finite), "lu_solve")
    pt = pd.pivot_matrix(piv, _util.shape(lu)[-1])  # P^T: a = P L U
    if not _trans_flag(trans):
        y = pl.triangular_solve(lu, _anp().matmul(pt, b), True, unit_diagonal=True)
        x = pl.triangular_solve(lu, y, False)
    else:
        y = pl.triangular_solve(lu, b, False, trans=True)
        x = _anp().matmul(pl.swap_last(pt), pl.triangular_solve(lu, y, True, trans=True, unit_diagonal=True))
    return nla.drop_vector_axis(x, vector)


def lu(a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False):
    """scipy.linalg.lu -> (p, l, u) with a = p @ l @ u, l (M, K) and u (K, N) ((pl, u) if permute_l;
    p as row indices with a = l[p] @ u if p_indices). Differentiable in a."""
    lu_, piv = lu_factor(a, check_finite=check_finite)
    pt = pd.pivot_matrix(piv, _util.shape(lu_)[-2])
    l, u = pd.lu_factors(lu_)
    p = pl.swap_last(pt)
    if permute_l:
        return _anp().matmul(p, l), u
    if p_indices:
        return _anp().astype(_anp().argmax(pt, axis=-2), np.int32), l, u
    return p, l, u


def qr(a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    """scipy.linalg.qr: (Q, R) for mode 'full' (Q is M x M) or 'economic' (Q is M x K), (R,) for 'r';
    with pivoting=True also P (int32), the column permutation with a[..., :, P] = Q R and |diag R|
    non-increasing (LAPACK's geqp3).

    Differentiable except the complete Q of a tall matrix (see numpy.linalg.qr). The permutation is
    chosen from the values of `a`, so pivoting needs a concrete `a` (it works under grad/jvp/vjp, whose
    values are concrete, not under jit); Q and R are then the QR of the permuted matrix, differentiable
    where that is (P is piecewise constant and gets no derivative). mode='raw' is not supported.
    """
    if mode not in ("full", "r", "economic", "raw"):
        raise ValueError("Mode argument should be one of ['full', 'r', 'economic', 'raw']")
    if mode == "raw":
        raise NotImplementedError("qr: mode='raw' (LAPACK's Householder reflectors) is not supported here")
    a = _matrix(a, check_finite, "qr")
    perm = None
    if pivoting:
        perm = _column_pivots(a)
        a = _anp().take_along_axis(a, _anp().expand_dims(perm.astype(np.intp), -2), axis=-1)
    if mode == "r":  # scipy's R is M x N: zero rows below a tall matrix's K x N factor
        r = nla.qr(a, mode="r")
        m, n = _util.shape(a)[-2:]
        if m > n:
            r = _anp().concatenate([r, np.zeros(_util.shape(a)[:-2] + (m - n, n))], axis=-2)
        return (r,) if perm is None else (r, perm)
    q, r = nla.qr(a, mode="complete" if mode == "full" else "reduced")
    return (q, r) if perm is None else (q, r, perm)


def _column_pivots(a):
    """LAPACK geqp3's column permutation of the concrete `a` (scipy's own), as scipy returns it (int32)."""
    val = concrete_or_none(a)
    if val is None:
        raise TypeError("qr(pivoting=True): the column permutation is chosen from the values of `a`, so `a` must be "
                        "concrete; it works eagerly and under grad/jvp/vjp, not under jit (pivot outside jit, or "
                        "pass a[:, P] with a permutation P computed beforehand and pivoting=False)")
    return _scipy_qr(np.asarray(val, dtype=np.float64), mode="r", pivoting=True)[1]


def svd(a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True, lapack_driver="gesdd"):
    """scipy.linalg.svd -> (U, s, Vh), s descending (s alone if compute_uv=False); differentiable as
    numpy.linalg.svd (distinct singular values; full U/Vh only for square matrices)."""
    if lapack_driver not in ("gesdd", "gesvd"):
        raise ValueError('lapack_driver must be "gesdd" or "gesvd", not "%s"' % (lapack_driver,))
    out = nla.svd(_matrix(a, check_finite, "svd"), full_matrices=full_matrices, compute_uv=compute_uv)
    return tuple(out) if compute_uv else out


def svdvals(a, overwrite_a=False, check_finite=True):
    """scipy.linalg.svdvals: the singular values, descending."""
    return nla.svdvals(_matrix(a, check_finite, "svdvals"))


def polar(a, side="right"):
    """scipy.linalg.polar -> (u, p): a = u p (side 'right') or p u ('left'), u with orthonormal
    columns/rows and p symmetric positive semidefinite, from the reduced SVD (differentiable where the
    singular values are distinct)."""
    if side not in ("right", "left"):
        raise ValueError("`side` must be either 'right' or 'left'")
    a = _checked(a, True)
    if _util.ndim(a) != 2:
        raise ValueError("`a` must be a 2-D array.")
    w, s, vh = nla.svd(a, full_matrices=False)
    anp = _anp()
    u = anp.matmul(w, vh)
    p = anp.matmul(pl.swap_last(vh) * s, vh) if side == "right" else anp.matmul(w * s, pl.swap_last(w))
    return u, p


def orthogonal_procrustes(A, B, check_finite=True):
    """scipy.linalg.orthogonal_procrustes -> (R, scale): the orthogonal R minimising ||A R - B||_F,
    R = U Vh from the SVD of A^T B, and the sum of its singular values."""
    A, B = _checked(A, check_finite), _checked(B, check_finite)
    if _util.ndim(A) != 2:
        raise ValueError(f"expected ndim to be 2, but observed {_util.ndim(A)}")
    if _util.shape(A) != _util.shape(B):
        raise ValueError(f"the shapes of A and B differ ({_util.shape(A)} vs {_util.shape(B)})")
    u, w, vt = nla.svd(_anp().matmul(pl.swap_last(A), B))
    return _anp().matmul(u, vt), _anp().sum(w)


def norm(a, ord=None, axis=None, keepdims=False, check_finite=True):
    """scipy.linalg.norm: numpy.linalg.norm with SciPy's check_finite."""
    return nla.norm(_checked(a, check_finite), ord=ord, axis=axis, keepdims=keepdims)


def pinv(a, *, atol=None, rtol=None, return_rank=False, check_finite=True):
    """scipy.linalg.pinv: singular values <= atol + rtol * s_max dropped (atol 0, rtol max(M, N) * eps by
    default); with return_rank also the rank. Differentiable where the rank is locally constant."""
    a = _matrix(a, check_finite, "pinv")
    atol = 0.0 if atol is None else float(atol)
    rtol = max(_util.shape(a)[-2:]) * np.finfo(np.float64).eps if rtol is None else float(rtol)
    if atol < 0.0 or rtol < 0.0:
        raise ValueError("atol and rtol values must be positive.")
    B = pd.pinv_p.bind(a, rtol=rtol, atol=atol)
    if not return_rank:
        return B
    s = nla.svdvals(a)
    rank = _anp().sum(_anp().greater(s, atol + rtol * _anp().max(s, axis=-1, keepdims=True)), axis=-1)
    value = concrete_or_none(rank)
    return B, (rank if value is None else (int(value) if np.ndim(value) == 0 else value))


def lstsq(a, b, cond=None, overwrite_a=False, overwrite_b=False, check_finite=True, lapack_driver=None):
    """scipy.linalg.lstsq -> (x, residues, rank, s): minimum-norm least squares, singular values
    < cond * s_max (default eps) treated as zero; residues (squared norms of the columns of b - a x, a
    scalar for a vector b) when M > N and rank == N, else empty. s is None for lapack_driver='gelsy'."""
    if lapack_driver not in (None, "gelsd", "gelsy", "gelss"):
        raise ValueError(f"LAPACK driver {lapack_driver!r} is not found")
    a, b = _checked(a, check_finite), _checked(b, check_finite)
    x, residues, rank, s = nld.least_squares(a, b, np.finfo(np.float64).eps if cond is None else float(cond),
                                             "lstsq")
    if residues is None or lapack_driver == "gelsy":
        residues = np.empty((0,), np.float64)
    return x, residues, rank, (None if lapack_driver == "gelsy" else s)


def eig(a, b=None, left=False, right=True, overwrite_a=False, overwrite_b=False, check_finite=True,
        homogeneous_eigvals=False):
    """scipy.linalg.eig, values only: raises NotImplementedError under grad/jvp/jit (complex results);
    for a symmetric matrix use eigh."""
    return _eig(nld.reject_tracer(a, "eig"), None if b is None else nld.reject_tracer(b, "eig"), left=left,
                right=right, check_finite=check_finite, homogeneous_eigvals=homogeneous_eigvals)


def eigvals(a, b=None, overwrite_a=False, check_finite=True, homogeneous_eigvals=False):
    """scipy.linalg.eigvals, values only (raises under grad/jvp/jit; use eigvalsh for symmetric matrices)."""
    return _eigvals(nld.reject_tracer(a, "eigvals"), None if b is None else nld.reject_tracer(b, "eigvals"),
                    check_finite=check_finite, homogeneous_eigvals=homogeneous_eigvals)


__all__ = ["LinAlgError", "cholesky", "cho_factor", "cho_solve", "solve_triangular", "solve", "inv", "det", "eigh",
           "eigvalsh", "lu_factor", "lu_solve", "lu", "qr", "svd", "svdvals", "pinv", "lstsq", "eig", "eigvals",
           "polar", "orthogonal_procrustes", "norm"]
