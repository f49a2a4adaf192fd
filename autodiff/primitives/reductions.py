"""Reductions and scans along axes: sum, max, min, prod, all/any, argmax/argmin, cumsum, cumprod, sort.

Reductions take `axes` as a sorted tuple of non-negative ints and drop the reduced axes;
`keepdims` is a reshape done by the numpy-level wrapper. Scans and sorts act along one `axis`.
Products never divide by the input: their derivatives use exclusive products (cumulative
products from both ends), so zeros get exact gradients, and cumprod's rules are written with
the linear recurrence `linrec` h_i = a_i h_{i-1} + b_i, whose own rules are linrecs again.
"""
import numpy as np
from scipy.special import logsumexp

from ..avals import ShapedArray, get_aval
from ..codegen.emit import dtype_code, shape_code
from ..core import Primitive, Reduction
from .broadcasting import expand_reduced, keepdims_shape, reduce_sum_p, reduced_shape  # noqa: F401  (re-exported)
from .elementwise import add_p, divide_p, equal_p, exp_p, multiply_p, safe_mul, subtract_p, where_p
from .shape import concatenate_p, reshape_p, static_slice, transpose_code, transpose_p


def _shape(x):
    return get_aval(x).shape


def _extremum_vjp(ct, ans, x, axes):
    """Cotangent split evenly among the positions that attain the max (or min)."""
    shape = _shape(x)
    hit = equal_p.bind(x, expand_reduced(ans, shape, axes))
    count = reduce_sum_p.bind(where_p.bind(hit, 1.0, 0.0), axes=axes)
    share = expand_reduced(divide_p.bind(ct, count), shape, axes)
    return where_p.bind(hit, share, 0.0)


def _extremum_jvp(g, ans, x, axes):
    hit = where_p.bind(equal_p.bind(x, expand_reduced(ans, _shape(x), axes)), 1.0, 0.0)  # not convert: bool
    return divide_p.bind(reduce_sum_p.bind(multiply_p.bind(g, hit), axes=axes), reduce_sum_p.bind(hit, axes=axes))


reduce_max_p = Primitive("reduce_max")
reduce_max_p.def_impl(lambda x, axes: np.max(x, axis=axes))
reduce_max_p.def_shape(reduced_shape)
reduce_max_p.def_jvp(_extremum_jvp)
reduce_max_p.def_vjp(_extremum_vjp)

reduce_min_p = Primitive("reduce_min")
reduce_min_p.def_impl(lambda x, axes: np.min(x, axis=axes))
reduce_min_p.def_shape(reduced_shape)
reduce_min_p.def_jvp(_extremum_jvp)
reduce_min_p.def_vjp(_extremum_vjp)


reduce_and_p = Primitive("reduce_and")  # numpy.all
reduce_and_p.def_impl(lambda x, axes: np.all(x, axis=axes))
reduce_and_p.def_shape(lambda x, axes: ShapedArray(reduced_shape(x, axes).shape, np.bool_))
reduce_and_p.def_nograd()

reduce_or_p = Primitive("reduce_or")  # numpy.any
reduce_or_p.def_impl(lambda x, axes: np.any(x, axis=axes))
reduce_or_p.def_shape(lambda x, axes: ShapedArray(reduced_shape(x, axes).shape, np.bool_))
reduce_or_p.def_nograd()


# -- helpers for rules along one axis --------------------------------------------------------------------
def shift(x, axis, reverse, fill):
    """x moved one step along `axis` (toward higher indices; lower if reverse), `fill` entering at the edge."""
    shape = _shape(x)
    n = shape[axis]
    if n == 0:
        return x
    slab = np.full(tuple(1 if i == axis else d for i, d in enumerate(shape)), fill, _dtype(x))
    if n == 1:
        return slab
    if reverse:
        return concatenate_p.bind(static_slice(x, axis, 1, n), slab, axis=axis)
    return concatenate_p.bind(slab, static_slice(x, axis, 0, n - 1), axis=axis)


