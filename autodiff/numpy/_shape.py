"""NumPy-named shape functions: reshape, ravel, transpose, swapaxes, moveaxis, expand_dims, squeeze,
broadcast_to, broadcast_arrays, concatenate, stack and friends."""
import numpy as np

from ..primitives import shape as sp
from . import _util


def reshape(a, newshape=None, order="C", *, shape=None):
    """numpy.reshape (C order only)."""
    if shape is not None:
        newshape = shape
    if order != "C":
        raise NotImplementedError("reshape supports order='C' only")
    old = _util.shape(a)
    if isinstance(newshape, (int, np.integer)):
        newshape = (int(newshape),)
    newshape = tuple(int(d) for d in newshape)
    new = tuple(np.empty(old, dtype=np.bool_).reshape(newshape).shape) if -1 in newshape else newshape
    if int(np.prod(new, dtype=np.int64)) != int(np.prod(old, dtype=np.int64)):
        raise ValueError(f"cannot reshape array of size {int(np.prod(old))} into shape {newshape}")
    if new == old:
        return a
    return sp.reshape_p.bind(a, new_shape=new)


def ravel(a, order="C"):
    return reshape(a, (-1,))


def transpose(a, axes=None):
    """numpy.transpose."""
    nd = _util.ndim(a)
    perm = tuple(reversed(range(nd))) if axes is None else tuple(_util.normalize_axis(int(x), nd) for x in axes)
    if sorted(perm) != list(range(nd)):
        raise ValueError("axes don't match array")
    if perm == tuple(range(nd)):
        return a
    return sp.transpose_p.bind(a, perm=perm)


def swapaxes(a, axis1, axis2):
    nd = _util.ndim(a)
    perm = list(range(nd))
    i, j = _util.normalize_axis(axis1, nd), _util.normalize_axis(axis2, nd)
    perm[i], perm[j] = perm[j], perm[i]
    return transpose(a, perm)


def moveaxis(a, source, destination):
    """numpy.moveaxis."""
    nd = _util.ndim(a)
    src = [source] if isinstance(source, (int, np.integer)) else list(source)
    dst = [destination] if isinstance(destination, (int, np.integer)) else list(destination)
    src = [_util.normalize_axis(s, nd) for s in src]
    dst = [_util.normalize_axis(d, nd) for d in dst]
    order = [n for n in range(nd) if n not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose(a, order)


def expand_dims(a, axis):
    """numpy.expand_dims (axis may be a tuple)."""
    shape = list(_util.shape(a))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    nd = len(shape) + len(axes)
    for ax in sorted(_util.normalize_axis(x, nd) for x in axes):
        shape.insert(ax, 1)
    return reshape(a, tuple(shape))


def squeeze(a, axis=None):
    """numpy.squeeze."""
    shape = _util.shape(a)
    if axis is None:
        axes = [i for i, d in enumerate(shape) if d == 1]
    else:
        axes = _util.normalize_axes(axis, len(shape))
        for i in axes:
            if shape[i] != 1:
                raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
    return reshape(a, tuple(d for i, d in enumerate(shape) if i not in axes))


def atleast_1d(a):
    return reshape(a, (1,)) if _util.ndim(a) == 0 else a


def atleast_2d(a):
    nd = _util.ndim(a)
    return reshape(a, (1,) * (2 - nd) + _util.shape(a)) if nd < 2 else a


def broadcast_to(array, shape):
    """numpy.broadcast_to."""
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(d) for d in shape)
    old = _util.shape(array)
    if old == shape:
        return array
    np.broadcast_shapes(old, shape)  # raises the numpy error for incompatible shapes
    if tuple(np.broadcast_shapes(old, shape)) != shape:
        raise ValueError(f"cannot broadcast shape {old} to {shape}")
    return sp.broadcast_to_p.bind(array, shape=shape)


def broadcast_arrays(*args):
    shape = np.broadcast_shapes(*[_util.shape(a) for a in args])
    return [broadcast_to(a, shape) for a in args]


broadcast_shapes = np.broadcast_shapes


def concatenate(arrays, axis=0):
    """numpy.concatenate (axis=None flattens first)."""
    arrays = list(arrays)
    if axis is None:
        arrays = [ravel(a) for a in arrays]
        axis = 0
    nd = _util.ndim(arrays[0])
    if nd == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    axis = _util.normalize_axis(axis, nd)
    for a in arrays:
        s = _util.shape(a)
        if len(s) != nd or any(d != e for i, (d, e) in enumerate(zip(s, _util.shape(arrays[0]))) if i != axis):
            raise ValueError("all the input array dimensions except for the concatenation axis must match "
                             f"exactly; got shapes {[ _util.shape(x) for x in arrays]}")
    if len(arrays) == 1:
        return arrays[0]
    return sp.concatenate_p.bind(*arrays, axis=axis)


def stack(arrays, axis=0):
    """numpy.stack."""
    arrays = list(arrays)
    shapes = {_util.shape(a) for a in arrays}
    if len(shapes) != 1:
        raise ValueError("all input arrays must have the same shape")
    nd = _util.ndim(arrays[0]) + 1
    axis = _util.normalize_axis(axis, nd)
    return concatenate([expand_dims(a, axis) for a in arrays], axis=axis)


def hstack(tup):
    arrs = [atleast_1d(a) for a in tup]
    return concatenate(arrs, axis=0 if _util.ndim(arrs[0]) == 1 else 1)


def vstack(tup):
    return concatenate([atleast_2d(a) for a in tup], axis=0)


def column_stack(tup):
    return concatenate([reshape(a, (-1, 1)) if _util.ndim(a) == 1 else a for a in tup], axis=1)


__all__ = ["reshape", "ravel", "transpose", "swapaxes", "moveaxis", "expand_dims", "squeeze", "atleast_1d",
           "atleast_2d", "broadcast_to", "broadcast_arrays", "broadcast_shapes", "concatenate", "stack",
           "hstack", "vstack", "column_stack"]
