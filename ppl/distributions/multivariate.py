"""Vector-valued distributions: MultivariateNormal (covariance, precision or Cholesky factor) and Dirichlet."""

import math

import numpy as np

import autodiff.numpy as anp
from autodiff.scipy import linalg, special
from ppl.distributions import constraints
from ppl.distributions.mvn_tril import mvn_tril_logpdf
from ppl.distributions.base import (
    Distribution,
    as_generator,
    as_param,
    concrete,
    mask_outside,
    shape_of,
)

__all__ = ["Dirichlet", "MultivariateNormal"]

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def solve_lower(tril, x):
    """``tril^{-1} x`` for lower-triangular ``tril`` (..., d, d) and vectors ``x`` (..., d), batch dims broadcast.

    With a single (unbatched) factor every vector becomes a column of one
    right-hand side, so one triangular solve serves a whole data set.
    """
    d = x.shape[-1]
    if tril.ndim == 2:
        cols = anp.transpose(anp.reshape(x, (-1, d)))
        z = linalg.solve_triangular(tril, cols, lower=True)
        return anp.reshape(anp.transpose(z), x.shape)
    batch = tuple(anp.broadcast_shapes(x.shape[:-1], tril.shape[:-2]))
    lead = len(batch) - (tril.ndim - 2)
    if lead > 0 and batch[lead:] == tuple(tril.shape[:-2]):
        # vectors batched beyond the factors (data points x components) become the columns of one
        # right-hand side per factor, instead of copying every factor once per data point
        n = int(np.prod(batch[:lead], dtype=np.int64))
        cols = anp.moveaxis(anp.reshape(anp.broadcast_to(x, batch + (d,)), (n,) + batch[lead:] + (d,)), 0, -1)
        z = linalg.solve_triangular(tril, cols, lower=True)
        return anp.reshape(anp.moveaxis(z, -1, 0), batch + (d,))
    tril_b = anp.broadcast_to(tril, batch + (d, d))
    x_b = anp.broadcast_to(x, batch + (d,))
    return linalg.solve_triangular(tril_b, anp.expand_dims(x_b, -1), lower=True)[..., 0]


def _sum_log_diag(tril):
    return anp.sum(anp.log(anp.diagonal(tril, axis1=-2, axis2=-1)), axis=-1)


_MATRIX_CONSTRAINTS = {
    "covariance_matrix": constraints.positive_definite,
    "precision_matrix": constraints.positive_definite,
    "scale_tril": constraints.lower_cholesky,
}


def _check_square(name, param, matrix):
    shape = shape_of(matrix)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ValueError(f"{name}: {param} must be a square matrix (..., d, d), got shape {shape}")
    return shape


