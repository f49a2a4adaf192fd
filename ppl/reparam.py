"""Reparametrisers for `ppl.handlers.reparam` (NumPyro's numpyro.infer.reparam): LocScaleReparam.

A reparametriser is called as `r(name, fn, obs) -> (new_fn, value)` while the handler processes
site `name`; it may create new sample sites (they stand in for the site: same plates, scale and
dims) and returns new_fn None with the site's value to turn the site into a deterministic one.
"""
from .distributions import Uniform
from .distributions.base import ExpandedDistribution
from .distributions.independent import Independent
from .effects import sample


class Reparam:
    """Base class: `_unwrap` and `_wrap` peel and restore Independent / ExpandedDistribution layers."""

    def __call__(self, name, fn, obs):
        return fn, obs

    @staticmethod
    def _unwrap(fn):
        """(the innermost distribution, the batch shape to expand it to, the event dim to restore)."""
        shape, event_dim = fn.shape(), fn.event_dim
        while isinstance(fn, (Independent, ExpandedDistribution)):
            fn = fn.base_dist
        return fn, shape[:len(shape) - fn.event_dim], event_dim

    @staticmethod
    def _wrap(fn, expand_shape, event_dim):
        fn = fn.expand(expand_shape)
        return fn.to_event(event_dim - fn.event_dim) if fn.event_dim < event_dim else fn


class LocScaleReparam(Reparam):
    """Decentre a latent site with `loc` and `scale` parameters (Gorinova, Moore and Hoffman 2019):
    the standard fix for funnels (hierarchical models with few data per group).

    With centred c in [0, 1] the site `x ~ F(loc, scale)` becomes

        x_decentered ~ F(c * loc, scale ** c)           (a new latent site "<name>_decentered")
        x = loc + scale ** (1 - c) * (x_decentered - c * loc)     (x: a deterministic site)

    which leaves the distribution of x unchanged: c = 0 is the non-centred form
    (x = loc + scale * z, z ~ F(0, 1)), c = 1 leaves the site as it is. F is rebuilt as
    type(fn)(loc=..., scale=..., **shape_params) (e.g. shape_params=("df",) for StudentT).

    centered=None: NumPyro learns c as an optimised param (SVI). numbayes has no param store, so
    c becomes a latent site "<name>_centered" with a Uniform(0, 1) prior, shaped like one event;
    since x's distribution is the same for every c, the model's other marginals are unchanged and
    the sampler explores c with the rest.
    """

    def __init__(self, centered=None, shape_params=()):
        if centered is not None and not (isinstance(centered, (int, float)) and 0 <= centered <= 1):
            raise ValueError(f"LocScaleReparam: centered must be None or a number in [0, 1], got {centered!r}")
        if not isinstance(shape_params, (tuple, list)) or not all(isinstance(p, str) for p in shape_params):
            raise TypeError(f"LocScaleReparam: shape_params must be a tuple of parameter names, got {shape_params!r}")
        self.centered, self.shape_params = centered, tuple(shape_params)

    def __call__(self, name, fn, obs):
        if obs is not None:
            raise ValueError(f'site "{name}": LocScaleReparam applies to latent sites, not observed ones')
        if self.centered == 1:
            return fn, obs
        event_shape = fn.event_shape
        base, expand_shape, event_dim = self._unwrap(fn)
        if not (hasattr(base, "loc") and hasattr(base, "scale")):
            raise ValueError(f'site "{name}": LocScaleReparam needs a distribution with loc and scale parameters, '
                             f"got {type(base).__name__}")
        centered = self.centered
        if centered is None:
            prior = Uniform(0.0, 1.0).expand(event_shape).to_event(len(event_shape))
            centered = sample(f"{name}_centered", prior)
        params = {key: getattr(base, key) for key in self.shape_params}
        params["loc"] = _times(base.loc, centered)
        params["scale"] = _power(base.scale, centered)
        decentered = sample(f"{name}_decentered", self._wrap(type(base)(**params), expand_shape, event_dim))
        delta = decentered - _times(base.loc, centered)
        return None, base.loc + _power(base.scale, 1 - centered) * delta


def _is(c, number):
    return isinstance(c, (int, float)) and c == number


def _times(x, c):
    """x * c, exactly 0.0 (no graph node) for the non-centred c = 0; the batch shape is restored by expand."""
    return 0.0 if _is(c, 0) else x * c


def _power(x, p):
    """x ** p, without a power node for the common exponents 0 and 1."""
    if _is(p, 0):
        return 1.0
    return x if _is(p, 1) else x ** p


__all__ = ["Reparam", "LocScaleReparam"]
