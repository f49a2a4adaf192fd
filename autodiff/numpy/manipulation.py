"""NumPy-named shape and selection functions: split, stack, tile, repeat, flip, roll, pad, meshgrid, sort, take, select.

All are built from the shape, gather and sort primitives, so each is differentiable to any order
and compiles under jit. Arguments that fix a result's shape (split points, repeats, pad widths,
shifts, masks for compress) must be concrete; index arrays may be traced.
"""
import numpy as np

from ..core import Tracer, concrete_or_none
from ..primitives import indexing as ix
from ..primitives import reductions as red
from ..primitives.shape import rev_p
from . import _util
from ._creation import asarray, full
from ._elementwise import add, clip, mod, multiply, where
from ._products import matmul
from ._shape import (broadcast_arrays, broadcast_to, concatenate, expand_dims, moveaxis, ravel, reshape, transpose,
                     vstack)
from .indexing import getitem


def _arr(a):
    return a if isinstance(a, (np.ndarray, Tracer)) else asarray(a)


def _concrete(x, what):
    val = concrete_or_none(x)
    if val is None:
        raise TypeError(f"{what} fixes the shape of the result, so it must be concrete (not traced under jit)")
    return val


def _axis_index(nd, axis, index):
    return (slice(None),) * axis + (index,) + (slice(None),) * (nd - axis - 1)


# -- splitting -----------------------------------------------------------------------------------------------
def array_split(ary, indices_or_sections, axis=0):
    """numpy.array_split: a list of sub-arrays (views in numpy, slices here); sections may be unequal."""
    ary = _arr(ary)
    nd = _util.ndim(ary)
    axis = _util.normalize_axis(axis, nd)
    total = _util.shape(ary)[axis]
    sections = _concrete(indices_or_sections, "indices_or_sections")
    if np.ndim(sections) == 0:
        n = int(sections)
        if n <= 0:
            raise ValueError("number sections must be larger than 0.")
        each, extras = divmod(total, n)
        points = np.cumsum([0] + extras * [each + 1] + (n - extras) * [each]).tolist()
    else:
        points = [0] + [int(i) for i in sections] + [total]
    return [getitem(ary, _axis_index(nd, axis, slice(points[i], points[i + 1]))) for i in range(len(points) - 1)]


def split(ary, indices_or_sections, axis=0):
    """numpy.split: like array_split, but an integer number of sections must divide the axis evenly."""
    sections = _concrete(indices_or_sections, "indices_or_sections")
    if np.ndim(sections) == 0:
        ary = _arr(ary)
        if _util.shape(ary)[_util.normalize_axis(axis, _util.ndim(ary))] % int(sections):
            raise ValueError("array split does not result in an equal division")
    return array_split(ary, sections, axis)


def hsplit(ary, indices_or_sections):
    """numpy.hsplit: split along axis 1 (axis 0 for 1-D arrays)."""
    nd = _util.ndim(_arr(ary))
    if nd == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(ary, indices_or_sections, 1 if nd > 1 else 0)


def vsplit(ary, indices_or_sections):
    """numpy.vsplit: split along axis 0 (arrays of 2 or more dimensions)."""
    if _util.ndim(_arr(ary)) < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(ary, indices_or_sections, 0)


def dsplit(ary, indices_or_sections):
    """numpy.dsplit: split along axis 2 (arrays of 3 or more dimensions)."""
    if _util.ndim(_arr(ary)) < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(ary, indices_or_sections, 2)


def unstack(x, /, *, axis=0):
    """numpy.unstack: a tuple of the slices along `axis`."""
    x = _arr(x)
    nd = _util.ndim(x)
    if nd == 0:
        raise ValueError("Input array must be at least 1-d.")
    axis = _util.normalize_axis(axis, nd)
    return tuple(getitem(x, _axis_index(nd, axis, i)) for i in range(_util.shape(x)[axis]))


# -- stacking -----------------------------------------------------------------------------------------------
def atleast_3d(*arys):
    """numpy.atleast_3d: 0-d -> (1, 1, 1), (N,) -> (1, N, 1), (M, N) -> (M, N, 1)."""
    res = []
    for a in arys:
        a = _arr(a)
        s = _util.shape(a)
        res.append(reshape(a, {0: (1, 1, 1), 1: (1,) + s + (1,), 2: s + (1,)}.get(len(s), s)))
    return res[0] if len(res) == 1 else tuple(res)


def dstack(tup):
    """numpy.dstack: concatenate along the third axis after atleast_3d."""
    return concatenate([atleast_3d(a) for a in tup], axis=2)


row_stack = vstack


