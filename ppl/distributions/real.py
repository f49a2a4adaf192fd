"""Distributions on the real line: Normal, StudentT, Cauchy, Laplace, Logistic, TruncatedNormal, VonMises."""

import math

import numpy as np
from scipy import special as np_special  # concrete sampling

import autodiff.numpy as anp
from autodiff.scipy import special
from autodiff.scipy.stats import vonmises
from ppl.distributions import constraints
from ppl.distributions.base import (
    Distribution,
    as_generator,
    as_param,
    broadcast_shape,
    concrete,
    mask_outside,
)

__all__ = ["Cauchy", "Laplace", "Logistic", "Normal", "StudentT", "TruncatedNormal", "VonMises"]

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
_LOG_PI = math.log(math.pi)
_LOG_2 = math.log(2.0)


class _LocationScale(Distribution):
    """A family on the real line with ``loc`` and ``scale``: ``loc + scale * eps``, ``eps`` from ``_draw_standard``."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    reparametrized_params = ["loc", "scale"]

    def __init__(self, loc=0.0, scale=1.0, *, validate_args=True):
        self.loc, self.scale = as_param(loc), as_param(scale)
        super().__init__(broadcast_shape(self.loc, self.scale), validate_args=validate_args)

    def _draw_standard(self, rng, shape):
        """Draws of the standardised family (``loc=0, scale=1``) from the generator ``rng``."""
        raise NotImplementedError

    def sample(self, rng, sample_shape=()):
        eps = self._draw_standard(as_generator(rng), self.shape(sample_shape))
        return concrete(self.loc) + concrete(self.scale) * eps


class Normal(_LocationScale):
    r"""Normal distribution with mean ``loc`` and standard deviation ``scale``.

    .. math::

        \log p(x \mid \mu, \sigma) = -\frac{(x - \mu)^2}{2\sigma^2} - \log\sigma - \tfrac12\log(2\pi)
    """

    def log_prob(self, value):
        z = (value - self.loc) / self.scale
        return -0.5 * anp.square(z) - anp.log(self.scale) - _HALF_LOG_2PI

    def _draw_standard(self, rng, shape):
        return rng.standard_normal(shape)

    def cdf(self, value):
        return special.ndtr((value - self.loc) / self.scale)

    def icdf(self, q):
        return self.loc + self.scale * special.ndtri(q)

    @property
    def mean(self):
        return anp.broadcast_to(self.loc, self.batch_shape)

    @property
    def variance(self):
        return anp.broadcast_to(anp.square(self.scale), self.batch_shape)


class StudentT(Distribution):
    r"""Student's t distribution with ``df`` degrees of freedom, location and scale.

    .. math::

        \log p(x \mid \nu, \mu, \sigma) = \log\Gamma\left(\tfrac{\nu+1}{2}\right)
            - \log\Gamma\left(\tfrac{\nu}{2}\right) - \tfrac12\log(\nu\pi) - \log\sigma
            - \tfrac{\nu+1}{2}\log\left(1 + \tfrac{1}{\nu}\left(\tfrac{x-\mu}{\sigma}\right)^2\right)

    The mean is ``loc`` for ``df > 1`` (nan otherwise); the variance is
    ``scale**2 * df / (df - 2)`` for ``df > 2``, inf for ``1 < df <= 2``, nan otherwise.
    """

    arg_constraints = {"df": constraints.positive, "loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    reparametrized_params = ["df", "loc", "scale"]

    def __init__(self, df, loc=0.0, scale=1.0, *, validate_args=True):
        self.df, self.loc, self.scale = as_param(df), as_param(loc), as_param(scale)
        super().__init__(broadcast_shape(self.df, self.loc, self.scale), validate_args=validate_args)

    def log_prob(self, value):
        df = self.df
        z = (value - self.loc) / self.scale
        norm = special.gammaln(0.5 * (df + 1)) - special.gammaln(0.5 * df) - 0.5 * anp.log(df) - 0.5 * _LOG_PI
        return norm - anp.log(self.scale) - 0.5 * (df + 1) * anp.log1p(anp.square(z) / df)

    def sample(self, rng, sample_shape=()):
        shape = self.shape(sample_shape)
        t = as_generator(rng).standard_t(np.broadcast_to(concrete(self.df), shape), shape)
        return concrete(self.loc) + concrete(self.scale) * t

    def cdf(self, value):
        """Differentiable in ``value``, ``loc`` and ``scale``; not in ``df`` (``stdtr``)."""
        return special.stdtr(self.df, (value - self.loc) / self.scale)

    def icdf(self, q):
        """``loc + scale * stdtrit(df, q)``: differentiable in ``q``, ``loc``, ``scale`` and (first order) ``df``."""
        return self.loc + self.scale * special.stdtrit(self.df, q)

    @property
    def mean(self):
        loc = anp.broadcast_to(self.loc, self.batch_shape)
        return anp.where(self.df > 1, loc, math.nan)

    @property
    def variance(self):
        df = self.df
        var = anp.square(self.scale) * df / anp.where(df > 2, df - 2, 1.0)
        var = anp.where(df > 2, var, anp.where(df > 1, math.inf, math.nan))
        return anp.broadcast_to(var, self.batch_shape)


class Cauchy(_LocationScale):
    r"""Cauchy distribution with location ``loc`` and scale ``scale``.

    .. math::

        \log p(x \mid \mu, \sigma) = -\log\pi - \log\sigma - \log\left(1 + \left(\tfrac{x-\mu}{\sigma}\right)^2\right)

    Mean and variance are undefined (nan).
    """

    def log_prob(self, value):
        z = (value - self.loc) / self.scale
        return -_LOG_PI - anp.log(self.scale) - anp.log1p(anp.square(z))

    def _draw_standard(self, rng, shape):
        return rng.standard_cauchy(shape)

    def cdf(self, value):
        return anp.arctan((value - self.loc) / self.scale) / math.pi + 0.5

    def icdf(self, q):
        return self.loc + self.scale * anp.tan(math.pi * (q - 0.5))

    @property
    def mean(self):
        return anp.full(self.batch_shape, math.nan)

    @property
    def variance(self):
        return anp.full(self.batch_shape, math.nan)


class Laplace(_LocationScale):
    r"""Laplace (double exponential) distribution.

    .. math::

        \log p(x \mid \mu, b) = -\log(2b) - \frac{|x - \mu|}{b}
    """

    def log_prob(self, value):
        return -anp.log(2 * self.scale) - anp.abs(value - self.loc) / self.scale

    def _draw_standard(self, rng, shape):
        return rng.laplace(0.0, 1.0, shape)

    def cdf(self, value):
        z = (value - self.loc) / self.scale
        return 0.5 - 0.5 * anp.sign(z) * anp.expm1(-anp.abs(z))

    def icdf(self, q):
        a = q - 0.5
        return self.loc - self.scale * anp.sign(a) * anp.log1p(-2 * anp.abs(a))

    @property
    def mean(self):
        return anp.broadcast_to(self.loc, self.batch_shape)

    @property
    def variance(self):
        return anp.broadcast_to(2 * anp.square(self.scale), self.batch_shape)


class Logistic(_LocationScale):
    r"""Logistic distribution.

    .. math::

        \log p(x \mid \mu, s) = -z - 2\log(1 + e^{-z}) - \log s, \qquad z = \frac{x - \mu}{s}

    computed as :math:`-|z| - 2\log(1 + e^{-|z|}) - \log s` (the density is
    symmetric), which never overflows.
    """

    def log_prob(self, value):
        az = anp.abs((value - self.loc) / self.scale)
        return -az - 2 * anp.log1p(anp.exp(-az)) - anp.log(self.scale)

    def _draw_standard(self, rng, shape):
        return rng.logistic(0.0, 1.0, shape)

    def cdf(self, value):
        return special.expit((value - self.loc) / self.scale)

    def icdf(self, q):
        return self.loc + self.scale * special.logit(q)

    @property
    def mean(self):
        return anp.broadcast_to(self.loc, self.batch_shape)

    @property
    def variance(self):
        return anp.broadcast_to(anp.square(self.scale) * (math.pi**2 / 3), self.batch_shape)


def _log1mexp(x):
    """``log(1 - exp(x))`` for ``x <= 0``, accurate at both ends (Maechler 2012).

    Each branch gets an input clamped to its own range, so the branch that
    ``where`` discards is finite and its gradient is not nan.
    """
    near_zero = x > -_LOG_2
    a = anp.log(-anp.expm1(anp.minimum(x, -1e-300)))  # x in (-log 2, 0]
    b = anp.log1p(-anp.exp(anp.minimum(x, -_LOG_2)))  # x <= -log 2
    return anp.where(near_zero, a, b)


def _log_ndtr_diff(a, b):
    """``log(Phi(b) - Phi(a))`` for ``a < b``, reflecting to the lower tail when ``a > 0``."""
    flip = a > 0
    lo = anp.where(flip, -b, a)
    hi = anp.where(flip, -a, b)
    log_hi = special.log_ndtr(hi)
    return log_hi + _log1mexp(special.log_ndtr(lo) - log_hi)


class TruncatedNormal(Distribution):
    r"""Normal distribution truncated to ``[low, high]`` (either bound may be None).

    .. math::

        \log p(x) = \log\mathcal{N}(x \mid \mu, \sigma) - \log Z, \qquad
        Z = \Phi\!\left(\tfrac{h - \mu}{\sigma}\right) - \Phi\!\left(\tfrac{l - \mu}{\sigma}\right)

    for :math:`l \le x \le h` and :math:`-\infty` elsewhere. :math:`\log Z` is
    computed in the lower tail (``log_ndtr``) so that far truncations keep
    full precision.
    """

    arg_constraints = {
        "loc": constraints.real,
        "scale": constraints.positive,
        "low": constraints.real,
        "high": constraints.real,
    }
    reparametrized_params = ["loc", "scale", "low", "high"]

    def __init__(self, loc=0.0, scale=1.0, *, low=None, high=None, validate_args=True):
        self.loc, self.scale = as_param(loc), as_param(scale)
        self.low = None if low is None else as_param(low)
        self.high = None if high is None else as_param(high)
        params = [p for p in (self.loc, self.scale, self.low, self.high) if p is not None]
        super().__init__(broadcast_shape(*params), validate_args=validate_args)

    def _validate_extra(self):
        low, high = self.low, self.high
        if isinstance(low, np.ndarray) and isinstance(high, np.ndarray) and not np.all(low < high):
            raise ValueError(f"TruncatedNormal: low must be < high, got low={low}, high={high}")

    @property
    def support(self):
        if self.low is None and self.high is None:
            return constraints.real
        if self.high is None:
            return constraints.greater_than_eq(self.low)
        if self.low is None:
            return constraints.less_than(self.high)
        return constraints.interval(self.low, self.high)

    def _standardised_bounds(self):
        a = None if self.low is None else (self.low - self.loc) / self.scale
        b = None if self.high is None else (self.high - self.loc) / self.scale
        return a, b

    def _log_normaliser(self):
        a, b = self._standardised_bounds()
        if a is None and b is None:
            return 0.0
        if a is None:
            return special.log_ndtr(b)
        if b is None:
            return special.log_ndtr(-a)
        return _log_ndtr_diff(a, b)

    def log_prob(self, value):
        z = (value - self.loc) / self.scale
        lp = -0.5 * anp.square(z) - anp.log(self.scale) - _HALF_LOG_2PI - self._log_normaliser()
        if self.low is None and self.high is None:
            return lp
        ok = None
        if self.low is not None:
            ok = value >= self.low
        if self.high is not None:
            ok = value <= self.high if ok is None else ok & (value <= self.high)
        return mask_outside(lp, ok)

    def _standard_cdf_bounds(self):
        a, b = self._standardised_bounds()
        return (0.0 if a is None else special.ndtr(a)), (1.0 if b is None else special.ndtr(b))

    def cdf(self, value):
        lo, hi = self._standard_cdf_bounds()
        return anp.clip((special.ndtr((value - self.loc) / self.scale) - lo) / (hi - lo), 0.0, 1.0)

    def icdf(self, q):
        lo, hi = self._standard_cdf_bounds()
        return self.loc + self.scale * special.ndtri(lo + q * (hi - lo))

    def sample(self, rng, sample_shape=()):
        # Inverse CDF, reflected so that it always works in the lower tail, where
        # ndtr/ndtri keep relative precision.
        shape = self.shape(sample_shape)
        loc, scale = concrete(self.loc), concrete(self.scale)
        a = np.full(shape, -np.inf) if self.low is None else np.broadcast_to((concrete(self.low) - loc) / scale, shape)
        b = np.full(shape, np.inf) if self.high is None else np.broadcast_to((concrete(self.high) - loc) / scale, shape)
        flip = a > 0
        lo, hi = np.where(flip, -b, a), np.where(flip, -a, b)
        p_lo, p_hi = np_special.ndtr(lo), np_special.ndtr(hi)
        u = as_generator(rng).uniform(size=shape)
        z = np_special.ndtri(p_lo + u * (p_hi - p_lo))
        z = np.clip(np.where(flip, -z, z), a, b)
        return loc + scale * z

    @property
    def mean(self):
        a, b = self._standardised_bounds()
        z = anp.exp(self._log_normaliser())
        pdf_a = 0.0 if a is None else anp.exp(-0.5 * anp.square(a) - _HALF_LOG_2PI)
        pdf_b = 0.0 if b is None else anp.exp(-0.5 * anp.square(b) - _HALF_LOG_2PI)
        return anp.broadcast_to(self.loc + self.scale * (pdf_a - pdf_b) / z, self.batch_shape)

    @property
    def variance(self):
        a, b = self._standardised_bounds()
        z = anp.exp(self._log_normaliser())
        pdf_a = 0.0 if a is None else anp.exp(-0.5 * anp.square(a) - _HALF_LOG_2PI)
        pdf_b = 0.0 if b is None else anp.exp(-0.5 * anp.square(b) - _HALF_LOG_2PI)
        apdf_a = 0.0 if a is None else a * pdf_a
        bpdf_b = 0.0 if b is None else b * pdf_b
        var = anp.square(self.scale) * (1 + (apdf_a - bpdf_b) / z - anp.square((pdf_a - pdf_b) / z))
        return anp.broadcast_to(var, self.batch_shape)


class VonMises(Distribution):
    r"""Von Mises (circular normal) distribution on :math:`[-\pi, \pi]`.

    .. math::

        \log p(x \mid \mu, \kappa) = \kappa\cos(x - \mu) - \log(2\pi I_0(\kappa))

    with :math:`\log I_0(\kappa) = \log(\mathrm{i0e}(\kappa)) + \kappa` for stability.
    ``variance`` is the circular variance :math:`1 - I_1(\kappa)/I_0(\kappa)`, as in NumPyro.
    """

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.circular

    def __init__(self, loc, concentration, *, validate_args=True):
        self.loc, self.concentration = as_param(loc), as_param(concentration)
        super().__init__(broadcast_shape(self.loc, self.concentration), validate_args=validate_args)

    def log_prob(self, value):
        k = self.concentration
        return k * (anp.cos(value - self.loc) - 1) - anp.log(2 * math.pi * special.i0e(k))

    def cdf(self, value):
        r""":math:`P(X \le x)` for :math:`X` on :math:`[-\pi, \pi]`: :math:`G(x - \mu) - G(-\pi - \mu)` with
        :math:`G` scipy's cumulative ``vonmises.cdf`` (0 below :math:`-\pi`, 1 above :math:`\pi`);
        differentiable in ``value``, ``loc`` and ``concentration``."""
        x = anp.clip(value, -math.pi, math.pi)
        k = self.concentration
        return vonmises.cdf(x, k, self.loc) - vonmises.cdf(-math.pi, k, self.loc)

    def icdf(self, q):
        r"""The inverse of ``cdf`` on :math:`[-\pi, \pi]`: :math:`\mu + G^{-1}(q + G(-\pi - \mu))`, with
        :math:`G^{-1}` the inverse of the cumulative CDF (whole turns plus the numeric inverse on one turn,
        ``autodiff.scipy.stats.vonmises.std_ppf``); differentiable in ``q``, ``loc`` and ``concentration``
        (implicit function theorem). At ``loc = 0`` it is ``scipy.stats.vonmises.ppf`` on :math:`(0, 1)`."""
        k = self.concentration
        p = q + vonmises.cdf(-math.pi, k, self.loc)
        turns = anp.floor(p)
        frac = p - turns
        start = anp.equal(frac, 0.0)  # a whole number of turns: the start of a turn, -pi
        z = anp.where(start, -math.pi, vonmises.std_ppf(anp.where(start, 0.5, frac), k)) + 2.0 * math.pi * turns
        x = anp.clip(self.loc + z, -math.pi, math.pi)
        # exact ends: above kappa = 50 the CDF is Hill's normal approximation, whose G(-pi) is not exactly 0
        return anp.where(anp.equal(q, 0.0), -math.pi, anp.where(anp.equal(q, 1.0), math.pi, x))

    def sample(self, rng, sample_shape=()):
        shape = self.shape(sample_shape)
        loc = np.broadcast_to(concrete(self.loc), shape)
        kappa = np.broadcast_to(concrete(self.concentration), shape)
        x = as_generator(rng).vonmises(loc, kappa, shape)
        return np.mod(x + np.pi, 2 * np.pi) - np.pi

    @property
    def mean(self):
        return anp.broadcast_to(self.loc, self.batch_shape)

    @property
    def variance(self):
        k = self.concentration
        return anp.broadcast_to(1 - special.i1e(k) / special.i0e(k), self.batch_shape)
