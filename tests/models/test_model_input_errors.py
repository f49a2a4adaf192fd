"""Bad input to the models gets a named error saying what is wrong; a fit that does not converge warns."""
import numpy as np
import pytest

import samplers
from models import DataError, GaussianHMM, GaussianMixture, NotFittedError
from samplers import ConvergenceWarning

X = np.random.default_rng(0).normal(size=(40, 2))


@pytest.mark.parametrize("model", [GaussianMixture(3), GaussianHMM(3)], ids=["gmm", "hmm"])
@pytest.mark.parametrize("data, match", [
    (np.where(np.arange(80).reshape(40, 2) == 13, np.nan, X), r"NaN or infinite values in 1 row\(s\) \(6\)"),
    (X[:, 0], r"must be 2-D .* use X.reshape\(-1, 1\)"),
    (X[:2], "X has 2 rows but n_.*=3 needs at least 3"),
    ([["a", "b"]], "numeric array"),
])
def test_bad_data_is_named(model, data, match):
    with pytest.raises(DataError, match=match):
        model.fit(data)


@pytest.mark.parametrize("lengths, match", [
    ([20, 19], "lengths sum to 39 but X has 40 rows"),
    ([40, 0], "at least 1 row"),
    ([[20, 20]], "1-D array of ints"),
    ([20.0, 20.0], "1-D array of ints"),
])
def test_bad_lengths_are_named(lengths, match):
    with pytest.raises(DataError, match=match):
        GaussianHMM(2).fit(X, lengths=lengths)


@pytest.mark.parametrize("make, match", [
    (lambda: GaussianMixture(0), "n_components must be an int >= 1"),
    (lambda: GaussianHMM(2, covariance="banded"), "covariance must be one of"),
    (lambda: GaussianMixture(2, priors="flat"), 'priors must be "default"'),
    (lambda: GaussianMixture(2).fit(X, restarts=0), "restarts must be an int >= 1"),
])
def test_bad_settings_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_use_before_fit_and_a_wrong_number_of_features():
    with pytest.raises(NotFittedError, match="call fit"):
        GaussianMixture(2).predict(X)
    gmm = GaussianMixture(2, "diag")
    gmm.params_ = {"weights": np.array([0.5, 0.5]), "means": np.zeros((2, 2)), "covs": np.stack([np.eye(2)] * 2)}
    with pytest.raises(DataError, match="X has 3 features but the model was fitted on 2"):
        gmm.predict(np.zeros((5, 3)))


def test_a_fit_that_does_not_converge_warns_and_says_so():
    data = np.random.default_rng(1).normal(size=(300, 2))  # the shape of test_gmm_vs_sklearn's: shared code
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        fit = GaussianMixture(3, "diag", priors=None).fit(data, restarts=1, steps=2)
    assert not fit.converged and fit.n_iter <= 2


def test_sample_posterior_needs_proper_priors():
    with pytest.raises(ValueError, match="needs proper priors"):
        GaussianMixture(2, priors=None).sample_posterior(X)


@pytest.mark.skipif(not hasattr(samplers, "nuts"), reason="samplers.nuts is not on this branch yet")
def test_sample_posterior_relabels_draws():
    rng = np.random.default_rng(1)
    data = np.concatenate([rng.normal(-3, 0.5, (60, 2)), rng.normal(3, 0.5, (60, 2))])
    idata = GaussianMixture(2, "diag").sample_posterior(data, draws=200, tune=200, chains=2, seed=0,
                                                       progressbar=False)
    means = idata.posterior["means"].values
    assert means.shape == (2, 200, 2, 2)
    assert np.all(means[..., 0, 0] <= means[..., 1, 0])
    np.testing.assert_allclose(means.mean(axis=(0, 1))[:, 0], [-3, 3], atol=0.3)
