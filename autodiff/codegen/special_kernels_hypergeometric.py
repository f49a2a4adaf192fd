"""Scalar kernels (Numba, float64) for the hypergeometric functions: Kummer's 1F1(a; b; x) (scipy.special.hyp1f1)
and Gauss's 2F1(a, b; c; z) for real z (scipy.special.hyp2f1; its method is in its docstring).

Negative x goes through Kummer's transformation 1F1(a; b; x) = e^x 1F1(b - a; b; -x), so only x >= 0 is
evaluated: by the power series sum_k (a)_k / (b)_k x^k / k!, summed in double-double arithmetic (~32
digits) so that the cancellation of its alternating terms (a < 0, or b - a < 0 after Kummer's
transformation) costs nothing up to 1e12 of it; or for large x by the asymptotic expansion
Gamma(b)/Gamma(a) e^x x^(a-b) sum_k (b-a)_k (1-a)_k / (k! x^k). Both are carried in logs so that the factor
e^x of Kummer's transformation cancels without overflow. Where even the double-double series cancels by
more than 1e18 (largest term / sum; the alternating parameter a, or b - a after Kummer, at or below about
-30 with 20 < |x| < 150, e.g. 1F1(-30.5; 40; 44) and 1F1(-30.5; 40; 81), 2 points of 4,950 in the test's wide
grid; and from a ~ -50 on a widening band of x: 1e31 at a = -50.5, x = 100, 1e52 at a = -100.5) the kernel
returns nan rather than a wrong value; the eager value (outside jit) is scipy's.
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


# -- double-double arithmetic (a value is hi + lo, |lo| <= ulp(hi)/2: ~32 digits) -------------------------------
# The hypergeometric series cancel where their terms alternate: summing them with twice the digits keeps
# a double's accuracy while up to ~1e12 of the terms' size cancels (Dekker 1971; Hida, Li & Bailey's QD).
_SPLIT = 134217729.0  # 2**27 + 1
_RESCALE = 2.0 ** -600  # applied (exactly) to a term and the sum when the term passes _HUGE
_HUGE = 2.0 ** 600
_LOSS = 1e12  # more cancellation than this (largest term / sum) and even 32 digits are not enough (2F1)
# 1F1's series keeps 1e-13 through more: its error against mpmath (30 digits, 2,300 points with a in [-120, -15],
# b in [-20, 60], x in [2, 400]) stays below 2e-16 up to 1e16 of cancellation, 1.3e-15 to 1e17, 2.3e-14 to 1e18
_LOSS_1F1 = 1e18


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
    stays ~1e-32 relative and the sum keeps 13 digits through up to 1e18 of cancellation (a < 0, large x).
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
    if sh == 0.0 and biggest < _LOSS_1F1 and log_scale == 0.0:
        return -math.inf, 1.0  # an exact zero of a short terminating sum
    if sh == 0.0 or biggest > _LOSS_1F1 * abs(sh):
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


# -- Gauss's hypergeometric function 2F1 ---------------------------------------------------------------------
@numba.njit(cache=True, error_model="numpy")
def _is_nonpositive_integer(v):
    return v <= 0.0 and v == math.floor(v)


@numba.njit(cache=True, error_model="numpy")
def _series_2f1(a, b, c, z):
    """sum_k (a)_k (b)_k / ((c)_k k!) z^k in double-double (|z| < 1, or any z when it terminates); nan if it
    loses more than 12 digits to cancellation or does not converge."""
    th, tl = 1.0, 0.0
    sh, sl = 1.0, 0.0
    biggest = 1.0
    for k in range(_MAXIT):
        nh, nl = _two_sum(a, float(k))
        bh, bl = _two_sum(b, float(k))
        nh, nl = _dd_mul(nh, nl, bh, bl)
        nh, nl = _dd_mul(nh, nl, z, 0.0)
        dh, dl = _two_sum(c, float(k))
        dh, dl = _dd_mul(dh, dl, k + 1.0, 0.0)
        rh, rl = _dd_div(nh, nl, dh, dl)
        th, tl = _dd_mul(th, tl, rh, rl)
        sh, sl = _dd_add(sh, sl, th, tl)
        biggest = max(biggest, abs(th))
        if th == 0.0:
            break
        if abs(th) <= 2.0 ** -60 * abs(sh) and abs((a + k) * (b + k) * z) < abs((c + k) * (k + 1.0)):
            break
    else:
        return math.nan
    if not math.isfinite(sh) or sh == 0.0 or biggest > _LOSS * abs(sh):
        return math.nan
    return sh


@numba.njit(cache=True, error_model="numpy")
def _log_abs_gamma(x):
    """(log |Gamma(x)|, sign of Gamma(x)); sign 0 at the poles x = 0, -1, -2, ..."""
    if _is_nonpositive_integer(x):
        return math.inf, 0.0
    return math.lgamma(x), _gamma_sign(x)


@numba.njit(cache=True, error_model="numpy")
def _gamma_fraction(p, q, r, s):
    """Gamma(p) Gamma(q) / (Gamma(r) Gamma(s)), 0 where a denominator has a pole (p, q finite there)."""
    lp, sp = _log_abs_gamma(p)
    lq, sq = _log_abs_gamma(q)
    lr, sr = _log_abs_gamma(r)
    ls, ss = _log_abs_gamma(s)
    if sr == 0.0 or ss == 0.0:
        return 0.0
    if sp == 0.0 or sq == 0.0:
        return math.inf
    return sp * sq * sr * ss * math.exp(lp + lq - lr - ls)


_CONNECT_ABOVE = 0.9  # the series converges like z^k: ~400 terms at 0.9; closer to 1, connect to 1 - z
_NEAR_INTEGER = 0.05  # closer to an integer c - a - b, and the connection formula's terms cancel by > 1/0.05


@numba.njit(cache=True, error_model="numpy")
def _hyp2f1_unit(a, b, c, z):
    """2F1 for 0 <= z < 1: the series up to z = 0.9; above, the connection to 1 - z (DLMF 15.8.4) when c - a - b
    is at least _NEAR_INTEGER from an integer (its two terms have poles there that cancel), else the series
    itself (slower near 1, converging within _MAXIT terms up to z ~ 0.9997, nan beyond)."""
    if z <= _CONNECT_ABOVE:
        return _series_2f1(a, b, c, z)
    s = c - a - b
    if abs(s - round(s)) < _NEAR_INTEGER:  # the Gamma factors' poles cancel between the two terms
        return _series_2f1(a, b, c, z)
    w = 1.0 - z
    first = _gamma_fraction(c, s, c - a, c - b)
    second = _gamma_fraction(c, -s, a, b)
    out = 0.0
    if first != 0.0:
        out += first * _series_2f1(a, b, 1.0 - s, w)
    if second != 0.0:
        out += second * w ** s * _series_2f1(c - a, c - b, 1.0 + s, w)
    return out


# -- 2F1 at large negative z when a - b is (nearly) an integer -----------------------------------------------
# The 1/z connection formula (DLMF 15.8.2) has two terms with poles Gamma(b - a), Gamma(a - b) that cancel when
# b - a = m + eps, eps -> 0. Pairing the first term's (m + n)-th summand with the second's n-th and dividing the
# Gamma ratios' difference by eps analytically (a recurrence in n for the difference, and log-differences of
# Gamma for n = 0) gives a sum with no pole at all: the same code serves eps = 0 (DLMF 15.8.8) and 0 < |eps|.
_BERNOULLI_STIRLING = (1.0 / 12.0, -1.0 / 360.0, 1.0 / 1260.0, -1.0 / 1680.0, 1.0 / 1188.0,
                       -691.0 / 360360.0, 1.0 / 156.0)  # B_2k / (2k (2k - 1)), k = 1..7


@numba.njit(cache=True, error_model="numpy")
def _log1p_over(t):
    """log1p(t) / t, 1 at t = 0."""
    return 1.0 if t == 0.0 else math.log1p(t) / t


@numba.njit(cache=True, error_model="numpy")
def _expm1_over(t):
    """expm1(t) / t, 1 at t = 0."""
    return 1.0 if t == 0.0 else math.expm1(t) / t


@numba.njit(cache=True, error_model="numpy")
def _lgamma_slope(x, e):
    """(log |Gamma(x + e)| - log |Gamma(x)|) / e without cancellation (digamma(x) at e = 0), for small |e| and no
    pole between x and x + e: the recurrence up to x >= 15, then the difference of Stirling's series."""
    if x < -1e4:
        return math.nan  # not worth 1e4 steps of the recurrence: the caller falls back to Pfaff's route
    out = 0.0
    y = x
    while y < 15.0:
        out -= _log1p_over(e / y) / y
        y += 1.0
    r = e / y
    slope_log = _log1p_over(r) / y  # log(1 + e / y) / e
    out += (y - 0.5) * slope_log + math.log(y + e) - 1.0
    power = 1.0 / y
    for k in range(len(_BERNOULLI_STIRLING)):
        w = (-1.0 - 2.0 * k) * math.log1p(r)  # (1 - 2j) log(1 + e / y), j = k + 1
        out += _BERNOULLI_STIRLING[k] * power * _expm1_over(w) * (-1.0 - 2.0 * k) * slope_log
        power /= y * y
    return out


