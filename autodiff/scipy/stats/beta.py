"""scipy.stats.beta: the beta distribution on [loc, loc + scale] with shapes `a`, `b`."""
from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, exp, log_prob


def std_logpdf(z, a, b):
    """(a - 1) log z + (b - 1) log(1 - z) - log B(a, b) (scipy's formula, with xlogy/xlog1py at the ends)."""
    return sc.xlog1py(b - 1.0, -z) + sc.xlogy(a - 1.0, z) - sc.betaln(a, b)


# CDFs via the regularized incomplete beta function: differentiable in x, loc, scale, and in a, b to first order
_spec = Continuous(std_logpdf, argcheck=lambda a, b: anp.logical_and(anp.greater(a, 0), anp.greater(b, 0)),
                   safe=(1.0, 1.0), support=(0.0, 1.0), inside=0.5,
                   logcdf=lambda z, a, b: log_prob(sc.betainc(a, b, z), sc.betainc(b, a, 1.0 - z)),
                   logsf=lambda z, a, b: log_prob(sc.betainc(b, a, 1.0 - z), sc.betainc(a, b, z)))


def logpdf(x, a, b, loc=0, scale=1):
    """scipy.stats.beta.logpdf."""
    return _spec.logpdf(x, (a, b), loc, scale)


def pdf(x, a, b, loc=0, scale=1):
    return exp(logpdf(x, a, b, loc, scale))


def logcdf(x, a, b, loc=0, scale=1):
    """scipy.stats.beta.logcdf = log(betainc(a, b, z));
    differentiable in a, b to first order (log1p(-sf) above 1/2)."""
    return _spec.logcdf(x, (a, b), loc, scale)


def cdf(x, a, b, loc=0, scale=1):
    return exp(logcdf(x, a, b, loc, scale))


def logsf(x, a, b, loc=0, scale=1):
    """scipy.stats.beta.logsf = log(betainc(b, a, 1 - z));
    differentiable in a, b to first order (log1p(-cdf) above 1/2)."""
    return _spec.logsf(x, (a, b), loc, scale)


def sf(x, a, b, loc=0, scale=1):
    return exp(logsf(x, a, b, loc, scale))


def ppf(q, a, b, loc=0, scale=1):
    """scipy.stats.beta.ppf = loc + scale * betaincinv(a, b, q);
    differentiable in q, loc, scale and (first order) the shapes."""
    return _spec.ppf(q, (a, b), loc, scale, lambda q, a, b: sc.betaincinv(a, b, q))


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf"]
