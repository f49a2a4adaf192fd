"""Distributions on the positive half-line: Half{Normal,Cauchy,StudentT}, LogNormal, Exponential, Gamma, InverseGamma,
Weibull, Chi2 and Pareto.

Densities are -inf for values below 0, and use ``xlogy`` where scipy's closed
support puts mass at 0 (e.g. ``Gamma(1, rate).log_prob(0) == log(rate)``).
"""

import math

import numpy as np

import autodiff.numpy as anp
from autodiff.scipy import special
from ppl.distributions import constraints
from ppl.distributions.base import (
    Distribution,
    as_generator,
    as_param,
    broadcast_shape,
    concrete,
    mask_outside,
)

__all__ = [
    "Chi2",
    "Exponential",
    "Gamma",
    "HalfCauchy",
    "HalfNormal",
    "HalfStudentT",
    "InverseGamma",
    "LogNormal",
    "Pareto",
    "Weibull",
]

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
_LOG_PI = math.log(math.pi)
_LOG_2 = math.log(2.0)


class _HalfScale(Distribution):
    """A symmetric family with only ``scale``, folded onto x >= 0: ``scale * |eps|``, ``eps`` from ``_draw_standard``."""

    arg_constraints = {"scale": constraints.positive}
    support = constraints.positive
    reparametrized_params = ["scale"]

    def __init__(self, scale=1.0, *, validate_args=True):
        self.scale = as_param(scale)
        super().__init__(broadcast_shape(self.scale), validate_args=validate_args)

    def _draw_standard(self, rng, shape):
        """Draws of the unfolded standard family (``scale=1``) from the generator ``rng``."""
        raise NotImplementedError

    def sample(self, rng, sample_shape=()):
        return concrete(self.scale) * np.abs(self._draw_standard(as_generator(rng), self.shape(sample_shape)))


class HalfNormal(_HalfScale):
    r"""Normal(0, scale) folded onto :math:`x \ge 0`.

    .. math::

        \log p(x \mid \sigma) = \log 2 - \tfrac12\log(2\pi) - \log\sigma - \frac{x^2}{2\sigma^2}
    """

    def log_prob(self, value):
        lp = _LOG_2 - _HALF_LOG_2PI - anp.log(self.scale) - 0.5 * anp.square(value / self.scale)
        return mask_outside(lp, value >= 0)

    def _draw_standard(self, rng, shape):
        return rng.standard_normal(shape)

    def cdf(self, value):
        return special.erf(anp.maximum(value, 0.0) / (self.scale * math.sqrt(2.0)))

    def icdf(self, q):
        return self.scale * special.ndtri((q + 1) / 2)

    @property
    def mean(self):
        return anp.broadcast_to(self.scale * math.sqrt(2 / math.pi), self.batch_shape)

    @property
    def variance(self):
        return anp.broadcast_to(anp.square(self.scale) * (1 - 2 / math.pi), self.batch_shape)


class HalfCauchy(_HalfScale):
    r"""Cauchy(0, scale) folded onto :math:`x \ge 0`.

    .. math::

        \log p(x \mid \sigma) = \log 2 - \log\pi - \log\sigma - \log\left(1 + (x/\sigma)^2\right)

    Mean and variance are infinite.
    """

    def log_prob(self, value):
        lp = _LOG_2 - _LOG_PI - anp.log(self.scale) - anp.log1p(anp.square(value / self.scale))
        return mask_outside(lp, value >= 0)

    def _draw_standard(self, rng, shape):
        return rng.standard_cauchy(shape)

    def cdf(self, value):
        return anp.arctan(anp.maximum(value, 0.0) / self.scale) * (2 / math.pi)

    def icdf(self, q):
        return self.scale * anp.tan(q * (math.pi / 2))

    @property
    def mean(self):
        return anp.full(self.batch_shape, math.inf)

    @property
    def variance(self):
        return anp.full(self.batch_shape, math.inf)


