"""scipy.stats names, differentiable: one module per family with scipy's argument conventions.

    from autodiff.scipy import stats
    stats.gamma.logpdf(x, a, loc=0, scale=1)
    stats.binom.logpmf(k, n, p, loc=0)

Continuous families expose logpdf, pdf, logcdf, cdf, logsf, sf, ppf, isf, mean, var, std, median,
interval and entropy (skewnorm all but entropy); ppf and isf are differentiable in q and every
parameter, the numeric ones (vonmises, skewnorm) by the implicit function theorem (`_inverse.py`).
Discrete ones expose logpmf, pmf, logcdf, cdf, logsf, sf, ppf, isf, mean, var, std, median, interval
and entropy; their quantiles are piecewise constant (no gradient); betabinom's CDFs and the summed
entropies (binom, betabinom, poisson, nbinom) need concrete parameters. The multivariate ones follow
scipy's methods: multivariate_normal logpdf/pdf/entropy; multivariate_t logpdf/pdf/entropy; dirichlet
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
