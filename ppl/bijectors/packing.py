"""Packing of triangular matrices into free vectors (Stan's orders) and the static index tables it uses.

Shared by the matrix bijectors (matrix.py) and the compiled CholeskyCorr transform (cholesky_corr.py).
"""
import functools
import math

import numpy as np  # static index tables only; array math goes through anp

import autodiff.numpy as anp


# --- static index tables (depend on K only) ---------------------------------


def _size_from_packed(name, n, strict):
    """``K`` such that ``n`` is ``K(K-1)/2`` (strict lower triangle) or ``K(K+1)/2``."""
    k = (1 + math.isqrt(1 + 8 * n)) // 2 if strict else (math.isqrt(1 + 8 * n) - 1) // 2
    if (k * (k - 1) if strict else k * (k + 1)) // 2 != n:
        need = "K(K-1)/2 (0, 1, 3, 6, 10, ...)" if strict else "K(K+1)/2 (1, 3, 6, 10, ...)"
        raise ValueError(f"{name} needs {need} unconstrained values on the last axis, got {n}")
    return k


def _check_square(name, shape):
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ValueError(f"{name} needs square matrices on the last two axes, got shape {tuple(shape)}")
    return shape[-1]


@functools.lru_cache(maxsize=None)
def _strict_lower(k):
    """Row-major ``(rows, cols)`` of the strict lower triangle and the ``K x K`` gather into ``[packed, 0]``."""
    rows, cols = np.tril_indices(k, -1)  # row-major: (1,0), (2,0), (2,1), (3,0), ...
    gather = np.full((k, k), rows.size)
    gather[rows, cols] = np.arange(rows.size)
    return rows, cols, gather


@functools.lru_cache(maxsize=None)
def _lower(k):
    """Stan's ``cholesky_factor`` packing: row by row, each row's off-diagonal then its diagonal.

    Returns the gather placing the off-diagonal values into a ``K x K``
    matrix (all else reads the appended 0), the packed positions of the
    diagonal, ``i (i + 3) / 2``, and the permutation that packs
    ``[strict lower (row-major), diagonal]`` back into Stan's order.
    """
    rows, cols = np.tril_indices(k)
    n = rows.size
    off_gather = np.full((k, k), n)
    off_gather[rows[rows != cols], cols[rows != cols]] = np.flatnonzero(rows != cols)
    diag_pos = np.flatnonzero(rows == cols)
    n_off = n - k
    pack = np.empty(n, dtype=np.int64)
    pack[rows != cols] = np.arange(n_off)
    pack[diag_pos] = n_off + np.arange(k)
    return off_gather, diag_pos, pack


@functools.lru_cache(maxsize=None)
def _column_major_to_row_major(k):
    """Permutations between Stan's ``corr_matrix`` CPC order (column by column) and row-major."""
    rows, cols = np.tril_indices(k, -1)
    col_order = np.lexsort((rows, cols))  # row-major position of the c-th column-major entry
    to_row_major = np.argsort(col_order)
    return to_row_major, col_order


def _unpack(x, gather):
    """``(..., n)`` -> ``(..., K, K)``: append a 0 and gather, so unused cells read 0."""
    padded = anp.concatenate([x, anp.zeros(x.shape[:-1] + (1,))], axis=-1)
    return padded[..., gather]


def _mT(a):
    """Swap the last two axes."""
    axes = tuple(range(a.ndim - 2)) + (a.ndim - 1, a.ndim - 2)
    return anp.transpose(a, axes)


def _log1m_tanh2(x):
    """``log(1 - tanh(x)^2) = 2 log 2 - 2 logaddexp(x, -x)``: no cancellation at large |x|."""
    return 2.0 * math.log(2.0) - 2.0 * anp.logaddexp(x, -x)
