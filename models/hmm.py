r"""GaussianHMM and ARGaussianHMM: hidden Markov models with Gaussian emissions, fitted by gradient-based
optimisation of the forward-algorithm likelihood (no EM).

.. math::

    z_0 \sim \pi,\quad z_t \mid z_{t-1} \sim A_{z_{t-1}},\quad
    y_t \mid z_t = k \sim N(\mu_k + W_k\, y_{t-1}, \Sigma_k)

(``W_k = 0`` for ``GaussianHMM``; ``ARGaussianHMM`` has ``lags`` previous observations, zero before
the start of each sequence, as dynamax's ``LinearAutoregressiveHMM``). The states are summed out by
the forward-algorithm primitive (``ppl.distributions.forward_algorithm``: compiled forward-backward
kernels). Several sequences (hmmlearn's ``lengths``) stay concatenated: the primitive runs each over
its own rows, so sequences of very different lengths cost their total length, not the longest's
times their number. The API follows
``hmmlearn.hmm.GaussianHMM``: ``score`` (total log likelihood), ``predict`` (Viterbi),
``predict_proba`` (smoothed probabilities), ``sample``.
"""
from typing import NamedTuple

import numpy as np

import autodiff.numpy as anp
import ppl
import ppl.distributions as dist
from ppl.distributions import constraints
from ppl.distributions.forward_algorithm import hmm_log_marginal_concatenated
from ppl.distributions.hmm import forward_log_marginal
from ppl.distributions.improper import ImproperUniform

from .base import DataError, Model, check_lengths, check_matrix, interior
from .gaussian import (DataScale, check_covariance_type, covariance_matrices, log_likelihoods,
                       n_covariance_parameters, sample_components, site_values)
from .hmm_inference import forward_backward, split_sequences, viterbi
from .init import kmeans_plus_plus_start
from .relabel import relabel_posterior

__all__ = ["GaussianHMM", "ARGaussianHMM", "gaussian_hmm"]


def _chain_sites(k, flat):
    if flat:
        initial = ppl.sample("initial", ImproperUniform(constraints.simplex, (), (k,)))
        transition = ppl.sample("transition", ImproperUniform(constraints.simplex, (k,), (k,)))
    else:
        initial = ppl.sample("initial", dist.Dirichlet(np.ones(k)))
        transition = ppl.sample("transition", dist.Dirichlet(np.ones((k, k))))
    return initial, transition


def gaussian_hmm(X, lengths, lagged, n_states, covariance, data_scale):
    """The ppl model: initial ~ Dirichlet(1), transition rows ~ Dirichlet(1), Gaussian emissions
    (models.gaussian), states marginalised by the forward algorithm.

    ``lengths`` (S,): the lengths of the sequences stacked in X, or None for one sequence.
    ``lagged`` (N, D * lags) holds the previous observations for an autoregressive HMM, or None.
    """
    k, d = n_states, X.shape[1]
    initial, transition = _chain_sites(k, data_scale is None)
    means, scales, corr_chol = sample_components(k, d, covariance, data_scale)
    if lagged is not None:
        shape = (k, d, lagged.shape[1])
        prior = ImproperUniform(constraints.real, shape) if data_scale is None else dist.Normal(0.0, 1.0).expand(shape)
        weights = ppl.sample("ar_weights", prior)
        means = means + anp.reshape(lagged @ anp.transpose(anp.reshape(weights, (k * d, shape[2]))), (-1, k, d))
    ll = log_likelihoods(X, means, covariance, scales, corr_chol)
    ppl.factor("log_likelihood", _log_marginal(anp.log(initial), anp.log(transition), ll, lengths))


def _log_marginal(log_initial, log_transition, ll, lengths):
    """Sum over sequences of log p(y): the forward-algorithm primitive under a transform, and its
    compiled forward pass on plain arrays (the model also runs untraced: to find its sites, its
    initial point and the unconstrained values of each start; and ``score`` evaluates it)."""
    if all(isinstance(a, np.ndarray) for a in (log_initial, log_transition, ll)):
        lengths = [ll.shape[0]] if lengths is None else lengths
        return float(np.sum(hmm_log_marginal_concatenated(log_initial, log_transition, ll, lengths)))
    if lengths is None:
        return anp.sum(forward_log_marginal(log_initial, log_transition, ll))
    return anp.sum(hmm_log_marginal_concatenated(log_initial, log_transition, ll, lengths))


class _Data(NamedTuple):
    X: np.ndarray
    lengths: np.ndarray
    lagged: object


