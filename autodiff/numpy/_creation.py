"""Array creation: constants are plain numpy arrays; `full` and `*_like` of traced fills broadcast."""
import numpy as np

from . import _util
from ._elementwise import add, astype, multiply, subtract, where
from ._shape import broadcast_to, moveaxis, stack


def zeros(shape, dtype=float):
    return np.zeros(shape, dtype)


def ones(shape, dtype=float):
    return np.ones(shape, dtype)


def empty(shape, dtype=float):
    return np.zeros(shape, dtype)


def eye(N, M=None, k=0, dtype=float):
    return np.eye(N, M, k, dtype)


def identity(n, dtype=float):
    return np.identity(n, dtype)


def arange(*args, dtype=None):
    return np.arange(*args, dtype=dtype)


def linspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """numpy.linspace; differentiable in start and stop."""
    if _util.is_concrete(start) and _util.is_concrete(stop):
        return np.linspace(start, stop, num, endpoint=endpoint, dtype=dtype, axis=axis)
    div = (num - 1) if endpoint else num
    steps = np.arange(num, dtype=np.float64) / div if div > 0 else np.zeros(num)
    if endpoint and num > 1:
        steps[-1] = 1.0
    nd = max(_util.ndim(start), _util.ndim(stop))
    steps = steps.reshape((num,) + (1,) * nd)
    out = add(start, multiply(steps, subtract(stop, start)))
    if endpoint and num > 1:  # exactly `stop` at the end, as numpy (start + 1.0 * (stop - start) can miss it)
        out = where(np.arange(num).reshape((num,) + (1,) * nd) == num - 1, stop, out)
    if axis != 0:
        out = moveaxis(out, 0, axis)
    return out if dtype is None else out.astype(dtype)


def full(shape, fill_value, dtype=None):
    """numpy.full; a traced fill_value is broadcast (and gets gradient)."""
    if _util.is_concrete(fill_value):
        return np.full(shape, fill_value, dtype)
    out = broadcast_to(fill_value, (shape,) if isinstance(shape, int) else tuple(shape))
    return out if dtype is None else astype(out, dtype)


def zeros_like(a, dtype=None):
    return np.zeros(_util.shape(a), dtype or _util.dtype(a))


def ones_like(a, dtype=None):
    return np.ones(_util.shape(a), dtype or _util.dtype(a))


def empty_like(a, dtype=None):
    return zeros_like(a, dtype)


def full_like(a, fill_value, dtype=None):
    return full(_util.shape(a), fill_value, dtype or _util.dtype(a))


def asarray(a, dtype=None):
    """numpy.asarray: traced values pass through unchanged (cast if dtype is given)."""
    if _util.is_concrete(a):
        if isinstance(a, (list, tuple)) and any(not _util.is_concrete(x) for x in _flatten(a)):
            return _stack_nested(a, dtype)
        return np.asarray(a, dtype)
    if dtype is not None:
        return astype(a, dtype)
    return a


def array(a, dtype=None, copy=True):
    out = asarray(a, dtype)
    return np.array(out) if isinstance(out, np.ndarray) and copy else out


def _flatten(seq):
    for x in seq:
        if isinstance(x, (list, tuple)):
            yield from _flatten(x)
        else:
            yield x


def _stack_nested(a, dtype):
    items = [_stack_nested(x, dtype) if isinstance(x, (list, tuple)) else asarray(x, dtype) for x in a]
    return stack(items)


def shape(a):
    return _util.shape(a)


def ndim(a):
    return _util.ndim(a)


def size(a):
    return int(np.prod(_util.shape(a), dtype=np.int64))


def result_type(*args):
    return np.result_type(*[_util.dtype(a) if not isinstance(a, (np.dtype, type, str)) else a for a in args])


def tri(N, M=None, k=0, dtype=float, *, like=None):
    """numpy.tri (a constant)."""
    return np.tri(N, M, k, dtype)


__all__ = ["zeros", "ones", "empty", "eye", "identity", "tri", "arange", "linspace", "full", "zeros_like", "ones_like",
           "empty_like", "full_like", "asarray", "array", "shape", "ndim", "size", "result_type"]
