"""Checks that name the site: bad observed data, shape mismatches, bad dims, bad log density at init."""
import numpy as np

from .distributions.base import is_concrete
from .distributions.masked import MaskedDistribution


def check_observed(msg):
    """Observed data must be finite, in the support and shaped like the distribution's draws."""
    name, fn, value = msg["name"], msg["fn"], msg["value"]
    if not (is_concrete(value) or isinstance(value, (list, tuple))):
        return
    arr = np.asarray(value)
    counted = fn.included(arr) if isinstance(fn, MaskedDistribution) else np.ones(arr.shape, bool)  # NaN if masked
    if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr) | ~counted):
        bad = np.argwhere(~np.isfinite(arr) & counted)
        where = f" at index {tuple(int(i) for i in bad[0])}" if arr.ndim else ""
        raise ValueError(f'site "{name}": observed data contains {arr[tuple(bad[0])] if arr.ndim else arr}{where} '
                         f"({len(bad)} non-finite value(s)); remove or impute missing values before fitting, or "
                         "mask them out: with ppl.handlers.mask(mask=~np.isnan(y)): ppl.sample(...)")
    fn.check_value(arr, site=name)
    batch = arr.shape[:arr.ndim - len(fn.event_shape)]
    full = tuple(np.broadcast_shapes(batch, fn.batch_shape))
    if full != batch:
        raise ValueError(f'site "{name}": {type(fn).__name__} has batch_shape {fn.batch_shape} but the observed '
                         f"value has shape {arr.shape}; broadcasting would silently give shape {full + fn.event_shape}. "
                         "Reshape the data or the parameters so they line up.")


def check_dims(name, dims, shape, coords):
    if dims is None:
        return
    if len(dims) != len(shape):
        raise ValueError(f'site "{name}": dims={dims} names {len(dims)} axes but the value has shape {shape}')
    for d, n in zip(dims, shape):
        if coords and d in coords and len(coords[d]) != n:
            raise ValueError(f'site "{name}": dimension "{d}" has {n} entries but coords["{d}"] has '
                             f"{len(coords[d])} labels")


def describe_bad_terms(terms):
    """A message listing the sites whose log-density terms are NaN or infinite."""
    bad = [(k, float(v)) for k, v in terms.items() if not np.isfinite(float(v))]
    return ", ".join(f'site "{k}" gives {v}' for k, v in bad)
