"""Graph rewrites that read the values of the arrays a graph captured (data baked into it).

Reverse mode transposes every matrix it multiplies by: the gradient of `x @ (P @ x)` holds `P.T @ c`
beside the forward `P @ x`. With P captured data the transpose is computed while tracing and
captured as a second array; a row times a matrix is lowered (contractions.py) to a transpose
equation of the captured matrix. When the values allow it these are the same array:

  * captured arrays with the same shape, dtype and bits are one array (a symmetric P and its
    folded transpose P.T);
  * a transpose equation of a captured array is that array when the array equals its own
    transpose, or another captured array that holds exactly the transposed values.

The comparison is of the bits (so -0.0 and 0.0 differ, and a NaN matches only itself), hence the
rewritten graph computes the same numbers as the original. Generated code then depends on these
values; that is safe because each program is simplified with its own captured arrays and
compiled code is keyed by its source (see jit.Compiled).
"""
import numpy as np

from ..graph import Eqn, Graph, Var
from ..staging import prune

__all__ = ["merge_equal_constants"]


def _same_bits(a, b):
    """Do the arrays a and b hold the same values bit for bit, in the same shape and dtype?"""
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    return a is b or np.array_equal(np.ascontiguousarray(a).view(np.uint8), np.ascontiguousarray(b).view(np.uint8))


class _Captured:
    """The graph's captured arrays (ndarrays of at least one dimension), grouped by shape and dtype."""

    def __init__(self, constvars, consts):
        self.value, self.groups = {}, {}
        for v, c in zip(constvars, consts):
            if isinstance(c, np.ndarray) and c.ndim and c.dtype.kind in "fiub":
                self.value[v] = c
                self.groups.setdefault((c.shape, c.dtype), []).append(v)

    def find(self, array, before=None):
        """The first captured Var holding exactly `array`'s values (among those listed before
        `before`, when given), or None."""
        for v in self.groups.get((array.shape, array.dtype), ()):
            if v is before:
                return None
            if _same_bits(self.value[v], array):
                return v
        return None


def merge_equal_constants(graph, consts):
    """A copy of graph where captured arrays with equal values are read from one Var (the first), and
    a transpose of a captured array is the captured array that holds its values, if any (the array
    itself when it is symmetric). Unused captured Vars stay in graph.constvars, which must keep
    lining up with `consts`."""
    captured = _Captured(graph.constvars, consts)
    sub = {}
    for v, c in captured.value.items():
        same = captured.find(c, before=v)
        if same is not None:
            sub[v] = same
    eqns = []
    for eqn in graph.eqns:
        inputs = [sub.get(x, x) if isinstance(x, Var) else x for x in eqn.inputs]
        if eqn.primitive.name == "transpose" and inputs[0] in captured.value:
            same = captured.find(np.transpose(captured.value[inputs[0]], eqn.params["perm"]))
            if same is not None:
                sub[eqn.outvars[0]] = same
                continue
        eqns.append(Eqn(eqn.primitive, inputs, eqn.params, eqn.outvars))
    outs = [sub.get(o, o) if isinstance(o, Var) else o for o in graph.outs]
    return prune(Graph(graph.constvars, graph.invars, eqns, outs))