class HalfStudentT(Distribution):
    r"""StudentT(df, 0, scale) folded onto :math:`x \ge 0`.

    .. math::

        \log p(x \mid \nu, \sigma) = \log 2 + \log\Gamma\left(\tfrac{\nu+1}{2}\right)
            - \log\Gamma\left(\tfrac{\nu}{2}\right) - \tfrac12\log(\nu\pi) - \log\sigma
            - \tfrac{\nu+1}{2}\log\left(1 + \tfrac{x^2}{\nu\sigma^2}\right)

    Mean :math:`2\sigma\sqrt{\nu/\pi}\,\Gamma(\tfrac{\nu+1}{2}) / (\Gamma(\tfrac{\nu}{2})(\nu-1))`
    for :math:`\nu > 1` (inf otherwise); variance :math:`\sigma^2\nu/(\nu-2) - \text{mean}^2`
    for :math:`\nu > 2` (inf otherwise).
    """

    arg_constraints = {"df": constraints.positive, "scale": constraints.positive}
    support = constraints.positive
    reparametrized_params = ["df", "scale"]

    def __init__(self, df, scale=1.0, *, validate_args=True):
        self.df, self.scale = as_param(df), as_param(scale)
        super().__init__(broadcast_shape(self.df, self.scale), validate_args=validate_args)

    def log_prob(self, value):
        df = self.df
        norm = special.gammaln(0.5 * (df + 1)) - special.gammaln(0.5 * df) - 0.5 * anp.log(df) - 0.5 * _LOG_PI
        z2 = anp.square(value / self.scale)
        lp = _LOG_2 + norm - anp.log(self.scale) - 0.5 * (df + 1) * anp.log1p(z2 / df)
        return mask_outside(lp, value >= 0)

    def sample(self, rng, sample_shape=()):
        shape = self.shape(sample_shape)
        t = as_generator(rng).standard_t(np.broadcast_to(concrete(self.df), shape), shape)
        return concrete(self.scale) * np.abs(t)

    def cdf(self, value):
        """Differentiable in ``value`` and ``scale``; not in ``df`` (``stdtr``)."""
        return 2 * special.stdtr(self.df, anp.maximum(value, 0.0) / self.scale) - 1

    def icdf(self, q):
        """``scale * stdtrit(df, (q + 1) / 2)``: differentiable in ``q``, ``scale`` and (first order) ``df``."""
        return self.scale * special.stdtrit(self.df, (q + 1) / 2)

    def _mean(self):
        df = self.df
        safe = anp.where(df > 1, df, 2.0)  # keep the unused branch finite
        log_m = (
            _LOG_2
            + 0.5 * (anp.log(safe) - _LOG_PI)
            + special.gammaln(0.5 * (safe + 1))
            - special.gammaln(0.5 * safe)
            - anp.log(safe - 1)
        )
        return self.scale * anp.exp(log_m)

    @property
    def mean(self):
        return anp.broadcast_to(anp.where(self.df > 1, self._mean(), math.inf), self.batch_shape)

    @property
    def variance(self):
        df = self.df
        safe = anp.where(df > 2, df, 3.0)
        var = anp.square(self.scale) * safe / (safe - 2) - anp.square(self._mean())
        return anp.broadcast_to(anp.where(df > 2, var, math.inf), self.batch_shape)


