"""Scalar kernels (Numba, float64) for exponential integrals, erfcx, Lambert W and the Riemann zeta function.

Matching ``scipy.special`` to ~1e-14 relative error, with SciPy's values at the domain edges:

* ``exp1(x)``, ``expn(n, x)``: power series for x <= 1, the modified-Lentz continued fraction
  above (Numerical Recipes' ``expint``); ``expi(x)``: its series (all terms positive) up to
  x = 40, the asymptotic series beyond, and -E1(-x) for x < 0.
* ``erfcx(x) = exp(x^2) erfc(x)``: the product for x < 5 (overflowing to inf below -26.6, as
  SciPy), the Laplace continued fraction above, where erfc underflows.
* ``lambertw0(x)``: the real principal branch W_0 on [-1/e, inf) by Halley's iteration from
  the branch-point series, log1p or the asymptotic expansion; nan below -1/e.
* ``zeta_riemann(s)``: Hurwitz zeta at q = 1 for s > 1, Euler-Maclaurin for 0 <= s < 1 and the
  reflection formula below 0.
"""
import math

import numba

from .cephes import kernel as _kernel
from .special_kernels_gamma import bernoulli_corrections, zeta_hurwitz
from .special_kernels_normal import erfc

_EULER = 0.57721566490153286061
_EPS = 2.0 ** -53
_FPMIN = 1e-300
_MAXIT = 1000
_LOG_PI = math.log(math.pi)
_LN2 = math.log(2.0)


@_kernel("float64(float64, float64)")
def expn(n, x):
    """Generalised exponential integral E_n(x) = int_1^inf exp(-x t) / t^n dt for integer n >= 0 (n truncated)."""
    if math.isnan(n) or math.isnan(x) or n < 0.0 or x < 0.0:
        return math.nan
    n = math.floor(n)
    if x == math.inf:
        return 0.0
    if x == 0.0:
        return math.inf if n <= 1.0 else 1.0 / (n - 1.0)
    if n == 0.0:
        return math.exp(-x) / x
    nm1 = n - 1.0
    if x > 1.0:
        b = x + n
        c = 1.0 / _FPMIN
        d = 1.0 / b
        h = d
        for i in range(1, _MAXIT):
            a = -i * (nm1 + i)
            b += 2.0
            d = 1.0 / (a * d + b)
            c = b + a / c
            delta = c * d
            h *= delta
            if abs(delta - 1.0) < _EPS:
                break
        return h * math.exp(-x)
    ans = 1.0 / nm1 if nm1 != 0.0 else -math.log(x) - _EULER
    fact = 1.0
    for i in range(1, _MAXIT):
        fact *= -x / i
        if i != nm1:
            delta = -fact / (i - nm1)
        else:
            psi = -_EULER
            for ii in range(1, int(nm1) + 1):
                psi += 1.0 / ii
            delta = fact * (-math.log(x) + psi)
        ans += delta
        if abs(delta) < abs(ans) * _EPS:
            break
    return ans


@_kernel("float64(float64)")
def exp1(x):
    """E_1(x) for x >= 0 (nan below 0, as SciPy's real exp1)."""
    return expn(1.0, x)


@_kernel("float64(float64)")
def expi(x):
    """Ei(x) = -PV int_{-x}^inf exp(-t) / t dt; -E1(-x) for x < 0, -inf at 0."""
    if math.isnan(x):
        return x
    if x < 0.0:
        return -expn(1.0, -x)
    if x == 0.0:
        return -math.inf
    if x == math.inf:
        return math.inf
    if x <= 40.0:
        total = 0.0
        term = 1.0
        for k in range(1, _MAXIT):
            term *= x / k
            delta = term / k
            total += delta
            if delta < _EPS * total:
                break
        return _EULER + math.log(x) + total
    # asymptotic: Ei(x) ~ e^x / x sum_k k! / x^k, summed until the terms stop decreasing
    total = 1.0
    term = 1.0
    for k in range(1, 100):
        prev = term
        term *= k / x
        if term >= prev:
            break
        total += term
        if term < _EPS * total:
            break
    if x > 709.0:
        return math.exp(x - math.log(x) + math.log(total))
    return math.exp(x) / x * total


