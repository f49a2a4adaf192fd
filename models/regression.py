r"""Regression models as thin classes over ppl model functions: LinearRegression, LogisticRegression and
a varying-intercept HierarchicalRegression.

.. math::

    \text{linear: } y_i \sim N(x_i^\top\beta + \alpha, \sigma),\qquad
    \text{logistic: } y_i \sim \operatorname{Bernoulli}(\operatorname{logit}^{-1}(x_i^\top\beta + \alpha)),

    \text{hierarchical: } y_i \sim N(x_i^\top\beta + \alpha_{g_i}, \sigma),\quad
    \alpha_g = \mu + \tau z_g,\ z_g \sim N(0, 1)\ \text{(non-centred)}.

Default priors are weakly informative on the data's scale (coefficients Normal(0, 2.5 sd(y) / sd(x_j))
as rstanarm, logistic: Normal(0, 2.5 / sd(x_j)); scales HalfNormal(sd(y))); ``priors=None`` gives
flat priors, so ``fit`` is ordinary least squares / maximum likelihood logistic regression.
"""
from typing import NamedTuple

import numpy as np
from scipy.special import expit

import ppl
import ppl.distributions as dist
from ppl.distributions.improper import Flat, HalfFlat

from .base import DataError, Model, check_matrix

__all__ = ["LinearRegression", "LogisticRegression", "HierarchicalRegression"]


class _Data(NamedTuple):
    X: np.ndarray
    y: np.ndarray
    groups: object
    n_groups: int


def _sd(a):
    sd = np.std(a, axis=0)
    return np.where(sd > 0, sd, 1.0)


def _coefficients(X, y_scale, flat):
    p = X.shape[1]
    if flat:
        return ppl.sample("coef", Flat((p,))), ppl.sample("intercept", Flat())
    coef = ppl.sample("coef", dist.Normal(0.0, 2.5 * y_scale / _sd(X)))
    return coef, ppl.sample("intercept", dist.Normal(0.0, 10.0 * y_scale))


def linear_regression(X, y, flat):
    coef, intercept = _coefficients(X, _sd(y), flat)
    sigma = ppl.sample("sigma", HalfFlat() if flat else dist.HalfNormal(_sd(y)))
    ppl.sample("y", dist.Normal(X @ coef + intercept, sigma), obs=y)


def logistic_regression(X, y, flat):
    coef, intercept = _coefficients(X, 1.0, flat)
    ppl.sample("y", dist.Bernoulli(logits=X @ coef + intercept), obs=y)


def hierarchical_regression(X, y, groups, n_groups, flat):
    coef, mu = _coefficients(X, _sd(y), flat)
    tau = ppl.sample("tau", HalfFlat() if flat else dist.HalfNormal(_sd(y)))
    z = ppl.sample("z", dist.Normal(0.0, 1.0).expand((n_groups,)))
    alpha = ppl.deterministic("group_intercepts", mu + tau * z)
    sigma = ppl.sample("sigma", HalfFlat() if flat else dist.HalfNormal(_sd(y)))
    ppl.sample("y", dist.Normal(X @ coef + alpha[groups], sigma), obs=y)


class _Regression(Model):
    def __init__(self, priors="default"):
        self.priors = self._check_priors(priors)
        self.params_ = self.fit_ = None

    def _data(self, X, y=None, groups=None, fitting=False):
        n_features = None if fitting or self.params_ is None else self.params_["coef"].shape[0]
        X = check_matrix(X, n_features=n_features, min_rows=2 if fitting else 1, why="fitting")
        if y is not None:
            y = np.asarray(y, dtype=np.float64)
            if y.shape != (X.shape[0],):
                raise DataError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
            if not np.all(np.isfinite(y)):
                raise DataError(f"y has NaN or infinite values at {np.flatnonzero(~np.isfinite(y))[:5].tolist()}")
        return _Data(X, y, None, 0)

    def _model_args(self, data):
        return self._model_fn, (data.X, data.y, self.priors is None)

    def _site_values(self, params, data):
        return {k: np.asarray(v, dtype=np.float64) for k, v in params.items() if k in self._sites}

    def _params(self, sites):
        return {k: np.asarray(v) for k, v in sites.items()}

    def fit(self, X, y, method="lbfgs", restarts=1, seed=0, init=None, **options):
        """MAP (least squares / maximum likelihood with ``priors=None``); returns a FitResult."""
        return self._fit(self._data(X, y, fitting=True), method, restarts, seed, init, **options)

    def sample_posterior(self, X, y, draws=1000, tune=1000, chains=4, seed=0, **kwargs):
        """NUTS on the same model (``samplers.nuts``)."""
        return self._sample_posterior(self._data(X, y, fitting=True), draws, tune, chains, seed, **kwargs)

    def _linear_predictor(self, X):
        p = self.params
        return self._data(X).X @ p["coef"] + p["intercept"]


