"""scipy.stats.binom: the number of successes in `n` trials with success probability `p`."""
from ... import numpy as anp
from .. import special as sc
from ._dist import Discrete, count_n_p
from ._methods import concrete_bound, discrete_methods, entropy_by_summation


def std_logpmf(k, n, p):
    """log C(n, k) + k log p + (n - k) log(1 - p), with xlogy/xlog1py at p = 0 and p = 1 (scipy's formula)."""
    comb = sc.gammaln(n + 1.0) - (sc.gammaln(k + 1.0) + sc.gammaln(n - k + 1.0))
    return comb + sc.xlogy(k, p) + sc.xlog1py(n - k, -p)


def _argcheck(n, p):
    n_ok = anp.logical_and(anp.greater_equal(n, 0), anp.equal(n, anp.round(n)))
    return anp.logical_and(n_ok, anp.logical_and(anp.greater_equal(p, 0), anp.less_equal(p, 1)))


# CDFs via the regularized incomplete beta function, differentiable in p (its last argument)
_spec = Discrete(std_logpmf, argcheck=_argcheck, safe=(1.0, 0.5), support=lambda n, p: (0.0, n),
                 logcdf=lambda k, n, p: anp.log(sc.betainc(n - k, k + 1.0, 1.0 - p)),
                 logsf=lambda k, n, p: anp.log(sc.betainc(k + 1.0, n - k, p)))


logpmf, pmf, logcdf, cdf, logsf, sf = count_n_p(
    _spec, __name__,
    logpmf="scipy.stats.binom.logpmf.",
    logcdf="scipy.stats.binom.logcdf = log(betainc(n - k, k + 1, 1 - p)), k = floor(k - loc).",
    logsf="scipy.stats.binom.logsf = log(betainc(k + 1, n - k, p)).")

ppf, isf, mean, var, std, median, interval, entropy = discrete_methods(
    _spec, __name__, ("n", "p"), cdf, sf, std_mean=lambda n, p: n * p,
    std_var=lambda n, p: n * p * (1.0 - p),
    std_entropy=lambda n, p: entropy_by_summation(logpmf, concrete_bound("binom.entropy", n, lambda n: n))(n, p))


__all__ = ["logpmf", "pmf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval", "entropy"]
