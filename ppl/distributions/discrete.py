"""Scalar count distributions: Bernoulli, Binomial, Poisson, Geometric.

As in NumPyro, families parametrised by probabilities come as a ``...Probs``
and a ``...Logits`` class, and a factory of the family's name picks one:
``Bernoulli(probs=0.3)`` is a ``BernoulliProbs``, ``Bernoulli(logits=-1.0)`` a
``BernoulliLogits``. Log-mass functions are -inf off the support (non-integer
or out-of-range values), as scipy's ``logpmf``. Categorical and Multinomial
live in ``categorical.py``, the negative binomials in ``negative_binomial.py``.
"""

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
from ppl.distributions.discrete_quantiles import normal_guess, smallest_k_reaching

__all__ = [
    "Bernoulli",
    "BernoulliLogits",
    "BernoulliProbs",
    "Binomial",
    "BinomialLogits",
    "BinomialProbs",
    "Geometric",
    "GeometricLogits",
    "GeometricProbs",
    "Poisson",
]


def _softplus(x):
    return special.softplus(x)


def _is_integer(x):
    return anp.floor(x) == x


def _pick(name, probs, logits):
    if (probs is None) == (logits is None):
        raise ValueError(f"{name}: pass exactly one of probs or logits")
    return probs is not None


def _concrete_probs(dist):
    """The success probabilities of a ``...Probs`` or ``...Logits`` distribution as numpy, for sampling."""
    if "probs" in dist.arg_constraints:
        return concrete(dist.probs)
    return 1 / (1 + np.exp(-concrete(dist.logits)))


def _enumerate(n, batch_shape, expand):
    values = np.arange(n).reshape((n,) + (1,) * len(batch_shape))
    return np.broadcast_to(values, (n,) + batch_shape) if expand else values


# ---------------------------------------------------------------------------
# Bernoulli


class _BernoulliBase(Distribution):
    """What BernoulliProbs and BernoulliLogits share: the support, sampling and moments in terms of ``probs``."""

    support = constraints.boolean
    has_enumerate_support = True

    def sample(self, rng, sample_shape=()):
        shape = self.shape(sample_shape)
        return (as_generator(rng).uniform(size=shape) < _concrete_probs(self)).astype(np.int64)

    def cdf(self, value):
        return anp.where(value < 0, 0.0, anp.where(value < 1, 1 - self.probs, 1.0))

    def icdf(self, q):
        """0 where ``q <= 1 - probs``, else 1 (scipy's ``bernoulli.ppf``; -1 at q = 0)."""
        return smallest_k_reaching(self, q, lambda d, q: anp.where(q > 1 - d.probs, 1.0, 0.0))

    @property
    def mean(self):
        return anp.broadcast_to(self.probs, self.batch_shape)

    @property
    def variance(self):
        p = self.probs
        return anp.broadcast_to(p * (1 - p), self.batch_shape)

    def enumerate_support(self, expand=True):
        return _enumerate(2, self.batch_shape, expand)


class BernoulliProbs(_BernoulliBase):
    r"""Bernoulli distribution with success probability ``probs`` :math:`p`.

    .. math::

        \log p(x \mid p) = x\log p + (1 - x)\log(1 - p), \qquad x \in \{0, 1\}
    """

    arg_constraints = {"probs": constraints.unit_interval}

    def __init__(self, probs, *, validate_args=True):
        self.probs = as_param(probs)
        super().__init__(broadcast_shape(self.probs), validate_args=validate_args)

    @property
    def logits(self):
        return special.logit(self.probs)

    def log_prob(self, value):
        p = self.probs
        lp = special.xlogy(value, p) + special.xlog1py(1 - value, -p)
        return mask_outside(lp, constraints.boolean.check(value))


class BernoulliLogits(_BernoulliBase):
    r"""Bernoulli distribution with log-odds ``logits`` :math:`\ell`.

    .. math::

        \log p(x \mid \ell) = x\ell - \log(1 + e^{\ell}), \qquad x \in \{0, 1\}
    """

    arg_constraints = {"logits": constraints.real}

    def __init__(self, logits, *, validate_args=True):
        self.logits = as_param(logits)
        super().__init__(broadcast_shape(self.logits), validate_args=validate_args)

    @property
    def probs(self):
        return special.expit(self.logits)

    def log_prob(self, value):
        lp = value * self.logits - _softplus(self.logits)
        return mask_outside(lp, constraints.boolean.check(value))


