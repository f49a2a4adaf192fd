"""ColumnStochasticMatrix: Stan's ``column_stochastic_matrix``, every column a simplex (stick-breaking per column)."""
import autodiff.numpy as anp

from .base import Bijector
from .vector import Simplex

__all__ = ["ColumnStochasticMatrix"]


def _swap(a):
    return anp.swapaxes(a, -1, -2)


class ColumnStochasticMatrix(Bijector):
    """``(N-1) x M`` free values -> ``N x M`` matrices whose columns are simplexes (Stan's ``column_stochastic_matrix``).

    Stan's ``stochastic_column_constrain``: ``Simplex`` (stick breaking) on each
    column; the log Jacobian is the sum of the columns' simplex log Jacobians.
    Rows instead: ``StochasticMatrix`` (Stan's ``row_stochastic_matrix``).
    The default bijector for ``constraints.column_stochastic``.
    """

    domain_event_dim = 2
    event_dim = 2

    def forward(self, x):
        return _swap(Simplex().forward(_swap(x)))

    def inverse(self, y):
        return _swap(Simplex().inverse(_swap(y)))

    def log_det_jacobian(self, x):
        return anp.sum(Simplex().log_det_jacobian(_swap(x)), axis=-1)

    def forward_shape(self, shape):
        return tuple(shape[:-2]) + (shape[-2] + 1, shape[-1])

    def inverse_shape(self, shape):
        if len(shape) < 2 or shape[-2] < 2:
            raise ValueError(f"ColumnStochasticMatrix needs at least 2 rows on the constrained side, got shape {tuple(shape)}")
        return tuple(shape[:-2]) + (shape[-2] - 1, shape[-1])
