"""scipy.stats.dirichlet: logpdf, pdf, mean, var, cov and entropy, with scipy's argument handling.

As in scipy, the components of x run along its first axis (x of shape (K,) or (K, N) for N points),
a vector with K - 1 entries gets its last component 1 - sum appended, and x must lie on the simplex
(entries in [0, 1] summing to 1 within 1e-9; an entry 0 needs alpha > 1 there): otherwise a
ValueError, checked when x is concrete. Differentiable in x and alpha.
"""
import numpy as np

from ... import numpy as anp
from ...core import concrete_or_none
from ...numpy import _util
from .. import special as sc
from ._dist import as_float, scalar


def _check(x, alpha):
    x_val, a_val = concrete_or_none(x), concrete_or_none(alpha)
    if a_val is not None and (np.min(a_val) <= 0):
        raise ValueError("All parameters must be greater than 0")
    if x_val is None:
        return
    x_val = np.asarray(x_val)
    if np.min(x_val) < 0:
        raise ValueError("Each entry in 'x' must be greater than or equal to zero.")
    if np.max(x_val) > 1:
        raise ValueError("Each entry in 'x' must be smaller or equal one.")
    if a_val is not None:
        zero = np.any((x_val == 0) & (np.asarray(a_val).reshape((-1,) + (1,) * (x_val.ndim - 1)) <= 1), axis=0)
        if np.any(zero):
            raise ValueError("Each entry in 'x' must be greater than zero if its alpha is less than or equal to one.")
    if np.any(np.abs(np.sum(x_val, 0) - 1.0) > 10e-10):
        raise ValueError("The input vector 'x' must lie within the normal simplex. but np.sum(x, 0) - 1.0 = "
                         f"{np.sum(x_val, 0) - 1.0}.")


def logpdf(x, alpha):
    """scipy.stats.dirichlet.logpdf: sum((alpha - 1) log x) - log B(alpha)."""
    alpha = as_float(alpha)
    if _util.ndim(alpha) != 1:
        raise ValueError("Parameter vector 'a' must be one dimensional, but a.shape = " + str(_util.shape(alpha)) + ".")
    k = _util.shape(alpha)[0]
    x = as_float(x)
    if _util.shape(x)[0] == k - 1:
        x = anp.concatenate([x, anp.expand_dims(1.0 - anp.sum(x, axis=0), 0)], axis=0)
    if _util.shape(x)[0] != k:
        raise ValueError(f"Vector 'x' must have either the same number of entries as, or one entry fewer than, "
                         f"parameter vector 'a', but alpha.shape = {(k,)} and x.shape = {_util.shape(x)}.")
    _check(x, alpha)
    log_b = anp.sum(sc.gammaln(alpha)) - sc.gammaln(anp.sum(alpha))
    a_col = anp.reshape(alpha, (k,) + (1,) * (_util.ndim(x) - 1))
    return scalar(anp.sum(sc.xlogy(a_col - 1.0, x), axis=0) - log_b)


def pdf(x, alpha):
    """scipy.stats.dirichlet.pdf = exp(logpdf)."""
    return scalar(anp.exp(logpdf(x, alpha)))


def _alpha(alpha):
    """scipy's _dirichlet_check_parameters: alpha > 0 (checked when concrete), one-dimensional."""
    alpha = as_float(alpha)
    a_val = concrete_or_none(alpha)
    if a_val is not None and np.min(a_val) <= 0:
        raise ValueError("All parameters must be greater than 0")
    if _util.ndim(alpha) != 1:
        raise ValueError("Parameter vector 'a' must be one dimensional, but a.shape = " + str(_util.shape(alpha)) + ".")
    return alpha


def mean(alpha):
    """scipy.stats.dirichlet.mean: alpha / sum(alpha)."""
    alpha = _alpha(alpha)
    return scalar(anp.squeeze(alpha / anp.sum(alpha)))


def var(alpha):
    """scipy.stats.dirichlet.var: alpha (alpha0 - alpha) / (alpha0**2 (alpha0 + 1))."""
    alpha = _alpha(alpha)
    a0 = anp.sum(alpha)
    return scalar(anp.squeeze(alpha * (a0 - alpha) / (a0 * a0 * (a0 + 1.0))))


def cov(alpha):
    """scipy.stats.dirichlet.cov: (diag(a) - a a^T) / (alpha0 + 1), a = alpha / alpha0."""
    alpha = _alpha(alpha)
    a0 = anp.sum(alpha)
    a = alpha / a0
    return scalar(anp.squeeze((anp.diag(a) - anp.outer(a, a)) / (a0 + 1.0)))


def entropy(alpha):
    """scipy.stats.dirichlet.entropy: log B(alpha) + (alpha0 - K) psi(alpha0) - sum((alpha - 1) psi(alpha))."""
    alpha = _alpha(alpha)
    a0 = anp.sum(alpha)
    log_b = anp.sum(sc.gammaln(alpha)) - sc.gammaln(a0)
    k = _util.shape(alpha)[0]
    return scalar(log_b + (a0 - k) * sc.psi(a0) - anp.sum((alpha - 1.0) * sc.psi(alpha)))


__all__ = ["logpdf", "pdf", "mean", "var", "cov", "entropy"]
