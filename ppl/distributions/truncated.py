r"""TruncatedDistribution: any continuous univariate with a ``cdf`` restricted to ``[low, high]``.

.. math::

    \log p(x) = \log p_{\text{base}}(x) - \log\left(F(h) - F(l)\right), \qquad l \le x \le h

with :math:`F(l) = 0` when ``low`` is None and :math:`F(h) = 1` when ``high``
is None (NumPyro's ``TruncatedDistribution(base_dist, low=None, high=None)``).
Sampling inverts the CDF, so it needs the base's ``icdf``. :math:`F(h) - F(l)`
is formed directly, so a truncation far in one tail (mass below ~1e-10) loses
digits; ``TruncatedNormal`` works in log space there. Gradients with respect
to a shape parameter (e.g. ``Gamma`` ``concentration``) need a CDF that is
differentiable in it; ``gammainc``/``betainc``/``stdtr`` are not, and say so.
"""

import math

import numpy as np

import autodiff.numpy as anp
from ppl.distributions import constraints
from ppl.distributions.base import Distribution, as_generator, as_param, broadcast_shape, concrete, is_concrete
from ppl.distributions.real import Cauchy

__all__ = [
    "LeftTruncatedDistribution",
    "RightTruncatedDistribution",
    "TruncatedCauchy",
    "TruncatedDistribution",
    "TwoSidedTruncatedDistribution",
]


def _support_bounds(support):
    """(lower, upper) of a univariate support; None where unbounded."""
    lower = getattr(support, "lower_bound", None)
    upper = getattr(support, "upper_bound", None)
    return lower, upper


class TruncatedDistribution(Distribution):
    """``base_dist`` conditioned on ``low <= x <= high`` (see the module docstring).

    ``mean`` and ``variance`` are computed by quadrature (``scipy.integrate.quad``)
    for concrete parameters; they are not differentiable.
    """

    arg_constraints = {"low": constraints.dependent, "high": constraints.dependent}

    def __init__(self, base_dist, low=None, high=None, *, validate_args=True):
        name = type(self).__name__
        if not isinstance(base_dist, Distribution):
            raise TypeError(f"{name}: base_dist must be a Distribution, got {type(base_dist).__name__}")
        if base_dist.event_shape or base_dist.is_discrete:
            raise ValueError(f"{name}: base_dist must be a continuous univariate distribution, got {base_dist!r}")
        if not hasattr(base_dist, "cdf"):
            raise ValueError(f"{name}: {type(base_dist).__name__} has no cdf, so it cannot be truncated")
        if low is None and high is None:
            raise ValueError(f"{name}: pass low, high or both")
        self.base_dist = base_dist
        self.low = None if low is None else as_param(low)
        self.high = None if high is None else as_param(high)
        bounds = [b for b in (self.low, self.high) if b is not None]
        super().__init__(broadcast_shape(np.empty(base_dist.batch_shape), *bounds), validate_args=validate_args)

    def _validate_extra(self):
        low, high = self.low, self.high
        if is_concrete(low) and is_concrete(high) and not np.all(low < high):
            raise ValueError(f"TruncatedDistribution: low must be < high, got low={low}, high={high}")

    @property
    def family_name(self):
        return type(self).__name__

    def _bounds(self):
        """The truncation interval intersected with the base support (None: unbounded)."""
        base_low, base_high = _support_bounds(self.base_dist.support)
        low = self.low if self.low is not None else base_low
        high = self.high if self.high is not None else base_high
        return low, high

    @property
    def support(self):
        low, high = self._bounds()
        if high is None:
            return constraints.greater_than(low)
        if low is None:
            return constraints.less_than(high)
        return constraints.interval(low, high)

    def _cdf_at_bounds(self):
        cdf_low = 0.0 if self.low is None else self.base_dist.cdf(self.low)
        cdf_high = 1.0 if self.high is None else self.base_dist.cdf(self.high)
        return cdf_low, cdf_high

    def log_prob(self, value):
        cdf_low, cdf_high = self._cdf_at_bounds()
        lp = self.base_dist.log_prob(value) - anp.log(cdf_high - cdf_low)
        ok = None
        if self.low is not None:
            ok = value >= self.low
        if self.high is not None:
            ok = value <= self.high if ok is None else ok & (value <= self.high)
        return anp.where(ok, lp, -math.inf)

    def cdf(self, value):
        cdf_low, cdf_high = self._cdf_at_bounds()
        return anp.clip((self.base_dist.cdf(value) - cdf_low) / (cdf_high - cdf_low), 0.0, 1.0)

    def icdf(self, q):
        cdf_low, cdf_high = self._cdf_at_bounds()
        return self.base_dist.icdf(cdf_low + q * (cdf_high - cdf_low))

    def sample(self, rng, sample_shape=()):
        if not hasattr(self.base_dist, "icdf"):
            raise NotImplementedError(f"TruncatedDistribution: sampling needs {type(self.base_dist).__name__}.icdf")
        u = as_generator(rng).uniform(size=self.shape(sample_shape))
        x = np.asarray(self.icdf(u), dtype=float)
        low, high = self._bounds()
        return np.clip(x, -np.inf if low is None else concrete(low), np.inf if high is None else concrete(high))

    def _moment(self, k):
        low, high = self._bounds()
        lo = -np.inf if low is None else np.broadcast_to(concrete(low), self.batch_shape)
        hi = np.inf if high is None else np.broadcast_to(concrete(high), self.batch_shape)
        from scipy import integrate  # 0.14 s of `import ppl` if imported with the module; needed only here

        out = np.empty(self.batch_shape)
        for idx in np.ndindex(*self.batch_shape):
            a = lo if np.ndim(lo) == 0 else lo[idx]
            b = hi if np.ndim(hi) == 0 else hi[idx]

            def density(x, idx=idx):
                return x**k * math.exp(np.broadcast_to(self.log_prob(x), self.batch_shape)[idx])

            out[idx] = integrate.quad(density, float(a), float(b), limit=200)[0]
        return out

    @property
    def mean(self):
        return self._moment(1)

    @property
    def variance(self):
        return self._moment(2) - np.square(self._moment(1))


def LeftTruncatedDistribution(base_dist, low=0.0, *, validate_args=True):
    """NumPyro's name for ``TruncatedDistribution(base_dist, low=low)``."""
    return TruncatedDistribution(base_dist, low=low, validate_args=validate_args)


def RightTruncatedDistribution(base_dist, high=0.0, *, validate_args=True):
    """NumPyro's name for ``TruncatedDistribution(base_dist, high=high)``."""
    return TruncatedDistribution(base_dist, high=high, validate_args=validate_args)


def TwoSidedTruncatedDistribution(base_dist, low=0.0, high=1.0, *, validate_args=True):
    """NumPyro's name for ``TruncatedDistribution(base_dist, low=low, high=high)``."""
    return TruncatedDistribution(base_dist, low=low, high=high, validate_args=validate_args)


def TruncatedCauchy(loc=0.0, scale=1.0, *, low=None, high=None, validate_args=True):
    """NumPyro's ``TruncatedCauchy``: ``TruncatedDistribution(Cauchy(loc, scale), low, high)``."""


    return TruncatedDistribution(Cauchy(loc, scale), low=low, high=high, validate_args=validate_args)
