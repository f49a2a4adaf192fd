"""What every ready-made model shares: the fit result, data checks with named errors, MAP fitting
through samplers.optimize, and NUTS on the same model function."""
import copy
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

import ppl
import samplers
from samplers import distributed

__all__ = ["FitResult", "DataError", "NotFittedError", "Model", "check_matrix", "check_lengths", "interior"]


def interior(probs, floor=1e-10):
    """Probability vectors (rows on the last axis) moved off the simplex boundary, where the
    unconstrained value is infinite: entries floored at `floor`, rows renormalised."""
    probs = np.maximum(np.asarray(probs, dtype=np.float64), floor)
    return probs / probs.sum(axis=-1, keepdims=True)


class DataError(ValueError):
    """The data given to a model cannot be used as they are (shape, NaN, too few rows, bad lengths)."""


class NotFittedError(ValueError, AttributeError):
    """A method that needs fitted parameters was called before ``fit``."""


class FitResult(NamedTuple):
    """The outcome of ``Model.fit``.

    ``params``: the fitted parameters on the model's scale. ``log_likelihood``: the total log
    likelihood of the data at ``params``; ``log_posterior``: the maximised objective (log prior +
    log likelihood, without the log-Jacobian; equal to ``log_likelihood`` with ``priors=None``).
    ``history``: the loss ``-log_posterior`` after each iteration of the best run.
    ``optimize_result``: the full ``samplers.OptimizeResult`` (every start, gradient norm, ...).
    """

    params: dict
    log_likelihood: float
    log_posterior: float
    converged: bool
    n_iter: int
    history: np.ndarray
    optimize_result: object


