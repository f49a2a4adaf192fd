"""Chains -> ArviZ: constrained draws, sample stats, divergence points and observed data as labelled groups.

    RawChains (unconstrained) --ld.constrain_draws--> posterior (chain, draw, *site dims)
                              stats ----------------> sample_stats (+ divergence_point_<site>)
    ld.observed_data -------------------------------> observed_data

Groups are built as xarray Datasets, then assembled as `arviz.InferenceData` (arviz 0.x, Python 3.11)
or `xarray.DataTree` (arviz 1.x, Python 3.12+): the two differ only in that last step. Every group
carries the same attrs: sampler, settings, timing, and `complete` (0 when the run was interrupted,
with the reason in `status`).
"""
import datetime

import numpy as np
import xarray as xr

DIVERGENCE_PREFIX = "divergence_point_"
_DATATREE = getattr(xr, "DataTree", ())  # xarray < 2024.10 has none (and then arviz is 0.x)


def to_arviz(raw, ld, *, warmup=False):
    """ArviZ object for the chains in `raw` (a samplers.raw.RawChains) of the LogDensity `ld`.

    Groups: posterior (every latent and deterministic site, shape (chain, draw, ...) with the sites'
    dims and ld.coords), sample_stats (raw.stats plus divergence_point_<site>: where each divergent
    trajectory went wrong, constrained, NaN for transitions that did not diverge), observed_data,
    and warmup_posterior / warmup_sample_stats when warmup=True.
    """
    labels = _Labels(ld)
    attrs = run_attrs(raw)
    groups = {"posterior": labels.dataset(_constrain(ld, raw.draws), attrs),
              "sample_stats": labels.dataset(_stats(ld, raw.stats, raw.divergence_points), attrs)}
    observed = ld.observed_data
    if observed:
        groups["observed_data"] = labels.dataset(observed, attrs, sample_dims=())
    if warmup:
        groups["warmup_posterior"] = labels.dataset(_constrain(ld, raw.warmup_draws), attrs)
        groups["warmup_sample_stats"] = labels.dataset(
            _stats(ld, raw.warmup_stats, raw.warmup_divergence_points), attrs)
    return assemble(groups)


def assemble(groups):
    """InferenceData (arviz 0.x) or DataTree (arviz 1.x) from a dict group name -> Dataset."""
    import arviz as az  # arviz takes about a second to import: load it when converting, not with samplers
    if int(az.__version__.split(".")[0]) >= 1:
        return xr.DataTree.from_dict(dict(groups))
    return az.InferenceData(**groups)


def group(data, name):
    """Group `name` of an InferenceData or DataTree as an xarray Dataset (None when absent)."""
    if isinstance(data, _DATATREE):
        return data[name].to_dataset() if name in data.children else None
    return getattr(data, name, None) if name in data.groups() else None


def run_attrs(raw):
    """Attributes describing the run, NetCDF-safe (numbers and strings only)."""
    attrs = {"created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
             "inference_library": "numbayes", "sampler": raw.sampler, "complete": int(bool(raw.complete)),
             "tuning_steps": int(np.asarray(raw.warmup_draws).shape[1])}
    if raw.complete:
        attrs["status"] = "complete"
    else:
        attrs["status"] = (f"incomplete: interrupted after {raw.draws.shape[1]} draws per chain "
                           f"(requested {raw.settings.get('draws', 'unknown')}); statistics use only these draws")
    if "sampling_s" in raw.timing:
        attrs["sampling_time"] = float(raw.timing["sampling_s"])
    attrs.update({f"setting_{k}": _attr_value(v) for k, v in raw.settings.items()})
    attrs.update({f"timing_{k}": _attr_value(v) for k, v in raw.timing.items()})
    return attrs


def _attr_value(v):
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (int, float, str, np.integer, np.floating)):
        return v.item() if isinstance(v, np.generic) else v
    return repr(v)


def _constrain(ld, draws):
    """dict site -> (chain, draw, ...) constrained values of (chain, draw, dim) unconstrained draws."""
    chains, n = draws.shape[:2]
    flat = ld.constrain_draws(np.reshape(draws, (chains * n, ld.dim)))
    return {k: v.reshape((chains, n) + v.shape[1:]) for k, v in flat.items()}


def _stats(ld, stats, points):
    """Sample stats plus divergence_point_<site>: the constrained divergence points, NaN elsewhere.

    Only the rows of divergent transitions (stats["diverging"]) are read: the others are never written
    by the chains. Without divergences the NaN arrays are read-only broadcast views, so a 1000-dimensional
    model does not allocate and fill 32 MB of NaN per site for nothing."""
    out = {k: np.asarray(v) for k, v in stats.items()}
    chains, n = points.shape[:2]
    chain_idx, draw_idx = np.nonzero(np.asarray(stats["diverging"], dtype=bool))
    values = ld.constrain_draws(np.asarray(points[chain_idx, draw_idx]).reshape(len(chain_idx), ld.dim))
    for name, v in values.items():
        if chain_idx.size == 0:
            out[DIVERGENCE_PREFIX + name] = np.broadcast_to(np.nan, (chains, n) + v.shape[1:])
            continue
        full = np.full((chains, n) + v.shape[1:], np.nan)
        full[chain_idx, draw_idx] = v
        out[DIVERGENCE_PREFIX + name] = full
    return out


class _Labels:
    """Dims and coords of each variable: the site's dims= or its plates' names (for divergence points
    too), ld.coords, or ArviZ's default names `<var>_dim_<i>` with integer coords. A subsampled
    plate's coords are its indices (or the user's coords at them)."""

    def __init__(self, ld):
        self.dims = dict(ld.spec.dims) if ld.spec is not None else {}
        self.coords = dict(ld.coords)
        for name, (_, indices) in (ld.spec.plates.items() if ld.spec is not None else ()):
            if indices is not None:
                self.coords[name] = np.asarray(self.coords[name])[indices] if name in self.coords else indices

    def dataset(self, values, attrs, sample_dims=("chain", "draw")):
        data_vars, coords = {}, {}
        for name, v in values.items():
            v = np.asarray(v)
            site = name[len(DIVERGENCE_PREFIX):] if name.startswith(DIVERGENCE_PREFIX) else name
            shape = v.shape[len(sample_dims):]
            dims = self.dims.get(site)
            if dims is None or len(dims) != len(shape):
                dims = (None,) * len(shape)
            dims = tuple(d if d is not None else f"{name}_dim_{i}" for i, d in enumerate(dims))
            for d, size in zip(dims, shape):
                if d not in coords:
                    coords[d] = np.asarray(self.coords[d]) if d in self.coords else np.arange(size)
            data_vars[name] = (tuple(sample_dims) + tuple(dims), v)
        for d, size in zip(sample_dims, next(iter(values.values())).shape if values else ()):
            coords[d] = np.arange(size)
        return xr.Dataset(data_vars, coords=coords, attrs=dict(attrs))


__all__ = ["to_arviz", "assemble", "group", "run_attrs", "DIVERGENCE_PREFIX"]
