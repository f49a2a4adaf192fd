"""scipy.stats.betabinom: the beta-binomial distribution on 0..n with shapes `a`, `b` (logpmf and pmf)."""
from ... import numpy as anp
from .. import special as sc
from ._dist import Discrete, exp


def std_logpmf(k, n, a, b):
    """-log(n + 1) - log B(n - k + 1, k + 1) + log B(k + a, n - k + b) - log B(a, b) (scipy's formula)."""
    combiln = -anp.log(n + 1.0) - sc.betaln(n - k + 1.0, k + 1.0)
    return combiln + sc.betaln(k + a, n - k + b) - sc.betaln(a, b)


def _argcheck(n, a, b):
    n_ok = anp.logical_and(anp.greater_equal(n, 0), anp.equal(n, anp.round(n)))
    return anp.logical_and(n_ok, anp.logical_and(anp.greater(a, 0), anp.greater(b, 0)))


_spec = Discrete(std_logpmf, argcheck=_argcheck, safe=(1.0, 1.0, 1.0), support=lambda n, a, b: (0.0, n))


def logpmf(k, n, a, b, loc=0):
    """scipy.stats.betabinom.logpmf; differentiable in a and b."""
    return _spec.logpmf(k, (n, a, b), loc)


def pmf(k, n, a, b, loc=0):
    return exp(logpmf(k, n, a, b, loc))


__all__ = ["logpmf", "pmf"]
