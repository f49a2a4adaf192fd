"""scipy.stats.logistic: the logistic distribution (CDF expit)."""
import math

from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, location_scale
from ._methods import continuous_methods


def std_logpdf(z):
    """-|z| - 2 log1p(exp(-|z|)), symmetric and overflow-free (scipy's formula)."""
    y = -anp.abs(z)
    return y - 2.0 * anp.log1p(anp.exp(y))


_spec = Continuous(std_logpdf, logcdf=sc.log_expit, logsf=lambda z: sc.log_expit(-z))


logpdf, pdf, logcdf, cdf, logsf, sf = location_scale(
    _spec, __name__,
    logpdf="scipy.stats.logistic.logpdf.",
    logcdf="scipy.stats.logistic.logcdf = log_expit(z).")

ppf, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, (), std_ppf=lambda q: sc.logit(q), std_isf=lambda q: -sc.logit(q),
    std_mean=lambda: 0.0, std_var=lambda: math.pi ** 2 / 3.0, std_entropy=lambda: 2.0)


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
