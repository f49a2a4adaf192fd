"""Run a model once to learn its structure: latent, observed, deterministic and factor sites.

Latent sites get a value by drawing uniformly in (-2, 2) on the unconstrained side and mapping
through the site's bijector (Stan's default initialisation), so improper priors need no sampler.
Observed data are validated here, once, with the site named in every error.
"""
from collections import OrderedDict

import numpy as np

from .bijectors import biject_to
from .effects import Messenger
from .handlers import trace
from .plate import plate_dims
from .validation import check_dims, check_observed


def site_bijector(msg):
    """The bijector of a latent site: its transform= or the default for its distribution's support."""
    if msg["transform"] is not None:
        return msg["transform"]
    try:
        return biject_to(msg["fn"].support)
    except (ValueError, NotImplementedError, KeyError) as e:
        raise ValueError(f'site "{msg["name"]}": {e}') from None


class init_latents(Messenger):
    """Give each latent site a random value: u ~ Uniform(-radius, radius) mapped through its bijector."""

    def __init__(self, fn=None, rng=None, radius=2.0):
        super().__init__(fn)
        self.rng, self.radius = rng, radius

    def process_message(self, msg):
        if msg["type"] == "sample" and not msg["is_observed"] and msg["value"] is None:
            bij = site_bijector(msg)
            free_shape = bij.inverse_shape(msg["fn"].shape())
            u = self.rng.uniform(-self.radius, self.radius, free_shape)
            msg["value"] = np.asarray(bij.forward(u))
            msg["free_value"] = u


class LatentSite:
    __slots__ = ("name", "shape", "free_shape", "dims", "discrete")

    def __init__(self, name, shape, free_shape, dims):
        self.name, self.shape, self.free_shape, self.dims = name, tuple(shape), tuple(free_shape), dims


class ModelSpec:
    """Ordered latent sites (with constrained and free shapes), and the other sites by kind.

    dims: site -> the names of its value's axes: its dims= or the plates it sits in (None for an
    axis neither names). plates: plate name -> (size, indices) (indices: the subsample, or None).
    """

    def __init__(self, tr, coords):
        self.latent = OrderedDict()
        self.observed, self.deterministic, self.factors = OrderedDict(), OrderedDict(), []
        self.dims, self.plates = {}, OrderedDict()
        for name, msg in tr.items():
            if msg["type"] == "plate":
                size, indices = msg["args"][0], np.asarray(msg["value"])
                if coords and name in coords and len(coords[name]) != size:
                    raise ValueError(f'plate "{name}" has size {size} but coords["{name}"] has '
                                     f"{len(coords[name])} labels")
                self.plates[name] = (size, None if len(indices) == size else indices)
                continue
            value_shape = np.shape(msg["value"]) if msg["type"] != "factor" else ()
            if msg["type"] == "sample" and not msg["is_observed"]:
                if msg["fn"].is_discrete:
                    raise ValueError(f'site "{name}": {type(msg["fn"]).__name__} is discrete and unobserved; '
                                     "gradient-based inference needs it observed or marginalised (e.g. with "
                                     "MixtureSameFamily)")
                free_shape = site_bijector(msg).inverse_shape(value_shape)
                self.latent[name] = LatentSite(name, value_shape, free_shape, msg["dims"])
            elif msg["type"] == "sample":
                self.observed[name] = value_shape
            elif msg["type"] == "deterministic":
                self.deterministic[name] = value_shape
            else:
                self.factors.append(name)
            if msg.get("dims") is not None:
                check_dims(name, msg["dims"], value_shape, coords)
                self.dims[name] = msg["dims"]
            elif msg["type"] != "factor" and plate_dims(msg, value_shape) is not None:
                self.dims[name] = plate_dims(msg, value_shape)


def discover(model, args, kwargs, rng, coords=None, tries=20):
    """Run the model once; returns (ModelSpec, trace).

    Latent values come from a random initial point; when it makes the model invalid (a latent
    used as a scale is negative there, or the data fall outside a support whose bound is a
    latent), another point is drawn, as Stan rejects initial points. After `tries` failures the
    last error is raised, naming its site.
    """
    error = None
    for _ in range(tries):
        seed = int(rng.integers(2 ** 63))
        try:
            with trace() as tr, init_latents(rng=np.random.default_rng(seed)):
                model(*args, **kwargs)
            for msg in tr.values():
                if msg["type"] == "sample" and msg["is_observed"]:
                    check_observed(msg)
            return ModelSpec(tr, coords), tr
        except ValueError as e:
            error = e
            site = site_with_invalid_parameters(model, args, kwargs, init_latents(rng=np.random.default_rng(seed)))
            if site is not None:
                error = ValueError(f'site "{site}": {e}')
            if _init_independent(error):
                break
    raise error from None


def _init_independent(error):
    """Errors no other initial point can fix (the model's structure or its constant inputs)."""
    text = str(error)
    return any(key in text for key in ("two sites named", "batch_shape", "event shape", "non-finite", "dims=",
                                       "coords", "discrete and unobserved", "is discrete", 'plate "', "mask of shape",
                                       "scale of shape"))


class _FoundInvalid(Exception):
    pass


class _find_invalid(Messenger):
    def process_message(self, msg):
        fn = msg.get("fn")
        if fn is not None and getattr(fn, "invalid_reason", None):
            raise _FoundInvalid(msg["name"])


def site_with_invalid_parameters(model, args, kwargs, values_handler):
    """Re-run a model whose distribution raised, with the same latent values (from values_handler),
    recording invalid parameters instead of raising; return the first site whose distribution is
    invalid (None if the error came from elsewhere)."""
    from .distributions import base
    base._DEFER_VALIDATION[0] = True
    try:
        with values_handler, _find_invalid():
            model(*args, **kwargs)
    except _FoundInvalid as found:
        return str(found)
    except Exception:  # noqa: BLE001 - any other failure: report the original error
        return None
    finally:
        base._DEFER_VALIDATION[0] = False
    return None