class LogNormal(Distribution):
    r"""Distribution of :math:`e^X` for :math:`X \sim \mathrm{Normal}(\mu, \sigma)`.

    .. math::

        \log p(x \mid \mu, \sigma) = -\frac{(\log x - \mu)^2}{2\sigma^2} - \log\sigma
            - \tfrac12\log(2\pi) - \log x
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.positive
    reparametrized_params = ["loc", "scale"]

    def __init__(self, loc=0.0, scale=1.0, *, validate_args=True):
        self.loc, self.scale = as_param(loc), as_param(scale)
        super().__init__(broadcast_shape(self.loc, self.scale), validate_args=validate_args)

    def log_prob(self, value):
        log_x = anp.log(value)
        z = (log_x - self.loc) / self.scale
        lp = -0.5 * anp.square(z) - anp.log(self.scale) - _HALF_LOG_2PI - log_x
        return mask_outside(lp, value > 0)

    def sample(self, rng, sample_shape=()):
        eps = as_generator(rng).standard_normal(self.shape(sample_shape))
        return np.exp(concrete(self.loc) + concrete(self.scale) * eps)

    def cdf(self, value):
        positive = value > 0
        log_x = anp.log(anp.where(positive, value, 1.0))
        return anp.where(positive, special.ndtr((log_x - self.loc) / self.scale), 0.0)

    def icdf(self, q):
        return anp.exp(self.loc + self.scale * special.ndtri(q))

    @property
    def mean(self):
        return anp.broadcast_to(anp.exp(self.loc + 0.5 * anp.square(self.scale)), self.batch_shape)

    @property
    def variance(self):
        s2 = anp.square(self.scale)
        return anp.broadcast_to(anp.expm1(s2) * anp.exp(2 * self.loc + s2), self.batch_shape)


class Exponential(Distribution):
    r"""Exponential distribution with ``rate`` :math:`\lambda`.

    .. math::

        \log p(x \mid \lambda) = \log\lambda - \lambda x, \qquad x \ge 0
    """

    arg_constraints = {"rate": constraints.positive}
    support = constraints.positive
    reparametrized_params = ["rate"]

    def __init__(self, rate=1.0, *, validate_args=True):
        self.rate = as_param(rate)
        super().__init__(broadcast_shape(self.rate), validate_args=validate_args)

    def log_prob(self, value):
        return mask_outside(anp.log(self.rate) - self.rate * value, value >= 0)

    def sample(self, rng, sample_shape=()):
        return as_generator(rng).standard_exponential(self.shape(sample_shape)) / concrete(self.rate)

    def cdf(self, value):
        return -anp.expm1(-self.rate * anp.maximum(value, 0.0))

    def icdf(self, q):
        return -anp.log1p(-q) / self.rate

    @property
    def mean(self):
        return anp.broadcast_to(1 / self.rate, self.batch_shape)

    @property
    def variance(self):
        return anp.broadcast_to(1 / anp.square(self.rate), self.batch_shape)


class _ConcentrationRate(Distribution):
    """Gamma and InverseGamma: ``concentration`` and ``rate``, sampled through a standard gamma draw."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.positive
    reparametrized_params = ["concentration", "rate"]

    def __init__(self, concentration, rate=1.0, *, validate_args=True):
        self.concentration, self.rate = as_param(concentration), as_param(rate)
        super().__init__(broadcast_shape(self.concentration, self.rate), validate_args=validate_args)

    def _standard_gamma(self, rng, sample_shape):
        """Gamma(``concentration``, 1) draws of shape ``self.shape(sample_shape)``."""
        shape = self.shape(sample_shape)
        return as_generator(rng).standard_gamma(np.broadcast_to(concrete(self.concentration), shape), shape)


class Gamma(_ConcentrationRate):
    r"""Gamma distribution with shape ``concentration`` :math:`\alpha` and ``rate`` :math:`\beta`.

    .. math::

        \log p(x \mid \alpha, \beta) = \alpha\log\beta + (\alpha - 1)\log x - \beta x - \log\Gamma(\alpha)
    """

    def log_prob(self, value):
        a, b = self.concentration, self.rate
        lp = special.xlogy(a, b) + special.xlogy(a - 1, value) - b * value - special.gammaln(a)
        return mask_outside(lp, value >= 0)

    def sample(self, rng, sample_shape=()):
        return self._standard_gamma(rng, sample_shape) / concrete(self.rate)

    def cdf(self, value):
        """Differentiable in ``value`` and ``rate``; not in ``concentration`` (``gammainc``)."""
        return special.gammainc(self.concentration, self.rate * anp.maximum(value, 0.0))

    def icdf(self, q):
        """``gammaincinv(concentration, q) / rate``: differentiable in ``q``, ``rate`` and (first order) ``concentration``."""
        return special.gammaincinv(self.concentration, q) / self.rate

    @property
    def mean(self):
        return anp.broadcast_to(self.concentration / self.rate, self.batch_shape)

    @property
    def variance(self):
        return anp.broadcast_to(self.concentration / anp.square(self.rate), self.batch_shape)


