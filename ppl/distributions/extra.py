"""More families with NumPyro's names: Gumbel, Pareto, Chi2, Kumaraswamy, BetaBinomial, ZeroInflatedPoisson.

Each log_prob is fully normalised and matches scipy.stats (see tests/ppl/test_distributions_extra.py).
"""
import math

import numpy as np

import autodiff.numpy as anp
from autodiff.scipy import special
from autodiff.scipy.stats import betabinom
from ppl.distributions import constraints
from ppl.distributions.base import Distribution, as_generator, as_param, broadcast_shape, concrete, mask_outside
from ppl.distributions.discrete_quantiles import normal_guess, smallest_k_reaching

__all__ = ["BetaBinomial", "Chi2", "Gumbel", "Kumaraswamy", "Pareto", "ZeroInflatedPoisson"]

_EULER = 0.5772156649015329


class Gumbel(Distribution):
    r"""Gumbel (maximum) distribution with ``loc`` :math:`\mu` and ``scale`` :math:`\beta`.

    .. math::

        \log p(x) = -\log\beta - z - e^{-z}, \qquad z = (x - \mu)/\beta
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    reparametrized_params = ["loc", "scale"]

    def __init__(self, loc=0.0, scale=1.0, *, validate_args=True):
        self.loc, self.scale = as_param(loc), as_param(scale)
        super().__init__(broadcast_shape(self.loc, self.scale), validate_args=validate_args)

    def log_prob(self, value):
        z = (value - self.loc) / self.scale
        return -anp.log(self.scale) - z - anp.exp(-z)

    def sample(self, rng, sample_shape=()):
        return concrete(self.loc) + concrete(self.scale) * as_generator(rng).gumbel(size=self.shape(sample_shape))

    def cdf(self, value):
        return anp.exp(-anp.exp(-(value - self.loc) / self.scale))

    def icdf(self, q):
        return self.loc - self.scale * anp.log(-anp.log(q))

    @property
    def mean(self):
        return anp.broadcast_to(self.loc + self.scale * _EULER, self.batch_shape)

    @property
    def variance(self):
        return anp.broadcast_to(math.pi ** 2 / 6 * anp.square(self.scale), self.batch_shape)


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


class Kumaraswamy(Distribution):
    r"""Kumaraswamy distribution on (0, 1) with ``concentration1`` :math:`a` and ``concentration0`` :math:`b`.

    .. math::

        \log p(x) = \log a + \log b + (a - 1)\log x + (b - 1)\log(1 - x^a)
    """

    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval
    reparametrized_params = ["concentration1", "concentration0"]

    def __init__(self, concentration1, concentration0, *, validate_args=True):
        self.concentration1, self.concentration0 = as_param(concentration1), as_param(concentration0)
        super().__init__(broadcast_shape(self.concentration1, self.concentration0), validate_args=validate_args)

    def log_prob(self, value):
        a, b = self.concentration1, self.concentration0
        inside = (value >= 0) & (value <= 1)
        x = anp.where(inside, value, 0.5)
        lp = anp.log(a) + anp.log(b) + special.xlogy(a - 1, x) + special.xlog1py(b - 1, -(x ** a))
        return mask_outside(lp, inside)

    def sample(self, rng, sample_shape=()):
        u = as_generator(rng).random(self.shape(sample_shape))
        return (1.0 - (1.0 - u) ** (1.0 / concrete(self.concentration0))) ** (1.0 / concrete(self.concentration1))

    def cdf(self, value):
        x = anp.clip(value, 0.0, 1.0)
        return -anp.expm1(self.concentration0 * anp.log1p(-anp.power(x, self.concentration1)))

    def icdf(self, q):
        return anp.power(-anp.expm1(anp.log1p(-q) / self.concentration0), 1 / self.concentration1)

    @property
    def mean(self):
        a, b = self.concentration1, self.concentration0
        return anp.broadcast_to(anp.exp(anp.log(b) + special.betaln(1 + 1 / a, b)), self.batch_shape)

    @property
    def variance(self):
        a, b = self.concentration1, self.concentration0
        m2 = anp.exp(anp.log(b) + special.betaln(1 + 2 / a, b))
        return anp.broadcast_to(m2 - anp.square(self.mean), self.batch_shape)


class BetaBinomial(Distribution):
    r"""Beta-binomial: ``total_count`` :math:`n` trials with success probability drawn from
    Beta(``concentration1`` :math:`\alpha`, ``concentration0`` :math:`\beta`) (NumPyro's order).

    .. math::

        \log p(k) = \log\binom{n}{k} + \log B(k + \alpha, n - k + \beta) - \log B(\alpha, \beta)
    """

    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive,
                       "total_count": constraints.nonnegative_integer}

    def __init__(self, concentration1, concentration0, total_count=1, *, validate_args=True):
        self.concentration1, self.concentration0 = as_param(concentration1), as_param(concentration0)
        self.total_count = as_param(total_count)
        super().__init__(broadcast_shape(self.concentration1, self.concentration0, self.total_count),
                         validate_args=validate_args)

    @property
    def support(self):
        return constraints.integer_interval(0, self.total_count)

    def log_prob(self, value):
        a, b, n = self.concentration1, self.concentration0, self.total_count
        inside = (value >= 0) & (value <= n) & (anp.floor(value) == value)
        k = anp.where(inside, value, 0.0)
        log_binom = special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
        lp = log_binom + special.betaln(k + a, n - k + b) - special.betaln(a, b)
        return mask_outside(lp, inside)

    def sample(self, rng, sample_shape=()):
        rng = as_generator(rng)
        shape = self.shape(sample_shape)
        p = rng.beta(np.broadcast_to(concrete(self.concentration1), shape),
                     np.broadcast_to(concrete(self.concentration0), shape))
        return rng.binomial(np.broadcast_to(concrete(self.total_count), shape).astype(np.int64), p).astype(float)

    def cdf(self, value):
        """The pmf summed over ``0..floor(value)`` (``scipy.stats.betabinom.cdf``; ``total_count`` concrete)."""
        return betabinom.cdf(value, self.total_count, self.concentration1, self.concentration0)

    def icdf(self, q):
        """The smallest ``k`` with ``cdf(k) >= q`` (scipy's ``betabinom.ppf``), from a normal guess."""
        return smallest_k_reaching(self, q, lambda d, q: normal_guess(q, d.mean, anp.sqrt(d.variance)))

    @property
    def mean(self):
        a, b = self.concentration1, self.concentration0
        return anp.broadcast_to(self.total_count * a / (a + b), self.batch_shape)

    @property
    def variance(self):
        a, b, n = self.concentration1, self.concentration0, self.total_count
        return anp.broadcast_to(n * a * b * (a + b + n) / (anp.square(a + b) * (a + b + 1)), self.batch_shape)


class ZeroInflatedPoisson(Distribution):
    r"""Poisson(``rate``) with extra zeros: with probability ``gate`` :math:`\pi` the value is 0.

    .. math::

        p(0) = \pi + (1 - \pi) e^{-\lambda}, \qquad p(k) = (1 - \pi)\,\mathrm{Poisson}(k \mid \lambda), \; k > 0
    """

    arg_constraints = {"gate": constraints.unit_interval, "rate": constraints.positive}
    support = constraints.nonnegative_integer

    def __init__(self, gate, rate, *, validate_args=True):
        self.gate, self.rate = as_param(gate), as_param(rate)
        super().__init__(broadcast_shape(self.gate, self.rate), validate_args=validate_args)

    def log_prob(self, value):
        pois = special.xlogy(value, self.rate) - self.rate - special.gammaln(value + 1)
        zero = anp.logaddexp(anp.log(self.gate), anp.log1p(-self.gate) - self.rate)
        lp = anp.where(value == 0, zero, anp.log1p(-self.gate) + pois)
        return mask_outside(lp, constraints.nonnegative_integer.check(value))

    def sample(self, rng, sample_shape=()):
        rng = as_generator(rng)
        shape = self.shape(sample_shape)
        counts = rng.poisson(np.broadcast_to(concrete(self.rate), shape), shape)
        return np.where(rng.random(shape) < concrete(self.gate), 0, counts).astype(float)

    @property
    def mean(self):
        return anp.broadcast_to((1 - self.gate) * self.rate, self.batch_shape)

    @property
    def variance(self):
        g, r = self.gate, self.rate
        return anp.broadcast_to((1 - g) * r * (1 + g * r), self.batch_shape)