@_kernel("float64(float64)")
def erfcx(x):
    """Scaled complementary error function exp(x^2) erfc(x)."""
    if math.isnan(x):
        return x
    if x < 5.0:
        if x < -26.7:
            return math.inf
        return math.exp(x * x) * erfc(x)
    if x > 1e154:
        return 0.5641895835477563 / x  # 1 / (sqrt(pi) x); x^2 would overflow
    # Laplace continued fraction erfcx(x) = (1/sqrt(pi)) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), Lentz
    f = x
    c = x
    d = 0.0
    for k in range(1, _MAXIT):
        a = 0.5 * k
        d = x + a * d
        d = 1.0 / d if d != 0.0 else 1.0 / _FPMIN
        c = x + a / c
        delta = c * d
        f *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return 0.5641895835477563 / f


@_kernel("float64(float64)")
def lambertw0(x):
    """Principal real branch W_0(x) of w exp(w) = x on [-1/e, inf); nan below -1/e."""
    if math.isnan(x) or x < -0.36787944117144233:
        return math.nan
    if x == math.inf:
        return math.inf
    if x == 0.0:
        return x
    if x == -0.36787944117144233:
        return -1.0
    if x < -0.3:  # series at the branch point in p = sqrt(2 (e x + 1))
        p = math.sqrt(max(2.0 * (math.e * x + 1.0), 0.0))
        w = -1.0 + p * (1.0 + p * (-1.0 / 3.0 + p * 11.0 / 72.0))
    elif x < 3.0:
        w = math.log1p(x) * (1.0 - math.log1p(math.log1p(x)) / (2.0 + math.log1p(x)))
    else:
        l1 = math.log(x)
        l2 = math.log(l1)
        w = l1 - l2 + l2 / l1
    if x > 3.0:  # Newton on w + log(w) = log(x): no overflow of exp(w)
        lx = math.log(x)
        for _ in range(100):
            step = (w + math.log(w) - lx) / (1.0 + 1.0 / w)
            w -= step
            if abs(step) <= 4.0 * _EPS * abs(w):
                break
        return w
    for _ in range(100):  # Halley on w e^w - x
        ew = math.exp(w)
        f = w * ew - x
        wp1 = w + 1.0
        if wp1 == 0.0:
            break
        step = f / (ew * wp1 - (w + 2.0) * f / (2.0 * wp1))
        w -= step
        if abs(step) <= 4.0 * _EPS * abs(w):
            break
    return w


@numba.njit(cache=True, error_model="numpy")
def _zeta_em(s, q):
    """sum_k (k + q)^-s by Euler-Maclaurin summation, valid for every s != 1 once the terms start past 9."""
    total = 0.0
    a = q
    while a <= 9.0:
        total += a ** -s
        a += 1.0
    b = a ** -s
    return bernoulli_corrections(s, a, b, total + b * a / (s - 1.0) + 0.5 * b, _EPS)


@_kernel("float64(float64)")
def zeta_riemann(s):
    """Riemann zeta(s), analytically continued: -1/2 at 0, 0 at the negative even integers, inf at 1."""
    if math.isnan(s):
        return s
    if s > 1.0:
        return zeta_hurwitz(s, 1.0)
    if s == 1.0:
        return math.inf
    if s >= 0.0:
        return _zeta_em(s, 1.0) if s > 0.0 else -0.5
    if s == math.floor(s) and s % 2.0 == 0.0:
        return 0.0
    # reflection: zeta(s) = 2^s pi^(s-1) sin(pi s / 2) Gamma(1 - s) zeta(1 - s), in logs for large |s|
    half = 0.5 * s
    sin_part = math.sin(math.pi * (half - 2.0 * math.floor(half / 2.0)))
    if s < -170.0:
        log_mag = s * _LN2 + (s - 1.0) * _LOG_PI + math.lgamma(1.0 - s)
        return math.exp(log_mag) * sin_part * zeta_hurwitz(1.0 - s, 1.0)
    return (2.0 ** s * math.pi ** (s - 1.0) * sin_part * math.gamma(1.0 - s)) * zeta_hurwitz(1.0 - s, 1.0)


__all__ = ["expn", "exp1", "expi", "erfcx", "lambertw0", "zeta_riemann"]
