"""GaussianHMM on one feature (D = 1: a full covariance with no correlation site) against hmmlearn's EM:
from the same starts our maximum likelihood is at least EM's minus 1e-3, and given the same
parameters score and predict equal hmmlearn's."""
import numpy as np
import pytest

hmmlearn_hmm = pytest.importorskip("hmmlearn.hmm")

from models import GaussianHMM  # noqa: E402
from models.init import kmeans_plus_plus_start  # noqa: E402


def hmmlearn_model(params=None, **kw):
    h = hmmlearn_hmm.GaussianHMM(2, "full", init_params="", params="stmc", covars_prior=0.0, **kw)
    if params is not None:
        h.startprob_, h.transmat_ = params["initial"], params["transition"]
        h.means_, h.covars_ = params["means"], params["covs"]
    return h


def test_one_feature_full_covariance_matches_em():
    truth = {"initial": np.array([0.7, 0.3]), "transition": np.array([[0.9, 0.1], [0.2, 0.8]]),
             "means": np.array([[-1.5], [1.5]]), "covs": np.array([[[1.0]], [[0.5]]])}
    X, _ = hmmlearn_model(truth).sample(300, random_state=4)
    rng = np.random.default_rng(3)
    inits = []
    for _ in range(2):
        _, means, covs = kmeans_plus_plus_start(X, 2, rng)
        inits.append({"initial": np.full(2, 0.5), "transition": np.full((2, 2), 0.1) + 0.8 * np.eye(2),
                      "means": means, "covs": covs})
    em_best = max(hmmlearn_model(init, n_iter=5000, tol=1e-9).fit(X).score(X) for init in inits)
    hmm = GaussianHMM(2, "full", priors=None)
    fit = hmm.fit(X, init=inits, restarts=2)
    assert fit.converged and fit.params["covs"].shape == (2, 1, 1)
    assert fit.log_likelihood >= em_best - 1e-3
    h = hmmlearn_model(fit.params)
    np.testing.assert_allclose(hmm.score(X), h.score(X), atol=1e-8)
    np.testing.assert_array_equal(hmm.predict(X), h.predict(X))
