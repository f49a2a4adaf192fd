"""scipy.stats.chi2: the chi-squared distribution with `df` degrees of freedom (a gamma with shape df/2, scale 2)."""
import math

import numpy as np

from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, exp, log_prob
from ._methods import continuous_methods

LOG2 = math.log(2.0)


def std_logpdf(z, df):
    """(df/2 - 1) log z - z/2 - log Gamma(df/2) - df log(2)/2 (scipy's formula)."""
    return sc.xlogy(df / 2.0 - 1.0, z) - z / 2.0 - sc.gammaln(df / 2.0) - (LOG2 * df) / 2.0


def _cdf_sf(z, df):
    return sc.gammainc(df / 2.0, z / 2.0), sc.gammaincc(df / 2.0, z / 2.0)


# CDFs via the regularized incomplete gamma function: differentiable in x, loc, scale, and in df to first order
_spec = Continuous(std_logpdf, argcheck=lambda df: anp.greater(df, 0), safe=(1.0,), support=(0.0, np.inf),
                   inside=1.0, logcdf=lambda z, df: log_prob(*_cdf_sf(z, df)),
                   logsf=lambda z, df: log_prob(*_cdf_sf(z, df)[::-1]))


def logpdf(x, df, loc=0, scale=1):
    """scipy.stats.chi2.logpdf."""
    return _spec.logpdf(x, (df,), loc, scale)


def pdf(x, df, loc=0, scale=1):
    return exp(logpdf(x, df, loc, scale))


def logcdf(x, df, loc=0, scale=1):
    """scipy.stats.chi2.logcdf = log(gammainc(df/2, z/2)); differentiable in df to first order."""
    return _spec.logcdf(x, (df,), loc, scale)


def cdf(x, df, loc=0, scale=1):
    return exp(logcdf(x, df, loc, scale))


def logsf(x, df, loc=0, scale=1):
    """scipy.stats.chi2.logsf = log(gammaincc(df/2, z/2)); differentiable in df to first order."""
    return _spec.logsf(x, (df,), loc, scale)


def sf(x, df, loc=0, scale=1):
    return exp(logsf(x, df, loc, scale))


def ppf(q, df, loc=0, scale=1):
    """scipy.stats.chi2.ppf = loc + scale * 2 gammaincinv(df/2, q);
    differentiable in q, loc, scale and (first order) the shapes."""
    return _spec.ppf(q, (df,), loc, scale, lambda q, df: 2.0 * sc.gammaincinv(0.5 * df, q))

_, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, ("df",), std_ppf=lambda q, df: 2.0 * sc.gammaincinv(0.5 * df, q),
    std_isf=lambda q, df: 2.0 * sc.gammainccinv(0.5 * df, q),
    std_mean=lambda df: df, std_var=lambda df: 2.0 * df,
    std_entropy=lambda df: 0.5 * df + LOG2 + sc.gammaln(0.5 * df) + (1.0 - 0.5 * df) * sc.digamma(0.5 * df))


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
