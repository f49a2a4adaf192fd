"""Advanced indexing with NumPy's rules (integer arrays, boolean masks, traced indices) and x.at[idx].

Every index is reduced to one gather along one axis:

* a single integer array (or traced integer) with only full slices around it, `x[..., g, :]`,
  gathers along that axis directly (`z[g]` in a hierarchical model is one loop);
* anything else gathers from `ravel(x)` with a map of flat positions. NumPy computes that map
  itself, `np.arange(x.size).reshape(x.shape)[idx]`, so shapes, the placement of the advanced
  axes, boolean masks, negative indices and IndexErrors are NumPy's own. Traced integer
  indices enter that computation as zeros, and their contribution `i * stride` is added to
  the map with primitives, at the position NumPy gives the broadcast advanced axes.

Updates `x.at[idx].set/add/multiply/min/max(v)` scatter through the same plan and return a new
array. With repeated indices, add, multiply, min and max accumulate (numpy's ufunc.at); set
keeps the last write (numpy's assignment), and only that write receives a gradient.
"""
import numpy as np

from ..core import Tracer, concrete_or_none
from ..primitives import indexing as ix
from . import _util
from ._creation import asarray
from ._elementwise import add, astype, multiply
from ._shape import broadcast_shapes, broadcast_to, reshape
from .basic_indexing import basic_getitem, is_basic

_VALID = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean "
          "arrays are valid indices")


class Plan:
    """How to index: gather from `source` (x, or ravel(x)) with `index` along `axis`."""

    def __init__(self, flat, axis, index):
        self.flat, self.axis, self.index = flat, axis, index

    def source(self, x):
        return reshape(x, (-1,)) if self.flat else x

    def target_shape(self, x_shape):
        shape = (int(np.prod(x_shape, dtype=np.int64)),) if self.flat else x_shape
        return ix.gathered_shape(shape, _util.shape(self.index), self.axis)


def _entry(i):
    """Normalise one index entry: Python scalars and slices stay, sequences and arrays become arrays."""
    if i is None or i is Ellipsis or isinstance(i, slice):
        return i
    if isinstance(i, (bool, np.bool_)):
        return np.asarray(i)
    if isinstance(i, (int, np.integer)):
        return int(i)
    if isinstance(i, Tracer):
        val = concrete_or_none(i)
        if val is not None:
            return _entry(np.asarray(val))
        if i.dtype.kind == "b":
            raise IndexError(
                "boolean mask indexing x[mask] with a traced mask is not possible under jit: the result's shape "
                "depends on the mask's values. Use anp.where(mask, x, 0) (or multiply by the mask) and reduce, "
                "or pass the mask as a concrete (closed-over) array.")
        if i.dtype.kind not in "iu":
            raise IndexError(_VALID)
        return i
    if isinstance(i, (list, tuple)):
        arr = asarray(i)
        if isinstance(arr, np.ndarray) and arr.size == 0:
            arr = arr.astype(np.intp)
        return _entry(arr)
    arr = np.asarray(i)
    if arr.dtype.kind not in "iub":
        raise IndexError(_VALID)
    return arr


def _is_array(i):
    return isinstance(i, (np.ndarray, Tracer))


def plan(x_shape, idx):
    """The gather Plan of x[idx] for an array of shape x_shape (idx: an index tuple)."""
    idx = tuple(_entry(i) for i in idx)
    nd = len(x_shape)
    if sum(i is Ellipsis for i in idx) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    fast = _single_axis(x_shape, idx)
    if fast is not None:
        return fast
    traced = [k for k, i in enumerate(idx) if isinstance(i, Tracer)]
    probe = tuple(np.zeros(i.shape, np.intp) if isinstance(i, Tracer) else i for i in idx)
    base = np.arange(int(np.prod(x_shape, dtype=np.int64)), dtype=np.int64).reshape(x_shape)[probe]
    if not traced:
        return Plan(True, 0, base if base.ndim else base[()])
    return Plan(True, 0, _add_traced(base, x_shape, idx, traced, nd))


