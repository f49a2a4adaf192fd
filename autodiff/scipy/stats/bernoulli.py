"""scipy.stats.bernoulli: one trial with success probability `p` (binom with n = 1)."""
from ... import numpy as anp
from .. import special as sc
from ._dist import Discrete, exp
from ._methods import discrete_methods


def std_logpmf(k, p):
    """k log p + (1 - k) log(1 - p), with xlogy/xlog1py at p = 0 and p = 1."""
    return sc.xlogy(k, p) + sc.xlog1py(1.0 - k, -p)


_spec = Discrete(std_logpmf, argcheck=lambda p: anp.logical_and(anp.greater_equal(p, 0), anp.less_equal(p, 1)),
                 safe=(0.5,), support=(0.0, 1.0), logcdf=lambda k, p: anp.log1p(-p) + anp.multiply(k, 0.0),
                 logsf=lambda k, p: anp.log(p) + anp.multiply(k, 0.0))


def logpmf(k, p, loc=0):
    """scipy.stats.bernoulli.logpmf."""
    return _spec.logpmf(k, (p,), loc)


def pmf(k, p, loc=0):
    return exp(logpmf(k, p, loc))


def logcdf(k, p, loc=0):
    """scipy.stats.bernoulli.logcdf: log(1 - p) on [0, 1), 0 from 1 on."""
    return _spec.logcdf(k, (p,), loc)


def cdf(k, p, loc=0):
    return exp(_spec.logcdf(k, (p,), loc, nan_last=True))


def logsf(k, p, loc=0):
    """scipy.stats.bernoulli.logsf: 0 below 0, log(p) on [0, 1)."""
    return _spec.logsf(k, (p,), loc)


def sf(k, p, loc=0):
    return exp(logsf(k, p, loc))

ppf, isf, mean, var, std, median, interval, entropy = discrete_methods(
    _spec, __name__, ("p",), cdf, sf, std_mean=lambda p: p,
    std_var=lambda p: p * (1.0 - p),
    std_entropy=lambda p: -sc.xlogy(p, p) - sc.xlog1py(1.0 - p, -p))


__all__ = ["logpmf", "pmf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval", "entropy"]
