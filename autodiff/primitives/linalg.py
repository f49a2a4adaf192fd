"""Linear-algebra primitives: matmul (batched, numpy broadcasting on the leading axes)."""
import numpy as np

from ..avals import ShapedArray, get_aval
from ..core import Primitive
from ..rules import broadcast_shapes, unbroadcast


def _shape(x):
    return get_aval(x).shape


def _matmul_shape(a, b):
    if a.ndim < 2 or b.ndim < 2:
        raise ValueError("matmul_p takes operands with ndim >= 2 (the numpy wrapper promotes vectors)")
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} not aligned: "
                         f"{a.shape[-1]} (dim {a.ndim - 1}) != {b.shape[-2]} (dim {b.ndim - 2})")
    batch = broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return ShapedArray(batch + (a.shape[-2], b.shape[-1]), np.result_type(a.dtype, b.dtype))


def swap_last(x):
    from .shape import transpose_p
    n = len(_shape(x))
    return transpose_p.bind(x, perm=tuple(range(n - 2)) + (n - 1, n - 2))


matmul_p = Primitive("matmul")
matmul_p.def_impl(np.matmul)
matmul_p.def_shape(_matmul_shape)
matmul_p.def_jvp(lambda g, ans, a, b: matmul_p.bind(g, b), lambda g, ans, a, b: matmul_p.bind(a, g))
matmul_p.def_vjp(lambda ct, ans, a, b: unbroadcast(matmul_p.bind(ct, swap_last(b)), _shape(a)),
                 lambda ct, ans, a, b: unbroadcast(matmul_p.bind(swap_last(a), ct), _shape(b)))


def _emit_matmul(ctx, eqn):
    """2-D operands call BLAS through np.dot; batched operands loop over the broadcast batch axes."""
    from ..codegen.emit import dtype_code, shape_code
    a, b = eqn.inputs
    out = eqn.outvars[0]
    name = ctx.name(out)
    float_blas = out.aval.dtype.kind == "f"
    dot = "np.dot(as_blas({0}), as_blas({1}))" if float_blas else "rt.int_matmul({0}, {1})"
    if a.aval.ndim == 2 and b.aval.ndim == 2:
        ctx.line(f"{name} = " + dot.format(ctx.name(a), ctx.name(b)))
        return
    batch = out.aval.shape[:-2]
    ctx.line(f"{name} = np.empty({shape_code(out.aval.shape)}, {dtype_code(out.aval.dtype)})")
    idx = [f"i{k}" for k in range(len(batch))]

    def sub(x):
        lead = len(batch) - (x.aval.ndim - 2)
        subs = [idx[lead + k] if d != 1 else "0" for k, d in enumerate(x.aval.shape[:-2])]
        return f"{ctx.name(x)}[{', '.join(subs + [':', ':'])}]"

    depth0 = ctx.depth
    for k, d in enumerate(batch):
        ctx.line(f"for {idx[k]} in range({d}):")
        ctx.depth += 1
    ctx.line(f"{name}[{', '.join(idx + [':', ':'])}] = " + dot.format(sub(a), sub(b)))
    ctx.depth = depth0


matmul_p.def_emit(_emit_matmul)
