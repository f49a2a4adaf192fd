"""Basic indexing, x[ints, slices, None, Ellipsis]: one static slice, a flip for negative steps, and a reshape."""
import numpy as np

from ..primitives.shape import rev_p, slice_p
from . import _util
from ._shape import reshape


def is_basic(idx):
    return all((isinstance(i, (int, np.integer, slice)) and not isinstance(i, (bool, np.bool_))) or i is None
               or i is Ellipsis for i in idx)


def expand_ellipsis(idx, nd):
    n_real = sum(1 for i in idx if i is not None and i is not Ellipsis)
    if sum(1 for i in idx if i is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if n_real > nd:
        raise IndexError(f"too many indices for array: array is {nd}-dimensional, but {n_real} were indexed")
    out = []
    for i in idx:
        if i is Ellipsis:
            out.extend([slice(None)] * (nd - n_real))
        else:
            out.append(i)
    if Ellipsis not in idx:
        out.extend([slice(None)] * (nd - n_real))
    return out


def basic_getitem(x, idx):
    shape = _util.shape(x)
    idx = expand_ellipsis(idx, len(shape))
    starts, stops, steps, out_shape, flips, axis = [], [], [], [], [], 0
    for i in idx:
        if i is None:
            out_shape.append(1)
            continue
        d = shape[axis]
        if isinstance(i, slice):
            a, b, c = i.indices(d)
            if c < 0:  # x[::-1]: take the forward slice of the same elements, then flip
                n = len(range(a, b, c))
                last = a + (n - 1) * c if n else 0
                a, b, c = (last, a + 1, -c) if n else (0, 0, 1)
                flips.append(len(starts))
            starts.append(a), stops.append(b), steps.append(c)
            out_shape.append(len(range(a, b, c)))
        else:
            k = int(i)
            if not -d <= k < d:
                raise IndexError(f"index {k} is out of bounds for axis {axis} with size {d}")
            k %= d
            starts.append(k), stops.append(k + 1), steps.append(1)
        axis += 1
    out = x
    if (tuple(starts), tuple(stops), tuple(steps)) != ((0,) * len(shape), shape, (1,) * len(shape)):
        out = slice_p.bind(x, starts=tuple(starts), stops=tuple(stops), steps=tuple(steps))
    if flips:
        out = rev_p.bind(out, axes=tuple(flips))
    return reshape(out, tuple(out_shape))
