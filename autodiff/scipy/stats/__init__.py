"""scipy.stats names, differentiable: one module per family with scipy's argument conventions.

    from autodiff.scipy import stats
    stats.gamma.logpdf(x, a, loc=0, scale=1)
    stats.binom.logpmf(k, n, p, loc=0)

Continuous families expose logpdf, pdf, logcdf, cdf, logsf, sf (norm also ppf); discrete ones
logpmf, pmf, logcdf, cdf, logsf, sf; the families whose scipy CDF needs a function we lack (skewnorm,
vonmises, betabinom) and the multivariate ones (multivariate_normal, multivariate_t, dirichlet,
wishart; multinomial's logpmf/pmf) expose the density only.
"""
from . import (bernoulli, beta, betabinom, binom, cauchy, chi2, dirichlet, expon, gamma, geom, gumbel_l, gumbel_r,
               halfcauchy, halfnorm, invgamma, laplace, logistic, lognorm, multinomial, multivariate_normal,
               multivariate_t, nbinom, norm, pareto, poisson, skewnorm, t, truncnorm, uniform, vonmises, weibull_min,
               wishart)

__all__ = ["bernoulli", "beta", "betabinom", "binom", "cauchy", "chi2", "dirichlet", "expon", "gamma", "geom",
           "gumbel_l", "gumbel_r", "halfcauchy", "halfnorm", "invgamma", "laplace", "logistic", "lognorm",
           "multinomial", "multivariate_normal", "multivariate_t", "nbinom", "norm", "pareto", "poisson", "skewnorm",
           "t", "truncnorm", "uniform", "vonmises", "weibull_min", "wishart"]