class LinearRegression(_Regression):
    """Bayesian linear regression; ``params_``: ``coef`` (P,), ``intercept``, ``sigma``."""

    _model_fn = staticmethod(linear_regression)
    _sites = ("coef", "intercept", "sigma")

    def _init_points(self, data, rng, n):
        return [{"coef": rng.normal(0, 0.1, data.X.shape[1]), "intercept": data.y.mean(), "sigma": _sd(data.y)}
                for _ in range(n)]

    def _log_likelihood(self, data, params):
        resid = data.y - data.X @ params["coef"] - params["intercept"]
        s = params["sigma"]
        return float(np.sum(-0.5 * (resid / s) ** 2 - np.log(s) - 0.5 * np.log(2 * np.pi)))

    def predict(self, X):
        return self._linear_predictor(X)

    def score(self, X, y):
        """Coefficient of determination R^2 (sklearn's ``score``)."""
        y = np.asarray(y, dtype=np.float64)
        return float(1 - np.sum((y - self.predict(X)) ** 2) / np.sum((y - y.mean()) ** 2))


class LogisticRegression(_Regression):
    """Bayesian logistic regression for 0/1 labels; ``params_``: ``coef`` (P,), ``intercept``."""

    _model_fn = staticmethod(logistic_regression)
    _sites = ("coef", "intercept")

    def _data(self, X, y=None, groups=None, fitting=False):
        data = super()._data(X, y, groups, fitting)
        if y is not None and not np.all((data.y == 0) | (data.y == 1)):
            raise DataError("y must hold 0/1 labels for LogisticRegression")
        return data

    def _init_points(self, data, rng, n):
        return [{"coef": rng.normal(0, 0.1, data.X.shape[1]), "intercept": 0.0} for _ in range(n)]

    def _log_likelihood(self, data, params):
        eta = data.X @ params["coef"] + params["intercept"]
        return float(np.sum(data.y * eta - np.logaddexp(0.0, eta)))

    def predict_proba(self, X):
        """(N, 2): probabilities of class 0 and class 1, as sklearn."""
        p1 = expit(self._linear_predictor(X))
        return np.column_stack([1 - p1, p1])

    def predict(self, X):
        return (self._linear_predictor(X) > 0).astype(np.int64)

    def score(self, X, y):
        """Accuracy (sklearn's ``score``)."""
        return float(np.mean(self.predict(X) == np.asarray(y)))


class HierarchicalRegression(_Regression):
    """Linear regression with one intercept per group, partially pooled (non-centred).

    ``params_``: ``coef`` (P,), ``intercept`` (the population mean ``mu``), ``tau``, ``z`` (G,),
    ``group_intercepts`` (G,), ``sigma``. ``groups``: integer labels 0..G-1, one per row.
    """

    _model_fn = staticmethod(hierarchical_regression)
    _sites = ("coef", "intercept", "tau", "z", "sigma")

    def _data(self, X, y=None, groups=None, fitting=False):
        data = super()._data(X, y, None, fitting)
        groups = np.asarray(groups)
        if groups.shape != (data.X.shape[0],) or groups.dtype.kind not in "iu" or groups.min() < 0:
            raise DataError(f"groups must be non-negative int labels of shape ({data.X.shape[0]},), got "
                            f"{groups.dtype} of shape {groups.shape}")
        n_groups = int(groups.max()) + 1 if self.params_ is None or fitting else self.params_["z"].shape[0]
        return _Data(data.X, data.y, groups.astype(np.int64), n_groups)

    def _model_args(self, data):
        return self._model_fn, (data.X, data.y, data.groups, data.n_groups, self.priors is None)

    def _init_points(self, data, rng, n):
        return [{"coef": rng.normal(0, 0.1, data.X.shape[1]), "intercept": data.y.mean(), "tau": _sd(data.y) / 2,
                 "z": np.zeros(data.n_groups), "sigma": _sd(data.y)} for _ in range(n)]

    def _log_likelihood(self, data, params):
        resid = data.y - data.X @ params["coef"] - params["group_intercepts"][data.groups]
        s = params["sigma"]
        return float(np.sum(-0.5 * (resid / s) ** 2 - np.log(s) - 0.5 * np.log(2 * np.pi)))

    def fit(self, X, y, groups, method="lbfgs", restarts=1, seed=0, init=None, **options):
        return self._fit(self._data(X, y, groups, fitting=True), method, restarts, seed, init, **options)

    def sample_posterior(self, X, y, groups, draws=1000, tune=1000, chains=4, seed=0, **kwargs):
        return self._sample_posterior(self._data(X, y, groups, fitting=True), draws, tune, chains, seed, **kwargs)

    def predict(self, X, groups):
        data = self._data(X, None, groups)
        p = self.params
        return data.X @ p["coef"] + p["group_intercepts"][data.groups]
