"""Elementwise (ufunc-like) primitives: one block each with impl, shape, JVP, VJP and scalar code.

`elementwise(template)` registers how to compute one element in generated code; the code
generator fuses chains of elementwise equations into one loop nest. VJP rules multiply the
cotangent with `safe_mul`, which is exactly zero where the cotangent is zero, so the branch a
`where` did not take never turns a zero cotangent into NaN (0 * inf).
"""
import math

import numpy as np
import scipy.special as sc

from ..avals import ShapedArray, get_aval
from ..core import Elementwise, Primitive, Tracer
from ..rules import (bool_broadcasting_shape, broadcast_shapes, broadcasting_shape, float_broadcasting_shape,
                     float_same_shape, same_shape)
from .broadcasting import unbroadcast


def elementwise(template):
    """Emitter of an elementwise primitive: a format string computing one element from the operands' elements."""
    return Elementwise(template)


def unary(name, impl, template, shape=float_same_shape):
    p = Primitive(name)
    p.def_impl(impl)
    p.def_shape(shape)
    p.def_emit(Elementwise(template))
    return p


def binary(name, impl, template, shape=float_broadcasting_shape):
    p = Primitive(name)
    p.def_impl(impl)
    p.def_shape(shape)
    p.def_emit(Elementwise(template))
    return p


def unbroadcast_vjps(p, *rules):
    """Register per-operand VJP rules of a broadcasting primitive, summing back to each operand's shape."""
    def wrap(rule, i):
        if rule is None:
            return None
        return lambda ct, ans, *args, **kw: unbroadcast(rule(ct, ans, *args, **kw), np.shape(args[i])
                                                        if not hasattr(args[i], "aval") else args[i].aval.shape)
    p.def_vjp(*[wrap(r, i) for i, r in enumerate(rules)])


def def_derivative(p, *partials):
    """Rules from partial derivatives `d_i(ans, *args)` (None: not differentiable in argument i)."""
    def jvp(d):
        return None if d is None else lambda g, ans, *args, **params: safe_mul(g, d(ans, *args, **params))

    def vjp(i, d):
        if d is None:
            return None
        return lambda ct, ans, *args, **params: unbroadcast(safe_mul(ct, d(ans, *args, **params)),
                                                            get_aval(args[i]).shape)

    p.def_jvp(*[jvp(d) for d in partials])
    p.def_vjp(*[vjp(i, d) for i, d in enumerate(partials)])


def _impl_safe_mul(ct, d):
    with np.errstate(invalid="ignore"):
        return np.where(ct == 0, np.zeros((), np.result_type(ct, d)), np.multiply(ct, d))


# -- safe_mul: ct * d, exactly 0 where ct == 0 (used by every nonlinear VJP) -----------------------
safe_mul_p = binary("safe_mul", _impl_safe_mul, "(0.0 if {0} == 0.0 else {0} * {1})")
safe_mul_p.def_jvp(lambda g, ans, a, b: safe_mul(g, b), lambda g, ans, a, b: safe_mul(a, g))
unbroadcast_vjps(safe_mul_p, lambda ct, ans, a, b: safe_mul(ct, b), lambda ct, ans, a, b: safe_mul(a, ct))


def safe_mul(ct, d):
    return safe_mul_p.bind(ct, d)


# -- arithmetic -------------------------------------------------------------------------------------
add_p = binary("add", np.add, "({0} + {1})", shape=broadcasting_shape)
add_p.def_jvp(lambda g, ans, x, y: g, lambda g, ans, x, y: g)
unbroadcast_vjps(add_p, lambda ct, ans, x, y: ct, lambda ct, ans, x, y: ct)

subtract_p = binary("subtract", np.subtract, "({0} - {1})", shape=broadcasting_shape)
subtract_p.def_jvp(lambda g, ans, x, y: g, lambda g, ans, x, y: negative_p.bind(g))
unbroadcast_vjps(subtract_p, lambda ct, ans, x, y: ct, lambda ct, ans, x, y: negative_p.bind(ct))

multiply_p = binary("multiply", np.multiply, "({0} * {1})", shape=broadcasting_shape)
multiply_p.def_jvp(lambda g, ans, x, y: multiply_p.bind(g, y), lambda g, ans, x, y: multiply_p.bind(x, g))
unbroadcast_vjps(multiply_p, lambda ct, ans, x, y: safe_mul(ct, y), lambda ct, ans, x, y: safe_mul(ct, x))

