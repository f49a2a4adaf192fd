"""GraphTrace: trace a Python function on abstract values into a Graph (make_graph)."""
import contextvars
import warnings
from contextlib import contextmanager

import numpy as np

from .avals import ShapedArray, get_aval
from .core import Trace, Tracer, new_main
from .graph import Eqn, Graph, Literal, Var
from .primitives.shape import broadcast_to_p
from .tree import tree_flatten, tree_unflatten


# A traced function this long is almost always a Python loop unrolled under jit (the shared
# benchmark models' gradients stage 40-400 operations, a few times that before simplification).
UNROLL_WARNING = 5000


_label = contextvars.ContextVar("autodiff_label", default=None)


@contextmanager
def label(text):
    """Operations staged inside this block carry `text` (e.g. the model site they compute), which the
    generated source shows as a comment above the code they become. No effect outside jit."""
    token = _label.set(str(text).replace("\n", " "))
    try:
        yield
    finally:
        _label.reset(token)


class UnrolledLoopWarning(UserWarning):
    """A function staged under jit is very long: a Python loop should probably be ad.scan."""


class GraphTracer(Tracer):
    """An abstract value (shape and dtype only) standing for a Var of the graph being built."""

    __slots__ = ("_aval",)

    def __init__(self, trace, aval):
        self._trace = trace
        self._aval = aval

    @property
    def aval(self):
        return self._aval


class GraphBuilder:
    """Collects equations, the tracer -> Var map, and the constants captured while tracing."""

    def __init__(self):
        self.eqns = []
        self.tracer_to_var = {}
        self.const_tracers = {}  # id(value) -> tracer
        self.consts = {}         # Var -> captured value (array or lower-level tracer)
        self.literals = {}       # Var -> Literal for scalar constants
        self.keepalive = []
        self.labels = {}         # Var -> the label active when the equation defining it was staged

    def new_var(self, tracer):
        var = Var(tracer.aval)
        self.tracer_to_var[id(tracer)] = var
        self.keepalive.append(tracer)
        return var

    def get_var(self, tracer):
        return self.tracer_to_var[id(tracer)]


class GraphTrace(Trace):
    """Stages primitives into the builder held by its MainTrace instead of computing them."""

    stages_graph = True

    def _new_const(self, val):
        builder = self.main.global_data
        tracer = builder.const_tracers.get(id(val))
        if tracer is None:
            aval = get_aval(val)
            uniform = _uniform_value(val)
            if uniform is not None:  # e.g. a broadcast cotangent seed: stage it, don't capture it
                tracer = self.process_primitive(broadcast_to_p, [self._new_const(uniform)], {"shape": aval.shape})
                builder.const_tracers[id(val)] = tracer
                builder.keepalive.append(val)
                return tracer
            tracer = GraphTracer(self, ShapedArray(aval.shape, aval.dtype, aval.weak))
            var = builder.new_var(tracer)
            if not isinstance(val, Tracer) and aval.shape == ():
                builder.literals[var] = Literal(val)
            else:
                builder.consts[var] = val
            builder.const_tracers[id(val)] = tracer
            builder.keepalive.append(val)
        return tracer

    def pure(self, val):
        return self._new_const(val)

    lift = pure

    def process_primitive(self, primitive, tracers, params):
        if primitive.inline_when_staging:
            return primitive.impl(*tracers, **params)
        builder = self.main.global_data
        if len(builder.eqns) == UNROLL_WARNING:
            warnings.warn(f"jit: tracing has staged {UNROLL_WARNING} operations into one function, probably by "
                          "unrolling a Python loop; Numba's compile time grows faster than the function's length. "
                          "Write the loop with ad.scan or ad.fori_loop, which compile its body once.",
                          UnrolledLoopWarning, stacklevel=2)
        avals_in = [t.aval for t in tracers]
        avals_out = primitive.shape_rule(*avals_in, **params)
        outs = [GraphTracer(self, a) for a in (avals_out if primitive.multiple_results else [avals_out])]
        inputs = [builder.get_var(t) for t in tracers]
        outvars = [builder.new_var(o) for o in outs]
        builder.eqns.append(Eqn(primitive, inputs, params, outvars))
        text = _label.get()
        if text is not None:
            builder.labels[outvars[0]] = text
        return outs if primitive.multiple_results else outs[0]


