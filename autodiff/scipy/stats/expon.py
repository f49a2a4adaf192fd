"""scipy.stats.expon: the exponential distribution on [loc, inf) with mean loc + scale."""
import numpy as np

from .. import special as sc
from ._dist import Continuous, location_scale

_spec = Continuous(lambda z: -z, support=(0.0, np.inf), inside=1.0, logcdf=lambda z: sc.log1mexp(-z),
                   logsf=lambda z: -z)


logpdf, pdf, logcdf, cdf, logsf, sf = location_scale(
    _spec, __name__,
    logpdf="scipy.stats.expon.logpdf: -z - log(scale) for z >= 0.",
    logcdf="scipy.stats.expon.logcdf = log(-expm1(-z)).")


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf"]
