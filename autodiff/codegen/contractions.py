"""Graph rewrites of matrix products into cheaper forms before code generation.

Reverse mode writes every product as `matmul` on (..., n, k) @ (..., k, m) operands, promoting
vectors to (n, 1) columns and (1, n) rows and seeding cotangents as (1, 1) arrays; emitted as BLAS
calls, a 1 x 1 product or an outer product with a unit axis costs a call and an allocation each
(~0.1 us: a third of a 100-dimensional log density's gradient beside its two real matrix-vector
products). The float products whose shapes allow it become:

  * a contracted axis of length 1 (an outer product, a product with a (1, 1) array): an elementwise
    multiply of the two operands, broadcast against each other (fused into the loop around it);
  * a row times a column, (..., 1, k) @ (..., k, 1): the sum of an elementwise product, which joins
    the fused loop that computes either vector (a reduction of ~10 ns for k = 100 against 21 ns for a
    1-D np.dot call and 0.1 us for the (1, k) @ (k, 1) BLAS product);
  * an unbatched matrix times a column (or a row times a matrix): `matvec` on the 1-D vector, so
    the vector needs no (k, 1) / (1, k) reshapes around a BLAS gemv;
  * a product whose elementwise terms fit in scalarise.SMALL (a (3, 3) @ (3, 1)): the sum of the
    elementwise product, which the scalariser writes as straight-line code without any call.

A product over an empty contracted axis is zeros (Numba's np.dot left it uninitialised). The result
is numerically the same up to the order of the additions in a sum. Integer and
mixed-dtype products are left alone (their result dtypes follow matmul's rules).

Products that differ only by scalar factors of their operands, such as `P @ x` and `P @ (-0.5 * x)`
in the gradient of `-0.5 * x @ (P @ x)` with a symmetric P (constants.py makes `P.T` read `P`), and
likewise `solve(K, r)` and `solve(K, -0.5 * r)`, become one product scaled afterwards
(`share_scaled_products`), which common-subexpression elimination (simplify.py) then computes once:
one gemv where there were two. A factor is a multiply by a size-1 operand (a 0-d value, a literal,
a (1, 1) cotangent seed) or a negation, seen through reshapes; anything else (a vector factor, a
scalar inside a nonlinear function) stops the search. Moving a finite scalar changes the result
only by rounding (not at all for a power of two); a non-finite one (an overflowed exp) can turn an
infinite element into a NaN, which a log density rejects either way.
"""
import numpy as np

from ..avals import ShapedArray
from ..core import Primitive
from ..graph import Eqn, Graph, Literal, Var, map_graphs
from ..primitives.broadcasting import broadcast_to_p, reduce_sum_p, reshape_p
from ..primitives.elementwise import multiply_p
from ..primitives.shape import transpose_p
from ..rules import broadcast_shapes
from ..staging import prune
from . import scalarise


# -- matvec: an unbatched matrix times a 1-D vector, one BLAS gemv ---------------------------------------
def _matvec_shape(a, x):
    return ShapedArray((a.shape[0],), np.result_type(a.dtype, x.dtype))


def _emit_matvec(ctx, eqn):
    """np.dot of the matrix and the vector (gemv; as_blas copies only a strided operand)."""
    a, x = eqn.inputs
    ctx.line(f"{ctx.name(eqn.outvars[0])} = np.dot(as_blas({ctx.name(a)}), as_blas({ctx.name(x)}))")


matvec_p = Primitive("matvec")  # codegen only: built after differentiation, never differentiated
matvec_p.def_impl(np.dot)
matvec_p.def_shape(_matvec_shape)
matvec_p.def_emit(_emit_matvec)


# -- the rewrite -----------------------------------------------------------------------------------------
def _size(shape):
    return int(np.prod(shape, dtype=np.int64))


class _Builder:
    """Appends equations with fresh output Vars."""

    def __init__(self, eqns):
        self.eqns = eqns

    def bind(self, prim, inputs, params, aval, out=None):
        out = out if out is not None else Var(aval)
        self.eqns.append(Eqn(prim, inputs, params, [out]))
        return out

    def reshape(self, x, shape, out=None):
        shape = tuple(int(d) for d in shape)
        if x.aval.shape == shape and out is None:
            return x
        return self.bind(reshape_p, [x], dict(new_shape=shape), ShapedArray(shape, x.aval.dtype), out)

    def multiply(self, a, b, out=None):
        shape = broadcast_shapes(a.aval.shape, b.aval.shape)
        return self.bind(multiply_p, [a, b], {}, ShapedArray(shape, a.aval.dtype), out)

    def sum_last(self, x, out=None):
        shape = x.aval.shape[:-1]
        return self.bind(reduce_sum_p, [x], dict(axes=(x.aval.ndim - 1,)), ShapedArray(shape, x.aval.dtype), out)


