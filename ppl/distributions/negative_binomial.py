"""The negative binomial family with NumPyro's names: NegativeBinomialProbs, NegativeBinomialLogits,
NegativeBinomial2, and the NegativeBinomial factory.

All three count successes :math:`k` before ``total_count`` failures in the (total_count, probs)
reading, i.e. Poisson draws whose rate is Gamma distributed (NumPyro's ``GammaPoisson``):

* ``NegativeBinomialProbs(total_count, probs)``: scipy's ``nbinom(total_count, 1 - probs)``;
  mean ``total_count * probs / (1 - probs)``.
* ``NegativeBinomialLogits(total_count, logits)``: the same with ``probs = expit(logits)``.
* ``NegativeBinomial2(mean, concentration)``: Stan's ``neg_binomial_2``; variance
  ``mean + mean**2 / concentration``; scipy's ``nbinom(concentration, concentration / (concentration + mean))``.
* ``NegativeBinomial(total_count, probs=None, logits=None)`` picks Probs or Logits, as NumPyro's
  does. For code written against numbayes' earlier mean/concentration ``NegativeBinomial``,
  ``NegativeBinomial(mean=..., concentration=...)`` (keywords only) still gives a NegativeBinomial2.
"""

import numpy as np

import autodiff.numpy as anp
from autodiff.scipy import special
from autodiff.scipy.stats import nbinom
from ppl.distributions import constraints
from ppl.distributions.base import Distribution, as_generator, as_param, broadcast_shape, concrete, mask_outside

__all__ = ["NegativeBinomial", "NegativeBinomial2", "NegativeBinomialLogits", "NegativeBinomialProbs"]


def _gamma_poisson(rng, shape, concentration, gamma_scale):
    """Poisson draws whose rate is Gamma(``concentration``, scale ``gamma_scale``): a negative binomial."""
    rng = as_generator(rng)
    rate = rng.standard_gamma(np.broadcast_to(concentration, shape), shape) * gamma_scale
    return rng.poisson(rate)


def _log_count_coefficient(n, k):
    """log Gamma(k + n) - log k! - log Gamma(n): the number of orderings of k successes and n failures."""
    return special.gammaln(k + n) - special.gammaln(k + 1) - special.gammaln(n)


class _NegativeBinomialCounts(Distribution):
    """What the (total_count, probs) forms share: support, sampling and moments in terms of ``probs``."""

    support = constraints.nonnegative_integer

    def _concrete_probs(self):
        if "probs" in self.arg_constraints:
            return concrete(self.probs)
        return 1 / (1 + np.exp(-concrete(self.logits)))

    def sample(self, rng, sample_shape=()):
        p = self._concrete_probs()
        return _gamma_poisson(rng, self.shape(sample_shape), concrete(self.total_count), p / (1 - p))

    def _failure_probs(self):
        """scipy's p, 1 - probs (expit(-logits) for the logits form, without rounding 1 - expit)."""
        return 1 - self.probs if "probs" in self.arg_constraints else special.expit(-self.logits)

    def cdf(self, value):
        """scipy.stats.nbinom.cdf(value, total_count, 1 - probs); differentiable in probs (and total_count to first
        order)."""
        return nbinom.cdf(value, self.total_count, self._failure_probs())

    def icdf(self, q):
        """scipy.stats.nbinom.ppf: the smallest k with cdf(k) >= q (piecewise constant: no gradient)."""
        return nbinom.ppf(q, self.total_count, self._failure_probs())

    @property
    def mean(self):
        p = self.probs
        return anp.broadcast_to(self.total_count * p / (1 - p), self.batch_shape)

    @property
    def variance(self):
        p = self.probs
        return anp.broadcast_to(self.total_count * p / anp.square(1 - p), self.batch_shape)


class NegativeBinomialProbs(_NegativeBinomialCounts):
    r"""Successes before ``total_count`` :math:`n` failures, success probability ``probs`` :math:`p`.

    .. math::

        \log p(k \mid n, p) = \log\Gamma(k + n) - \log k! - \log\Gamma(n) + k\log p + n\log(1 - p)
    """

    arg_constraints = {"total_count": constraints.positive, "probs": constraints.unit_interval}

    def __init__(self, total_count, probs, *, validate_args=True):
        self.total_count, self.probs = as_param(total_count), as_param(probs)
        super().__init__(broadcast_shape(self.total_count, self.probs), validate_args=validate_args)

    @property
    def logits(self):
        return special.logit(self.probs)

    def log_prob(self, value):
        n, p = self.total_count, self.probs
        lp = _log_count_coefficient(n, value) + special.xlogy(value, p) + special.xlog1py(n, -p)
        return mask_outside(lp, constraints.nonnegative_integer.check(value))


