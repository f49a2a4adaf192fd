"""Elementwise NumPy names built from other elementwise functions: nan_to_num, copysign, fmod, float_power, i0."""
import numpy as np

from ..custom import stop_gradient
from ..primitives import special as _sp
from . import _util
from ._coerce import _arr, _float, _scalar
from ._elementwise import (abs, greater, isinf, isnan, less, logical_and, mod, multiply, not_equal, power,
                           signbit, subtract, where)


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """numpy.nan_to_num: nan -> nan, +inf -> posinf (default the largest float), -inf -> neginf (most negative).

    Replaced entries get zero gradient.
    """
    x = _arr(x)
    dt = _util.dtype(x)
    if dt.kind not in "fc":
        return x
    big = np.finfo(dt).max
    posinf = big if posinf is None else posinf
    neginf = -big if neginf is None else neginf
    out = where(isnan(x), np.asarray(nan, dt), x)
    out = where(logical_and(isinf(x), greater(x, 0)), np.asarray(posinf, dt), out)
    return _scalar(where(logical_and(isinf(x), less(x, 0)), np.asarray(neginf, dt), out))


def copysign(x1, x2):
    """numpy.copysign: |x1| with the sign bit of x2 (differentiable in x1)."""
    x1 = _float(x1)
    return multiply(abs(x1), where(signbit(stop_gradient(_arr(x2))), -1.0, 1.0))


def fmod(x1, x2):
    """numpy.fmod: the C remainder, with the sign of x1 (numpy.mod's result shifted by x2 where signs differ)."""
    r = mod(x1, x2)
    shift = logical_and(not_equal(r, 0), not_equal(signbit(r), signbit(_arr(x1))))
    return where(shift, subtract(r, x2), r)


def float_power(x1, x2):
    """numpy.float_power: power computed in float64."""
    return power(_float(x1), _float(x2))


def i0(x):
    """numpy.i0: modified Bessel function of the first kind, order 0 (a float array, like numpy's)."""
    return _sp.i0_p.bind(_float(x))


__all__ = ["nan_to_num", "copysign", "fmod", "float_power", "i0"]
