"""scipy.stats.halfnorm: |Z| for a standard normal Z, on [loc, inf)."""
import math

import numpy as np

from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, location_scale, log_prob
from ._methods import continuous_methods
from .norm import std_logpdf as norm_logpdf

LOG2 = math.log(2.0)

SQRT_HALF = math.sqrt(0.5)

# cdf = erf(z / sqrt 2), sf = erfc(z / sqrt 2) = 2 Phi(-z) (log_ndtr keeps the far tail finite)
_spec = Continuous(lambda z: LOG2 + norm_logpdf(z), support=(0.0, np.inf), inside=1.0,
                   logcdf=lambda z: log_prob(sc.erf(z * SQRT_HALF), sc.erfc(z * SQRT_HALF)),
                   logsf=lambda z: anp.where(anp.less(sc.erfc(z * SQRT_HALF), 0.5), LOG2 + sc.log_ndtr(-z),
                                             anp.log1p(-sc.erf(z * SQRT_HALF))))

logpdf, pdf, logcdf, cdf, logsf, sf = location_scale(
    _spec, __name__,
    logpdf="scipy.stats.halfnorm.logpdf: log(2) + norm.logpdf(z) - log(scale) for z >= 0.",
    logcdf="scipy.stats.halfnorm.logcdf = log(erf(z / sqrt 2)).", logsf="scipy.stats.halfnorm.logsf = log(2 Phi(-z)).")

ppf, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, (), std_ppf=lambda q: sc.ndtri(0.5 * (1.0 + q)), std_isf=lambda q: -sc.ndtri(0.5 * q),
    std_mean=lambda: math.sqrt(2.0 / math.pi), std_var=lambda: 1.0 - 2.0 / math.pi,
    std_entropy=lambda: 0.5 * math.log(math.pi * math.e / 2.0))


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
