"""scipy.stats.pareto: the Pareto distribution with shape `b` on [loc + scale, inf)."""
import numpy as np

from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, exp
from ._methods import continuous_methods


def std_logpdf(z, b):
    """log b - (b + 1) log z for z >= 1."""
    return anp.log(b) - (b + 1.0) * anp.log(z)


_spec = Continuous(std_logpdf, argcheck=lambda b: anp.greater(b, 0), safe=(1.0,), support=(1.0, np.inf),
                   inside=2.0, logcdf=lambda z, b: sc.log1mexp(-b * anp.log(z)), logsf=lambda z, b: -b * anp.log(z))


def logpdf(x, b, loc=0, scale=1):
    """scipy.stats.pareto.logpdf."""
    return _spec.logpdf(x, (b,), loc, scale)


def pdf(x, b, loc=0, scale=1):
    return exp(logpdf(x, b, loc, scale))


def logcdf(x, b, loc=0, scale=1):
    """scipy.stats.pareto.logcdf = log(1 - z**-b)."""
    return _spec.logcdf(x, (b,), loc, scale)


def cdf(x, b, loc=0, scale=1):
    return exp(logcdf(x, b, loc, scale))


def logsf(x, b, loc=0, scale=1):
    """scipy.stats.pareto.logsf = -b log z."""
    return _spec.logsf(x, (b,), loc, scale)


def sf(x, b, loc=0, scale=1):
    return exp(logsf(x, b, loc, scale))

ppf, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, ("b",), std_ppf=lambda q, b: anp.exp(-anp.log1p(-q) / b),
    std_isf=lambda q, b: anp.exp(-anp.log(q) / b),
    std_mean=lambda b: anp.where(anp.greater(b, 1.0), b / (b - 1.0), np.inf),
    std_var=lambda b: anp.where(anp.greater(b, 2.0), b / (anp.square(b - 1.0) * (b - 2.0)), np.inf),
    std_entropy=lambda b: 1.0 + 1.0 / b - anp.log(b))


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
