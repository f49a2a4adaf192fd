"""Scalar kernel (Numba, float64) for Kummer's confluent hypergeometric function 1F1(a; b; x), scipy.special.hyp1f1.

Negative x goes through Kummer's transformation 1F1(a; b; x) = e^x 1F1(b - a; b; -x), so only x >= 0 is
evaluated: by the power series sum_k (a)_k / (b)_k x^k / k! (no cancellation while a > 0; a
terminating polynomial for a = 0, -1, -2, ...), or for large x by the asymptotic expansion
Gamma(b)/Gamma(a) e^x x^(a-b) sum_k (b-a)_k (1-a)_k / (k! x^k), both carried in logs so that the factor
e^x of Kummer's transformation cancels without overflow. Where the series would cancel (more than
3 digits lost: a < 0 and not an integer, at large x; after Kummer's transformation that is a > b
at large negative x) the kernel returns nan rather
than a wrong value; scipy's value is still available eagerly.
"""
import math

import numba

from .cephes import kernel as _kernel

_EPS = 2.0 ** -53
_MAXIT = 100000


@numba.njit(cache=True, error_model="numpy")
def _gamma_sign(x):
    if x > 0.0:
        return 1.0
    return -1.0 if math.floor(-x) % 2.0 == 0.0 else 1.0


@numba.njit(cache=True, error_model="numpy")
def _log_series(a, b, x):
    """(log |1F1(a; b; x)|, sign) for x >= 0 by the power series; sign 0 flags lost precision."""
    t = 1.0
    s = 1.0
    biggest = 1.0
    for k in range(_MAXIT):
        t *= (a + k) / (b + k) * x / (k + 1.0)
        s += t
        biggest = max(biggest, abs(t))
        if t == 0.0:
            break
        if abs(t) <= _EPS * abs(s) and (a + k) * x < (b + k) * (k + 1.0):
            break
    if s == 0.0 and biggest < 1e3:
        return -math.inf, 1.0  # an exact zero of a short terminating sum
    if s == math.inf and a > 0.0 and b > 0.0:
        return math.inf, 1.0  # positive terms: the sum overflows
    if s == 0.0 or biggest > 1e3 * abs(s) or not math.isfinite(s):
        return 0.0, 0.0
    return math.log(abs(s)), math.copysign(1.0, s)


@numba.njit(cache=True, error_model="numpy")
def _log_asymptotic(a, b, x):
    """(log |1F1(a; b; x)|, sign) for large x > 0 from the asymptotic expansion; sign 0 if it has not converged."""
    t = 1.0
    s = 1.0
    for k in range(200):
        t_new = t * (b - a + k) * (1.0 - a + k) / ((k + 1.0) * x)
        if abs(t_new) > abs(t):
            return 0.0, 0.0  # the divergent tail starts before the terms are negligible
        t = t_new
        s += t
        if abs(t) <= _EPS * abs(s):
            log_mag = math.lgamma(b) - math.lgamma(a) + x + (a - b) * math.log(x) + math.log(abs(s))
            return log_mag, _gamma_sign(b) * _gamma_sign(a) * math.copysign(1.0, s)
    return 0.0, 0.0


@numba.njit(cache=True, error_model="numpy")
def _log_series_signed(a, b, x):
    """The terminating series (a = 0, -1, -2, ...) at any real x."""
    t = 1.0
    s = 1.0
    biggest = 1.0
    for k in range(int(-a)):
        t *= (a + k) / (b + k) * x / (k + 1.0)
        s += t
        biggest = max(biggest, abs(t))
    if s == 0.0 and biggest < 1e3:
        return -math.inf, 1.0
    if s == 0.0 or biggest > 1e3 * abs(s):
        return 0.0, 0.0
    return math.log(abs(s)), math.copysign(1.0, s)


@_kernel("float64(float64, float64, float64)")
def hyp1f1(a, b, x):
    """Kummer's function 1F1(a; b; x) = sum_k (a)_k / (b)_k x^k / k! for real a, b, x."""
    if math.isnan(a) or math.isnan(b) or math.isnan(x) or math.isinf(x):
        return math.nan
    if x == 0.0 or a == 0.0:
        return 1.0
    a_poly = a < 0.0 and a == math.floor(a)
    if b <= 0.0 and b == math.floor(b) and not (a_poly and a > b):
        return math.inf  # a pole of (b)_k that no terminating numerator reaches first
    if a == b:
        return math.exp(x)
    shift = 0.0
    if x < 0.0:  # Kummer: 1F1(a; b; x) = e^x 1F1(b - a; b; -x)
        if a_poly:
            log_mag, sign = _log_series_signed(a, b, x)
            return sign * math.exp(log_mag) if sign != 0.0 else math.nan
        a, x, shift = b - a, -x, x
        a_poly = a < 0.0 and a == math.floor(a)
    sign = 0.0
    log_mag = 0.0
    if x > 50.0 + 2.0 * (abs(a) + abs(b)) and not a_poly:  # the neglected e^-x x^b part is below 1e-16
        log_mag, sign = _log_asymptotic(a, b, x)
    if sign == 0.0:
        log_mag, sign = _log_series(a, b, x)
    if sign == 0.0:
        return math.nan
    return sign * math.exp(log_mag + shift)


__all__ = ["hyp1f1"]
