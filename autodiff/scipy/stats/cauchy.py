"""scipy.stats.cauchy: the Cauchy distribution (Student's t with one degree of freedom)."""
import math

import numpy as np

from ... import numpy as anp
from ._dist import Continuous, location_scale, log_prob
from ._methods import continuous_methods

LOG_PI = math.log(math.pi)


def std_logpdf(z):
    """-log(pi) - log1p(z**2), as -log(pi) - 2 log|z| - log1p(1/z**2) for |z| >= 1 (no overflow), like scipy."""
    small = anp.less(anp.abs(z), 1.0)
    z_small, z_big = anp.where(small, z, 0.0), anp.where(small, 1.0, z)
    big = 2.0 * anp.log(anp.abs(z_big)) + anp.log1p(1.0 / (z_big * z_big))
    return -LOG_PI - anp.where(small, anp.log1p(z_small * z_small), big)


# cdf = arctan2(1, -z) / pi, accurate in the left tail (scipy's formula)
def _cdf(z):
    return anp.arctan2(1.0, -z) / math.pi


_spec = Continuous(std_logpdf, logcdf=lambda z: log_prob(_cdf(z), _cdf(-z)),
                   logsf=lambda z: log_prob(_cdf(-z), _cdf(z)))


logpdf, pdf, logcdf, cdf, logsf, sf = location_scale(
    _spec, __name__,
    logpdf="scipy.stats.cauchy.logpdf.",
    logcdf="scipy.stats.cauchy.logcdf: log of cdf = arctan2(1, -z) / pi, or log1p(-sf) above the median.")

ppf, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, (), std_ppf=lambda q: anp.tan(math.pi * (q - 0.5)),
    std_isf=lambda q: -anp.tan(math.pi * (q - 0.5)),
    std_mean=lambda: np.nan, std_var=lambda: np.nan, std_entropy=lambda: math.log(4.0 * math.pi))


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
