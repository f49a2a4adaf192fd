"""Primitive, bind, and the Trace/Tracer machinery that routes every operation to the active transform.

Each transform (evaluation, forward mode, reverse mode, graph staging) is a `Trace` at a level
of the trace stack, as in JAX's Autodidax. `bind` finds the highest-level trace among the
operands, lifts the other operands into it, and lets that trace process the primitive; the
trace in turn binds primitives on the values one level down. Outside every transform a
primitive is just its numpy implementation.
"""
import threading
from contextlib import contextmanager

import numpy as np

from .errors import ConcretizationError, DerivativeDroppedError, EscapedTracerError, NumpyOnTracerError


class Elementwise:
    """Emitter kind of an elementwise primitive: `template` computes one element from the operands'
    elements (a format string, or a function of the params returning one), so codegen can fuse it
    into a loop with its neighbours."""

    __slots__ = ("template",)

    def __init__(self, template):
        self.template = template

    def __call__(self, ctx, eqn):
        raise NotImplementedError(f"'{eqn.primitive.name}' on arrays is emitted inside a fused loop only")


class Reduction:
    """Emitter kind of a reduction that codegen can fuse into the loop producing its operand:
    `init` (code of the accumulator's start) and `update` (a format string of {acc} and {x}); `emit`
    writes the reduction on its own when it is not fused."""

    __slots__ = ("init", "update", "emit")

    def __init__(self, init, update, emit):
        self.init, self.update, self.emit = init, update, emit

    def __call__(self, ctx, eqn):
        return self.emit(ctx, eqn)


class Primitive:
    """A named operation plus its rules: numpy impl, shape rule, JVP, VJP and Numba emitter.

    Rules for a primitive with arguments (x, y, ...) and parameters **params:
      impl(*args, **params)                     -> numpy result
      shape(*avals, **params)                   -> ShapedArray (or a list, multiple_results)
      jvp rule i: (g, ans, *args, **params)     -> tangent contribution of argument i
      vjp rule i: (ct, ans, *args, **params)    -> cotangent of argument i
      emit(ctx, eqn)                            -> lines of Numba source
    A rule of None marks a non-differentiable argument. Rules are written with primitives, so
    the derivative is itself a traced program and higher orders come for free.

    The emitter is a function, or one of the kinds codegen fuses: `Elementwise(template)` or
    `Reduction(init, update, emit)`. Every property a transform or codegen reads is a declared slot.
    """

    __slots__ = ("name", "multiple_results", "impl", "shape_rule", "emitter", "jvp_rules", "jvp_full", "vjp_rules",
                 "vjp_full", "vjp_fwd", "vjp_bwd", "nograd", "inline_when_staging", "routes_zeros")

    def __init__(self, name, multiple_results=False):
        self.name = name
        self.multiple_results = multiple_results
        self.impl = self.shape_rule = self.emitter = None
        self.jvp_rules = self.jvp_full = self.vjp_rules = self.vjp_full = None
        self.vjp_fwd = self.vjp_bwd = None
        self.nograd = False
        self.inline_when_staging = False  # staging traces through the call (custom_jvp/vjp) instead of recording it
        self.routes_zeros = False  # outputs may hold zeros moved there from its operands (where, scatter, ...)

    @property
    def scalar_template(self):
        """How to compute one element (elementwise primitives), else None."""
        return self.emitter.template if isinstance(self.emitter, Elementwise) else None

    @property
    def reduction(self):
        """(init, update) code of a fusable reduction, else None."""
        return (self.emitter.init, self.emitter.update) if isinstance(self.emitter, Reduction) else None

    def __repr__(self):
        return self.name

    def bind(self, *args, **params):
        return bind(self, *args, **params)

    def def_impl(self, fn):
        self.impl = fn
        return fn

    def def_shape(self, fn):
        self.shape_rule = fn
        return fn

    def def_jvp(self, *rules):
        self.jvp_rules = rules

    def def_jvp_full(self, fn):
        """fn(primals, tangents, **params) -> (primal_out, tangent_out); tangents may hold None."""
        self.jvp_full = fn
        return fn

    def def_vjp(self, *rules):
        self.vjp_rules = rules

    def def_vjp_full(self, fn):
        """fn(ct, ans, args, **params) -> list of cotangents (None where zero)."""
        self.vjp_full = fn
        return fn

    def def_vjp_residuals(self, fwd, bwd):
        """Reverse mode with saved intermediates: fwd(*args, **params) -> (outputs, residuals) runs
        instead of the primitive on the forward pass; bwd(ct, residuals, args, **params) -> cts."""
        self.vjp_fwd, self.vjp_bwd = fwd, bwd

    def def_nograd(self):
        self.nograd = True

    def def_emit(self, fn):
        self.emitter = fn
        return fn


# ---------------------------------------------------------------------------------------------
# The trace stack


class MainTrace:
    """One entry of the trace stack: a level and the Trace class that interprets it."""

    __slots__ = ("level", "trace_type", "global_data")

    def __init__(self, level, trace_type, global_data=None):
        self.level, self.trace_type, self.global_data = level, trace_type, global_data

    def __repr__(self):
        return f"MainTrace({self.level}, {self.trace_type.__name__})"