def _single_axis(x_shape, idx):
    """Plan for x[:, ..., g, ...] (one integer array or scalar, only full slices otherwise), else None."""
    arrays = [k for k, i in enumerate(idx) if _is_array(i)]
    if len(arrays) != 1 or any(not (i is Ellipsis or (_is_array(i)) or (isinstance(i, slice) and i == slice(None)))
                               for i in idx):
        return None
    g = idx[arrays[0]]
    if g.dtype.kind == "b" and g.ndim != 1:
        return None
    n_real = sum(1 if not _is_array(i) else (i.ndim if i.dtype.kind == "b" else 1) for i in idx
                 if i is not Ellipsis)
    if n_real > len(x_shape):
        raise IndexError(f"too many indices for array: array is {len(x_shape)}-dimensional, but {n_real} were "
                         "indexed")
    before = idx[:arrays[0]]
    axis = arrays[0] if Ellipsis not in before else len(x_shape) - len(idx) + arrays[0]
    size = x_shape[axis]
    if isinstance(g, np.ndarray):
        if g.dtype.kind == "b":
            if g.shape[0] != size:
                raise IndexError(f"boolean index did not match indexed array along axis {axis}; size of axis is "
                                 f"{size} but size of corresponding boolean axis is {g.shape[0]}")
            g = np.flatnonzero(g)
        bad = (g < -size) | (g >= size)
        if np.any(bad):
            raise IndexError(f"index {g[bad].flat[0]} is out of bounds for axis {axis} with size {size}")
        g = np.where(g < 0, g + size, g).astype(np.intp)
        g = g if g.ndim else g[()]
    return Plan(False, axis, g)


def _add_traced(base, x_shape, idx, traced, nd):
    """base + sum_k wrap(i_k) * stride_k, the traced indices' part placed where numpy puts advanced axes."""
    n_real = sum(1 if not _is_array(i) or i.dtype.kind != "b" else i.ndim for i in idx
                 if i is not None and i is not Ellipsis)
    strides = np.cumprod((1,) + tuple(x_shape[::-1]))[:-1][::-1]
    dims, dim, lead = {}, 0, 0
    for k, i in enumerate(idx):
        if i is Ellipsis:
            dim += nd - n_real
        elif i is not None:
            dims[k] = dim
            dim += i.ndim if _is_array(i) and i.dtype.kind == "b" else 1
    advanced = [k for k, i in enumerate(idx) if _is_array(i) or isinstance(i, int)]
    b_shape = tuple(broadcast_shapes(*[(int(np.count_nonzero(i)),) if _is_array(i) and i.dtype.kind == "b"
                                       else _util.shape(i) for k, i in enumerate(idx) if k in advanced]))
    if 0 in b_shape:  # the advanced indices select nothing: numpy checks only the scalar ones
        traced = [k for k in traced if not _util.shape(idx[k])]
        if not traced:
            return base
    adjacent = advanced == list(range(advanced[0], advanced[-1] + 1))
    if adjacent:
        lead = sum(1 if i is not Ellipsis else nd - n_real for i in idx[:advanced[0]])
    part = None
    for k in traced:
        term = ix.wrapped_index(idx[k], x_shape[dims[k]])
        term = multiply(term, int(strides[dims[k]])) if strides[dims[k]] != 1 else term
        part = term if part is None else add(part, term)
    if b_shape:
        if base.shape[lead:lead + len(b_shape)] != b_shape:  # pragma: no cover - a numpy rule we do not know
            raise NotImplementedError(f"cannot place traced advanced indices in a result of shape {base.shape}")
        full = (1,) * lead + b_shape + (1,) * (base.ndim - lead - len(b_shape))
        part = reshape(broadcast_to(part, b_shape), full)
    return add(base if base.ndim else base[()], part)


def getitem(x, idx):
    """x[idx]: basic indexing (ints, slices, None, Ellipsis) via static slicing and reshape; anything else
    (integer arrays, boolean masks, traced integers) via advanced indexing's gather."""
    idx = idx if isinstance(idx, tuple) else (idx,)
    if is_basic(idx):
        return basic_getitem(x, idx)
    return advanced_getitem(x, idx)


