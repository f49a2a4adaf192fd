"""Graph rewrites before code generation (`simplify` runs them all, in order).

safe_mul lowering: `safe_mul(ct, d)` (ct * d, but 0 where ct == 0) keeps the branch a `where` did not take from
turning a zero cotangent into NaN. Its compare-and-select costs about 2x in tight loops, and it
only matters when `ct` can hold zeros *put there by routing*: the outputs of where/clip/max/min,
of the adjoints of slicing and gathering (zeros off the slice), or zero constants. A forward
dataflow pass marks those values and everything computed from them; safe_mul of an unmarked
cotangent becomes multiply.

Then products with unit or tiny shapes take cheaper forms (contractions.py), equations that return
an operand unchanged are dropped, captured arrays with equal values (a symmetric matrix and its
transpose) become one (constants.py), chains of reshapes become one reshape, products that differ
only by scalar factors one product (contractions.py) and equal equations one (common-subexpression
elimination), and sums of padded slices one `assemble`.
"""
import numpy as np

from ..avals import ShapedArray
from ..core import Primitive
from ..graph import Eqn, Graph, Literal, Var, map_graphs
from ..primitives.broadcasting import reshape_p
from ..primitives.elementwise import multiply_p
from ..staging import prune
from .constants import merge_equal_constants
from .contractions import lower_contractions, scale_before_reshape, share_scaled_products
from .emit import dtype_code, shape_code

def _may_hold_zero(x, marked, consts):
    """Could x hold a zero cotangent put there by routing? (Integer and boolean values never carry
    cotangents, so indices and masks do not count.)"""
    if x.aval.dtype.kind != "f":
        return False
    if isinstance(x, Literal):
        return bool(np.asarray(x.val) == 0)
    if x in consts:
        c = consts[x]
        return not isinstance(c, np.ndarray) or bool(np.any(c == 0))
    return x in marked


def lower_safe_mul(graph, consts=(), inputs_marked=True):
    """A copy of graph where safe_mul with an unmarked first operand is a multiply."""
    const_map = dict(zip(graph.constvars, consts))
    # primal inputs may be zero, but such zeros are genuine (JAX gives NaN there too): only zeros
    # put in place by routing are marked; inside a nested body, inputs are marked conservatively
    marked = set(graph.invars) | set(v for v in graph.constvars if v not in const_map) if inputs_marked else set()
    eqns = []
    for eqn in graph.eqns:
        params = eqn.params
        prim = eqn.primitive
        any_marked = any(_may_hold_zero(x, marked, const_map) for x in eqn.inputs)
        if any(isinstance(v, Graph) for v in params.values()) or any(
                isinstance(v, tuple) and v and all(isinstance(g, Graph) for g in v) for v in params.values()):
            lower = lambda g: lower_safe_mul(g, inputs_marked=any_marked)  # noqa: E731
            params = {k: map_graphs(lower, v) for k, v in params.items()}
        if prim.name == "safe_mul" and not _may_hold_zero(eqn.inputs[0], marked, const_map):
            prim = multiply_p
        eqns.append(Eqn(prim, eqn.inputs, params, eqn.outvars))
        if prim.routes_zeros or any_marked:
            marked.update(eqn.outvars)
    return Graph(graph.constvars, graph.invars, eqns, graph.outs)


__all__ = ["lower_safe_mul", "simplify", "Var"]


# -- sums of padded slices: the gradient of a function that slices its input --------------------------
def _assemble_shape(*pieces, shape, slices, dtype):
    return ShapedArray(shape, dtype)


def _emit_assemble(ctx, eqn):
    """zeros(shape), then each piece added into its slice (a scalar piece into one element)."""
    p, name = eqn.params, ctx.name(eqn.outvars[0])
    ctx.line(f"{name} = np.zeros({shape_code(p['shape'])}, {dtype_code(p['dtype'])})")
    for piece, (starts, stops, steps) in zip(eqn.inputs, p["slices"]):
        if not piece.aval.shape:
            ctx.line(f"{name}[{', '.join(map(str, starts))}] += {ctx.name(piece)}")
            continue
        idx = [ctx.tmp("j") for _ in piece.aval.shape]
        depth0 = ctx.depth
        for k, d in enumerate(piece.aval.shape):
            ctx.line(f"for {idx[k]} in range({d}):")
            ctx.depth += 1
        subs = [f"{a} + {c} * {i}" if c != 1 else f"{a} + {i}" for a, c, i in zip(starts, steps, idx)]
        ctx.line(f"{name}[{', '.join(subs)}] += {ctx.name(piece)}[{', '.join(idx)}]")
        ctx.depth = depth0