divide_p = binary("divide", np.true_divide, "({0} / {1})")
divide_p.def_jvp(lambda g, ans, x, y: divide_p.bind(g, y),
                 lambda g, ans, x, y: negative_p.bind(multiply_p.bind(g, divide_p.bind(ans, y))))
unbroadcast_vjps(divide_p, lambda ct, ans, x, y: safe_mul(ct, reciprocal_p.bind(y)),
                 lambda ct, ans, x, y: negative_p.bind(safe_mul(ct, divide_p.bind(ans, y))))

negative_p = unary("negative", np.negative, "(-{0})", shape=same_shape)
negative_p.def_jvp(lambda g, ans, x: negative_p.bind(g))
negative_p.def_vjp(lambda ct, ans, x: negative_p.bind(ct))

reciprocal_p = unary("reciprocal", lambda x: np.reciprocal(np.asarray(x, np.result_type(x, 1.0))), "(1.0 / {0})")
reciprocal_p.def_jvp(lambda g, ans, x: negative_p.bind(multiply_p.bind(g, square_p.bind(ans))))
reciprocal_p.def_vjp(lambda ct, ans, x: negative_p.bind(safe_mul(ct, square_p.bind(ans))))

square_p = unary("square", np.square, "({0} * {0})", shape=same_shape)
square_p.def_jvp(lambda g, ans, x: multiply_p.bind(g, multiply_p.bind(2.0, x)))
square_p.def_vjp(lambda ct, ans, x: safe_mul(ct, multiply_p.bind(2.0, x)))

sqrt_p = unary("sqrt", np.sqrt, "math.sqrt({0})" )
sqrt_p.def_jvp(lambda g, ans, x: divide_p.bind(g, multiply_p.bind(2.0, ans)))
sqrt_p.def_vjp(lambda ct, ans, x: safe_mul(ct, reciprocal_p.bind(multiply_p.bind(2.0, ans))))

cbrt_p = unary("cbrt", np.cbrt, "rt.cbrt({0})")
cbrt_p.def_jvp(lambda g, ans, x: divide_p.bind(g, multiply_p.bind(3.0, square_p.bind(ans))))
cbrt_p.def_vjp(lambda ct, ans, x: safe_mul(ct, reciprocal_p.bind(multiply_p.bind(3.0, square_p.bind(ans)))))


def _power_dx(x, y):
    return multiply_p.bind(y, power_p.bind(x, subtract_p.bind(y, 1.0)))


def _power_dy(ans, x):
    # d/dy x**y = x**y log(x); 0 where x == 0 (the limit used by JAX and autograd)
    safe_x = where_p.bind(equal_p.bind(x, 0.0), 1.0, x)
    return multiply_p.bind(ans, log_p.bind(safe_x))


def _impl_power(x, y):
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype.kind in "iub" and y.dtype.kind in "iub":
        return np.power(x, y) if np.all(y >= 0) else np.power(x.astype(np.float64), y)
    return np.power(x, y)


power_p = binary("power", _impl_power, "({0} ** {1})", shape=broadcasting_shape)
power_p.def_jvp(lambda g, ans, x, y: multiply_p.bind(g, _power_dx(x, y)),
                lambda g, ans, x, y: multiply_p.bind(g, _power_dy(ans, x)))
unbroadcast_vjps(power_p, lambda ct, ans, x, y: safe_mul(ct, _power_dx(x, y)),
                 lambda ct, ans, x, y: safe_mul(ct, _power_dy(ans, x)))

# -- exponentials and logarithms -------------------------------------------------------------------
LN2, LN10 = math.log(2.0), math.log(10.0)

exp_p = unary("exp", np.exp, "math.exp({0})")
exp_p.def_jvp(lambda g, ans, x: multiply_p.bind(g, ans))
exp_p.def_vjp(lambda ct, ans, x: safe_mul(ct, ans))

exp2_p = unary("exp2", np.exp2, "(2.0 ** {0})")
exp2_p.def_jvp(lambda g, ans, x: multiply_p.bind(g, multiply_p.bind(ans, LN2)))
exp2_p.def_vjp(lambda ct, ans, x: safe_mul(ct, multiply_p.bind(ans, LN2)))

