"""scipy.special names added with issue 10: exponential integrals, erfcx, Lambert W, zeta, inverse incomplete
gamma/beta, Bessel functions of real order, hypergeometric functions, Owen's T, and composites of the gamma
function (poch, factorial, gammasgn) and the Box-Cox transforms.

Each follows scipy.special's signature and values. Differentiable in x everywhere the math is (rules
in autodiff/primitives/special.py); orders and shape parameters (n of expn, v of kv/iv/ive/jv, a/b/c
of the hypergeometric functions, a and b of gammaincinv/betaincinv, x of zeta) are not: asking for
those derivatives raises NotImplementedError. Departures from scipy, by design:
- lambertw(x, k=0) returns the real principal branch (float, nan below -1/e) where scipy returns
  complex; only k=0 is supported; `tol` is accepted and ignored (Halley's iteration to full precision).
- hyp2f1's compiled kernel (double-double series, Pfaff's transformation, the connection to 1 - z, and for
  a - b within 0.05 of an integer at large negative z the 1/z connection with its cancelling poles removed)
  agrees with mpmath to 1e-11 on a wide grid; for z > 1 it returns inf as scipy does unless the series
  terminates.
- hyp1f1's compiled kernel (double-double series / asymptotic expansion after Kummer's transformation)
  gives nan only where that series loses more than 12 digits (a, or b - a for x < 0, at or below about
  -20 with 10 < |x| < 150), where scipy (eagerly) still has a value; x = +-inf gives nan (scipy's hyp1f1
  does not return at x = +inf).
- kv, iv, ive, k0, k1 and jv (Temme's method and
  Steed's continued fractions; jv's compiled values lose absolute accuracy ~1e-11 for x ~ 1e4, where
  scipy switches to asymptotic expansions) and owens_t (Gauss-Legendre after reduction to a <= 1) compile; where scipy's own evaluation
  underflows early (kv(0, 700) is 0.0 in scipy) the kernel
  keeps the finite value.
- expi and expn keep the finite value where scipy's intermediate exp over/underflows (expi(710) is
  3.2e305 here, inf in scipy); betaincinv gives 0 where the answer is below the smallest double.
"""
import numpy as np
import scipy.special as _sc

from .. import numpy as anp
from ..core import concrete_or_none
from ..custom import stop_gradient
from ..numpy import _util
from ..primitives import special as sp
from .special_composites import exprel


def _f(x):
    x = anp.asarray(x) if isinstance(x, (list, tuple, int, float)) else x
    return x if _util.dtype(x).kind == "f" else anp.astype(x, np.float64)


def _scalar(x):
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


def _bind(p, *args):
    return _scalar(p.bind(*[_f(a) for a in args]))


def erfcx(x):
    """scipy.special.erfcx: exp(x**2) erfc(x), accurate for large x; derivative 2 x erfcx(x) - 2/sqrt(pi)."""
    return _bind(sp.erfcx_p, x)


def exp1(x):
    """scipy.special.exp1: E1(x) = int_1^inf exp(-x t)/t dt for x >= 0 (nan below 0); derivative -exp(-x)/x."""
    return _bind(sp.exp1_p, x)


def expi(x):
    """scipy.special.expi: the exponential integral Ei(x); derivative exp(x)/x."""
    return _bind(sp.expi_p, x)


def expn(n, x):
    """scipy.special.expn(n, x): E_n(x) for integer n >= 0 (n truncated, as scipy); derivative -E_{n-1}(x) in x."""
    return _bind(sp.expn_p, n, x)


def lambertw(z, k=0, tol=1e-8):
    """scipy.special.lambertw on its real principal branch: w with w exp(w) = z, z >= -1/e (real output)."""
    if k != 0:
        raise NotImplementedError("lambertw: only the principal branch k=0 (real, z >= -1/e) is implemented")
    return _bind(sp.lambertw_p, z)


def zeta(x, q=None):
    """scipy.special.zeta: Riemann zeta(x) (q=None, analytically continued) or Hurwitz zeta(x, q) (x > 1).

    Differentiable in q (d/dq = -x zeta(x + 1, q)), not in x.
    """
    if q is None:
        return _bind(sp.zeta_p, x)
    return _bind(sp.hurwitz_zeta_p, x, q)


def gammaincinv(a, y):
    """scipy.special.gammaincinv: x with gammainc(a, x) = y; derivative in y is 1 / the gamma density at x."""
    return _bind(sp.gammaincinv_p, a, y)


def betaincinv(a, b, y):
    """scipy.special.betaincinv: x with betainc(a, b, x) = y; derivative in y is 1 / the beta density at x."""
    return _bind(sp.betaincinv_p, a, b, y)


def gammainccinv(a, y):
    """scipy.special.gammainccinv: x with gammaincc(a, x) = y, as gammaincinv(a, 1 - y) (y below ~1e-8 loses the
    relative digits that 1 - y rounds away)."""
    a, y = _f(a), _f(y)
    return _scalar(gammaincinv(a, anp.subtract(1.0, y)))


