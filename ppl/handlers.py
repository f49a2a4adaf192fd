"""Effect handlers, one small class each, with NumPyro's names and semantics.

Recording and values: trace, seed, substitute, condition, unobserve, block, replay.
Changing the model: mask (drop log-density terms: missing data), scale (weight them), do
(intervention), scope (name prefixes for reusable sub-models), reparam (e.g. non-centring with
`ppl.reparam.LocScaleReparam`). `ppl.plate` lives in ppl/plate.py.
"""
import warnings
from collections import OrderedDict

import numpy as np

import autodiff.numpy as anp

from .distributions.base import is_concrete
from .effects import Messenger, apply_stack, sites_standing_in_for
from .plate import CondIndepStackFrame


class trace(Messenger):
    """Record every site's message, in program order: `trace(model).get_trace(*args)`."""

    def __enter__(self):
        super().__enter__()
        self.trace = OrderedDict()
        return self.trace

    def postprocess_message(self, msg):
        name, previous = msg["name"], self.trace.get(msg["name"])
        if previous is not None:
            if msg["type"] != "plate" or previous["type"] != "plate":
                raise ValueError(f'the model has two sites named "{name}": site names (and plate names) must be '
                                 "unique")
            if previous["args"][0] != msg["args"][0]:
                raise ValueError(f'the model has two plates named "{name}" with different sizes '
                                 f"({previous['args'][0]} and {msg['args'][0]}): a plate's name is its ArviZ "
                                 "dimension, so plates of different sizes need different names")
        self.trace[name] = dict(msg)

    def get_trace(self, *args, **kwargs):
        self(*args, **kwargs)
        return self.trace

    def __call__(self, *args, **kwargs):
        with self:
            self.fn(*args, **kwargs)
        return self.trace


class seed(Messenger):
    """Give unobserved sample sites a numpy Generator, so draws are reproducible."""

    def __init__(self, fn=None, rng_seed=None):
        super().__init__(fn)
        self.rng = rng_seed if isinstance(rng_seed, np.random.Generator) else np.random.default_rng(rng_seed)

    def process_message(self, msg):
        if msg["type"] in ("sample", "plate") and msg["rng"] is None:
            msg["rng"] = self.rng


class substitute(Messenger):
    """Use values from `data` for latent sample sites, and subsample indices for plates named in
    `data` (deterministic sites are left alone)."""

    def __init__(self, fn=None, data=None):
        super().__init__(fn)
        self.data = data or {}

    def process_message(self, msg):
        if msg["type"] == "sample" and not msg["is_observed"] and msg["name"] in self.data:
            msg["value"] = self.data[msg["name"]]
        elif msg["type"] == "plate" and msg["name"] in self.data:
            msg["value"] = np.asarray(self.data[msg["name"]])


class condition(Messenger):
    """Observe sample sites at the values in `data`."""

    def __init__(self, fn=None, data=None):
        super().__init__(fn)
        self.data = data or {}

    def process_message(self, msg):
        if msg["type"] == "sample" and msg["name"] in self.data:
            msg["value"] = self.data[msg["name"]]
            msg["is_observed"] = True


class unobserve(Messenger):
    """Treat observed sites as latent: they are sampled (for predictive draws)."""

    def process_message(self, msg):
        if msg["type"] == "sample" and msg["is_observed"]:
            msg["value"] = None
            msg["is_observed"] = False


class block(Messenger):
    """Hide sites (all, or those named in `hide`) from the handlers outside this one."""

    def __init__(self, fn=None, hide=None):
        super().__init__(fn)
        self.hide = None if hide is None else set(hide)

    def process_message(self, msg):
        if self.hide is None or msg["name"] in self.hide:
            msg["stop"] = True


class replay(Messenger):
    """Give latent sample sites (and plates) the values they have in `trace`, a trace of another run."""

    def __init__(self, fn=None, trace=None):
        if trace is None:
            raise ValueError("replay needs trace=, a trace of the model (handlers.trace(model).get_trace(...))")
        super().__init__(fn)
        self.trace = trace

    def process_message(self, msg):
        if msg["type"] not in ("sample", "plate") or msg["name"] not in self.trace:
            return
        name, recorded = msg["name"], self.trace[msg["name"]]
        if msg["type"] == "plate":
            if recorded["type"] != "plate":
                raise RuntimeError(f"Site {name} must be a plate in trace.")
            msg["value"] = recorded["value"]
        elif not msg["is_observed"]:
            if recorded["type"] != "sample" or recorded["is_observed"]:
                raise RuntimeError(f"Site {name} must be sampled in trace.")
            msg["value"] = recorded["value"]


def _is_bool_array(mask):
    dtype = getattr(mask, "dtype", None)
    return isinstance(mask, (bool, np.bool_)) or (dtype is not None and np.dtype(dtype) == np.bool_)


