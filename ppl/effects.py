"""The effect-handler stack: Messenger, apply_stack, and the statements models use (sample, deterministic, factor).

As in NumPyro, a model statement builds a message (a dict) and sends it through the stack of
active handlers, innermost first; each handler may read or change it (substitute a value,
record it, stop it). Handlers run while a model is traced, never inside compiled code.

Message keys: type ("sample" | "deterministic" | "factor" | "plate"), name, fn (the distribution),
value, is_observed, transform (a bijector or None), dims, rng (a numpy Generator or None),
scale (None or a factor on the site's log density: `handlers.scale`, subsampled plates),
cond_indep_stack (the frames of the enclosing plates, innermost first), stop (handlers further
out do not see the message).
"""
import threading
from contextlib import contextmanager

import numpy as np

import autodiff.numpy as anp


class _HandlerStack(threading.local):
    """The active handlers, one stack per thread: models traced in parallel threads (chains,
    servers) never see each other's handlers."""

    def __init__(self):
        self.handlers = []
        self.parent = None  # (handler, message) while a handler creates sites standing in for a message


_LOCAL = _HandlerStack()


def _stack():
    return _LOCAL.handlers


class Messenger:
    """Base handler: a context manager that can also wrap a model function."""

    def __init__(self, fn=None):
        self.fn = fn

    def __enter__(self):
        _stack().append(self)
        return self

    def __exit__(self, exc_type, *exc):
        stack = _stack()
        if exc_type is None:
            assert stack[-1] is self, "effect handlers exited out of order"
            stack.pop()
        elif self in stack:  # an error inside: drop this handler and any left above it (as NumPyro does)
            del stack[stack.index(self):]

    def process_message(self, msg):
        pass

    def postprocess_message(self, msg):
        pass

    def __call__(self, *args, **kwargs):
        with self:
            return self.fn(*args, **kwargs)


def apply_stack(msg, outside=None):
    """Send msg through the handlers (innermost first), fill in a value, then post-process outwards.

    outside: a handler on the stack; only the handlers further out than it see msg (for sites a
    handler creates while processing another message, which the handlers inside it have seen).
    """
    stack = _stack()
    if outside is not None:
        stack = stack[:next(i for i, h in enumerate(stack) if h is outside)]
    stopped_at = len(stack)
    for i, handler in enumerate(reversed(stack)):
        handler.process_message(msg)
        if msg["stop"]:
            stopped_at = i + 1
            break
    if msg["value"] is None and msg["type"] == "sample":
        rng = msg["rng"] if msg["rng"] is not None else np.random.default_rng()
        msg["value"] = msg["fn"].sample(rng)
    elif msg["value"] is None and msg["type"] == "plate":
        msg["value"] = msg["fn"].sample(msg["rng"])  # subsample indices; the plate says what to do without rng
    for handler in list(reversed(stack))[:stopped_at][::-1]:
        handler.postprocess_message(msg)
    return msg


@contextmanager
def sites_standing_in_for(handler, msg):
    """Sample statements run inside this block (by `handler` while it processes `msg`, e.g. a
    reparametrisation) stand in for msg: they inherit its plates, scale and dims (when shaped
    alike) and are sent only to the handlers outside `handler`, as the ones inside have seen msg."""
    previous, _LOCAL.parent = _LOCAL.parent, (handler, msg)
    try:
        yield
    finally:
        _LOCAL.parent = previous


def _apply_standing_in(msg, parent):
    handler, original = parent
    msg["cond_indep_stack"] = list(original.get("cond_indep_stack", ()))
    msg["scale"] = original.get("scale")
    if msg["dims"] is None and original.get("dims") is not None and original.get("fn") is not None \
            and msg["fn"].shape() == original["fn"].shape():
        msg["dims"] = original["dims"]
    _LOCAL.parent = None  # sites the outer handlers create are their own
    try:
        return apply_stack(msg, outside=handler)
    finally:
        _LOCAL.parent = parent


def site_log_prob(msg):
    """The elementwise log-density contribution of a sample or factor message: log_prob(value)
    (masks live in the distribution: `Distribution.mask`) or the factor, times the message's scale."""
    name = msg["name"]
    lp = msg["fn"].log_prob(msg["value"]) if msg["type"] == "sample" else msg["value"]
    if msg.get("scale") is None:
        return lp
    try:
        anp.broadcast_shapes(anp.shape(msg["scale"]), anp.shape(lp))
    except ValueError:
        raise ValueError(f'site "{name}": scale of shape {anp.shape(msg["scale"])} does not broadcast with '
                         f"its log-density terms of shape {anp.shape(lp)}") from None
    return msg["scale"] * lp


def _message(type_, name, **kw):
    if not isinstance(name, str) or not name:
        raise TypeError(f"site names must be non-empty strings, got {name!r}")
    msg = dict(type=type_, name=name, fn=None, value=None, is_observed=False, transform=None, dims=None,
               rng=None, scale=None, cond_indep_stack=[], stop=False)
    msg.update(kw)
    return msg


def sample(name, fn, obs=None, *, transform=None, dims=None):
    """A random variable named `name` with distribution `fn`; observed when obs is given.

    transform: the bijector from unconstrained space for this latent site (default: the one
    registered for fn.support). dims: names of the value's axes, for ArviZ.
    """
    from .distributions import Distribution
    if not isinstance(fn, Distribution):
        raise TypeError(f'site "{name}": ppl.sample needs a distribution, got {type(fn).__name__}')
    if obs is not None and transform is not None:
        raise ValueError(f'site "{name}": transform= only applies to latent (unobserved) sites')
    msg = _message("sample", name, fn=fn, value=obs, is_observed=obs is not None, transform=transform,
                   dims=tuple(dims) if dims is not None else None)
    if not _stack():
        return msg["value"] if obs is not None else fn.sample(np.random.default_rng())
    if _LOCAL.parent is not None:
        return _apply_standing_in(msg, _LOCAL.parent)["value"]
    return apply_stack(msg)["value"]


def deterministic(name, value, *, dims=None):
    """Record a derived quantity under `name` (returned unchanged)."""
    if not _stack():
        return value
    return apply_stack(_message("deterministic", name, value=value, dims=tuple(dims) if dims else None))["value"]


def factor(name, log_factor):
    """Add an arbitrary term (summed) to the model's log density."""
    if not _stack():
        return
    apply_stack(_message("factor", name, value=log_factor))
