"""scipy.stats.multivariate_normal: logpdf, pdf and entropy with scipy's argument handling, through a Cholesky factor.

log N(x; mean, cov) = -(dim log(2 pi) + log det cov + |L^-1 (x - mean)|**2) / 2 with cov = L L^T,
using autodiff.numpy.linalg.cholesky and autodiff.scipy.linalg.solve_triangular, so it is
differentiable in x, mean and cov (the derivative in cov is that of the lower triangle the
Cholesky factorisation reads, the symmetric case being the usual one). As in scipy, the last axis
of x holds the components; with dim == 1 a vector x holds several points. allow_singular=True
(a degenerate covariance) is not supported.
"""
import math

import numpy as np

from ... import numpy as anp
from ...numpy import _util
from ...numpy.linalg import cholesky, diagonal
from ..linalg import solve_triangular
from ._dist import as_float, scalar

LOG_2PI = math.log(2.0 * math.pi)


def _process_parameters(mean, cov):
    """scipy's _process_parameters_psd: infer dim, fill defaults, expand scalar/vector cov."""
    cov = as_float(1.0 if cov is None else cov)
    if mean is None:
        dim = 1 if _util.ndim(cov) < 2 else _util.shape(cov)[0]
        mean = np.zeros(dim)
    mean = as_float(mean)
    dim = int(np.prod(_util.shape(mean), dtype=np.int64))
    if dim == 1:
        mean, cov = anp.reshape(mean, (1,)), anp.reshape(cov, (1, 1))
    if _util.ndim(mean) != 1 or _util.shape(mean)[0] != dim:
        raise ValueError(f"Array 'mean' must be a vector of length {dim}.")
    nd = _util.ndim(cov)
    if nd == 0:
        cov = anp.multiply(cov, np.eye(dim))
    elif nd == 1:
        cov = anp.multiply(np.eye(dim), cov)  # diag(cov)
    elif nd == 2 and _util.shape(cov) != (dim, dim):
        rows, cols = _util.shape(cov)
        if rows != cols:
            raise ValueError(f"Array 'cov' must be square if it is two dimensional, but cov.shape = {(rows, cols)}.")
        raise ValueError(f"Dimension mismatch: array 'cov' is of shape {(rows, cols)}, but 'mean' is a vector of "
                         f"length {dim}.")
    elif nd > 2:
        raise ValueError(f"Array 'cov' must be at most two-dimensional, but cov.ndim = {nd}")
    return dim, mean, cov


def _process_quantiles(x, dim):
    x = as_float(x)
    if _util.ndim(x) == 0:
        return anp.reshape(x, (1,))
    if _util.ndim(x) == 1:
        return anp.reshape(x, (-1, 1) if dim == 1 else (1, -1))
    return x


def _squeeze_output(out):
    return scalar(anp.squeeze(out))


def logpdf(x, mean=None, cov=1, allow_singular=False):
    """scipy.stats.multivariate_normal.logpdf(x, mean=None, cov=1): shape x.shape[:-1], squeezed."""
    if allow_singular:
        raise NotImplementedError("multivariate_normal.logpdf: allow_singular=True is not supported")
    dim, mean, cov = _process_parameters(mean, cov)
    dev = anp.subtract(_process_quantiles(x, dim), mean)
    chol = cholesky(cov)
    batch = _util.shape(dev)[:-1]
    white = solve_triangular(chol, anp.transpose(anp.reshape(dev, (-1, dim))), lower=True)
    maha = anp.reshape(anp.sum(anp.square(white), axis=0), batch)
    log_det = 2.0 * anp.sum(anp.log(diagonal(chol)))
    return _squeeze_output(-0.5 * (dim * LOG_2PI + log_det + maha))


def pdf(x, mean=None, cov=1, allow_singular=False):
    """scipy.stats.multivariate_normal.pdf = exp(logpdf)."""
    return scalar(anp.exp(logpdf(x, mean, cov, allow_singular)))


def entropy(mean=None, cov=1):
    """scipy.stats.multivariate_normal.entropy = (dim (log(2 pi) + 1) + log det cov) / 2, through the Cholesky
    factor (differentiable in cov; a singular cov raises LinAlgError, as allow_singular=False does)."""
    dim, mean, cov = _process_parameters(mean, cov)
    log_det = 2.0 * anp.sum(anp.log(diagonal(cholesky(cov))))
    return scalar(0.5 * (dim * (LOG_2PI + 1.0) + log_det))


__all__ = ["logpdf", "pdf", "entropy"]