def Bernoulli(probs=None, logits=None, *, validate_args=True):
    """Bernoulli distribution: ``BernoulliProbs`` if ``probs`` is given, ``BernoulliLogits`` if ``logits``."""
    if _pick("Bernoulli", probs, logits):
        return BernoulliProbs(probs, validate_args=validate_args)
    return BernoulliLogits(logits, validate_args=validate_args)


# ---------------------------------------------------------------------------
# Binomial


def _log_binom(n, k):
    return special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)


class _BinomialBase(Distribution):
    """What BinomialProbs and BinomialLogits share: the support, sampling and moments in terms of ``probs``."""

    @property
    def support(self):
        return constraints.integer_interval(0, self.total_count)

    def sample(self, rng, sample_shape=()):
        shape = self.shape(sample_shape)
        n = np.broadcast_to(concrete(self.total_count, np.int64), shape)
        return as_generator(rng).binomial(n, np.broadcast_to(_concrete_probs(self), shape), shape)

    def cdf(self, value):
        """``betainc(n - k, k + 1, 1 - p)`` at ``k = floor(value)``; differentiable in ``probs``/``logits``."""
        n = self.total_count
        inside = (value >= 0) & (value < n)
        k = anp.where(inside, anp.floor(value), 0.0)
        below = special.betainc(anp.where(inside, n - k, 1.0), k + 1, 1 - self.probs)
        return anp.where(inside, below, anp.where(value < 0, 0.0, 1.0))

    def icdf(self, q):
        """The smallest ``k`` with ``cdf(k) >= q`` (scipy's ``binom.ppf``), from a Cornish-Fisher guess."""
        def guess(d, q):
            n, p = d.total_count, d.probs
            return normal_guess(q, n * p, anp.sqrt(n * p * (1 - p)), 1 - 2 * p)
        return smallest_k_reaching(self, q, guess)

    @property
    def mean(self):
        return anp.broadcast_to(self.total_count * self.probs, self.batch_shape)

    @property
    def variance(self):
        p = self.probs
        return anp.broadcast_to(self.total_count * p * (1 - p), self.batch_shape)


class BinomialProbs(_BinomialBase):
    r"""Number of successes in ``total_count`` :math:`n` Bernoulli(``probs``) trials.

    .. math::

        \log p(k \mid n, p) = \log\binom{n}{k} + k\log p + (n - k)\log(1 - p), \qquad k \in \{0, \dots, n\}
    """

    arg_constraints = {"total_count": constraints.nonnegative_integer, "probs": constraints.unit_interval}

    def __init__(self, probs, total_count=1, *, validate_args=True):
        self.probs, self.total_count = as_param(probs), as_param(total_count)
        super().__init__(broadcast_shape(self.probs, self.total_count), validate_args=validate_args)

    @property
    def logits(self):
        return special.logit(self.probs)

    def log_prob(self, value):
        n, p = self.total_count, self.probs
        lp = _log_binom(n, value) + special.xlogy(value, p) + special.xlog1py(n - value, -p)
        return mask_outside(lp, self.support.check(value))


class BinomialLogits(_BinomialBase):
    r"""Binomial distribution with log-odds ``logits`` :math:`\ell`.

    .. math::

        \log p(k \mid n, \ell) = \log\binom{n}{k} + k\ell - n\log(1 + e^{\ell})
    """

    arg_constraints = {"total_count": constraints.nonnegative_integer, "logits": constraints.real}

    def __init__(self, logits, total_count=1, *, validate_args=True):
        self.logits, self.total_count = as_param(logits), as_param(total_count)
        super().__init__(broadcast_shape(self.logits, self.total_count), validate_args=validate_args)

    @property
    def probs(self):
        return special.expit(self.logits)

    def log_prob(self, value):
        n = self.total_count
        lp = _log_binom(n, value) + value * self.logits - n * _softplus(self.logits)
        return mask_outside(lp, self.support.check(value))


def Binomial(total_count=1, probs=None, logits=None, *, validate_args=True):
    """Binomial distribution: ``BinomialProbs`` if ``probs`` is given, ``BinomialLogits`` if ``logits``."""
    if _pick("Binomial", probs, logits):
        return BinomialProbs(probs, total_count, validate_args=validate_args)
    return BinomialLogits(logits, total_count, validate_args=validate_args)


# ---------------------------------------------------------------------------
# Poisson


