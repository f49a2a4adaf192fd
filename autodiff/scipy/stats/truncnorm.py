"""scipy.stats.truncnorm: the standard normal truncated to [a, b] (in standardised units), then loc and scale.

The normalising mass Phi(b) - Phi(a) is formed in log space from whichever tail is smaller
(log Phi(hi) + log1mexp(log Phi(lo) - log Phi(hi)), mirrored when a > 0), so it stays accurate
however far out the interval lies. Differentiable in x, a, b, loc and scale.
"""
import math

from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, exp
from ._methods import continuous_methods
from .norm import std_logpdf as norm_logpdf


def log_gauss_mass(a, b):
    """log(Phi(b) - Phi(a)) for a <= b."""
    right = anp.greater(a, 0)
    lo, hi = anp.where(right, -b, a), anp.where(right, -a, b)
    log_hi, log_lo = sc.log_ndtr(hi), sc.log_ndtr(lo)
    return log_hi + sc.log1mexp(anp.minimum(log_lo - log_hi, 0.0))


def _inside(a, b):
    """A point of [a, b]: its middle, a + 1 or b - 1 when one end is infinite, 0 when both are."""
    fa, fb = anp.isfinite(a), anp.isfinite(b)
    sa, sb = anp.where(fa, a, 0.0), anp.where(fb, b, 0.0)
    return anp.where(anp.logical_and(fa, fb), 0.5 * (sa + sb), anp.where(fa, sa + 1.0, anp.where(fb, sb - 1.0, 0.0)))


_spec = Continuous(lambda z, a, b: norm_logpdf(z) - log_gauss_mass(a, b),
                   argcheck=lambda a, b: anp.less(a, b), safe=(-1.0, 1.0), support=lambda a, b: (a, b),
                   inside=_inside,
                   logcdf=lambda z, a, b: log_gauss_mass(a, z) - log_gauss_mass(a, b),
                   logsf=lambda z, a, b: log_gauss_mass(z, b) - log_gauss_mass(a, b))


def _std_ppf(q, a, b):
    """Phi(x) = Phi(a) + q Z for a <= 0; from the upper tail, Phi(-x) = Phi(-a) - q Z, for a > 0
    (Z = Phi(b) - Phi(a))."""
    mass = anp.exp(log_gauss_mass(a, b))
    return anp.where(anp.greater(a, 0), -sc.ndtri(sc.ndtr(-a) - q * mass), sc.ndtri(sc.ndtr(a) + q * mass))


def _std_isf(q, a, b):
    """Phi(x) = Phi(b) - q Z for a <= 0; Phi(-x) = Phi(-b) + q Z for a > 0."""
    mass = anp.exp(log_gauss_mass(a, b))
    return anp.where(anp.greater(a, 0), -sc.ndtri(sc.ndtr(-b) + q * mass), sc.ndtri(sc.ndtr(b) - q * mass))


def _end_terms(a, b):
    """(phi(a) - phi(b)) / Z and (a phi(a) - b phi(b)) / Z, an infinite end contributing 0."""
    log_mass = log_gauss_mass(a, b)
    fa, fb = anp.isfinite(a), anp.isfinite(b)
    pa = anp.where(fa, anp.exp(norm_logpdf(anp.where(fa, a, 0.0)) - log_mass), 0.0)
    pb = anp.where(fb, anp.exp(norm_logpdf(anp.where(fb, b, 0.0)) - log_mass), 0.0)
    return pa - pb, anp.where(fa, a, 0.0) * pa - anp.where(fb, b, 0.0) * pb


def _std_mean(a, b):
    return _end_terms(a, b)[0]


def _std_var(a, b):
    first, second = _end_terms(a, b)
    return 1.0 + second - first * first


def _std_entropy(a, b):
    """log(sqrt(2 pi e) Z) + (a phi(a) - b phi(b)) / (2 Z)."""
    return 0.5 * math.log(2.0 * math.pi * math.e) + log_gauss_mass(a, b) + 0.5 * _end_terms(a, b)[1]


def logpdf(x, a, b, loc=0, scale=1):
    """scipy.stats.truncnorm.logpdf: log phi(z) - log(Phi(b) - Phi(a)) - log(scale) on [a, b]."""
    return _spec.logpdf(x, (a, b), loc, scale)


def pdf(x, a, b, loc=0, scale=1):
    return exp(logpdf(x, a, b, loc, scale))


def logcdf(x, a, b, loc=0, scale=1):
    """scipy.stats.truncnorm.logcdf = log(Phi(z) - Phi(a)) - log(Phi(b) - Phi(a))."""
    return _spec.logcdf(x, (a, b), loc, scale)


def cdf(x, a, b, loc=0, scale=1):
    return exp(logcdf(x, a, b, loc, scale))


def logsf(x, a, b, loc=0, scale=1):
    """scipy.stats.truncnorm.logsf = log(Phi(b) - Phi(z)) - log(Phi(b) - Phi(a))."""
    return _spec.logsf(x, (a, b), loc, scale)


def sf(x, a, b, loc=0, scale=1):
    return exp(logsf(x, a, b, loc, scale))

ppf, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, ("a", "b"), std_ppf=_std_ppf, std_isf=_std_isf,
    std_mean=_std_mean, std_var=_std_var, std_entropy=_std_entropy)


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
