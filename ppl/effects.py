"""The effect-handler stack: Messenger, apply_stack, and the statements models use (sample, deterministic, factor).

As in NumPyro, a model statement builds a message (a dict) and sends it through the stack of
active handlers, innermost first; each handler may read or change it (substitute a value,
record it, stop it). Handlers run while a model is traced, never inside compiled code.

Message keys: type ("sample" | "deterministic" | "factor"), name, fn (the distribution),
value, is_observed, transform (a bijector or None), dims, rng (a numpy Generator or None),
stop (handlers further out do not see the message).
"""
import threading

import numpy as np


class _HandlerStack(threading.local):
    """The active handlers, one stack per thread: models traced in parallel threads (chains,
    servers) never see each other's handlers."""

    def __init__(self):
        self.handlers = []


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

    def __exit__(self, *exc):
        stack = _stack()
        assert stack[-1] is self, "effect handlers exited out of order"
        stack.pop()

    def process_message(self, msg):
        pass

    def postprocess_message(self, msg):
        pass

    def __call__(self, *args, **kwargs):
        with self:
            return self.fn(*args, **kwargs)


def apply_stack(msg):
    """Send msg through the handlers (innermost first), fill in a value, then post-process outwards."""
    stack = _stack()
    stopped_at = len(stack)
    for i, handler in enumerate(reversed(stack)):
        handler.process_message(msg)
        if msg["stop"]:
            stopped_at = i + 1
            break
    if msg["value"] is None and msg["type"] == "sample":
        rng = msg["rng"] if msg["rng"] is not None else np.random.default_rng()
        msg["value"] = msg["fn"].sample(rng)
    for handler in list(reversed(stack))[:stopped_at][::-1]:
        handler.postprocess_message(msg)
    return msg


def _message(type_, name, **kw):
    if not isinstance(name, str) or not name:
        raise TypeError(f"site names must be non-empty strings, got {name!r}")
    msg = dict(type=type_, name=name, fn=None, value=None, is_observed=False, transform=None, dims=None,
               rng=None, stop=False)
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
