"""Gather and scatter along one axis: the primitives behind advanced indexing, take and x.at[...].

Every index is normalised (in autodiff/numpy/advanced_indexing.py) to an integer array `idx`
selecting along one axis of x. `gather(x, idx, axis)` is `np.take`; its adjoint `scatter_add`
accumulates, so repeated indices receive summed gradients. `scatter(x, idx, v, mode)` is x with
v written at idx: "set" (numpy assignment: the last write wins) or accumulated like numpy's
`ufunc.at` ("add", "multiply", "min", "max"). Indices may be negative (wrapped once, as numpy
does); out-of-range indices raise IndexError, in numpy and in the generated code alike.
"""
import numpy as np

from ..avals import ShapedArray, get_aval
from ..codegen.emit import shape_code
from ..core import Elementwise, Primitive, Tracer, concrete_or_none
from ..rules import def_linear
from .broadcasting import reduce_sum_p
from .elementwise import add_p, divide_p, equal_p, logical_and_p, maximum_p, multiply_p, where_p
from .reductions import argsort_p, pnq, reduce_prod_p, sort_p
from .shape import broadcast_to_p, reshape_p


def _shape(x):
    return get_aval(x).shape


def _index_tuple(axis, idx):
    return (slice(None),) * axis + (np.asarray(idx),)


def gathered_shape(x_shape, idx_shape, axis):
    return tuple(x_shape[:axis]) + tuple(idx_shape) + tuple(x_shape[axis + 1:])


def _check_index_dtype(idx):
    if idx.dtype.kind not in "iu":
        raise IndexError(f"gather/scatter indices must be integers, got dtype {idx.dtype}")


# -- gather: np.take(x, idx, axis) ------------------------------------------------------------------
def _gather_shape(x, idx, axis):
    _check_index_dtype(idx)
    return ShapedArray(gathered_shape(x.shape, idx.shape, axis), x.dtype)


def _gather_impl(x, idx, axis):
    x = np.asarray(x)
    wrapped_index(idx, x.shape[axis], axis)  # np.take skips the check when x is empty; numpy indexing does not
    return np.take(x, idx, axis=axis)


gather_p = Primitive("gather")
gather_p.def_impl(_gather_impl)
gather_p.def_shape(_gather_shape)
gather_p.def_jvp(lambda g, ans, x, idx, axis: gather_p.bind(g, idx, axis=axis), None)
gather_p.def_vjp(lambda ct, ans, x, idx, axis: scatter_add_p.bind(ct, idx, axis=axis, size=_shape(x)[axis]), None)


# -- scatter_add: zeros with u added at idx (np.add.at), the adjoint of gather ---------------------------
def _scatter_add_impl(u, idx, axis, size):
    u = np.asarray(u)
    ndim = np.ndim(idx)
    out = np.zeros(u.shape[:axis] + (size,) + u.shape[axis + ndim:], u.dtype)
    np.add.at(out, _index_tuple(axis, idx), u)
    return out


def _scatter_add_shape(u, idx, axis, size):
    _check_index_dtype(idx)
    return ShapedArray(u.shape[:axis] + (size,) + u.shape[axis + idx.ndim:], u.dtype)


scatter_add_p = Primitive("scatter_add")
scatter_add_p.routes_zeros = True  # its outputs may hold zeros moved from its operands
scatter_add_p.def_impl(_scatter_add_impl)
scatter_add_p.def_shape(_scatter_add_shape)
def_linear(scatter_add_p)
scatter_add_p.def_vjp(lambda ct, ans, u, idx, axis, size: gather_p.bind(ct, idx, axis=axis), None)


# -- scatter: x with v written at idx (set: last write wins), or combined (add, multiply, min, max) ----
_UFUNC_AT = {"add": np.add, "multiply": np.multiply, "min": np.minimum, "max": np.maximum}
SCALAR_MODES = ("set", "add")  # modes whose values may be a single scalar


def _scatter_impl(x, idx, v, axis, mode):
    out = np.array(x, copy=True)
    index = _index_tuple(axis, idx)
    if mode == "set":
        out[index] = v
    else:
        _UFUNC_AT[mode].at(out, index, v)
    return out


def _scatter_shape(x, idx, v, axis, mode):
    _check_index_dtype(idx)
    target = gathered_shape(x.shape, idx.shape, axis)
    if v.shape != target and not (mode in SCALAR_MODES and v.shape == ()):
        raise ValueError(f"scatter: values of shape {v.shape} do not match the indexed shape {target}")
    return ShapedArray(x.shape, x.dtype)


