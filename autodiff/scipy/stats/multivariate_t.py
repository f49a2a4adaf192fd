"""scipy.stats.multivariate_t: logpdf, pdf and entropy of the multivariate Student's t, through a Cholesky factor.

log t(x; loc, shape, df) = log Gamma((df + p)/2) - log Gamma(df/2) - p/2 log(df pi) - log det(shape)/2
- (df + p)/2 log1p(maha / df), maha = |L^-1 (x - loc)|**2 with shape = L L^T; df = inf is the normal.
Arguments as scipy's (loc=None, shape=1, df=1; the last axis of x holds the components).
Differentiable in x, loc, shape and df. entropy is scipy's: the closed form below
df = 400 dim / (log dim + 1) and its asymptotic series in 1/df above (the closed form cancels there).
"""
import math

from ... import numpy as anp
from ...numpy import _util
from ...numpy.linalg import cholesky, diagonal
from ..linalg import solve_triangular
from .. import special as sc
from ._dist import as_float, scalar
from .multivariate_normal import _process_parameters, _process_quantiles

LOG_PI = math.log(math.pi)
LOG_2PI = math.log(2.0 * math.pi)


def logpdf(x, loc=None, shape=1, df=1, allow_singular=False):
    """scipy.stats.multivariate_t.logpdf: shape x.shape[:-1], squeezed."""
    if allow_singular:
        raise NotImplementedError("multivariate_t.logpdf: allow_singular=True is not supported")
    df = as_float(df)
    dim, loc, shape = _process_parameters(loc, shape)
    dev = anp.subtract(_process_quantiles(x, dim), loc)
    chol = cholesky(shape)
    batch = _util.shape(dev)[:-1]
    white = solve_triangular(chol, anp.transpose(anp.reshape(dev, (-1, dim))), lower=True)
    maha = anp.reshape(anp.sum(anp.square(white), axis=0), batch)
    half_log_det = anp.sum(anp.log(diagonal(chol)))
    infinite = anp.isinf(df)
    dfs = anp.where(infinite, 1.0, df)
    t = (sc.gammaln(0.5 * (dfs + dim)) - sc.gammaln(0.5 * dfs) - 0.5 * dim * (anp.log(dfs) + LOG_PI)
         - 0.5 * (dfs + dim) * anp.log1p(maha / dfs))
    normal = -0.5 * (dim * LOG_2PI + maha)
    return scalar(anp.squeeze(anp.where(infinite, normal, t) - half_log_det))


def pdf(x, loc=None, shape=1, df=1, allow_singular=False):
    """scipy.stats.multivariate_t.pdf = exp(logpdf)."""
    return scalar(anp.exp(logpdf(x, loc, shape, df, allow_singular)))


def _entropy_closed_form(dim, df):
    halfsum, half_df = 0.5 * (dim + df), 0.5 * df
    return (-sc.gammaln(halfsum) + sc.gammaln(half_df) + 0.5 * dim * anp.log(df * math.pi)
            + halfsum * (sc.psi(halfsum) - sc.psi(half_df)))


def _entropy_asymptotic(dim, df):
    """scipy's expansion of the closed form in 1/df (gh-18465)."""
    inv = 1.0 / df
    return (dim * 0.5 * (1.0 + LOG_2PI) + dim * inv - dim * (dim - 2) * inv**2 / 4
            + dim**2 * (dim - 2) * inv**3 / 6 + dim * (-3 * dim**3 + 8 * dim**2 - 8) * inv**4 / 24
            + dim**2 * (3 * dim**3 - 10 * dim**2 + 16) * inv**5 / 30)


def entropy(loc=None, shape=1, df=1):
    """scipy.stats.multivariate_t.entropy: depends on shape (through log det) and df, not on loc."""
    df = as_float(df)
    dim, loc, shape = _process_parameters(loc, shape)
    half_log_det = anp.sum(anp.log(diagonal(cholesky(shape))))
    threshold = dim * 100 * 4 / (math.log(dim) + 1)
    large = anp.greater_equal(df, threshold)
    infinite = anp.isinf(df)
    body = anp.where(large, _entropy_asymptotic(dim, anp.where(large, df, threshold)),
                     _entropy_closed_form(dim, anp.where(large, 1.0, df)))
    normal = 0.5 * dim * (1.0 + LOG_2PI)  # df = inf: the normal's entropy
    return scalar(anp.where(infinite, normal, body) + half_log_det)


__all__ = ["logpdf", "pdf", "entropy"]
