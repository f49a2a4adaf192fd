r"""Gaussian components shared by mixtures and HMMs: covariance sites, per-component log likelihoods,
and conversions between covariance matrices and site values.

One parametrisation serves every covariance type: standard deviations ``scales`` times the
Cholesky factor ``corr_chol`` of a correlation matrix (LKJ x scales, the ``ppl`` bijectors
``Exp`` and ``CholeskyCorr`` map them to unconstrained space),

.. math::

    \Sigma_k = \operatorname{diag}(s_k)\, C_k\, \operatorname{diag}(s_k),\qquad
    C_k = L_k L_k^\top,\qquad \text{scale\_tril}_k = \operatorname{diag}(s_k) L_k.

========== ================================ =====================
covariance sites                             covs (K, D, D) from
========== ================================ =====================
full       scales (K, D), corr_chol (K, D, D) s_k C_k s_k
diag       scales (K, D)                      diag(s_k^2)
spherical  scales (K,)                        s_k^2 I
tied       scales (D,), corr_chol (D, D)      one matrix for every k
========== ================================ =====================

Default priors (weakly informative, on the data's scale, zero density at a zero scale so that a
MAP cannot collapse a component onto one point): means ~ Normal(data mean, 10 data sd),
scales ~ Gamma(2, rate=1 / data sd) (mode at the data sd), corr_chol ~ LKJCholesky(D, 1).
With ``priors=None`` every site gets an improper flat prior on its support (maximum likelihood).
"""
import math
from typing import NamedTuple

import numpy as np

import autodiff.numpy as anp
import ppl
import ppl.distributions as dist
from ppl.distributions import constraints
from ppl.distributions.improper import ImproperUniform
from ppl.distributions.mvn_tril import mvn_tril_logpdf

__all__ = ["COVARIANCE_TYPES", "DataScale", "sample_components", "log_likelihoods", "covariance_matrices",
           "site_values", "n_covariance_parameters", "check_covariance_type"]

COVARIANCE_TYPES = ("full", "diag", "spherical", "tied")
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


class DataScale(NamedTuple):
    """Per-feature location and scale of the data, for the default priors."""

    loc: np.ndarray
    scale: np.ndarray

    @classmethod
    def of(cls, X):
        sd = X.std(axis=0)
        return cls(X.mean(axis=0), np.where(sd > 0, sd, 1.0))


def check_covariance_type(covariance):
    if covariance not in COVARIANCE_TYPES:
        raise ValueError(f"covariance must be one of {COVARIANCE_TYPES}, got {covariance!r}")
    return covariance


def _site(name, prior, support, shape, event_dim=0):
    """A latent site with `prior`, or an improper flat prior on `support` when prior is None."""
    if prior is None:
        event = shape[len(shape) - event_dim:] if event_dim else ()
        return ppl.sample(name, ImproperUniform(support, shape[:len(shape) - event_dim], event))
    return ppl.sample(name, prior)


def sample_components(n, d, covariance, data_scale):
    """Sample ``means`` (n, d), ``scales`` and (full, tied) ``corr_chol``; returns (means, scales, corr_chol).

    ``data_scale`` is a DataScale for the default priors, or None for flat priors.
    """
    flat = data_scale is None
    means = _site("means", None if flat else dist.Normal(data_scale.loc, 10.0 * data_scale.scale).expand((n, d)),
                  constraints.real, (n, d))
    if covariance == "spherical":
        sd = None if flat else float(np.mean(data_scale.scale))
        scale_shape = (n,)
    elif covariance == "tied":
        sd, scale_shape = (None if flat else data_scale.scale), (d,)
    else:
        sd, scale_shape = (None if flat else data_scale.scale), (n, d)
    scales = _site("scales", None if flat else dist.Gamma(2.0, 1.0 / sd).expand(scale_shape),
                   constraints.positive, scale_shape)
    corr_chol = None
    if covariance in ("full", "tied") and d == 1:
        corr_chol = unit_correlation(covariance, n, d, None)
    elif covariance in ("full", "tied"):
        lkj = dist.LKJCholesky(d, 1.0)
        prior = None if flat else (lkj.expand((n,)) if covariance == "full" else lkj)
        shape = ((n,) if covariance == "full" else ()) + (d, d)
        corr_chol = _site("corr_chol", prior, constraints.corr_cholesky, shape, event_dim=2)
    ppl.deterministic("covs", _traced_covariances(covariance, n, d, scales, corr_chol))
    return means, scales, corr_chol


