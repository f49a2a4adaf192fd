"""Shape primitives: transpose, concatenate, static slicing and its padding, rev (flip), and the emitter of
reshape (reshape and broadcast_to themselves are defined in broadcasting.py).

All are linear: the JVP applies the primitive to the tangent and the VJP is the adjoint
shape operation.
"""
import numpy as np

from ..avals import ShapedArray, get_aval
from ..codegen.emit import dtype_code, emit_copy, shape_code
from ..core import Primitive
from ..rules import def_linear
from .broadcasting import broadcast_to_p, reshape_p  # noqa: F401  (shape primitives, defined with reduce_sum)
from .elementwise import convert_p


def _shape(x):
    return get_aval(x).shape


transpose_p = Primitive("transpose")
transpose_p.def_impl(lambda x, perm: np.transpose(x, perm))
transpose_p.def_shape(lambda x, perm: ShapedArray(tuple(x.shape[p] for p in perm), x.dtype))
def_linear(transpose_p)
transpose_p.def_vjp(lambda ct, ans, x, perm: transpose_p.bind(ct, perm=tuple(int(i) for i in np.argsort(perm))))


def _concat_shape(*xs, axis):
    shape = list(xs[0].shape)
    shape[axis] = sum(x.shape[axis] for x in xs)
    return ShapedArray(shape, np.result_type(*[x.dtype for x in xs]))


def _concat_jvp(primals, tangents, axis):
    out = concatenate_p.bind(*primals, axis=axis)
    ts = [t if t is not None else zeros_like_aval(get_aval(p)) for p, t in zip(primals, tangents)]
    ts = [t if get_aval(t).dtype == get_aval(out).dtype else convert_p.bind(t, dtype=get_aval(out).dtype) for t in ts]
    return out, concatenate_p.bind(*ts, axis=axis)


def _concat_vjp(ct, ans, args, axis):
    cts, start = [], 0
    for x in args:
        shape = _shape(x)
        stop = start + shape[axis]
        cts.append(static_slice(ct, axis, start, stop))
        start = stop
    return cts


concatenate_p = Primitive("concatenate")
concatenate_p.routes_zeros = True  # its outputs may hold zeros moved from its operands
concatenate_p.def_impl(lambda *xs, axis: np.concatenate(xs, axis=axis))
concatenate_p.def_shape(_concat_shape)
concatenate_p.def_jvp_full(_concat_jvp)
concatenate_p.def_vjp_full(_concat_vjp)


def zeros_like_aval(aval):
    return np.zeros(aval.shape, aval.dtype)


def _slice_shape(x, starts, stops, steps):
    return ShapedArray(tuple(len(range(a, b, c)) for a, b, c in zip(starts, stops, steps)), x.dtype)


def _slice_impl(x, starts, stops, steps):
    return np.asarray(x)[tuple(slice(a, b, c) for a, b, c in zip(starts, stops, steps))]


slice_p = Primitive("slice")  # x[a0:b0:c0, a1:b1:c1, ...] with static, normalised bounds (c > 0)
slice_p.def_impl(_slice_impl)
slice_p.def_shape(_slice_shape)
def_linear(slice_p)
slice_p.def_vjp(lambda ct, ans, x, starts, stops, steps:
                pad_slice_p.bind(ct, shape=_shape(x), starts=starts, stops=stops, steps=steps))


def _pad_slice_impl(ct, shape, starts, stops, steps):
    out = np.zeros(shape, np.asarray(ct).dtype)
    out[tuple(slice(a, b, c) for a, b, c in zip(starts, stops, steps))] = ct
    return out


pad_slice_p = Primitive("pad_slice")  # zeros of `shape` with ct written into the slice: adjoint of slice
pad_slice_p.routes_zeros = True  # its outputs may hold zeros moved from its operands
pad_slice_p.def_impl(_pad_slice_impl)
pad_slice_p.def_shape(lambda ct, shape, starts, stops, steps: ShapedArray(shape, ct.dtype))
def_linear(pad_slice_p)
pad_slice_p.def_vjp(lambda ct, ans, x, shape, starts, stops, steps:
                    slice_p.bind(ct, starts=starts, stops=stops, steps=steps))


def static_slice(x, axis, start, stop, step=1):
    shape = _shape(x)
    starts = tuple(start if i == axis else 0 for i in range(len(shape)))
    stops = tuple(stop if i == axis else d for i, d in enumerate(shape))
    steps = tuple(step if i == axis else 1 for i in range(len(shape)))
    return slice_p.bind(x, starts=starts, stops=stops, steps=steps)


