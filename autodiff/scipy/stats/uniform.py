"""scipy.stats.uniform: the uniform distribution on [loc, loc + scale]."""
from ... import numpy as anp
from ._dist import Continuous, exp, log_prob

_spec = Continuous(lambda z: anp.multiply(z, 0.0), support=(0.0, 1.0), inside=0.5,
                   logcdf=lambda z: log_prob(z, 1.0 - z), logsf=lambda z: log_prob(1.0 - z, z))


def logpdf(x, loc=0, scale=1):
    """scipy.stats.uniform.logpdf: -log(scale) on the closed interval [loc, loc + scale]."""
    return _spec.logpdf(x, (), loc, scale)


def pdf(x, loc=0, scale=1):
    return exp(logpdf(x, loc, scale))


def logcdf(x, loc=0, scale=1):
    """scipy.stats.uniform.logcdf = log(z)."""
    return _spec.logcdf(x, (), loc, scale)


def cdf(x, loc=0, scale=1):
    return exp(logcdf(x, loc, scale))


def logsf(x, loc=0, scale=1):
    return _spec.logsf(x, (), loc, scale)


def sf(x, loc=0, scale=1):
    return exp(logsf(x, loc, scale))


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf"]