class InverseGamma(_ConcentrationRate):
    r"""Distribution of :math:`1/X` for :math:`X \sim \mathrm{Gamma}(\alpha, \beta)`.

    .. math::

        \log p(x \mid \alpha, \beta) = \alpha\log\beta - \log\Gamma(\alpha) - (\alpha + 1)\log x - \frac{\beta}{x}

    ``rate`` :math:`\beta` is the scale of the inverse gamma (scipy's ``invgamma(a, scale=rate)``).
    """

    def log_prob(self, value):
        a, b = self.concentration, self.rate
        lp = a * anp.log(b) - special.gammaln(a) - (a + 1) * anp.log(value) - b / value
        return mask_outside(lp, value > 0)

    def sample(self, rng, sample_shape=()):
        return concrete(self.rate) / self._standard_gamma(rng, sample_shape)

    def cdf(self, value):
        """Differentiable in ``value`` and ``rate``; not in ``concentration`` (``gammaincc``)."""
        positive = value > 0
        inv = self.rate / anp.where(positive, value, 1.0)
        return anp.where(positive, special.gammaincc(self.concentration, inv), 0.0)

    def icdf(self, q):
        """``rate / gammainccinv(concentration, q)``: differentiable in ``q``, ``rate`` and (first order) ``concentration``."""
        return self.rate / special.gammainccinv(self.concentration, q)

    @property
    def mean(self):
        a = self.concentration
        m = self.rate / anp.where(a > 1, a - 1, 1.0)
        return anp.broadcast_to(anp.where(a > 1, m, math.inf), self.batch_shape)

    @property
    def variance(self):
        a = self.concentration
        safe = anp.where(a > 2, a, 3.0)
        v = anp.square(self.rate) / (anp.square(safe - 1) * (safe - 2))
        return anp.broadcast_to(anp.where(a > 2, v, math.inf), self.batch_shape)


class Weibull(Distribution):
    r"""Weibull distribution with ``scale`` :math:`\lambda` and shape ``concentration`` :math:`k`.

    .. math::

        \log p(x \mid \lambda, k) = \log k - \log\lambda + (k - 1)\log\frac{x}{\lambda}
            - \left(\frac{x}{\lambda}\right)^k, \qquad x \ge 0
    """

    arg_constraints = {"scale": constraints.positive, "concentration": constraints.positive}
    support = constraints.positive
    reparametrized_params = ["scale", "concentration"]

    def __init__(self, scale, concentration, *, validate_args=True):
        self.scale, self.concentration = as_param(scale), as_param(concentration)
        super().__init__(broadcast_shape(self.scale, self.concentration), validate_args=validate_args)

    def log_prob(self, value):
        k = self.concentration
        z = value / self.scale
        lp = anp.log(k) - anp.log(self.scale) + special.xlogy(k - 1, z) - anp.power(z, k)
        return mask_outside(lp, value >= 0)

    def sample(self, rng, sample_shape=()):
        shape = self.shape(sample_shape)
        w = as_generator(rng).weibull(np.broadcast_to(concrete(self.concentration), shape), shape)
        return concrete(self.scale) * w

    def cdf(self, value):
        return -anp.expm1(-anp.power(anp.maximum(value, 0.0) / self.scale, self.concentration))

    def icdf(self, q):
        return self.scale * anp.power(-anp.log1p(-q), 1 / self.concentration)

    @property
    def mean(self):
        k = self.concentration
        return anp.broadcast_to(self.scale * anp.exp(special.gammaln(1 + 1 / k)), self.batch_shape)

    @property
    def variance(self):
        k = self.concentration
        g1 = anp.exp(special.gammaln(1 + 1 / k))
        g2 = anp.exp(special.gammaln(1 + 2 / k))
        return anp.broadcast_to(anp.square(self.scale) * (g2 - anp.square(g1)), self.batch_shape)


