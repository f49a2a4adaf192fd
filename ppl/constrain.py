"""Constrain many draws at once: one compiled loop maps a block of unconstrained draws to every latent
and deterministic site, without running the Python model once per draw (plus the observed data,
read from one run of the model).

    model --trace once (x abstract)--> per-draw graph x -> (site values...) --codegen--> @njit f(x, consts)
    block(X, out_0, ..., out_k, consts): for i in range(n): out_j[i] = f(X[i], consts)[j]

Both functions are generated modules in the shared code cache (keyed by their source), so a second
process with the same model loads machine code instead of compiling. Tracing must run on the
thread that owns the model (the effect-handler and trace stacks are global); the Numba compile
alone can run in a background thread while chains sample (`DrawConstrainer.compile_in_background`).
"""
import threading
from collections import OrderedDict

import numpy as np

import autodiff as ad
from autodiff.codegen.compile import compile_source

from .effects import Messenger
from .handlers import trace
from .spec import site_bijector


class forward_latents(Messenger):
    """Give each latent site the value of its bijector at the site's free (unconstrained) value."""

    def __init__(self, fn=None, free_values=None):
        super().__init__(fn)
        self.free_values = free_values

    def process_message(self, msg):
        if msg["type"] == "sample" and not msg["is_observed"]:
            if msg["name"] not in self.free_values:
                raise ValueError(f'site "{msg["name"]}" did not exist when the model was first run: a model must '
                                 "have the same sample sites on every run")
            msg["value"] = site_bijector(msg).forward(self.free_values[msg["name"]])


def constrained_sites(model, args, kwargs, free_values):
    """OrderedDict name -> value of every latent and deterministic site, in program order; traceable."""
    with trace() as tr, forward_latents(free_values=free_values):
        model(*args, **kwargs)
    return OrderedDict((name, msg["value"]) for name, msg in tr.items()
                       if (msg["type"] == "sample" and not msg["is_observed"]) or msg["type"] == "deterministic")


def observed_values(model, args, kwargs, free_values):
    """OrderedDict name -> data (numpy) of every observed site, from one run of the model."""
    with trace() as tr, forward_latents(free_values=free_values):
        model(*args, **kwargs)
    return OrderedDict((name, np.asarray(msg["value"])) for name, msg in tr.items()
                       if msg["type"] == "sample" and msg["is_observed"])


class DrawConstrainer:
    """X (n, dim) unconstrained draws -> dict site -> (n, *site_shape), through one compiled loop.

    Building one traces the model once (on the calling thread) and writes the generated modules;
    Numba compiles them at the first call, or earlier with `compile()` / `compile_in_background()`.
    """

    def __init__(self, model, args, kwargs, layout):
        self.layout = layout
        self.names = []

        def per_draw(x):
            values = constrained_sites(model, args, kwargs, layout.unpack(x))
            self.names[:] = list(values)
            return tuple(values.values())

        self.per_draw = ad.jit(per_draw).lower(np.zeros(layout.dim))
        self.shapes = [tuple(a.shape) for a in self.per_draw.out_avals]
        self.dtypes = [np.dtype(a.dtype) for a in self.per_draw.out_avals]
        self.consts = tuple(self.per_draw.consts)
        inner = self.per_draw
        imports = f"from {inner.module_name} import {inner.function_name} as per_draw"
        self.block = compile_source(lambda fn_name: _block_source(fn_name, self.shapes, len(self.consts)),
                                    name="constrain_block", imports=imports,
                                    decorator="@numba.njit(cache=True, nogil=True)")[0]
        self._compiling = None
        self._compile_error = None

    def compile(self):
        """Compile now (a call on a one-draw block); returns self."""
        self._run(np.zeros((1, self.layout.dim)))
        return self

    def compile_in_background(self):
        """Start compiling in a daemon thread; the first call waits for it. Returns the thread."""
        if self._compiling is None:
            def target():
                try:
                    self.compile()
                except BaseException as e:  # noqa: BLE001 - re-raised on the caller's thread by __call__
                    self._compile_error = e
            self._compiling = threading.Thread(target=target, name="numbayes-constrain-compile", daemon=True)
            self._compiling.start()
        return self._compiling

    def __call__(self, X):
        X = np.ascontiguousarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.layout.dim:
            raise ValueError(f"expected unconstrained draws of shape (n, {self.layout.dim}), got {X.shape}")
        if self._compiling is not None:
            self._compiling.join()
            if self._compile_error is not None:
                error, self._compile_error = self._compile_error, None
                self._compiling = None
                raise error
        return self._run(X)

    def _run(self, X):
        n = X.shape[0]
        outs = [np.empty((n,) + shape, dtype=dtype) for shape, dtype in zip(self.shapes, self.dtypes)]
        self.block(X, *outs, *self.consts)
        return dict(zip(self.names, outs))


def _block_source(fn_name, shapes, n_consts):
    """The loop over draws: row i of X through per_draw, output j copied into out_j[i] element by element
    (explicit index loops: Numba compiles them several times faster than slice assignment)."""
    outs = [f"out{j}" for j in range(len(shapes))]
    consts = [f"c{k}" for k in range(n_consts)]
    lines = [f"def {fn_name}({', '.join(['X'] + outs + consts)}):",
             "    for i in range(X.shape[0]):",
             f"        r = per_draw({', '.join(['X[i]'] + consts)})"]
    for j, shape in enumerate(shapes):
        if not shape:
            lines.append(f"        out{j}[i] = r[{j}]")
            continue
        lines.append(f"        r{j} = r[{j}]")
        index = ", ".join(f"k{a}" for a in range(len(shape)))
        for a, size in enumerate(shape):
            lines.append("        " + "    " * a + f"for k{a} in range({size}):")
        lines.append("        " + "    " * len(shape) + f"out{j}[i, {index}] = r{j}[{index}]")
    if not shapes:
        lines.append("        pass")
    return "\n".join(lines) + "\n"


__all__ = ["DrawConstrainer", "constrained_sites", "forward_latents", "observed_values"]
