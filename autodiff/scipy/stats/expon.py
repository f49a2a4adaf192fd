"""scipy.stats.expon: the exponential distribution on [loc, inf) with mean loc + scale."""
import numpy as np

from .. import special as sc
from ._dist import Continuous, exp

_spec = Continuous(lambda z: -z, support=(0.0, np.inf), inside=1.0, logcdf=lambda z: sc.log1mexp(-z),
                   logsf=lambda z: -z)


def logpdf(x, loc=0, scale=1):
    """scipy.stats.expon.logpdf: -z - log(scale) for z >= 0."""
    return _spec.logpdf(x, (), loc, scale)


def pdf(x, loc=0, scale=1):
    return exp(logpdf(x, loc, scale))


def logcdf(x, loc=0, scale=1):
    """scipy.stats.expon.logcdf = log(-expm1(-z))."""
    return _spec.logcdf(x, (), loc, scale)


def cdf(x, loc=0, scale=1):
    return exp(logcdf(x, loc, scale))


def logsf(x, loc=0, scale=1):
    return _spec.logsf(x, (), loc, scale)


def sf(x, loc=0, scale=1):
    return exp(logsf(x, loc, scale))


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf"]