expm1_p = unary("expm1", np.expm1, "math.expm1({0})")
expm1_p.def_jvp(lambda g, ans, x: multiply_p.bind(g, add_p.bind(ans, 1.0)))
expm1_p.def_vjp(lambda ct, ans, x: safe_mul(ct, add_p.bind(ans, 1.0)))

log_p = unary("log", np.log, "rt.log({0})")
log_p.def_jvp(lambda g, ans, x: divide_p.bind(g, x))
log_p.def_vjp(lambda ct, ans, x: safe_mul(ct, reciprocal_p.bind(x)))

log2_p = unary("log2", np.log2, "(rt.log({0}) / %r)" % LN2)
log2_p.def_jvp(lambda g, ans, x: divide_p.bind(g, multiply_p.bind(x, LN2)))
log2_p.def_vjp(lambda ct, ans, x: safe_mul(ct, reciprocal_p.bind(multiply_p.bind(x, LN2))))

log10_p = unary("log10", np.log10, "rt.log10({0})")
log10_p.def_jvp(lambda g, ans, x: divide_p.bind(g, multiply_p.bind(x, LN10)))
log10_p.def_vjp(lambda ct, ans, x: safe_mul(ct, reciprocal_p.bind(multiply_p.bind(x, LN10))))

log1p_p = unary("log1p", np.log1p, "rt.log1p({0})")
log1p_p.def_jvp(lambda g, ans, x: divide_p.bind(g, add_p.bind(x, 1.0)))
log1p_p.def_vjp(lambda ct, ans, x: safe_mul(ct, reciprocal_p.bind(add_p.bind(x, 1.0))))

# the logistic sigmoid (scipy.special.expit) is here because it is logaddexp's derivative against 0
expit_p = unary("expit", sc.expit, "sk.expit({0})")
def_derivative(expit_p, lambda ans, x: multiply_p.bind(ans, expit_p.bind(negative_p.bind(x))))

logaddexp_p = binary("logaddexp", np.logaddexp, "rt.logaddexp({0}, {1})")
logaddexp_p.def_jvp(lambda g, ans, x, y: multiply_p.bind(g, _logaddexp_weight(x, y, ans)),
                    lambda g, ans, x, y: multiply_p.bind(g, _logaddexp_weight(y, x, ans)))
unbroadcast_vjps(logaddexp_p, lambda ct, ans, x, y: safe_mul(ct, _logaddexp_weight(x, y, ans)),
                 lambda ct, ans, x, y: safe_mul(ct, _logaddexp_weight(y, x, ans)))


def _logaddexp_weight(x, other, ans):
    """d logaddexp(x, other) / dx = exp(x - ans), with both operands -inf giving 1/2 instead of NaN;
    softplus's derivative expit(x) when the other operand is the constant 0 (cheaper, no guards)."""
    if not isinstance(other, Tracer) and np.ndim(other) == 0 and other == 0:
        return expit_p.bind(x)
    both_inf = equal_p.bind(ans, -np.inf)
    return where_p.bind(both_inf, 0.5, exp_p.bind(subtract_p.bind(x, where_p.bind(both_inf, 0.0, ans))))


# -- trigonometric and hyperbolic -------------------------------------------------------------------
sin_p = unary("sin", np.sin, "math.sin({0})")
sin_p.def_jvp(lambda g, ans, x: multiply_p.bind(g, cos_p.bind(x)))
sin_p.def_vjp(lambda ct, ans, x: safe_mul(ct, cos_p.bind(x)))

cos_p = unary("cos", np.cos, "math.cos({0})")
cos_p.def_jvp(lambda g, ans, x: negative_p.bind(multiply_p.bind(g, sin_p.bind(x))))
cos_p.def_vjp(lambda ct, ans, x: negative_p.bind(safe_mul(ct, sin_p.bind(x))))

tan_p = unary("tan", np.tan, "math.tan({0})")
tan_p.def_jvp(lambda g, ans, x: multiply_p.bind(g, add_p.bind(1.0, square_p.bind(ans))))
tan_p.def_vjp(lambda ct, ans, x: safe_mul(ct, add_p.bind(1.0, square_p.bind(ans))))


def _rsqrt_one_minus_sq(x):
    return reciprocal_p.bind(sqrt_p.bind(subtract_p.bind(1.0, square_p.bind(x))))


