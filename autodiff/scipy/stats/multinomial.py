"""scipy.stats.multinomial: logpmf, pmf, mean, cov and entropy of counts x (last axis) in n trials with probabilities p.

scipy's conventions: the last probability is replaced by 1 - sum(p[..., :-1]) (so it gets no gradient);
p outside [0, 1] or n < 0 give nan; x that are not non-negative integers summing to n give -inf.
Differentiable in p. entropy sums over the counts 1..max(n), so it needs a concrete n.
"""
import numpy as np

from ... import numpy as anp
from ...core import concrete_or_none
from .. import special as sc
from . import binom
from ._dist import as_float, scalar


def _parameters(n, p):
    """(n, p with its last entry 1 - sum of the others, nan mask of bad n or p), as scipy's _process_parameters."""
    n, p = as_float(n), as_float(p)
    last = 1.0 - anp.sum(p[..., :-1], axis=-1, keepdims=True)
    p = anp.concatenate([p[..., :-1], last], axis=-1)
    bad = anp.logical_or(anp.any(anp.logical_or(anp.less(p, 0), anp.greater(p, 1)), axis=-1), anp.less(n, 0))
    return n, p, bad


def logpmf(x, n, p):
    """scipy.stats.multinomial.logpmf: log n! - sum(log x_i!) + sum(x_i log p_i)."""
    x = as_float(x)
    n, p, bad_np = _parameters(n, p)
    total = anp.sum(x, axis=-1)
    bad_x = anp.logical_or(anp.any(anp.logical_or(anp.not_equal(x, anp.floor(x)), anp.less(x, 0)), axis=-1),
                           anp.not_equal(total, n))
    safe_x = anp.where(anp.expand_dims(bad_x, -1), 0.0, x)
    safe_n = anp.where(bad_x, 0.0, n)
    val = sc.gammaln(safe_n + 1.0) + anp.sum(sc.xlogy(safe_x, p) - sc.gammaln(safe_x + 1.0), axis=-1)
    out = anp.where(bad_x, -np.inf, val)
    return scalar(anp.where(bad_np, np.nan, out))


def pmf(x, n, p):
    """scipy.stats.multinomial.pmf = exp(logpmf)."""
    return scalar(anp.exp(logpmf(x, n, p)))


def mean(n, p):
    """scipy.stats.multinomial.mean: n p (nan where n or p is bad)."""
    n, p, bad = _parameters(n, p)
    return anp.where(anp.expand_dims(bad, -1), np.nan, anp.expand_dims(n, -1) * p)


def cov(n, p):
    """scipy.stats.multinomial.cov: n (diag(p) - p p^T) over the last axis (nan where n or p is bad)."""
    n, p, bad = _parameters(n, p)
    eye = np.eye(anp.shape(p)[-1])
    outer = anp.expand_dims(p, -1) * anp.expand_dims(p, -2)
    out = anp.expand_dims(anp.expand_dims(n, -1), -1) * (anp.expand_dims(p, -1) * eye - outer)
    return anp.where(anp.expand_dims(anp.expand_dims(bad, -1), -1), np.nan, out)


def entropy(n, p):
    """scipy.stats.multinomial.entropy: n sum(entr(p)) - log n! + sum_i sum_x binom.pmf(x; n, p_i) log x!.

    The sum over x runs over 1..max(n), so n must be concrete (counts are data)."""
    n_val = concrete_or_none(n)
    if n_val is None:
        raise TypeError("scipy.stats.multinomial.entropy sums over the counts 1..n, so n must be concrete, not traced")
    n, p, bad = _parameters(n, p)
    term1 = n * anp.sum(sc.entr(p), axis=-1) - sc.gammaln(n + 1.0)
    x = np.arange(1.0, max(float(np.max(n_val)), 0.0) + 1.0)
    extra = max(anp.ndim(p), anp.ndim(n) + 1)
    x = x.reshape(x.shape + (1,) * extra)
    n_col = anp.expand_dims(anp.where(bad, 0.0, n), -1)
    terms = binom.pmf(x, n_col, anp.where(anp.expand_dims(bad, -1), 0.5, p)) * sc.gammaln(x + 1.0)
    term2 = anp.sum(anp.sum(terms, axis=-1), axis=0)
    return scalar(anp.where(bad, np.nan, term1 + term2))


__all__ = ["logpmf", "pmf", "mean", "cov", "entropy"]
