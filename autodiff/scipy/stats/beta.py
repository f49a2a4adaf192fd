"""scipy.stats.beta: the beta distribution on [loc, loc + scale] with shapes `a`, `b`."""
from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, exp, log_prob
from ._methods import continuous_methods


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


def _std_isf(q, a, b):
    """The upper quantile: 1 - betaincinv(b, a, q) for small q, betaincinv(a, b, 1 - q) otherwise (no cancellation)."""
    small = anp.less(q, 0.5)
    return anp.where(small, 1.0 - sc.betaincinv(b, a, anp.where(small, q, 0.5)),
                     sc.betaincinv(a, b, 1.0 - anp.where(small, 0.5, q)))


def _std_entropy(a, b):
    """log B(a, b) - (a - 1) psi(a) - (b - 1) psi(b) + (a + b - 2) psi(a + b)."""
    return sc.betaln(a, b) - (a - 1.0) * sc.digamma(a) - (b - 1.0) * sc.digamma(b) + (a + b - 2.0) * sc.digamma(a + b)


def ppf(q, a, b, loc=0, scale=1):
    """scipy.stats.beta.ppf = loc + scale * betaincinv(a, b, q);
    differentiable in q, loc, scale and (first order) the shapes."""
    return _spec.ppf(q, (a, b), loc, scale, lambda q, a, b: sc.betaincinv(a, b, q))

_, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, ("a", "b"), std_ppf=lambda q, a, b: sc.betaincinv(a, b, q), std_isf=_std_isf,
    std_mean=lambda a, b: a / (a + b), std_var=lambda a, b: a * b / ((a + b) ** 2 * (a + b + 1.0)),
    std_entropy=_std_entropy)


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
