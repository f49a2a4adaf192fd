"""scipy.stats.uniform: the uniform distribution on [loc, loc + scale]."""
from ... import numpy as anp
from ._dist import Continuous, location_scale, log_prob
from ._methods import continuous_methods

_spec = Continuous(lambda z: anp.multiply(z, 0.0), support=(0.0, 1.0), inside=0.5,
                   logcdf=lambda z: log_prob(z, 1.0 - z), logsf=lambda z: log_prob(1.0 - z, z))


logpdf, pdf, logcdf, cdf, logsf, sf = location_scale(
    _spec, __name__,
    logpdf="scipy.stats.uniform.logpdf: -log(scale) on the closed interval [loc, loc + scale].",
    logcdf="scipy.stats.uniform.logcdf = log(z).")

ppf, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, (), std_ppf=lambda q: q, std_isf=lambda q: 1.0 - q,
    std_mean=lambda: 0.5, std_var=lambda: 1.0 / 12.0, std_entropy=lambda: 0.0)


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
