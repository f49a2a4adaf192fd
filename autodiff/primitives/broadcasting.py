"""The primitives every broadcasting rule is written with: reshape, broadcast_to, reduce_sum, and unbroadcast.

They come first among the primitives because their rules need only each other: the VJP of a
broadcasting operation sums its cotangent back down to the operand's shape (`unbroadcast`:
reduce_sum, then reshape) and the VJP of reduce_sum broadcasts it back up (`expand_reduced`:
reshape, then broadcast_to). Every other primitive module builds on this one. Their emitters are
registered with their families' (reshape's in shape.py, reduce_sum's in reductions.py).
"""
import numpy as np

from ..avals import ShapedArray, get_aval
from ..core import Elementwise, Primitive
from ..rules import def_linear


def _shape(x):
    return get_aval(x).shape


reshape_p = Primitive("reshape")
reshape_p.def_impl(lambda x, new_shape: np.reshape(x, new_shape))
reshape_p.def_shape(lambda x, new_shape: ShapedArray(new_shape, x.dtype))
def_linear(reshape_p)
reshape_p.def_vjp(lambda ct, ans, x, new_shape: reshape_p.bind(ct, new_shape=_shape(x)))

broadcast_to_p = Primitive("broadcast_to")  # numpy broadcasting of x up to `shape`
broadcast_to_p.def_impl(lambda x, shape: np.broadcast_to(x, shape))
broadcast_to_p.def_shape(lambda x, shape: ShapedArray(shape, x.dtype))
def_linear(broadcast_to_p)
broadcast_to_p.def_emit(Elementwise("{0}"))


def _broadcast_to_vjp(ct, ans, x, shape):
    return unbroadcast(ct, _shape(x))


broadcast_to_p.def_vjp(_broadcast_to_vjp)


def reduced_shape(x, axes, **params):
    return ShapedArray(tuple(d for i, d in enumerate(x.shape) if i not in axes), x.dtype)


def keepdims_shape(shape, axes):
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def expand_reduced(ct, x_shape, axes):
    """Broadcast a reduced cotangent back over the reduced axes of x."""
    ct = reshape_p.bind(ct, new_shape=keepdims_shape(x_shape, axes))
    return broadcast_to_p.bind(ct, shape=tuple(x_shape))


reduce_sum_p = Primitive("reduce_sum")
reduce_sum_p.def_impl(lambda x, axes: np.sum(x, axis=axes))
reduce_sum_p.def_shape(lambda x, axes: ShapedArray(reduced_shape(x, axes).shape,
                                                   x.dtype if x.dtype.kind != "b" else np.int64))
reduce_sum_p.def_jvp(lambda g, ans, x, axes: reduce_sum_p.bind(g, axes=axes))
reduce_sum_p.def_vjp(lambda ct, ans, x, axes: expand_reduced(ct, _shape(x), axes))


def unbroadcast(ct, shape):
    """Sum a cotangent of a broadcast result back down to an operand's `shape`."""
    ct_shape = _shape(ct)
    if ct_shape == tuple(shape):
        return ct
    lead = len(ct_shape) - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(shape) if d == 1 and ct_shape[lead + i] != 1)
    out = reduce_sum_p.bind(ct, axes=axes) if axes else ct
    return reshape_p.bind(out, new_shape=tuple(shape)) if _shape(out) != tuple(shape) else out
