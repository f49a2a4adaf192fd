"""The IR: Var, Literal, Eqn and Graph, with a pretty-printer and eval_graph."""
import itertools

import numpy as np

from .avals import get_aval

_ids = itertools.count()


class Var:
    """A value produced by an equation (or a graph input); identified by a unique number."""

    __slots__ = ("aval", "id")

    def __init__(self, aval):
        self.aval = aval
        self.id = next(_ids)

    def __repr__(self):
        return f"v{self.id}"


class Literal:
    """A constant scalar written into the graph (and into generated code) as a number."""

    __slots__ = ("val", "aval")

    def __init__(self, val):
        self.aval = get_aval(val)
        self.val = np.asarray(val, dtype=self.aval.dtype)[()]

    def __repr__(self):
        return repr(self.val.item())


class Eqn:
    """outvars = primitive(*inputs, **params)."""

    __slots__ = ("primitive", "inputs", "params", "outvars")

    def __init__(self, primitive, inputs, params, outvars):
        self.primitive, self.inputs, self.params, self.outvars = primitive, list(inputs), dict(params), list(outvars)

    def __repr__(self):
        return pp_eqn(self)


class Graph:
    """A straight-line program: inputs (constvars then invars), equations, and output atoms."""

    def __init__(self, constvars, invars, eqns, outs):
        self.constvars, self.invars, self.eqns, self.outs = list(constvars), list(invars), list(eqns), list(outs)

    @property
    def in_avals(self):
        return [v.aval for v in self.invars]

    @property
    def out_avals(self):
        return [o.aval for o in self.outs]

    def __repr__(self):
        return pp_graph(self)


def map_graphs(fn, value):
    """fn applied to an equation parameter that is a Graph (a scan or while body) or to each of a tuple of
    Graphs (cond's branches); any other parameter is returned as it is. For passes that rewrite nested
    programs too."""
    if isinstance(value, Graph):
        return fn(value)
    if isinstance(value, tuple) and value and all(isinstance(g, Graph) for g in value):
        return tuple(fn(g) for g in value)
    return value


def _fmt_param(v):
    if isinstance(v, Graph):
        return "{ " + pp_graph(v).replace("\n", "\n    ") + " }"
    return repr(v)


def pp_eqn(eqn):
    lhs = ", ".join(f"{v}:{v.aval}" for v in eqn.outvars)
    params = ", ".join(f"{k}={_fmt_param(v)}" for k, v in eqn.params.items())
    args = ", ".join(map(repr, eqn.inputs))
    return f"{lhs} = {eqn.primitive.name}[{params}] {args}" if params else f"{lhs} = {eqn.primitive.name} {args}"


def pp_graph(graph):
    ins = ", ".join(f"{v}:{v.aval}" for v in graph.invars)
    consts = ", ".join(f"{v}:{v.aval}" for v in graph.constvars)
    head = f"{{ lambda {consts} ; {ins} ." if consts else f"{{ lambda {ins} ."
    body = "\n".join("  let " + pp_eqn(e) for e in graph.eqns)
    outs = ", ".join(map(repr, graph.outs))
    return f"{head}\n{body}\n  in ({outs}) }}" if body else f"{head} ({outs}) }}"


def eval_graph(graph, consts, args):
    """Evaluate a graph by binding each primitive: the interpreter every transform reuses."""
    env = {}

    def read(x):
        return x.val if isinstance(x, Literal) else env[x]

    flat = list(consts) + list(args)  # inputs bind to constvars then invars, in order
    params = list(graph.constvars) + list(graph.invars)
    if len(flat) != len(params):
        raise TypeError(f"graph takes {len(params)} inputs, got {len(flat)}")
    env.update(zip(params, flat))
    for eqn in graph.eqns:
        out = eqn.primitive.bind(*[read(x) for x in eqn.inputs], **eqn.params)
        if eqn.primitive.multiple_results:
            env.update(zip(eqn.outvars, out))
        else:
            env[eqn.outvars[0]] = out
    return [read(o) for o in graph.outs]