def _rewrite_matmul(eqn, b_):
    """Append a cheaper equivalent of the matmul `eqn` to the builder; False to keep it as it is."""
    a, b = eqn.inputs
    out = eqn.outvars[0]
    dtype = out.aval.dtype
    if (dtype.kind != "f" or a.aval.dtype != dtype or b.aval.dtype != dtype
            or not isinstance(a, Var) or not isinstance(b, Var)):
        return False
    *batch_a, n, k = a.aval.shape
    *batch_b, _, m = b.aval.shape
    batch = out.aval.shape[:-2]
    if out.aval.size == 0:  # nothing to compute; the scalariser does not take empty reductions
        return False
    if k == 0:  # an empty sum (np.dot in Numba would leave its result uninitialised)
        b_.bind(broadcast_to_p, [Literal(dtype.type(0))], dict(shape=out.aval.shape), out.aval, out=out)
        return True
    if k == 1:  # out[..., i, j] = a[..., i, 0] * b[..., 0, j]: one product per element, as matmul
        b_.multiply(a, b, out=out)
        return True
    if n == 1 and m == 1:  # a row times a column: a dot product
        row = b_.reshape(a, tuple(batch_a) + (k,))
        col = b_.reshape(b, tuple(batch_b) + (k,))
        b_.reshape(b_.sum_last(b_.multiply(row, col)), out.aval.shape, out=out)
        return True
    if _size(batch + (n, k, m)) <= scalarise.SMALL:
        # small enough to be straight-line scalar code: products (..., n, k, m) summed over k
        prod = b_.multiply(b_.reshape(a, a.aval.shape + (1,)), b_.reshape(b, tuple(batch_b) + (1, k, m)))
        summed = b_.bind(reduce_sum_p, [prod], dict(axes=(prod.aval.ndim - 2,)),
                         ShapedArray(batch + (n, m), dtype))
        b_.reshape(summed, out.aval.shape, out=out)
        return True
    if batch:
        return False
    if m == 1:  # matrix times column
        y = b_.bind(matvec_p, [a, b_.reshape(b, (k,))], {}, ShapedArray((n,), dtype))
        b_.reshape(y, (n, 1), out=out)
        return True
    if n == 1:  # row times matrix: the transposed matrix times the row
        bt = b_.bind(transpose_p, [b], dict(perm=(1, 0)), ShapedArray((m, k), dtype))
        y = b_.bind(matvec_p, [bt, b_.reshape(a, (k,))], {}, ShapedArray((m,), dtype))
        b_.reshape(y, (1, m), out=out)
        return True
    return False


def lower_contractions(graph):
    """A copy of graph with each float matmul that has a unit or tiny shape in the cheaper form
    above (nested graphs too)."""
    eqns = []
    builder = _Builder(eqns)
    for eqn in graph.eqns:
        params = {k: map_graphs(lower_contractions, v) for k, v in eqn.params.items()}
        if eqn.primitive.name == "matmul" and _rewrite_matmul(eqn, builder):
            continue
        eqns.append(Eqn(eqn.primitive, eqn.inputs, params, eqn.outvars))
    return prune(Graph(graph.constvars, graph.invars, eqns, graph.outs))


# -- products that differ only by scalar factors: one product, scaled -----------------------------------
# primitive -> the operands it is linear in, each on its own: a scalar factor of one comes out
_LINEAR_IN = {"matmul": (0, 1), "matvec": (0, 1), "solve": (1,), "triangular_solve": (1,)}


def _scalar_factors(x, producer):
    """(base, factors): x is base (reshaped to x's shape) times the product of the size-1 `factors`,
    found through reshapes, negations and multiplies by a size-1 operand of the same dtype that do
    not broadcast the other operand."""
    factors = []
    while isinstance(x, Var) and x in producer:
        eqn = producer[x]
        name, out = eqn.primitive.name, eqn.outvars[0]
        if name == "reshape":
            x = eqn.inputs[0]
        elif name == "negative" and out.aval.dtype.kind == "f":
            factors.append(Literal(out.aval.dtype.type(-1)))
            x = eqn.inputs[0]
        elif name == "multiply":
            for s, y in (eqn.inputs, eqn.inputs[::-1]):
                if (s.aval.size == 1 and isinstance(y, Var) and y.aval.shape == out.aval.shape
                        and s.aval.dtype == y.aval.dtype == out.aval.dtype):
                    factors.append(s)
                    x = y
                    break
            else:
                break
        else:
            break
    return x, factors


