"""Matrix-valued distributions: LKJCholesky and LKJ over correlation matrices, Wishart and InverseWishart.

These densities do not mask values outside the support (a non positive
definite matrix has no meaningful log density and computing the check costs
``d`` determinants); validate observed matrices with ``Distribution.check_value``.
"""

import math

import numpy as np

import autodiff.numpy as anp
from autodiff.scipy import linalg, special
from ppl.distributions import constraints
from ppl.distributions.base import (
    Distribution,
    as_generator,
    as_param,
    broadcast_shape,
    concrete,
    is_concrete,
    shape_of,
)

__all__ = ["InverseWishart", "LKJ", "LKJCholesky", "Wishart"]

_LOG_PI = math.log(math.pi)
_LOG_2 = math.log(2.0)


def _diag(x):
    return anp.diagonal(x, axis1=-2, axis2=-1)


def _trace(x):
    return anp.sum(_diag(x), axis=-1)


def _logdet(x):
    return anp.linalg.slogdet(x)[1]


def _check_dimension(name, dimension):
    if not (isinstance(dimension, (int, np.integer)) and dimension >= 2):
        raise ValueError(f"{name}: dimension must be an int >= 2, got {dimension!r}")
    return int(dimension)


def _lkj_log_normaliser(dimension, concentration):
    r"""Log normalising constant of LKJ(:math:`\eta`) in dimension :math:`D` (NumPyro's onion form).

    .. math::

        \log c_D(\eta) = \tfrac{D-1}{2}\log\pi + \log\Gamma_{D-1}\left(\alpha - \tfrac12\right)
            - (D-1)\log\Gamma(\alpha), \qquad \alpha = \eta + \tfrac{D-1}{2}

    where :math:`\Gamma_{D-1}` is the multivariate gamma function. Equal to
    the constant of Lewandowski, Kurowicka and Joe (2009), eq. 16.
    """
    dm1 = dimension - 1
    alpha = concentration + 0.5 * dm1
    return 0.5 * dm1 * _LOG_PI + special.multigammaln(alpha - 0.5, dm1) - dm1 * special.gammaln(alpha)


def _sample_lkj_cholesky(rng, dimension, concentration, shape):
    """Onion method (Lewandowski, Kurowicka and Joe 2009, section 3.2), as in NumPyro.

    Row ``i`` of the factor is ``sqrt(y) * u`` with ``u`` uniform on the unit
    sphere of dimension ``i`` and ``y ~ Beta(i / 2, eta + (D - 2) / 2 - (i - 1) / 2)``;
    the diagonal entry completes the row to unit norm.
    """
    eta = np.broadcast_to(concentration, shape)
    marginal = eta + 0.5 * (dimension - 2)
    L = np.zeros(shape + (dimension, dimension))
    L[..., 0, 0] = 1.0
    for i in range(1, dimension):
        y = rng.beta(0.5 * i, marginal - 0.5 * (i - 1), size=shape)
        z = rng.standard_normal(shape + (i,))
        u = z / np.linalg.norm(z, axis=-1, keepdims=True)
        L[..., i, :i] = np.sqrt(y)[..., None] * u
        L[..., i, i] = np.sqrt(1.0 - y)
    return L


