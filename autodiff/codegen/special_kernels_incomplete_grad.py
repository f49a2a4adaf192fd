"""Scalar kernels (Numba, float64): derivatives of the regularized incomplete gamma and beta functions in
their shape parameters, which have no closed form.

As Boik & Robison-Cox (1998) do for the beta function and TFP/Stan for the gamma function, each
kernel differentiates the series or continued fraction that evaluates the function itself,
carrying the derivative along every step (forward-mode through the modified Lentz iteration), and
returns it relative to the function's own value, so it keeps its relative accuracy in the tail the
expansion computes:

* ``gammainc_da(a, x)`` = dP(a, x)/da: the power series P = x^a e^-x / Gamma(a + 1) sum_n x^n /
  ((a + 1)...(a + n)) for x < a + 1, Legendre's continued fraction for Q = 1 - P beyond
  (dP/da = -dQ/da).
* ``betainc_da(a, b, x)``, ``betainc_db(a, b, x)``: the continued fraction of I_x(a, b) (Numerical
  Recipes' betacf) below x = (a + 1)/(a + b + 2), and of I_{1-x}(b, a) = 1 - I_x(a, b) above.
"""
import math

import numba

from .cephes import kernel as _kernel, lazy_ufunc
from .special_kernels_gamma import digamma

_EPS = 2.0 ** -53
_FPMIN = 1e-300
_MAXIT = 100000


@numba.njit(cache=True, error_model="numpy")
def _log_p_series(a, x):
    """(log P(a, x), dlogP/da) from the power series (all terms positive)."""
    t = 1.0
    dt = 0.0        # dt_n/da / t_n = -sum_{k <= n} 1 / (a + k)
    s = 1.0
    ds = 0.0
    for n in range(1, _MAXIT):
        t *= x / (a + n)
        dt -= 1.0 / (a + n)
        s += t
        ds += t * dt
        if t < _EPS * s:
            break
    log_p = a * math.log(x) - x - math.lgamma(a + 1.0) + math.log(s)
    return log_p, math.log(x) - digamma(a + 1.0) + ds / s


@numba.njit(cache=True, error_model="numpy")
def _log_q_fraction(a, x):
    """(log Q(a, x), dlogQ/da) from Legendre's continued fraction, differentiated along Lentz's iteration."""
    b = x + 1.0 - a
    db = -1.0
    c = 1.0 / _FPMIN
    dc = 0.0
    d = 1.0 / b
    dd = -db / (b * b)
    h = d
    dh = dd
    for i in range(1, _MAXIT):
        an = -i * (i - a)
        dan = float(i)
        b += 2.0
        den = an * d + b
        dden = dan * d + an * dd + db
        if abs(den) < _FPMIN:
            den = _FPMIN
        c_new = b + an / c
        dc = db + (dan - an * dc / c) / c  # (dan c - an dc) / c^2 without overflowing c^2
        c = c_new
        if abs(c) < _FPMIN:
            c = _FPMIN
        d = 1.0 / den
        dd = -dden / (den * den)
        delta = d * c
        ddelta = dd * c + d * dc
        dh = dh * delta + h * ddelta
        h *= delta
        # the derivative converges too (the fraction of an integer a ends at once, its derivative does not)
        if abs(delta - 1.0) < _EPS and abs(ddelta) <= _EPS * max(abs(dh / h), 1.0):
            break
    log_q = a * math.log(x) - x - math.lgamma(a) + math.log(h)
    return log_q, math.log(x) - digamma(a) + dh / h


@_kernel("float64(float64, float64)")
def gammainc_da(a, x):
    """d/da of the regularized lower incomplete gamma function P(a, x); 0 at x = 0 and x = inf."""
    if math.isnan(a) or math.isnan(x) or a <= 0.0 or x < 0.0:
        return math.nan
    if x == 0.0 or x == math.inf:
        return 0.0
    if x < a + 1.0:
        log_p, dlog = _log_p_series(a, x)
        return math.exp(log_p) * dlog
    log_q, dlog = _log_q_fraction(a, x)
    return -math.exp(log_q) * dlog


