"""Helpers for the common shapes of rules: shape rules and linear primitives."""
import numpy as np

from .avals import ShapedArray, float_dtype, promote_avals


def broadcast_shapes(*shapes):
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise ValueError("operands could not be broadcast together with shapes "
                         + " ".join(str(tuple(s)) for s in shapes)) from None


def same_shape(x, **params):
    return ShapedArray(x.shape, x.dtype)


def float_same_shape(x, **params):
    return ShapedArray(x.shape, float_dtype(x.dtype))


def broadcasting_shape(*avals, **params):
    return ShapedArray(broadcast_shapes(*[a.shape for a in avals]), promote_avals(*avals),
                       weak=all(a.weak for a in avals))


def float_broadcasting_shape(*avals, **params):
    out = broadcasting_shape(*avals)
    return ShapedArray(out.shape, float_dtype(out.dtype))


def bool_broadcasting_shape(*avals, **params):
    return ShapedArray(broadcast_shapes(*[a.shape for a in avals]), np.bool_)


def def_linear(primitive):
    """A primitive linear in its first argument: its JVP applies the primitive to the tangent."""
    primitive.def_jvp(lambda g, ans, x, *rest, **params: primitive.bind(g, *rest, **params))