def stdtrit(df, p):
    """scipy.special.stdtrit: the t with stdtr(df, t) = p, from betaincinv; differentiable in p and (first order)
    in df.

    In the tails (min(p, 1 - p) < 1/4) |t| solves betainc(df/2, 1/2, df / (df + t**2)) = 2 min(p, 1 - p):
    x = betaincinv(df/2, 1/2, 2 min(p, 1 - p)) and t**2 = df (1 - x) / x, x the small side of the
    ratio; in the centre t = sqrt(df) (1/2 - c) / sqrt(c (1 - c)) with c = betaincinv(df/2, df/2, min(p, 1 - p))
    (a Beta(df/2, df/2) variable maps to a t variable that way), smooth through p = 1/2 so the derivative
    is finite there. Absolute error ~1e-16 sqrt(df) near the centre, relative ~1e-16 (1 + df / t**2) in
    the tails; df = inf is the normal quantile ndtri(p). At p = 0 it
    returns -inf (scipy.stats.t.ppf's value; scipy.special.stdtrit 1.17 returns +inf there and for p < ~1e-280).
    """
    df, p = _f(df), _f(p)
    normal = anp.equal(df, np.inf)
    df_finite = anp.where(normal, 1.0, df)
    return _scalar(anp.where(normal, sp.ndtri_p.bind(p), _stdtrit_finite(df_finite, p)))


def _stdtrit_finite(df, p):
    lower = anp.less(p, 0.5)
    p_low = anp.where(lower, p, anp.subtract(1.0, p))  # the lower tail; t is odd in p - 1/2
    tail = anp.less(p_low, 0.25)
    half_df = anp.multiply(0.5, df)
    x = betaincinv(half_df, 0.5, anp.multiply(2.0, anp.where(tail, p_low, 0.125)))
    t_tail = anp.sqrt(anp.multiply(df, anp.divide(anp.subtract(1.0, x), x)))
    c = betaincinv(half_df, half_df, anp.where(tail, 0.375, p_low))  # c <= 1/2 in the centre
    c = anp.add(c, stop_gradient(anp.where(anp.equal(p_low, 0.5), anp.subtract(0.5, c), 0.0)))  # t(1/2) = 0 exactly
    t_centre = anp.divide(anp.multiply(anp.sqrt(df), anp.subtract(0.5, c)),
                          anp.sqrt(anp.multiply(c, anp.subtract(1.0, c))))
    t = anp.where(tail, t_tail, t_centre)
    return anp.where(lower, anp.negative(t), t)


def kv(v, z):
    """scipy.special.kv: modified Bessel function of the second kind of real order v (differentiable in z)."""
    return _bind(sp.kv_p, v, z)


def iv(v, z):
    """scipy.special.iv: modified Bessel function of the first kind of real order v (differentiable in z)."""
    return _bind(sp.iv_p, v, z)


def ive(v, z):
    """scipy.special.ive = iv(v, z) exp(-|z|) (differentiable in z)."""
    return _bind(sp.ive_p, v, z)


def jv(v, z):
    """scipy.special.jv: Bessel function of the first kind of real order v (differentiable in z)."""
    return _bind(sp.jv_p, v, z)


def k0(x):
    """scipy.special.k0: modified Bessel function of the second kind of order 0; derivative -k1(x)."""
    return _bind(sp.k0_p, x)


def k1(x):
    """scipy.special.k1: modified Bessel function of the second kind of order 1; derivative -k0(x) - k1(x)/x."""
    return _bind(sp.k1_p, x)


def hyp1f1(a, b, x):
    """scipy.special.hyp1f1: Kummer's confluent hypergeometric function 1F1(a; b; x) (differentiable in x).

    Eager values are scipy's. The compiled kernel (under jit) agrees with mpmath to 1e-12 except where its
    double-double series cancels by more than 1e18 (largest term / sum: a, or b - a for x < 0, below about -30
    with |x| between ~20 and ~150, e.g. 1F1(-30.5; 40; 44); the band widens with |a|): there it gives nan."""
    return _bind(sp.hyp1f1_p, a, b, x)


def hyp2f1(a, b, c, z):
    """scipy.special.hyp2f1: the Gauss hypergeometric function 2F1(a, b; c; z) for real z (differentiable in z).

    Eager values are scipy's. The compiled kernel (under jit) agrees with mpmath to 1e-11 (also where a - b is
    an integer or nearly one at large negative z, where scipy's own value can be off by percents), follows
    scipy's inf for z > 1, and gives nan where its series would lose more than 12 digits."""
    return _bind(sp.hyp2f1_p, a, b, c, z)


def owens_t(h, a):
    """scipy.special.owens_t: Owen's T function T(h, a), differentiable in both h and a."""
    return _bind(sp.owens_t_p, h, a)


# -- composites of the gamma function ----------------------------------------------------------------------
def gammasgn(x):
    """scipy.special.gammasgn: the sign of Gamma(x): 1 for x > 0 (and +0), -1 for -0, (-1)**ceil(-x) between the
    negative poles, nan at the poles, -inf and nan (no gradient)."""
    x = stop_gradient(_f(x))
    pole = anp.logical_or(anp.logical_and(anp.less(x, 0), anp.equal(anp.floor(x), x)), anp.isnan(x))
    odd = anp.equal(anp.mod(anp.floor(anp.negative(x)), 2.0), 0.0)
    neg = anp.where(odd, -1.0, 1.0)
    out = anp.where(anp.greater(x, 0), 1.0, anp.where(anp.equal(x, 0), anp.where(anp.signbit(x), -1.0, 1.0), neg))
    return _scalar(anp.where(pole, np.nan, out))