@numba.njit(cache=True, error_model="numpy")
def _log_beta_fraction(a, b, x):
    """(log I_x(a, b), dlogI/da, dlogI/db) from the continued fraction (x below the switch point)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    # derivatives of every quantity with respect to a (suffix _a) and b (suffix _b)
    c, c_a, c_b = 1.0, 0.0, 0.0
    d = 1.0 - qab * x / qap
    d_a = -x / qap + qab * x / (qap * qap)
    d_b = -x / qap
    if abs(d) < _FPMIN:
        d = _FPMIN
    d_a, d_b = -d_a / (d * d), -d_b / (d * d)
    d = 1.0 / d
    h, h_a, h_b = d, d_a, d_b
    for m in range(1, _MAXIT):
        m2 = 2.0 * m
        # even step: aa = m (b - m) x / ((a - 1 + 2m)(a + 2m))
        den = (qam + m2) * (a + m2)
        aa = m * (b - m) * x / den
        aa_a = -aa * ((a + m2) + (qam + m2)) / den
        aa_b = m * x / den
        for _ in range(2):
            dn = 1.0 + aa * d
            dn_a = aa_a * d + aa * d_a
            dn_b = aa_b * d + aa * d_b
            if abs(dn) < _FPMIN:
                dn = _FPMIN
            cn = 1.0 + aa / c
            cn_a = (aa_a * c - aa * c_a) / (c * c)
            cn_b = (aa_b * c - aa * c_b) / (c * c)
            if abs(cn) < _FPMIN:
                cn = _FPMIN
            c, c_a, c_b = cn, cn_a, cn_b
            d, d_a, d_b = 1.0 / dn, -dn_a / (dn * dn), -dn_b / (dn * dn)
            delta = d * c
            delta_a = d_a * c + d * c_a
            delta_b = d_b * c + d * c_b
            h_a = h_a * delta + h * delta_a
            h_b = h_b * delta + h * delta_b
            h *= delta
            # odd step: aa = -(a + m)(a + b + m) x / ((a + 2m)(a + 1 + 2m))
            den = (a + m2) * (qap + m2)
            aa_new = -(a + m) * (qab + m) * x / den
            aa_a = (-((qab + m) + (a + m)) * x - aa_new * ((qap + m2) + (a + m2))) / den
            aa_b = -(a + m) * x / den
            aa = aa_new
        if abs(delta - 1.0) < _EPS and abs(delta_a) + abs(delta_b) <= _EPS * max(abs(h_a / h) + abs(h_b / h), 1.0):
            break
    lbeta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    log_i = a * math.log(x) + b * math.log1p(-x) - lbeta - math.log(a) + math.log(h)
    psi_ab = digamma(a + b)
    dlog_a = math.log(x) - (digamma(a) - psi_ab) - 1.0 / a + h_a / h
    dlog_b = math.log1p(-x) - (digamma(b) - psi_ab) + h_b / h
    return log_i, dlog_a, dlog_b


@numba.njit(cache=True, error_model="numpy")
def _betainc_grad(a, b, x):
    """(dI_x(a, b)/da, dI_x(a, b)/db)."""
    if math.isnan(a) or math.isnan(b) or math.isnan(x) or a <= 0.0 or b <= 0.0 or x < 0.0 or x > 1.0:
        return math.nan, math.nan
    if x == 0.0 or x == 1.0:
        return 0.0, 0.0
    if x < (a + 1.0) / (a + b + 2.0):
        log_i, da, db = _log_beta_fraction(a, b, x)
        i = math.exp(log_i)
        return i * da, i * db
    log_j, db_, da_ = _log_beta_fraction(b, a, 1.0 - x)  # J = I_{1-x}(b, a) = 1 - I_x(a, b)
    j = math.exp(log_j)
    return -j * da_, -j * db_


@_kernel("float64(float64, float64, float64)")
def betainc_da(a, b, x):
    """d/da of the regularized incomplete beta function I_x(a, b)."""
    return _betainc_grad(a, b, x)[0]


@_kernel("float64(float64, float64, float64)")
def betainc_db(a, b, x):
    """d/db of the regularized incomplete beta function I_x(a, b)."""
    return _betainc_grad(a, b, x)[1]


__all__ = ["gammainc_da", "betainc_da", "betainc_db"]


# numpy ufuncs of the same kernels: the eager (numpy) implementation of the derivative primitives
gammainc_da_ufunc = lazy_ufunc(["float64(float64, float64)"], gammainc_da.py_func)
betainc_da_ufunc = lazy_ufunc(["float64(float64, float64, float64)"], betainc_da.py_func)
betainc_db_ufunc = lazy_ufunc(["float64(float64, float64, float64)"], betainc_db.py_func)