# -- repetition -----------------------------------------------------------------------------------------------
def tile(A, reps):
    """numpy.tile: broadcast A over interleaved repeat axes, then merge them."""
    A = _arr(A)
    reps = tuple(int(r) for r in np.atleast_1d(_concrete(reps, "reps")))
    shape = _util.shape(A)
    nd = max(len(reps), len(shape))
    shape, reps = (1,) * (nd - len(shape)) + shape, (1,) * (nd - len(reps)) + reps
    if any(r < 0 for r in reps):
        raise ValueError("negative dimensions are not allowed")
    x = reshape(A, tuple(d for s in shape for d in (1, s)))
    x = broadcast_to(x, tuple(d for r, s in zip(reps, shape) for d in (r, s)))
    return reshape(x, tuple(r * s for r, s in zip(reps, shape)))


def repeat(a, repeats, axis=None):
    """numpy.repeat: `repeats` an int (broadcast and merge) or one count per element (a gather)."""
    a = _arr(a)
    if axis is None:
        a, axis = ravel(a), 0
    shape = _util.shape(a)
    axis = _util.normalize_axis(axis, len(shape))
    r = np.asarray(_concrete(repeats, "repeats"))
    if r.dtype.kind not in "iub":
        raise TypeError("Cannot cast array data from dtype('float64') to dtype('int64') according to the rule 'safe'")
    if np.any(r < 0):
        raise ValueError("repeats may not contain negative values.")
    n = shape[axis]
    if r.size == 1:
        k = int(r.reshape(()))
        x = broadcast_to(expand_dims(a, axis + 1), shape[:axis + 1] + (k,) + shape[axis + 1:])
        return reshape(x, shape[:axis] + (n * k,) + shape[axis + 1:])
    if r.shape != (n,):
        raise ValueError(f"operands could not be broadcast together with shape ({n},) {r.shape}")
    return ix.gather_p.bind(a, np.repeat(np.arange(n, dtype=np.intp), r), axis=axis)


# -- reversal and rotation ----------------------------------------------------------------------------------
def flip(m, axis=None):
    """numpy.flip: reverse the order of elements along `axis` (None: all axes)."""
    m = _arr(m)
    axes = _util.normalize_axes(axis, _util.ndim(m))
    return rev_p.bind(m, axes=axes) if axes else m


def fliplr(m):
    """numpy.fliplr: reverse axis 1."""
    if _util.ndim(_arr(m)) < 2:
        raise ValueError("Input must be >= 2-d.")
    return flip(m, 1)


def flipud(m):
    """numpy.flipud: reverse axis 0."""
    if _util.ndim(_arr(m)) < 1:
        raise ValueError("Input must be >= 1-d.")
    return flip(m, 0)


def rot90(m, k=1, axes=(0, 1)):
    """numpy.rot90: rotate by 90 degrees k times in the plane of `axes` (flips and a transpose)."""
    m = _arr(m)
    nd = _util.ndim(m)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    if axes[0] == axes[1] or abs(axes[0] - axes[1]) == nd:
        raise ValueError("Axes must be different.")
    if not all(-nd <= a < nd for a in axes):
        raise ValueError(f"Axes={axes} out of range for array of ndim={nd}.")
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, axes[0]), axes[1])
    perm = list(range(nd))
    perm[axes[0]], perm[axes[1]] = perm[axes[1]], perm[axes[0]]
    return transpose(flip(m, axes[1]), perm) if k == 1 else flip(transpose(m, perm), axes[1])


def roll(a, shift, axis=None):
    """numpy.roll: elements shifted cyclically along `axis` (None: the flattened array); shifts are static."""
    a = _arr(a)
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), _util.shape(a))
    shape = _util.shape(a)
    pairs = np.broadcast(np.asarray(_concrete(shift, "shift")), np.asarray(axis))
    if pairs.ndim > 1:
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences")
    shifts = {}
    for s, ax in pairs:
        ax = _util.normalize_axis(int(ax), len(shape))
        shifts[ax] = shifts.get(ax, 0) + int(s)
    for ax, s in shifts.items():
        n = shape[ax]
        s = s % n if n else 0
        if s:
            a = concatenate([getitem(a, _axis_index(len(shape), ax, slice(n - s, n))),
                             getitem(a, _axis_index(len(shape), ax, slice(0, n - s)))], axis=ax)
    return a


