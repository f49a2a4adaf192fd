"""HMM inference kernels against brute-force enumeration of every state path (dynamax's oracle):
marginal likelihood, smoothed marginals, the Viterbi path; and the AR-HMM likelihood against
scipy.stats.multivariate_normal with the lagged means computed by hand."""
import itertools

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from models import ARGaussianHMM
from models.hmm_inference import forward, forward_backward, viterbi


def random_hmm(k, t, seed):
    rng = np.random.default_rng(seed)
    initial = rng.dirichlet(np.ones(k))
    transition = rng.dirichlet(np.ones(k), size=k)
    return np.log(initial), np.log(transition), rng.normal(0.0, 2.0, (t, k))


def path_log_probs(log_initial, log_transition, ll):
    t, k = ll.shape
    paths = np.array(list(itertools.product(range(k), repeat=t)))
    lp = log_initial[paths[:, 0]] + ll[0, paths[:, 0]]
    for s in range(1, t):
        lp = lp + log_transition[paths[:, s - 1], paths[:, s]] + ll[s, paths[:, s]]
    return paths, lp


@pytest.mark.parametrize("k, t, seed", [(2, 1, 0), (2, 6, 1), (3, 5, 2), (4, 4, 3)])
def test_against_enumeration(k, t, seed):
    log_initial, log_transition, ll = random_hmm(k, t, seed)
    paths, lp = path_log_probs(log_initial, log_transition, ll)
    log_marginal = logsumexp(lp)
    np.testing.assert_allclose(forward(log_initial, log_transition, ll), log_marginal, rtol=1e-12)
    got, posteriors = forward_backward(log_initial, log_transition, ll)
    np.testing.assert_allclose(got, log_marginal, rtol=1e-12)
    weights = np.exp(lp - log_marginal)
    expected = np.stack([np.bincount(paths[:, s], weights=weights, minlength=k) for s in range(t)])
    np.testing.assert_allclose(posteriors, expected, atol=1e-12)
    best, path = viterbi(log_initial, log_transition, ll)
    np.testing.assert_array_equal(path, paths[np.argmax(lp)])
    np.testing.assert_allclose(best, lp.max(), rtol=1e-12)


def test_impossible_transitions_are_minus_infinity_not_nan():
    log_initial, _, ll = random_hmm(2, 5, 4)
    with np.errstate(divide="ignore"):
        log_transition = np.log(np.eye(2))  # the chain never leaves its first state
    _, lp = path_log_probs(log_initial, log_transition, ll)
    np.testing.assert_allclose(forward(log_initial, log_transition, ll), logsumexp(lp), rtol=1e-12)
    assert np.all(np.isfinite(forward_backward(log_initial, log_transition, ll)[1]))


def test_ar_hmm_score_equals_scipy_with_lagged_means():
    rng = np.random.default_rng(5)
    k, d, lags = 2, 2, 2
    params = {"initial": np.array([0.3, 0.7]), "transition": np.array([[0.8, 0.2], [0.3, 0.7]]),
              "means": rng.normal(size=(k, d)), "covs": np.array([np.eye(d), [[1.0, 0.4], [0.4, 0.8]]]),
              "ar_weights": 0.3 * rng.normal(size=(k, d, d * lags))}
    model = ARGaussianHMM(k, "full", lags=lags)
    model.params_ = params
    X, _ = model.sample(12, seed=1)
    lengths = [7, 5]
    ll = np.empty((12, k))
    for start, stop in [(0, 7), (7, 12)]:
        for t in range(start, stop):
            previous = [X[t - lag] if t - lag >= start else np.zeros(d) for lag in range(1, lags + 1)]
            lagged = np.concatenate(previous)
            for j in range(k):
                mean = params["means"][j] + params["ar_weights"][j] @ lagged
                ll[t, j] = multivariate_normal(mean, params["covs"][j]).logpdf(X[t])
    expected = sum(forward(np.log(params["initial"]), np.log(params["transition"]), ll[a:b])
                   for a, b in [(0, 7), (7, 12)])
    np.testing.assert_allclose(model.score(X, lengths), expected, rtol=1e-12)


def test_ar_hmm_fit_recovers_the_dynamics():
    k, d = 2, 2
    truth = {"initial": np.array([0.5, 0.5]), "transition": np.array([[0.95, 0.05], [0.05, 0.95]]),
             "means": np.array([[1.0, 0.0], [-1.0, 0.5]]), "covs": np.stack([0.1 * np.eye(d)] * k),
             "ar_weights": np.array([[[0.8, 0.1], [0.0, 0.5]], [[-0.5, 0.0], [0.2, 0.3]]])}
    model = ARGaussianHMM(k, "full", lags=1, priors=None)
    model.params_ = truth
    X, states = model.sample(400, seed=2)
    truth_ll = model.score(X)
    fit = model.fit(X, restarts=3, seed=0)
    assert fit.converged and fit.log_likelihood >= truth_ll
    order = np.argsort(fit.params["means"][:, 0])[::-1]  # truth: state 0 has the larger first mean
    np.testing.assert_allclose(fit.params["ar_weights"][order], truth["ar_weights"], atol=0.12)
    np.testing.assert_allclose(fit.params["means"][order], truth["means"], atol=0.15)
    assert np.mean(order[model.predict(X)] == states) > 0.9 or np.mean(model.predict(X) == states) > 0.9
