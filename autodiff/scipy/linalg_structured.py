"""scipy.linalg's structured matrices (block_diag, toeplitz, circulant, hankel, khatri_rao) and banded solvers
(solve_banded, solveh_banded, cholesky_banded, cho_solve_banded), built from indexing and the dense
solvers, so they are differentiable in every entry they read (and in nothing else).

Band storage as in SciPy/LAPACK: ab[u + i - j, j] = a[i, j] for the general band with l sub- and u
super-diagonals; for symmetric bands the upper form (lower=False) is ab[u + i - j, j] = a[i, j], i <= j,
the lower form ab[i - j, j] = a[i, j], i >= j.
"""
import numpy as np

from .. import numpy as anp
from ..numpy import _util
from . import linalg_solve as sla


def _anp():
    return anp


# -- special matrices and banded systems ----------------------------------------------------------------
def block_diag(*arrs):
    """scipy.linalg.block_diag: the arrays (each at least 2-D; leading axes are a broadcast batch) on
    the diagonal of one matrix, zeros elsewhere."""
    anp = _anp()
    if not arrs:
        return np.empty((1, 0))
    arrs = [anp.asarray(a) for a in arrs]
    arrs = [anp.reshape(a, (1,) * (2 - _util.ndim(a)) + _util.shape(a)) if _util.ndim(a) < 2 else a for a in arrs]
    batch = np.broadcast_shapes(*[_util.shape(a)[:-2] for a in arrs])
    dtype = np.result_type(*[_util.dtype(a) for a in arrs])
    arrs = [anp.broadcast_to(anp.astype(a, dtype), batch + _util.shape(a)[-2:]) for a in arrs]
    total = sum(_util.shape(a)[-1] for a in arrs)
    rows, col = [], 0
    for a in arrs:
        r, c = _util.shape(a)[-2:]
        parts = [np.zeros(batch + (r, col), dtype), a, np.zeros(batch + (r, total - col - c), dtype)]
        rows.append(anp.concatenate(parts, axis=-1))
        col += c
    return anp.concatenate(rows, axis=-2)


def toeplitz(c, r=None):
    """scipy.linalg.toeplitz: first column c, first row r (r[0] ignored; r = c if None); leading axes
    of c and r are a batch. Built by indexing, so differentiable in c and r."""
    anp = _anp()
    c = anp.asarray(c)
    c = anp.reshape(c, (1,)) if _util.ndim(c) == 0 else c
    r = c if r is None else anp.asarray(r)
    r = anp.reshape(r, (1,)) if _util.ndim(r) == 0 else r
    m, n = _util.shape(c)[-1], _util.shape(r)[-1]
    batch = np.broadcast_shapes(_util.shape(c)[:-1], _util.shape(r)[:-1])
    dtype = np.result_type(_util.dtype(c), _util.dtype(r))
    c = anp.broadcast_to(anp.astype(c, dtype), batch + (m,))
    r = anp.broadcast_to(anp.astype(r, dtype), batch + (n,))
    vals = anp.concatenate([anp.flip(c, axis=-1), r[..., 1:]], axis=-1)
    idx = (m - 1) - np.arange(m)[:, None] + np.arange(n)[None, :]
    return anp.take(vals, idx, axis=-1)


def khatri_rao(a, b):
    """scipy.linalg.khatri_rao: the column-wise Kronecker product, c[:, j] = kron(a[:, j], b[:, j])."""
    anp = _anp()
    a, b = anp.asarray(a), anp.asarray(b)
    if _util.ndim(a) != 2 or _util.ndim(b) != 2:
        raise ValueError("The both arrays should be 2-dimensional.")
    if _util.shape(a)[1] != _util.shape(b)[1]:
        raise ValueError("The number of columns for both arrays should be equal.")
    (m, n), p = _util.shape(a), _util.shape(b)[0]
    return anp.reshape(anp.expand_dims(a, 1) * anp.expand_dims(b, 0), (m * p, n))


def _vector(x):
    x = _anp().asarray(x)
    return _anp().reshape(x, (1,)) if _util.ndim(x) == 0 else x


def circulant(c):
    """scipy.linalg.circulant: out[..., i, j] = c[..., (i - j) % n] (leading axes of c are a batch)."""
    c = _vector(c)
    n = _util.shape(c)[-1]
    return _anp().take(c, (np.arange(n)[:, None] - np.arange(n)[None, :]) % n, axis=-1)


