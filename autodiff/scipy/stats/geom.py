"""scipy.stats.geom: the number of trials up to and including the first success, success probability `p`."""
import numpy as np

from ... import numpy as anp
from .. import special as sc
from ._dist import Discrete, exp
from ._methods import discrete_methods


def std_logpmf(k, p):
    """(k - 1) log(1 - p) + log p (xlog1py: p = 1 gives the point mass at k = 1)."""
    return sc.xlog1py(k - 1.0, -p) + anp.log(p)


_spec = Discrete(std_logpmf, argcheck=lambda p: anp.logical_and(anp.greater(p, 0), anp.less_equal(p, 1)),
                 safe=(0.5,), support=(1.0, np.inf), inside=1.0,
                 logcdf=lambda k, p: sc.log1mexp(sc.xlog1py(k, -p)), logsf=lambda k, p: sc.xlog1py(k, -p))


def logpmf(k, p, loc=0):
    """scipy.stats.geom.logpmf."""
    return _spec.logpmf(k, (p,), loc)


def pmf(k, p, loc=0):
    return exp(logpmf(k, p, loc))


def logcdf(k, p, loc=0):
    """scipy.stats.geom.logcdf = log(1 - (1 - p)**floor(k))."""
    return _spec.logcdf(k, (p,), loc)


def cdf(k, p, loc=0):
    return exp(_spec.logcdf(k, (p,), loc, nan_last=True))


def logsf(k, p, loc=0):
    """scipy.stats.geom.logsf = floor(k) log(1 - p)."""
    return _spec.logsf(k, (p,), loc)


def sf(k, p, loc=0):
    return exp(logsf(k, p, loc))

ppf, isf, mean, var, std, median, interval, entropy = discrete_methods(
    _spec, __name__, ("p",), cdf, sf, std_mean=lambda p: 1.0 / p,
    std_var=lambda p: (1.0 - p) / (p * p),
    std_entropy=lambda p: -(sc.xlog1py(1.0 - p, -p) + sc.xlogy(p, p)) / p,
    guess=lambda q, p: anp.ceil(anp.log1p(-q) / anp.log1p(-anp.minimum(p, 1.0 - 1e-16))))  # the quantile, to rounding


__all__ = ["logpmf", "pmf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval", "entropy"]
