"""Elementwise special-function primitives: log-gamma family, error functions, normal CDF, Bessel, logistic, xlogy.

Each block is a primitive whose impl is the `scipy.special` function of the same name, whose
derivative is written with primitives (so every order is traced), and whose scalar code calls
the @njit kernel of the same name in `autodiff/codegen/special_kernels.py` (`sk` in generated
code), so these ops fuse into loops under `jit`. `def_derivative` registers the common shape of
rules: tangent `g * d`, cotangent `ct * d`, both with `safe_mul` because these derivatives are
often infinite at the edge of the domain (erfinv at +-1, logit at 0) and a zero tangent must stay zero.

The incomplete gamma/beta functions and Student's t CDF (`gammainc`, `gammaincc`, `betainc`,
`stdtr`) are differentiable in every argument: their derivatives in a shape argument (a, b, df) have
no closed form and come from kernels that differentiate the series / continued fraction computing
the function (`gammainc_da`, `betainc_da`, `betainc_db`); those are first order in the shape
arguments (a second derivative in a, b or df raises NotImplementedError; mixed ones with x work).
"""
import math

import numpy as np
import scipy.special as sc

from ..codegen import special_kernels as kernels  # the shape-derivative kernels also serve as numpy ufuncs
from ..core import Elementwise, Primitive
from ..rules import float_broadcasting_shape
from .elementwise import (add_p, binary, def_derivative, divide_p, equal_p, exp_p, expm1_p, floor_p, log1p_p, log_p,
                          logical_and_p, maximum_p, multiply_p, negative_p, reciprocal_p, sign_p, square_p, subtract_p,
                          unary, where_p)
from .elementwise import expit_p  # noqa: F401  (scipy.special's expit, defined with logaddexp)
from ..avals import get_aval

SQRT_PI = math.sqrt(math.pi)
LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
LOG_PI = math.log(math.pi)


def _shape(x):
    return get_aval(x).shape


def no_closed_form(name, arg):
    """A partial derivative that raises: `name` is not differentiable in `arg` here."""
    def d(ans, *args):
        raise NotImplementedError(f"the derivative of {name} with respect to {arg} is not implemented (no closed "
                                  "form); differentiate with respect to the last argument only")
    return d


def no_derivative(name, arg):
    """A partial derivative that raises: `name` is not differentiable in `arg` (an order or a parameter)."""
    def d(ans, *args):
        raise NotImplementedError(f"{name} is not differentiable with respect to {arg}; treat it as a constant "
                                  "(wrap it in ad.stop_gradient) and differentiate with respect to x")
    return d


def mul(*xs):
    out = xs[0]
    for x in xs[1:]:
        out = multiply_p.bind(out, x)
    return out


# -- log-gamma family --------------------------------------------------------------------------------
gammaln_p = unary("gammaln", sc.gammaln, "sk.gammaln({0})")
def_derivative(gammaln_p, lambda ans, x: digamma_p.bind(x))

digamma_p = unary("digamma", sc.digamma, "sk.digamma({0})")
def_derivative(digamma_p, lambda ans, x: polygamma_p.bind(x, n=1))


def _polygamma_template(n):
    return "sk.digamma({0})" if n == 0 else "sk.trigamma({0})" if n == 1 else "sk.polygamma(%d, {0})" % n


polygamma_p = unary("polygamma", lambda x, n: sc.polygamma(n, x), _polygamma_template)  # n: static int >= 0
def_derivative(polygamma_p, lambda ans, x, n: polygamma_p.bind(x, n=n + 1))

# Numba's math.gamma has scipy's semantics (inf at +0, -inf at -0, nan at the negative integers)
gamma_p = unary("gamma", sc.gamma, "math.gamma({0})")
def_derivative(gamma_p, lambda ans, x: multiply_p.bind(ans, digamma_p.bind(x)))

betaln_p = binary("betaln", sc.betaln, "sk.betaln({0}, {1})")
def_derivative(betaln_p, lambda ans, a, b: subtract_p.bind(digamma_p.bind(a), digamma_p.bind(add_p.bind(a, b))),
               lambda ans, a, b: subtract_p.bind(digamma_p.bind(b), digamma_p.bind(add_p.bind(a, b))))


