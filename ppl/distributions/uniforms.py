"""Uniform variants: LogUniform (uniform in log space) and DiscreteUniform (integers low..high)."""

import numpy as np

import autodiff.numpy as anp
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
from ppl.distributions.discrete_quantiles import smallest_k_reaching

__all__ = ["DiscreteUniform", "LogUniform"]


def _check_low_high(name, low, high):
    if is_concrete(low) and is_concrete(high) and not np.all(np.asarray(low) <= np.asarray(high)):
        raise ValueError(f"{name}: low must be <= high, got low={low}, high={high}")


class LogUniform(Distribution):
    r"""Distribution of :math:`e^U` for :math:`U \sim \mathrm{Uniform}(\log l, \log h)` (NumPyro's ``low, high``).

    .. math::

        \log p(x) = -\log x - \log(\log h - \log l), \qquad l \le x \le h

    (scipy's ``loguniform(low, high)``). Mean :math:`(h - l)/\log(h/l)`, variance
    :math:`\tfrac{h^2 - l^2}{2\log(h/l)} - \text{mean}^2`.
    """

    arg_constraints = {"low": constraints.positive, "high": constraints.positive}
    reparametrized_params = ["low", "high"]

    def __init__(self, low, high, *, validate_args=True):
        self.low, self.high = as_param(low), as_param(high)
        super().__init__(broadcast_shape(self.low, self.high), validate_args=validate_args)

    def _validate_extra(self):
        if is_concrete(self.low) and is_concrete(self.high) and not np.all(self.low < self.high):
            raise ValueError(f"LogUniform: low must be < high, got low={self.low}, high={self.high}")

    @property
    def support(self):
        return constraints.interval(self.low, self.high)

    def _log_width(self):
        return anp.log(self.high) - anp.log(self.low)

    def log_prob(self, value):
        inside = (value >= self.low) & (value <= self.high)
        x = anp.where(inside, value, self.low)
        return mask_outside(-anp.log(x) - anp.log(self._log_width()), inside)

    def sample(self, rng, sample_shape=()):
        u = as_generator(rng).uniform(size=self.shape(sample_shape))
        log_low, log_high = np.log(concrete(self.low)), np.log(concrete(self.high))
        return np.exp(log_low + u * (log_high - log_low))

    def cdf(self, value):
        x = anp.clip(value, self.low, self.high)
        return (anp.log(x) - anp.log(self.low)) / self._log_width()

    def icdf(self, q):
        return self.low * anp.exp(q * self._log_width())

    @property
    def mean(self):
        return anp.broadcast_to((self.high - self.low) / self._log_width(), self.batch_shape)

    @property
    def variance(self):
        second = 0.5 * (anp.square(self.high) - anp.square(self.low)) / self._log_width()
        return anp.broadcast_to(second - anp.square(self.mean), self.batch_shape)


class DiscreteUniform(Distribution):
    r"""Uniform over the integers ``low, low + 1, ..., high`` (both included, NumPyro's convention).

    .. math::

        \log p(k) = -\log(h - l + 1), \qquad k \in \{l, \dots, h\}

    (scipy's ``randint(low, high + 1)``). Mean :math:`(l + h)/2`, variance
    :math:`((h - l + 1)^2 - 1)/12`.
    """

    arg_constraints = {"low": constraints.integer, "high": constraints.integer}
    has_enumerate_support = True

    def __init__(self, low=0, high=1, *, validate_args=True):
        self.low, self.high = as_param(low), as_param(high)
        super().__init__(broadcast_shape(self.low, self.high), validate_args=validate_args)

    def _validate_extra(self):
        _check_low_high("DiscreteUniform", self.low, self.high)

    @property
    def support(self):
        return constraints.integer_interval(self.low, self.high)

    def log_prob(self, value):
        lp = -anp.log(self.high - self.low + 1) + anp.zeros(self._value_batch_shape(value))
        return mask_outside(lp, self.support.check(value))

    def sample(self, rng, sample_shape=()):
        shape = self.shape(sample_shape)
        low = np.broadcast_to(concrete(self.low, np.int64), shape)
        high = np.broadcast_to(concrete(self.high, np.int64), shape)
        return as_generator(rng).integers(low, high, endpoint=True, size=shape)

    def cdf(self, value):
        k = anp.floor(value)
        return anp.clip((k - self.low + 1) / (self.high - self.low + 1), 0.0, 1.0)

    def icdf(self, q):
        """``low + ceil(q (high - low + 1)) - 1``, checked on the cdf (scipy's ``randint.ppf``; ``low - 1`` at q = 0)."""
        return smallest_k_reaching(self, q, lambda d, q: d.low + anp.ceil(q * (d.high - d.low + 1)) - 1)

    def enumerate_support(self, expand=True):
        low, high = concrete(self.low, np.int64), concrete(self.high, np.int64)
        if not (np.all(low == low.flat[0]) and np.all(high == high.flat[0])):
            raise NotImplementedError("DiscreteUniform.enumerate_support needs the same low and high in every batch element")
        n = int(high.flat[0] - low.flat[0] + 1)
        values = (low.flat[0] + np.arange(n)).reshape((n,) + (1,) * len(self.batch_shape))
        return np.broadcast_to(values, (n,) + self.batch_shape) if expand else values

    @property
    def mean(self):
        return anp.broadcast_to((self.low + self.high) / 2, self.batch_shape)

    @property
    def variance(self):
        return anp.broadcast_to((anp.square(self.high - self.low + 1) - 1) / 12, self.batch_shape)
