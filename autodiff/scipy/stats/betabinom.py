"""scipy.stats.betabinom: the beta-binomial distribution on 0..n with shapes `a`, `b`.

The CDF and SF are sums of the pmf over 0..floor(k) and floor(k)+1..n (scipy sums the pmf too; the
closed form needs 3F2), so n must be concrete: the sums run to the largest n given. Both tails are
sums of positive terms, and the log of either is taken from the smaller one (log1p(-other) above
1/2), so logsf near 0 keeps its digits where scipy's log(1 - cdf) loses them. Differentiable in a and b.
"""
import numpy as np

from ... import numpy as anp
from ...core import concrete_or_none
from .. import special as sc
from ._dist import Discrete, exp, log_prob
from ._methods import concrete_bound, discrete_methods, entropy_by_summation


def std_logpmf(k, n, a, b):
    """-log(n + 1) - log B(n - k + 1, k + 1) + log B(k + a, n - k + b) - log B(a, b) (scipy's formula)."""
    combiln = -anp.log(n + 1.0) - sc.betaln(n - k + 1.0, k + 1.0)
    return combiln + sc.betaln(k + a, n - k + b) - sc.betaln(a, b)


def _argcheck(n, a, b):
    n_ok = anp.logical_and(anp.greater_equal(n, 0), anp.equal(n, anp.round(n)))
    return anp.logical_and(n_ok, anp.logical_and(anp.greater(a, 0), anp.greater(b, 0)))


_spec = Discrete(std_logpmf, argcheck=_argcheck, safe=(1.0, 1.0, 1.0), support=lambda n, a, b: (0.0, n))


def _largest_n(n):
    """The largest valid count in the concrete `n` (at least 1, the value substituted for invalid ones)."""
    value = concrete_or_none(n)
    if value is None:
        raise TypeError("scipy.stats.betabinom cdf/sf/logcdf/logsf sum the pmf over 0..n, so n must be concrete "
                        "(data or a constant), not a traced value")
    value = np.asarray(value, dtype=float)
    valid = value[np.isfinite(value) & (value >= 0)]
    return int(max(valid.max(initial=1.0), 1.0))


def _pmf_terms(k, n, a, b, n_max, upper):
    """pmf(j) for j = 0..n_max on a new leading axis, kept where j <= k (upper=False) or k < j <= n (upper=True)."""
    ndim = max(anp.ndim(k), anp.ndim(n), anp.ndim(a), anp.ndim(b))
    j = np.arange(n_max + 1.0).reshape((-1,) + (1,) * ndim)
    in_support = anp.less_equal(j, n)
    keep = anp.logical_and(in_support, anp.greater(j, k) if upper else anp.less_equal(j, k))
    terms = anp.exp(std_logpmf(anp.where(in_support, j, 0.0), n, a, b))
    return anp.minimum(anp.sum(anp.where(keep, terms, 0.0), axis=0), 1.0)  # rounding can pass 1 by an ulp


def _spec_upto(n):
    """The Discrete spec whose CDF sums run to the largest concrete n."""
    n_max = _largest_n(n)
    def tails(k, n, a, b):
        return _pmf_terms(k, n, a, b, n_max, upper=False), _pmf_terms(k, n, a, b, n_max, upper=True)

    return Discrete(std_logpmf, argcheck=_argcheck, safe=(1.0, 1.0, 1.0), support=lambda n, a, b: (0.0, n),
                    logcdf=lambda *args: log_prob(*tails(*args)),
                    logsf=lambda *args: log_prob(*tails(*args)[::-1]))


def logpmf(k, n, a, b, loc=0):
    """scipy.stats.betabinom.logpmf; differentiable in a and b."""
    return _spec.logpmf(k, (n, a, b), loc)


def pmf(k, n, a, b, loc=0):
    return exp(logpmf(k, n, a, b, loc))


def logcdf(k, n, a, b, loc=0):
    """scipy.stats.betabinom.logcdf: log of the pmf summed over 0..floor(k - loc) (n concrete)."""
    return _spec_upto(n).logcdf(k, (n, a, b), loc)


def cdf(k, n, a, b, loc=0):
    """scipy.stats.betabinom.cdf (n concrete)."""
    return exp(_spec_upto(n).logcdf(k, (n, a, b), loc, nan_last=True))


def logsf(k, n, a, b, loc=0):
    """scipy.stats.betabinom.logsf: log of the pmf summed over floor(k - loc) + 1..n (n concrete)."""
    return _spec_upto(n).logsf(k, (n, a, b), loc)


def sf(k, n, a, b, loc=0):
    """scipy.stats.betabinom.sf (n concrete)."""
    return exp(logsf(k, n, a, b, loc))

ppf, isf, mean, var, std, median, interval, entropy = discrete_methods(
    _spec, __name__, ("n", "a", "b"), cdf, sf, std_mean=lambda n, a, b: n * a / (a + b),
    std_var=lambda n, a, b: n * a * b * (a + b + n) / ((a + b) ** 2 * (a + b + 1.0)),
    std_entropy=lambda n, a, b: entropy_by_summation(logpmf, concrete_bound("betabinom.entropy", n, lambda n: n))(n, a, b))


__all__ = ["logpmf", "pmf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval", "entropy"]
