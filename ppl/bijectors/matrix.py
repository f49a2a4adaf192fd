"""Matrix bijectors (event_dim 2): CholeskyCorr, CholeskyCov, CorrMatrix, CovMatrix, StochasticMatrix.

Free values are packed in a vector on the last axis, in Stan's order, and
unpacked with a static integer gather (no in-place writes, so the code traces).
Each class cites the Stan function it follows (``stan/math/prim/constraint``).
"""
import math

import numpy as np  # static index tables only; array math goes through anp

import autodiff.numpy as anp

from .base import Bijector, Independent, exp_no_underflow
from .cholesky_corr import cholesky_corr_forward
from .packing import _check_square, _column_major_to_row_major, _log1m_tanh2, _lower, _mT, _size_from_packed, \
    _strict_lower, _unpack
from .vector import Simplex

__all__ = ["CholeskyCorr", "CholeskyCov", "CorrMatrix", "CovMatrix", "StochasticMatrix"]


# --- bijectors -----------------------------------------------------------------


class CholeskyCorr(Bijector):
    """Stan's ``cholesky_factor_corr``: ``K(K-1)/2`` free -> ``K x K`` Cholesky factor of a correlation matrix.

    Canonical partial correlations ``z = tanh(x)``, packed row by row over the
    strict lower triangle, fill each row as a stick of squared length 1:

    .. math::

        L_{ij} = z_{ij} \\sqrt{1 - \\textstyle\\sum_{m<j} L_{im}^2}, \\quad
        L_{ii} = \\sqrt{1 - \\textstyle\\sum_{m<i} L_{im}^2},

    and ``1 - sum_{m<j} L_im^2 = prod_{m<j} (1 - z_im^2)``, an exclusive
    cumulative sum in log space.  Stan's log Jacobian (``cholesky_corr_constrain``),
    on the strict lower entries of ``L``, collects to

    .. math::

        \\log |J| = \\sum_{i>j} \\tfrac{i + 1 - j}{2} \\log(1 - z_{ij}^2)

    (1 from ``tanh``, ``(i - 1 - j) / 2`` from Stan's ``0.5 * log1m(sum_sqs)``).
    """

    domain_event_dim = 1
    event_dim = 2

    def forward(self, x):
        # one compiled kernel (cholesky_corr.py): the elementwise form, scalarised over the padded
        # K x K matrices of every component, was most of a small model's compile time
        return cholesky_corr_forward(x)

    def inverse(self, y):
        k = _check_square("CholeskyCorr", y.shape)
        rows, cols, _ = _strict_lower(k)
        sq = y * y
        rest = 1.0 - anp.concatenate([anp.zeros(y.shape[:-1] + (1,)), anp.cumsum(sq[..., :-1], axis=-1)], axis=-1)
        z = y[..., rows, cols] / anp.sqrt(rest[..., rows, cols])
        return anp.arctanh(z)

    def log_det_jacobian(self, x):
        k = _size_from_packed("CholeskyCorr", x.shape[-1], strict=True)
        rows, cols, _ = _strict_lower(k)
        weight = 0.5 * (rows - cols + 1.0)
        return anp.sum(_log1m_tanh2(x) * weight, axis=-1)

    def forward_shape(self, shape):
        k = _size_from_packed("CholeskyCorr", shape[-1], strict=True)
        return tuple(shape[:-1]) + (k, k)

    def inverse_shape(self, shape):
        k = _check_square("CholeskyCorr", shape)
        return tuple(shape[:-2]) + (k * (k - 1) // 2,)


class CholeskyCov(Bijector):
    """Stan's ``cholesky_factor_cov`` (square case): ``K(K+1)/2`` free -> lower triangular, ``exp`` diagonal.

    Packed row by row as in Stan's ``cholesky_factor_constrain``: row ``i`` is
    ``L_i0, ..., L_i,i-1`` then ``log L_ii``, so the diagonal sits at packed
    position ``i (i + 3) / 2``.

    .. math::

        \\log |J| = \\sum_i \\log L_{ii}

    on the lower-triangle entries of ``L``.
    """

    domain_event_dim = 1
    event_dim = 2

    def forward(self, x):
        k = _size_from_packed("CholeskyCov", x.shape[-1], strict=False)
        off_gather, diag_pos, _ = _lower(k)
        # where, not "+ diag * eye": an overflowed diagonal (inf) must not turn the zeros above it into NaN
        diag = exp_no_underflow(x[..., diag_pos])[..., None, :]
        return anp.where(np.eye(k, dtype=bool), diag, _unpack(x, off_gather))

    def inverse(self, y):
        k = _check_square("CholeskyCov", y.shape)
        rows, cols, _ = _strict_lower(k)
        _, _, pack = _lower(k)
        log_diag = anp.log(anp.diagonal(y, axis1=-2, axis2=-1))
        return anp.concatenate([y[..., rows, cols], log_diag], axis=-1)[..., pack]

    def log_det_jacobian(self, x):
        k = _size_from_packed("CholeskyCov", x.shape[-1], strict=False)
        _, diag_pos, _ = _lower(k)
        return anp.sum(x[..., diag_pos], axis=-1)

    def forward_shape(self, shape):
        k = _size_from_packed("CholeskyCov", shape[-1], strict=False)
        return tuple(shape[:-1]) + (k, k)

    def inverse_shape(self, shape):
        k = _check_square("CholeskyCov", shape)
        return tuple(shape[:-2]) + (k * (k + 1) // 2,)


class CovMatrix(Bijector):
    """Stan's ``cov_matrix``: ``K(K+1)/2`` free -> symmetric positive definite ``L L^T``, ``L = CholeskyCov``.

    Stan's ``cov_matrix_constrain`` Jacobian on the lower-triangle entries of
    the matrix: ``exp`` on the diagonal, then ``L -> L L^T`` with determinant
    ``2^K prod_i L_ii^(K - i)`` (0-based ``i``):

    .. math::

        \\log |J| = K \\log 2 + \\sum_i (K - i + 1) \\log L_{ii}.

    ``inverse`` takes the Cholesky factor (Stan's ``cov_matrix_free``).
    """

    domain_event_dim = 1
    event_dim = 2

    def forward(self, x):
        chol = CholeskyCov().forward(x)
        return chol @ _mT(chol)

    def inverse(self, y):
        return CholeskyCov().inverse(anp.linalg.cholesky(y))

    def log_det_jacobian(self, x):
        k = _size_from_packed("CovMatrix", x.shape[-1], strict=False)
        _, diag_pos, _ = _lower(k)
        power = anp.arange(k + 1, 1, -1, dtype=float)  # K - i + 1
        return k * math.log(2.0) + anp.sum(x[..., diag_pos] * power, axis=-1)

    forward_shape = CholeskyCov.forward_shape
    inverse_shape = CholeskyCov.inverse_shape


class CorrMatrix(Bijector):
    """Stan's ``corr_matrix``: ``K(K-1)/2`` free -> correlation matrix ``L L^T``, ``L = CholeskyCorr``.

    Free values are packed column by column as in Stan's ``read_corr_L``
    (``(1,0), (2,0), ..., (K-1,0), (2,1), ...``) and permuted to
    ``CholeskyCorr``'s row-major order; the map is the same.  Stan's
    ``corr_matrix_constrain`` Jacobian on the strict lower entries of the
    matrix (LKJ 2009, eq. 16) adds ``L -> L L^T``'s ``prod_j L_jj^(K-1-j)`` to
    ``CholeskyCorr``'s and collects to

    .. math::

        \\log |J| = \\sum_{i>j} \\tfrac{K - j}{2} \\log(1 - z_{ij}^2),
        \\quad z = \\tanh(x).

    ``inverse`` takes the Cholesky factor, then ``CholeskyCorr.inverse``.
    """

    domain_event_dim = 1
    event_dim = 2

    def forward(self, x):
        k = _size_from_packed("CorrMatrix", x.shape[-1], strict=True)
        to_row_major, _ = _column_major_to_row_major(k)
        chol = CholeskyCorr().forward(x[..., to_row_major])
        return chol @ _mT(chol)

    def inverse(self, y):
        k = _check_square("CorrMatrix", y.shape)
        _, to_column_major = _column_major_to_row_major(k)
        return CholeskyCorr().inverse(anp.linalg.cholesky(y))[..., to_column_major]

    def log_det_jacobian(self, x):
        k = _size_from_packed("CorrMatrix", x.shape[-1], strict=True)
        _, cols, _ = _strict_lower(k)
        _, to_column_major = _column_major_to_row_major(k)
        weight = 0.5 * (k - cols[to_column_major].astype(float))
        return anp.sum(_log1m_tanh2(x) * weight, axis=-1)

    forward_shape = CholeskyCorr.forward_shape
    inverse_shape = CholeskyCorr.inverse_shape


class StochasticMatrix(Independent):
    """Row-stochastic matrices: each row of an ``R x K`` matrix a ``Simplex`` (HMM transition matrices).

    ``(..., R, K-1)`` free -> ``(..., R, K)``; the log Jacobian is the sum of
    the rows' ``Simplex`` log Jacobians (each on the row's first ``K - 1``
    entries), as Stan's ``row_stochastic_matrix`` with the stick-breaking simplex.
    """

    def __init__(self):
        super().__init__(Simplex(), 1)

    def __repr__(self):
        return "StochasticMatrix()"
