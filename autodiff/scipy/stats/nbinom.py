"""scipy.stats.nbinom: failures before the `n`-th success (n real > 0) with success probability `p`."""
import numpy as np

from ... import numpy as anp
from .. import special as sc
from ._dist import Discrete, count_n_p
from ._methods import concrete_bound, discrete_methods, entropy_by_summation


def std_logpmf(k, n, p):
    """log Gamma(n + k) - log k! - log Gamma(n) + n log p + k log(1 - p) (scipy's formula)."""
    return sc.gammaln(n + k) - sc.gammaln(k + 1.0) - sc.gammaln(n) + n * anp.log(p) + sc.xlog1py(k, -p)


def std_logcdf(k, n, p):
    """log(betainc(n, k + 1, p)), as log1p(-betainc(k + 1, n, 1 - p)) where the CDF exceeds 1/2 (as scipy)."""
    cdf = sc.betainc(n, k + 1.0, p)
    return anp.where(anp.greater(cdf, 0.5), anp.log1p(-sc.betainc(k + 1.0, n, 1.0 - p)), anp.log(cdf))


def _argcheck(n, p):
    return anp.logical_and(anp.greater(n, 0), anp.logical_and(anp.greater(p, 0), anp.less_equal(p, 1)))


# CDFs via the regularized incomplete beta function, differentiable in p, and in n to first order
_spec = Discrete(std_logpmf, argcheck=_argcheck, safe=(1.0, 0.5), support=(0.0, np.inf), logcdf=std_logcdf,
                 logsf=lambda k, n, p: anp.log(sc.betainc(k + 1.0, n, 1.0 - p)))


logpmf, pmf, logcdf, cdf, logsf, sf = count_n_p(
    _spec, __name__,
    logpmf="scipy.stats.nbinom.logpmf.",
    logcdf="scipy.stats.nbinom.logcdf; differentiable in n to first order.",
    logsf="scipy.stats.nbinom.logsf = log(betainc(k + 1, n, 1 - p)); differentiable in n to first order.")

def _last_k(n, p):
    """mean + 40 sd + 50, where the pmf has fallen far below 1e-300 of its peak."""
    return n * (1.0 - p) / p + 40.0 * np.sqrt(n * (1.0 - p)) / p + 50.0


def _entropy(n, p):
    """-sum pmf log pmf up to _last_k (n and p concrete)."""
    k_max = concrete_bound("nbinom.entropy", _last_k(n, p), lambda k: k)
    return entropy_by_summation(logpmf, k_max)(n, p)


ppf, isf, mean, var, std, median, interval, entropy = discrete_methods(
    _spec, __name__, ("n", "p"), cdf, sf, std_mean=lambda n, p: n * (1.0 - p) / p,
    std_var=lambda n, p: n * (1.0 - p) / (p * p),
    std_entropy=_entropy)


__all__ = ["logpmf", "pmf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval", "entropy"]
