"""scipy.stats.gumbel_l: the left-skewed Gumbel distribution (the mirror image of gumbel_r)."""
from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, location_scale

_spec = Continuous(lambda z: z - anp.exp(z), logcdf=lambda z: sc.log1mexp(-anp.exp(z)), logsf=lambda z: -anp.exp(z))

logpdf, pdf, logcdf, cdf, logsf, sf = location_scale(
    _spec, __name__,
    logpdf="scipy.stats.gumbel_l.logpdf: z - exp(z) - log(scale).",
    logcdf="scipy.stats.gumbel_l.logcdf = log(1 - exp(-exp(z))).", logsf="scipy.stats.gumbel_l.logsf = -exp(z).")

__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf"]