def _zeros(x):
    aval = get_aval(x)
    return np.zeros(aval.shape, aval.dtype) if aval.shape else aval.dtype.type(0)


def _as_gathered(mask, x_shape, axis):
    """A mask of idx's shape, reshaped to broadcast against the gathered shape."""
    m_shape = _shape(mask)
    return reshape_p.bind(mask, new_shape=(1,) * axis + m_shape + (1,) * (len(x_shape) - axis - 1))


def wrapped_index(idx, size, axis=0):
    """idx with negative entries wrapped (concrete: numpy; traced: the index_wrap primitive)."""
    val = concrete_or_none(idx)
    if val is not None:
        val = np.asarray(val)
        bad = (val < -size) | (val >= size)
        if np.any(bad):
            raise IndexError(f"index {val[bad].flat[0]} is out of bounds for axis {axis} with size {size}")
        return np.where(val < 0, val + size, val)
    return index_wrap_p.bind(idx, size=size)


def take_along_axis(arr, ind, axis):
    """numpy.take_along_axis for indices of arr's own shape (as argsort gives them): a gather of flat positions."""
    shape = get_aval(arr).shape
    axis = axis % len(shape)
    n = shape[axis]
    if len(shape) == 1:
        return gather_p.bind(arr, ind if isinstance(ind, Tracer) else wrapped_index(ind, n), axis=0)
    strides = np.cumprod((1,) + tuple(shape[::-1]))[:-1][::-1]
    grid = np.indices(shape, sparse=True)
    base = sum(g * int(s) for k, (g, s) in enumerate(zip(grid, strides)) if k != axis) + np.zeros(shape, np.intp)
    wrapped = wrapped_index(ind, n)
    if isinstance(wrapped, np.ndarray):
        flat = base + wrapped * int(strides[axis])
    else:
        flat = add_p.bind(base, multiply_p.bind(wrapped, int(strides[axis])) if strides[axis] != 1 else wrapped)
    return gather_p.bind(reshape_p.bind(arr, new_shape=(int(np.prod(shape, dtype=np.int64)),)), flat, axis=0)


# -- sort's rules (sort_p is in reductions.py): the values gathered by argsort; the adjoint gathers by the
# inverse permutation
def _sort_jvp(g, ans, x, axis):
    return take_along_axis(g, argsort_p.bind(x, axis=axis, stable=True), axis=axis)


def _sort_vjp(ct, ans, x, axis):
    perm = argsort_p.bind(x, axis=axis, stable=True)
    return take_along_axis(ct, argsort_p.bind(perm, axis=axis, stable=True), axis=axis)


sort_p.def_jvp(_sort_jvp)
sort_p.def_vjp(_sort_vjp)


def surviving_writes(idx, size):
    """Boolean mask (idx's shape): True where a write is the last one to its position (set mode)."""
    val = concrete_or_none(idx)
    m = int(np.prod(_shape(idx), dtype=np.int64))
    order = np.arange(m, dtype=np.int64).reshape(_shape(idx))
    if val is not None:
        wrapped = wrapped_index(val, size)
        last = np.full(size, -1, np.int64)
        last[wrapped.ravel()] = order.ravel()
        return last[wrapped] == order
    winner = scatter_p.bind(np.full(size, -1, np.int64), idx, order, axis=0, mode="set")
    return equal_p.bind(gather_p.bind(winner, idx, axis=0), order)


def _scatter_set_jvp(primals, tangents, axis):
    x, idx, v = primals
    tx, _, tv = tangents
    out = scatter_p.bind(x, idx, v, axis=axis, mode="set")
    tx = _zeros(x) if tx is None else tx
    tv = np.zeros((), get_aval(tx).dtype)[()] if tv is None else tv
    return out, scatter_p.bind(tx, idx, tv, axis=axis, mode="set")


def _scatter_set_vjp(ct, ans, args, axis):
    x, idx, v = args
    x_shape = _shape(x)
    ct_x = scatter_p.bind(ct, idx, np.zeros((), get_aval(ct).dtype)[()], axis=axis, mode="set")
    ct_v = gather_p.bind(ct, idx, axis=axis)
    alive = surviving_writes(idx, x_shape[axis])
    if not (isinstance(alive, np.ndarray) and alive.all()):
        ct_v = where_p.bind(_as_gathered(alive, x_shape, axis), ct_v, 0.0)
    if _shape(v) == ():
        ct_v = reduce_sum_p.bind(ct_v, axes=tuple(range(len(_shape(ct_v))))) if _shape(ct_v) else ct_v
    return [ct_x, None, ct_v]