class LKJCholesky(Distribution):
    r"""LKJ distribution over Cholesky factors :math:`L` of :math:`D \times D` correlation matrices.

    :math:`LL^\top` has density proportional to :math:`\det(LL^\top)^{\eta - 1}`
    (``concentration`` :math:`\eta`); with the Jacobian of
    :math:`L \mapsto LL^\top` the density of :math:`L` (w.r.t. its strictly lower
    entries) is

    .. math::

        \log p(L \mid \eta) = \sum_{i=1}^{D-1} \left(2(\eta - 1) + D - i - 1\right)\log L_{ii}
            - \log c_D(\eta)

    (0-based :math:`i`), with Stan's and NumPyro's normaliser

    .. math::

        \log c_D(\eta) = \tfrac{D-1}{2}\log\pi + \log\Gamma_{D-1}\left(\alpha - \tfrac12\right)
            - (D-1)\log\Gamma(\alpha), \qquad \alpha = \eta + \tfrac{D-1}{2}

    Each off-diagonal correlation :math:`r` of :math:`LL^\top` has
    :math:`(r + 1)/2 \sim \mathrm{Beta}(\eta - 1 + D/2, \eta - 1 + D/2)`.
    Sampling uses the onion method. ``sample_method`` is accepted for NumPyro
    compatibility; only ``"onion"`` is implemented.
    """

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dimension, concentration=1.0, sample_method="onion", *, validate_args=True):
        self.dimension = _check_dimension("LKJCholesky", dimension)
        if sample_method != "onion":
            raise ValueError(f'LKJCholesky: sample_method must be "onion", got {sample_method!r}')
        self.sample_method = sample_method
        self.concentration = as_param(concentration)
        super().__init__(
            broadcast_shape(self.concentration), (self.dimension, self.dimension), validate_args=validate_args
        )

    def log_prob(self, value):
        d = self.dimension
        eta = anp.expand_dims(self.concentration, -1)
        exponent = 2 * (eta - 1) + (d - 2) - anp.arange(d - 1)  # i = 1..D-1: 2(eta-1) + D - i - 1
        unnormalised = anp.sum(exponent * anp.log(_diag(value)[..., 1:]), axis=-1)
        return unnormalised - _lkj_log_normaliser(d, self.concentration)

    def sample(self, rng, sample_shape=()):
        shape = tuple(sample_shape) + self.batch_shape
        return _sample_lkj_cholesky(as_generator(rng), self.dimension, concrete(self.concentration), shape)


class LKJ(Distribution):
    r"""LKJ distribution over :math:`D \times D` correlation matrices :math:`C`.

    .. math::

        \log p(C \mid \eta) = (\eta - 1)\log\det C - \log c_D(\eta)

    with the normaliser :math:`c_D(\eta)` of :class:`LKJCholesky` (density
    w.r.t. the strictly upper entries of :math:`C`). Mean is the identity;
    each off-diagonal entry has variance :math:`1/(2\eta + D - 1)`.
    """

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_matrix

    def __init__(self, dimension, concentration=1.0, sample_method="onion", *, validate_args=True):
        self.dimension = _check_dimension("LKJ", dimension)
        if sample_method != "onion":
            raise ValueError(f'LKJ: sample_method must be "onion", got {sample_method!r}')
        self.sample_method = sample_method
        self.concentration = as_param(concentration)
        super().__init__(
            broadcast_shape(self.concentration), (self.dimension, self.dimension), validate_args=validate_args
        )

    def log_prob(self, value):
        return (self.concentration - 1) * _logdet(value) - _lkj_log_normaliser(self.dimension, self.concentration)

    def sample(self, rng, sample_shape=()):
        shape = tuple(sample_shape) + self.batch_shape
        L = _sample_lkj_cholesky(as_generator(rng), self.dimension, concrete(self.concentration), shape)
        return L @ np.swapaxes(L, -2, -1)

    @property
    def mean(self):
        return anp.broadcast_to(anp.eye(self.dimension), self.batch_shape + self.event_shape)

    @property
    def variance(self):
        d = self.dimension
        off = 1 - anp.eye(d)
        var = anp.expand_dims(anp.expand_dims(1 / (2 * self.concentration + d - 1), -1), -1) * off
        return anp.broadcast_to(var, self.batch_shape + self.event_shape)


def _scale_tril_from(name, scale_matrix, scale_tril):
    if (scale_matrix is None) == (scale_tril is None):
        raise ValueError(f"{name}: pass exactly one of scale_matrix or scale_tril")
    param, matrix = ("scale_matrix", scale_matrix) if scale_matrix is not None else ("scale_tril", scale_tril)
    matrix = as_param(matrix)
    shape = shape_of(matrix)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ValueError(f"{name}: {param} must be a square matrix (..., d, d), got shape {shape}")
    return param, matrix


