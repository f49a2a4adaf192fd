"""scipy.stats.multivariate_t: logpdf and pdf of the multivariate Student's t, through a Cholesky factor.

log t(x; loc, shape, df) = log Gamma((df + p)/2) - log Gamma(df/2) - p/2 log(df pi) - log det(shape)/2
- (df + p)/2 log1p(maha / df), maha = |L^-1 (x - loc)|**2 with shape = L L^T; df = inf is the normal.
Arguments as scipy's (loc=None, shape=1, df=1; the last axis of x holds the components).
Differentiable in x, loc, shape and df.
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


__all__ = ["logpdf", "pdf"]