def _make_assemble():
    p = Primitive("assemble")  # codegen only: built after differentiation, never differentiated
    p.def_shape(_assemble_shape)
    p.def_emit(_emit_assemble)
    return p


assemble_p = _make_assemble()


def merge_padded_sums(graph):
    """Rewrite add(pad_slice(a), pad_slice(b), ...) chains as one `assemble`: one zero array that each
    piece is added into, instead of a zero array per piece and an elementwise sum. Pieces that are a
    scalar reshaped to (1,) are written as the scalar."""
    producer, uses = {}, {}
    for eqn in graph.eqns:
        for v in eqn.outvars:
            producer[v] = eqn
        for x in eqn.inputs:
            if isinstance(x, Var):
                uses[x] = uses.get(x, 0) + 1
    for o in graph.outs:
        if isinstance(o, Var):
            uses[o] = uses.get(o, 0) + 1

    def pieces_of(v, shape):
        eqn = producer.get(v) if isinstance(v, Var) else None
        if eqn is None or uses.get(v, 0) != 1 or v.aval.shape != shape:
            return None
        if eqn.primitive.name == "pad_slice":
            src = eqn.inputs[0]
            src_eqn = producer.get(src) if isinstance(src, Var) else None
            if (src_eqn is not None and src_eqn.primitive.name == "reshape" and uses.get(src, 0) == 1
                    and src_eqn.inputs[0].aval.shape == () and src.aval.size == 1):
                src = src_eqn.inputs[0]
            p = eqn.params
            return [(src, (p["starts"], p["stops"], p["steps"]))]
        if eqn.primitive is assemble_p:
            return list(zip(eqn.inputs, eqn.params["slices"]))
        return None

    eqns = []
    for eqn in graph.eqns:
        if eqn.primitive.name == "add" and eqn.outvars[0].aval.dtype.kind == "f":
            shape = eqn.outvars[0].aval.shape
            a, b = (pieces_of(x, shape) for x in eqn.inputs)
            if a is not None and b is not None:
                pieces = a + b
                new = Eqn(assemble_p, [x for x, _ in pieces],
                          dict(shape=shape, slices=tuple(s for _, s in pieces), dtype=eqn.outvars[0].aval.dtype),
                          eqn.outvars)
                producer[eqn.outvars[0]] = new
                eqns.append(new)
                continue
        eqns.append(eqn)
    return prune(Graph(graph.constvars, graph.invars, eqns, graph.outs))


# -- identities: x - 0, x + 0, x * 1, x / 1, safe_mul by a finite nonzero constant ------------------------
_IDENTITY = {"add": (0.0, (0, 1)), "subtract": (0.0, (1,)), "multiply": (1.0, (0, 1)), "divide": (1.0, (1,))}


def _scalar_constant(x, producer):
    """The value of a scalar literal, or of a literal broadcast or reshaped to an array (a (1, 1)
    cotangent seed); None otherwise."""
    if isinstance(x, Literal):
        return x.val
    eqn = producer.get(x)
    if eqn is not None and eqn.primitive.name in ("broadcast_to", "reshape"):
        return _scalar_constant(eqn.inputs[0], producer)
    return None


def drop_identities(graph):
    """A copy of graph without equations that return one of their inputs unchanged (x - 0.0,
    x / 1.0, x * 1.0, 0.0 + x): Numba spends compile time on every line, even ones that do nothing.
    safe_mul(ct, c) with a finite nonzero constant c is a plain multiply (ct * c is 0 when ct is)."""
    producer, sub, eqns = {}, {}, []
    for eqn in graph.eqns:
        inputs = [sub.get(x, x) if isinstance(x, Var) else x for x in eqn.inputs]
        params = {k: map_graphs(drop_identities, v) for k, v in eqn.params.items()}
        prim = eqn.primitive
        if prim.name == "safe_mul":
            c = _scalar_constant(inputs[1], producer)
            if c is not None and np.isfinite(c) and c != 0:
                prim = multiply_p
        rule = _IDENTITY.get(prim.name)
        if rule is not None and len(eqn.outvars) == 1:
            unit, positions = rule
            out = eqn.outvars[0]
            keep = [1 - i for i in positions if _is_value(_scalar_constant(inputs[i], producer), unit)
                    and inputs[1 - i].aval.shape == out.aval.shape and inputs[1 - i].aval.dtype == out.aval.dtype]
            if keep:
                sub[out] = inputs[keep[0]]
                continue
        new = Eqn(prim, inputs, params, eqn.outvars)
        for v in eqn.outvars:
            producer[v] = new
        eqns.append(new)
    outs = [sub.get(o, o) if isinstance(o, Var) else o for o in graph.outs]
    return prune(Graph(graph.constvars, graph.invars, eqns, outs))


