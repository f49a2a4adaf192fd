r"""WishartCholesky: the lower Cholesky factor :math:`L` of a Wishart matrix :math:`X = LL^\top` (NumPyro's arguments).

NumPyro's ``WishartCholesky(concentration, scale_matrix=None, rate_matrix=None,
scale_tril=None)``: ``concentration`` :math:`\nu > p - 1` is the degrees of
freedom and exactly one of the scale :math:`\Sigma`, its inverse the rate, or
the scale's Cholesky factor :math:`S` is given. Sampling it as a latent site
(support ``lower_cholesky``) avoids the Cholesky of a sampled matrix.
"""

import math

import numpy as np

import autodiff.numpy as anp
from autodiff.scipy import linalg, special
from ppl.distributions import constraints
from ppl.distributions.base import Distribution, as_generator, as_param, concrete, is_concrete, shape_of

__all__ = ["WishartCholesky"]

_LOG_2 = math.log(2.0)


def _diag(x):
    return anp.diagonal(x, axis1=-2, axis2=-1)


def _mT(x):
    return anp.swapaxes(x, -2, -1)


class WishartCholesky(Distribution):
    r"""Distribution of the Cholesky factor :math:`L` of :math:`X \sim \mathrm{Wishart}(\nu, \Sigma = SS^\top)`.

    The Wishart density of :math:`X = LL^\top` times the Jacobian
    :math:`|\partial X/\partial L| = 2^p \prod_i L_{ii}^{p - i + 1}` (1-based :math:`i`):

    .. math::

        \log p(L) = (\nu - p - 1)\sum_i \log L_{ii} - \tfrac12\|S^{-1}L\|_F^2
            + p\left(1 - \tfrac\nu2\right)\log 2 - \log\Gamma_p\left(\tfrac\nu2\right)
            - \nu\sum_i\log S_{ii} + \sum_i (p - i + 1)\log L_{ii}

    (:math:`\operatorname{tr}(\Sigma^{-1}X) = \|S^{-1}L\|_F^2`: one triangular solve).
    By the Bartlett decomposition :math:`L = SA` with :math:`A_{ii}^2 \sim \chi^2_{\nu - i + 1}`
    and :math:`A_{ij} \sim \mathcal N(0, 1)` below the diagonal, so
    :math:`\mathrm{E}\,L_{kj} = S_{kj}\,\mathrm{E}A_{jj}`.
    """

    support = constraints.lower_cholesky
    reparametrized_params = ["scale_matrix", "rate_matrix", "scale_tril"]

    def __init__(self, concentration, scale_matrix=None, rate_matrix=None, scale_tril=None, *, validate_args=True):
        given = [(n, m) for n, m in (("scale_matrix", scale_matrix), ("rate_matrix", rate_matrix),
                                      ("scale_tril", scale_tril)) if m is not None]
        if len(given) != 1:
            raise ValueError("WishartCholesky: pass exactly one of scale_matrix, rate_matrix or scale_tril")
        self._param_name, matrix = given[0][0], as_param(given[0][1])
        mshape = shape_of(matrix)
        if len(mshape) < 2 or mshape[-1] != mshape[-2]:
            raise ValueError(f"WishartCholesky: {self._param_name} must be a square matrix (..., p, p), got {mshape}")
        self.concentration = as_param(concentration)
        self._matrix = matrix
        self.arg_constraints = {
            "concentration": constraints.positive,
            self._param_name: constraints.lower_cholesky if self._param_name == "scale_tril"
            else constraints.positive_definite,
        }
        batch = tuple(anp.broadcast_shapes(shape_of(self.concentration), mshape[:-2]))
        super().__init__(batch, mshape[-2:], validate_args=validate_args)
        # factorise after validation, so that a bad matrix gets a ValueError rather than a LinAlgError
        if self._param_name == "scale_tril":
            self.scale_tril = matrix
        elif self._param_name == "scale_matrix":
            self.scale_tril = anp.linalg.cholesky(matrix)
        else:
            self.scale_tril = anp.linalg.cholesky(anp.linalg.inv(matrix))

    def _validate_extra(self):
        p = self.event_shape[-1]
        if is_concrete(self.concentration) and not np.all(np.asarray(self.concentration) > p - 1):
            raise ValueError(f"WishartCholesky: concentration must be > dimension - 1 = {p - 1}, got {self.concentration}")

    @property
    def scale_matrix(self):
        if self._param_name == "scale_matrix":
            return self._matrix
        return anp.matmul(self.scale_tril, _mT(self.scale_tril))

    @property
    def rate_matrix(self):
        if self._param_name == "rate_matrix":
            return self._matrix
        return anp.linalg.inv(self.scale_matrix)

    def log_prob(self, value):
        p = self.event_shape[-1]
        nu = self.concentration
        S = self.scale_tril
        batch = tuple(anp.broadcast_shapes(shape_of(S)[:-2], shape_of(value)[:-2]))
        x = linalg.solve_triangular(anp.broadcast_to(S, batch + (p, p)), anp.broadcast_to(value, batch + (p, p)),
                                    lower=True)
        trace = anp.sum(anp.sum(anp.square(x), axis=-1), axis=-1)
        log_diag = anp.log(_diag(value))
        powers = anp.arange(p, 0, -1, dtype=float)  # p - i + 1 for 1-based i
        return (
            (nu - p - 1) * anp.sum(log_diag, axis=-1)
            - 0.5 * trace
            + p * (1 - 0.5 * nu) * _LOG_2
            - special.multigammaln(0.5 * nu, p)
            - nu * anp.sum(anp.log(_diag(S)), axis=-1)
            + anp.sum(powers * log_diag, axis=-1)
        )

    def sample(self, rng, sample_shape=()):
        rng = as_generator(rng)
        shape = tuple(sample_shape) + self.batch_shape
        p = self.event_shape[-1]
        nu = np.broadcast_to(concrete(self.concentration), shape)
        A = np.zeros(shape + (p, p))
        for i in range(p):
            A[..., i, i] = np.sqrt(rng.chisquare(nu - i, size=shape))
            A[..., i, :i] = rng.standard_normal(shape + (i,))
        return concrete(self.scale_tril) @ A

    def _expected_bartlett_diag(self):
        """``E sqrt(chi2_k)`` for ``k = nu - i`` (0-based ``i``): ``sqrt(2) Gamma((k + 1)/2) / Gamma(k/2)``."""
        k = anp.expand_dims(self.concentration, -1) - anp.arange(self.event_shape[-1], dtype=float)
        return math.sqrt(2.0) * anp.exp(special.gammaln(0.5 * (k + 1)) - special.gammaln(0.5 * k))

    @property
    def mean(self):
        m = self.scale_tril * anp.expand_dims(self._expected_bartlett_diag(), -2)
        return anp.broadcast_to(m, self.batch_shape + self.event_shape)

    @property
    def variance(self):
        # E L_kj^2 = sum_m S_km^2 E A_mj^2 with E A_mm^2 = nu - m, E A_mj^2 = 1 (m > j), 0 above
        p = self.event_shape[-1]
        k = anp.expand_dims(self.concentration, -1) - anp.arange(p, dtype=float)
        second_A = anp.tril(anp.ones((p, p)), -1) + anp.expand_dims(k, -1) * anp.eye(p)
        second = anp.matmul(anp.square(self.scale_tril), second_A)
        return anp.broadcast_to(second - anp.square(self.mean), self.batch_shape + self.event_shape)
