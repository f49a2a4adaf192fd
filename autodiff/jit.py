"""jit: trace once per input shapes/dtypes into a Graph, generate one @njit function, call it.

Under another transform (its arguments are tracers) a jitted function is simply traced
through, so `grad(jit(f))` and `jit(grad(f))` both work.
"""
import functools

import numpy as np
from numba.core.errors import NumbaError

from .avals import ShapedArray, get_aval
from .codegen.compile import announce, compile_source, is_generated
from .codegen.emit import generate_source
from .codegen import sizes
from .codegen.simplify import simplify
from .core import Tracer
from .staging import make_graph
from .tree import tree_flatten, tree_unflatten


class Compiled:
    """One specialisation: the graph, its captured constants, the generated source and the dispatcher.

    `dispatcher(*flat_args, *consts)` is an ordinary Numba dispatcher, callable from other @njit
    code; it returns a tuple of the flat outputs. `consts` are the arrays the function closed over
    and, last, the float64 array of its scalar constants (`lits`): the source holds neither, so a
    function that differs only in those values reuses the compiled code.
    """

    compile_seconds = None  # set by the first call (Numba compiles then, or loads its disk cache)

    def __init__(self, graph, consts, out_tree, in_avals, name="f"):
        self.out_tree, self.in_avals, self.name = out_tree, in_avals, name
        self.consts = [_to_numba(c) for c in consts]
        self.graph = simplify(graph, self.consts)
        lifted = []
        self._specific = generate_source(self.graph, "FN", lifted=lifted, labels=getattr(graph, "labels", None))
        if lifted:  # the float constants the source reads at run time: one more argument, last
            self.consts.append(np.array(lifted, dtype=np.float64))
        # sizes: the same program with other data lengths may already have compiled code that reads
        # them at run time (codegen/sizes.py); that code is used only if it reproduces this source
        self._skeleton, ints = sizes.split_integers(self._specific)
        params = sizes.main_params(self._specific)
        avals = [v.aval for v in list(self.graph.invars) + list(self.graph.constvars)]
        self.template = sizes.registry.find(self._skeleton, ints, sizes.param_dims(params, avals))
        self._compile(self.template.source if self.template else lambda name: sizes.rename(self._specific, name))
        self.out_avals = graph.out_avals

    def _compile(self, source_fn):
        self.dispatcher, self.module_source, self.module_name, self.function_name = compile_source(source_fn)
        self.source = self.module_source.split("\n\n\n", 1)[-1]

    def specialise(self):
        """Compile this program as it is, numbers and all (when its size template fails to compile)."""
        if self.template is not None:
            sizes.registry.forget(self._skeleton, self.template)
            self.template = None
            self._compile(lambda name: sizes.rename(self._specific, name))

    def call_fast(self, args):
        """call_flat for C-contiguous ndarray arguments: no conversion, outputs rebuilt directly."""
        outs = self.dispatcher(*args, *self.consts)
        leaves = [t(o) if t is not None else o for o, t in zip(outs, self._scalar_types)]
        return tree_unflatten(self.out_tree, leaves)

    @property
    def _scalar_types(self):
        types = self.__dict__.get("_scalar_types_")
        if types is None:
            types = self.__dict__["_scalar_types_"] = [None if a.shape else a.dtype.type for a in self.out_avals]
        return types

    def call_flat(self, flat_args):
        args = [_to_numba(a) for a in flat_args]
        if self.compile_seconds is None:  # Numba compiles on the first call
            with announce(f"jit({self.name})") as timing:
                timing["functions"] = self.module_source.count("\ndef ")
                timing["counts"] = is_generated
                try:
                    outs = self.dispatcher(*args, *self.consts)
                except NumbaError:
                    if self.template is None:
                        raise
                    self.specialise()
                    outs = self.dispatcher(*args, *self.consts)
            self.compile_seconds = timing["seconds"]
        else:
            outs = self.dispatcher(*args, *self.consts)
        return [_from_numba(o, a) for o, a in zip(outs, self.out_avals)]


def _to_numba(x):
    if isinstance(x, np.ndarray):
        if x.ndim == 0:
            return x.dtype.type(x[()])
        return x if x.flags.c_contiguous else np.ascontiguousarray(x)
    if isinstance(x, (bool, int, float, np.generic)):
        return x
    return np.ascontiguousarray(x)


def _from_numba(x, aval):
    if not aval.shape:
        return aval.dtype.type(x)
    return x


