r"""GaussianMixture: a finite mixture of Gaussians fitted by gradient-based optimisation, not EM.

.. math::

    \log p(X) = \sum_i \operatorname{logsumexp}_k\left(\log w_k + \log N(x_i \mid \mu_k, \Sigma_k)\right)

The model is one ``ppl`` function (``gaussian_mixture``); ``fit`` maximises its log posterior
(or log likelihood with ``priors=None``) over the unconstrained vector, ``sample_posterior`` runs
NUTS on it. The API follows ``sklearn.mixture.GaussianMixture``: ``predict``, ``predict_proba``,
``score`` (mean log likelihood per sample), ``score_samples``, ``bic``, ``aic``, ``sample``.
"""
from typing import NamedTuple

import numpy as np
from scipy.special import logsumexp

from autodiff.scipy import special

import autodiff.numpy as anp
import ppl
import ppl.distributions as dist
from ppl.distributions import constraints
from ppl.distributions.improper import ImproperUniform

from .base import Model, check_matrix, interior
from .gaussian import (DataScale, check_covariance_type, covariance_matrices, log_likelihoods,
                       n_covariance_parameters, sample_components, site_values)
from .init import kmeans_plus_plus_start
from .relabel import relabel_posterior

__all__ = ["GaussianMixture", "gaussian_mixture"]


def gaussian_mixture(X, n_components, covariance, data_scale):
    """The ppl model: weights ~ Dirichlet(1), Gaussian components (see models.gaussian), X marginalised."""
    k = n_components
    if data_scale is None:
        weights = ppl.sample("weights", ImproperUniform(constraints.simplex, (), (k,)))
    else:
        weights = ppl.sample("weights", dist.Dirichlet(np.ones(k)))
    means, scales, corr_chol = sample_components(k, X.shape[1], covariance, data_scale)
    ll = log_likelihoods(X, means, covariance, scales, corr_chol)
    ppl.factor("log_likelihood", anp.sum(special.logsumexp(ll + anp.log(weights), axis=-1)))


class _Data(NamedTuple):
    X: np.ndarray