def poch(z, m):
    """scipy.special.poch: the rising factorial (z)_m = Gamma(z + m) / Gamma(z), as exp(gammaln difference) times
    the signs; 1 at m = 0. Accurate to ~1e-13 relative for moderate arguments (scipy uses exact products
    for small integer m); at the poles it differs from scipy's limits."""
    z, m = _f(z), _f(m)
    zm = anp.add(z, m)
    sign = anp.multiply(gammasgn(zm), gammasgn(z))
    out = anp.multiply(sign, anp.exp(anp.subtract(sp.gammaln_p.bind(zm), sp.gammaln_p.bind(z))))
    return _scalar(anp.where(anp.equal(m, 0), 1.0, out))


def factorial(n, exact=False, extend="zero"):
    """scipy.special.factorial: Gamma(n + 1) for n >= 0, 0 for negative n (extend='zero'), nan for nan.

    exact=True computes integers with scipy (concrete non-negative integers; no gradient).
    """
    if exact:
        n_val = concrete_or_none(n)
        if n_val is None:
            raise TypeError("factorial(exact=True) computes exact integers and needs a concrete n (not traced)")
        return _sc.factorial(n_val, exact=True, extend=extend)
    if extend != "zero":
        raise NotImplementedError("factorial(extend='complex') is not supported (real Gamma(n + 1) only)")
    n = _f(n)
    neg = anp.less(n, 0)
    return _scalar(anp.where(neg, 0.0, sp.gamma_p.bind(anp.add(anp.where(neg, 0.0, n), 1.0))))


# -- Box-Cox transforms ------------------------------------------------------------------------------------
def _boxcox_of_log(log_x, lmbda):
    """expm1(lmbda log x) / lmbda = log x exprel(lmbda log x): log x at lmbda = 0, with the right derivative there;
    at x = 0 (log x = -inf) the limit -1/lmbda for lmbda >= 1e-19, -inf otherwise."""
    at_zero = anp.equal(log_x, -np.inf)
    safe_log = anp.where(at_zero, 0.0, log_x)
    positive = anp.greater_equal(lmbda, 1e-19)  # scipy takes |lmbda| < 1e-19 as 0
    limit = anp.where(positive, anp.divide(-1.0, anp.where(positive, lmbda, 1.0)), -np.inf)
    return anp.where(at_zero, limit, anp.multiply(safe_log, exprel(anp.multiply(lmbda, safe_log))))


def boxcox(x, lmbda):
    """scipy.special.boxcox: (x**lmbda - 1) / lmbda, log(x) at lmbda = 0; differentiable in x and lmbda."""
    x, lmbda = _f(x), _f(lmbda)
    return _scalar(_boxcox_of_log(anp.log(x), lmbda))


def boxcox1p(x, lmbda):
    """scipy.special.boxcox1p: ((1 + x)**lmbda - 1) / lmbda, log1p(x) at lmbda = 0."""
    x, lmbda = _f(x), _f(lmbda)
    return _scalar(_boxcox_of_log(anp.log1p(x), lmbda))


def _log1p_over(t):
    """log1p(t) / t, with its Taylor series below |t| = 1e-4 (value 1 and the right derivatives at t = 0)."""
    small = anp.less(anp.abs(t), 1e-4)
    safe = anp.where(small, 1.0, t)
    series = 1.0 + t * (-0.5 + t * (1.0 / 3.0 + t * (-0.25 + t * 0.2)))
    return anp.where(small, series, anp.divide(anp.log1p(safe), safe))


def _inv_boxcox_log(y, lmbda):
    """log of the inverse Box-Cox transform: log1p(lmbda y) / lmbda, and y at lmbda = 0."""
    return anp.multiply(y, _log1p_over(anp.multiply(lmbda, y)))


def inv_boxcox(y, lmbda):
    """scipy.special.inv_boxcox: x with boxcox(x, lmbda) = y."""
    y, lmbda = _f(y), _f(lmbda)
    return _scalar(anp.exp(_inv_boxcox_log(y, lmbda)))


def inv_boxcox1p(y, lmbda):
    """scipy.special.inv_boxcox1p: x with boxcox1p(x, lmbda) = y."""
    y, lmbda = _f(y), _f(lmbda)
    return _scalar(anp.expm1(_inv_boxcox_log(y, lmbda)))


__all__ = ["erfcx", "exp1", "expi", "expn", "lambertw", "zeta", "gammaincinv", "gammainccinv", "betaincinv",
           "stdtrit", "kv", "iv", "ive",
           "jv", "k0", "k1", "hyp1f1", "hyp2f1", "owens_t", "gammasgn", "poch", "factorial", "boxcox", "boxcox1p",
           "inv_boxcox", "inv_boxcox1p"]
