"""Reductions over axes: sum, max, min (with gradients) and their loop emitters.

Primitives take `axes` as a sorted tuple of non-negative ints and drop the reduced axes;
`keepdims` is a reshape done by the numpy-level wrapper.
"""
import numpy as np

from ..avals import ShapedArray
from ..core import Primitive


def reduced_shape(x, axes, **params):
    return ShapedArray(tuple(d for i, d in enumerate(x.shape) if i not in axes), x.dtype)


def keepdims_shape(shape, axes):
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def expand_reduced(ct, x_shape, axes):
    """Broadcast a reduced cotangent back over the reduced axes of x."""
    from .shape import broadcast_to_p, reshape_p
    ct = reshape_p.bind(ct, new_shape=keepdims_shape(x_shape, axes))
    return broadcast_to_p.bind(ct, shape=tuple(x_shape))


def _shape(x):
    from ..avals import get_aval
    return get_aval(x).shape


reduce_sum_p = Primitive("reduce_sum")
reduce_sum_p.def_impl(lambda x, axes: np.sum(x, axis=axes))
reduce_sum_p.def_shape(lambda x, axes: ShapedArray(reduced_shape(x, axes).shape,
                                                   x.dtype if x.dtype.kind != "b" else np.int64))
reduce_sum_p.def_jvp(lambda g, ans, x, axes: reduce_sum_p.bind(g, axes=axes))
reduce_sum_p.def_vjp(lambda ct, ans, x, axes: expand_reduced(ct, _shape(x), axes))
reduce_sum_p.reduction = ("0", "{acc} += {x}")


def _extremum_vjp(ct, ans, x, axes):
    """Cotangent split evenly among the positions that attain the max (or min)."""
    from .elementwise import divide_p, equal_p, where_p, convert_p
    shape = _shape(x)
    hit = equal_p.bind(x, expand_reduced(ans, shape, axes))
    count = reduce_sum_p.bind(convert_p.bind(hit, dtype=np.float64), axes=axes)
    share = expand_reduced(divide_p.bind(ct, count), shape, axes)
    return where_p.bind(hit, share, 0.0)


def _extremum_jvp(g, ans, x, axes):
    from .elementwise import convert_p, divide_p, equal_p, multiply_p
    hit = convert_p.bind(equal_p.bind(x, expand_reduced(ans, _shape(x), axes)), dtype=np.float64)
    return divide_p.bind(reduce_sum_p.bind(multiply_p.bind(g, hit), axes=axes), reduce_sum_p.bind(hit, axes=axes))


reduce_max_p = Primitive("reduce_max")
reduce_max_p.def_impl(lambda x, axes: np.max(x, axis=axes))
reduce_max_p.def_shape(reduced_shape)
reduce_max_p.def_jvp(_extremum_jvp)
reduce_max_p.def_vjp(_extremum_vjp)
reduce_max_p.reduction = ("-np.inf", "{acc} = rt.maximum({acc}, {x})")

reduce_min_p = Primitive("reduce_min")
reduce_min_p.def_impl(lambda x, axes: np.min(x, axis=axes))
reduce_min_p.def_shape(reduced_shape)
reduce_min_p.def_jvp(_extremum_jvp)
reduce_min_p.def_vjp(_extremum_vjp)
reduce_min_p.reduction = ("np.inf", "{acc} = rt.minimum({acc}, {x})")


# -- Numba code generation: full reductions call numpy, partial ones write a loop nest ----------------
def _emit_reduction(ctx, eqn):
    from ..codegen.emit import dtype_code, shape_code
    (x,), out = eqn.inputs, eqn.outvars[0]
    axes, shape = eqn.params["axes"], x.aval.shape
    init, update = eqn.primitive.reduction
    name = ctx.name(out)
    if not out.aval.shape:
        fn = {"reduce_sum": "np.sum", "reduce_max": "np.max", "reduce_min": "np.min"}[eqn.primitive.name]
        ctx.line(f"{name} = {fn}({ctx.name(x)})" if shape else f"{name} = {ctx.name(x)}")
        return
    ctx.line(f"{name} = np.full({shape_code(out.aval.shape)}, {init}, {dtype_code(out.aval.dtype)})")
    idx = [f"i{k}" for k in range(len(shape))]
    out_idx = ", ".join(i for k, i in enumerate(idx) if k not in axes)
    depth0 = ctx.depth
    for k, d in enumerate(shape):
        ctx.line(f"for {idx[k]} in range({d}):")
        ctx.depth += 1
    ctx.line(update.format(acc=f"{name}[{out_idx}]", x=f"{ctx.name(x)}[{', '.join(idx)}]"))
    ctx.depth = depth0


for _p in (reduce_sum_p, reduce_max_p, reduce_min_p):
    _p.def_emit(_emit_reduction)