class mask(Messenger):
    """Mask the log density of the sample sites inside elementwise: True keeps a term, False drops it.

    `mask` is a bool or a bool array broadcastable to the sites' batch shapes (NumPyro's `mask`);
    each site's distribution becomes `fn.mask(mask)`. The usual use is missing observations:
    fill them with any value (NaN is fine) and mask them out,

        with ppl.handlers.mask(mask=~np.isnan(y)):
            ppl.sample("y", dist.Normal(mu, sigma), obs=y)

    A factor inside is masked too (its masked entries count 0).
    """

    def __init__(self, fn=None, mask=True):
        if isinstance(mask, (list, tuple)):
            mask = np.asarray(mask)
        if not _is_bool_array(mask):
            raise ValueError(f"`mask` should be a bool array, got {getattr(mask, 'dtype', type(mask).__name__)} "
                             "(e.g. mask=~np.isnan(y), or mask=values.astype(bool))")
        super().__init__(fn)
        self.mask = mask

    def process_message(self, msg):
        name = msg["name"]
        try:
            if msg["type"] == "sample":
                msg["fn"] = msg["fn"].mask(self.mask)
            elif msg["type"] == "factor":
                shape = anp.shape(msg["value"])
                full = tuple(anp.broadcast_shapes(anp.shape(self.mask), shape))
                if full != tuple(shape):
                    raise ValueError(f"mask of shape {anp.shape(self.mask)} does not fit a factor of shape {shape}")
                msg["value"] = anp.where(self.mask, msg["value"], 0.0)
        except ValueError as e:
            raise ValueError(f'site "{name}": {e}') from None


class scale(Messenger):
    """Multiply the log density of the sites inside by `scale` (> 0; a number or an array that
    broadcasts with the sites' log-density terms): NumPyro's `scale`, e.g. for minibatches or weights."""

    def __init__(self, fn=None, scale=1.0):
        if is_concrete(scale) or isinstance(scale, (list, tuple)):
            scale = np.asarray(scale, dtype=float) if np.ndim(scale) else float(scale)
            if np.any(np.less_equal(scale, 0)) or not np.all(np.isfinite(scale)):
                raise ValueError(f"'scale' argument should be positive (and finite), got {scale!r}")
        super().__init__(fn)
        self.scale = scale

    def process_message(self, msg):
        if msg["type"] in ("sample", "factor", "plate"):
            msg["scale"] = self.scale if msg["scale"] is None else self.scale * msg["scale"]


class do(Messenger):
    """Intervene: sites named in `data` take the given values downstream (NumPyro's `do`).

    As in NumPyro, the intervened statement is split in two: a fresh sample site under the same
    name, drawn (or scored) as before but whose value the rest of the model does not see, and the
    intervention itself, fixed at data[name], not scored and hidden from the handlers outside
    (named `<name>__CF` inside). Downstream sites see data[name].
    """

    def __init__(self, fn=None, data=None):
        super().__init__(fn)
        self.data = data or {}

    def process_message(self, msg):
        if msg["type"] != "sample" or self.data.get(msg["name"]) is None:
            return
        if msg.get("_intervened_by") is not None:
            warnings.warn(f'intervening on site "{msg["name"]}" more than once, which is almost certainly not '
                          "what you mean", RuntimeWarning, stacklevel=2)
        fresh = dict(msg, cond_indep_stack=list(msg["cond_indep_stack"]), _intervened_by=self)
        apply_stack(fresh, outside=self)
        msg.update(name=msg["name"] + "__CF", value=self.data[msg["name"]], is_observed=True, stop=True,
                   _intervened_by=self)


class scope(Messenger):
    """Prefix the names of the sites (and plates) inside with `prefix` + `divider`, so a sub-model
    can be used several times in one model (NumPyro's `scope`); hide_types: site types to leave alone."""

    def __init__(self, fn=None, prefix="", divider="/", *, hide_types=None):
        super().__init__(fn)
        self.prefix, self.divider = prefix, divider
        self.hide_types = [] if hide_types is None else list(hide_types)

    def process_message(self, msg):
        if msg.get("name") and msg["type"] not in self.hide_types:
            msg["name"] = f"{self.prefix}{self.divider}{msg['name']}"
        if msg.get("cond_indep_stack") and "plate" not in self.hide_types:
            msg["cond_indep_stack"] = [CondIndepStackFrame(f"{self.prefix}{self.divider}{f.name}", f.dim, f.size)
                                       for f in msg["cond_indep_stack"]]


class reparam(Messenger):
    """Reparametrise sample sites (NumPyro's `reparam`): config maps a site name to a reparametriser
    (e.g. `ppl.reparam.LocScaleReparam(0)`), or is a callable site message -> reparametriser or None.

    A reparametriser `r(name, fn, obs) -> (new_fn, value)` may create new sample sites (they stand
    in for the site: same plates, scale and dims); when it returns new_fn None the site becomes a
    deterministic site holding `value`.
    """

    def __init__(self, fn=None, config=None):
        if not (isinstance(config, dict) or callable(config)):
            raise TypeError(f"reparam needs config=, a dict site name -> reparametriser or a callable, got {config!r}")
        super().__init__(fn)
        self.config = config

    def process_message(self, msg):
        if msg["type"] != "sample":
            return
        reparametriser = self.config.get(msg["name"]) if isinstance(self.config, dict) else self.config(msg)
        if reparametriser is None:
            return
        with sites_standing_in_for(self, msg):
            new_fn, value = reparametriser(msg["name"], msg["fn"], msg["value"] if msg["is_observed"] else None)
        if value is None:
            msg["fn"] = new_fn
            return
        if new_fn is None:
            event_dim = msg["fn"].event_dim
            msg.update(type="deterministic", value=value, fn=None, is_observed=False, transform=None,
                       event_dim=event_dim)
            return
        if msg["value"] is None:
            msg["is_observed"] = True
        msg["value"], msg["fn"] = value, new_fn


__all__ = ["trace", "seed", "substitute", "condition", "unobserve", "block", "replay", "mask", "scale", "do",
           "scope", "reparam"]