def exclusive_group_products(v, idx, axis, size):
    """e_k = prod of v_k' over the other writes k' != k to the same position (1 if unique).

    Formed densely (k x k' pairs, O(len(idx)**2) memory) with a product reduction whose gradient
    uses exclusive products, so zeros in v are handled exactly. None when indices are known unique.
    """
    b_shape = _shape(idx)
    m = int(np.prod(b_shape, dtype=np.int64))
    val = concrete_or_none(idx)
    if val is not None:
        flat = wrapped_index(val, size).ravel()
        if len(np.unique(flat)) == m:
            return None
        same = (flat[:, None] == flat[None, :]) & ~np.eye(m, dtype=bool)
    else:
        flat = reshape_p.bind(wrapped_index(idx, size), new_shape=(m,))
        same = logical_and_p.bind(equal_p.bind(reshape_p.bind(flat, new_shape=(m, 1)),
                                               reshape_p.bind(flat, new_shape=(1, m))), ~np.eye(m, dtype=bool))
    v_shape = _shape(v)
    pre = int(np.prod(v_shape[:axis], dtype=np.int64))
    post = int(np.prod(v_shape[axis + len(b_shape):], dtype=np.int64))
    v4 = broadcast_to_p.bind(reshape_p.bind(v, new_shape=(pre, 1, m, post)), shape=(pre, m, m, post))
    same4 = reshape_p.bind(same, new_shape=(1, m, m, 1)) if not isinstance(same, np.ndarray) else \
        same.reshape(1, m, m, 1)
    factors = where_p.bind(same4, v4, np.ones((), get_aval(v).dtype)[()])
    return reshape_p.bind(reduce_prod_p.bind(factors, axes=(2,)), new_shape=v_shape)


def _scatter_add_mode_jvp(primals, tangents, axis):
    x, idx, v = primals
    tx, _, tv = tangents
    out = scatter_p.bind(x, idx, v, axis=axis, mode="add")
    if tv is None:
        return out, tx
    return out, scatter_p.bind(_zeros(x) if tx is None else tx, idx, tv, axis=axis, mode="add")


def _scatter_add_mode_vjp(ct, ans, args, axis):
    x, idx, v = args
    ct_v = gather_p.bind(ct, idx, axis=axis)
    if _shape(v) == () and _shape(ct_v):
        ct_v = reduce_sum_p.bind(ct_v, axes=tuple(range(len(_shape(ct_v)))))
    return [ct, None, ct_v]


def _scatter_mul_jvp(primals, tangents, axis):
    x, idx, v = primals
    tx, _, tv = tangents
    out = scatter_p.bind(x, idx, v, axis=axis, mode="multiply")
    t = None if tx is None else scatter_p.bind(tx, idx, v, axis=axis, mode="multiply")
    if tv is not None:
        excl = exclusive_group_products(v, idx, axis, _shape(x)[axis])
        tv = tv if excl is None else multiply_p.bind(tv, excl)
        tv_out = multiply_p.bind(x, scatter_add_p.bind(tv, idx, axis=axis, size=_shape(x)[axis]))
        t = tv_out if t is None else add_p.bind(t, tv_out)
    return out, t


def _scatter_mul_vjp(ct, ans, args, axis):
    x, idx, v = args
    ct_x = scatter_p.bind(ct, idx, v, axis=axis, mode="multiply")
    ct_v = gather_p.bind(multiply_p.bind(ct, x), idx, axis=axis)
    excl = exclusive_group_products(v, idx, axis, _shape(x)[axis])
    return [ct_x, None, ct_v if excl is None else multiply_p.bind(ct_v, excl)]


def _extremum_shares(ans, x, idx, v, axis):
    """Which of x and the writes attain the result, and how many tie at each position (>= 1)."""
    size = _shape(x)[axis]
    hit_x = equal_p.bind(x, ans)
    hit_v = equal_p.bind(v, gather_p.bind(ans, idx, axis=axis))
    count = add_p.bind(where_p.bind(hit_x, 1.0, 0.0),
                       scatter_add_p.bind(where_p.bind(hit_v, 1.0, 0.0), idx, axis=axis, size=size))
    return hit_x, hit_v, maximum_p.bind(count, 1.0)


def _scatter_extremum_jvp(primals, tangents, axis, mode):
    x, idx, v = primals
    tx, _, tv = tangents
    out = scatter_p.bind(x, idx, v, axis=axis, mode=mode)
    hit_x, hit_v, count = _extremum_shares(out, x, idx, v, axis)
    t = 0.0
    if tx is not None:
        t = where_p.bind(hit_x, tx, 0.0)
    if tv is not None:
        t = add_p.bind(t, scatter_add_p.bind(where_p.bind(hit_v, tv, 0.0), idx, axis=axis, size=_shape(x)[axis]))
    return out, divide_p.bind(t, count)