def _dtype(x):
    return get_aval(x).dtype


def _flip_scan(fn, x, axis, reverse):
    x = np.asarray(x)
    return np.flip(fn(np.flip(x, axis), axis=axis), axis) if reverse else fn(x, axis=axis)


# -- cumsum: linear; its adjoint is the cumsum in the other direction -------------------------------------
cumsum_p = Primitive("cumsum")
cumsum_p.def_impl(lambda x, axis, reverse: _flip_scan(np.cumsum, x, axis, reverse))
cumsum_p.def_shape(lambda x, axis, reverse: ShapedArray(x.shape, x.dtype))
cumsum_p.def_jvp(lambda g, ans, x, axis, reverse: cumsum_p.bind(g, axis=axis, reverse=reverse))
cumsum_p.def_vjp(lambda ct, ans, x, axis, reverse: cumsum_p.bind(ct, axis=axis, reverse=not reverse))


# -- linrec: h_i = a_i h_{i-1} + b_i from h_{-1} = 0 (reverse: h_i = a_i h_{i+1} + b_i) -------------------
def _linrec_impl(a, b, axis, reverse):
    a, b = np.moveaxis(np.asarray(a), axis, 0), np.moveaxis(np.asarray(b), axis, 0)
    out = np.empty(b.shape, np.result_type(a, b))
    h = np.zeros(b.shape[1:], out.dtype)
    for i in (range(len(b) - 1, -1, -1) if reverse else range(len(b))):
        h = a[i] * h + b[i]
        out[i] = h
    return np.moveaxis(out, 0, axis)


def _linrec_shape(a, b, axis, reverse):
    if a.shape != b.shape:
        raise ValueError(f"linrec: a and b must have the same shape, got {a.shape} and {b.shape}")
    return ShapedArray(b.shape, np.result_type(a.dtype, b.dtype))


def _linrec_jvp(primals, tangents, axis, reverse):
    a, b = primals
    ta, tb = tangents
    h = linrec_p.bind(a, b, axis=axis, reverse=reverse)
    t = tb
    if ta is not None:
        t_a = multiply_p.bind(ta, shift(h, axis, reverse, 0.0))
        t = t_a if t is None else add_p.bind(t, t_a)
    return h, linrec_p.bind(a, t, axis=axis, reverse=reverse)


def _linrec_vjp(ct, h, args, axis, reverse):
    a, b = args
    lam = linrec_p.bind(shift(a, axis, not reverse, 0.0), ct, axis=axis, reverse=not reverse)
    return [multiply_p.bind(lam, shift(h, axis, reverse, 0.0)), lam]


linrec_p = Primitive("linrec")
linrec_p.def_impl(_linrec_impl)
linrec_p.def_shape(_linrec_shape)
linrec_p.def_jvp_full(_linrec_jvp)
linrec_p.def_vjp_full(_linrec_vjp)


# -- cumprod: dh_i = x_i dh_{i-1} + h_{i-1} dx_i, a linrec; no division, so zeros are exact ---------------
def _cumprod_jvp(g, h, x, axis, reverse):
    return linrec_p.bind(x, multiply_p.bind(g, shift(h, axis, reverse, 1.0)), axis=axis, reverse=reverse)


def _cumprod_vjp(ct, h, x, axis, reverse):
    lam = linrec_p.bind(shift(x, axis, not reverse, 0.0), ct, axis=axis, reverse=not reverse)
    return multiply_p.bind(lam, shift(h, axis, reverse, 1.0))


cumprod_p = Primitive("cumprod")
cumprod_p.def_impl(lambda x, axis, reverse: _flip_scan(np.cumprod, x, axis, reverse))
cumprod_p.def_shape(lambda x, axis, reverse: ShapedArray(x.shape, x.dtype))
cumprod_p.def_jvp(_cumprod_jvp)
cumprod_p.def_vjp(_cumprod_vjp)


