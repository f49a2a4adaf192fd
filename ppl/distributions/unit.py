"""Distributions on bounded intervals: Beta and Kumaraswamy on [0, 1], Uniform on [low, high]."""
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
    is_concrete,
    mask_outside,
)

__all__ = ["Beta", "Kumaraswamy", "Uniform"]


class Beta(Distribution):
    r"""Beta distribution with ``concentration1`` :math:`\alpha` and ``concentration0`` :math:`\beta`.

    .. math::

        \log p(x \mid \alpha, \beta) = (\alpha - 1)\log x + (\beta - 1)\log(1 - x) - \log B(\alpha, \beta),
        \qquad 0 \le x \le 1

    (NumPyro's parameter names: ``concentration1`` weights ``x``, ``concentration0`` weights ``1 - x``.)
    """

    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval
    reparametrized_params = ["concentration1", "concentration0"]

    def __init__(self, concentration1, concentration0, *, validate_args=True):
        self.concentration1, self.concentration0 = as_param(concentration1), as_param(concentration0)
        super().__init__(broadcast_shape(self.concentration1, self.concentration0), validate_args=validate_args)

    def log_prob(self, value):
        a, b = self.concentration1, self.concentration0
        lp = special.xlogy(a - 1, value) + special.xlog1py(b - 1, -value) - special.betaln(a, b)
        return mask_outside(lp, (value >= 0) & (value <= 1))

    def sample(self, rng, sample_shape=()):
        shape = self.shape(sample_shape)
        a = np.broadcast_to(concrete(self.concentration1), shape)
        b = np.broadcast_to(concrete(self.concentration0), shape)
        return as_generator(rng).beta(a, b, shape)

    def cdf(self, value):
        """Differentiable in ``value``; not in the concentrations (``betainc``)."""
        return special.betainc(self.concentration1, self.concentration0, anp.clip(value, 0.0, 1.0))

    def icdf(self, q):
        """``betaincinv(concentration1, concentration0, q)``: differentiable in ``q`` and (first order) both concentrations."""
        return special.betaincinv(self.concentration1, self.concentration0, q)

    @property
    def mean(self):
        a, b = self.concentration1, self.concentration0
        return anp.broadcast_to(a / (a + b), self.batch_shape)

    @property
    def variance(self):
        a, b = self.concentration1, self.concentration0
        total = a + b
        return anp.broadcast_to(a * b / (anp.square(total) * (total + 1)), self.batch_shape)


class Uniform(Distribution):
    r"""Uniform distribution on :math:`[l, h]`.

    .. math::

        \log p(x \mid l, h) = -\log(h - l), \qquad l \le x \le h

    ``low`` and ``high`` may be traced (e.g. latent); the support is then
    ``interval(low, high)`` with traced bounds, and the default bijector maps
    onto it.
    """

    arg_constraints = {"low": constraints.dependent, "high": constraints.dependent}
    reparametrized_params = ["low", "high"]

    def __init__(self, low=0.0, high=1.0, *, validate_args=True):
        self.low, self.high = as_param(low), as_param(high)
        super().__init__(broadcast_shape(self.low, self.high), validate_args=validate_args)

    def _validate_extra(self):
        for name in ("low", "high"):
            value = getattr(self, name)
            if is_concrete(value) and not np.all(np.isfinite(value)):
                raise ValueError(f"Uniform: {name} must be finite, got {value}")
        if is_concrete(self.low) and is_concrete(self.high) and not np.all(self.low < self.high):
            raise ValueError(f"Uniform: low must be < high, got low={self.low}, high={self.high}")

    @property
    def support(self):
        return constraints.interval(self.low, self.high)

    def log_prob(self, value):
        lp = -anp.log(self.high - self.low)
        return mask_outside(lp, (value >= self.low) & (value <= self.high))

    def sample(self, rng, sample_shape=()):
        low, high = concrete(self.low), concrete(self.high)
        return low + (high - low) * as_generator(rng).uniform(size=self.shape(sample_shape))

    def cdf(self, value):
        return anp.clip((value - self.low) / (self.high - self.low), 0.0, 1.0)

    def icdf(self, q):
        return self.low + q * (self.high - self.low)

    @property
    def mean(self):
        return anp.broadcast_to((self.low + self.high) / 2, self.batch_shape)

    @property
    def variance(self):
        return anp.broadcast_to(anp.square(self.high - self.low) / 12, self.batch_shape)


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