class _WishartBase(Distribution):
    """Shared parametrisation: the degrees of freedom as ``concentration`` (NumPyro) or ``df`` (scipy), and
    the scale as one of ``scale_matrix``, ``rate_matrix`` (its inverse) or ``scale_tril``."""

    support = constraints.positive_definite

    def __init__(self, concentration=None, scale_matrix=None, rate_matrix=None, scale_tril=None, *, df=None,
                 validate_args=True):
        name = type(self).__name__
        if (concentration is None) == (df is None):
            raise ValueError(f"{name}: pass the degrees of freedom once, as concentration (NumPyro) or df (scipy)")
        df = df if df is not None else concentration
        if rate_matrix is not None:
            if scale_matrix is not None or scale_tril is not None:
                raise ValueError(f"{name}: pass exactly one of scale_matrix, rate_matrix or scale_tril")
            rate_matrix = as_param(rate_matrix)
            if validate_args and is_concrete(rate_matrix) and not np.all(constraints.positive_definite.check(rate_matrix)):
                raise ValueError(f"{name}: rate_matrix must be a symmetric positive definite matrix")
            scale_tril = anp.linalg.cholesky(anp.linalg.inv(rate_matrix))
        self._param_name, matrix = _scale_tril_from(name, scale_matrix, scale_tril)
        self.df = as_param(df)
        self._matrix = matrix
        self.arg_constraints = {
            "df": constraints.positive,
            self._param_name: constraints.positive_definite
            if self._param_name == "scale_matrix"
            else constraints.lower_cholesky,
        }
        self.scale_tril = matrix if self._param_name == "scale_tril" else None
        mshape = shape_of(matrix)
        batch = tuple(anp.broadcast_shapes(shape_of(self.df), mshape[:-2]))
        super().__init__(batch, mshape[-1:] * 2, validate_args=validate_args)
        if self.scale_tril is None:  # factorise after validation: a bad matrix gets a ValueError
            self.scale_tril = anp.linalg.cholesky(matrix)

    @property
    def concentration(self):
        """NumPyro's name for ``df``."""
        return self.df

    @property
    def rate_matrix(self):
        return anp.linalg.inv(self.scale_matrix)

    def _validate_extra(self):
        d = self.event_shape[-1]
        if is_concrete(self.df) and not np.all(np.asarray(self.df) > d - 1):
            raise ValueError(f"{type(self).__name__}: df must be > dimension - 1 = {d - 1}, got {self.df}")

    @property
    def scale_matrix(self):
        if self._param_name == "scale_matrix":
            return self._matrix
        L = self.scale_tril
        return anp.matmul(L, anp.swapaxes(L, -2, -1))

    def _log_normaliser_common(self):
        """``nu d / 2 log 2 + log Gamma_d(nu / 2)``."""
        d = self.event_shape[-1]
        return 0.5 * self.df * d * _LOG_2 + special.multigammaln(0.5 * self.df, d)

    def _bartlett(self, rng, tril, shape):
        """Wishart(df, tril tril^T) draws by the Bartlett decomposition (numpy)."""
        d = self.event_shape[-1]
        df = np.broadcast_to(concrete(self.df), shape)
        A = np.zeros(shape + (d, d))
        for i in range(d):
            A[..., i, i] = np.sqrt(rng.chisquare(df - i, size=shape))
            A[..., i, :i] = rng.standard_normal(shape + (i,))
        LA = tril @ A
        return LA @ np.swapaxes(LA, -2, -1)


