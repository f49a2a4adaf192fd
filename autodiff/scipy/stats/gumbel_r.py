"""scipy.stats.gumbel_r: the right-skewed Gumbel (extreme value type I) distribution."""
from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, location_scale

_spec = Continuous(lambda z: -z - anp.exp(-z), logcdf=lambda z: -anp.exp(-z),
                   logsf=lambda z: sc.log1mexp(-anp.exp(-z)))

logpdf, pdf, logcdf, cdf, logsf, sf = location_scale(
    _spec, __name__,
    logpdf="scipy.stats.gumbel_r.logpdf: -z - exp(-z) - log(scale).",
    logcdf="scipy.stats.gumbel_r.logcdf = -exp(-z).", logsf="scipy.stats.gumbel_r.logsf = log(1 - exp(-exp(-z))).")

__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf"]
