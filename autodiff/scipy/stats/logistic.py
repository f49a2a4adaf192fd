"""scipy.stats.logistic: the logistic distribution (CDF expit)."""
from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, exp


def std_logpdf(z):
    """-|z| - 2 log1p(exp(-|z|)), symmetric and overflow-free (scipy's formula)."""
    y = -anp.abs(z)
    return y - 2.0 * anp.log1p(anp.exp(y))


_spec = Continuous(std_logpdf, logcdf=sc.log_expit, logsf=lambda z: sc.log_expit(-z))


def logpdf(x, loc=0, scale=1):
    """scipy.stats.logistic.logpdf."""
    return _spec.logpdf(x, (), loc, scale)


def pdf(x, loc=0, scale=1):
    return exp(logpdf(x, loc, scale))


def logcdf(x, loc=0, scale=1):
    """scipy.stats.logistic.logcdf = log_expit(z)."""
    return _spec.logcdf(x, (), loc, scale)


def cdf(x, loc=0, scale=1):
    return exp(logcdf(x, loc, scale))


def logsf(x, loc=0, scale=1):
    return _spec.logsf(x, (), loc, scale)


def sf(x, loc=0, scale=1):
    return exp(logsf(x, loc, scale))


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf"]
