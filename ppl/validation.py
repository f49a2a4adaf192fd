"""Checks that name the site: bad observed data, shape mismatches, bad dims, bad log density at init."""
import numpy as np

from .distributions.base import is_concrete
from .distributions.masked import MaskedDistribution


def check_observed(msg):
    """Observed data must be finite, in the support and shaped like the distribution's draws."""
    name, fn, value = msg["name"], msg["fn"], msg["value"]
    if not (is_concrete(value) or isinstance(value, (list, tuple))):
        return
    check_observed_dtype(name, value)
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


def check_observed_dtype(name, value):
    """Observed data must be numbers: strings, objects (None) and complex values are a TypeError naming the site."""
    arr = np.asarray(value)
    if arr.dtype.kind in "OUSVc":
        what = "complex (the imaginary part would be dropped)" if arr.dtype.kind == "c" else f"dtype {arr.dtype}"
        raise TypeError(f'site "{name}": observed data must be real numbers, got {what}: {_preview(arr)}. Convert '
                        "it first, e.g. np.asarray(y, dtype=float) or pandas.to_numeric(y)")


def _preview(arr):
    return np.array2string(arr.ravel()[:4], separator=", ") + (" ..." if arr.size > 4 else "")


def named_arguments(model, args, kwargs):
    """[(argument name, value)] of a model call, positional arguments named by the model's signature."""
    import inspect
    try:
        bound = inspect.signature(model).bind_partial(*args, **kwargs)
        bound.apply_defaults()
        return list(bound.arguments.items())
    except (TypeError, ValueError):
        return [(f"argument {i}", v) for i, v in enumerate(args)] + list(kwargs.items())


def check_data_arguments(model, args, kwargs):
    """Complex data arrays are an error up front: compiling the model would drop their imaginary part."""
    for name, value in named_arguments(model, args, kwargs):
        if isinstance(value, np.ndarray) and value.dtype.kind == "c":
            raise TypeError(f"model argument {name!r} is complex ({value.dtype}); the log density is real, so its "
                            "imaginary part would be silently dropped. Pass value.real (or split it) instead")


def model_line(error, model):
    """'file.py:12: L = anp.linalg.cholesky(S)': the model's own line that raised error (None if not in it)."""
    import traceback
    code = getattr(model, "__code__", None)
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if code is not None and f.filename == code.co_filename]
    return f"{frames[-1].filename}:{frames[-1].lineno}: {frames[-1].line}" if frames else None


def describe_model_error(error, model, args, kwargs, last_site, sites=()):
    """A TypeError raised inside the model, with the model's line that raised it, the last site that ran
    and the data arguments that are not numbers (strings, None, objects): what a raw numpy error lacks."""
    parts = [f"the model raised {type(error).__name__}: {error}"]
    line = model_line(error, model)
    if line:
        parts.append(f"at {line}")
    parts.append(f'after site "{last_site}"' if last_site else "before its first site")
    suspects = []
    for name, value in named_arguments(model, args, kwargs):
        if value is None:
            suspects.append(f"{name!r} is None")
        elif isinstance(value, np.ndarray) and value.dtype.kind in "OUSV":
            suspects.append(f"{name!r} has dtype {value.dtype} ({_preview(value)})")
        elif isinstance(value, (list, tuple)) and any(isinstance(v, (str, type(None))) for v in value):
            suspects.append(f"{name!r} holds strings or None ({value!r:.60})")
    if suspects:
        parts.append("model data must be numbers, but " + "; ".join(suspects))
    if isinstance(error, IndexError) or "broadcast" in str(error):
        parts += shape_hints(sites) or []
    return "; ".join(parts)


def check_parameter_types(msg):
    """A distribution parameter that is None, a string or complex is a TypeError naming the site and the
    parameter (instead of numpy's "unsupported operand type(s)" when its log density is first evaluated)."""
    fn = msg.get("fn")
    while getattr(fn, "base_dist", None) is not None:
        fn = fn.base_dist
    if fn is None:
        return
    for param in getattr(fn, "arg_constraints", {}):
        if not hasattr(fn, param):
            continue
        value = getattr(fn, param)
        if value is None and _is_required(fn, param):
            raise TypeError(f'site "{msg["name"]}": {type(fn).__name__} parameter {param} is None; pass a number or '
                            "an array (a model argument left at its default None?)")
        if isinstance(value, (str, bytes)) or (isinstance(value, np.ndarray) and value.dtype.kind in "OUSVc"):
            raise TypeError(f'site "{msg["name"]}": {type(fn).__name__} parameter {param} must be real numbers, got '
                            f"{type(value).__name__} {value!r:.60}")


def _is_required(fn, param):
    """A parameter whose default in the distribution's __init__ is None is optional (TruncatedNormal's low,
    MultivariateNormal's alternative covariance_matrix / scale_tril, ...); any other is required."""
    import inspect
    try:
        default = inspect.signature(type(fn).__init__).parameters[param].default
    except (KeyError, TypeError, ValueError):
        return False
    return default is not None


def shape_hints(sites):
    """For an IndexError or broadcasting error in the model: each latent site with an event shape but no batch
    shape (one draw where the model may want one per group), with the fix. sites: [(name, distribution)]."""
    hints = []
    for name, fn in sites:
        if fn is not None and fn.event_shape and not fn.batch_shape:
            family = getattr(fn, "family_name", type(fn).__name__)
            hints.append(f'site "{name}" is one {family} draw of shape {fn.event_shape} (batch_shape (), event_shape '
                         f"{fn.event_shape}); for one per group use dist.{family}(...).expand((n_groups,)), "
                         f"which has shape (n_groups, {', '.join(map(str, fn.event_shape))})")
    return hints


def forgotten_observations(spec, model, args, kwargs):
    """Latent sites that look like observations left out: a model argument with the site's name that is None
    (forgot y=...), and latent sites exactly as large as a data argument when no observed site is (a data
    set's observations usually match its covariates). Returns (by_name, by_size) lists of (site, argument)."""
    named = dict(named_arguments(model, args, kwargs))
    by_name = [(site, site) for site in spec.latent if site in named and named[site] is None]
    sizes = {}
    for arg, value in named.items():
        if isinstance(value, np.ndarray) and value.size > 1:
            sizes.setdefault(value.size, arg)
    observed = {int(np.prod(shape)) for shape in spec.observed.values()}  # eight schools' z is as large as
    by_size = [(site, sizes[int(np.prod(s.shape))]) for site, s in spec.latent.items()  # sigma, but y is observed
               if s.shape and int(np.prod(s.shape)) in sizes and int(np.prod(s.shape)) not in observed
               and (site, site) not in by_name]
    return by_name, by_size
