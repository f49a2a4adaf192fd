"""scipy.stats.norm: the normal distribution with mean `loc` and standard deviation `scale`."""
import math

import numpy as np

from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, location_scale, scalar
from ._methods import continuous_methods

LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


def std_logpdf(z):
    """log phi(z) = -z**2 / 2 - log(sqrt(2 pi))."""
    return -0.5 * (z * z) - LOG_SQRT_2PI


_spec = Continuous(std_logpdf, logcdf=sc.log_ndtr, logsf=lambda z: sc.log_ndtr(-z))


logpdf, pdf, logcdf, cdf, logsf, sf = location_scale(
    _spec, __name__,
    logpdf="scipy.stats.norm.logpdf: -z**2 / 2 - log(sqrt(2 pi) scale), z = (x - loc) / scale.",
    logcdf="scipy.stats.norm.logcdf: log_ndtr(z), accurate far in the left tail.",
    logsf="scipy.stats.norm.logsf: log_ndtr(-z).")


def ppf(q, loc=0, scale=1):
    """scipy.stats.norm.ppf: loc + scale * ndtri(q); nan for q outside [0, 1] or scale <= 0."""
    out = anp.add(loc, anp.multiply(scale, sc.ndtri(q)))
    return scalar(anp.where(anp.greater(scale, 0), out, np.nan))

_, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, (), std_ppf=lambda q: sc.ndtri(q), std_isf=lambda q: -sc.ndtri(q),
    std_mean=lambda: 0.0, std_var=lambda: 1.0, std_entropy=lambda: 0.5 * math.log(2.0 * math.pi * math.e))


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
