"""NumPy-named elementwise functions: each binds its primitive (plain numpy outside transforms)."""
import numpy as np

from ..core import concrete_or_none
from ..primitives import elementwise as ew
from . import _util


def _unary(p, name):
    def fn(x):
        return p.bind(x)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Differentiable numpy.{name}."
    return fn


def _binary(p, name):
    def fn(x1, x2):
        return p.bind(x1, x2)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Differentiable numpy.{name}."
    return fn


_UNARY = dict(negative=ew.negative_p, reciprocal=ew.reciprocal_p, square=ew.square_p, sqrt=ew.sqrt_p,
              cbrt=ew.cbrt_p, exp=ew.exp_p, exp2=ew.exp2_p, expm1=ew.expm1_p, log=ew.log_p, log2=ew.log2_p,
              log10=ew.log10_p, log1p=ew.log1p_p, sin=ew.sin_p, cos=ew.cos_p, tan=ew.tan_p,
              arcsin=ew.arcsin_p, arccos=ew.arccos_p, arctan=ew.arctan_p, sinh=ew.sinh_p, cosh=ew.cosh_p,
              tanh=ew.tanh_p, arcsinh=ew.arcsinh_p, arccosh=ew.arccosh_p, arctanh=ew.arctanh_p,
              abs=ew.abs_p, sign=ew.sign_p, floor=ew.floor_p, ceil=ew.ceil_p, rint=ew.rint_p,
              trunc=ew.trunc_p, isfinite=ew.isfinite_p, isnan=ew.isnan_p, isinf=ew.isinf_p,
              logical_not=ew.logical_not_p)
_BINARY = dict(add=ew.add_p, subtract=ew.subtract_p, multiply=ew.multiply_p, divide=ew.divide_p,
               power=ew.power_p, arctan2=ew.arctan2_p, hypot=ew.hypot_p, maximum=ew.maximum_p,
               minimum=ew.minimum_p, logaddexp=ew.logaddexp_p, greater=ew.greater_p,
               greater_equal=ew.greater_equal_p, less=ew.less_p, less_equal=ew.less_equal_p,
               equal=ew.equal_p, not_equal=ew.not_equal_p, logical_and=ew.logical_and_p,
               logical_or=ew.logical_or_p, logical_xor=ew.logical_xor_p, floor_divide=ew.floor_divide_p,
               mod=ew.mod_p, bitwise_and=ew.bitwise_and_p, bitwise_or=ew.bitwise_or_p)

for _name, _p in _UNARY.items():
    globals()[_name] = _unary(_p, _name)
for _name, _p in _BINARY.items():
    globals()[_name] = _binary(_p, _name)

true_divide = divide  # noqa: F821
absolute = abs  # noqa: F821
remainder = mod  # noqa: F821
arcsinh = arcsinh  # noqa: F821,PLW0127


def power(x1, x2):
    """numpy.power; a constant integer exponent binds integer_pow (exact, cheap derivatives)."""
    if _util.is_concrete(x2) and np.ndim(x2) == 0 and not _util.is_concrete(x1):
        n = np.asarray(x2)[()]
        if float(n).is_integer() and abs(n) <= 64 and not (_util.dtype(x1).kind in "iu" and n < 0):
            return ew.integer_pow(x1, int(n))
        if n == 0.5:
            return ew.sqrt_p.bind(x1)
    return ew.power_p.bind(x1, x2)


pow = power


def fabs(x):
    return abs(x)  # noqa: F821


def positive(x):
    return x


def round(a, decimals=0):  # noqa: A001
    """numpy.round (half to even); zero gradient."""
    if decimals == 0:
        return ew.rint_p.bind(a)
    scale = 10.0 ** decimals
    return divide(ew.rint_p.bind(multiply(a, scale)), scale)  # noqa: F821


around = round


def where(condition, x=None, y=None):
    """numpy.where(condition, x, y); the branch not taken gets exactly zero gradient."""
    if x is None and y is None:
        c = concrete_or_none(condition)
        if c is None:
            raise TypeError("where(condition) with one argument has a data-dependent shape and needs a "
                            "concrete condition (not available under jit)")
        return np.nonzero(c)
    return ew.where_p.bind(condition, x, y)


def clip(a, a_min=None, a_max=None):
    """numpy.clip; gradient flows to `a` inside the bounds and to the bound that is active."""
    if a_min is None and a_max is None:
        raise ValueError("One of max or min must be given")
    if a_min is None:
        return minimum(a, a_max)  # noqa: F821
    if a_max is None:
        return maximum(a, a_min)  # noqa: F821
    return ew.clip_p.bind(a, a_min, a_max)


def astype(x, dtype):
    dtype = np.dtype(dtype)
    if _util.dtype(x) == dtype:
        return x
    return ew.convert_p.bind(x, dtype=dtype)


def real(x):
    return x


def conj(x):
    return x


conjugate = conj


def heaviside(x1, x2):
    return where(less(x1, 0), 0.0, where(equal(x1, 0), x2, 1.0))  # noqa: F821


def sinc(x):
    px = multiply(np.pi, x)  # noqa: F821
    safe = where(equal(x, 0), 1.0, px)  # noqa: F821
    return where(equal(x, 0), 1.0, divide(sin(safe), safe))  # noqa: F821


def deg2rad(x):
    return multiply(x, np.pi / 180.0)  # noqa: F821


def rad2deg(x):
    return multiply(x, 180.0 / np.pi)  # noqa: F821


radians, degrees = deg2rad, rad2deg


def logaddexp2(x1, x2):
    """numpy.logaddexp2."""
    return ew.logaddexp2_p.bind(x1, x2)


def signbit(x):
    """numpy.signbit (True for -0.0 too)."""
    return ew.signbit_p.bind(x)


def fmax(x1, x2):
    return where(isnan(x2), x1, where(isnan(x1), x2, maximum(x1, x2)))  # noqa: F821


def fmin(x1, x2):
    return where(isnan(x2), x1, where(isnan(x1), x2, minimum(x1, x2)))  # noqa: F821


__all__ = sorted(list(_UNARY) + list(_BINARY) + [
    "true_divide", "absolute", "remainder", "pow", "fabs", "positive", "round", "around", "where", "clip",
    "astype", "real", "conj", "conjugate", "heaviside", "sinc", "deg2rad", "rad2deg", "radians", "degrees",
    "logaddexp2", "signbit", "fmax", "fmin"])