# -- prod: derivative = product of the other elements, from cumulative products on both sides -------------
def exclusive_products(x, axes):
    """Array of x's shape: the product over `axes` of all elements but the one at each position."""
    shape = _shape(x)
    keep = tuple(i for i in range(len(shape)) if i not in axes)
    perm = keep + tuple(axes)
    y = transpose_p.bind(x, perm=perm) if perm != tuple(range(len(shape))) else x
    moved = tuple(shape[i] for i in perm)
    n = int(np.prod([shape[i] for i in axes], dtype=np.int64))
    y = reshape_p.bind(y, new_shape=moved[:len(keep)] + (n,))
    last = len(keep)
    before = shift(cumprod_p.bind(y, axis=last, reverse=False), last, False, 1.0)
    after = shift(cumprod_p.bind(y, axis=last, reverse=True), last, True, 1.0)
    excl = reshape_p.bind(multiply_p.bind(before, after), new_shape=moved)
    if perm == tuple(range(len(shape))):
        return excl
    return transpose_p.bind(excl, perm=tuple(int(i) for i in np.argsort(perm)))


def _prod_jvp(g, ans, x, axes):
    return reduce_sum_p.bind(multiply_p.bind(g, exclusive_products(x, axes)), axes=axes)


def _prod_vjp(ct, ans, x, axes):
    return multiply_p.bind(expand_reduced(ct, _shape(x), axes), exclusive_products(x, axes))


reduce_prod_p = Primitive("reduce_prod")
reduce_prod_p.def_impl(lambda x, axes: np.prod(x, axis=axes))
reduce_prod_p.def_shape(lambda x, axes: ShapedArray(reduced_shape(x, axes).shape,
                                                    x.dtype if x.dtype.kind != "b" else np.int64))
reduce_prod_p.def_jvp(_prod_jvp)
reduce_prod_p.def_vjp(_prod_vjp)


# -- argmax, argmin, argsort: integer results, no gradient ---------------------------------------------------
def _arg_shape(x, axis):
    return ShapedArray(tuple(d for i, d in enumerate(x.shape) if i != axis), np.int64)


argmax_p = Primitive("argmax")
argmax_p.def_impl(lambda x, axis: np.argmax(x, axis=axis))
argmax_p.def_shape(_arg_shape)
argmax_p.def_nograd()

argmin_p = Primitive("argmin")
argmin_p.def_impl(lambda x, axis: np.argmin(x, axis=axis))
argmin_p.def_shape(_arg_shape)
argmin_p.def_nograd()

argsort_p = Primitive("argsort")  # stable=True: ties keep their order (numpy kind="stable")
argsort_p.def_impl(lambda x, axis, stable: np.argsort(x, axis=axis, kind="stable" if stable else None))
argsort_p.def_shape(lambda x, axis, stable: ShapedArray(x.shape, np.int64))
argsort_p.def_nograd()


# -- sort: the values gathered by argsort (its rules are gathers, so they are in indexing.py) ---------------
sort_p = Primitive("sort")
sort_p.def_impl(lambda x, axis: np.sort(x, axis=axis))
sort_p.def_shape(lambda x, axis: ShapedArray(x.shape, x.dtype))


def pnq(shape, axis, width=1):
    """(P, n, Q) of `shape` around the `width` axes starting at `axis`, as code."""
    pre = int(np.prod(shape[:axis], dtype=np.int64))
    mid = int(np.prod(shape[axis:axis + width], dtype=np.int64))
    post = int(np.prod(shape[axis + width:], dtype=np.int64))
    return f"{pre}, {mid}, {post}"


