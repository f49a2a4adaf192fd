"""scipy.stats names, differentiable: one module per family with scipy's argument conventions.

    from autodiff.scipy import stats
    stats.gamma.logpdf(x, a, loc=0, scale=1)
    stats.binom.logpmf(k, n, p, loc=0)

Continuous families expose logpdf, pdf, logcdf, cdf, logsf, sf (norm also ppf); discrete ones
logpmf, pmf, logcdf, cdf, logsf, sf; multivariate_normal exposes logpdf and pdf.
"""
from . import (bernoulli, beta, binom, cauchy, expon, gamma, laplace, logistic, lognorm, multivariate_normal,
               nbinom, norm, poisson, t, uniform)

__all__ = ["bernoulli", "beta", "binom", "cauchy", "expon", "gamma", "laplace", "logistic", "lognorm",
           "multivariate_normal", "nbinom", "norm", "poisson", "t", "uniform"]