# -- padding -------------------------------------------------------------------------------------------------
def _as_pairs(x, nd, as_index):
    """numpy.pad's normalisation of pad_width / constant_values to one (before, after) pair per axis."""
    x = np.asarray(x)
    if as_index:
        if x.dtype.kind not in "iu":
            raise TypeError("`pad_width` must be of integral type.")
        if np.any(x < 0):
            raise ValueError("index can't contain negative values")
    if x.size == 1:
        x = x.ravel()
        return [(x[0], x[0])] * nd
    if x.size == 2 and x.shape != (2, 1):
        x = x.ravel()
        return [(x[0], x[1])] * nd
    return np.broadcast_to(x, (nd, 2)).tolist()


_PAD_INDEX_MODES = ("edge", "reflect", "symmetric", "wrap")


def pad(array, pad_width, mode="constant", **kwargs):
    """numpy.pad for modes 'constant' (constant_values), 'edge', 'reflect', 'symmetric', 'wrap' and 'empty'.

    Index modes gather along each axis with `np.pad(np.arange(n), ...)` as the index, so they follow
    numpy exactly; reflect_type='odd' multiplies by `np.pad(np.eye(n), ...)`, numpy's padding of the
    identity. Constant padding concatenates constant slabs axis by axis.
    """
    array = _arr(array)
    shape = list(_util.shape(array))
    widths = [(int(b), int(c)) for b, c in _as_pairs(_concrete(pad_width, "pad_width"), len(shape), True)]
    if mode in ("constant", "empty"):
        values = kwargs.pop("constant_values", 0) if mode == "constant" else 0
        if kwargs:
            raise ValueError(f"unsupported keyword arguments for mode '{mode}': {set(kwargs)}")
        pairs = _as_pairs(values, len(shape), False) if concrete_or_none(values) is not None else \
            [(values, values)] * len(shape)
        out, dtype = array, _util.dtype(array)
        for ax, ((b, c), (vb, vc)) in enumerate(zip(widths, pairs)):
            slabs = [full(tuple(shape[:ax]) + (w,) + tuple(shape[ax + 1:]), v, dtype) for w, v in ((b, vb), (c, vc))]
            out = concatenate([p for p, w in zip([slabs[0], out, slabs[1]], (b, 1, c)) if w], axis=ax)
            shape[ax] += b + c
        return out
    if mode not in _PAD_INDEX_MODES:
        raise NotImplementedError(f"pad mode {mode!r} is not supported (use one of 'constant', 'empty', "
                                  f"{', '.join(repr(m) for m in _PAD_INDEX_MODES)})")
    odd = kwargs.get("reflect_type", "even") == "odd"
    out = array
    for ax, (b, c) in enumerate(widths):
        if not (b or c):
            continue
        n = shape[ax]
        if odd:  # odd reflection is linear but not a selection: apply numpy's padding of the identity
            rows = np.pad(np.eye(n), ((b, c), (0, 0)), mode=mode, **kwargs)
            out = moveaxis(matmul(moveaxis(out, ax, -1), rows.T), -1, ax)
        else:
            out = ix.gather_p.bind(out, np.pad(np.arange(n, dtype=np.intp), (b, c), mode=mode, **kwargs), axis=ax)
        shape[ax] += b + c
    return out


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """numpy.meshgrid: coordinate arrays (a tuple), by reshape and broadcast; traced inputs allowed."""
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    if all(concrete_or_none(x) is not None and not isinstance(x, Tracer) for x in xi):
        return tuple(np.meshgrid(*xi, copy=copy, sparse=sparse, indexing=indexing))
    nd = len(xi)
    ones = (1,) * nd
    out = [reshape(_arr(x), ones[:i] + (-1,) + ones[i + 1:]) for i, x in enumerate(xi)]
    if indexing == "xy" and nd > 1:
        out[0] = reshape(out[0], (1, -1) + ones[2:])
        out[1] = reshape(out[1], (-1, 1) + ones[2:])
    return tuple(out) if sparse else tuple(broadcast_arrays(*out))


# -- sorting and gathering ----------------------------------------------------------------------------------
def _sort_axis(a, axis):
    if axis is None:
        return ravel(a), 0
    return a, _util.normalize_axis(axis, _util.ndim(a))


def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """numpy.sort (axis=None flattens); the gradient gathers by the sorting permutation."""
    if order is not None:
        raise NotImplementedError("sort(order=...) of structured arrays is not supported")
    a, axis = _sort_axis(_arr(a), axis)
    return red.sort_p.bind(a, axis=axis)


def argsort(a, axis=-1, kind=None, order=None, *, stable=None):
    """numpy.argsort (integer result, no gradient); kind='stable' or stable=True keeps ties in order."""
    if order is not None:
        raise NotImplementedError("argsort(order=...) of structured arrays is not supported")
    if kind is not None and stable is not None:
        raise ValueError("`kind` and `stable` parameters can't be provided at the same time. Use only one of them.")
    a, axis = _sort_axis(_arr(a), axis)
    return red.argsort_p.bind(a, axis=axis, stable=bool(stable) or kind in ("stable", "mergesort"))


