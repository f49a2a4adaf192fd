"""Eager loops that trace their body once: a lean Graph evaluator and the scan/while runners.

Outside jit, `ad.scan` and `ad.while_loop` used to call the Python body on every step, paying the
NumPy layer's dispatch (argument checks, broadcasting, pytrees) per operation and per step. Here
the body is traced once into a Graph and each step runs `compile_graph(graph)`: the graph as a
straight-line Python function calling each primitive's numpy impl, with no `bind`, no trace
lookup and no dictionary of variables. Bodies that cannot be traced (Python `if` on a value, a
plain numpy call) fall back to the Python loop, which `trace_body` reports at debug level.
"""
import logging
import warnings
import weakref

import numpy as np

from . import custom
from .core import Tracer
from .graph import Graph, Literal
from .staging import UnrolledLoopWarning, make_graph

logger = logging.getLogger(__name__)

_RUNNERS = weakref.WeakKeyDictionary()  # Graph -> its compiled runner
_CODE = {}  # source -> code object: a body traced again on the next call compiles to the same source
_CODE_LIMIT = 256

# Tracing a body costs about as much as 10-20 Python steps of it, so shorter eager scans keep the
# Python loop (their semantics are the same for a pure body).
MIN_TRACED_LENGTH = 8


def compile_graph(graph):
    """A function run(consts, args) -> list of outputs that evaluates `graph` on concrete values.

    Same result as `eval_graph` when no argument is a tracer (then `bind` is just `impl`), at a
    fraction of the cost: no bind, no trace lookup, no environment dictionary.
    """
    runner = _RUNNERS.get(graph)
    if runner is None:
        runner = _RUNNERS[graph] = _build_runner(graph)
    return runner


def _build_runner(graph):
    """The graph as a straight-line Python function: one local variable per Var, one call per
    equation to the primitive's impl (ufuncs are called directly), literals and params as globals."""
    names, scope, lines = {}, {}, []

    def name_of(atom):
        if isinstance(atom, Literal):
            key = f"lit{len(scope)}"
            scope[key] = atom.val
            return key
        return names[atom]

    for v in list(graph.constvars) + list(graph.invars):
        names[v] = f"v{len(names)}"
    inputs = [names[v] for v in list(graph.constvars) + list(graph.invars)]
    for k, eqn in enumerate(graph.eqns):
        args = [name_of(x) for x in eqn.inputs]
        scope[f"impl{k}"] = eqn.primitive.impl
        if eqn.params:
            scope[f"params{k}"] = eqn.params
            args.append(f"**params{k}")
        for v in eqn.outvars:
            names[v] = f"v{len(names)}"
        outs = ", ".join(names[v] for v in eqn.outvars)
        lhs = f"[{outs}]" if eqn.primitive.multiple_results else outs
        lines.append(f"    {lhs} = impl{k}({', '.join(args)})")
    result = ", ".join(name_of(o) for o in graph.outs)
    # like eval_graph, consts then args bind to constvars then invars however the caller splits them
    unpack = [f"    {''.join(n + ', ' for n in inputs)}= (*consts, *args)"] if inputs else []
    src = "\n".join(["def run(consts, args):", *unpack, *lines, f"    return [{result}]"])
    code = _CODE.get(src)
    if code is None:
        if len(_CODE) >= _CODE_LIMIT:
            _CODE.clear()
        code = _CODE[src] = compile(src, "<eager graph>", "exec")
    exec(code, scope)
    return scope["run"]


def trace_body(fn, avals, what):
    """make_graph(fn, avals) for an eager loop body, or None when the body cannot be traced
    (it branches on a value, calls plain numpy, ...): the caller then runs its Python loop."""
    calls_before = custom.inline_count()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnrolledLoopWarning)
            graph, consts, out_tree = make_graph(fn, avals)
    except Exception as e:  # noqa: BLE001 - the Python loop reports any genuine error itself
        logger.debug("%s: the body could not be traced once (%s: %s); running it step by step in Python",
                     what, type(e).__name__, e)
        return None
    return graph, consts, out_tree, custom.inline_count() != calls_before


def graph_uses(graph, primitives):
    """True if `graph` (or a graph nested in its equations' parameters) binds one of `primitives`."""
    for eqn in graph.eqns:
        if eqn.primitive in primitives:
            return True
        for p in eqn.params.values():
            nested = p if isinstance(p, (tuple, list)) else (p,)
            if any(isinstance(g, Graph) and graph_uses(g, primitives) for g in nested):
                return True
    return False


def any_tracer(values):
    return any(isinstance(v, Tracer) for v in values)


def run_scan(graph, consts, carry, xs, num_carry, length, reverse):
    """The scan loop on concrete values: carry, stacked ys (scan_p's impl)."""
    run = compile_graph(graph)
    consts, carry = list(consts), list(carry)
    xs = [np.asarray(x) for x in xs]
    y_avals = graph.out_avals[num_carry:]
    ys = [None] * len(y_avals)
    for step, i in enumerate(range(length - 1, -1, -1) if reverse else range(length)):
        out = run(consts, carry + [x[i] for x in xs])
        carry = out[:num_carry]
        for k, y in enumerate(out[num_carry:]):
            if step == 0:
                y = np.asarray(y)
                ys[k] = np.empty((length,) + y.shape, y.dtype)
            ys[k][i] = y
    stacked = [y if y is not None else np.zeros((0,) + a.shape, a.dtype) for y, a in zip(ys, y_avals)]
    return carry + stacked


def run_while(cond_graph, body_graph, cond_consts, body_consts, val):
    """The while loop on concrete values (while_p's impl)."""
    cond, body = compile_graph(cond_graph), compile_graph(body_graph)
    val = list(val)
    while bool(cond(cond_consts, val)[0]):
        val = body(body_consts, val)
    return val


__all__ = ["MIN_TRACED_LENGTH", "compile_graph", "trace_body", "graph_uses", "any_tracer", "run_scan", "run_while"]