# -- error function and the normal distribution ----------------------------------------------------------
def _gauss(x, scale):
    """scale * exp(-x**2)."""
    return multiply_p.bind(scale, exp_p.bind(negative_p.bind(square_p.bind(x))))


erf_p = unary("erf", sc.erf, "sk.erf({0})")
def_derivative(erf_p, lambda ans, x: _gauss(x, 2.0 / SQRT_PI))

erfc_p = unary("erfc", sc.erfc, "sk.erfc({0})")
def_derivative(erfc_p, lambda ans, x: _gauss(x, -2.0 / SQRT_PI))

erfinv_p = unary("erfinv", sc.erfinv, "sk.erfinv({0})")
def_derivative(erfinv_p, lambda ans, x: multiply_p.bind(SQRT_PI / 2.0, exp_p.bind(square_p.bind(ans))))

erfcinv_p = unary("erfcinv", sc.erfcinv, "sk.erfcinv({0})")
def_derivative(erfcinv_p, lambda ans, x: multiply_p.bind(-SQRT_PI / 2.0, exp_p.bind(square_p.bind(ans))))


def _log_normal_pdf(x):
    """log phi(x) = -x**2/2 - log(sqrt(2 pi))."""
    return subtract_p.bind(multiply_p.bind(-0.5, square_p.bind(x)), LOG_SQRT_2PI)


ndtr_p = unary("ndtr", sc.ndtr, "sk.ndtr({0})")
def_derivative(ndtr_p, lambda ans, x: exp_p.bind(_log_normal_pdf(x)))

# d/dx log Phi(x) = phi(x) / Phi(x), formed in log space: the ratio stays finite far in the left tail
log_ndtr_p = unary("log_ndtr", sc.log_ndtr, "sk.log_ndtr({0})")
def_derivative(log_ndtr_p, lambda ans, x: exp_p.bind(subtract_p.bind(_log_normal_pdf(x), ans)))

ndtri_p = unary("ndtri", sc.ndtri, "sk.ndtri({0})")
def_derivative(ndtri_p, lambda ans, x: exp_p.bind(negative_p.bind(_log_normal_pdf(ans))))


# -- modified Bessel functions of orders 0 and 1 (plain and exponentially scaled) ------------------------
def _i1_over_x(ans, x):
    """i1(x)/x (or i1e(x)/x), with its limit 1/2 at x = 0."""
    zero = equal_p.bind(x, 0.0)
    return where_p.bind(zero, 0.5, divide_p.bind(ans, where_p.bind(zero, 1.0, x)))


i0_p = unary("i0", sc.i0, "sk.i0({0})")
def_derivative(i0_p, lambda ans, x: i1_p.bind(x))

i1_p = unary("i1", sc.i1, "sk.i1({0})")
def_derivative(i1_p, lambda ans, x: subtract_p.bind(i0_p.bind(x), _i1_over_x(ans, x)))

# i0e = exp(-|x|) i0:  i0e' = i1e - sign(x) i0e
i0e_p = unary("i0e", sc.i0e, "sk.i0e({0})")
def_derivative(i0e_p, lambda ans, x: subtract_p.bind(i1e_p.bind(x), multiply_p.bind(sign_p.bind(x), ans)))

# i1e = exp(-|x|) i1:  i1e' = i0e - i1e (sign(x) + 1/x), which is 1/2 at x = 0
i1e_p = unary("i1e", sc.i1e, "sk.i1e({0})")
def_derivative(i1e_p, lambda ans, x: subtract_p.bind(
    subtract_p.bind(i0e_p.bind(x), multiply_p.bind(sign_p.bind(x), ans)), _i1_over_x(ans, x)))

# -- logistic family ---------------------------------------------------------------------------------------
# expit' = expit(x) expit(-x): no cancellation in 1 - expit(x) for large x
logit_p = unary("logit", sc.logit, "sk.logit({0})")
def_derivative(logit_p, lambda ans, x: reciprocal_p.bind(multiply_p.bind(x, subtract_p.bind(1.0, x))))

log_expit_p = unary("log_expit", sc.log_expit, "sk.log_expit({0})")
def_derivative(log_expit_p, lambda ans, x: expit_p.bind(negative_p.bind(x)))

softplus_p = unary("softplus", lambda x: sc.softplus(x), "sk.softplus({0})")
def_derivative(softplus_p, lambda ans, x: expit_p.bind(x))