class MultivariateNormal(Distribution):
    r"""Multivariate normal with mean ``loc`` and one of ``covariance_matrix``, ``precision_matrix``, ``scale_tril``.

    .. math::

        \log p(x \mid \mu, \Sigma) = -\tfrac12 (x - \mu)^\top\Sigma^{-1}(x - \mu)
            - \tfrac12\log|\Sigma| - \tfrac{d}{2}\log(2\pi)

    With :math:`\Sigma = LL^\top` the quadratic form is :math:`\|L^{-1}(x - \mu)\|^2`
    (one triangular solve) and :math:`\tfrac12\log|\Sigma| = \sum_i \log L_{ii}`.
    Given a precision :math:`P = L_P L_P^\top` the quadratic form is
    :math:`\|L_P^\top(x - \mu)\|^2` (a matrix product) and no inverse is formed.

    Parameters
    ----------
    loc : array (..., d) or scalar
    covariance_matrix, precision_matrix, scale_tril : array (..., d, d)
        Exactly one of them. ``scale_tril`` is lower triangular with a positive diagonal.
    """

    support = constraints.real_vector
    reparametrized_params = ["loc", "covariance_matrix", "precision_matrix", "scale_tril"]

    def __init__(self, loc=0.0, covariance_matrix=None, precision_matrix=None, scale_tril=None, *, validate_args=True):
        given = [
            (name, m)
            for name, m in (
                ("covariance_matrix", covariance_matrix),
                ("precision_matrix", precision_matrix),
                ("scale_tril", scale_tril),
            )
            if m is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "MultivariateNormal: pass exactly one of covariance_matrix, precision_matrix or scale_tril"
            )
        self._param_name, matrix = given[0][0], as_param(given[0][1])
        mshape = _check_square("MultivariateNormal", self._param_name, matrix)
        d = mshape[-1]
        loc = as_param(loc)
        lshape = shape_of(loc)
        if len(lshape) == 0:
            loc = anp.broadcast_to(loc, (d,))
        elif lshape[-1] not in (1, d):
            raise ValueError(f"MultivariateNormal: loc must have last dim {d} (or 1), got shape {lshape}")
        self.loc = loc
        self._matrix = matrix
        # only the given parametrisation is validated (the others are derived from it)
        self.arg_constraints = {"loc": constraints.real_vector, self._param_name: _MATRIX_CONSTRAINTS[self._param_name]}
        self._scale_tril = matrix if self._param_name == "scale_tril" else None
        batch = tuple(anp.broadcast_shapes(shape_of(loc)[:-1], mshape[:-2]))
        super().__init__(batch, (d,), validate_args=validate_args)
        # factorise after validation, so that a bad matrix gets a ValueError rather than a LinAlgError
        if self._param_name == "covariance_matrix":
            self._scale_tril = anp.linalg.cholesky(matrix)
        elif self._param_name == "precision_matrix":
            # log_prob uses the precision factor; scale_tril is computed only if asked for
            self._precision_tril = anp.linalg.cholesky(matrix)

    @property
    def scale_tril(self):
        if self._scale_tril is None:
            self._scale_tril = anp.linalg.cholesky(anp.linalg.inv(self._matrix))
        return self._scale_tril

    @property
    def covariance_matrix(self):
        if self._param_name == "covariance_matrix":
            return self._matrix
        L = self.scale_tril
        return anp.matmul(L, anp.swapaxes(L, -2, -1))

    @property
    def precision_matrix(self):
        if self._param_name == "precision_matrix":
            return self._matrix
        return anp.linalg.inv(self.covariance_matrix)

    def log_prob(self, value):
        value = as_param(value)
        if self._param_name == "precision_matrix":
            d = self.event_shape[0]
            diff = value - self.loc
            lp_tril = self._precision_tril
            y = anp.matmul(anp.expand_dims(diff, -2), lp_tril)[..., 0, :]
            return -0.5 * anp.sum(anp.square(y), axis=-1) + _sum_log_diag(lp_tril) - d * _HALF_LOG_2PI
        # one compiled kernel over data points x components (mvn_tril.py), not a batched solve
        return mvn_tril_logpdf(value, self.loc, self._scale_tril)

    def sample(self, rng, sample_shape=()):
        shape = self.shape(sample_shape)
        eps = as_generator(rng).standard_normal(shape)
        L = concrete(self.scale_tril)
        return concrete(self.loc) + np.einsum("...ij,...j->...i", L, eps)

    @property
    def mean(self):
        return anp.broadcast_to(self.loc, self.batch_shape + self.event_shape)

    @property
    def variance(self):
        var = anp.sum(anp.square(self.scale_tril), axis=-1)
        return anp.broadcast_to(var, self.batch_shape + self.event_shape)


class Dirichlet(Distribution):
    r"""Dirichlet distribution on the simplex with ``concentration`` :math:`\alpha` (last axis).

    .. math::

        \log p(x \mid \alpha) = \sum_k (\alpha_k - 1)\log x_k + \log\Gamma\Big(\sum_k \alpha_k\Big)
            - \sum_k \log\Gamma(\alpha_k)
    """

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    reparametrized_params = ["concentration"]

    def __init__(self, concentration, *, validate_args=True):
        self.concentration = as_param(concentration)
        shape = shape_of(self.concentration)
        if len(shape) < 1:
            raise ValueError(f"Dirichlet: concentration must have at least one dimension, got shape {shape}")
        super().__init__(shape[:-1], shape[-1:], validate_args=validate_args)

    def log_prob(self, value):
        a = self.concentration
        norm = special.gammaln(anp.sum(a, axis=-1)) - anp.sum(special.gammaln(a), axis=-1)
        lp = anp.sum(special.xlogy(a - 1, value), axis=-1) + norm
        return mask_outside(lp, constraints.simplex.check(value))

    def sample(self, rng, sample_shape=()):
        # Gamma(a) = Gamma(a + 1) * U^(1/a), normalised in log space: no all-zero
        # rows when every concentration is small.
        rng = as_generator(rng)
        shape = self.shape(sample_shape)
        a = np.broadcast_to(concrete(self.concentration), shape)
        log_g = np.log(rng.standard_gamma(a + 1, shape)) + np.log(rng.uniform(size=shape)) / a
        log_g = log_g - log_g.max(axis=-1, keepdims=True)
        g = np.exp(log_g)
        return g / g.sum(axis=-1, keepdims=True)

    @property
    def mean(self):
        a = self.concentration
        return anp.broadcast_to(a / anp.sum(a, axis=-1, keepdims=True), self.batch_shape + self.event_shape)

    @property
    def variance(self):
        a = self.concentration
        a0 = anp.sum(a, axis=-1, keepdims=True)
        var = a * (a0 - a) / (anp.square(a0) * (a0 + 1))
        return anp.broadcast_to(var, self.batch_shape + self.event_shape)
