"""CholeskyFactorCov: Stan's ``cholesky_factor_cov[M, N]`` for ``M >= N``, non-square Cholesky factors included."""
import autodiff.numpy as anp

from .base import Bijector
from .matrix import CholeskyCov

__all__ = ["CholeskyFactorCov"]


class CholeskyFactorCov(Bijector):
    """``N(N+1)/2 + (M-N)N`` free values -> an ``M x N`` lower-trapezoidal matrix with a positive diagonal.

    Stan's ``cholesky_factor_constrain(x, M, N)``: the top ``N x N`` block is
    ``CholeskyCov`` (row by row, ``exp`` on the diagonal), and the remaining
    ``M - N`` rows are the next ``(M-N)N`` free values, row-major, unconstrained.

    .. math::

        \\log |J| = \\sum_{i < N} \\log L_{ii}

    on the lower-trapezoid entries of ``L``. ``M == N`` is ``CholeskyCov``.
    The shape cannot be read off the free vector, so it is given:
    ``ppl.sample("L", ..., transform=CholeskyFactorCov(5, 3))``.
    """

    domain_event_dim = 1
    event_dim = 2

    def __init__(self, M, N):
        if not (int(M) == M and int(N) == N and M >= N >= 1):
            raise ValueError(f"CholeskyFactorCov needs integers M >= N >= 1, got M={M!r}, N={N!r}")
        self.M, self.N = int(M), int(N)
        self._n_square = self.N * (self.N + 1) // 2
        self.free_size = self._n_square + (self.M - self.N) * self.N

    def _check_free(self, n):
        if n != self.free_size:
            raise ValueError(
                f"CholeskyFactorCov({self.M}, {self.N}) needs N(N+1)/2 + (M-N)N = {self.free_size} "
                f"unconstrained values on the last axis, got {n}"
            )

    def forward(self, x):
        self._check_free(x.shape[-1])
        top = CholeskyCov().forward(x[..., : self._n_square])
        bottom = anp.reshape(x[..., self._n_square :], x.shape[:-1] + (self.M - self.N, self.N))
        return anp.concatenate([top, bottom], axis=-2)

    def inverse(self, y):
        top = CholeskyCov().inverse(y[..., : self.N, :])
        bottom = anp.reshape(y[..., self.N :, :], y.shape[:-2] + ((self.M - self.N) * self.N,))
        return anp.concatenate([top, bottom], axis=-1)

    def log_det_jacobian(self, x):
        self._check_free(x.shape[-1])
        return CholeskyCov().log_det_jacobian(x[..., : self._n_square])

    def forward_shape(self, shape):
        self._check_free(shape[-1])
        return tuple(shape[:-1]) + (self.M, self.N)

    def inverse_shape(self, shape):
        if tuple(shape[-2:]) != (self.M, self.N):
            raise ValueError(f"CholeskyFactorCov({self.M}, {self.N}) needs {self.M} x {self.N} matrices, got shape {tuple(shape)}")
        return tuple(shape[:-2]) + (self.free_size,)

    def __repr__(self):
        return f"CholeskyFactorCov({self.M}, {self.N})"