def _uniform_value(val):
    """The common value of a concrete array whose elements are all equal (None otherwise)."""
    if isinstance(val, Tracer) or not isinstance(val, np.ndarray) or val.ndim == 0 or val.size == 0:
        return None
    first = val.flat[0]
    if first != first or not np.all(val == first):  # NaN, or not uniform
        return None
    return val.dtype.type(first)


def make_graph(fn, in_avals):
    """Trace fn(*flat_args) on abstract values. Returns (graph, consts, out_tree).

    `graph.constvars` receive `consts`: the arrays (or outer-level tracers) the function closed
    over. Scalar constants become Literals inside the graph.
    """
    builder = GraphBuilder()
    with new_main(GraphTrace, builder) as main:
        trace = GraphTrace(main)
        tracers_in = [GraphTracer(trace, a) for a in in_avals]
        invars = [builder.new_var(t) for t in tracers_in]
        outs = fn(*tracers_in)
        out_leaves, out_tree = tree_flatten(outs)
        out_tracers = [o if isinstance(o, GraphTracer) and o._trace.main is main else trace.pure(o)
                       for o in out_leaves]
        outs_atoms = [builder.get_var(t) for t in out_tracers]
    graph = _finish(builder, invars, outs_atoms)
    graph.labels = builder.labels  # Var -> label, for comments in generated source (see `label`)
    constvars = [v for v in builder.consts]
    return graph, [builder.consts[v] for v in constvars], out_tree


def _finish(builder, invars, outs):
    """Replace scalar-constant Vars by their Literals and drop unused equations."""
    lit = builder.literals

    def sub(x):
        return lit.get(x, x)

    eqns, seen = [], {}
    for e in builder.eqns:
        inputs = [sub(x) for x in e.inputs]
        key = _cse_key(e.primitive, inputs, e.params)
        if key is not None and key in seen:
            for old, new in zip(e.outvars, seen[key].outvars):
                lit[old] = new
            continue
        eqn = Eqn(e.primitive, inputs, e.params, e.outvars)
        if key is not None:
            seen[key] = eqn
        eqns.append(eqn)
    outs = [sub(o) for o in outs]
    return prune(Graph(list(builder.consts), invars, eqns, outs))


def _cse_key(primitive, inputs, params):
    """Equations with equal keys compute the same value (common-subexpression elimination)."""
    try:
        frozen = tuple(sorted((k, v) for k, v in params.items()))
        hash(frozen)
    except TypeError:
        return None
    ins = tuple(("lit", x.val.item(), str(x.aval.dtype)) if isinstance(x, Literal) else x.id for x in inputs)
    return (primitive, ins, frozen)


def prune(graph):
    """Dead-code elimination: keep only equations that contribute to the outputs."""
    live = {o for o in graph.outs if isinstance(o, Var)}
    kept = []
    for eqn in reversed(graph.eqns):
        if any(v in live for v in eqn.outvars):
            kept.append(eqn)
            live.update(x for x in eqn.inputs if isinstance(x, Var))
    kept.reverse()
    constvars = graph.constvars  # keep all so the caller's consts still line up
    return Graph(constvars, graph.invars, kept, graph.outs)


def abstractify(x):
    a = get_aval(x)
    return ShapedArray(a.shape, a.dtype)


def trace_to_graph(fn, args):
    """make_graph for a function of pytrees: returns (graph, consts, in_tree, out_tree)."""
    leaves, in_tree = tree_flatten(args)

    def flat_fn(*flat):
        return fn(*tree_unflatten(in_tree, flat))

    graph, consts, out_tree = make_graph(flat_fn, [abstractify(x) for x in leaves])
    return graph, consts, in_tree, out_tree


__all__ = ["GraphTrace", "GraphTracer", "UnrolledLoopWarning", "label", "make_graph", "trace_to_graph", "prune", "np"]