class GaussianMixture(Model):
    """Gaussian mixture with ``n_components`` components; ``covariance`` in full, diag, spherical, tied.

    Parameters
    ----------
    n_components : int
    covariance : {"full", "diag", "spherical", "tied"}
    priors : "default" or None
        Weakly informative priors (see ``models.gaussian``), or None for maximum likelihood.

    Attributes
    ----------
    params_ : dict
        ``weights`` (K,), ``means`` (K, D), ``covs`` (K, D, D) (full matrices for every type).
    fit_ : FitResult

    Examples
    --------
    >>> gmm = GaussianMixture(n_components=3, covariance="full")
    >>> fit = gmm.fit(X, restarts=5, seed=0)
    >>> fit.params["means"], fit.converged, gmm.predict(X), gmm.bic(X)
    """

    _component_axes = {"weights": (0,), "means": (0,), "scales": (0,), "corr_chol": (0,), "covs": (0,)}

    def __init__(self, n_components=1, covariance="full", priors="default"):
        if isinstance(n_components, bool) or not isinstance(n_components, (int, np.integer)) or n_components < 1:
            raise ValueError(f"n_components must be an int >= 1, got {n_components!r}")
        self.n_components = int(n_components)
        self.covariance = check_covariance_type(covariance)
        self.priors = self._check_priors(priors)
        self.params_ = self.fit_ = None

    # -- the model and its parameters ---------------------------------------------------------
    def _data(self, X, fitting=False):
        n_features = None if fitting or self.params_ is None else self.params_["means"].shape[1]
        X = check_matrix(X, n_features=n_features, min_rows=self.n_components if fitting else 1,
                         why=f"n_components={self.n_components}")
        return _Data(X)

    def _model_args(self, data):
        scale = DataScale.of(data.X) if self.priors is not None else None
        return gaussian_mixture, (data.X, self.n_components, self.covariance, scale)

    def _site_values(self, params, data):
        weights, means, covs = (np.asarray(params[k], dtype=np.float64) for k in ("weights", "means", "covs"))
        return {"weights": interior(weights), "means": means, **site_values(self.covariance, covs)}

    def _init_points(self, data, rng, n):
        points = []
        for _ in range(n):
            weights, means, covs = kmeans_plus_plus_start(data.X, self.n_components, rng)
            points.append(self._site_values({"weights": weights, "means": means, "covs": covs}, data))
        return points

    def _params(self, sites):
        k, d = sites["means"].shape
        covs = covariance_matrices(self.covariance, k, d, sites["scales"], sites.get("corr_chol"))
        return {"weights": np.asarray(sites["weights"]), "means": np.asarray(sites["means"]), "covs": covs}

    def _log_likelihood(self, data, params):
        return float(np.sum(self.score_samples(data.X, params)))

    # -- public API ------------------------------------------------------------------------------
    def log_density(self, X):
        """The compiled ``ppl.LogDensity`` of this model on X."""
        return ppl.log_density(*self._model_args_flat(self._data(X, fitting=True)))

    def fit(self, X, method="lbfgs", restarts=5, seed=0, init=None, **options):
        """Fit by maximising the log posterior (log likelihood with ``priors=None``) from several starts.

        ``init``: a params dict (``weights``, ``means``, ``covs``) or a list of them, used as the
        first starts; the others come from k-means++ seeds. ``options`` go to ``samplers.optimize``
        (``steps``, ``learning_rate``, ``gtol``, ``ftol``; ``precondition``, False by default here; ``cores``,
        the threads that run the restarts side by side, which do not change the result).
        Returns a FitResult; sets ``params_``.
        """
        # a mixture's coordinates have curvatures of one order (weights, means and scales all ~N), so L-BFGS
        # needs no diagonal preconditioner: on the benchmark GMM it saved fewer evaluations than it cost
        options.setdefault("precondition", False)
        return self._fit(self._data(X, fitting=True), method, restarts, seed, init, **options)

    def sample_posterior(self, X, draws=1000, tune=1000, chains=4, seed=0, **kwargs):
        """NUTS on the same model (``samplers.nuts``); components are relabelled post hoc so that in
        every draw the means are in increasing order of their first coordinate. Chains start at the
        fitted parameters (after ``fit``) or at ``init="map"`` (``samplers.nuts``'s best L-BFGS optimum)."""
        return self._sample_posterior(self._data(X, fitting=True), draws, tune, chains, seed, **kwargs)

    def _relabel(self, idata):
        shared = ("scales", "corr_chol") if self.covariance == "tied" else ()
        return relabel_posterior(idata, {k: v for k, v in self._component_axes.items() if k not in shared})

    def _weighted_log_likelihoods(self, X, params=None):
        p = self.params if params is None else params
        sites = self._site_values(p, None)
        ll = log_likelihoods(X, p["means"], self.covariance, sites["scales"], sites.get("corr_chol"))
        with np.errstate(divide="ignore"):
            return ll + np.log(p["weights"])

    def score_samples(self, X, params=None):
        """log p(x_i) per row (sklearn's ``score_samples``)."""
        X = self._data(X).X if params is None else X
        return logsumexp(self._weighted_log_likelihoods(X, params), axis=1)

    def score(self, X):
        """Mean log likelihood per sample (sklearn's ``score``)."""
        return float(np.mean(self.score_samples(X)))

    def predict_proba(self, X):
        """Posterior probability of each component for each row, (N, K)."""
        wll = self._weighted_log_likelihoods(self._data(X).X)
        return np.exp(wll - logsumexp(wll, axis=1, keepdims=True))

    def predict(self, X):
        """The most probable component of each row."""
        return np.argmax(self._weighted_log_likelihoods(self._data(X).X), axis=1)

    def n_parameters(self):
        d = self.params["means"].shape[1]
        k = self.n_components
        return n_covariance_parameters(self.covariance, k, d) + k * d + k - 1

    def bic(self, X):
        """Bayesian information criterion (lower is better), as sklearn."""
        X = self._data(X).X
        return -2 * self.score(X) * X.shape[0] + self.n_parameters() * np.log(X.shape[0])

    def aic(self, X):
        """Akaike information criterion (lower is better), as sklearn."""
        X = self._data(X).X
        return -2 * self.score(X) * X.shape[0] + 2 * self.n_parameters()

    def sample(self, n_samples=1, seed=None):
        """(X (n_samples, D), labels (n_samples,)) drawn from the fitted mixture."""
        rng = np.random.default_rng(seed)
        p = self.params
        labels = rng.choice(self.n_components, size=n_samples, p=p["weights"] / p["weights"].sum())
        chol = np.linalg.cholesky(p["covs"])
        z = rng.standard_normal((n_samples, p["means"].shape[1]))
        return p["means"][labels] + np.einsum("nij,nj->ni", chol[labels], z), labels