def unit_correlation(covariance, n, d, corr_chol):
    """``corr_chol``, or for 1-D data (which has no correlations, and no ``corr_chol`` site: an LKJ
    distribution needs d >= 2) the unit factor that makes a full or tied covariance its scales alone."""
    if corr_chol is None and d == 1 and covariance in ("full", "tied"):
        return np.ones((n, 1, 1)) if covariance == "full" else np.ones((1, 1))
    return corr_chol


def _traced_covariances(covariance, n, d, scales, corr_chol):
    """covariance_matrices for traced values (a deterministic site: in the posterior, pruned from logp)."""
    if covariance == "diag":
        return anp.expand_dims(scales * scales, -1) * anp.eye(d)
    if covariance == "spherical":
        return anp.reshape(scales * scales, (n, 1, 1)) * anp.eye(d)
    if covariance == "tied":
        L = anp.expand_dims(scales, -1) * corr_chol
        return anp.broadcast_to(L @ anp.transpose(L), (n, d, d))
    L = anp.expand_dims(scales, -1) * corr_chol
    return L @ anp.swapaxes(L, -1, -2)


def log_likelihoods(X, means, covariance, scales, corr_chol):
    r"""``log N(x_i | mu_k, Sigma_k)`` as an (N, K) array; traceable, and plain numpy outside a transform.

    ``means`` is (K, D), or (N, K, D) when the mean varies per row (autoregressive emissions).
    Full and tied covariances go through the compiled multivariate normal primitive
    (``ppl.distributions.mvn_tril``: one kernel call for all rows and components, and one for the
    gradient): 0.33 -> 0.31 ms for the benchmark HMM's log density and gradient, against a
    triangular solve per component traced into the generated code.
    """
    d, k = X.shape[-1], means.shape[-2]
    corr_chol = unit_correlation(covariance, k, d, corr_chol)
    if covariance in ("diag", "spherical"):
        s = scales if covariance == "diag" else scales[:, None] * anp.ones((1, d))
        z = (anp.expand_dims(X, -2) - means) / s
        return -0.5 * anp.sum(z * z, axis=-1) - anp.sum(anp.log(s), axis=-1) - d * _HALF_LOG_2PI
    scale_tril = anp.expand_dims(scales, -1) * corr_chol  # (K, D, D), tied: (D, D)
    return mvn_tril_logpdf(anp.expand_dims(X, -2), means, scale_tril)


def covariance_matrices(covariance, n, d, scales, corr_chol):
    """The (n, d, d) covariance matrices (numpy) from site values; tied: the one matrix repeated."""
    scales = np.asarray(scales)
    corr_chol = unit_correlation(covariance, n, d, corr_chol)
    if covariance == "diag":
        return np.stack([np.diag(s ** 2) for s in scales])
    if covariance == "spherical":
        return scales[:, None, None] ** 2 * np.eye(d)
    if covariance == "tied":
        L = scales[:, None] * corr_chol
        return np.repeat((L @ L.T)[None], n, axis=0)
    L = scales[..., :, None] * corr_chol
    return L @ np.swapaxes(L, -1, -2)


def site_values(covariance, covs, name="covs"):
    """Site values (``scales``, ``corr_chol``) for covariance matrices ``covs`` (K, D, D) of this type."""
    covs = np.asarray(covs, dtype=np.float64)
    if covs.ndim != 3 or covs.shape[1] != covs.shape[2]:
        raise ValueError(f"{name} must have shape (K, D, D), got {covs.shape}")
    sd = np.sqrt(np.diagonal(covs, axis1=1, axis2=2))
    if covariance == "diag":
        return {"scales": sd}
    if covariance == "spherical":
        return {"scales": np.sqrt(np.mean(sd ** 2, axis=1))}
    if covs.shape[1] == 1:  # 1-D: no correlations (see unit_correlation)
        return {"scales": sd[0] if covariance == "tied" else sd}
    if covariance == "tied":
        covs, sd = covs[:1], sd[:1]
    corr = covs / (sd[:, :, None] * sd[:, None, :])
    try:
        chol = np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:
        raise ValueError(f"{name} must be symmetric positive definite") from None
    return {"scales": sd[0], "corr_chol": chol[0]} if covariance == "tied" else {"scales": sd, "corr_chol": chol}


def n_covariance_parameters(covariance, n, d):
    """Free parameters of the covariances (sklearn's count)."""
    return {"full": n * d * (d + 1) // 2, "diag": n * d, "spherical": n, "tied": d * (d + 1) // 2}[covariance]
