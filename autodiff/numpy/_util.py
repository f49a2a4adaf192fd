"""Argument normalisation shared by the numpy-named wrappers."""
import numpy as np

from ..avals import get_aval
from ..core import Tracer


def shape(x):
    return get_aval(x).shape


def ndim(x):
    return len(get_aval(x).shape)


def dtype(x):
    return get_aval(x).dtype


def normalize_axis(axis, nd):
    if not -nd <= axis < max(nd, 1):
        raise np.exceptions.AxisError(f"axis {axis} is out of bounds for array of dimension {nd}")
    return axis % nd if nd else 0


def normalize_axes(axis, nd):
    """axis=None | int | tuple -> sorted tuple of distinct non-negative axes."""
    if axis is None:
        return tuple(range(nd))
    if isinstance(axis, (list, tuple)):
        axes = tuple(sorted(normalize_axis(int(a), nd) for a in axis))
        if len(set(axes)) != len(axes):
            raise ValueError("duplicate value in 'axis'")
        return axes
    return (normalize_axis(int(axis), nd),)


def is_concrete(x):
    return not isinstance(x, Tracer)