class GaussianHMM(Model):
    """Hidden Markov model with ``n_states`` Gaussian states; ``covariance`` in full, diag, spherical, tied.

    Parameters
    ----------
    n_states : int
    covariance : {"full", "diag", "spherical", "tied"}
    priors : "default" or None
        Weakly informative priors (Dirichlet(1) rows, ``models.gaussian`` components), or None for
        maximum likelihood.

    Attributes
    ----------
    params_ : dict
        ``initial`` (K,), ``transition`` (K, K), ``means`` (K, D), ``covs`` (K, D, D).

    Examples
    --------
    >>> hmm = GaussianHMM(n_states=3, covariance="full")
    >>> fit = hmm.fit(X, restarts=5, seed=0)
    >>> hmm.predict(X), hmm.predict_proba(X), hmm.score(X)
    >>> hmm.fit(np.concatenate([X1, X2]), lengths=[len(X1), len(X2)])
    """

    lags = 0
    _component_axes = {"initial": (0,), "transition": (0, 1), "means": (0,), "scales": (0,), "corr_chol": (0,),
                       "covs": (0,), "ar_weights": (0,)}

    def __init__(self, n_states=1, covariance="full", priors="default"):
        if isinstance(n_states, bool) or not isinstance(n_states, (int, np.integer)) or n_states < 1:
            raise ValueError(f"n_states must be an int >= 1, got {n_states!r}")
        self.n_states = int(n_states)
        self.covariance = check_covariance_type(covariance)
        self.priors = self._check_priors(priors)
        self.params_ = self.fit_ = None

    # -- data ----------------------------------------------------------------------------------
    def _data(self, X, lengths, fitting=False):
        if isinstance(X, (list, tuple)) and X and all(np.ndim(x) == 2 for x in X):  # a list of sequences
            if lengths is not None and list(lengths) != [len(x) for x in X]:
                raise DataError(f"lengths {list(lengths)} do not match the {len(X)} sequences given "
                                f"(of lengths {[len(x) for x in X]}); pass one or the other")
            X, lengths = np.concatenate(X), [len(x) for x in X]
        n_features = None if fitting or self.params_ is None else self.params_["means"].shape[1]
        X = check_matrix(X, n_features=n_features, min_rows=self.n_states if fitting else 1,
                         why=f"n_states={self.n_states}")
        lengths = check_lengths(lengths, X.shape[0])
        return _Data(X, lengths, self._lagged(X, lengths))

    def _lagged(self, X, lengths):
        return None

    # -- the model and its parameters ---------------------------------------------------------
    def _model_args(self, data):
        scale = DataScale.of(data.X) if self.priors is not None else None
        several = data.lengths if data.lengths.size > 1 else None
        return gaussian_hmm, (data.X, several, data.lagged, self.n_states, self.covariance, scale)

    def _site_values(self, params, data):
        initial, transition, means, covs = (np.asarray(params[k], dtype=np.float64)
                                            for k in ("initial", "transition", "means", "covs"))
        values = {"initial": interior(initial), "transition": interior(transition),
                  "means": means, **site_values(self.covariance, covs)}
        if self.lags:
            values["ar_weights"] = np.asarray(params["ar_weights"], dtype=np.float64)
        return values

    def _init_points(self, data, rng, n):
        points, k = [], self.n_states
        for _ in range(n):
            _, means, covs = kmeans_plus_plus_start(data.X, k, rng)
            params = {"initial": np.full(k, 1.0 / k), "means": means, "covs": covs,
                      "transition": np.full((k, k), 0.1 / max(k - 1, 1)) + (0.9 - 0.1 / max(k - 1, 1)) * np.eye(k)}
            if k == 1:
                params["transition"] = np.ones((1, 1))
            if self.lags:
                params["ar_weights"] = np.zeros((k, data.X.shape[1], data.X.shape[1] * self.lags))
            points.append(self._site_values(params, data))
        return points

    def _params(self, sites):
        k, d = sites["means"].shape
        params = {"initial": np.asarray(sites["initial"]), "transition": np.asarray(sites["transition"]),
                  "means": np.asarray(sites["means"]),
                  "covs": covariance_matrices(self.covariance, k, d, sites["scales"], sites.get("corr_chol"))}
        if self.lags:
            params["ar_weights"] = np.asarray(sites["ar_weights"])
        return params

    def _emission_log_likelihoods(self, data, params):
        p = params
        sites = self._site_values(p, data)
        means = p["means"]
        if data.lagged is not None:
            k, d = means.shape
            means = means + (data.lagged @ p["ar_weights"].reshape(k * d, -1).T).reshape(-1, k, d)
        return log_likelihoods(data.X, means, self.covariance, sites["scales"], sites.get("corr_chol"))

    def _sequences(self, data, params):
        """Per sequence: (log initial, log transition, emission log likelihoods)."""
        ll = self._emission_log_likelihoods(data, params)
        with np.errstate(divide="ignore"):
            log_initial, log_transition = np.log(params["initial"]), np.log(params["transition"])
        return [(log_initial, log_transition, np.ascontiguousarray(ll[a:b])) for a, b in split_sequences(data.lengths)]

    def _log_likelihood(self, data, params):
        ll = self._emission_log_likelihoods(data, params)
        with np.errstate(divide="ignore"):
            log_initial, log_transition = np.log(params["initial"]), np.log(params["transition"])
        return _log_marginal(log_initial, log_transition, ll, data.lengths)

    # -- public API ------------------------------------------------------------------------------
    def log_density(self, X, lengths=None):
        """The compiled ``ppl.LogDensity`` of this model on X."""
        return ppl.log_density(*self._model_args_flat(self._data(X, lengths, fitting=True)))

    def fit(self, X, lengths=None, method="lbfgs", restarts=5, seed=0, init=None, **options):
        """Fit by maximising the log posterior (log likelihood with ``priors=None``) from several starts.

        ``lengths``: the lengths of the sequences stacked in X (hmmlearn's convention); or pass X
        as a list of (T_i, D) sequences.
        ``init``: a params dict or a list of them, used as the first starts; the others come from
        k-means++ means with a sticky transition matrix. ``options`` go to ``samplers.optimize``
        (e.g. ``cores=``: the threads that run the restarts side by side; the fit does not depend on it).
        """
        return self._fit(self._data(X, lengths, fitting=True), method, restarts, seed, init, **options)

    def sample_posterior(self, X, lengths=None, draws=1000, tune=1000, chains=4, seed=0, **kwargs):
        """NUTS on the same model (``samplers.nuts``); states are relabelled post hoc so that in
        every draw the means are in increasing order of their first coordinate. Chains start at the
        fitted parameters (after ``fit``) or at ``init="map"`` (``samplers.nuts``'s best L-BFGS optimum)."""
        return self._sample_posterior(self._data(X, lengths, fitting=True), draws, tune, chains, seed, **kwargs)

    def _relabel(self, idata):
        shared = ("scales", "corr_chol") if self.covariance == "tied" else ()
        return relabel_posterior(idata, {k: v for k, v in self._component_axes.items() if k not in shared})

    def score(self, X, lengths=None):
        """Total log likelihood of the sequences (hmmlearn's ``score``)."""
        return self._log_likelihood(self._data(X, lengths), self.params)

    def predict_proba(self, X, lengths=None):
        """Smoothed state probabilities p(z_t = k | the whole sequence), (N, K)."""
        return np.concatenate([forward_backward(*seq)[1] for seq in self._sequences(self._data(X, lengths),
                                                                                   self.params)])

    def predict(self, X, lengths=None):
        """The most probable state path (Viterbi) of each sequence, concatenated."""
        return np.concatenate([viterbi(*seq)[1] for seq in self._sequences(self._data(X, lengths), self.params)])

    def decode(self, X, lengths=None):
        """(log p(X, z*), z*): Viterbi's log probability (summed over sequences) and path, as hmmlearn."""
        out = [viterbi(*seq) for seq in self._sequences(self._data(X, lengths), self.params)]
        return float(sum(o[0] for o in out)), np.concatenate([o[1] for o in out])

    def n_parameters(self):
        k, d = self.params["means"].shape
        return (k - 1) + k * (k - 1) + k * d + n_covariance_parameters(self.covariance, k, d) + self.lags * k * d * d

    def bic(self, X, lengths=None):
        n = np.asarray(X).shape[0]
        return -2 * self.score(X, lengths) + self.n_parameters() * np.log(n)

    def aic(self, X, lengths=None):
        return -2 * self.score(X, lengths) + 2 * self.n_parameters()

    def sample(self, n_samples=1, seed=None):
        """(X (n_samples, D), states (n_samples,)): one sequence drawn from the fitted model."""
        rng = np.random.default_rng(seed)
        p = self.params
        k, d = p["means"].shape
        chol = np.linalg.cholesky(p["covs"])
        states = np.empty(n_samples, dtype=np.int64)
        X = np.empty((n_samples, d))
        history = np.zeros(d * self.lags)
        z = rng.choice(k, p=p["initial"] / p["initial"].sum())
        for t in range(n_samples):
            if t:
                row = p["transition"][z]
                z = rng.choice(k, p=row / row.sum())
            mean = p["means"][z] + (p["ar_weights"][z] @ history if self.lags else 0.0)
            X[t] = mean + chol[z] @ rng.standard_normal(d)
            states[t] = z
            if self.lags:
                history = np.concatenate([X[t], history[:-d]])
        return X, states


class ARGaussianHMM(GaussianHMM):
    """Autoregressive Gaussian HMM: ``y_t | z_t = k ~ N(means_k + ar_weights_k @ [y_{t-1}, ..., y_{t-lags}], covs_k)``.

    The lagged observations before the start of each sequence are zero (dynamax's convention).
    ``params_`` adds ``ar_weights`` (K, D, D * lags). Default prior: ar_weights ~ Normal(0, 1).
    """

    def __init__(self, n_states=1, covariance="full", lags=1, priors="default"):
        super().__init__(n_states, covariance, priors)
        if isinstance(lags, bool) or not isinstance(lags, (int, np.integer)) or lags < 1:
            raise ValueError(f"lags must be an int >= 1, got {lags!r}")
        self.lags = int(lags)

    def _lagged(self, X, lengths):
        n, d = X.shape
        lagged = np.zeros((n, d * self.lags))
        for start, stop in split_sequences(lengths):
            for lag in range(1, self.lags + 1):
                lagged[start + lag:stop, (lag - 1) * d:lag * d] = X[start:stop - lag]
        return lagged
