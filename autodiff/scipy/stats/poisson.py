"""scipy.stats.poisson: the Poisson distribution with mean `mu`."""
import numpy as np

from ... import numpy as anp
from .. import special as sc
from ._dist import Discrete, exp
from ._methods import concrete_bound, discrete_methods, entropy_by_summation


def std_logpmf(k, mu):
    """k log(mu) - log(k!) - mu; xlogy makes mu = 0 give the point mass at k = 0."""
    return sc.xlogy(k, mu) - sc.gammaln(k + 1.0) - mu


# CDFs via the regularized incomplete gamma function, differentiable in mu (its last argument)
_spec = Discrete(std_logpmf, argcheck=lambda mu: anp.greater_equal(mu, 0), safe=(1.0,), support=(0.0, np.inf),
                 logcdf=lambda k, mu: anp.log(sc.gammaincc(k + 1.0, mu)),
                 logsf=lambda k, mu: anp.log(sc.gammainc(k + 1.0, mu)))


def logpmf(k, mu, loc=0):
    """scipy.stats.poisson.logpmf: -inf at non-integer or negative k."""
    return _spec.logpmf(k, (mu,), loc)


def pmf(k, mu, loc=0):
    return exp(logpmf(k, mu, loc))


def logcdf(k, mu, loc=0):
    """scipy.stats.poisson.logcdf = log(gammaincc(floor(k) + 1, mu))."""
    return _spec.logcdf(k, (mu,), loc)


def cdf(k, mu, loc=0):
    return exp(_spec.logcdf(k, (mu,), loc, nan_last=True))


def logsf(k, mu, loc=0):
    """scipy.stats.poisson.logsf = log(gammainc(floor(k) + 1, mu))."""
    return _spec.logsf(k, (mu,), loc)


def sf(k, mu, loc=0):
    return exp(logsf(k, mu, loc))

def _last_k(mu):
    """Where the pmf has fallen below 1e-300 of its peak: mu + 40 sqrt(mu) + 50."""
    return mu + 40.0 * np.sqrt(mu) + 50.0


ppf, isf, mean, var, std, median, interval, entropy = discrete_methods(
    _spec, __name__, ("mu",), cdf, sf, std_mean=lambda mu: mu,
    std_var=lambda mu: mu,
    std_entropy=lambda mu: entropy_by_summation(logpmf, concrete_bound("poisson.entropy", mu, _last_k))(mu))


__all__ = ["logpmf", "pmf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval", "entropy"]