class NegativeBinomialLogits(_NegativeBinomialCounts):
    r"""Successes before ``total_count`` :math:`n` failures, success log-odds ``logits`` :math:`\ell`.

    .. math::

        \log p(k \mid n, \ell) = \log\Gamma(k + n) - \log k! - \log\Gamma(n)
            - k\log(1 + e^{-\ell}) - n\log(1 + e^{\ell})
    """

    arg_constraints = {"total_count": constraints.positive, "logits": constraints.real}

    def __init__(self, total_count, logits, *, validate_args=True):
        self.total_count, self.logits = as_param(total_count), as_param(logits)
        super().__init__(broadcast_shape(self.total_count, self.logits), validate_args=validate_args)

    @property
    def probs(self):
        return special.expit(self.logits)

    def log_prob(self, value):
        n, logits = self.total_count, self.logits
        lp = _log_count_coefficient(n, value) - value * special.softplus(-logits) - n * special.softplus(logits)
        return mask_outside(lp, constraints.nonnegative_integer.check(value))

    @property
    def mean(self):
        return anp.broadcast_to(self.total_count * anp.exp(self.logits), self.batch_shape)


class NegativeBinomial2(Distribution):
    r"""Negative binomial with ``mean`` :math:`\mu` and ``concentration`` :math:`\phi` (NumPyro's
    ``NegativeBinomial2``, Stan's ``neg_binomial_2``): a Poisson whose rate is
    Gamma(:math:`\phi`, rate :math:`\phi/\mu`). Variance :math:`\mu + \mu^2/\phi`.

    .. math::

        \log p(k \mid \mu, \phi) = \log\Gamma(k + \phi) - \log k! - \log\Gamma(\phi)
            + \phi\log\phi + k\log\mu - (k + \phi)\log(\mu + \phi)
    """

    arg_constraints = {"mean": constraints.positive, "concentration": constraints.positive}
    support = constraints.nonnegative_integer

    def __init__(self, mean, concentration, *, validate_args=True):
        self._mean, self.concentration = as_param(mean), as_param(concentration)
        super().__init__(broadcast_shape(self._mean, self.concentration), validate_args=validate_args)

    def log_prob(self, value):
        mu, phi = self._mean, self.concentration
        lp = (_log_count_coefficient(phi, value) + phi * anp.log(phi) + special.xlogy(value, mu)
              - (value + phi) * anp.log(mu + phi))
        return mask_outside(lp, constraints.nonnegative_integer.check(value))

    def sample(self, rng, sample_shape=()):
        mu, phi = concrete(self._mean), concrete(self.concentration)
        return _gamma_poisson(rng, self.shape(sample_shape), phi, mu / phi)

    def cdf(self, value):
        """scipy.stats.nbinom.cdf(value, concentration, concentration / (concentration + mean))."""
        phi = self.concentration
        return nbinom.cdf(value, phi, phi / (phi + self._mean))

    def icdf(self, q):
        """scipy.stats.nbinom.ppf: the smallest k with cdf(k) >= q (piecewise constant: no gradient)."""
        phi = self.concentration
        return nbinom.ppf(q, phi, phi / (phi + self._mean))

    @property
    def mean(self):
        return anp.broadcast_to(self._mean, self.batch_shape)

    @property
    def variance(self):
        mu = self._mean
        return anp.broadcast_to(mu + anp.square(mu) / self.concentration, self.batch_shape)


def NegativeBinomial(total_count=None, probs=None, logits=None, *, mean=None, concentration=None,
                     validate_args=True):
    """NumPyro's factory: ``NegativeBinomialProbs`` when ``probs`` is given, ``NegativeBinomialLogits``
    when ``logits`` is. ``mean=`` and ``concentration=`` (keywords, numbayes' earlier form) give a
    ``NegativeBinomial2``."""
    if mean is not None or concentration is not None:
        if total_count is not None or probs is not None or logits is not None:
            raise ValueError("NegativeBinomial: pass either total_count with probs or logits (NumPyro's form) or "
                             "mean= and concentration= (NegativeBinomial2), not both")
        if mean is None or concentration is None:
            raise ValueError("NegativeBinomial: mean= and concentration= go together (NegativeBinomial2)")
        return NegativeBinomial2(mean, concentration, validate_args=validate_args)
    if total_count is None:
        raise TypeError("NegativeBinomial: missing total_count (NumPyro's form: NegativeBinomial(total_count, "
                        "probs=...) or NegativeBinomial(total_count, logits=...))")
    if (probs is None) == (logits is None):
        raise ValueError("NegativeBinomial: pass exactly one of probs or logits")
    if probs is not None:
        return NegativeBinomialProbs(total_count, probs, validate_args=validate_args)
    return NegativeBinomialLogits(total_count, logits, validate_args=validate_args)
