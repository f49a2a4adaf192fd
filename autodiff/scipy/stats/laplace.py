"""scipy.stats.laplace: the Laplace (double exponential) distribution."""
import math

from ... import numpy as anp
from ._dist import Continuous, location_scale

LN2 = math.log(2.0)


def std_logcdf(z):
    """log(exp(z) / 2) for z <= 0, log1p(-exp(-z) / 2) above: finite everywhere (scipy underflows to -inf)."""
    return anp.where(anp.greater(z, 0), anp.log1p(-0.5 * anp.exp(-anp.abs(z))), z - LN2)


_spec = Continuous(lambda z: -LN2 - anp.abs(z), logcdf=std_logcdf, logsf=lambda z: std_logcdf(-z))


logpdf, pdf, logcdf, cdf, logsf, sf = location_scale(
    _spec, __name__,
    logpdf="scipy.stats.laplace.logpdf: -log(2 scale) - |z|.",
    logcdf="scipy.stats.laplace.logcdf (more accurate than scipy's log(cdf) below z = -745).")


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf"]