def _is_value(c, unit):
    return c is not None and np.asarray(c).dtype.kind == "f" and c == unit


# -- reshapes of reshapes: one reshape of the original array, or none ------------------------------------
def _keeps_order(eqn):
    """Does this shape equation only regroup its operand's elements, in C order (a reshape, a
    transpose that moves only axes of length 1, a broadcast that adds only axes of length 1)?"""
    name = eqn.primitive.name
    if name == "reshape":
        return True
    x, out = eqn.inputs[0], eqn.outvars[0]
    if name == "transpose":
        moved = [p for p in eqn.params["perm"] if x.aval.shape[p] != 1]
        return moved == sorted(moved)
    return name == "broadcast_to" and x.aval.size == out.aval.size


def collapse_reshapes(graph):
    """A copy of graph where a chain of reshapes (and transposes or broadcasts that keep the element
    order, such as (n, 1) -> (1, n)) is one reshape of the chain's first array, and a reshape back
    to that array's own shape is the array itself: each link was a call, and a copy where it read a
    transposed view."""
    origin, sub, eqns = {}, {}, []  # origin: Var -> the array whose elements it holds, in C order
    for eqn in graph.eqns:
        inputs = [sub.get(x, x) if isinstance(x, Var) else x for x in eqn.inputs]
        params = {k: map_graphs(collapse_reshapes, v) for k, v in eqn.params.items()}
        eqn = Eqn(eqn.primitive, inputs, params, eqn.outvars)
        if len(eqn.outvars) == 1 and isinstance(inputs[0], Var) and _keeps_order(eqn):
            out = eqn.outvars[0]
            src = origin.get(inputs[0], inputs[0])
            if src.aval.dtype == out.aval.dtype:
                if src.aval.shape == out.aval.shape:
                    sub[out] = src
                    continue
                origin[out] = src
                eqn = Eqn(reshape_p, [src], dict(new_shape=out.aval.shape), [out])
        eqns.append(eqn)
    outs = [sub.get(o, o) if isinstance(o, Var) else o for o in graph.outs]
    return prune(Graph(graph.constvars, graph.invars, eqns, outs))


# -- common subexpressions: equal equations computed once ------------------------------------------------
_COMMUTATIVE = ("add", "multiply")


def _cse_key(eqn):
    """Equations with equal keys compute the same value: the same primitive and parameters of the same
    inputs (literals compared bit for bit; the operands of add and multiply in either order)."""
    try:
        params = tuple(sorted(eqn.params.items()))
        hash(params)
    except TypeError:
        return None
    ins = [("lit", x.aval.dtype.str, np.asarray(x.val).tobytes()) if isinstance(x, Literal) else x.id
           for x in eqn.inputs]
    if eqn.primitive.name in _COMMUTATIVE:
        ins.sort(key=repr)
    return eqn.primitive, tuple(ins), params


def eliminate_common_subexpressions(graph):
    """A copy of graph where an equation equal to an earlier one is dropped and its outputs read the
    earlier one's (nested graphs too). Tracing does this as it builds a graph; the rewrites here
    make new equal pairs (the products share_scaled_products rewrites)."""
    seen, sub, eqns = {}, {}, []
    for eqn in graph.eqns:
        inputs = [sub.get(x, x) if isinstance(x, Var) else x for x in eqn.inputs]
        params = {k: map_graphs(eliminate_common_subexpressions, v) for k, v in eqn.params.items()}
        eqn = Eqn(eqn.primitive, inputs, params, eqn.outvars)
        key = _cse_key(eqn)
        if key is not None and key in seen:
            sub.update(zip(eqn.outvars, seen[key].outvars))
            continue
        if key is not None:
            seen[key] = eqn
        eqns.append(eqn)
    outs = [sub.get(o, o) if isinstance(o, Var) else o for o in graph.outs]
    return prune(Graph(graph.constvars, graph.invars, eqns, outs))


def simplify(graph, consts=()):
    """Every rewrite before code generation, in order: plain multiplies for safe_mul where zeros cannot
    be routed, cheaper forms of products with unit axes, identities, equal captured arrays, reshape
    chains, products equal up to scalar factors and equal equations, padded sums."""
    graph = lower_safe_mul(graph, consts, inputs_marked=False)
    graph = drop_identities(lower_contractions(graph))
    graph = collapse_reshapes(merge_equal_constants(graph, consts))
    graph = collapse_reshapes(scale_before_reshape(graph))
    graph = eliminate_common_subexpressions(share_scaled_products(graph))
    return merge_padded_sums(graph)
