"""Reverse mode: VJPTrace records a tape of nodes; backward_pass walks it with each VJP rule.

As in autograd, the forward pass runs on values one level down and records a Node per
primitive. The backward pass binds primitives too, so it is itself traced by any outer
transform (grad of grad, jit of grad). Cotangents live in a dict keyed by Node (`ct_env`).
"""
import heapq
import itertools

from .avals import get_aval, is_float
from .core import Trace, Tracer, full_lower, new_main
from .primitives.elementwise import add_p

_seq = itertools.count()


class Node:
    """One recorded primitive application (or an input leaf, with primitive None)."""

    __slots__ = ("primitive", "params", "args", "ans", "parents", "seq", "residuals")

    def __init__(self, primitive, params, args, ans, parents, residuals=None):
        self.primitive, self.params, self.args, self.ans, self.parents = primitive, params, args, ans, parents
        self.residuals = residuals
        self.seq = next(_seq)

    def __lt__(self, other):
        return self.seq > other.seq  # the heap pops the most recent node first


class VJPTracer(Tracer):
    """A value plus the tape node (and output index) that produced it."""

    __slots__ = ("value", "node", "index")
    differentiated = True

    def __init__(self, trace, value, node, index=0):
        self._trace, self.value, self.node, self.index = trace, value, node, index

    @property
    def aval(self):
        return get_aval(self.value)

    def full_lower(self):
        if self.node is None:
            return full_lower(self.value)
        return self

    def concrete_base(self):
        return self.value


class VJPTrace(Trace):
    def pure(self, val):
        return VJPTracer(self, val, None)

    lift = pure

    def process_primitive(self, primitive, tracers, params):
        values = [t.value for t in tracers]
        parents = [(t.node, t.index) if t.node is not None else None for t in tracers]
        differentiable = not primitive.nograd and any(p is not None for p in parents)
        residuals = None
        if differentiable and primitive.vjp_fwd is not None:
            ans, residuals = primitive.vjp_fwd(*values, **params)
        else:
            ans = primitive.bind(*values, **params)
        if not differentiable:
            if primitive.multiple_results:
                return [VJPTracer(self, a, None) for a in ans]
            return VJPTracer(self, ans, None)
        node = Node(primitive, params, values, ans, parents, residuals)
        if primitive.multiple_results:
            return [VJPTracer(self, a, node if is_float(get_aval(a).dtype) else None, i)
                    for i, a in enumerate(ans)]
        return VJPTracer(self, ans, node if is_float(get_aval(ans).dtype) else None)


def _accumulate(ct_env, heap, node, index, ct):
    slots = ct_env.get(node)
    if slots is None:
        n = len(node.ans) if node.primitive is not None and node.primitive.multiple_results else 1
        slots = ct_env[node] = [None] * n
        heapq.heappush(heap, node)
    slots[index] = ct if slots[index] is None else add_p.bind(slots[index], ct)


def backward_pass(out_nodes, cts):
    """Propagate output cotangents to the leaves. out_nodes: [(node, index) or None]."""
    ct_env, heap, leaf_cts = {}, [], {}
    for ref, ct in zip(out_nodes, cts):
        if ref is not None and ct is not None:
            _accumulate(ct_env, heap, ref[0], ref[1], ct)
    while heap:
        node = heapq.heappop(heap)
        slots = ct_env.pop(node)
        if node.primitive is None:
            leaf_cts[node] = slots[0]
            continue
        prim = node.primitive
        ct = slots if prim.multiple_results else slots[0]
        if prim.vjp_bwd is not None:
            arg_cts = prim.vjp_bwd(ct, node.residuals, node.args, **node.params)
        elif prim.vjp_full is not None:
            arg_cts = prim.vjp_full(ct, node.ans, node.args, **node.params)
        elif prim.vjp_rules is not None:
            arg_cts = [rule(ct, node.ans, *node.args, **node.params) if rule is not None and parent is not None
                       else None for rule, parent in zip(prim.vjp_rules, node.parents)]
        else:
            raise NotImplementedError(f"reverse-mode derivative of {prim.name} is not defined")
        for parent, c in zip(node.parents, arg_cts):
            if parent is not None and c is not None:
                _accumulate(ct_env, heap, parent[0], parent[1], c)
    return leaf_cts


def vjp_flat(fn, primals):
    """Run fn(*primals) recording a tape; return (outputs, pullback(cts) -> input cotangents)."""
    with new_main(VJPTrace) as main:
        trace = VJPTrace(main)
        leaves = [Node(None, None, None, x, None) if is_float(get_aval(x).dtype) else None for x in primals]
        tracers_in = [VJPTracer(trace, x, leaf) for x, leaf in zip(primals, leaves)]
        outs = fn(*tracers_in)
        out_vals, out_nodes = [], []
        for o in outs:
            if isinstance(o, VJPTracer) and o._trace.main is main:
                out_vals.append(o.value)
                out_nodes.append((o.node, o.index) if o.node is not None else None)
            else:
                out_vals.append(o)
                out_nodes.append(None)

    def pullback(cts):
        leaf_cts = backward_pass(out_nodes, cts)
        return [leaf_cts.get(leaf) if leaf is not None else None for leaf in leaves]

    return out_vals, pullback


__all__ = ["VJPTrace", "VJPTracer", "vjp_flat", "backward_pass", "Node"]
