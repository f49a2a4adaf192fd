"""SumToZeroMatrix: Stan's ``sum_to_zero_matrix`` transform, ``(N-1) x (M-1)`` free -> ``N x M`` with zero row and column sums."""
import autodiff.numpy as anp

from .base import Bijector
from .vector import SumToZero

__all__ = ["SumToZeroMatrix"]


def _swap(a):
    return anp.swapaxes(a, -1, -2)


class SumToZeroMatrix(Bijector):
    """Stan's isometric sum-to-zero transform for matrices (Stan 2.37 ``sum_to_zero_matrix``).

    ``Y = V_N X V_M^T`` with ``V_K`` the ``K x (K-1)`` orthonormal Helmert basis
    of ``SumToZero``: the vector transform applied to every row, then every
    column, so each row and each column of ``Y`` sums to 0.

    ``log_det_jacobian`` is 0, as in Stan: ``V_N (x) V_M`` has orthonormal
    columns, so the density is with respect to the surface measure of the
    ``(N-1)(M-1)``-dimensional subspace. (Against the coordinates
    ``Y[:-1, :-1]`` the log Jacobian would be the constant
    ``-((M-1) log N + (N-1) log M) / 2``.) The inverse ``V_N^T Y V_M`` also
    projects any matrix onto the subspace. This is the default bijector for
    ``constraints.zero_sum(event_dim=2)``.
    """

    domain_event_dim = 2
    event_dim = 2

    def forward(self, x):
        rows_done = SumToZero().forward(x)  # (..., N-1, M)
        return _swap(SumToZero().forward(_swap(rows_done)))

    def inverse(self, y):
        cols_done = _swap(SumToZero().inverse(_swap(y)))  # (..., N-1, M)
        return SumToZero().inverse(cols_done)

    def log_det_jacobian(self, x):
        return anp.zeros(x.shape[:-2])

    def forward_shape(self, shape):
        return tuple(shape[:-2]) + (shape[-2] + 1, shape[-1] + 1)

    def inverse_shape(self, shape):
        if len(shape) < 2 or min(shape[-2:]) < 2:
            raise ValueError(f"SumToZeroMatrix needs matrices of at least 2 x 2 on the constrained side, got {tuple(shape)}")
        return tuple(shape[:-2]) + (shape[-2] - 1, shape[-1] - 1)