arcsin_p = unary("arcsin", np.arcsin, "rt.asin({0})")
arcsin_p.def_jvp(lambda g, ans, x: multiply_p.bind(g, _rsqrt_one_minus_sq(x)))
arcsin_p.def_vjp(lambda ct, ans, x: safe_mul(ct, _rsqrt_one_minus_sq(x)))

arccos_p = unary("arccos", np.arccos, "rt.acos({0})")
arccos_p.def_jvp(lambda g, ans, x: negative_p.bind(multiply_p.bind(g, _rsqrt_one_minus_sq(x))))
arccos_p.def_vjp(lambda ct, ans, x: negative_p.bind(safe_mul(ct, _rsqrt_one_minus_sq(x))))

arctan_p = unary("arctan", np.arctan, "math.atan({0})")
arctan_p.def_jvp(lambda g, ans, x: divide_p.bind(g, add_p.bind(1.0, square_p.bind(x))))
arctan_p.def_vjp(lambda ct, ans, x: safe_mul(ct, reciprocal_p.bind(add_p.bind(1.0, square_p.bind(x)))))

sinh_p = unary("sinh", np.sinh, "math.sinh({0})")
sinh_p.def_jvp(lambda g, ans, x: multiply_p.bind(g, cosh_p.bind(x)))
sinh_p.def_vjp(lambda ct, ans, x: safe_mul(ct, cosh_p.bind(x)))

cosh_p = unary("cosh", np.cosh, "math.cosh({0})")
cosh_p.def_jvp(lambda g, ans, x: multiply_p.bind(g, sinh_p.bind(x)))
cosh_p.def_vjp(lambda ct, ans, x: safe_mul(ct, sinh_p.bind(x)))

tanh_p = unary("tanh", np.tanh, "math.tanh({0})")
tanh_p.def_jvp(lambda g, ans, x: multiply_p.bind(g, subtract_p.bind(1.0, square_p.bind(ans))))
tanh_p.def_vjp(lambda ct, ans, x: safe_mul(ct, subtract_p.bind(1.0, square_p.bind(ans))))

arcsinh_p = unary("arcsinh", np.arcsinh, "math.asinh({0})")
arcsinh_p.def_jvp(lambda g, ans, x: divide_p.bind(g, sqrt_p.bind(add_p.bind(square_p.bind(x), 1.0))))
arcsinh_p.def_vjp(lambda ct, ans, x: safe_mul(ct, reciprocal_p.bind(sqrt_p.bind(add_p.bind(square_p.bind(x), 1.0)))))

arccosh_p = unary("arccosh", np.arccosh, "rt.acosh({0})")
arccosh_p.def_jvp(lambda g, ans, x: divide_p.bind(g, sqrt_p.bind(subtract_p.bind(square_p.bind(x), 1.0))))
arccosh_p.def_vjp(lambda ct, ans, x: safe_mul(ct, reciprocal_p.bind(sqrt_p.bind(subtract_p.bind(square_p.bind(x), 1.0)))))

arctanh_p = unary("arctanh", np.arctanh, "rt.atanh({0})")
arctanh_p.def_jvp(lambda g, ans, x: divide_p.bind(g, subtract_p.bind(1.0, square_p.bind(x))))
arctanh_p.def_vjp(lambda ct, ans, x: safe_mul(ct, reciprocal_p.bind(subtract_p.bind(1.0, square_p.bind(x)))))


def _hypot_sq(x, y):
    return add_p.bind(square_p.bind(x), square_p.bind(y))


arctan2_p = binary("arctan2", np.arctan2, "math.atan2({0}, {1})")
arctan2_p.def_jvp(lambda g, ans, y, x: multiply_p.bind(g, divide_p.bind(x, _hypot_sq(x, y))),
                  lambda g, ans, y, x: negative_p.bind(multiply_p.bind(g, divide_p.bind(y, _hypot_sq(x, y)))))
unbroadcast_vjps(arctan2_p, lambda ct, ans, y, x: safe_mul(ct, divide_p.bind(x, _hypot_sq(x, y))),
                 lambda ct, ans, y, x: negative_p.bind(safe_mul(ct, divide_p.bind(y, _hypot_sq(x, y)))))

hypot_p = binary("hypot", np.hypot, "math.hypot({0}, {1})")
hypot_p.def_jvp(lambda g, ans, x, y: multiply_p.bind(g, divide_p.bind(x, ans)),
                lambda g, ans, x, y: multiply_p.bind(g, divide_p.bind(y, ans)))
