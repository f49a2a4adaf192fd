"""scipy.stats.wishart: logpdf, pdf, mean, mode, var and entropy of a symmetric positive-definite matrix X.

log W(X; df, S) = (df - p - 1)/2 log det X - tr(S^-1 X)/2 - df p/2 log 2 - df/2 log det S - log Gamma_p(df/2),
with log-determinants from Cholesky factors. As in scipy, several matrices are stacked along the
*last* axis of x, shape (p, p, N) (the result has shape (N,)); a 1 x 1 problem accepts scalars.
Differentiable in x, df and scale. mode returns None where df < dim + 1 (scipy's value) when df is
concrete, and nan entries there when df is traced.
"""
import math

import numpy as np

from ... import numpy as anp
from ...core import concrete_or_none
from ...numpy import _util
from ...numpy.linalg import cholesky, diagonal, solve
from .. import special as sc
from ._dist import as_float, scalar

LOG2 = math.log(2.0)


def _log_det(chol):
    return 2.0 * anp.sum(anp.log(diagonal(chol)), axis=-1)


def _scale_matrix(scale):
    """scipy's handling of `scale`: a scalar is 1 x 1, a vector the diagonal; square, at most 2-D."""
    scale = as_float(1.0 if scale is None else scale)
    nd = _util.ndim(scale)
    if nd == 0:
        scale = anp.reshape(scale, (1, 1))
    elif nd == 1:
        scale = anp.multiply(np.eye(_util.shape(scale)[0]), scale)
    elif nd == 2 and _util.shape(scale)[0] != _util.shape(scale)[1]:
        raise ValueError(f"Array 'scale' must be square if it is two dimensional, but scale.scale = "
                         f"{_util.shape(scale)}.")
    elif nd > 2:
        raise ValueError(f"Array 'scale' must be at most two-dimensional, but scale.ndim = {nd}")
    return scale


def _parameters(df, scale):
    """(dim, df, scale) as scipy's wishart._process_parameters: df a scalar > dim - 1 (checked when concrete)."""
    scale = _scale_matrix(scale)
    dim = _util.shape(scale)[0]
    df = as_float(dim if df is None else df)
    if _util.ndim(df) != 0:
        raise ValueError("Degrees of freedom must be a scalar.")
    df_val = concrete_or_none(df)
    if df_val is not None and df_val <= dim - 1:
        raise ValueError("Degrees of freedom must be greater than the dimension of scale matrix minus 1.")
    return dim, df, scale


def logpdf(x, df, scale):
    """scipy.stats.wishart.logpdf(x, df, scale)."""
    scale = _scale_matrix(scale)
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


def mean(df, scale):
    """scipy.stats.wishart.mean: df * scale."""
    dim, df, scale = _parameters(df, scale)
    return scalar(anp.squeeze(df * scale))


def mode(df, scale):
    """scipy.stats.wishart.mode: (df - dim - 1) * scale, None where df < dim + 1 (nan entries if df is traced)."""
    dim, df, scale = _parameters(df, scale)
    df_val = concrete_or_none(df)
    if df_val is not None and df_val < dim + 1:
        return None
    out = (df - dim - 1.0) * scale
    if df_val is None:
        out = anp.where(anp.greater_equal(df, dim + 1.0), out, np.nan)
    return scalar(anp.squeeze(out))


def var(df, scale):
    """scipy.stats.wishart.var: df (scale_ij**2 + scale_ii scale_jj), elementwise."""
    dim, df, scale = _parameters(df, scale)
    d = diagonal(scale)
    return scalar(anp.squeeze(df * (anp.square(scale) + anp.outer(d, d))))


def entropy(df, scale):
    """scipy.stats.wishart.entropy: (dim + 1)/2 log det S + dim (dim + 1)/2 log 2 + log Gamma_dim(df/2)
    - (df - dim - 1)/2 sum_i psi((df - i)/2) + df dim / 2."""
    dim, df, scale = _parameters(df, scale)
    log_det = _log_det(cholesky(scale))
    psi_sum = anp.sum(sc.psi(0.5 * (df - np.arange(dim))))
    return scalar(0.5 * (dim + 1) * log_det + 0.5 * dim * (dim + 1) * LOG2 + sc.multigammaln(0.5 * df, dim)
                  - 0.5 * (df - dim - 1.0) * psi_sum + 0.5 * df * dim)


__all__ = ["logpdf", "pdf", "mean", "mode", "var", "entropy"]
