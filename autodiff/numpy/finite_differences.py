"""numpy.gradient: second-order central differences inside, first- or second-order one-sided at the edges.

NumPy's formulas and operation order, for uniform spacing (a scalar per axis, or coordinates whose
differences are all equal) and for non-uniform coordinates. Differentiable in f and in the spacing
or coordinates (traced coordinates always take the non-uniform formulas).
"""
import numpy as np

from ..core import Tracer, concrete_or_none
from . import _util
from ._creation import asarray
from ._elementwise import add, astype, divide, multiply, negative, subtract
from ._shape import concatenate, reshape
from .differences import diff


def _arr(x):
    return x if isinstance(x, (np.ndarray, Tracer)) else asarray(x)


def _spacing(distances, length):
    """A scalar step, or the 1-D array of coordinate differences (a scalar if they are all equal, as NumPy)."""
    distances = _arr(distances)
    if _util.ndim(distances) == 0:
        return distances
    if _util.ndim(distances) != 1:
        raise ValueError("distances must be either scalars or 1d")
    if _util.shape(distances)[0] != length:
        raise ValueError("when 1d, distances must match the length of the corresponding dimension")
    if _util.dtype(distances).kind in "iub":
        distances = astype(distances, np.float64)
    diffx = diff(distances)
    val = concrete_or_none(diffx)
    if val is not None and np.all(val == val[0]):
        return diffx[0]
    return diffx


def _one_axis(f, axis, dx, edge_order):
    nd = _util.ndim(f)
    n = _util.shape(f)[axis]
    if n < edge_order + 1:
        raise ValueError("Shape of array too small to calculate a numerical gradient, at least (edge_order + 1) "
                         "elements are required.")

    def at(index):
        return f[(slice(None),) * axis + (index,) + (slice(None),) * (nd - axis - 1)]

    def along(x):  # a 1-D array of coefficients, placed along `axis`
        return reshape(x, (1,) * axis + (-1,) + (1,) * (nd - axis - 1))

    uniform = _util.ndim(dx) == 0
    if uniform:
        inner = divide(subtract(at(slice(2, None)), at(slice(None, -2))), multiply(2.0, dx))
    else:
        dx1, dx2 = dx[0:-1], dx[1:]
        a = divide(negative(dx2), multiply(dx1, add(dx1, dx2)))
        b = divide(subtract(dx2, dx1), multiply(dx1, dx2))
        c = divide(dx1, multiply(dx2, add(dx1, dx2)))
        inner = add(add(multiply(along(a), at(slice(None, -2))), multiply(along(b), at(slice(1, -1)))),
                    multiply(along(c), at(slice(2, None))))
    if edge_order == 1:
        first = divide(subtract(at(slice(1, 2)), at(slice(0, 1))), dx if uniform else dx[0])
        last = divide(subtract(at(slice(n - 1, n)), at(slice(n - 2, n - 1))), dx if uniform else dx[-1])
    else:
        if uniform:
            a, b, c = divide(-1.5, dx), divide(2.0, dx), divide(-0.5, dx)
        else:
            dx1, dx2 = dx[0], dx[1]
            a = divide(negative(add(multiply(2.0, dx1), dx2)), multiply(dx1, add(dx1, dx2)))
            b = divide(add(dx1, dx2), multiply(dx1, dx2))
            c = divide(negative(dx1), multiply(dx2, add(dx1, dx2)))
        first = add(add(multiply(a, at(slice(0, 1))), multiply(b, at(slice(1, 2)))), multiply(c, at(slice(2, 3))))
        if uniform:
            a, b, c = divide(0.5, dx), divide(-2.0, dx), divide(1.5, dx)
        else:
            dx1, dx2 = dx[-2], dx[-1]
            a = divide(dx2, multiply(dx1, add(dx1, dx2)))
            b = divide(negative(add(dx2, dx1)), multiply(dx1, dx2))
            c = divide(add(multiply(2.0, dx2), dx1), multiply(dx2, add(dx1, dx2)))
        last = add(add(multiply(a, at(slice(n - 3, n - 2))), multiply(b, at(slice(n - 2, n - 1)))),
                   multiply(c, at(slice(n - 1, n))))
    out = concatenate([first, inner, last], axis=axis)
    return astype(out, _util.dtype(f)) if _util.dtype(out) != _util.dtype(f) else out


def gradient(f, *varargs, axis=None, edge_order=1):
    """numpy.gradient: the derivative estimate of f along each axis (a tuple when more than one axis).

    varargs: nothing (unit spacing), one scalar spacing for all axes, or one scalar or 1-D coordinate
    array per axis, as in NumPy.
    """
    f = _arr(f)
    if _util.dtype(f).kind != "f":
        f = astype(f, np.float64)
    nd = _util.ndim(f)
    axes = tuple(range(nd)) if axis is None else tuple(
        _util.normalize_axis(a, nd) for a in (axis if isinstance(axis, (tuple, list)) else (axis,)))
    if len(set(axes)) != len(axes):
        raise ValueError("repeated axis")
    if not varargs:
        dx = [1.0] * len(axes)
    elif len(varargs) == 1 and _util.ndim(_arr(varargs[0])) == 0:
        dx = list(varargs) * len(axes)
    elif len(varargs) == len(axes):
        dx = [_spacing(d, _util.shape(f)[a]) for d, a in zip(varargs, axes)]
    else:
        raise TypeError("invalid number of arguments")
    if edge_order > 2:
        raise ValueError("'edge_order' greater than 2 not supported")
    outs = [_one_axis(f, a, d, edge_order) for a, d in zip(axes, dx)]
    return outs[0] if len(axes) == 1 else tuple(outs)


__all__ = ["gradient"]
