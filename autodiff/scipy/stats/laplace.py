"""scipy.stats.laplace: the Laplace (double exponential) distribution."""
import math

from ... import numpy as anp
from ._dist import Continuous, exp

LN2 = math.log(2.0)


def std_logcdf(z):
    """log(exp(z) / 2) for z <= 0, log1p(-exp(-z) / 2) above: finite everywhere (scipy underflows to -inf)."""
    return anp.where(anp.greater(z, 0), anp.log1p(-0.5 * anp.exp(-anp.abs(z))), z - LN2)


_spec = Continuous(lambda z: -LN2 - anp.abs(z), logcdf=std_logcdf, logsf=lambda z: std_logcdf(-z))


def logpdf(x, loc=0, scale=1):
    """scipy.stats.laplace.logpdf: -log(2 scale) - |z|."""
    return _spec.logpdf(x, (), loc, scale)


def pdf(x, loc=0, scale=1):
    return exp(logpdf(x, loc, scale))


def logcdf(x, loc=0, scale=1):
    """scipy.stats.laplace.logcdf (more accurate than scipy's log(cdf) below z = -745)."""
    return _spec.logcdf(x, (), loc, scale)


def cdf(x, loc=0, scale=1):
    return exp(logcdf(x, loc, scale))


def logsf(x, loc=0, scale=1):
    return _spec.logsf(x, (), loc, scale)


def sf(x, loc=0, scale=1):
    return exp(logsf(x, loc, scale))


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf"]
