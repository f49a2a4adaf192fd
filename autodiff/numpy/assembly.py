"""Building arrays from parts and functional writes: copy, block, insert, put_along_axis, fill_diagonal, diagflat.

Positions are worked out by NumPy itself on integer labels wherever the result's shape is fixed by
concrete arguments (insert labels every entry of `arr` and `values`, lets numpy.insert place the
labels, then gathers), so NumPy's rules for obj, broadcasting and axis hold exactly, and the result
is a gather, differentiable in every value.

NumPy's put_along_axis and fill_diagonal write into their argument; autodiff arrays are immutable,
so these follow JAX's functional forms: `put_along_axis(arr, indices, values, axis, inplace=False)`
and `fill_diagonal(a, val, wrap=False, inplace=False)` return the updated array and leave `arr`/`a`
untouched (inplace=True raises).
"""
import numpy as np

from ..core import Tracer, concrete_or_none
from . import _util
from ._creation import asarray
from ._elementwise import astype
from ._shape import concatenate, ravel, reshape
from .indexing import at
from .contractions import diag
from .manipulation import take


def _arr(a):
    return a if isinstance(a, (np.ndarray, Tracer)) else asarray(a)


def copy(a, order="K", subok=False):
    """numpy.copy: a new array with a's values (traced values are immutable, so under a transform this is `a`)."""
    if isinstance(a, Tracer):
        return a
    return np.array(a, order=order, subok=subok, copy=True)


def _block_depth(arrays, index=()):
    if isinstance(arrays, tuple):
        raise TypeError(f"arrays{''.join(f'[{i}]' for i in index)} is a tuple. Only lists can be used to arrange "
                        "blocks, and np.block does not allow implicit conversion from tuple to ndarray.")
    if not isinstance(arrays, list):
        return 0, _util.ndim(_arr(arrays))
    if not arrays:
        raise ValueError(f"List at arrays{''.join(f'[{i}]' for i in index)} cannot be empty")
    parts = [_block_depth(x, index + (i,)) for i, x in enumerate(arrays)]
    if len({d for d, _ in parts}) > 1:
        raise ValueError("List depths are mismatched. First element was at depth "
                         f"{parts[0][0] + len(index) + 1}, but there is an element at a different depth")
    return parts[0][0] + 1, max(n for _, n in parts)


def _block(arrays, depth, nd):
    if depth == 0:
        a = _arr(arrays)
        return reshape(a, (1,) * (nd - _util.ndim(a)) + _util.shape(a))
    return concatenate([_block(x, depth - 1, nd) for x in arrays], axis=-depth)


def block(arrays):
    """numpy.block: assemble an array from nested lists of blocks (innermost lists join along the last axis)."""
    depth, nd = _block_depth(arrays)
    return _block(arrays, depth, max(depth, nd))


def insert(arr, obj, values, axis=None):
    """numpy.insert: values inserted before the index or indices obj along axis (None: into the flattened arr).

    obj must be concrete (it fixes the result's shape); arr and values may be traced, and the result is
    differentiable in both. values are cast to arr's dtype, as in NumPy.
    """
    arr, values = _arr(arr), _arr(values)
    obj_val = concrete_or_none(obj)
    if obj_val is None:
        raise TypeError("insert(obj=...): the insertion positions fix the shape of the result, so they must be "
                        "concrete (not traced under jit)")
    size = int(np.prod(_util.shape(arr), dtype=np.int64))
    labels = np.arange(size).reshape(_util.shape(arr))
    value_labels = size + np.arange(int(np.prod(_util.shape(values), dtype=np.int64))).reshape(_util.shape(values))
    placed = np.insert(labels, obj_val if not isinstance(obj_val, np.ndarray) or obj_val.ndim else obj_val[()],
                       value_labels, axis=axis)
    both = concatenate([ravel(arr), ravel(astype(values, _util.dtype(arr)))])
    return take(both, placed)


def _no_inplace(name, inplace):
    if inplace:
        raise ValueError(f"numpy.{name} modifies its argument in place, which autodiff arrays cannot do: call "
                         f"{name}(..., inplace=False) and use the array it returns")


def put_along_axis(arr, indices, values, axis, inplace=False):
    """numpy.put_along_axis, functionally (JAX's form): a copy of arr with arr[..., indices, ...] = values.

    indices may be traced; values broadcast against indices. With repeated indices the last write wins.
    """
    _no_inplace("put_along_axis", inplace)
    arr = _arr(arr)
    shape = _util.shape(arr)
    if axis is None:
        if _util.ndim(indices) != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        return reshape(at(ravel(arr))[indices].set(values), shape)
    nd = len(shape)
    axis = _util.normalize_axis(axis, nd)
    if _util.ndim(indices) != nd:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    index = tuple(indices if d == axis else np.arange(n).reshape((1,) * d + (n,) + (1,) * (nd - d - 1))
                  for d, n in enumerate(shape))
    return at(arr)[index].set(values)


def fill_diagonal(a, val, wrap=False, inplace=False):
    """numpy.fill_diagonal, functionally (JAX's form): a copy of a with its main diagonal set to val.

    As in NumPy: a 2-D a may be rectangular (wrap=True restarts the diagonal below a tall matrix every
    N + 1 rows); higher-dimensional a must have equal dimensions; val is repeated cyclically along the
    diagonal. Differentiable in a (off the diagonal) and in val.
    """
    _no_inplace("fill_diagonal", inplace)
    a = _arr(a)
    shape = _util.shape(a)
    if len(shape) < 2:
        raise ValueError("array must be at least 2-d")
    end = None
    if len(shape) == 2:
        step = shape[1] + 1
        if not wrap:
            end = shape[1] * shape[1]
    else:
        if not np.all(np.diff(shape) == 0):
            raise ValueError("All dimensions of input must be of equal length")
        step = 1 + int(np.cumprod(shape[:-1]).sum())
    positions = np.arange(int(np.prod(shape, dtype=np.int64)))[:end:step]
    val = ravel(astype(_arr(val), _util.dtype(a)))
    n_val = _util.shape(val)[0]
    if n_val == 0:
        return a
    vals = take(val, np.arange(len(positions)) % n_val)
    return reshape(at(ravel(a))[positions].set(vals), shape)


def diagflat(v, k=0):
    """numpy.diagflat: a 2-D array with the flattened v on diagonal k."""
    return diag(ravel(_arr(v)), k)


__all__ = ["copy", "block", "insert", "put_along_axis", "fill_diagonal", "diagflat"]