def check_matrix(X, name="X", n_features=None, min_rows=1, why=""):
    """X as a C-contiguous float64 (n, d) array; a DataError naming the problem otherwise."""
    try:
        X = np.ascontiguousarray(X, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise DataError(f"{name} must be a numeric array of shape (n_samples, n_features): {e}") from None
    if X.ndim != 2:
        hint = f"; for one feature use {name}.reshape(-1, 1)" if X.ndim == 1 else ""
        raise DataError(f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}{hint}")
    bad = np.flatnonzero(~np.isfinite(X).all(axis=1))
    if bad.size:
        rows = ", ".join(map(str, bad[:5])) + (", ..." if bad.size > 5 else "")
        raise DataError(f"{name} has NaN or infinite values in {bad.size} row(s) ({rows}); remove or impute them")
    if n_features is not None and X.shape[1] != n_features:
        raise DataError(f"{name} has {X.shape[1]} features but the model was fitted on {n_features}")
    if X.shape[0] < min_rows:
        raise DataError(f"{name} has {X.shape[0]} rows but {why or 'the model'} needs at least {min_rows}")
    return X


def check_lengths(lengths, n_rows, min_length=1):
    """hmmlearn's ``lengths``: positive ints summing to the number of rows (None: one sequence)."""
    if lengths is None:
        return np.array([n_rows], dtype=np.int64)
    lengths = np.asarray(lengths)
    if lengths.ndim != 1 or lengths.size == 0 or lengths.dtype.kind not in "iu":
        raise DataError(f"lengths must be a non-empty 1-D array of ints (one per sequence), got {lengths!r}")
    if np.any(lengths < min_length):
        raise DataError(f"every sequence needs at least {min_length} row(s); lengths has {lengths.min()}")
    if lengths.sum() != n_rows:
        raise DataError(f"lengths sum to {lengths.sum()} but X has {n_rows} rows; they must match")
    return lengths.astype(np.int64)


class Model:
    """A thin class over a ppl model function: ``fit`` finds the MAP (or the maximum likelihood
    with ``priors=None``) by ``samplers.optimize``; ``sample_posterior`` runs NUTS on the same model.

    Subclasses define ``_model_args(data) -> (model_fn, args)``, ``_init_points(data, rng, n)``
    (starting parameters), ``_site_values(params)`` (parameters -> latent site values),
    ``_params(sites)`` (constrained sites -> parameters) and ``_log_likelihood(data, params)``.
    """

    priors = "default"

    def _check_priors(self, priors):
        if priors not in ("default", None):
            raise ValueError(f'priors must be "default" (weakly informative) or None (maximum likelihood), '
                             f"got {priors!r}")
        return priors

    def _fit(self, data, method, restarts, seed, init, **options):
        if isinstance(restarts, bool) or not isinstance(restarts, (int, np.integer)) or restarts < 1:
            raise ValueError(f"restarts must be an int >= 1 (the number of starting points), got {restarts!r}")
        ld = ppl.log_density(*self._model_args_flat(data))
        rng = np.random.default_rng(seed)
        given = [] if init is None else ([init] if isinstance(init, dict) else list(init))
        starts = [self._site_values(p, data) for p in given]
        starts += self._init_points(data, rng, max(restarts - len(starts), 0))
        x0 = np.stack([ld.unconstrain(s) for s in starts])
        res = samplers.optimize(ld, x0=x0, method=method, restarts=len(starts), seed=seed, **options)
        params = self._params(res.params)
        self.params_ = params
        self.fit_ = FitResult(params=params, log_likelihood=self._log_likelihood(data, params),
                              log_posterior=res.logp, converged=res.converged, n_iter=res.n_iter,
                              history=res.history, optimize_result=res)
        return self.fit_

    def fit_many(self, datasets, executor=None, seed=0, progressbar=True, **fit_options):
        """Fit a copy of this model to each dataset; returns a list of FitResult, one per dataset.

        datasets: each item is what ``fit`` takes as data: an array X (or, for an HMM, a list of
        sequences), a tuple of ``fit``'s positional data arguments (``(X, y)``, ``(X, lengths)``,
        ``(X, y, groups)``) or a dict of them by name. seed: an int used for every fit, or one
        seed per dataset; ``fit_many(datasets, seed=s)[i]`` equals ``fit(datasets[i], seed=s)``
        on a fresh copy, wherever it runs. fit_options (method, restarts, ...) go to every ``fit``.
        executor: a dask.distributed.Client or a concurrent.futures.Executor runs each fit as a
        task (each dataset is sent once, straight to a worker); None fits one after another here.
        This model itself is left unchanged. When some fits fail, samplers.distributed.TasksFailed
        is raised naming them, with the others' results in ``.partial`` (None where a fit failed).
        """
        distributed.check_executor(executor)
        datasets = list(datasets)
        seeds = [seed] * len(datasets) if np.ndim(seed) == 0 else list(seed)
        if len(seeds) != len(datasets):
            raise ValueError(f"seed must be an int or one seed per dataset: got {len(seeds)} seeds for "
                             f"{len(datasets)} datasets")
        items = [_fit_arguments(d) + (s,) for d, s in zip(datasets, seeds)]
        job = (copy.deepcopy(self), fit_options)
        desc = f"{type(self).__name__}.fit_many {len(items)} fits"
        if executor is None:
            with ThreadPoolExecutor(max_workers=1) as local:
                results, failures = distributed.run_tasks(local, _fit_one, job, items, desc=desc,
                                                          progressbar=progressbar)
        else:
            results, failures = distributed.run_tasks(executor, _fit_one, job, items, desc=desc,
                                                      progressbar=progressbar, scatter_items=True)
        if failures:
            raise distributed.TasksFailed(
                f"{len(failures)} of {len(items)} fits failed: {distributed.describe_failures(failures, 'dataset')}. "
                "The other fits are in this exception's .partial (None where a fit failed)", failures, results)
        return results

    def _model_args_flat(self, data):
        model_fn, args = self._model_args(data)
        return (model_fn,) + tuple(args)

    def _sample_posterior(self, data, draws, tune, chains, seed, **kwargs):
        if self.priors is None:
            raise ValueError("sample_posterior needs proper priors: with priors=None the posterior may be improper; "
                             'create the model with priors="default"')
        nuts = getattr(samplers, "nuts", None)
        if nuts is None:
            raise NotImplementedError("samplers.nuts is not available in this build")
        ld = ppl.log_density(*self._model_args_flat(data))
        if "init" not in kwargs:
            # multimodal posteriors: start every chain in one mode, the fitted one if there is one
            kwargs["init"] = "map" if getattr(self, "params_", None) is None else self._site_values(self.params_, data)
        idata = nuts(ld, draws=draws, tune=tune, chains=chains, seed=seed, **kwargs)
        return self._relabel(idata)

    def _relabel(self, idata):
        return idata

    @property
    def params(self):
        if getattr(self, "params_", None) is None:
            raise NotFittedError(f"this {type(self).__name__} has no parameters yet: call fit(X) first, "
                                 "or set model.params_")
        return self.params_


def _fit_arguments(dataset):
    """(positional args, keyword args) of ``fit`` for one item of ``fit_many``'s datasets."""
    if isinstance(dataset, tuple):
        return dataset, {}
    if isinstance(dataset, dict):
        return (), dict(dataset)
    return (dataset,), {}


def _fit_one(job, item):
    """A task: fit a fresh copy of the model to one dataset; returns its FitResult."""
    template, fit_options = job
    args, kwargs, seed = item
    return copy.deepcopy(template).fit(*args, seed=seed, **kwargs, **fit_options)