def _index_array(indices):
    if isinstance(indices, Tracer):
        val = concrete_or_none(indices)
        indices = indices if val is None else val
    if not isinstance(indices, Tracer):
        indices = np.asarray(indices)
        if indices.dtype.kind not in "iu" and not (indices.dtype.kind == "f" and indices.size == 0):
            raise TypeError("Cannot cast array data from dtype('float64') to dtype('int64') according to the rule "
                            "'safe'")
        indices = indices.astype(np.intp)
    elif _util.dtype(indices).kind not in "iu":
        raise TypeError("indices must be integers")
    return indices


def take(a, indices, axis=None, out=None, mode="raise"):
    """numpy.take: elements of `a` at `indices` along `axis` (None: the flattened array).

    mode='raise' (default) wraps negative indices and raises IndexError out of range; 'wrap' takes
    indices modulo the axis length; 'clip' clips them into range. Repeated indices get summed gradients.
    """
    if out is not None:
        raise TypeError("out= is not supported: autodiff arrays are immutable, use the return value")
    a = _arr(a)
    if axis is None:
        a, axis = ravel(a), 0
    axis = _util.normalize_axis(axis, _util.ndim(a))
    n = _util.shape(a)[axis]
    ind = _index_array(indices)
    if mode == "wrap":
        ind = np.mod(ind, n) if isinstance(ind, np.ndarray) else mod(ind, n)
    elif mode == "clip":
        ind = np.clip(ind, 0, n - 1) if isinstance(ind, np.ndarray) else clip(ind, 0, n - 1)
    elif mode != "raise":
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    if isinstance(ind, np.ndarray):
        ind = ix.wrapped_index(ind, n, axis).astype(np.intp)
        ind = ind if ind.ndim else ind[()]
    return ix.gather_p.bind(a, ind, axis=axis)


def take_along_axis(arr, indices, axis=-1):
    """numpy.take_along_axis: out[..., j, ...] = arr[..., indices[..., j, ...], ...] (a gather of flat positions)."""
    arr = _arr(arr)
    ind = _index_array(indices)
    if axis is None:
        if _util.ndim(ind) != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        arr, axis = ravel(arr), 0
    nd = _util.ndim(arr)
    axis = _util.normalize_axis(axis, nd)
    if _util.ndim(ind) != nd:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    n = _util.shape(arr)[axis]
    if nd == 1:
        return ix.gather_p.bind(arr, ind if isinstance(ind, Tracer) else ix.wrapped_index(ind, n), axis=0)
    a_shape, i_shape = _util.shape(arr), _util.shape(ind)
    common = [d if k == axis else np.broadcast_shapes((d,), (e,))[0] for k, (d, e) in enumerate(zip(a_shape, i_shape))]
    arr = broadcast_to(arr, tuple(common))
    out_shape = tuple(i_shape[k] if k == axis else d for k, d in enumerate(common))
    ind = broadcast_to(ind, out_shape) if _util.shape(ind) != out_shape else ind
    strides = np.cumprod((1,) + tuple(common[::-1]))[:-1][::-1]
    grid = np.indices(out_shape, sparse=True)
    base = sum(g * int(s) for k, (g, s) in enumerate(zip(grid, strides)) if k != axis) + np.zeros(out_shape, np.intp)
    wrapped = ix.wrapped_index(ind, n)
    if isinstance(wrapped, np.ndarray):
        flat = base + wrapped * int(strides[axis])
    else:
        flat = add(base, multiply(wrapped, int(strides[axis])) if strides[axis] != 1 else wrapped)
    return ix.gather_p.bind(ravel(arr), flat, axis=0)


# -- selection by conditions --------------------------------------------------------------------------------
def select(condlist, choicelist, default=0):
    """numpy.select: the choice of the first true condition, else default (a chain of where)."""
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if len(condlist) == 0:
        raise ValueError("select with an empty condition list is not possible")
    for i, c in enumerate(condlist):
        if _util.dtype(c) != np.bool_:
            raise TypeError(f"invalid entry {i} in condlist: should be boolean ndarray")
    out = default
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = where(cond, choice, out)
    return broadcast_to(out, np.broadcast_shapes(*[_util.shape(x) for x in list(condlist) + list(choicelist)]
                                                 + [_util.shape(default)]))


