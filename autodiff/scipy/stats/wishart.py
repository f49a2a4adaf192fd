"""scipy.stats.wishart: logpdf and pdf of a symmetric positive-definite matrix X with `df` degrees of freedom.

log W(X; df, S) = (df - p - 1)/2 log det X - tr(S^-1 X)/2 - df p/2 log 2 - df/2 log det S - log Gamma_p(df/2),
with log-determinants from Cholesky factors. As in scipy, several matrices are stacked along the
*last* axis of x, shape (p, p, N) (the result has shape (N,)); a 1 x 1 problem accepts scalars.
Differentiable in x, df and scale.
"""
import math

import numpy as np

from ... import numpy as anp
from ...numpy import _util
from ...numpy.linalg import cholesky, diagonal, solve
from .. import special as sc
from ._dist import as_float, scalar

LOG2 = math.log(2.0)


def _log_det(chol):
    return 2.0 * anp.sum(anp.log(diagonal(chol)), axis=-1)


def logpdf(x, df, scale):
    """scipy.stats.wishart.logpdf(x, df, scale)."""
    scale = as_float(scale)
    if _util.ndim(scale) == 0:
        scale = anp.reshape(scale, (1, 1))
    elif _util.ndim(scale) == 1:
        scale = anp.multiply(np.eye(_util.shape(scale)[0]), scale)
    p = _util.shape(scale)[0]
    df = as_float(df)
    x = as_float(x)
    if _util.ndim(x) == 0:
        x = anp.reshape(x, (1, 1, 1))
    elif _util.ndim(x) == 1:
        x = anp.reshape(x, (1, 1, -1)) if p == 1 else x
    if _util.ndim(x) == 2:
        x = anp.expand_dims(x, -1)
    if _util.shape(x)[:2] != (p, p):
        raise ValueError(f"Quantiles must have shape (p, p, N) = ({p}, {p}, N), got {_util.shape(x)}")
    xs = anp.moveaxis(x, -1, 0)                           # (N, p, p)
    log_det_x = _log_det(cholesky(xs))
    trace = anp.sum(diagonal(solve(scale, xs)), axis=-1)
    log_det_s = _log_det(cholesky(scale))
    out = (0.5 * (df - p - 1.0) * log_det_x - 0.5 * trace - 0.5 * df * p * LOG2 - 0.5 * df * log_det_s
           - sc.multigammaln(0.5 * df, p))
    return scalar(anp.squeeze(out))


def pdf(x, df, scale):
    """scipy.stats.wishart.pdf = exp(logpdf)."""
    return scalar(anp.exp(logpdf(x, df, scale)))


__all__ = ["logpdf", "pdf"]
