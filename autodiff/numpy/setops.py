"""Set operations: unique (and the array API's unique_all/counts/inverse/values) and isin.

unique's result has as many entries as there are distinct values, a shape only the values can
tell, so it runs on concrete arrays only (eagerly, or on closed-over data under jit) and raises a
TypeError on a value traced under jit. Under grad its values are a gather of `ar` at NumPy's
first-occurrence indices, so they carry the gradient of those entries; indices, inverse and counts
are integers. isin compares every element against every test element (no gradient), so it compiles.
"""
from collections import namedtuple as _namedtuple

import numpy as np

from ..core import Tracer, concrete_or_none
from . import _util
from ._creation import asarray
from ._elementwise import equal, logical_not
from ._reductions import any
from ._shape import expand_dims, ravel
from .manipulation import take

UniqueAllResult = _namedtuple("UniqueAllResult", ["values", "indices", "inverse_indices", "counts"])
UniqueCountsResult = _namedtuple("UniqueCountsResult", ["values", "counts"])
UniqueInverseResult = _namedtuple("UniqueInverseResult", ["values", "inverse_indices"])


def _arr(a):
    return a if isinstance(a, (np.ndarray, Tracer)) else asarray(a)


def _concrete(ar, name):
    val = concrete_or_none(ar)
    if val is None:
        raise TypeError(f"{name}: the number of unique values sets the shape of the result, so the input must be "
                        "concrete; it is traced under jit. Compute it outside the jit-compiled function (or on "
                        "closed-over data), or use a fixed-size alternative such as isin or a one-hot comparison.")
    return np.asarray(val)


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *, equal_nan=True,
           sorted=True):  # noqa: A002
    """numpy.unique: the distinct values (or rows/slices along axis), plus optional index, inverse and counts."""
    ar = _arr(ar)
    res = np.unique(_concrete(ar, "unique"), return_index=True, return_inverse=return_inverse,
                    return_counts=return_counts, axis=axis, equal_nan=equal_nan, sorted=sorted)
    values = take(ar, res[1], axis=axis) if _util.ndim(ar) else take(ravel(ar), res[1])
    extra = ([res[1]] if return_index else []) + list(res[2:])
    return (values, *extra) if extra else values


def _all(x):
    x = _arr(x)
    res = np.unique_all(_concrete(x, "unique_all"))
    return x, res


def unique_all(x, /):
    """numpy.unique_all: (values, indices, inverse_indices, counts) of the flattened x."""
    x, res = _all(x)
    return UniqueAllResult(take(ravel(x), res.indices), res.indices, res.inverse_indices, res.counts)


def unique_counts(x, /):
    """numpy.unique_counts: (values, counts)."""
    x, res = _all(x)
    return UniqueCountsResult(take(ravel(x), res.indices), res.counts)


def unique_inverse(x, /):
    """numpy.unique_inverse: (values, inverse_indices), the inverse shaped like x."""
    x, res = _all(x)
    return UniqueInverseResult(take(ravel(x), res.indices), res.inverse_indices)


def unique_values(x, /):
    """numpy.unique_values: the distinct values (sorted here; the array API leaves the order unspecified)."""
    x, res = _all(x)
    return take(ravel(x), res.indices)


def isin(element, test_elements, assume_unique=False, invert=False, *, kind=None):
    """numpy.isin: whether each element of `element` equals some test element (nan matches nothing)."""
    if kind not in (None, "sort", "table"):
        raise ValueError(f"Invalid kind: '{kind}'. Please use None, 'sort' or 'table'.")
    element, test = _arr(element), ravel(_arr(test_elements))
    found = any(equal(expand_dims(element, -1), test), axis=-1)
    return logical_not(found) if invert else found


__all__ = ["unique", "unique_all", "unique_counts", "unique_inverse", "unique_values", "isin"]
