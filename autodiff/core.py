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

from .avals import get_aval
from .errors import EscapedTracerError, NumpyOnTracerError


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
    """

    def __init__(self, name, multiple_results=False):
        self.name = name
        self.multiple_results = multiple_results
        self.impl = self.shape_rule = self.emitter = None
        self.jvp_rules = self.jvp_full = self.vjp_rules = self.vjp_full = None
        self.vjp_fwd = self.vjp_bwd = None
        self.nograd = False
        self.scalar_template = None  # elementwise primitives: how to compute one element

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
    from .staging import GraphTrace
    return any(m.trace_type is GraphTrace for m in _LOCAL.mains)


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


def _anp():
    from . import numpy as anp
    return anp


class Tracer:
    """A value under a transform. Behaves like a numpy array; every operation calls `bind`."""

    __slots__ = ("_trace",)
    __array_priority__ = 1000
    differentiated = False  # True for the tracers of grad/jvp/vjp, whose values carry derivatives

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """numpy ufuncs on tracers (np.sin(x), np_array @ x) run the autodiff.numpy function of the
        same name; anything else would silently drop the derivative, so it raises."""
        fn = getattr(_anp(), ufunc.__name__, None)
        if method != "__call__" or fn is None or kwargs.get("out") is not None:
            raise NumpyOnTracerError(f"numpy.{ufunc.__name__}" + (f".{method}" if method != "__call__" else ""))
        kwargs.pop("out", None)
        return fn(*inputs, **kwargs)

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
    T = property(lambda self: _anp().transpose(self))
    mT = property(lambda self: _anp().swapaxes(self, -1, -2))
    real = property(lambda self: self)

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a 0-d array")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))

    # arithmetic
    __add__ = lambda self, o: _anp().add(self, o)
    __radd__ = lambda self, o: _anp().add(o, self)
    __sub__ = lambda self, o: _anp().subtract(self, o)
    __rsub__ = lambda self, o: _anp().subtract(o, self)
    __mul__ = lambda self, o: _anp().multiply(self, o)
    __rmul__ = lambda self, o: _anp().multiply(o, self)
    __truediv__ = lambda self, o: _anp().divide(self, o)
    __rtruediv__ = lambda self, o: _anp().divide(o, self)
    __floordiv__ = lambda self, o: _anp().floor_divide(self, o)
    __rfloordiv__ = lambda self, o: _anp().floor_divide(o, self)
    __mod__ = lambda self, o: _anp().mod(self, o)
    __rmod__ = lambda self, o: _anp().mod(o, self)
    __pow__ = lambda self, o: _anp().power(self, o)
    __rpow__ = lambda self, o: _anp().power(o, self)
    __matmul__ = lambda self, o: _anp().matmul(self, o)
    __rmatmul__ = lambda self, o: _anp().matmul(o, self)
    __neg__ = lambda self: _anp().negative(self)
    __pos__ = lambda self: self
    __abs__ = lambda self: _anp().abs(self)
    # comparisons (no gradient)
    __lt__ = lambda self, o: _anp().less(self, o)
    __le__ = lambda self, o: _anp().less_equal(self, o)
    __gt__ = lambda self, o: _anp().greater(self, o)
    __ge__ = lambda self, o: _anp().greater_equal(self, o)
    __eq__ = lambda self, o: _anp().equal(self, o)
    __ne__ = lambda self, o: _anp().not_equal(self, o)
    __and__ = lambda self, o: _anp().logical_and(self, o) if _is_bool(self, o) else _anp().bitwise_and(self, o)
    __rand__ = lambda self, o: _anp().logical_and(o, self) if _is_bool(self, o) else _anp().bitwise_and(o, self)
    __or__ = lambda self, o: _anp().logical_or(self, o) if _is_bool(self, o) else _anp().bitwise_or(self, o)
    __ror__ = lambda self, o: _anp().logical_or(o, self) if _is_bool(self, o) else _anp().bitwise_or(o, self)
    __invert__ = lambda self: _anp().logical_not(self)
    __hash__ = object.__hash__

    def __getitem__(self, idx):
        from .numpy.indexing import getitem
        return getitem(self, idx)

    @property
    def at(self):
        from .numpy.indexing import IndexUpdateHelper
        return IndexUpdateHelper(self)

    # methods
    def sum(self, axis=None, dtype=None, out=None, keepdims=False, **kw):
        _no_out(out, "sum")
        return _anp().sum(self, axis=axis, dtype=dtype, keepdims=keepdims, **kw)

    def mean(self, axis=None, dtype=None, out=None, keepdims=False, **kw):
        _no_out(out, "mean")
        return _anp().mean(self, axis=axis, dtype=dtype, keepdims=keepdims, **kw)

    def prod(self, axis=None, keepdims=False):
        return _anp().prod(self, axis=axis, keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        return _anp().max(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        return _anp().min(self, axis=axis, keepdims=keepdims)

    def var(self, axis=None, ddof=0, keepdims=False):
        return _anp().var(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def std(self, axis=None, ddof=0, keepdims=False):
        return _anp().std(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def cumsum(self, axis=None):
        return _anp().cumsum(self, axis=axis)

    def argmax(self, axis=None):
        return _anp().argmax(self, axis=axis)

    def argmin(self, axis=None):
        return _anp().argmin(self, axis=axis)

    def all(self, axis=None, keepdims=False):
        return _anp().all(self, axis=axis, keepdims=keepdims)

    def any(self, axis=None, keepdims=False):
        return _anp().any(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape, order="C"):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        return _anp().reshape(self, shape, order=order)

    def ravel(self):
        return _anp().ravel(self)

    flatten = ravel

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = axes[0]
        return _anp().transpose(self, axes or None)

    def swapaxes(self, a, b):
        return _anp().swapaxes(self, a, b)

    def squeeze(self, axis=None):
        return _anp().squeeze(self, axis=axis)

    def dot(self, other):
        return _anp().dot(self, other)

    def clip(self, a_min=None, a_max=None):
        return _anp().clip(self, a_min, a_max)

    def astype(self, dtype):
        return _anp().astype(self, dtype)

    def copy(self):
        return self

    def diagonal(self, offset=0, axis1=0, axis2=1):
        return _anp().diagonal(self, offset, axis1, axis2)

    def trace(self, offset=0, axis1=0, axis2=1):
        return _anp().trace(self, offset, axis1, axis2)

    def conj(self):
        return self

    # concrete conversions: work under grad/jvp (values are concrete), fail clearly under jit
    def _concrete(self, what):
        val = concrete_or_none(self)
        if val is None:
            from .errors import ConcretizationError
            raise ConcretizationError(what, self.aval)
        return val

    def __bool__(self):
        return bool(self._concrete("bool() of a traced value (e.g. `if x > 0:`)"))

    def _number(self, what):
        """A Python number from a traced value: refused for a differentiated float, whose
        derivative would be dropped silently (math.exp(x) under grad gave zeros)."""
        if self.differentiated and np.issubdtype(self.aval.dtype, np.inexact):
            from .errors import DerivativeDroppedError
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


def _no_out(out, what):
    if out is not None:
        raise TypeError(f"{what}(out=...) cannot write into an array under a transform: arrays are not mutated")


def _is_bool(a, b):
    da = get_aval(a).dtype
    db = get_aval(b).dtype
    return da == np.bool_ and db == np.bool_