# -- Numba code generation: one call to a (P, n, Q) helper of codegen/runtime_indexing.py --------------------
def _emit_reduction(ctx, eqn):
    (x,), out = eqn.inputs, eqn.outvars[0]
    axes, shape, code = eqn.params["axes"], x.aval.shape, ctx.name(x)
    if not shape:
        ctx.line(f"{ctx.name(out)} = {code}")
        return
    if (ctx.depth > 1 and x.aval.size <= INLINE_SIZE and eqn.primitive.name in _INLINE and x.aval.dtype.kind == "f"
            and out.aval.shape == tuple(d for a, d in enumerate(shape) if a not in axes)):
        _emit_inline_reduction(ctx, eqn.primitive.name, code, shape, tuple(sorted(axes)), out)
        return
    if axes != tuple(range(axes[0], axes[0] + len(axes))):  # not one run: a view with the reduced axes last
        keep = tuple(i for i in range(len(shape)) if i not in axes)
        code = transpose_code(code, shape, keep + axes)
        shape = tuple(shape[i] for i in keep + axes)
        axes = tuple(range(len(keep), len(shape)))
    if x.aval.dtype.kind == "b" and eqn.primitive in (reduce_sum_p, reduce_prod_p):
        code = f"np.asarray({code}).astype(np.int64)"
    name = ctx.name(out)
    if not out.aval.shape:
        ctx.line(f"{name} = ri.{eqn.primitive.name}_all({code})")
        return
    ctx.line(f"{name} = np.empty({shape_code(out.aval.shape)}, {dtype_code(out.aval.dtype)})")
    ctx.line(f"ri.{eqn.primitive.name}({code}, {pnq(shape, axes[0], len(axes))}, {name})")


reduce_sum_p.def_emit(Reduction("0", "{acc} += {x}", _emit_reduction))
reduce_max_p.def_emit(Reduction("-np.inf", "{acc} = rt.maximum({acc}, {x})", _emit_reduction))
reduce_min_p.def_emit(Reduction("np.inf", "{acc} = rt.minimum({acc}, {x})", _emit_reduction))
reduce_and_p.def_emit(Reduction("True", "{acc} = {acc} and ({x} != 0)", _emit_reduction))
reduce_or_p.def_emit(Reduction("False", "{acc} = {acc} or ({x} != 0)", _emit_reduction))
reduce_prod_p.def_emit(_emit_reduction)  # not fused: an int 1 would start a float accumulator


# Inside a loop (a scan body), a call to a helper costs more than a reduction of a few elements
# (~0.15 us: the array views it builds and their reference counts), so small ones are inlined.
INLINE_SIZE = 256
_INLINE = {"reduce_sum": ("0.0", "{acc} += {x}"), "reduce_prod": ("1.0", "{acc} *= {x}"),
           "reduce_max": (None, "{acc} = rt.maximum({acc}, {x})"),
           "reduce_min": (None, "{acc} = rt.minimum({acc}, {x})"), "reduce_logsumexp": None}


