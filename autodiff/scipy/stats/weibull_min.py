"""scipy.stats.weibull_min: the Weibull distribution with shape `c` on [loc, inf)."""
import numpy as np

from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, exp
from ._methods import continuous_methods

EULER = 0.5772156649015329  # the Euler-Mascheroni constant


def std_logpdf(z, c):
    """log c + (c - 1) log z - z**c (xlogy: 0 log 0 = 0 at c = 1)."""
    return anp.log(c) + sc.xlogy(c - 1.0, z) - anp.power(z, c)


_spec = Continuous(std_logpdf, argcheck=lambda c: anp.greater(c, 0), safe=(1.0,), support=(0.0, np.inf),
                   inside=1.0, logcdf=lambda z, c: sc.log1mexp(-anp.power(z, c)),
                   logsf=lambda z, c: -anp.power(z, c))


def logpdf(x, c, loc=0, scale=1):
    """scipy.stats.weibull_min.logpdf."""
    return _spec.logpdf(x, (c,), loc, scale)


def pdf(x, c, loc=0, scale=1):
    return exp(logpdf(x, c, loc, scale))


def logcdf(x, c, loc=0, scale=1):
    """scipy.stats.weibull_min.logcdf = log(-expm1(-z**c)); differentiable in c too."""
    return _spec.logcdf(x, (c,), loc, scale)


def cdf(x, c, loc=0, scale=1):
    return exp(logcdf(x, c, loc, scale))


def logsf(x, c, loc=0, scale=1):
    """scipy.stats.weibull_min.logsf = -z**c."""
    return _spec.logsf(x, (c,), loc, scale)


def sf(x, c, loc=0, scale=1):
    return exp(logsf(x, c, loc, scale))

ppf, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, ("c",), std_ppf=lambda q, c: anp.power(-anp.log1p(-q), 1.0 / c),
    std_isf=lambda q, c: anp.power(-anp.log(q), 1.0 / c),
    std_mean=lambda c: anp.exp(sc.gammaln(1.0 + 1.0 / c)),
    std_var=lambda c: anp.exp(sc.gammaln(1.0 + 2.0 / c)) - anp.exp(2.0 * sc.gammaln(1.0 + 1.0 / c)),
    std_entropy=lambda c: EULER * (1.0 - 1.0 / c) - anp.log(c) + 1.0)


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