@numba.njit(cache=True, error_model="numpy")
def _sinpi(x):
    n = round(x)
    return (-1.0 if n % 2.0 else 1.0) * math.sin(math.pi * (x - n))


@numba.njit(cache=True, error_model="numpy")
def _rgamma(hi, lo):
    """1 / Gamma(hi + lo) (a double-double argument), 0 at the poles and accurate next to them: the reflection
    with sin(pi x) of the exact distance to the nearest integer, which a rounded difference like c - a loses."""
    if lo == 0.0 and _is_nonpositive_integer(hi):
        return 0.0
    if hi < 0.5:
        n = round(hi)
        return (-1.0 if n % 2.0 else 1.0) * math.sin(math.pi * ((hi - n) + lo)) * math.gamma(1.0 - hi) / math.pi
    return 1.0 / math.gamma(hi)


@numba.njit(cache=True, error_model="numpy")
def _pole_distance(hi, lo):
    """Distance from hi + lo to the nearest pole of Gamma (0, -1, -2, ...)."""
    if hi >= 0.5:
        return hi
    return abs((hi - round(hi)) + lo)


@numba.njit(cache=True, error_model="numpy")
def _first_difference(a, b, m, e, dh, dl, cbh, cbl):
    """(f(e) - f(0)) / e for f(e) = Gamma(a + m + e) / (Gamma(d - e) Gamma(m + 1 + e)), b = a + m + e, d = c - a - m
    and d - e = c - b given exactly as double-doubles (its derivative at e = 0)."""
    f0 = math.gamma(a + m) * _rgamma(dh, dl) / math.gamma(m + 1.0)
    near_pole = min(_pole_distance(dh, dl), _pole_distance(cbh, cbl), _pole_distance(a + m, 0.0), _pole_distance(b, 0.0))
    if near_pole <= 2.0 * abs(e):  # f(0), f(e) of opposite signs or one O(e): their difference does not cancel
        if e != 0.0:
            return (math.gamma(b) * _rgamma(cbh, cbl) / math.gamma(b - a + 1.0) - f0) / e
        j = -round(dh)  # d = -j: d/de 1/Gamma(d - e) = -(-1)^j j!
        return -math.gamma(a + m) / math.gamma(m + 1.0) * (-1.0 if j % 2.0 else 1.0) * math.gamma(j + 1.0)
    slope = _lgamma_slope(a + m, e) + _lgamma_slope(dh + dl, -e) - _lgamma_slope(m + 1.0, e)
    return f0 * _expm1_over(e * slope) * slope


