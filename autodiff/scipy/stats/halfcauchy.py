"""scipy.stats.halfcauchy: |C| for a standard Cauchy C, on [loc, inf)."""
import math

import numpy as np

from ... import numpy as anp
from ._dist import Continuous, location_scale, log_prob
from ._methods import continuous_methods

LOG_2_OVER_PI = math.log(2.0 / math.pi)

# cdf = (2/pi) atan(z), sf = (2/pi) atan(1/z) (no cancellation in the right tail)
def _cdf_sf(z):
    return 2.0 / math.pi * anp.arctan(z), 2.0 / math.pi * anp.arctan(1.0 / z)


_spec = Continuous(lambda z: LOG_2_OVER_PI - anp.log1p(z * z), support=(0.0, np.inf), inside=1.0,
                   logcdf=lambda z: log_prob(*_cdf_sf(z)), logsf=lambda z: log_prob(*_cdf_sf(z)[::-1]))

logpdf, pdf, logcdf, cdf, logsf, sf = location_scale(
    _spec, __name__,
    logpdf="scipy.stats.halfcauchy.logpdf: log(2/pi) - log1p(z**2) - log(scale) for z >= 0.",
    logcdf="scipy.stats.halfcauchy.logcdf = log((2/pi) atan(z)).",
    logsf="scipy.stats.halfcauchy.logsf = log((2/pi) atan(1/z)).")

ppf, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, (), std_ppf=lambda q: anp.tan(0.5 * math.pi * q),
    std_isf=lambda q: 1.0 / anp.tan(0.5 * math.pi * q),
    std_mean=lambda: np.inf, std_var=lambda: np.inf, std_entropy=lambda: math.log(2.0 * math.pi))


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