unbroadcast_vjps(hypot_p, lambda ct, ans, x, y: safe_mul(ct, divide_p.bind(x, ans)),
                 lambda ct, ans, x, y: safe_mul(ct, divide_p.bind(y, ans)))

# -- piecewise: gradients are routed with where, never multiplied by a mask --------------------------
abs_p = unary("abs", np.abs, "abs({0})", shape=same_shape)
abs_p.def_jvp(lambda g, ans, x: multiply_p.bind(g, sign_p.bind(x)))
abs_p.def_vjp(lambda ct, ans, x: multiply_p.bind(ct, sign_p.bind(x)))


def _pick(mask, ct, tie):
    """ct where mask, ct/2 where tie, else 0: the derivative of max/min, split evenly at ties."""
    return where_p.bind(mask, ct, where_p.bind(tie, multiply_p.bind(ct, 0.5), 0.0))


maximum_p = binary("maximum", np.maximum, "rt.maximum({0}, {1})", shape=broadcasting_shape)
maximum_p.routes_zeros = True  # its outputs may hold zeros moved from its operands
maximum_p.def_jvp(lambda g, ans, x, y: _pick(greater_p.bind(x, y), g, equal_p.bind(x, y)),
                  lambda g, ans, x, y: _pick(less_p.bind(x, y), g, equal_p.bind(x, y)))
unbroadcast_vjps(maximum_p, lambda ct, ans, x, y: _pick(greater_p.bind(x, y), ct, equal_p.bind(x, y)),
                 lambda ct, ans, x, y: _pick(less_p.bind(x, y), ct, equal_p.bind(x, y)))

minimum_p = binary("minimum", np.minimum, "rt.minimum({0}, {1})", shape=broadcasting_shape)
minimum_p.routes_zeros = True  # its outputs may hold zeros moved from its operands
minimum_p.def_jvp(lambda g, ans, x, y: _pick(less_p.bind(x, y), g, equal_p.bind(x, y)),
                  lambda g, ans, x, y: _pick(greater_p.bind(x, y), g, equal_p.bind(x, y)))
unbroadcast_vjps(minimum_p, lambda ct, ans, x, y: _pick(less_p.bind(x, y), ct, equal_p.bind(x, y)),
                 lambda ct, ans, x, y: _pick(greater_p.bind(x, y), ct, equal_p.bind(x, y)))


def _where_shape(c, x, y):
    out = broadcasting_shape(x, y)
    return ShapedArray(broadcast_shapes(c.shape, out.shape), out.dtype)


where_p = Primitive("where")
where_p.routes_zeros = True  # its outputs may hold zeros moved from its operands
where_p.def_impl(lambda c, x, y: np.where(c, x, y))
where_p.def_shape(_where_shape)
where_p.def_emit(Elementwise("({1} if {0} else {2})"))
where_p.def_jvp(None, lambda g, ans, c, x, y: where_p.bind(c, g, 0.0),
                lambda g, ans, c, x, y: where_p.bind(c, 0.0, g))
unbroadcast_vjps(where_p, None, lambda ct, ans, c, x, y: where_p.bind(c, ct, 0.0),
                 lambda ct, ans, c, x, y: where_p.bind(c, 0.0, ct))


def _clip_impl(x, lo, hi):
    return np.minimum(np.maximum(x, lo), hi)


clip_p = Primitive("clip")  # numpy.clip(x, lo, hi) == minimum(maximum(x, lo), hi)
clip_p.routes_zeros = True  # its outputs may hold zeros moved from its operands
clip_p.def_impl(_clip_impl)
clip_p.def_shape(broadcasting_shape)
clip_p.def_emit(Elementwise("rt.clip({0}, {1}, {2})"))
clip_p.def_jvp(lambda g, ans, x, lo, hi: where_p.bind(_clip_inside(x, lo, hi), g, 0.0),
               lambda g, ans, x, lo, hi: where_p.bind(_clip_low(x, lo, hi), g, 0.0),
               lambda g, ans, x, lo, hi: where_p.bind(_clip_high(x, lo, hi), g, 0.0))
unbroadcast_vjps(clip_p, lambda ct, ans, x, lo, hi: where_p.bind(_clip_inside(x, lo, hi), ct, 0.0),
                 lambda ct, ans, x, lo, hi: where_p.bind(_clip_low(x, lo, hi), ct, 0.0),
                 lambda ct, ans, x, lo, hi: where_p.bind(_clip_high(x, lo, hi), ct, 0.0))


