"""scipy.stats.logistic: the logistic distribution (CDF expit)."""
from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, location_scale


def std_logpdf(z):
    """-|z| - 2 log1p(exp(-|z|)), symmetric and overflow-free (scipy's formula)."""
    y = -anp.abs(z)
    return y - 2.0 * anp.log1p(anp.exp(y))


_spec = Continuous(std_logpdf, logcdf=sc.log_expit, logsf=lambda z: sc.log_expit(-z))


logpdf, pdf, logcdf, cdf, logsf, sf = location_scale(
    _spec, __name__,
    logpdf="scipy.stats.logistic.logpdf.",
    logcdf="scipy.stats.logistic.logcdf = log_expit(z).")


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf"]
