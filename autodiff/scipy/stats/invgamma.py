"""scipy.stats.invgamma: the inverse gamma distribution with shape `a` (1/X is gamma(a))."""
import numpy as np

from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, exp, log_prob
from ._methods import continuous_methods


def std_logpdf(z, a):
    """-(a + 1) log z - log Gamma(a) - 1/z (scipy's formula)."""
    return -(a + 1.0) * anp.log(z) - sc.gammaln(a) - 1.0 / z


# CDFs via the regularized incomplete gamma function at 1/z: differentiable in x, loc, scale, and in a to first order
_spec = Continuous(std_logpdf, argcheck=lambda a: anp.greater(a, 0), safe=(1.0,), support=(0.0, np.inf),
                   inside=1.0, open_support=True,
                   logcdf=lambda z, a: log_prob(sc.gammaincc(a, 1.0 / z), sc.gammainc(a, 1.0 / z)),
                   logsf=lambda z, a: log_prob(sc.gammainc(a, 1.0 / z), sc.gammaincc(a, 1.0 / z)))


def logpdf(x, a, loc=0, scale=1):
    """scipy.stats.invgamma.logpdf (-inf at z = 0)."""
    return _spec.logpdf(x, (a,), loc, scale)


def pdf(x, a, loc=0, scale=1):
    return exp(logpdf(x, a, loc, scale))


def logcdf(x, a, loc=0, scale=1):
    """scipy.stats.invgamma.logcdf = log(gammaincc(a, 1/z)); differentiable in a to first order."""
    return _spec.logcdf(x, (a,), loc, scale)


def cdf(x, a, loc=0, scale=1):
    return exp(logcdf(x, a, loc, scale))


def logsf(x, a, loc=0, scale=1):
    """scipy.stats.invgamma.logsf = log(gammainc(a, 1/z)); differentiable in a to first order."""
    return _spec.logsf(x, (a,), loc, scale)


def sf(x, a, loc=0, scale=1):
    return exp(logsf(x, a, loc, scale))


def ppf(q, a, loc=0, scale=1):
    """scipy.stats.invgamma.ppf = loc + scale * 1 / gammainccinv(a, q); differentiable in q, loc, scale and (first
    order) a. gammainccinv(a, q) is gammaincinv(a, 1 - q) here, so q below ~1e-8 loses some digits (1e-9 at 1e-10)."""
    return _spec.ppf(q, (a,), loc, scale, lambda q, a: 1.0 / sc.gammainccinv(a, q))

_, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, ("a",), std_ppf=lambda q, a: 1.0 / sc.gammainccinv(a, q),
    std_isf=lambda q, a: 1.0 / sc.gammaincinv(a, q),
    std_mean=lambda a: anp.where(anp.greater(a, 1.0), 1.0 / (a - 1.0), np.inf),
    std_var=lambda a: anp.where(anp.greater(a, 2.0), 1.0 / (anp.square(a - 1.0) * (a - 2.0)), np.inf),
    std_entropy=lambda a: a - (a + 1.0) * sc.digamma(a) + sc.gammaln(a))


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
