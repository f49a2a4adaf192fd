"""Effect handlers: trace, seed, substitute, condition, block — one small class each."""
from collections import OrderedDict

import numpy as np

from .effects import Messenger


class trace(Messenger):
    """Record every site's message, in program order: `trace(model).get_trace(*args)`."""

    def __enter__(self):
        super().__enter__()
        self.trace = OrderedDict()
        return self.trace

    def postprocess_message(self, msg):
        if msg["name"] in self.trace:
            raise ValueError(f'the model has two sites named "{msg["name"]}": site names must be unique')
        self.trace[msg["name"]] = dict(msg)

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
        if msg["type"] == "sample" and msg["rng"] is None:
            msg["rng"] = self.rng


class substitute(Messenger):
    """Use values from `data` for latent sample sites (and deterministic sites are left alone)."""

    def __init__(self, fn=None, data=None):
        super().__init__(fn)
        self.data = data or {}

    def process_message(self, msg):
        if msg["type"] == "sample" and not msg["is_observed"] and msg["name"] in self.data:
            msg["value"] = self.data[msg["name"]]


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


__all__ = ["trace", "seed", "substitute", "condition", "unobserve", "block"]