def _clip_inside(x, lo, hi):
    return logical_and_p.bind(greater_equal_p.bind(x, lo), less_equal_p.bind(x, hi))


def _clip_low(x, lo, hi):
    return logical_and_p.bind(less_p.bind(x, lo), less_equal_p.bind(lo, hi))


def _clip_high(x, lo, hi):
    return greater_p.bind(maximum_p.bind(x, lo), hi)


# -- no gradient: rounding, signs, comparisons, predicates, casts -----------------------------------
def nograd_unary(name, impl, template, shape=same_shape):
    p = unary(name, impl, template, shape)
    p.def_nograd()
    return p


def nograd_binary(name, impl, template, shape=bool_broadcasting_shape):
    p = binary(name, impl, template, shape)
    p.def_nograd()
    return p


sign_p = nograd_unary("sign", np.sign, "rt.sign({0})")
floor_p = nograd_unary("floor", np.floor, "math.floor({0})")
ceil_p = nograd_unary("ceil", np.ceil, "math.ceil({0})")
rint_p = nograd_unary("rint", np.rint, "rt.rint({0})")
trunc_p = nograd_unary("trunc", np.trunc, "math.trunc({0})")
isfinite_p = nograd_unary("isfinite", np.isfinite, "math.isfinite({0})", shape=lambda x: _bool(x))
isnan_p = nograd_unary("isnan", np.isnan, "math.isnan({0})", shape=lambda x: _bool(x))
isinf_p = nograd_unary("isinf", np.isinf, "math.isinf({0})", shape=lambda x: _bool(x))
logical_not_p = nograd_unary("logical_not", np.logical_not, "(not {0})", shape=lambda x: _bool(x))
floor_divide_p = nograd_binary("floor_divide", np.floor_divide, "({0} // {1})", shape=broadcasting_shape)

greater_p = nograd_binary("greater", np.greater, "({0} > {1})")
greater_equal_p = nograd_binary("greater_equal", np.greater_equal, "({0} >= {1})")
less_p = nograd_binary("less", np.less, "({0} < {1})")
less_equal_p = nograd_binary("less_equal", np.less_equal, "({0} <= {1})")
equal_p = nograd_binary("equal", np.equal, "({0} == {1})")
not_equal_p = nograd_binary("not_equal", np.not_equal, "({0} != {1})")
logical_and_p = nograd_binary("logical_and", np.logical_and, "({0} and {1})")
logical_or_p = nograd_binary("logical_or", np.logical_or, "({0} or {1})")
logical_xor_p = nograd_binary("logical_xor", np.logical_xor, "({0} != {1})")
bitwise_and_p = nograd_binary("bitwise_and", np.bitwise_and, "({0} & {1})", shape=broadcasting_shape)
bitwise_or_p = nograd_binary("bitwise_or", np.bitwise_or, "({0} | {1})", shape=broadcasting_shape)

mod_p = binary("mod", np.mod, "rt.mod({0}, {1})", shape=broadcasting_shape)
mod_p.def_jvp(lambda g, ans, x, y: g,
              lambda g, ans, x, y: negative_p.bind(multiply_p.bind(g, floor_p.bind(divide_p.bind(x, y)))))
unbroadcast_vjps(mod_p, lambda ct, ans, x, y: ct,
                 lambda ct, ans, x, y: negative_p.bind(safe_mul(ct, floor_p.bind(divide_p.bind(x, y)))))


def _bool(x):
    return ShapedArray(x.shape, np.bool_)


def _convert_shape(x, dtype):
    return ShapedArray(x.shape, dtype)


def _convert_template(dtype):
    # np.<dtype>(x) accepts bool, int and float scalars in Numba (float(bool) does not compile)
    dtype = np.dtype(dtype)
    return "np.bool_({0})" if dtype.kind == "b" else f"np.{dtype.name}({{0}})"


convert_p = Primitive("convert_element_type")
convert_p.def_impl(lambda x, dtype: np.asarray(x).astype(dtype))
convert_p.def_shape(_convert_shape)
convert_p.def_emit(Elementwise(lambda dtype: _convert_template(dtype)))
convert_p.def_jvp(lambda g, ans, x, dtype: convert_p.bind(g, dtype=dtype) if np.dtype(dtype).kind == "f" else None)
convert_p.def_vjp(lambda ct, ans, x, dtype: convert_p.bind(ct, dtype=_dtype_of(x)) if np.dtype(_dtype_of(x)).kind == "f"
                  else None)


