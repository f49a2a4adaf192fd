"""scipy.stats.t: Student's t distribution with `df` degrees of freedom (df = inf is the normal)."""
import math

import numpy as np

from ... import numpy as anp
from ...primitives.special import t_logpdf_standard
from .. import special as sc
from . import norm
from ._dist import Continuous, exp, log_prob
from ._methods import continuous_methods


def std_logpdf(z, df):
    """log Gamma((df+1)/2) - log Gamma(df/2) - log(df pi)/2 - (df+1)/2 log1p(z**2/df); the normal at df = inf."""
    infinite = anp.isinf(df)
    return anp.where(infinite, norm.std_logpdf(z), t_logpdf_standard(z, anp.where(infinite, 1.0, df)))


# CDFs via scipy.special.stdtr, differentiable in x, loc, scale, and in df to first order
_spec = Continuous(std_logpdf, argcheck=lambda df: anp.greater(df, 0), safe=(1.0,),
                   logcdf=lambda z, df: log_prob(sc.stdtr(df, z), sc.stdtr(df, -z)),
                   logsf=lambda z, df: log_prob(sc.stdtr(df, -z), sc.stdtr(df, z)))


def logpdf(x, df, loc=0, scale=1):
    """scipy.stats.t.logpdf."""
    return _spec.logpdf(x, (df,), loc, scale)


def pdf(x, df, loc=0, scale=1):
    return exp(logpdf(x, df, loc, scale))


def logcdf(x, df, loc=0, scale=1):
    """scipy.stats.t.logcdf = log(stdtr(df, z));
    differentiable in df to first order (log1p(-stdtr(df, -z)) above the median)."""
    return _spec.logcdf(x, (df,), loc, scale)


def cdf(x, df, loc=0, scale=1):
    return exp(logcdf(x, df, loc, scale))


def logsf(x, df, loc=0, scale=1):
    """scipy.stats.t.logsf = log(stdtr(df, -z));
    differentiable in df to first order (log1p(-stdtr(df, z)) below the median)."""
    return _spec.logsf(x, (df,), loc, scale)


def sf(x, df, loc=0, scale=1):
    return exp(logsf(x, df, loc, scale))


def _std_mean(df):
    """0 for df > 1, inf otherwise (scipy's value; the mean does not exist)."""
    return anp.where(anp.greater(df, 1.0), 0.0, np.inf)


def _std_var(df):
    """df / (df - 2) for df > 2 (1 at df = inf), inf for 1 < df <= 2, nan for df <= 1 (as scipy)."""
    finite = anp.where(anp.logical_and(anp.greater(df, 2.0), anp.isfinite(df)), df, 3.0)
    return anp.where(anp.greater(df, 2.0), anp.where(anp.isinf(df), 1.0, finite / (finite - 2.0)),
                     anp.where(anp.greater(df, 1.0), np.inf, np.nan))


def _std_entropy(df):
    """(df + 1)/2 (psi((df + 1)/2) - psi(df/2)) + log(sqrt(df) B(df/2, 1/2)); the normal's at df = inf."""
    d = anp.where(anp.isinf(df), 1.0, df)
    h = 0.5 * (d + 1.0) * (sc.digamma(0.5 * (d + 1.0)) - sc.digamma(0.5 * d))
    h = h + 0.5 * anp.log(d) + sc.betaln(0.5 * d, 0.5)
    return anp.where(anp.isinf(df), 0.5 * math.log(2.0 * math.pi * math.e), h)


def ppf(q, df, loc=0, scale=1):
    """scipy.stats.t.ppf = loc + scale * stdtrit(df, q);
    differentiable in q, loc, scale and (first order) the shapes."""
    return _spec.ppf(q, (df,), loc, scale, lambda q, df: sc.stdtrit(df, q))

_, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, ("df",), std_ppf=lambda q, df: sc.stdtrit(df, q), std_isf=lambda q, df: -sc.stdtrit(df, q),
    std_mean=_std_mean, std_var=_std_var, std_entropy=_std_entropy)


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