def _scatter_extremum_vjp(ct, ans, args, axis, mode):
    x, idx, v = args
    hit_x, hit_v, count = _extremum_shares(ans, x, idx, v, axis)
    share = divide_p.bind(ct, count)
    return [where_p.bind(hit_x, share, 0.0), None, where_p.bind(hit_v, gather_p.bind(share, idx, axis=axis), 0.0)]


def _scatter_jvp(primals, tangents, axis, mode):
    if mode == "set":
        return _scatter_set_jvp(primals, tangents, axis)
    if mode == "add":
        return _scatter_add_mode_jvp(primals, tangents, axis)
    if mode == "multiply":
        return _scatter_mul_jvp(primals, tangents, axis)
    return _scatter_extremum_jvp(primals, tangents, axis, mode)


def _scatter_vjp(ct, ans, args, axis, mode):
    if mode == "set":
        return _scatter_set_vjp(ct, ans, args, axis)
    if mode == "add":
        return _scatter_add_mode_vjp(ct, ans, args, axis)
    if mode == "multiply":
        return _scatter_mul_vjp(ct, ans, args, axis)
    return _scatter_extremum_vjp(ct, ans, args, axis, mode)


scatter_p = Primitive("scatter")  # mode: "set" (last write wins, as numpy) | "add" | "multiply" | "min" | "max"
scatter_p.routes_zeros = True  # its outputs may hold zeros moved from its operands
scatter_p.def_impl(_scatter_impl)
scatter_p.def_shape(_scatter_shape)
scatter_p.def_jvp_full(_scatter_jvp)
scatter_p.def_vjp_full(_scatter_vjp)


# -- index_wrap: i + size where i < 0; IndexError outside [-size, size) (traced indices) ----------------
def _index_wrap_impl(i, size):
    i = np.asarray(i)
    bad = (i < -size) | (i >= size)
    if np.any(bad):
        raise IndexError(f"index {i[bad].flat[0]} is out of bounds for axis with size {size}")
    out = np.where(i < 0, i + size, i).astype(np.int64)
    return out if out.ndim else out[()]


index_wrap_p = Primitive("index_wrap")
index_wrap_p.def_impl(_index_wrap_impl)
index_wrap_p.def_shape(lambda i, size: ShapedArray(i.shape, np.int64))
index_wrap_p.def_nograd()
index_wrap_p.def_emit(Elementwise(lambda size: "ri.wrap_index({0}, %d)" % size))


# -- Numba code generation: one call to a (P, n, Q) helper of codegen/runtime_indexing.py --------------------
def _index_code(ctx, idx):
    return ctx.name(idx) if idx.aval.shape else f"np.full(1, {ctx.name(idx)}, np.int64)"


def _emit_gather(ctx, eqn):
    (x, idx), out = eqn.inputs, eqn.outvars[0]
    axis, name = eqn.params["axis"], ctx.name(out)
    if not idx.aval.shape:  # a scalar index: an element, or a view of the other axes
        j = ctx.tmp("j")
        ctx.line(f"{j} = ri.wrap_index({ctx.name(idx)}, {x.aval.shape[axis]})")
        ctx.line(f"{name} = {ctx.name(x)}[{', '.join([':'] * axis + [j])}]")
        return
    ctx.line(f"{name} = ri.gather({ctx.name(x)}, {ctx.name(idx)}, {pnq(x.aval.shape, axis)}, "
             f"{shape_code(out.aval.shape)})")


gather_p.def_emit(_emit_gather)


def _emit_scatter_add(ctx, eqn):
    (u, idx), out = eqn.inputs, eqn.outvars[0]
    u_code = ctx.name(u) if u.aval.shape else f"np.full(1, {ctx.name(u)})"
    ctx.line(f"{ctx.name(out)} = ri.accumulate({u_code}, {_index_code(ctx, idx)}, "
             f"{pnq(out.aval.shape, eqn.params['axis'])}, {shape_code(out.aval.shape)})")


scatter_add_p.def_emit(_emit_scatter_add)


def _emit_scatter(ctx, eqn):
    (x, idx, v), out = eqn.inputs, eqn.outvars[0]
    fn = "scatter_" + eqn.params["mode"] + ("" if v.aval.shape else "_scalar")
    ctx.line(f"{ctx.name(out)} = ri.{fn}({ctx.name(x)}, {_index_code(ctx, idx)}, {ctx.name(v)}, "
             f"{pnq(x.aval.shape, eqn.params['axis'])})")


scatter_p.def_emit(_emit_scatter)
