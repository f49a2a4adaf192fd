r"""CAR: the conditional autoregressive prior for areal data, with a (sparse) adjacency matrix (NumPyro's arguments).

A multivariate normal with precision :math:`Q = \tau(D - \rho W)`: :math:`W`
the symmetric 0/1 adjacency matrix, :math:`D = \operatorname{diag}(\text{neighbour counts})`,
``correlation`` :math:`\rho` and ``conditional_precision`` :math:`\tau`:

.. math::

    \log p(x) = \tfrac12\left(-n\log 2\pi + n\log\tau + \sum_i\log D_i + \sum_i\log(1 - \rho\lambda_i)
        - \tau\left(\textstyle\sum_i D_i\phi_i^2 - \rho\sum_{i \sim j}\phi_i\phi_j\right)\right),
    \quad \phi = x - \mu

where :math:`\lambda` are the eigenvalues of :math:`D^{-1/2}WD^{-1/2}`
(computed once, with numpy, since :math:`W` is data) and the last sum runs
over the nonzeros of :math:`W`: the log density costs :math:`O(n + \text{edges})`,
so large sparse maps are cheap in the compiled gradient.
"""

import math

import numpy as np

import autodiff.numpy as anp
from ppl.distributions import constraints
from ppl.distributions.base import Distribution, as_param, broadcast_shape, is_concrete, shape_of
from ppl.distributions.multivariate import MultivariateNormal

__all__ = ["CAR"]

_LOG_2PI = math.log(2 * math.pi)


def _is_scipy_sparse(a):
    return hasattr(a, "tocoo") and hasattr(a, "nnz")


def _adjacency(adj_matrix, is_sparse):
    """(dense 0/1 matrix, rows, cols, weights of the nonzeros) from a numpy array or scipy sparse matrix."""
    if _is_scipy_sparse(adj_matrix):
        if not is_sparse:
            raise ValueError("CAR: adj_matrix is a scipy sparse matrix, so pass is_sparse=True")
        coo = adj_matrix.tocoo()
        dense = np.asarray(adj_matrix.toarray(), dtype=float)
        rows, cols, weights = coo.row, coo.col, np.asarray(coo.data, dtype=float)
    else:
        if not is_concrete(adj_matrix) and not isinstance(adj_matrix, (list, tuple)):
            raise TypeError("CAR: adj_matrix must be data (a numpy array or scipy sparse matrix), not a traced value")
        dense = np.asarray(adj_matrix, dtype=float)
        rows, cols = np.nonzero(dense)
        weights = dense[rows, cols]
    if dense.ndim != 2 or dense.shape[0] != dense.shape[1]:
        raise ValueError(f"CAR: adj_matrix must be a square (n, n) matrix, got shape {dense.shape}")
    if not np.array_equal(dense, dense.T):
        raise ValueError("CAR: adj_matrix must be symmetric (i adjacent to j iff j adjacent to i)")
    lonely = np.flatnonzero(dense.sum(axis=-1) <= 0)
    if lonely.size:
        raise ValueError(f"CAR: every site needs a neighbour; sites {lonely[:8].tolist()} have none")
    return dense, rows.astype(np.int64), cols.astype(np.int64), weights


class CAR(Distribution):
    r"""Conditional autoregressive distribution over ``n`` sites (see the module docstring for the density).

    Parameters
    ----------
    loc : array (..., n) or scalar
    correlation : array
        :math:`\rho \in (-1, 1)`; near 1 the field is strongly spatially smooth.
    conditional_precision : array
        :math:`\tau > 0`.
    adj_matrix : numpy array or scipy.sparse matrix (n, n)
        Symmetric, nonnegative, every site with a neighbour. Data, not a parameter.
    is_sparse : bool
        Must be True when ``adj_matrix`` is a scipy sparse matrix (NumPyro's rule). The
        log density always uses the nonzeros only.
    """

    arg_constraints = {"loc": constraints.real_vector, "correlation": constraints.open_interval(-1.0, 1.0),
                       "conditional_precision": constraints.positive}
    support = constraints.real_vector
    reparametrized_params = ["loc", "correlation", "conditional_precision"]

    def __init__(self, loc, correlation, conditional_precision, adj_matrix, *, is_sparse=False, validate_args=True):
        dense, self._rows, self._cols, self._weights = _adjacency(adj_matrix, is_sparse)
        self.adj_matrix, self.is_sparse = adj_matrix, bool(is_sparse)
        n = dense.shape[0]
        self._dense = dense
        self._degree = dense.sum(axis=-1)
        d_rsqrt = self._degree ** -0.5
        self._eigenvalues = np.linalg.eigvalsh(dense * d_rsqrt[:, None] * d_rsqrt[None, :])
        loc = as_param(loc)
        if len(shape_of(loc)) == 0:
            loc = anp.broadcast_to(loc, (n,))
        elif shape_of(loc)[-1] != n:
            raise ValueError(f"CAR: loc must have last dim {n} (the number of sites), got shape {shape_of(loc)}")
        self.loc = loc
        self.correlation, self.conditional_precision = as_param(correlation), as_param(conditional_precision)
        batch = tuple(anp.broadcast_shapes(shape_of(loc)[:-1], broadcast_shape(self.correlation,
                                                                                 self.conditional_precision)))
        super().__init__(batch, (n,), validate_args=validate_args)

    @property
    def precision_matrix(self):
        rho = anp.expand_dims(anp.expand_dims(self.correlation, -1), -1)
        tau = anp.expand_dims(anp.expand_dims(self.conditional_precision, -1), -1)
        return anp.broadcast_to(tau * (np.diag(self._degree) - rho * self._dense), self.batch_shape + self.event_shape * 2)

    def log_prob(self, value):
        n = self.event_shape[0]
        phi = as_param(value) - self.loc
        rho, tau = self.correlation, self.conditional_precision
        neighbours = anp.sum(self._weights * phi[..., self._rows] * phi[..., self._cols], axis=-1)
        quad = anp.sum(self._degree * anp.square(phi), axis=-1) - rho * neighbours
        log_det = anp.sum(anp.log1p(-anp.expand_dims(rho, -1) * self._eigenvalues), axis=-1) + np.sum(np.log(self._degree))
        return 0.5 * (-n * _LOG_2PI + n * anp.log(tau) + log_det - tau * quad)

    def _mvn(self):
        return MultivariateNormal(anp.broadcast_to(self.loc, self.batch_shape + self.event_shape),
                                  precision_matrix=self.precision_matrix)

    def sample(self, rng, sample_shape=()):
        return self._mvn().sample(rng, sample_shape)

    @property
    def mean(self):
        return anp.broadcast_to(self.loc, self.batch_shape + self.event_shape)

    @property
    def variance(self):
        return self._mvn().variance