class Trace:
    """Interprets primitives for one level. Subclasses define pure, lift and process_primitive."""

    stages_graph = False  # True for the trace that records a Graph (staging.GraphTrace)

    def __init__(self, main):
        self.main = main

    def pure(self, val):
        raise NotImplementedError

    lift = pure

    def process_primitive(self, primitive, tracers, params):
        raise NotImplementedError


class EvalTrace(Trace):
    """Level 0: run the numpy implementation."""

    def pure(self, val):
        return val

    lift = pure

    def process_primitive(self, primitive, values, params):
        return primitive.impl(*values, **params)


class _TraceStack(threading.local):
    """The trace stack, one per thread: functions transformed in parallel threads do not share levels."""

    def __init__(self):
        self.mains = [MainTrace(0, EvalTrace)]


_LOCAL = _TraceStack()


@contextmanager
def new_main(trace_type, global_data=None):
    trace_stack = _LOCAL.mains
    main = MainTrace(len(trace_stack), trace_type, global_data)
    trace_stack.append(main)
    try:
        yield main
    finally:
        trace_stack.pop()


def staging_active():
    """True while some function is being staged into a Graph (under jit, or a control-flow body)."""
    return any(m.trace_type.stages_graph for m in _LOCAL.mains)


def bind(primitive, *args, **params):
    top = find_top_trace(args)
    if top is None:
        return primitive.impl(*args, **params)
    tracers = [full_raise(top, a) for a in args]
    out = top.process_primitive(primitive, tracers, params)
    if primitive.multiple_results:
        return [full_lower(o) for o in out]
    return full_lower(out)


def find_top_trace(args):
    top_main = None
    for a in args:
        if isinstance(a, Tracer):
            m = a._trace.main
            if top_main is None or m.level > top_main.level:
                top_main = m
    if top_main is None:
        return None
    return top_main.trace_type(top_main)


def full_raise(trace, val):
    if not isinstance(val, Tracer):
        return trace.pure(val)
    level = trace.main.level
    if val._trace.main is trace.main:
        return val
    if val._trace.main.level < level:
        return trace.lift(val)
    raise EscapedTracerError()


def full_lower(val):
    if isinstance(val, Tracer):
        return val.full_lower()
    return val


def concrete_or_none(x):
    """The concrete numpy value of x, or None if x is abstract (staged under jit)."""
    while isinstance(x, Tracer):
        x = x.concrete_base()
        if x is None:
            return None
    return x


# ---------------------------------------------------------------------------------------------
# Tracer: an array-like stand-in that routes operations through bind


class Tracer:
    """A value under a transform. Behaves like a numpy array; every operation calls `bind`.

    The array operators and methods (`x + y`, `x[i]`, `x.sum()`, `np.sin(x)`, ...) are the
    autodiff.numpy functions of the same name; that layer attaches them when it is imported
    (`autodiff.numpy._tracer_methods`), so this module depends on nothing above it.
    """

    __slots__ = ("_trace",)
    __array_priority__ = 1000
    differentiated = False  # True for the tracers of grad/jvp/vjp, whose values carry derivatives

    @property
    def aval(self):
        raise NotImplementedError

    def full_lower(self):
        return self

    def concrete_base(self):
        """The value one level down if it may be concrete, or None if abstract."""
        return None

    shape = property(lambda self: self.aval.shape)
    ndim = property(lambda self: self.aval.ndim)
    dtype = property(lambda self: self.aval.dtype)
    size = property(lambda self: self.aval.size)
    real = property(lambda self: self)

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a 0-d array")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))

    __pos__ = lambda self: self
    __hash__ = object.__hash__

    def copy(self):
        return self

    def conj(self):
        return self

    # concrete conversions: work under grad/jvp (values are concrete), fail clearly under jit
    def _concrete(self, what):
        val = concrete_or_none(self)
        if val is None:
            raise ConcretizationError(what, self.aval)
        return val

    def __bool__(self):
        return bool(self._concrete("bool() of a traced value (e.g. `if x > 0:`)"))

    def _number(self, what):
        """A Python number from a traced value: refused for a differentiated float, whose
        derivative would be dropped silently (math.exp(x) under grad gave zeros)."""
        if self.differentiated and np.issubdtype(self.aval.dtype, np.inexact):
            raise DerivativeDroppedError(what)
        return self._concrete(what)

    def __float__(self):
        return float(self._number("float() of a traced value"))

    def __int__(self):
        return int(self._concrete("int() of a traced value"))

    def __index__(self):
        return int(self._concrete("using a traced value as a Python index"))

    def __complex__(self):
        return complex(self._number("complex() of a traced value"))

    def item(self):
        return np.asarray(self._number(".item() of a traced value")).item()

    def tolist(self):
        return np.asarray(self._number(".tolist() of a traced value")).tolist()

    def __array__(self, dtype=None, copy=None):
        raise NumpyOnTracerError("numpy.asarray (or another plain numpy function)")

    def __repr__(self):
        return f"{type(self).__name__}<{self.aval}>"