class Jitted:
    """A function compiled per input signature. `.source` shows the last generated @njit code."""

    def __init__(self, fun, static_argnums=()):
        self.fun = fun
        self.static_argnums = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
        self.cache = {}
        self._fast = {}  # (shape, dtype) of each argument -> Compiled, when all are C-contiguous ndarrays
        self.last = None
        functools.update_wrapper(self, fun, updated=())

    def _split(self, args, kwargs):
        static = tuple((i, args[i]) for i in self.static_argnums)
        dynamic = tuple(a for i, a in enumerate(args) if i not in self.static_argnums)
        return static, dynamic

    def lower(self, *args, **kwargs):
        """Trace and compile for these argument shapes without running; returns the Compiled, whose
        `dispatcher(*flat_args, *consts)` can be called from other @njit code."""
        return self._lower(*args, **kwargs)[0]

    def _lower(self, *args, **kwargs):
        static, dynamic = self._split(args, kwargs)
        leaves, in_tree = tree_flatten((dynamic, kwargs))
        key = (in_tree, tuple(_signature(x) for x in leaves), _hashable(static))
        compiled = self.cache.get(key)
        if compiled is None:
            in_avals = tuple(_abstract(x) for x in leaves)
            def flat_fun(*flat):
                dyn, kw = tree_unflatten(in_tree, flat)
                full, it = [], iter(dyn)
                static_map = dict(static)
                for i in range(len(args)):
                    full.append(static_map[i] if i in static_map else next(it))
                return self.fun(*full, **kw)
            graph, consts, out_tree = make_graph(flat_fun, in_avals)
            compiled = self.cache[key] = Compiled(graph, consts, out_tree, in_avals,
                                                       getattr(self.fun, "__name__", "f"))
        self.last = compiled
        return compiled, leaves

    def __call__(self, *args, **kwargs):
        fast = None if kwargs or self.static_argnums else _fast_key(args)
        if fast is not None:
            compiled = self._fast.get(fast)
            if compiled is not None and compiled.compile_seconds is not None:
                self.last = compiled
                return compiled.call_fast(args)
        try:
            compiled, flat = self._lower(*args, **kwargs)
        except _TracedArgument:
            return self.fun(*args, **kwargs)  # under another transform: trace through
        if fast is not None:
            self._fast[fast] = compiled
        return tree_unflatten(compiled.out_tree, compiled.call_flat(flat))

    @property
    def source(self):
        if self.last is None:
            raise RuntimeError("call the jitted function (or .lower(*args)) once before asking for its source")
        return self.last.source

    @property
    def graph(self):
        return None if self.last is None else self.last.graph


class _TracedArgument(Exception):
    pass


# Python scalars passed to a jitted function are traced as (strong) 0-d float64/int64/bool values,
# so f(1.0), f(np.float64(1.0)) and f(np.array(1.0)) share one specialisation.
_SCALAR_SIGNATURES = {float: ((), np.dtype(np.float64)), int: ((), np.dtype(np.int64)),
                      bool: ((), np.dtype(np.bool_))}


def _signature(x):
    """The part of an argument a specialisation depends on: shape, dtype, weak (cheap to compute)."""
    if type(x) is np.ndarray:
        return x.shape, x.dtype
    sig = _SCALAR_SIGNATURES.get(type(x))
    if sig is not None:
        return sig
    if isinstance(x, Tracer):
        raise _TracedArgument
    a = get_aval(x)
    return a.shape, a.dtype


def _fast_key(args):
    """The specialisation key of arguments that are all C-contiguous, non-0-d float/int ndarrays (the
    common call: they pass to the compiled function as they are); None for anything else."""
    key = []
    for a in args:
        if type(a) is not np.ndarray or not a.ndim or not a.flags.c_contiguous:
            return None
        key.append((a.shape, a.dtype))
    return tuple(key)


def _abstract(x):
    a = get_aval(x)
    return ShapedArray(a.shape, a.dtype)


def _hashable(x):
    try:
        hash(x)
        return x
    except TypeError:
        return repr(x)


def jit(fun=None, *, static_argnums=()):
    """Compile `fun` to Numba, specialised on its arguments' shapes and dtypes (and static values)."""
    if fun is None:
        return lambda f: Jitted(f, static_argnums)
    return Jitted(fun, static_argnums)


__all__ = ["jit", "Jitted", "Compiled"]
