"""scipy.stats.lognorm: log((x - loc) / scale) is normal with standard deviation `s` (scale = exp(mu))."""
import math

import numpy as np

from ... import numpy as anp
from .. import special as sc
from . import norm
from ._dist import Continuous, exp
from ._methods import continuous_methods


def std_logpdf(z, s):
    """-(log z)**2 / (2 s**2) - log(s z sqrt(2 pi)); the support is open, so the density at z = 0 is 0."""
    y = anp.log(z)
    return norm.std_logpdf(y / s) - anp.log(s) - y


_spec = Continuous(std_logpdf, argcheck=lambda s: anp.greater(s, 0), safe=(1.0,), support=(0.0, np.inf),
                   inside=1.0, open_support=True, logcdf=lambda z, s: sc.log_ndtr(anp.log(z) / s),
                   logsf=lambda z, s: sc.log_ndtr(-anp.log(z) / s))


def logpdf(x, s, loc=0, scale=1):
    """scipy.stats.lognorm.logpdf."""
    return _spec.logpdf(x, (s,), loc, scale)


def pdf(x, s, loc=0, scale=1):
    return exp(logpdf(x, s, loc, scale))


def logcdf(x, s, loc=0, scale=1):
    """scipy.stats.lognorm.logcdf = log_ndtr(log(z) / s)."""
    return _spec.logcdf(x, (s,), loc, scale)


def cdf(x, s, loc=0, scale=1):
    return exp(logcdf(x, s, loc, scale))


def logsf(x, s, loc=0, scale=1):
    return _spec.logsf(x, (s,), loc, scale)


def sf(x, s, loc=0, scale=1):
    return exp(logsf(x, s, loc, scale))

ppf, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, ("s",), std_ppf=lambda q, s: anp.exp(s * sc.ndtri(q)),
    std_isf=lambda q, s: anp.exp(-s * sc.ndtri(q)),
    std_mean=lambda s: anp.exp(0.5 * s * s), std_var=lambda s: sc.expm1(s * s) * anp.exp(s * s),
    std_entropy=lambda s: 0.5 * (1.0 + math.log(2.0 * math.pi)) + anp.log(s))


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
