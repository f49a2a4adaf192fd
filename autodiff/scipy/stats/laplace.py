"""scipy.stats.laplace: the Laplace (double exponential) distribution."""
import math

from ... import numpy as anp
from ._dist import Continuous, location_scale
from ._methods import continuous_methods

LN2 = math.log(2.0)


def std_logcdf(z):
    """log(exp(z) / 2) for z <= 0, log1p(-exp(-z) / 2) above: finite everywhere (scipy underflows to -inf)."""
    return anp.where(anp.greater(z, 0), anp.log1p(-0.5 * anp.exp(-anp.abs(z))), z - LN2)


def _std_ppf(q):
    """log(2 q) up to the median, -log(2 - 2 q) above it."""
    low = anp.less_equal(q, 0.5)
    return anp.where(low, anp.log(2.0 * anp.where(low, q, 0.5)), -anp.log(2.0 - 2.0 * anp.where(low, 0.5, q)))


_spec = Continuous(lambda z: -LN2 - anp.abs(z), logcdf=std_logcdf, logsf=lambda z: std_logcdf(-z))


logpdf, pdf, logcdf, cdf, logsf, sf = location_scale(
    _spec, __name__,
    logpdf="scipy.stats.laplace.logpdf: -log(2 scale) - |z|.",
    logcdf="scipy.stats.laplace.logcdf (more accurate than scipy's log(cdf) below z = -745).")

ppf, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, (), std_ppf=lambda q: _std_ppf(q), std_isf=lambda q: -_std_ppf(q),
    std_mean=lambda: 0.0, std_var=lambda: 2.0, std_entropy=lambda: 1.0 + math.log(2.0))


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
