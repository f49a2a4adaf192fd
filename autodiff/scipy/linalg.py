"""scipy.linalg names, differentiable and batched over leading axes (cholesky is UPPER by default).

As in SciPy, a right-hand side `b` is a vector when b.ndim == 1 and a stack of (M, K) matrices
otherwise, the batch axes broadcasting; functions that read one triangle of `a` (cholesky, cho_factor,
cho_solve, solve_triangular, solve with assume_a='sym'/'pos', eigh) are differentiated as exactly
that function, so the other triangle gets zero gradient.

Differences from SciPy, all deliberate:
  * `check_finite` is honoured only outside `jit` (where values are concrete); `overwrite_*` is ignored.
  * `cho_factor` returns a factor whose unused triangle is zero (SciPy leaves arbitrary data there).
  * Under `ad.jit` nothing raises inside the compiled code: a matrix that is not positive definite or
    is singular gives NaN results (a sampler sees a NaN log-density, i.e. a divergence).
  * `solve`/`inv` with assume_a=None use the general LU solver (SciPy first detects structure; the
    function computed is the same).
Not provided: expm, logm, sqrtm, lu, lu_factor, lu_solve, qr, svd, eig, lstsq, pinv.
"""
import numpy as np

from ..core import concrete_or_none
from ..numpy import linalg as nla
from ..primitives import linalg as pl
from ..numpy import _util

LinAlgError = np.linalg.LinAlgError


def _anp():
    from .. import numpy as anp
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


__all__ = ["LinAlgError", "cholesky", "cho_factor", "cho_solve", "solve_triangular", "solve", "inv", "det",
           "eigh", "eigvalsh"]
