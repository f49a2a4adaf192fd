"""scipy.stats.multinomial: logpmf and pmf of counts x (last axis) in n trials with probabilities p.

scipy's conventions: the last probability is replaced by 1 - sum(p[..., :-1]) (so it gets no gradient);
p outside [0, 1] or n < 0 give nan; x that are not non-negative integers summing to n give -inf.
Differentiable in p.
"""
import numpy as np

from ... import numpy as anp
from .. import special as sc
from ._dist import as_float, scalar


def logpmf(x, n, p):
    """scipy.stats.multinomial.logpmf: log n! - sum(log x_i!) + sum(x_i log p_i)."""
    x, n, p = as_float(x), as_float(n), as_float(p)
    last = 1.0 - anp.sum(p[..., :-1], axis=-1, keepdims=True)
    p = anp.concatenate([p[..., :-1], last], axis=-1)
    bad_p = anp.any(anp.logical_or(anp.less(p, 0), anp.greater(p, 1)), axis=-1)
    bad_n = anp.less(n, 0)
    total = anp.sum(x, axis=-1)
    bad_x = anp.logical_or(anp.any(anp.logical_or(anp.not_equal(x, anp.floor(x)), anp.less(x, 0)), axis=-1),
                           anp.not_equal(total, n))
    safe_x = anp.where(anp.expand_dims(bad_x, -1), 0.0, x)
    safe_n = anp.where(bad_x, 0.0, n)
    val = sc.gammaln(safe_n + 1.0) + anp.sum(sc.xlogy(safe_x, p) - sc.gammaln(safe_x + 1.0), axis=-1)
    out = anp.where(bad_x, -np.inf, val)
    return scalar(anp.where(anp.logical_or(bad_p, bad_n), np.nan, out))


def pmf(x, n, p):
    """scipy.stats.multinomial.pmf = exp(logpmf)."""
    return scalar(anp.exp(logpmf(x, n, p)))


__all__ = ["logpmf", "pmf"]