def advanced_getitem(x, idx):
    """x[idx] for an index with arrays, masks or traced integers (NumPy's advanced indexing)."""
    entries = tuple(_entry(i) for i in idx)
    if _scalars_only(entries):
        return _scalar_getitem(x, entries)
    p = plan(_util.shape(x), entries)
    return ix.gather_p.bind(p.source(x), p.index, axis=p.axis)


def _scalars_only(entries):
    """True when the only non-basic entries are traced integer scalars (x[i], x[i, 1:], x[:, i, j])."""
    traced = [i for i in entries if isinstance(i, Tracer)]
    return bool(traced) and all(not _util.shape(i) for i in traced) and not any(
        isinstance(i, np.ndarray) for i in entries)


def _scalar_getitem(x, entries):
    """Basic indexing with the traced scalars kept as axes, then one scalar gather per traced scalar.

    Traced scalars act like Python ints here (no integer arrays, so no advanced placement), and
    each gather of a scalar is a view in the generated code.
    """
    nd = len(_util.shape(x))
    n_real = sum(1 for i in entries if i is not None and i is not Ellipsis)
    basic = tuple(slice(None) if isinstance(i, Tracer) else i for i in entries)
    y = getitem(x, basic)
    positions, dim = [], 0
    for i in entries:
        if isinstance(i, Tracer):
            positions.append((dim, i))
        if i is Ellipsis:
            dim += nd - n_real
        elif isinstance(i, Tracer) or i is None or isinstance(i, slice):
            dim += 1
    for axis, i in reversed(positions):
        y = ix.gather_p.bind(y, i, axis=axis)
    return y


class IndexUpdateRef:
    """x.at[idx]: .get(), and .set/.add/.multiply/.min/.max(v) returning a new array (x is never mutated)."""

    def __init__(self, x, idx):
        self.x, self.idx = x, idx if isinstance(idx, tuple) else (idx,)

    def __repr__(self):
        return f"_IndexUpdateRef({self.x!r}, {self.idx!r})"

    def get(self):
        return getitem(self.x, self.idx)

    def set(self, values):
        """x with x[idx] = values; with repeated indices the last write wins (and gets the gradient)."""
        return self._scatter(values, "set")

    def add(self, values):
        """x with values added at idx; repeated indices accumulate (numpy.add.at)."""
        return self._scatter(values, "add")

    def multiply(self, values):
        """x with x[idx] multiplied by values; repeated indices accumulate (numpy.multiply.at)."""
        return self._scatter(values, "multiply")

    def min(self, values):  # noqa: A003
        """x with x[idx] = minimum(x[idx], values); repeated indices accumulate (numpy.minimum.at)."""
        return self._scatter(values, "min")

    def max(self, values):  # noqa: A003
        """x with x[idx] = maximum(x[idx], values); repeated indices accumulate (numpy.maximum.at)."""
        return self._scatter(values, "max")

    def _scatter(self, values, mode):
        x = asarray(self.x) if not isinstance(self.x, (np.ndarray, Tracer)) else self.x
        x_shape, dtype = _util.shape(x), _util.dtype(x)
        if not x_shape:
            raise IndexError("x.at[idx] needs an array with at least one dimension")
        p = plan(x_shape, self.idx)
        target = p.target_shape(x_shape)
        v = asarray(values) if isinstance(values, (list, tuple)) else values
        v = astype(v, dtype) if _util.dtype(v) != dtype else v
        v_shape = _util.shape(v)
        if len(v_shape) > len(target):
            extra = len(v_shape) - len(target)
            if any(d != 1 for d in v_shape[:extra]):
                raise ValueError(f"could not broadcast input array from shape {v_shape} into shape {target}")
            v = reshape(v, v_shape[extra:])
        if not (mode in ix.SCALAR_MODES and not _util.shape(v)):
            v = broadcast_to(v, target)
        out = ix.scatter_p.bind(p.source(x), p.index, v, axis=p.axis, mode=mode)
        return reshape(out, x_shape) if p.flat else out


__all__ = ["advanced_getitem", "IndexUpdateRef", "plan", "Plan"]