_LOSS_LARGE_NEGATIVE = 1e3  # that sum runs in plain doubles: 1e3 of cancellation keeps ~1e-13


@numba.njit(cache=True, error_model="numpy")
def _hyp2f1_large_negative(a, b, c, z):
    """2F1(a, b; c; z) for z < -1 with b - a = m + eps, m >= 0 an integer and |eps| small, by the 1/z connection
    formula with its cancelling poles removed (see above); nan where its sums cancel by more than 1e3."""
    m = round(b - a)
    eh, el = _two_sum(b, -a)
    e = (eh - m) + el  # b - a - m without the rounding of b - a
    dh, dl = _two_sum(c, -a)
    cah, cal = dh, dl  # c - a
    dh, dl = _dd_add(dh, dl, -m, 0.0)  # d = c - a - m
    cbh, cbl = _two_sum(c, -b)
    log_mz = math.log(-z)
    # the first m summands of the first term, which have no partner
    finite = 0.0
    biggest_finite = 0.0
    if m > 0:
        t = math.gamma(c) * _rgamma(b, 0.0) * _rgamma(cah, cal) * math.gamma(b - a)
        for k in range(int(m)):
            finite += t
            biggest_finite = max(biggest_finite, abs(t))
            t *= (a + k) * ((1.0 + k - cah) - cal) / ((k + 1.0) * ((1.0 + k - m) - e) * z)
    scale_finite = math.exp(-a * log_mz)
    # the paired sum: Gamma(c) / (Gamma(a) Gamma(b)) (pi e / sin pi e) sum_n z^-n (-z)^(-a-m) [diff_n + g2_n lam],
    # diff_n = (g1_n - g2_n) / e carried by its own recurrence
    sign_m = -1.0 if m % 2.0 else 1.0
    f1_slope = _expm1_over(e * _lgamma_slope(1.0, -e)) * _lgamma_slope(1.0, -e)  # (1/Gamma(1 - e) - 1) / e
    f0 = math.gamma(a + m) * _rgamma(dh, dl) / math.gamma(m + 1.0)
    g2 = sign_m * math.gamma(b) * _rgamma(cbh, cbl) / math.gamma(b - a + 1.0)
    diff = sign_m * (f0 * f1_slope - _first_difference(a, b, m, e, dh, dl, cbh, cbl))
    lam = log_mz * _expm1_over(-e * log_mz)  # (1 - (-z)^-e) / e
    inv = 1.0 / z
    power = 1.0
    total = 0.0
    biggest = 0.0
    for n in range(_MAXIT):
        term = power * (diff + g2 * lam)
        total += term
        biggest = max(biggest, abs(term))
        p = a + m + n
        q = (1.0 + n - dh) - dl
        s = m + n + 1.0
        t = n + 1.0
        r1 = p * q / (s * (t - e))
        r2 = (b + n) * ((1.0 + n - cbh) - cbl) / (t * (s + e))
        r_slope = (p * q * (s + t) - s * t * (p + q) + e * s * (p + q - t) + s * e * e) / (s * (t - e) * t * (s + e))
        diff = r1 * diff + g2 * r_slope
        g2 *= r2
        power *= inv
        if abs(power * (diff + g2 * lam)) <= 2.0 ** -60 * abs(total) and abs(r1 * inv) < 0.5:
            break
    else:
        return math.nan
    ratio = 1.0 if e == 0.0 else math.pi * e / _sinpi(e)
    scale_paired = math.gamma(c) * _rgamma(a, 0.0) * _rgamma(b, 0.0) * ratio * math.exp(-(a + m) * log_mz)
    out = finite * scale_finite + total * scale_paired
    biggest = max(biggest * abs(scale_paired), biggest_finite * scale_finite)
    if not math.isfinite(out) or out == 0.0 or biggest > _LOSS_LARGE_NEGATIVE * abs(out):
        return math.nan
    return out