def hankel(c, r=None):
    """scipy.linalg.hankel: first column c, last row r (r[0] ignored; zeros if None), constant
    anti-diagonals: out[..., i, j] = concatenate(c, r[1:])[..., i + j]."""
    anp = _anp()
    c = _vector(c)
    r = anp.zeros_like(c) if r is None else _vector(r)
    m, n = _util.shape(c)[-1], _util.shape(r)[-1]
    batch = np.broadcast_shapes(_util.shape(c)[:-1], _util.shape(r)[:-1])
    dtype = np.result_type(_util.dtype(c), _util.dtype(r))
    vals = anp.concatenate([anp.broadcast_to(anp.astype(c, dtype), batch + (m,)),
                            anp.broadcast_to(anp.astype(r, dtype), batch + (n,))[..., 1:]], axis=-1)
    return anp.take(vals, np.arange(m)[:, None] + np.arange(n)[None, :], axis=-1)


def solve_banded(l_and_u, ab, b, overwrite_ab=False, overwrite_b=False, check_finite=True):
    """scipy.linalg.solve_banded: x with a x = b for the banded a stored as ab[u + i - j, j] = a[i, j].

    The band is expanded into a dense matrix (gather) and solved by LU, so the derivative reaches
    exactly the entries of ab that lie in the band.
    """
    (nlower, nupper) = l_and_u
    ab = sla._checked(ab, check_finite)
    if _util.ndim(ab) != 2:
        raise ValueError(f"solve_banded: ab must be 2-D (l + u + 1, M), got shape {_util.shape(ab)}")
    rows, n = _util.shape(ab)
    if nlower + nupper + 1 != rows:
        raise ValueError("invalid values for the number of lower and upper diagonals: l+u+1 (%d) does not equal "
                         "ab.shape[0] (%d)" % (nlower + nupper + 1, rows))
    return sla.solve(_dense_from_band(ab, nlower, nupper), b, check_finite=check_finite)


def _band_positions(rows, n, nlower, nupper):
    """(inside, flat): which (i, j) of the n x n matrix lie in the band, and their flat index into ab."""
    i, j = np.arange(n)[:, None], np.arange(n)[None, :]
    band = nupper + i - j
    inside = (band >= 0) & (band < rows) & (i - j <= nlower) & (j - i <= nupper)
    return inside, np.where(inside, band, 0) * n + np.broadcast_to(j, (n, n))


def _dense_from_band(ab, nlower, nupper):
    anp = _anp()
    rows, n = _util.shape(ab)
    inside, flat = _band_positions(rows, n, nlower, nupper)
    return anp.where(inside, anp.take(anp.ravel(ab), flat), 0.0)


def _symmetric_band(ab, check_finite, name):
    ab = sla._checked(ab, check_finite)
    if _util.ndim(ab) != 2:
        raise ValueError(f"{name}: ab must be 2-D (u + 1, M), got shape {_util.shape(ab)}")
    return ab, _util.shape(ab)[0] - 1


def _lower_upper(width, lower):
    return (width, 0) if lower else (0, width)


def solveh_banded(ab, b, overwrite_ab=False, overwrite_b=False, lower=False, check_finite=True):
    """scipy.linalg.solveh_banded: x with a x = b for the symmetric positive definite banded a (upper
    form by default, lower form if lower=True), by Cholesky of the band's triangle."""
    ab, width = _symmetric_band(ab, check_finite, "solveh_banded")
    a = _dense_from_band(ab, *_lower_upper(width, lower))
    return sla.solve(a, b, lower=lower, assume_a="pos", check_finite=check_finite)


def cholesky_banded(ab, overwrite_ab=False, lower=False, check_finite=True):
    """scipy.linalg.cholesky_banded: the Cholesky factor of a symmetric positive definite band matrix,
    in the same band form (U with a = U^T U, or L with a = L L^T if lower); the unused corners of ab are
    copied through, as LAPACK's pbtrf leaves them."""
    anp = _anp()
    ab, width = _symmetric_band(ab, check_finite, "cholesky_banded")
    rows, n = _util.shape(ab)
    nl, nu = _lower_upper(width, lower)
    c = sla.cholesky(_dense_from_band(ab, nl, nu), lower=lower, check_finite=False)
    k, j = np.arange(rows)[:, None], np.arange(n)[None, :]
    i = k + j - nu  # the band row k of column j holds a[i, j]
    valid = (i >= 0) & (i < n)
    flat = np.where(valid, i, 0) * n + np.broadcast_to(j, (rows, n))
    return anp.where(valid, anp.take(anp.ravel(c), flat), ab)


def cho_solve_banded(cb_and_lower, b, overwrite_b=False, check_finite=True):
    """scipy.linalg.cho_solve_banded: x with a x = b given (cb, lower) from cholesky_banded."""
    cb, lower = cb_and_lower
    cb, width = _symmetric_band(cb, check_finite, "cho_solve_banded")
    factor = _dense_from_band(cb, *_lower_upper(width, lower))
    return sla.cho_solve((factor, lower), b, check_finite=check_finite)
