"""Model.fit_many: each fit equals fitting a fresh model alone with the same seed (any executor, any
form of dataset), bad seeds are named, and failed fits are reported while the others are kept.
The Dask path is tested in tests/samplers/test_dask.py, beside its cluster."""
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from models import DataError, GaussianMixture, HierarchicalRegression, LinearRegression
from samplers.distributed import TasksFailed

RNG = np.random.default_rng(11)


def _regression_data(n=40):
    X = RNG.normal(size=(n, 2))
    return X, X @ np.array([1.0, -0.5]) + 0.3 + RNG.normal(0.0, 0.4, n)


def _assert_same_fit(a, b):
    assert a.log_likelihood == b.log_likelihood and a.log_posterior == b.log_posterior
    assert a.params.keys() == b.params.keys()
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])


def test_linear_regressions_from_tuples_and_dicts_equal_single_fits():
    (X1, y1), (X2, y2) = _regression_data(), _regression_data()
    model = LinearRegression()
    fits = model.fit_many([(X1, y1), {"X": X2, "y": y2}], seed=4, progressbar=False)
    _assert_same_fit(fits[0], LinearRegression().fit(X1, y1, seed=4))
    _assert_same_fit(fits[1], LinearRegression().fit(X2, y2, seed=4))
    assert model.params_ is None  # the model itself is not fitted by fit_many


def test_gaussian_mixtures_in_threads_with_one_seed_per_dataset():
    datasets = [np.concatenate([RNG.normal(-3, 1, (30, 2)), RNG.normal(3, 1, (30, 2))]) for _ in range(3)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        fits = GaussianMixture(n_components=2, covariance="diag", priors=None).fit_many(
            datasets, executor=pool, seed=[5, 6, 7], restarts=2, progressbar=False)
    for X, seed, fit in zip(datasets, [5, 6, 7], fits):
        alone = GaussianMixture(n_components=2, covariance="diag", priors=None).fit(X, seed=seed, restarts=2)
        _assert_same_fit(fit, alone)


def test_hierarchical_regression_takes_three_data_arguments():
    X, y = _regression_data(30)
    groups = np.arange(30) % 3
    (fit,) = HierarchicalRegression().fit_many([(X, y, groups)], progressbar=False)
    _assert_same_fit(fit, HierarchicalRegression().fit(X, y, groups))


def test_seed_list_of_the_wrong_length_is_named():
    with pytest.raises(ValueError, match="one seed per dataset: got 1 seeds for 2 datasets"):
        LinearRegression().fit_many([_regression_data(), _regression_data()], seed=[1], progressbar=False)


def test_failed_fit_is_named_and_the_others_are_kept():
    good, (X, y) = _regression_data(), _regression_data()
    X = X.copy()
    X[3, 0] = np.nan
    with pytest.raises(TasksFailed, match=r"1 of 2 fits failed: dataset 1: DataError: X has NaN") as e:
        LinearRegression().fit_many([good, (X, y)], progressbar=False)
    assert isinstance(e.value.failures[1], DataError)
    assert e.value.partial[1] is None
    _assert_same_fit(e.value.partial[0], LinearRegression().fit(*good))
