"""Compound (conjugate) count families: BetaBinomial, DirichletMultinomial and GammaPoisson (NumPyro's ``conjugate.py``)."""
import numpy as np

import autodiff.numpy as anp
from autodiff.scipy import special
from autodiff.scipy.stats import betabinom, nbinom
from ppl.distributions import constraints
from ppl.distributions.base import (
    Distribution,
    as_generator,
    as_param,
    broadcast_shape,
    concrete,
    mask_outside,
    shape_of,
)
from ppl.distributions.discrete_quantiles import normal_guess, smallest_k_reaching

__all__ = ["BetaBinomial", "DirichletMultinomial", "GammaPoisson"]


class DirichletMultinomial(Distribution):
    r"""Counts of ``total_count`` :math:`n` draws whose category probabilities are Dirichlet(``concentration`` :math:`\alpha`).

    .. math::

        \log p(x) = \log n! + \log\Gamma(\alpha_0) - \log\Gamma(n + \alpha_0)
            + \sum_k \left[\log\Gamma(x_k + \alpha_k) - \log\Gamma(\alpha_k) - \log x_k!\right],
        \qquad \alpha_0 = \sum_k \alpha_k, \; \sum_k x_k = n

    (scipy's ``dirichlet_multinomial(alpha, n)``). Mean :math:`n\alpha/\alpha_0`,
    variance :math:`n p_k (1 - p_k)(n + \alpha_0)/(1 + \alpha_0)`, :math:`p = \alpha/\alpha_0`.
    """

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1),
                       "total_count": constraints.nonnegative_integer}

    def __init__(self, concentration, total_count=1, *, validate_args=True):
        self.concentration, self.total_count = as_param(concentration), as_param(total_count)
        shape = shape_of(self.concentration)
        if len(shape) < 1:
            raise ValueError(f"DirichletMultinomial: concentration must have at least one dimension, got shape {shape}")
        batch = tuple(anp.broadcast_shapes(shape[:-1], shape_of(self.total_count)))
        super().__init__(batch, shape[-1:], validate_args=validate_args)

    @property
    def support(self):
        return constraints.multinomial(self.total_count)

    def log_prob(self, value):
        a, n = self.concentration, self.total_count
        a0 = anp.sum(a, axis=-1)
        lp = (special.gammaln(n + 1) + special.gammaln(a0) - special.gammaln(n + a0)
              + anp.sum(special.gammaln(value + a) - special.gammaln(a) - special.gammaln(value + 1), axis=-1))
        return mask_outside(lp, self.support.check(value))

    def sample(self, rng, sample_shape=()):
        rng = as_generator(rng)
        shape = tuple(sample_shape) + self.batch_shape
        a = np.broadcast_to(concrete(self.concentration), shape + self.event_shape)
        g = rng.standard_gamma(a)
        # all-zero gamma rows (tiny concentrations) fall back to a uniform choice instead of nan
        total = g.sum(-1, keepdims=True)
        p = np.where(total > 0, g / np.where(total > 0, total, 1.0), 1.0 / a.shape[-1])
        n = np.broadcast_to(concrete(self.total_count, np.int64), shape)
        return rng.multinomial(n, p / p.sum(-1, keepdims=True))

    @property
    def mean(self):
        a = self.concentration
        p = a / anp.sum(a, axis=-1, keepdims=True)
        return anp.broadcast_to(anp.expand_dims(self.total_count, -1) * p, self.batch_shape + self.event_shape)

    @property
    def variance(self):
        a = self.concentration
        a0 = anp.sum(a, axis=-1, keepdims=True)
        p = a / a0
        n = anp.expand_dims(self.total_count, -1)
        return anp.broadcast_to(n * p * (1 - p) * (n + a0) / (1 + a0), self.batch_shape + self.event_shape)


class GammaPoisson(Distribution):
    r"""Poisson counts whose rate is Gamma(``concentration`` :math:`\alpha`, ``rate`` :math:`\beta`) distributed.

    .. math::

        \log p(k) = \log\Gamma(k + \alpha) - \log\Gamma(\alpha) - \log k!
            + \alpha\log\beta - (k + \alpha)\log(1 + \beta)

    A negative binomial: scipy's ``nbinom(alpha, beta / (1 + beta))``. Mean
    :math:`\alpha/\beta`, variance :math:`\alpha(1 + \beta)/\beta^2`.
    """

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative_integer

    def __init__(self, concentration, rate=1.0, *, validate_args=True):
        self.concentration, self.rate = as_param(concentration), as_param(rate)
        super().__init__(broadcast_shape(self.concentration, self.rate), validate_args=validate_args)

    def log_prob(self, value):
        a, b = self.concentration, self.rate
        lp = (special.gammaln(value + a) - special.gammaln(a) - special.gammaln(value + 1)
              + a * anp.log(b) - (value + a) * anp.log1p(b))
        return mask_outside(lp, constraints.nonnegative_integer.check(value))

    def sample(self, rng, sample_shape=()):
        rng = as_generator(rng)
        shape = self.shape(sample_shape)
        rate = rng.standard_gamma(np.broadcast_to(concrete(self.concentration), shape)) / concrete(self.rate)
        return rng.poisson(rate)

    def cdf(self, value):
        """scipy.stats.nbinom.cdf(value, concentration, rate / (1 + rate))."""
        return nbinom.cdf(value, self.concentration, self.rate / (1 + self.rate))

    def icdf(self, q):
        """scipy.stats.nbinom.ppf: the smallest k with cdf(k) >= q (piecewise constant: no gradient)."""
        return nbinom.ppf(q, self.concentration, self.rate / (1 + self.rate))

    @property
    def mean(self):
        return anp.broadcast_to(self.concentration / self.rate, self.batch_shape)

    @property
    def variance(self):
        b = self.rate
        return anp.broadcast_to(self.concentration * (1 + b) / anp.square(b), self.batch_shape)


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