@_kernel("float64(float64, float64, float64, float64)")
def hyp2f1(a, b, c, z):
    """Gauss's hypergeometric function 2F1(a, b; c; z) for real arguments, with scipy's values at the edges:
    inf at the poles of c (c = 0, -1, ... not cancelled by a terminating a or b), at z = 1 when c - a - b <= 0,
    and for z > 1 unless the series terminates (the function is complex there).

    z < 0 goes through Pfaff's transformation 2F1(a, b; c; z) = (1 - z)^-a 2F1(a, c - b; c; z / (z - 1)),
    whose argument lies in (0, 1), or its twin with a and b swapped where the first cancels; arguments
    in [0, 1) are summed directly up to 0.9 and through the connection formula to 1 - z above it. Series
    run in double-double and give nan if they lose more than 12 digits to cancellation or do not converge
    within _MAXIT terms. Where a - b is within 0.05 of an integer (a = b included) Pfaff's argument nears 1
    too closely for that connection below z ~ -3000: there (z < -1000 first, and as the fallback below -10)
    the 1/z connection formula with its cancelling poles removed (_hyp2f1_large_negative) gives the value."""
    if math.isnan(a) or math.isnan(b) or math.isnan(c) or math.isnan(z):
        return math.nan
    if z == 0.0 or a == 0.0 or b == 0.0:
        return 1.0
    a_stop = _is_nonpositive_integer(a)
    b_stop = _is_nonpositive_integer(b)
    terminating = a_stop or b_stop
    if _is_nonpositive_integer(c):
        stop = max(a if a_stop else -math.inf, b if b_stop else -math.inf)
        if not (terminating and stop > c):
            return math.inf  # (c)_k reaches 0 before the numerator does
    if terminating:
        if math.isinf(z):
            return math.nan
        return _series_2f1(a, b, c, z)  # a polynomial in z
    if math.isinf(z):
        return math.nan if z < 0.0 else math.inf
    if z == 1.0:
        s = c - a - b
        return _gamma_fraction(c, s, c - a, c - b) if s > 0.0 else math.inf
    if z > 1.0:
        return math.inf
    if z < 0.0:  # Pfaff on a, or (if that cancels: the (-z)^-a part vanishes) on b
        # a - b near an integer: Pfaff's argument nears 1 where its connection formula fails (nan below
        # z ~ -3000); the 1/z formula without its poles serves there first, and as the fallback above -1000
        near_integer = z < -10.0 and abs((b - a) - round(b - a)) < _NEAR_INTEGER
        out = math.nan
        if near_integer and z < -1000.0:
            out = _hyp2f1_large_negative(a, b, c, z) if b >= a else _hyp2f1_large_negative(b, a, c, z)
        w = z / (z - 1.0)
        if math.isnan(out):
            out = (1.0 - z) ** -a * _hyp2f1_unit(a, c - b, c, w)
        if math.isnan(out):
            out = (1.0 - z) ** -b * _hyp2f1_unit(c - a, b, c, w)
        if math.isnan(out) and near_integer:
            out = _hyp2f1_large_negative(a, b, c, z) if b >= a else _hyp2f1_large_negative(b, a, c, z)
        return out
    return _hyp2f1_unit(a, b, c, z)


__all__ = ["hyp1f1", "hyp2f1"]