def _as_scalar(s, producer, b_):
    """A 0-d atom with the value of the size-1 atom s (its 0-d origin through reshapes and broadcasts)."""
    while s.aval.shape and isinstance(s, Var) and s in producer:
        eqn = producer[s]
        if eqn.primitive.name not in ("reshape", "broadcast_to") or eqn.inputs[0].aval.size != 1:
            break
        s = eqn.inputs[0]
    return b_.reshape(s, ()) if s.aval.shape else s


def scale_before_reshape(graph):
    """A copy of graph where a multiply by a size-1 operand of an array reshaped to more axes (reverse
    mode's (1, 1) cotangent seed times a vector made a (1, n) row) is the multiply of the array
    itself by the 0-d value, reshaped after: collapse_reshapes then removes the reshapes, and the
    product keeps the shape its neighbours loop over (nested graphs too)."""
    producer = {v: eqn for eqn in graph.eqns for v in eqn.outvars}
    eqns = []
    b_ = _Builder(eqns)
    for eqn in graph.eqns:
        params = {k: map_graphs(scale_before_reshape, v) for k, v in eqn.params.items()}
        new = Eqn(eqn.primitive, eqn.inputs, params, eqn.outvars)
        if eqn.primitive.name == "multiply":
            out = eqn.outvars[0]
            for i, (s, r) in enumerate((eqn.inputs, eqn.inputs[::-1])):
                src = producer.get(r) if isinstance(r, Var) else None
                if (src is not None and src.primitive.name == "reshape" and s.aval.size == 1
                        and src.inputs[0].aval.ndim < r.aval.ndim and r.aval.shape == out.aval.shape
                        and s.aval.dtype == r.aval.dtype == out.aval.dtype):
                    y, s0 = src.inputs[0], _as_scalar(s, producer, b_)
                    scaled = b_.multiply(*((s0, y) if i == 0 else (y, s0)))
                    b_.reshape(scaled, out.aval.shape, out=out)
                    break
            else:
                eqns.append(new)
        else:
            eqns.append(new)
    return prune(Graph(graph.constvars, graph.invars, eqns, graph.outs))


def _product_key(eqn, bases):
    try:
        params = tuple(sorted(eqn.params.items()))
        hash(params)
    except TypeError:
        return None
    return (eqn.primitive, params, tuple(b.id for b in bases), tuple(x.aval.shape for x in eqn.inputs))


def share_scaled_products(graph):
    """A copy of graph where products (matmul, matvec; and solves, in their right-hand side) whose
    operands are the same arrays up to scalar factors are each the product of the unscaled operands
    times the factors, so that they become equal equations (nested graphs too)."""
    producer = {v: eqn for eqn in graph.eqns for v in eqn.outvars}
    groups, parts = {}, {}
    for eqn in graph.eqns:
        linear = _LINEAR_IN.get(eqn.primitive.name, ())
        if linear and len(eqn.outvars) == 1 and eqn.outvars[0].aval.dtype.kind == "f":
            split = [_scalar_factors(x, producer) if i in linear else (x, []) for i, x in enumerate(eqn.inputs)]
            key = _product_key(eqn, [base for base, _ in split]) if all(
                isinstance(base, Var) for base, _ in split) else None
            if key is not None:
                groups.setdefault(key, []).append(eqn)
                parts[eqn] = split
    scaled = {eqn for group in groups.values() if len(group) > 1 for eqn in group
              if any(factors for _, factors in parts[eqn])}
    eqns = []
    b_ = _Builder(eqns)
    for eqn in graph.eqns:
        params = {k: map_graphs(share_scaled_products, v) for k, v in eqn.params.items()}
        if eqn not in scaled:
            eqns.append(Eqn(eqn.primitive, eqn.inputs, params, eqn.outvars))
            continue
        out = eqn.outvars[0]
        operands = [b_.reshape(base, x.aval.shape) for (base, _), x in zip(parts[eqn], eqn.inputs)]
        product = b_.bind(eqn.primitive, operands, params, out.aval)
        scale = None
        for _, factors in parts[eqn]:
            for f in factors:
                f = _as_scalar(f, producer, b_)
                scale = f if scale is None else b_.multiply(scale, f)
        b_.multiply(product, scale, out=out)
    return prune(Graph(graph.constvars, graph.invars, eqns, graph.outs))
