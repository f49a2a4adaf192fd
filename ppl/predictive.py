"""Prior and posterior predictive draws: the model run under seed, substitute and trace."""
import numpy as np

from . import handlers
from .log_density import plain_data


def _run(model, args, kwargs, rng, data=None):
    args, kwargs = plain_data(args), plain_data(kwargs)
    with handlers.trace() as tr, handlers.seed(rng_seed=rng), handlers.unobserve(), \
            handlers.substitute(data=data or {}):
        model(*args, **kwargs)
    return tr


def _stack(traces, names):
    return {n: np.stack([np.asarray(t[n]["value"]) for t in traces]) for n in names}


def prior_predictive(model, *args, draws=500, seed=None, **kwargs):
    """dict site -> array (draws, ...): every sample site (observed ones re-drawn) and deterministic."""
    if int(draws) < 1:
        raise ValueError(f"draws must be >= 1, got {draws}")
    rng = np.random.default_rng(seed)
    traces = [_run(model, args, kwargs, rng) for _ in range(int(draws))]
    names = [n for n, m in traces[0].items() if m["type"] in ("sample", "deterministic")]
    return _stack(traces, names)


def posterior_arrays(posterior):
    """dict name -> array from a dict, an xarray Dataset, or the posterior group of an ArviZ result
    (InferenceData or DataTree; recognised by their attributes, so ppl needs neither library)."""
    if isinstance(posterior, dict):
        return posterior
    children = getattr(posterior, "children", None)
    if children is not None and "posterior" in children:          # xarray.DataTree (arviz 1.x)
        posterior = posterior["posterior"].to_dataset()
    elif not hasattr(posterior, "data_vars") and hasattr(posterior, "posterior"):  # arviz 0.x InferenceData
        posterior = posterior.posterior
    if not hasattr(posterior, "data_vars"):
        raise TypeError("posterior must be a dict of arrays, an xarray Dataset, or an ArviZ result with a "
                        f"posterior group (InferenceData or DataTree), got {type(posterior).__name__}")
    return {name: var.values for name, var in posterior.data_vars.items()}


def posterior_predictive(model, posterior, *args, seed=None, **kwargs):
    """Draw the observed sites (and deterministics) given posterior draws of the latent sites.

    posterior: dict name -> array whose leading axes index draws, (draws, ...) or (chain, draw, ...);
    or a sampler's ArviZ output (arviz 0.x InferenceData, arviz 1.x xarray.DataTree) or an xarray
    Dataset, whose posterior values are used with their (chain, draw) axes.
    Returns dict site -> array with the same leading axes.
    """
    rng = np.random.default_rng(seed)
    posterior = {k: np.asarray(v) for k, v in posterior_arrays(posterior).items()}
    probe = _run(model, args, kwargs, np.random.default_rng(0))
    latent = [n for n in posterior if n in probe and probe[n]["type"] == "sample"]
    if not latent:
        raise KeyError(f"none of the posterior's names {sorted(posterior)} is a sample site of the model")
    first = posterior[latent[0]]
    lead = first.shape[:first.ndim - np.ndim(probe[latent[0]]["value"])]
    n = int(np.prod(lead, dtype=np.int64))
    flat = {k: posterior[k].reshape((n,) + posterior[k].shape[len(lead):]) for k in latent}
    traces = [_run(model, args, kwargs, rng, {k: v[i] for k, v in flat.items()}) for i in range(n)]
    names = [m for m, msg in probe.items() if msg["type"] in ("sample", "deterministic") and m not in flat]
    return {k: v.reshape(tuple(lead) + v.shape[1:]) for k, v in _stack(traces, names).items()}


__all__ = ["prior_predictive", "posterior_predictive", "posterior_arrays"]
