"""scipy.stats.expon: the exponential distribution on [loc, inf) with mean loc + scale."""
import numpy as np

from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, location_scale
from ._methods import continuous_methods

_spec = Continuous(lambda z: -z, support=(0.0, np.inf), inside=1.0, logcdf=lambda z: sc.log1mexp(-z),
                   logsf=lambda z: -z)


logpdf, pdf, logcdf, cdf, logsf, sf = location_scale(
    _spec, __name__,
    logpdf="scipy.stats.expon.logpdf: -z - log(scale) for z >= 0.",
    logcdf="scipy.stats.expon.logcdf = log(-expm1(-z)).")

ppf, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, (), std_ppf=lambda q: -anp.log1p(-q), std_isf=lambda q: -anp.log(q),
    std_mean=lambda: 1.0, std_var=lambda: 1.0, std_entropy=lambda: 1.0)


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