def _log1mexp_impl(x):
    """log(1 - exp(x)) for x <= 0 (Maechler 2012: log(-expm1(x)) near 0, log1p(-exp(x)) below -log 2)."""
    x = np.asarray(x, np.result_type(x, 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(x > -math.log(2.0), np.log(-np.expm1(x)), np.log1p(-np.exp(x)))
    return out[()] if out.ndim == 0 else out


# log1mexp(x) = log(1 - exp(x)):  d/dx = -exp(x) / (1 - exp(x)) = -1 / expm1(-x)
log1mexp_p = unary("log1mexp", _log1mexp_impl, "sk.log1mexp({0})")
def_derivative(log1mexp_p, lambda ans, x: negative_p.bind(reciprocal_p.bind(expm1_p.bind(negative_p.bind(x)))))


# -- x log y, zero where x == 0 --------------------------------------------------------------------------------
def _x_over(x, y):
    """x / y, with 0 / 0 = 0: xlogy(0, 0) = 0 has zero gradient in y (and the mixed derivative 1/y stays)."""
    return divide_p.bind(x, where_p.bind(logical_and_p.bind(equal_p.bind(x, 0.0), equal_p.bind(y, 0.0)), 1.0, y))


xlogy_p = binary("xlogy", sc.xlogy, "sk.xlogy({0}, {1})")
def_derivative(xlogy_p, lambda ans, x, y: log_p.bind(y), lambda ans, x, y: _x_over(x, y))

xlog1py_p = binary("xlog1py", sc.xlog1py, "sk.xlog1py({0}, {1})")
def_derivative(xlog1py_p, lambda ans, x, y: log1p_p.bind(y), lambda ans, x, y: _x_over(x, add_p.bind(y, 1.0)))


# -- regularized incomplete gamma and beta functions, Student's t CDF: differentiable in x only -------------------
def _gamma_density(a, x):
    """x**(a-1) exp(-x) / Gamma(a), the x-derivative of gammainc(a, x)."""
    return exp_p.bind(subtract_p.bind(subtract_p.bind(xlogy_p.bind(subtract_p.bind(a, 1.0), x), x), gammaln_p.bind(a)))


# d/da has no closed form: gammainc_da differentiates the series / continued fraction that computes P (Numba
# kernel in codegen/special_kernels_incomplete_grad.py); its own a-derivative is not implemented (first order in a)
gammainc_da_p = binary("gammainc_da", kernels.gammainc_da_ufunc, "sk.gammainc_da({0}, {1})")
def_derivative(gammainc_da_p, no_closed_form("the a-derivative of gammainc", "a (second order)"),
               lambda ans, a, x: multiply_p.bind(_gamma_density(a, x),
                                                 subtract_p.bind(log_p.bind(x), digamma_p.bind(a))))

gammainc_p = binary("gammainc", sc.gammainc, "sk.gammainc({0}, {1})")
def_derivative(gammainc_p, lambda ans, a, x: gammainc_da_p.bind(a, x), lambda ans, a, x: _gamma_density(a, x))

gammaincc_p = binary("gammaincc", sc.gammaincc, "sk.gammaincc({0}, {1})")
def_derivative(gammaincc_p, lambda ans, a, x: negative_p.bind(gammainc_da_p.bind(a, x)),
               lambda ans, a, x: negative_p.bind(_gamma_density(a, x)))


def _beta_density(a, b, x):
    """x**(a-1) (1-x)**(b-1) / B(a, b), the x-derivative of betainc(a, b, x)."""
    logp = add_p.bind(xlogy_p.bind(subtract_p.bind(a, 1.0), x),
                      xlog1py_p.bind(subtract_p.bind(b, 1.0), negative_p.bind(x)))
    return exp_p.bind(subtract_p.bind(logp, betaln_p.bind(a, b)))


betainc_p = Primitive("betainc")
betainc_p.def_impl(sc.betainc)
betainc_p.def_shape(float_broadcasting_shape)
betainc_p.def_emit(Elementwise("sk.betainc({0}, {1}, {2})"))

def _ternary(name, impl, template):
    p = Primitive(name)
    p.def_impl(impl)
    p.def_shape(float_broadcasting_shape)
    p.def_emit(Elementwise(template))
    return p


# d/da and d/db of betainc: the continued fraction differentiated along its iteration (first order in a, b)
betainc_da_p = _ternary("betainc_da", kernels.betainc_da_ufunc, "sk.betainc_da({0}, {1}, {2})")
betainc_db_p = _ternary("betainc_db", kernels.betainc_db_ufunc, "sk.betainc_db({0}, {1}, {2})")
def_derivative(betainc_da_p, no_closed_form("the a-derivative of betainc", "a (second order)"),
               no_closed_form("the a-derivative of betainc", "b (second order)"),
               lambda ans, a, b, x: multiply_p.bind(_beta_density(a, b, x), subtract_p.bind(
                   log_p.bind(x), subtract_p.bind(digamma_p.bind(a), digamma_p.bind(add_p.bind(a, b))))))
def_derivative(betainc_db_p, no_closed_form("the b-derivative of betainc", "a (second order)"),
               no_closed_form("the b-derivative of betainc", "b (second order)"),
               lambda ans, a, b, x: multiply_p.bind(_beta_density(a, b, x), subtract_p.bind(
                   log1p_p.bind(negative_p.bind(x)),
                   subtract_p.bind(digamma_p.bind(b), digamma_p.bind(add_p.bind(a, b))))))
def_derivative(betainc_p, lambda ans, a, b, x: betainc_da_p.bind(a, b, x),
               lambda ans, a, b, x: betainc_db_p.bind(a, b, x), lambda ans, a, b, x: _beta_density(a, b, x))


def t_logpdf_standard(t, df):
    """log of Student's t density with `df` degrees of freedom at t (loc 0, scale 1)."""
    half = multiply_p.bind(0.5, df)
    norm = subtract_p.bind(gammaln_p.bind(add_p.bind(half, 0.5)), gammaln_p.bind(half))
    norm = subtract_p.bind(norm, multiply_p.bind(0.5, add_p.bind(log_p.bind(df), LOG_PI)))
    tail = mul(add_p.bind(half, 0.5), log1p_p.bind(divide_p.bind(square_p.bind(t), df)))
    return subtract_p.bind(norm, tail)


def _stdtr_ddf(ans, df, t):
    """d/ddf of stdtr(df, t) = 1/2 + sign(t) (1/2 - I_x(df/2, 1/2) / 2), x = df / (df + t^2):
    -sign(t) / 2 (dI/da / 2 + beta density(x) t^2 / (df + t^2)^2); 0 at t = 0."""
    t2 = square_p.bind(t)
    s = add_p.bind(df, t2)
    x = divide_p.bind(df, s)
    half_df = multiply_p.bind(0.5, df)
    d_i = add_p.bind(multiply_p.bind(0.5, betainc_da_p.bind(half_df, 0.5, x)),
                     multiply_p.bind(_beta_density(half_df, 0.5, x), divide_p.bind(t2, square_p.bind(s))))
    return mul(-0.5, sign_p.bind(t), d_i)


stdtr_p = binary("stdtr", sc.stdtr, "sk.stdtr({0}, {1})")
def_derivative(stdtr_p, _stdtr_ddf, lambda ans, df, t: exp_p.bind(t_logpdf_standard(t, df)))

# -- exponential integrals, erfcx, Lambert W, zeta ------------------------------------------------------------
TWO_OVER_SQRT_PI = 2.0 / SQRT_PI

erfcx_p = unary("erfcx", sc.erfcx, "sk.erfcx({0})")
def_derivative(erfcx_p, lambda ans, x: subtract_p.bind(mul(2.0, x, ans), TWO_OVER_SQRT_PI))

exp1_p = unary("exp1", sc.exp1, "sk.exp1({0})")
def_derivative(exp1_p, lambda ans, x: negative_p.bind(divide_p.bind(exp_p.bind(negative_p.bind(x)), x)))

expi_p = unary("expi", sc.expi, "sk.expi({0})")
def_derivative(expi_p, lambda ans, x: divide_p.bind(exp_p.bind(x), x))


def _expn_dx(ans, n, x):
    """d/dx E_n(x) = -E_{n-1}(x) for n >= 1; -E_0(x) (1 + 1/x) for n = 0."""
    n = floor_p.bind(n)
    lower = expn_p.bind(maximum_p.bind(subtract_p.bind(n, 1.0), 0.0), x)
    e0 = multiply_p.bind(ans, add_p.bind(1.0, reciprocal_p.bind(x)))
    return negative_p.bind(where_p.bind(equal_p.bind(n, 0.0), e0, lower))


expn_p = binary("expn", lambda n, x: sc.expn(np.floor(n) if np.ndim(n) or np.isfinite(n) else n, x),
                "sk.expn({0}, {1})")
def_derivative(expn_p, no_derivative("expn", "the integer order n"), _expn_dx)

# W' = W / (x (1 + W)) = exp(-W) / (1 + W), finite (1) at x = 0
lambertw_p = unary("lambertw", lambda x: _lambertw_real(x), "sk.lambertw0({0})")
def_derivative(lambertw_p, lambda ans, x: divide_p.bind(exp_p.bind(negative_p.bind(ans)), add_p.bind(1.0, ans)))


def _lambertw_real(x):
    x = np.asarray(x, np.float64)
    with np.errstate(invalid="ignore"):
        out = np.where(x < -1.0 / np.e, np.nan, sc.lambertw(np.maximum(x, -1.0 / np.e)).real)
    return out[()] if out.ndim == 0 else out


zeta_p = unary("zeta", sc.zeta, "sk.zeta_riemann({0})")
def_derivative(zeta_p, no_derivative("zeta", "x (no closed form)"))

# d/dq zeta(x, q) = -x zeta(x + 1, q)
hurwitz_zeta_p = binary("hurwitz_zeta", sc.zeta, "sk.zeta_hurwitz({0}, {1})")
def_derivative(hurwitz_zeta_p, no_derivative("zeta(x, q)", "x (no closed form)"),
               lambda ans, x, q: negative_p.bind(multiply_p.bind(x, hurwitz_zeta_p.bind(add_p.bind(x, 1.0), q))))

# -- inverses of the incomplete gamma and beta functions: derivative in y is 1 / density at the answer ----------
gammaincinv_p = binary("gammaincinv", sc.gammaincinv, "sk.gammaincinv({0}, {1})")
def_derivative(gammaincinv_p,  # implicit: P(a, x(a)) = y, so dx/da = -dP/da / dP/dx
               lambda ans, a, y: negative_p.bind(divide_p.bind(gammainc_da_p.bind(a, ans), _gamma_density(a, ans))),
               lambda ans, a, y: reciprocal_p.bind(_gamma_density(a, ans)))

betaincinv_p = Primitive("betaincinv")
betaincinv_p.def_impl(sc.betaincinv)
betaincinv_p.def_shape(float_broadcasting_shape)
betaincinv_p.def_emit(Elementwise("sk.betaincinv({0}, {1}, {2})"))
def_derivative(betaincinv_p,
               lambda ans, a, b, y: negative_p.bind(divide_p.bind(betainc_da_p.bind(a, b, ans),
                                                                  _beta_density(a, b, ans))),
               lambda ans, a, b, y: negative_p.bind(divide_p.bind(betainc_db_p.bind(a, b, ans),
                                                                  _beta_density(a, b, ans))),
               lambda ans, a, b, y: reciprocal_p.bind(_beta_density(a, b, ans)))


# -- Bessel functions of real order, confluent and Gauss hypergeometric functions, Owen's T -------------------
def _half_sum(p, v, x, sign):
    return multiply_p.bind(0.5, (add_p if sign > 0 else subtract_p).bind(p.bind(subtract_p.bind(v, 1.0), x),
                                                                         p.bind(add_p.bind(v, 1.0), x)))


# Bessel functions of real order: Temme's method in Numba (codegen/special_kernels_bessel.py)
kv_p = binary("kv", sc.kv, "sk.kv({0}, {1})")
def_derivative(kv_p, no_derivative("kv", "the order v"), lambda ans, v, x: negative_p.bind(_half_sum(kv_p, v, x, 1)))
iv_p = binary("iv", sc.iv, "sk.iv({0}, {1})")
def_derivative(iv_p, no_derivative("iv", "the order v"), lambda ans, v, x: _half_sum(iv_p, v, x, 1))
ive_p = binary("ive", sc.ive, "sk.ive({0}, {1})")  # ive = iv exp(-|x|): ive' = (ive(v-1) + ive(v+1)) / 2 - sign(x) ive
def_derivative(ive_p, no_derivative("ive", "the order v"),
               lambda ans, v, x: subtract_p.bind(_half_sum(ive_p, v, x, 1), multiply_p.bind(sign_p.bind(x), ans)))
k0_p = unary("k0", sc.k0, "sk.k0({0})")
k1_p = unary("k1", sc.k1, "sk.k1({0})")
jv_p = binary("jv", sc.jv, "sk.jv({0}, {1})")
def_derivative(jv_p, no_derivative("jv", "the order v"), lambda ans, v, x: _half_sum(jv_p, v, x, -1))
def_derivative(k0_p, lambda ans, x: negative_p.bind(k1_p.bind(x)))
def_derivative(k1_p, lambda ans, x: negative_p.bind(add_p.bind(k0_p.bind(x), divide_p.bind(ans, x))))

def _hyp1f1_impl(a, b, x):
    """scipy.special.hyp1f1, with nan at x = +-inf (scipy's loops forever at x = +inf)."""
    x = np.asarray(x, np.float64)
    infinite = np.isinf(x)
    out = np.where(infinite, np.nan, sc.hyp1f1(a, b, np.where(infinite, 0.0, x)))
    return out[()] if out.ndim == 0 else out


hyp1f1_p = _ternary("hyp1f1", _hyp1f1_impl, "sk.hyp1f1({0}, {1}, {2})")  # d/dx 1F1(a; b; x) = a/b 1F1(a+1; b+1; x)
def_derivative(hyp1f1_p, no_derivative("hyp1f1", "a"), no_derivative("hyp1f1", "b"),
               lambda ans, a, b, x: mul(divide_p.bind(a, b), hyp1f1_p.bind(add_p.bind(a, 1.0), add_p.bind(b, 1.0), x)))
# Gauss's 2F1: series, Pfaff and 1 - z connection in Numba (codegen/special_kernels_hypergeometric.py)
hyp2f1_p = _ternary("hyp2f1", sc.hyp2f1, "sk.hyp2f1({0}, {1}, {2}, {3})")  # d/dx = ab/c 2F1(a+1, b+1; c+1; x)
def_derivative(hyp2f1_p, no_derivative("hyp2f1", "a"), no_derivative("hyp2f1", "b"), no_derivative("hyp2f1", "c"),
               lambda ans, a, b, c, x: mul(divide_p.bind(multiply_p.bind(a, b), c),
                                           hyp2f1_p.bind(add_p.bind(a, 1.0), add_p.bind(b, 1.0),
                                                         add_p.bind(c, 1.0), x)))


def _owens_t_dh(ans, h, a):
    """dT/dh = -phi(h) erf(a h / sqrt 2) / 2."""
    return mul(-0.5, exp_p.bind(_log_normal_pdf(h)), erf_p.bind(mul(a, h, 1.0 / math.sqrt(2.0))))


def _owens_t_da(ans, h, a):
    """dT/da = exp(-h^2 (1 + a^2) / 2) / (2 pi (1 + a^2))."""
    one_a2 = add_p.bind(1.0, square_p.bind(a))
    return divide_p.bind(exp_p.bind(mul(-0.5, square_p.bind(h), one_a2)), multiply_p.bind(2.0 * math.pi, one_a2))


owens_t_p = binary("owens_t", sc.owens_t, "sk.owens_t({0}, {1})")  # kernel: codegen/special_kernels_normal.py
def_derivative(owens_t_p, _owens_t_dh, _owens_t_da)

__all__ = ["gammaln_p", "digamma_p", "polygamma_p", "gamma_p", "betaln_p", "erf_p", "erfc_p", "erfinv_p",
           "erfcinv_p", "ndtr_p", "log_ndtr_p", "ndtri_p", "i0_p", "i1_p", "i0e_p", "i1e_p", "expit_p", "logit_p",
           "log_expit_p", "softplus_p", "log1mexp_p", "xlogy_p", "xlog1py_p", "gammainc_p", "gammaincc_p",
           "betainc_p", "stdtr_p", "def_derivative", "t_logpdf_standard", "erfcx_p", "exp1_p", "expi_p", "expn_p",
           "lambertw_p", "zeta_p", "hurwitz_zeta_p", "gammaincinv_p", "betaincinv_p", "kv_p", "iv_p", "ive_p", "jv_p",
           "k0_p", "k1_p", "hyp1f1_p", "hyp2f1_p", "owens_t_p", "gammainc_da_p", "betainc_da_p", "betainc_db_p"]