class Pareto(Distribution):
    r"""Pareto distribution with ``scale`` :math:`x_m` and shape ``alpha`` :math:`\alpha` (NumPyro's order).

    .. math::

        \log p(x) = \log\alpha + \alpha\log x_m - (\alpha + 1)\log x, \qquad x \ge x_m
    """

    arg_constraints = {"scale": constraints.positive, "alpha": constraints.positive}
    reparametrized_params = ["scale", "alpha"]

    def __init__(self, scale, alpha, *, validate_args=True):
        self.scale, self.alpha = as_param(scale), as_param(alpha)
        super().__init__(broadcast_shape(self.scale, self.alpha), validate_args=validate_args)

    @property
    def support(self):
        return constraints.greater_than(self.scale)

    def log_prob(self, value):
        lp = anp.log(self.alpha) + self.alpha * anp.log(self.scale) - (self.alpha + 1) * anp.log(value)
        return mask_outside(lp, value >= self.scale)

    def sample(self, rng, sample_shape=()):
        u = as_generator(rng).random(self.shape(sample_shape))
        return concrete(self.scale) * (1.0 - u) ** (-1.0 / concrete(self.alpha))

    def cdf(self, value):
        inside = value >= self.scale
        x = anp.where(inside, value, self.scale)
        return anp.where(inside, -anp.expm1(self.alpha * anp.log(self.scale / x)), 0.0)

    def icdf(self, q):
        return self.scale * anp.power(1 - q, -1 / self.alpha)

    @property
    def mean(self):
        a = self.alpha
        return anp.broadcast_to(anp.where(a > 1, a * self.scale / anp.where(a > 1, a - 1, 1.0), np.inf),
                                self.batch_shape)

    @property
    def variance(self):
        a = self.alpha
        safe = anp.where(a > 2, a, 3.0)
        v = anp.square(self.scale) * safe / (anp.square(safe - 1) * (safe - 2))
        return anp.broadcast_to(anp.where(a > 2, v, np.inf), self.batch_shape)


class Chi2(Distribution):
    r"""Chi-squared distribution with ``df`` :math:`k` degrees of freedom (a Gamma(k/2, rate 1/2)).

    .. math::

        \log p(x) = (k/2 - 1)\log x - x/2 - (k/2)\log 2 - \log\Gamma(k/2), \qquad x \ge 0
    """

    arg_constraints = {"df": constraints.positive}
    support = constraints.positive
    reparametrized_params = ["df"]

    def __init__(self, df, *, validate_args=True):
        self.df = as_param(df)
        super().__init__(broadcast_shape(self.df), validate_args=validate_args)

    def log_prob(self, value):
        h = 0.5 * self.df
        lp = special.xlogy(h - 1, value) - 0.5 * value - h * math.log(2.0) - special.gammaln(h)
        return mask_outside(lp, value >= 0)

    def sample(self, rng, sample_shape=()):
        return as_generator(rng).chisquare(np.broadcast_to(concrete(self.df), self.shape(sample_shape)))

    def cdf(self, value):
        """Differentiable in ``value``; not in ``df`` (``gammainc``)."""
        return special.gammainc(0.5 * self.df, 0.5 * anp.maximum(value, 0.0))

    def icdf(self, q):
        """``2 gammaincinv(df / 2, q)``: differentiable in ``q`` and (first order) ``df``."""
        return 2 * special.gammaincinv(0.5 * self.df, q)

    @property
    def mean(self):
        return anp.broadcast_to(self.df, self.batch_shape)

    @property
    def variance(self):
        return anp.broadcast_to(2 * self.df, self.batch_shape)
