r"""Zero inflation of count distributions: ZeroInflatedDistribution, ZeroInflatedPoisson, ZeroInflatedNegativeBinomial2.

With probability ``gate`` :math:`\pi` the value is a structural 0, otherwise a
draw from ``base_dist``:

.. math::

    p(0) = \pi + (1 - \pi)\,p_{\text{base}}(0), \qquad p(k) = (1 - \pi)\,p_{\text{base}}(k), \; k \ne 0

As in NumPyro, ``ZeroInflatedDistribution(base_dist, gate=...)`` returns a
``ZeroInflatedProbs`` and ``gate_logits=...`` a ``ZeroInflatedLogits``
(:math:`\pi = \sigma(\text{gate\_logits})`, computed in log space).
"""
import numpy as np

import autodiff.numpy as anp
from autodiff.scipy import special
from ppl.distributions import constraints
from ppl.distributions.base import Distribution, as_generator, as_param, broadcast_shape, concrete, mask_outside
from ppl.distributions.discrete import _concrete_probs
from ppl.distributions.negative_binomial import NegativeBinomial2

__all__ = ["ZeroInflatedDistribution", "ZeroInflatedLogits", "ZeroInflatedNegativeBinomial2", "ZeroInflatedPoisson",
           "ZeroInflatedProbs"]


class _ZeroInflatedBase(Distribution):
    """Shared code: ``base_dist`` checks, support, sampling and moments in terms of ``gate``."""

    def __init__(self, base_dist, gate_param, validate_args):
        name = type(self).__name__
        if not isinstance(base_dist, Distribution):
            raise TypeError(f"{name}: base_dist must be a Distribution, got {type(base_dist).__name__}")
        if base_dist.event_shape:
            raise ValueError(f"{name}: base_dist must be univariate, got event_shape {base_dist.event_shape}")
        if not base_dist.is_discrete:
            raise ValueError(
                f"{name}: base_dist must be discrete (a count distribution), got {type(base_dist).__name__}; "
                "a continuous density has no mass at 0 to inflate"
            )
        self.base_dist = base_dist
        super().__init__(broadcast_shape(gate_param, np.empty(base_dist.batch_shape)), validate_args=validate_args)

    @property
    def support(self):
        return self.base_dist.support

    @property
    def family_name(self):
        return type(self).__name__

    def sample(self, rng, sample_shape=()):
        rng = as_generator(rng)
        shape = self.shape(sample_shape)
        draws = self.base_dist.expand(self.batch_shape).sample(rng, sample_shape)
        zero = rng.uniform(size=shape) < _concrete_probs(self._gate_view())
        return np.where(zero, 0, draws)

    @property
    def mean(self):
        return anp.broadcast_to((1 - self.gate) * self.base_dist.mean, self.batch_shape)

    @property
    def variance(self):
        g, m = self.gate, self.base_dist.mean
        second = (1 - g) * (self.base_dist.variance + anp.square(m))
        return anp.broadcast_to(second - anp.square((1 - g) * m), self.batch_shape)


class _GateProbs:
    arg_constraints = {"probs": constraints.unit_interval}

    def __init__(self, probs):
        self.probs = probs


class _GateLogits:
    arg_constraints = {"logits": constraints.real}

    def __init__(self, logits):
        self.logits = logits


class ZeroInflatedProbs(_ZeroInflatedBase):
    r"""Zero-inflated ``base_dist`` with the probability ``gate`` of a structural zero.

    .. math::

        \log p(0) = \log\left(\pi + e^{\log(1 - \pi) + \log p_{\text{base}}(0)}\right), \qquad
        \log p(k) = \log(1 - \pi) + \log p_{\text{base}}(k)
    """

    arg_constraints = {"gate": constraints.unit_interval}

    def __init__(self, base_dist, gate, *, validate_args=True):
        self.gate = as_param(gate)
        super().__init__(base_dist, self.gate, validate_args)

    @property
    def gate_logits(self):
        return special.logit(self.gate)

    def _gate_view(self):
        return _GateProbs(self.gate)

    def log_prob(self, value):
        lp = anp.log1p(-self.gate) + self.base_dist.log_prob(value)
        return anp.where(value == 0, anp.log(self.gate + anp.exp(lp)), lp)


class ZeroInflatedLogits(_ZeroInflatedBase):
    r"""Zero-inflated ``base_dist`` with the log-odds ``gate_logits`` :math:`\ell` of a structural zero.

    .. math::

        \log p(0) = \log\sigma(\ell) + \operatorname{softplus}(\log p_{\text{base}}(0) - \ell), \qquad
        \log p(k) = \log\sigma(\ell) - \ell + \log p_{\text{base}}(k)
    """

    arg_constraints = {"gate_logits": constraints.real}

    def __init__(self, base_dist, gate_logits, *, validate_args=True):
        self.gate_logits = as_param(gate_logits)
        super().__init__(base_dist, self.gate_logits, validate_args)

    @property
    def gate(self):
        return special.expit(self.gate_logits)

    def _gate_view(self):
        return _GateLogits(self.gate_logits)

    def log_prob(self, value):
        log_gate = special.log_expit(self.gate_logits)
        rest = self.base_dist.log_prob(value) - self.gate_logits  # log p_base - log(pi / (1 - pi))
        return anp.where(value == 0, special.softplus(rest) + log_gate, rest + log_gate)


def ZeroInflatedDistribution(base_dist, *, gate=None, gate_logits=None, validate_args=True):
    """Zero-inflated ``base_dist``: ``ZeroInflatedProbs`` if ``gate`` is given, ``ZeroInflatedLogits`` if ``gate_logits``."""
    if (gate is None) == (gate_logits is None):
        raise ValueError("ZeroInflatedDistribution: pass exactly one of gate or gate_logits")
    if gate is not None:
        return ZeroInflatedProbs(base_dist, gate, validate_args=validate_args)
    return ZeroInflatedLogits(base_dist, gate_logits, validate_args=validate_args)


def ZeroInflatedNegativeBinomial2(mean, concentration, *, gate=None, gate_logits=None, validate_args=True):
    """Zero-inflated ``NegativeBinomial2(mean, concentration)`` (NumPyro's signature; Stan's zero-inflated neg_binomial_2)."""
    base = NegativeBinomial2(mean, concentration, validate_args=validate_args)
    return ZeroInflatedDistribution(base, gate=gate, gate_logits=gate_logits, validate_args=validate_args)


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
