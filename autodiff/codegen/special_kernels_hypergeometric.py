"""Scalar kernel (Numba, float64) for Kummer's confluent hypergeometric function 1F1(a; b; x), scipy.special.hyp1f1.

Negative x goes through Kummer's transformation 1F1(a; b; x) = e^x 1F1(b - a; b; -x), so only x >= 0 is
evaluated: by the power series sum_k (a)_k / (b)_k x^k / k!, summed in double-double arithmetic (~32
digits) so that the cancellation of its alternating terms (a < 0, or b - a < 0 after Kummer's
transformation) costs nothing up to 1e12 of it; or for large x by the asymptotic expansion
Gamma(b)/Gamma(a) e^x x^(a-b) sum_k (b-a)_k (1-a)_k / (k! x^k). Both are carried in logs so that the factor
e^x of Kummer's transformation cancels without overflow. Where even the double-double series loses more
than 12 digits (the alternating parameter at or below about -20 with 10 < |x| < 150: about 1% of a wide
grid) the kernel returns nan rather than a wrong value; scipy's value is still available eagerly.
"""
import math

import numba

_EPS = 2.0 ** -53
_MAXIT = 100000


def _kernel(signature):
    """Return the njit decorator shared by all kernels of this module."""
    return numba.njit(signature, cache=True, error_model="numpy")


@numba.njit(cache=True, error_model="numpy")
def _gamma_sign(x):
    if x > 0.0:
        return 1.0
    return -1.0 if math.floor(-x) % 2.0 == 0.0 else 1.0


# -- double-double arithmetic (a value is hi + lo, |lo| <= ulp(hi)/2: ~32 digits) -------------------------------
# The hypergeometric series cancel where their terms alternate: summing them with twice the digits keeps
# a double's accuracy while up to ~1e12 of the terms' size cancels (Dekker 1971; Hida, Li & Bailey's QD).
_SPLIT = 134217729.0  # 2**27 + 1
_RESCALE = 2.0 ** -600  # applied (exactly) to a term and the sum when the term passes _HUGE
_HUGE = 2.0 ** 600
_LOSS = 1e12  # more cancellation than this (largest term / sum) and even 32 digits are not enough


@numba.njit(cache=True, error_model="numpy")
def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


@numba.njit(cache=True, error_model="numpy")
def _fast_two_sum(a, b):
    s = a + b
    return s, b - (s - a)


@numba.njit(cache=True, error_model="numpy")
def _two_prod(a, b):
    p = a * b
    t = _SPLIT * a
    ah = t - (t - a)
    al = a - ah
    t = _SPLIT * b
    bh = t - (t - b)
    bl = b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


@numba.njit(cache=True, error_model="numpy")
def _dd_add(ah, al, bh, bl):
    s, e = _two_sum(ah, bh)
    return _fast_two_sum(s, e + al + bl)


@numba.njit(cache=True, error_model="numpy")
def _dd_mul(ah, al, bh, bl):
    p, e = _two_prod(ah, bh)
    return _fast_two_sum(p, e + ah * bl + al * bh)


@numba.njit(cache=True, error_model="numpy")
def _dd_div(ah, al, bh, bl):
    q1 = ah / bh
    ph, pl = _dd_mul(bh, bl, q1, 0.0)
    rh, rl = _dd_add(ah, al, -ph, -pl)
    return _fast_two_sum(q1, (rh + rl) / bh)


@numba.njit(cache=True, error_model="numpy")
def _log_series(a, b, x):
    """(log |1F1(a; b; x)|, sign) for x >= 0 by the power series in double-double; sign 0 flags lost precision.

    Each ratio (a + k) x / ((b + k)(k + 1)) is formed exactly-rounded in double-double, so a term's error
    stays ~1e-32 relative and the sum keeps ~16 digits through up to 1e12 of cancellation (a < 0, large x).
    """
    th, tl = 1.0, 0.0
    sh, sl = 1.0, 0.0
    biggest = 1.0
    log_scale = 0.0
    for k in range(_MAXIT):
        nh, nl = _two_sum(a, float(k))
        nh, nl = _dd_mul(nh, nl, x, 0.0)
        dh, dl = _two_sum(b, float(k))
        dh, dl = _dd_mul(dh, dl, k + 1.0, 0.0)
        rh, rl = _dd_div(nh, nl, dh, dl)
        th, tl = _dd_mul(th, tl, rh, rl)
        sh, sl = _dd_add(sh, sl, th, tl)
        if abs(th) > _HUGE:  # keep the terms finite: rescale term, sum and the record by a power of two
            th, tl, sh, sl = th * _RESCALE, tl * _RESCALE, sh * _RESCALE, sl * _RESCALE
            biggest *= _RESCALE
            log_scale -= math.log(_RESCALE)
        biggest = max(biggest, abs(th))
        if th == 0.0:
            break
        if abs(th) <= 2.0 ** -60 * abs(sh) and (a + k) * x < (b + k) * (k + 1.0):
            break
    if not math.isfinite(sh):
        return 0.0, 0.0
    if sh == 0.0 and biggest < _LOSS and log_scale == 0.0:
        return -math.inf, 1.0  # an exact zero of a short terminating sum
    if sh == 0.0 or biggest > _LOSS * abs(sh):
        return 0.0, 0.0
    return math.log(abs(sh)) + log_scale, math.copysign(1.0, sh)


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