class Wishart(_WishartBase):
    r"""Wishart distribution over :math:`d \times d` positive definite matrices.

    NumPyro's signature ``Wishart(concentration, scale_matrix=None, rate_matrix=None,
    scale_tril=None)``: the degrees of freedom ``concentration`` :math:`\nu > d - 1`
    (also accepted as ``df=``, scipy's name, and stored as ``.df``) and the scale
    :math:`\Sigma` as ``scale_matrix``, its inverse ``rate_matrix`` or its Cholesky
    factor ``scale_tril`` :math:`L` (scipy's ``wishart(df, scale)``).

    .. math::

        \log p(X \mid \nu, \Sigma) = \tfrac{\nu - d - 1}{2}\log|X| - \tfrac12\operatorname{tr}(\Sigma^{-1}X)
            - \tfrac{\nu d}{2}\log 2 - \tfrac{\nu}{2}\log|\Sigma| - \log\Gamma_d\left(\tfrac{\nu}{2}\right)

    :math:`\Sigma^{-1} = L^{-\top}L^{-1}` is formed from one triangular solve of
    the parameters, so the data term is an elementwise product.
    """

    def log_prob(self, value):
        d = self.event_shape[-1]
        L = self.scale_tril
        eye = anp.broadcast_to(anp.eye(d), shape_of(L))
        L_inv = linalg.solve_triangular(L, eye, lower=True)
        precision = anp.matmul(anp.swapaxes(L_inv, -2, -1), L_inv)
        tr = anp.sum(anp.sum(precision * value, axis=-1), axis=-1)  # tr(P X) for symmetric X
        half_log_det_scale = anp.sum(anp.log(_diag(L)), axis=-1)
        nu = self.df
        return (
            0.5 * (nu - d - 1) * _logdet(value) - 0.5 * tr - nu * half_log_det_scale - self._log_normaliser_common()
        )

    def sample(self, rng, sample_shape=()):
        shape = tuple(sample_shape) + self.batch_shape
        return self._bartlett(as_generator(rng), concrete(self.scale_tril), shape)

    @property
    def mean(self):
        nu = anp.expand_dims(anp.expand_dims(self.df, -1), -1)
        return anp.broadcast_to(nu * self.scale_matrix, self.batch_shape + self.event_shape)

    @property
    def variance(self):
        nu = anp.expand_dims(anp.expand_dims(self.df, -1), -1)
        s = self.scale_matrix
        diag = _diag(s)
        var = nu * (anp.square(s) + anp.expand_dims(diag, -1) * anp.expand_dims(diag, -2))
        return anp.broadcast_to(var, self.batch_shape + self.event_shape)


class InverseWishart(_WishartBase):
    r"""Inverse Wishart distribution: :math:`X^{-1} \sim \mathrm{Wishart}(\nu, \Psi^{-1})`.

    ``df`` :math:`\nu > d - 1` and the scale :math:`\Psi` as ``scale_matrix``
    or ``scale_tril`` (scipy's ``invwishart(df, scale)``).

    .. math::

        \log p(X \mid \nu, \Psi) = \tfrac{\nu}{2}\log|\Psi| - \tfrac{\nu d}{2}\log 2
            - \log\Gamma_d\left(\tfrac{\nu}{2}\right) - \tfrac{\nu + d + 1}{2}\log|X|
            - \tfrac12\operatorname{tr}(\Psi X^{-1})

    The mean :math:`\Psi/(\nu - d - 1)` needs :math:`\nu > d + 1` (inf otherwise),
    the variance :math:`\nu > d + 3`.
    """

    def log_prob(self, value):
        d = self.event_shape[-1]
        nu = self.df
        half_log_det_scale = anp.sum(anp.log(_diag(self.scale_tril)), axis=-1)
        tr = _trace(anp.linalg.solve(value, self.scale_matrix))
        return (
            nu * half_log_det_scale
            - self._log_normaliser_common()
            - 0.5 * (nu + d + 1) * _logdet(value)
            - 0.5 * tr
        )

    def sample(self, rng, sample_shape=()):
        shape = tuple(sample_shape) + self.batch_shape
        psi = concrete(self.scale_matrix)
        inv_tril = np.linalg.cholesky(np.linalg.inv(psi))
        return np.linalg.inv(self._bartlett(as_generator(rng), inv_tril, shape))

    @property
    def mean(self):
        d = self.event_shape[-1]
        nu = anp.expand_dims(anp.expand_dims(self.df, -1), -1)
        ok = nu > d + 1
        m = self.scale_matrix / anp.where(ok, nu - d - 1, 1.0)
        return anp.broadcast_to(anp.where(ok, m, math.inf), self.batch_shape + self.event_shape)

    @property
    def variance(self):
        d = self.event_shape[-1]
        nu = anp.expand_dims(anp.expand_dims(self.df, -1), -1)
        ok = nu > d + 3
        safe = anp.where(ok, nu, d + 4.0)
        s = self.scale_matrix
        diag = _diag(s)
        outer = anp.expand_dims(diag, -1) * anp.expand_dims(diag, -2)
        num = (safe - d + 1) * anp.square(s) + (safe - d - 1) * outer
        den = (safe - d) * anp.square(safe - d - 1) * (safe - d - 3)
        return anp.broadcast_to(anp.where(ok, num / den, math.inf), self.batch_shape + self.event_shape)