class Poisson(Distribution):
    r"""Poisson distribution with ``rate`` :math:`\lambda`.

    .. math::

        \log p(k \mid \lambda) = k\log\lambda - \lambda - \log k!, \qquad k \in \{0, 1, \dots\}

    ``rate = 0`` is allowed (a point mass at 0), as in scipy.
    """

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate, *, validate_args=True):
        self.rate = as_param(rate)
        super().__init__(broadcast_shape(self.rate), validate_args=validate_args)

    def log_prob(self, value):
        lp = special.xlogy(value, self.rate) - self.rate - special.gammaln(value + 1)
        return mask_outside(lp, constraints.nonnegative_integer.check(value))

    def sample(self, rng, sample_shape=()):
        shape = self.shape(sample_shape)
        return as_generator(rng).poisson(np.broadcast_to(concrete(self.rate), shape), shape)

    def cdf(self, value):
        """``gammaincc(floor(k) + 1, rate)``; differentiable in ``rate``."""
        k = anp.floor(anp.maximum(value, 0.0))
        return anp.where(value < 0, 0.0, special.gammaincc(k + 1, self.rate))

    def icdf(self, q):
        """The smallest ``k`` with ``cdf(k) >= q`` (scipy's ``poisson.ppf``), from a Cornish-Fisher guess."""
        return smallest_k_reaching(self, q, lambda d, q: normal_guess(q, d.rate, anp.sqrt(d.rate), 1.0))

    @property
    def mean(self):
        return anp.broadcast_to(self.rate, self.batch_shape)

    @property
    def variance(self):
        return anp.broadcast_to(self.rate, self.batch_shape)


# ---------------------------------------------------------------------------
# Geometric


class _GeometricBase(Distribution):
    """What GeometricProbs and GeometricLogits share: the support, sampling and variance in terms of ``probs``."""

    support = constraints.nonnegative_integer

    def sample(self, rng, sample_shape=()):
        shape = self.shape(sample_shape)
        return as_generator(rng).geometric(np.broadcast_to(_concrete_probs(self), shape), shape) - 1

    def cdf(self, value):
        k = anp.floor(anp.maximum(value, 0.0))
        return anp.where(value < 0, 0.0, -anp.expm1((k + 1) * anp.log1p(-self.probs)))

    def icdf(self, q):
        """The smallest ``k`` with ``cdf(k) >= q``: ``log1p(-q) / log1p(-probs) - 1`` rounded up, checked on the cdf."""
        return smallest_k_reaching(self, q, lambda d, q: anp.ceil(anp.log1p(-q) / anp.log1p(-d.probs)) - 1.0)

    @property
    def variance(self):
        p = self.probs
        return anp.broadcast_to((1 - p) / anp.square(p), self.batch_shape)


class GeometricProbs(_GeometricBase):
    r"""Number of failures before the first success, success probability ``probs`` :math:`p`.

    .. math::

        \log p(k \mid p) = k\log(1 - p) + \log p, \qquad k \in \{0, 1, \dots\}

    (scipy's ``geom`` counts trials: ``geom.logpmf(k + 1, p)``.)
    """

    arg_constraints = {"probs": constraints.unit_interval}

    def __init__(self, probs, *, validate_args=True):
        self.probs = as_param(probs)
        super().__init__(broadcast_shape(self.probs), validate_args=validate_args)

    @property
    def logits(self):
        return special.logit(self.probs)

    def log_prob(self, value):
        lp = special.xlog1py(value, -self.probs) + anp.log(self.probs)
        return mask_outside(lp, constraints.nonnegative_integer.check(value))

    @property
    def mean(self):
        p = self.probs
        return anp.broadcast_to((1 - p) / p, self.batch_shape)


class GeometricLogits(_GeometricBase):
    r"""Geometric distribution (failures before the first success) with log-odds ``logits`` :math:`\ell`.

    .. math::

        \log p(k \mid \ell) = -k\log(1 + e^{\ell}) - \log(1 + e^{-\ell})
    """

    arg_constraints = {"logits": constraints.real}

    def __init__(self, logits, *, validate_args=True):
        self.logits = as_param(logits)
        super().__init__(broadcast_shape(self.logits), validate_args=validate_args)

    @property
    def probs(self):
        return special.expit(self.logits)

    def log_prob(self, value):
        lp = -value * _softplus(self.logits) - _softplus(-self.logits)
        return mask_outside(lp, constraints.nonnegative_integer.check(value))

    @property
    def mean(self):
        return anp.broadcast_to(anp.exp(-self.logits), self.batch_shape)


def Geometric(probs=None, logits=None, *, validate_args=True):
    """Geometric distribution (failures before the first success): ``GeometricProbs`` or ``GeometricLogits``."""
    if _pick("Geometric", probs, logits):
        return GeometricProbs(probs, validate_args=validate_args)
    return GeometricLogits(logits, validate_args=validate_args)
