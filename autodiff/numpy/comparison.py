"""Tolerant and exact equality of arrays: isclose, allclose, array_equal (no gradient).

allclose and array_equal return Python bools outside transforms, traced 0-d bools under them.
"""
import builtins

import numpy as np

from ..core import Tracer, concrete_or_none
from ..custom import stop_gradient
from . import _util
from ._creation import asarray
from ._elementwise import (abs, add, astype, equal, isinf, isnan, less_equal, logical_and, logical_not, logical_or,
                           multiply, subtract)
from ._reductions import all


def _arr(a):
    return a if isinstance(a, (np.ndarray, Tracer)) else asarray(a)


def _scalar(x):
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


def isclose(a, b, rtol=1.e-5, atol=1.e-8, equal_nan=False):
    """numpy.isclose: |a - b| <= atol + rtol |b| for finite b, or a == b; nan == nan with equal_nan."""
    a, b = stop_gradient(_arr(a)), stop_gradient(_arr(b))
    if _util.dtype(b).kind in "iub":
        b = astype(b, np.float64)
    with np.errstate(invalid="ignore"):
        close = logical_and(less_equal(abs(subtract(a, b)), add(atol, multiply(rtol, abs(b)))),
                            logical_not(isinf(b)))
        res = logical_or(logical_and(close, logical_not(isnan(b))), equal(a, b))
        if equal_nan:
            res = logical_or(res, logical_and(isnan(a), isnan(b)))
    return _scalar(res)


def _bool_result(x):
    return builtins.bool(x) if concrete_or_none(x) is not None else x


def allclose(a, b, rtol=1.e-5, atol=1.e-8, equal_nan=False):
    """numpy.allclose: all(isclose(...)); a Python bool outside transforms."""
    return _bool_result(all(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def array_equal(a1, a2, equal_nan=False):
    """numpy.array_equal: same shape and equal entries (nan == nan with equal_nan); a Python bool outside transforms."""
    a1, a2 = stop_gradient(_arr(a1)), stop_gradient(_arr(a2))
    if _util.shape(a1) != _util.shape(a2):
        return False
    eq = equal(a1, a2)
    if equal_nan:
        eq = logical_or(eq, logical_and(isnan(a1), isnan(a2)))
    return _bool_result(all(eq))


__all__ = ["isclose", "allclose", "array_equal"]
