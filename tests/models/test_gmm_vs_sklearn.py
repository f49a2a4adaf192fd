"""GaussianMixture against sklearn.mixture.GaussianMixture (EM): from the same starts our maximum
likelihood is at least EM's minus 1e-3 (mean per sample), for every covariance type, 2-D and 5-D (and full 1-D,
which has no correlation site);
given sklearn's fitted parameters, score/score_samples/predict_proba/predict/bic/aic equal sklearn's."""
import numpy as np
import pytest

sklearn_mixture = pytest.importorskip("sklearn.mixture")

from models import GaussianMixture  # noqa: E402
from models.init import kmeans_plus_plus_start  # noqa: E402


def simulate(n, d, k, seed):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0.0, 3.0, (k, d))
    labels = rng.integers(k, size=n)
    scales = rng.uniform(0.5, 1.5, (k, d))
    mixing = rng.normal(0.0, 0.3, (k, d, d)) + np.eye(d)
    z = rng.standard_normal((n, d)) * scales[labels]
    return centres[labels] + np.einsum("nij,nj->ni", mixing[labels], z)


DATA = {1: simulate(300, 1, 3, 2), 2: simulate(300, 2, 3, 0), 5: simulate(300, 5, 3, 1)}


def sklearn_precisions(covariance, covs):
    if covariance == "full":
        return np.linalg.inv(covs)
    if covariance == "diag":
        return 1.0 / np.diagonal(covs, axis1=1, axis2=2)
    if covariance == "spherical":
        return 1.0 / np.diagonal(covs, axis1=1, axis2=2).mean(axis=1)
    return np.linalg.inv(covs.mean(axis=0))


def sklearn_full_covs(sk, k, d):
    c = sk.covariances_
    return {"full": lambda: c, "diag": lambda: np.stack([np.diag(v) for v in c]),
            "spherical": lambda: c[:, None, None] * np.eye(d), "tied": lambda: np.repeat(c[None], k, 0)}[
        sk.covariance_type]()


CASES = [("full", 2), ("diag", 2), ("full", 5), ("diag", 5), ("spherical", 2), ("tied", 2), ("full", 1)]


@pytest.mark.parametrize("covariance, d", CASES, ids=[f"{c}-{d}d" for c, d in CASES])
def test_maximum_likelihood_matches_em_from_the_same_starts(covariance, d):
    X, k = DATA[d], 3
    rng = np.random.default_rng(42)
    gmm = GaussianMixture(k, covariance, priors=None)
    for _ in range(2):
        weights, means, covs = kmeans_plus_plus_start(X, k, rng)
        if covariance == "tied":
            covs = np.repeat(covs.mean(axis=0)[None], k, axis=0)
        if covariance == "spherical":
            covs = np.diagonal(covs, axis1=1, axis2=2).mean(axis=1)[:, None, None] * np.eye(d)
        if covariance == "diag":
            covs = np.stack([np.diag(np.diag(c)) for c in covs])
        em = sklearn_mixture.GaussianMixture(k, covariance_type=covariance, weights_init=weights, means_init=means,
                                             precisions_init=sklearn_precisions(covariance, covs), tol=1e-10,
                                             max_iter=5000, reg_covar=1e-12).fit(X)
        fit = gmm.fit(X, init={"weights": weights, "means": means, "covs": covs}, restarts=1)
        assert fit.converged
        assert fit.log_likelihood / len(X) >= em.score(X) - 1e-3
        np.testing.assert_allclose(fit.log_likelihood / len(X), gmm.score(X), rtol=1e-12)


@pytest.mark.parametrize("covariance", ["full", "diag", "spherical", "tied"])
def test_evaluation_equals_sklearn_given_its_parameters(covariance):
    X, k, d = DATA[2], 3, 2
    sk = sklearn_mixture.GaussianMixture(k, covariance_type=covariance, random_state=0).fit(X)
    gmm = GaussianMixture(k, covariance)
    gmm.params_ = {"weights": sk.weights_, "means": sk.means_, "covs": sklearn_full_covs(sk, k, d)}
    np.testing.assert_allclose(gmm.score_samples(X), sk.score_samples(X), atol=1e-8)
    np.testing.assert_allclose(gmm.score(X), sk.score(X), atol=1e-8)
    np.testing.assert_allclose(gmm.predict_proba(X), sk.predict_proba(X), atol=1e-8)
    np.testing.assert_array_equal(gmm.predict(X), sk.predict(X))
    np.testing.assert_allclose(gmm.bic(X), sk.bic(X), rtol=1e-10)
    np.testing.assert_allclose(gmm.aic(X), sk.aic(X), rtol=1e-10)


def test_default_priors_fit_and_recover_well_separated_components():
    rng = np.random.default_rng(3)
    truth = np.array([[-4.0, 0.0], [0.0, 4.0], [4.0, 0.0]])
    X = np.concatenate([rng.normal(m, 0.5, (100, 2)) for m in truth])
    gmm = GaussianMixture(3, "full")
    fit = gmm.fit(X, restarts=3, seed=0)
    assert fit.converged and fit.log_posterior != fit.log_likelihood
    order = np.argsort(fit.params["means"][:, 0])
    np.testing.assert_allclose(fit.params["means"][order], truth, atol=0.2)
    np.testing.assert_allclose(fit.params["weights"], 1 / 3, atol=0.02)
    np.testing.assert_allclose(fit.params["covs"][order], np.broadcast_to(0.25 * np.eye(2), (3, 2, 2)), atol=0.1)
    assert fit.history[0] > fit.history[-1]
    draws, labels = gmm.sample(3000, seed=1)
    np.testing.assert_allclose(draws.mean(axis=0), X.mean(axis=0), atol=0.25)
    np.testing.assert_array_equal(gmm.sample(5, seed=2)[0], gmm.sample(5, seed=2)[0])


def test_adam_and_gradient_descent_reach_the_lbfgs_optimum():
    X = DATA[2]
    gmm = GaussianMixture(3, "full", priors=None)
    weights, means, covs = kmeans_plus_plus_start(X, 3, np.random.default_rng(42))
    start = {"weights": weights, "means": means, "covs": covs}
    best = gmm.fit(X, init=start, restarts=1).log_likelihood
    adam = gmm.fit(X, init=start, restarts=1, method="adam", learning_rate=0.02, steps=4000)
    assert adam.converged and adam.log_likelihood >= best - 1e-2
    gd = gmm.fit(X, init=start, restarts=1, method="gd", learning_rate=1e-3, steps=4000)
    assert gd.converged and gd.log_likelihood >= best - 1e-2


@pytest.mark.parametrize("covariance", ["full", "tied"])
def test_one_dimensional_covariances_round_trip_without_a_correlation_site(covariance):
    from models.gaussian import covariance_matrices, site_values
    covs = np.array([[[0.5]], [[2.0]]]) if covariance == "full" else np.array([[[1.5]], [[1.5]]])
    sites = site_values(covariance, covs)
    assert set(sites) == {"scales"}
    np.testing.assert_allclose(covariance_matrices(covariance, 2, 1, sites["scales"], None), covs)
