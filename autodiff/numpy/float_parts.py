"""NumPy's functions that split a number into parts: divmod, modf, frexp, ldexp.

divmod(x1, x2) is (floor_divide(x1, x2), mod(x1, x2)); modf(x) is (fractional part, integral part),
both signed like x; frexp(x) is (mantissa, exponent) with x = mantissa * 2**exponent and
0.5 <= |mantissa| < 1; ldexp(x1, x2) = x1 * 2**x2 exactly. The fractional part and the mantissa are
differentiable in x (slope 1 and 2**-exponent); the integral parts are piecewise constant (zero gradient).
"""
import numpy as np

from ..primitives import elementwise as ew
from . import _util
from ._creation import asarray
from ._elementwise import astype, equal, floor_divide, isinf, mod, negative, subtract, trunc, where
from .arithmetic import copysign


def _arr(x):
    return x if hasattr(x, "shape") else asarray(x)


def divmod(x1, x2, /):  # noqa: A001
    """numpy.divmod: (x1 // x2, x1 % x2), the quotient with no gradient, the remainder as numpy.mod."""
    return floor_divide(x1, x2), mod(x1, x2)


def modf(x, /):
    """numpy.modf: (x - trunc(x), trunc(x)), both with the sign of x (modf(-inf) = (-0.0, -inf))."""
    x = _arr(x)
    if _util.dtype(x).kind != "f":
        x = astype(x, np.float64)
    whole = trunc(x)
    frac = where(isinf(x), 0.0, subtract(x, where(isinf(x), 0.0, whole)))
    # an exact zero takes the sign of x (numpy: modf(-3.0) = (-0.0, -3.0))
    return where(equal(frac, 0.0), copysign(0.0, x), frac), whole


def frexp(x, /):
    """numpy.frexp: (mantissa, exponent) with x = mantissa * 2**exponent; exponent is int32, 0 at 0, inf and nan."""
    x = _arr(x)
    if _util.dtype(x).kind != "f":
        x = astype(x, np.float64)
    e = ew.frexp_exponent_p.bind(x)
    return ew.ldexp_p.bind(x, negative(e)), e


def ldexp(x1, x2, /):
    """numpy.ldexp: x1 * 2**x2 for integer x2, exact (no rounding of the power); differentiable in x1."""
    if _util.dtype(x2).kind not in "iub":
        raise TypeError("ufunc 'ldexp' not supported for the input types: the exponent x2 must be an integer")
    return ew.ldexp_p.bind(x1, x2)


__all__ = ["divmod", "modf", "frexp", "ldexp"]
