"""Regression models against outside oracles: flat priors give np.linalg.lstsq (and the MLE of sigma)
and sklearn's unpenalised LogisticRegression; the hierarchical model recovers simulated intercepts."""
import numpy as np
import pytest

from models import DataError, HierarchicalRegression, LinearRegression, LogisticRegression

RNG = np.random.default_rng(0)
X = RNG.normal(size=(120, 3))
BETA = np.array([1.0, -2.0, 0.5])


def test_linear_regression_with_flat_priors_is_least_squares():
    y = X @ BETA + 0.7 + RNG.normal(0.0, 0.5, 120)
    model = LinearRegression(priors=None)
    fit = model.fit(X, y)
    design = np.column_stack([X, np.ones(120)])
    expected, rss = np.linalg.lstsq(design, y, rcond=None)[:2]
    np.testing.assert_allclose(fit.params["coef"], expected[:3], atol=1e-5)
    np.testing.assert_allclose(fit.params["intercept"], expected[3], atol=1e-5)
    np.testing.assert_allclose(fit.params["sigma"], np.sqrt(rss[0] / 120), rtol=1e-5)
    np.testing.assert_allclose(model.predict(X), design @ expected, atol=1e-4)
    default = LinearRegression().fit(X, y)  # weak priors: nearly the same
    np.testing.assert_allclose(default.params["coef"], expected[:3], atol=0.02)


def test_logistic_regression_with_flat_priors_matches_sklearn():
    sklearn_lm = pytest.importorskip("sklearn.linear_model")
    y = (RNG.uniform(size=120) < 1 / (1 + np.exp(-(X @ BETA - 0.3)))).astype(float)
    model = LogisticRegression(priors=None)
    fit = model.fit(X, y)
    sk = sklearn_lm.LogisticRegression(C=np.inf, tol=1e-10, max_iter=10000).fit(X, y)
    np.testing.assert_allclose(fit.params["coef"], sk.coef_[0], atol=1e-4)
    np.testing.assert_allclose(fit.params["intercept"], sk.intercept_[0], atol=1e-4)
    np.testing.assert_allclose(model.predict_proba(X), sk.predict_proba(X), atol=1e-5)
    assert model.score(X, y) == sk.score(X, y)
    with pytest.raises(DataError, match="0/1 labels"):
        model.fit(X, y + 1)


def test_hierarchical_regression_recovers_group_intercepts():
    rng = np.random.default_rng(1)
    groups = np.repeat(np.arange(6), 40)
    intercepts = rng.normal(1.0, 2.0, 6)
    Xh = rng.normal(size=(240, 2))
    y = Xh @ np.array([0.5, -1.0]) + intercepts[groups] + rng.normal(0.0, 0.3, 240)
    model = HierarchicalRegression()
    fit = model.fit(Xh, y, groups)
    np.testing.assert_allclose(fit.params["group_intercepts"], intercepts, atol=0.15)
    np.testing.assert_allclose(fit.params["coef"], [0.5, -1.0], atol=0.05)
    expected = Xh @ fit.params["coef"] + fit.params["group_intercepts"][groups]
    np.testing.assert_allclose(model.predict(Xh, groups), expected)
    with pytest.raises(DataError, match="groups must be non-negative int labels"):
        model.fit(Xh, y, groups.astype(float))