def _concrete_mask(condition, name):
    val = concrete_or_none(condition)
    if val is None:
        raise TypeError(f"{name} with a traced condition has a data-dependent shape, which jit cannot compile; "
                        "use anp.where(condition, x, 0) instead")
    return np.asarray(val)


def compress(condition, a, axis=None, out=None):
    """numpy.compress: the slices along `axis` where the (concrete) condition is true."""
    cond = _concrete_mask(condition, "compress").ravel().astype(bool)
    return take(a, np.flatnonzero(cond), axis=axis, out=out)


def extract(condition, arr):
    """numpy.extract: ravel(arr)[ravel(condition)] for a concrete condition."""
    return take(ravel(_arr(arr)), np.flatnonzero(_concrete_mask(condition, "extract").ravel()), axis=0)


def nonzero(a):
    """numpy.nonzero of a concrete array (the result's shape depends on the values)."""
    return np.nonzero(_concrete_mask(a, "nonzero"))


def flatnonzero(a):
    """numpy.flatnonzero of a concrete array."""
    return np.flatnonzero(_concrete_mask(a, "flatnonzero"))


def argwhere(a):
    """numpy.argwhere of a concrete array."""
    return np.argwhere(_concrete_mask(a, "argwhere"))


def delete(arr, obj, axis=None):
    """numpy.delete with a concrete obj (int, slice, index array or boolean mask): a gather of the rest."""
    arr = _arr(arr)
    if axis is None:
        arr, axis = ravel(arr), 0
    axis = _util.normalize_axis(axis, _util.ndim(arr))
    n = _util.shape(arr)[axis]
    keep = np.ones(n, bool)
    obj = obj if isinstance(obj, slice) else np.asarray(_concrete(obj, "obj"))
    if not isinstance(obj, slice) and obj.dtype.kind == "b":
        if obj.shape != (n,):
            raise ValueError(f"boolean array argument obj to delete must be one dimensional and match the axis "
                             f"length of {n}")
        keep = ~obj
    else:
        keep[obj] = False
    return ix.gather_p.bind(arr, np.flatnonzero(keep), axis=axis)


def append(arr, values, axis=None):
    """numpy.append: concatenate (flattened when axis is None)."""
    arr, values = _arr(arr), _arr(values)
    if axis is None:
        return concatenate([ravel(arr), ravel(values)], axis=0)
    return concatenate([arr, values], axis=axis)


def ix_(*args):
    """numpy.ix_: open-mesh index arrays (traced integer arrays allowed)."""
    out = []
    nd = len(args)
    for k, a in enumerate(args):
        a = _index_array(a) if _util.dtype(_arr(a)).kind != "b" else np.flatnonzero(_concrete_mask(a, "ix_"))
        if _util.ndim(a) != 1:
            raise ValueError("Cross index must be 1 dimensional")
        out.append(reshape(a, (1,) * k + (-1,) + (1,) * (nd - k - 1)))
    return tuple(out)


def diag_indices_from(arr):
    """numpy.diag_indices_from (only the shape of arr is used)."""
    shape = _util.shape(arr)
    if len(shape) < 2:
        raise ValueError("input array must be at least 2-d")
    if len(set(shape)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    return np.diag_indices(shape[0], len(shape))


def tril_indices_from(arr, k=0):
    """numpy.tril_indices_from (only the shape of arr is used)."""
    shape = _util.shape(arr)
    if len(shape) != 2:
        raise ValueError("input array must be 2-d")
    return np.tril_indices(shape[-2], k=k, m=shape[-1])


def triu_indices_from(arr, k=0):
    """numpy.triu_indices_from (only the shape of arr is used)."""
    shape = _util.shape(arr)
    if len(shape) != 2:
        raise ValueError("input array must be 2-d")
    return np.triu_indices(shape[-2], k=k, m=shape[-1])


# index constructors that depend only on shapes: numpy's own
tril_indices, triu_indices, diag_indices = np.tril_indices, np.triu_indices, np.diag_indices
indices, unravel_index, ravel_multi_index = np.indices, np.unravel_index, np.ravel_multi_index

__all__ = ["split", "array_split", "hsplit", "vsplit", "dsplit", "unstack", "tile", "repeat", "flip", "fliplr",
           "flipud", "rot90", "roll", "pad", "meshgrid", "sort", "argsort", "take", "take_along_axis", "select",
           "compress", "extract", "nonzero", "flatnonzero", "argwhere", "delete", "append", "ix_",
           "diag_indices_from", "tril_indices_from", "triu_indices_from", "tril_indices", "triu_indices",
           "diag_indices", "indices", "unravel_index", "ravel_multi_index", "atleast_3d", "dstack", "row_stack"]