# -- Numba code generation -------------------------------------------------------------------------
def _emit_reshape(ctx, eqn):
    (x,), out = eqn.inputs, eqn.outvars[0]
    src, dst = x.aval.shape, out.aval.shape
    if not dst:
        zeros = ", ".join("0" for _ in src)
        ctx.line(f"{ctx.name(out)} = {ctx.name(x)}[{zeros}]" if src else f"{ctx.name(out)} = {ctx.name(x)}")
    elif not src:
        ctx.line(f"{ctx.name(out)} = np.full({shape_code(dst)}, {ctx.name(x)}, {dtype_code(out.aval.dtype)})")
    elif ctx.depth > 1 and _unit_dims_subscripts(src, dst) is not None:
        # inside a loop: Numba's reshape calls a C helper, indexing with None / 0 is inline code
        ctx.line(f"{ctx.name(out)} = {ctx.name(x)}[{_unit_dims_subscripts(src, dst)}]")
    else:
        ctx.line(f"{ctx.name(out)} = np.ascontiguousarray({ctx.name(x)}).reshape({shape_code(dst)})")


def _unit_dims_subscripts(src, dst):
    """Subscripts turning shape src into dst when the two differ only by axes of length 1
    (x[:, None] for (3,) -> (3, 1)); None when the reshape moves elements between axes."""
    subs, i = [], 0
    for d in dst:
        if i < len(src) and src[i] == d:
            subs.append(":")
            i += 1
        elif d == 1:
            subs.append("None")
        else:
            while i < len(src) and src[i] == 1:
                subs.append("0")
                i += 1
            if i < len(src) and src[i] == d:
                subs.append(":")
                i += 1
            else:
                return None
    while i < len(src) and src[i] == 1:
        subs.append("0")
        i += 1
    return ", ".join(subs) if i == len(src) else None


reshape_p.def_emit(_emit_reshape)


def transpose_code(x, shape, perm):
    """Code for a transposed view of the array named `x` of `shape`: a strided view (not
    np.transpose(x, axes), which Numba takes about 12 s to compile)."""
    perm = tuple(int(p) for p in perm)
    if perm == tuple(range(len(perm))):
        return x
    if perm == tuple(reversed(range(len(perm)))):
        return f"{x}.T"
    strides = "".join(f"{x}.strides[{p}], " for p in perm).rstrip(" ")
    new_shape = shape_code(tuple(shape[p] for p in perm))
    return f"np.lib.stride_tricks.as_strided({x}, shape={new_shape}, strides=({strides}))"


def _emit_transpose(ctx, eqn):
    x = eqn.inputs[0]
    ctx.line(f"{ctx.name(eqn.outvars[0])} = {transpose_code(ctx.name(x), x.aval.shape, eqn.params['perm'])}")


transpose_p.def_emit(_emit_transpose)


def slice_code(starts, stops, steps):
    return ", ".join(f"{a}:{b}" + (f":{c}" if c != 1 else "") for a, b, c in zip(starts, stops, steps))


def _emit_slice(ctx, eqn):
    p = eqn.params
    ctx.line(f"{ctx.name(eqn.outvars[0])} = {ctx.name(eqn.inputs[0])}"
             f"[{slice_code(p['starts'], p['stops'], p['steps'])}]")


slice_p.def_emit(_emit_slice)


def _emit_pad_slice(ctx, eqn):
    p, out = eqn.params, eqn.outvars[0]
    name = ctx.name(out)
    ctx.line(f"{name} = np.zeros({shape_code(p['shape'])}, {dtype_code(out.aval.dtype)})")
    src = eqn.inputs[0]
    emit_copy(ctx, name, lambda idx: [f"{a} + {c} * {i}" if c != 1 else f"{a} + {i}"
                                      for a, c, i in zip(p["starts"], p["steps"], idx)],
              ctx.name(src), src.aval.shape)


pad_slice_p.def_emit(_emit_pad_slice)


def _emit_concatenate(ctx, eqn):
    axis, out = eqn.params["axis"], eqn.outvars[0]
    name = ctx.name(out)
    ctx.line(f"{name} = np.empty({shape_code(out.aval.shape)}, {dtype_code(out.aval.dtype)})")
    start = 0
    for x in eqn.inputs:
        emit_copy(ctx, name, lambda idx, start=start: [f"{start} + {i}" if k == axis else i for k, i in enumerate(idx)],
                  ctx.name(x), x.aval.shape)
        start += x.aval.shape[axis]


concatenate_p.def_emit(_emit_concatenate)


# -- rev: reverse the order of elements along `axes` (numpy.flip) --------------------------------------
def _rev_impl(x, axes):
    return np.flip(x, axis=axes) if axes else np.asarray(x)


rev_p = Primitive("rev")
rev_p.def_impl(_rev_impl)
rev_p.def_shape(lambda x, axes: ShapedArray(x.shape, x.dtype))
def_linear(rev_p)
rev_p.def_vjp(lambda ct, ans, x, axes: rev_p.bind(ct, axes=axes))


def _emit_rev(ctx, eqn):
    x, axes = eqn.inputs[0], eqn.params["axes"]
    subs = ", ".join("::-1" if i in axes else ":" for i in range(x.aval.ndim))
    ctx.line(f"{ctx.name(eqn.outvars[0])} = {ctx.name(x)}[{subs}]")


rev_p.def_emit(_emit_rev)

