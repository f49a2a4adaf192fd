"""scipy.stats names, differentiable: one module per family with scipy's argument conventions.

    from autodiff.scipy import stats
    stats.gamma.logpdf(x, a, loc=0, scale=1)
    stats.binom.logpmf(k, n, p, loc=0)

Continuous families expose logpdf, pdf, logcdf, cdf, logsf, sf (norm, gamma, beta, t, chi2 and
invgamma also ppf); discrete ones logpmf, pmf, logcdf, cdf, logsf, sf (betabinom's CDFs need a
concrete n); skewnorm exposes the density only (its CDF needs Owen's T). The multivariate ones follow
scipy's methods: multivariate_normal logpdf/pdf; multivariate_t logpdf/pdf/entropy; dirichlet
logpdf/pdf/mean/var/cov/entropy; multinomial logpmf/pmf/mean/cov/entropy; wishart
logpdf/pdf/mean/mode/var/entropy.
"""
from . import (bernoulli, beta, betabinom, binom, cauchy, chi2, dirichlet, expon, gamma, geom, gumbel_l, gumbel_r,
               halfcauchy, halfnorm, invgamma, laplace, logistic, lognorm, multinomial, multivariate_normal,
               multivariate_t, nbinom, norm, pareto, poisson, skewnorm, t, truncnorm, uniform, vonmises, weibull_min,
               wishart)

__all__ = ["bernoulli", "beta", "betabinom", "binom", "cauchy", "chi2", "dirichlet", "expon", "gamma", "geom",
           "gumbel_l", "gumbel_r", "halfcauchy", "halfnorm", "invgamma", "laplace", "logistic", "lognorm",
           "multinomial", "multivariate_normal", "multivariate_t", "nbinom", "norm", "pareto", "poisson", "skewnorm",
           "t", "truncnorm", "uniform", "vonmises", "weibull_min", "wishart"]
