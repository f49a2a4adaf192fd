"""scipy.stats.gamma: the gamma distribution with shape `a` (rate 1/scale)."""
import numpy as np

from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, exp, log_prob
from ._methods import continuous_methods


def std_logpdf(z, a):
    """(a - 1) log z - z - log Gamma(a); xlogy gives the right limit at z = 0 for every a."""
    return sc.xlogy(a - 1.0, z) - z - sc.gammaln(a)


# CDFs via the regularized incomplete gamma function: differentiable in x, loc, scale, and in a to first order
_spec = Continuous(std_logpdf, argcheck=lambda a: anp.greater(a, 0), safe=(1.0,), support=(0.0, np.inf),
                   inside=1.0, logcdf=lambda z, a: log_prob(sc.gammainc(a, z), sc.gammaincc(a, z)),
                   logsf=lambda z, a: log_prob(sc.gammaincc(a, z), sc.gammainc(a, z)))


def logpdf(x, a, loc=0, scale=1):
    """scipy.stats.gamma.logpdf."""
    return _spec.logpdf(x, (a,), loc, scale)


def pdf(x, a, loc=0, scale=1):
    return exp(logpdf(x, a, loc, scale))


def logcdf(x, a, loc=0, scale=1):
    """scipy.stats.gamma.logcdf = log(gammainc(a, z));
    differentiable in a to first order (log1p(-gammaincc) above 1/2)."""
    return _spec.logcdf(x, (a,), loc, scale)


def cdf(x, a, loc=0, scale=1):
    return exp(logcdf(x, a, loc, scale))


def logsf(x, a, loc=0, scale=1):
    """scipy.stats.gamma.logsf = log(gammaincc(a, z));
    differentiable in a to first order (log1p(-gammainc) above 1/2)."""
    return _spec.logsf(x, (a,), loc, scale)


def sf(x, a, loc=0, scale=1):
    return exp(logsf(x, a, loc, scale))


def ppf(q, a, loc=0, scale=1):
    """scipy.stats.gamma.ppf = loc + scale * gammaincinv(a, q);
    differentiable in q, loc, scale and (first order) the shapes."""
    return _spec.ppf(q, (a,), loc, scale, lambda q, a: sc.gammaincinv(a, q))

_, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, ("a",), std_ppf=lambda q, a: sc.gammaincinv(a, q), std_isf=lambda q, a: sc.gammainccinv(a, q),
    std_mean=lambda a: a, std_var=lambda a: a,
    std_entropy=lambda a: a + (1.0 - a) * sc.digamma(a) + sc.gammaln(a))


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