def _emit_inline_reduction(ctx, name, x, shape, axes, out):
    """Loops over the kept axes around accumulation loops over the reduced ones, indexing x in
    place (no reshaped or transposed views: Numba builds those through a C helper)."""
    keep = [a for a in range(len(shape)) if a not in axes]
    idx = {a: ctx.tmp("p" if a in keep else "k") for a in range(len(shape))}
    acc, res = ctx.tmp("acc"), ctx.name(out)
    if out.aval.shape:
        ctx.line(f"{res} = np.empty({shape_code(out.aval.shape)}, {dtype_code(out.aval.dtype)})")
    depth0 = ctx.depth
    for a in keep:
        ctx.line(f"for {idx[a]} in range({shape[a]}):")
        ctx.depth += 1

    def loops(body, first=None):
        """Accumulation loops over the reduced axes (the first element skipped when `first`)."""
        d0 = ctx.depth
        for a in axes:
            ctx.line(f"for {idx[a]} in range({shape[a]}):")
            ctx.depth += 1
        if first is not None:
            with ctx.block(f"if {' and '.join(f'{idx[a]} == 0' for a in axes)}:"):
                ctx.line("continue")
        body()
        ctx.depth = d0

    elem = f"{x}[{', '.join(idx[a] for a in range(len(shape)))}]"
    first = f"{x}[{', '.join('0' if a in axes else idx[a] for a in range(len(shape)))}]"
    if name == "reduce_logsumexp":
        m, v, sm = ctx.tmp("m"), ctx.tmp("v"), ctx.tmp("s")
        ctx.line(f"{m} = -np.inf")

        def find_max():
            ctx.line(f"{v} = {elem}")
            with ctx.block(f"if {v} > {m} or {v} != {v}:"):
                ctx.line(f"{m} = {v}")
        loops(find_max)
        with ctx.block(f"if {m} != {m} or {m} == np.inf or {m} == -np.inf:"):
            ctx.line(f"{acc} = {m}")
        with ctx.block("else:"):
            ctx.line(f"{sm} = 0.0")
            loops(lambda: ctx.line(f"{sm} += math.exp({elem} - {m})"))
            ctx.line(f"{acc} = {m} + math.log({sm})")
    else:
        init, update = _INLINE[name]
        ctx.line(f"{acc} = {init if init is not None else first}")
        loops(lambda: ctx.line(update.format(acc=acc, x=elem)), first=None if init is not None else True)
    if out.aval.shape:
        ctx.line(f"{res}[{', '.join(idx[a] for a in keep)}] = {acc}")
    else:
        ctx.line(f"{res} = {acc}")
    ctx.depth = depth0


def _emit_along_axis(ctx, eqn):
    """cumsum, cumprod, linrec, sort, argsort (same shape out) and argmax, argmin (axis removed)."""
    axis, out = eqn.params["axis"], eqn.outvars[0]
    args = [ctx.name(x) for x in eqn.inputs] + [pnq(eqn.inputs[0].aval.shape, axis)]
    if "reverse" in eqn.params:
        args.append(str(eqn.params["reverse"]))
    tail = ""
    if eqn.primitive in (argmax_p, argmin_p):
        args.append(shape_code(out.aval.shape) if out.aval.shape else "(1,)")
        tail = "" if out.aval.shape else "[0]"
    ctx.line(f"{ctx.name(out)} = ri.{eqn.primitive.name}({', '.join(args)}){tail}")


for _p in (cumsum_p, cumprod_p, linrec_p, sort_p, argsort_p, argmax_p, argmin_p):
    _p.def_emit(_emit_along_axis)


# -- logsumexp: one pass for max, sum of exponentials and log (mixtures, the HMM forward algorithm) --
def _lse_weights(x, ans, axes):
    """exp(x - logsumexp(x)): the softmax weights, 0 where the whole slice is -inf."""
    full = expand_reduced(ans, _shape(x), axes)
    empty = equal_p.bind(full, -np.inf)
    return where_p.bind(empty, 0.0, exp_p.bind(subtract_p.bind(x, where_p.bind(empty, 0.0, full))))


def _lse_impl(x, axes):
    return np.asarray(logsumexp(x, axis=axes))[()]


reduce_logsumexp_p = Primitive("reduce_logsumexp")
reduce_logsumexp_p.def_impl(_lse_impl)
reduce_logsumexp_p.def_shape(lambda x, axes: ShapedArray(reduced_shape(x, axes).shape, np.float64))
reduce_logsumexp_p.def_jvp(lambda g, ans, x, axes: reduce_sum_p.bind(_mul(g, _lse_weights(x, ans, axes)), axes=axes))
reduce_logsumexp_p.def_vjp(lambda ct, ans, x, axes: _safe_mul(expand_reduced(ct, _shape(x), axes),
                                                              _lse_weights(x, ans, axes)))
reduce_logsumexp_p.def_emit(_emit_reduction)


def _mul(a, b):
    return multiply_p.bind(a, b)


def _safe_mul(a, b):
    return safe_mul(a, b)