def _dtype_of(x):
    return get_aval(x).dtype


# -- integer powers: x ** n for a constant integer n (what `x ** 2` binds) ---------------------------
def _integer_pow_impl(x, n):
    x = np.asarray(x)
    if x.dtype.kind in "iub" and n < 0:
        x = x.astype(np.float64)
    return np.power(x, n)


def _integer_pow_shape(x, n):
    return ShapedArray(x.shape, np.float64 if x.dtype.kind in "iub" and n < 0 else x.dtype)


def _integer_pow_template(n):
    if n == 2:
        return "({0} * {0})"
    if n == 3:
        return "({0} * {0} * {0})"
    return "({0} ** %d)" % n if n >= 0 else "(1.0 / ({0} ** %d))" % -n


def _integer_pow_deriv(x, n):
    if n == 1:
        return np.ones((), np.float64)[()]
    return multiply_p.bind(float(n), integer_pow(x, n - 1))


def integer_pow(x, n):
    if n == 0:
        aval = get_aval(x)
        return np.ones(aval.shape, aval.dtype)
    if n == 1:
        return x
    return integer_pow_p.bind(x, n=n)


integer_pow_p = Primitive("integer_pow")
integer_pow_p.def_impl(_integer_pow_impl)
integer_pow_p.def_shape(_integer_pow_shape)
integer_pow_p.def_emit(Elementwise(_integer_pow_template))
integer_pow_p.def_jvp(lambda g, ans, x, n: multiply_p.bind(g, _integer_pow_deriv(x, n)))
integer_pow_p.def_vjp(lambda ct, ans, x, n: safe_mul(ct, _integer_pow_deriv(x, n)))


# -- logaddexp2 and signbit (exact numpy semantics) -------------------------------------------------
def _logaddexp2_weight(x, ans):
    both_inf = equal_p.bind(ans, -np.inf)
    return where_p.bind(both_inf, 0.5, exp2_p.bind(subtract_p.bind(x, where_p.bind(both_inf, 0.0, ans))))


logaddexp2_p = binary("logaddexp2", np.logaddexp2, "rt.logaddexp2({0}, {1})")
logaddexp2_p.def_jvp(lambda g, ans, x, y: multiply_p.bind(g, _logaddexp2_weight(x, ans)),
                     lambda g, ans, x, y: multiply_p.bind(g, _logaddexp2_weight(y, ans)))
unbroadcast_vjps(logaddexp2_p, lambda ct, ans, x, y: safe_mul(ct, _logaddexp2_weight(x, ans)),
                 lambda ct, ans, x, y: safe_mul(ct, _logaddexp2_weight(y, ans)))

signbit_p = nograd_unary("signbit", np.signbit, "(math.copysign(1.0, {0}) < 0.0)", shape=lambda x: _bool(x))

# -- the remaining bitwise operations (integers and booleans; no gradient) ----------------------------
bitwise_xor_p = nograd_binary("bitwise_xor", np.bitwise_xor, "({0} ^ {1})", shape=broadcasting_shape)
left_shift_p = nograd_binary("left_shift", np.left_shift, "({0} << {1})", shape=broadcasting_shape)
right_shift_p = nograd_binary("right_shift", np.right_shift, "({0} >> {1})", shape=broadcasting_shape)
invert_p = nograd_unary("invert", np.invert, "(~{0})")  # integers only: booleans go through logical_not

# -- ldexp and the exponent of frexp: x * 2**n exactly, and the n with x = m * 2**n, 0.5 <= |m| < 1 -------
ldexp_p = binary("ldexp", np.ldexp, "math.ldexp({0}, {1})")
ldexp_p.def_jvp(lambda g, ans, x, n: ldexp_p.bind(g, n), None)
unbroadcast_vjps(ldexp_p, lambda ct, ans, x, n: ldexp_p.bind(ct, n), None)

frexp_exponent_p = nograd_unary("frexp_exponent", lambda x: np.frexp(x)[1], "np.int32(math.frexp({0})[1])",
                                shape=lambda x: _int32(x))


def _int32(x):
    return ShapedArray(x.shape, np.int32)
