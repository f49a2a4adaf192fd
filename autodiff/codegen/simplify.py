"""Graph rewrites before code generation: use a plain multiply where safe_mul cannot matter.

`safe_mul(ct, d)` (ct * d, but 0 where ct == 0) keeps the branch a `where` did not take from
turning a zero cotangent into NaN. Its compare-and-select costs about 2x in tight loops, and it
only matters when `ct` can hold zeros *put there by routing*: the outputs of where/clip/max/min,
of the adjoints of slicing and gathering (zeros off the slice), or zero constants. A forward
dataflow pass marks those values and everything computed from them; safe_mul of an unmarked
cotangent becomes multiply.
"""
import numpy as np

from ..graph import Eqn, Graph, Literal, Var

ROUTING = {"where", "clip", "maximum", "minimum", "pad_slice", "scatter_add", "scatter", "concatenate",
           "select_n", "tri", "diag_embed"}


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
    from ..primitives.elementwise import multiply_p
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
            params = {k: _lower_nested(v, any_marked) for k, v in params.items()}
        if prim.name == "safe_mul" and not _may_hold_zero(eqn.inputs[0], marked, const_map):
            prim = multiply_p
        eqns.append(Eqn(prim, eqn.inputs, params, eqn.outvars))
        if prim.name in ROUTING or any_marked:
            marked.update(eqn.outvars)
    return Graph(graph.constvars, graph.invars, eqns, graph.outs)


def _lower_nested(value, marked):
    if isinstance(value, Graph):
        return lower_safe_mul(value, inputs_marked=marked)
    if isinstance(value, tuple) and value and all(isinstance(g, Graph) for g in value):
        return tuple(lower_safe_mul(g, inputs_marked=marked) for g in value)
    return value


__all__ = ["lower_safe_mul", "Var"]
