"""scipy.stats.gumbel_l: the left-skewed Gumbel distribution (the mirror image of gumbel_r)."""
import math

from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, location_scale
from ._methods import continuous_methods

EULER = 0.5772156649015329  # the Euler-Mascheroni constant

_spec = Continuous(lambda z: z - anp.exp(z), logcdf=lambda z: sc.log1mexp(-anp.exp(z)), logsf=lambda z: -anp.exp(z))

logpdf, pdf, logcdf, cdf, logsf, sf = location_scale(
    _spec, __name__,
    logpdf="scipy.stats.gumbel_l.logpdf: z - exp(z) - log(scale).",
    logcdf="scipy.stats.gumbel_l.logcdf = log(1 - exp(-exp(z))).", logsf="scipy.stats.gumbel_l.logsf = -exp(z).")

ppf, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, (), std_ppf=lambda q: anp.log(-anp.log1p(-q)), std_isf=lambda q: anp.log(-anp.log(q)),
    std_mean=lambda: -EULER, std_var=lambda: math.pi ** 2 / 6.0, std_entropy=lambda: EULER + 1.0)


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
