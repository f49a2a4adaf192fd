"""Scalar kernels (Numba, float64) inverting the regularized incomplete gamma and beta functions.

``gammaincinv(a, y)`` solves gammainc(a, x) = y and ``betaincinv(a, b, y)`` solves
betainc(a, b, x) = y, as ``scipy.special`` does: Numerical Recipes' starting points (the
Wilson-Hilferty / normal approximations, or the small-argument power laws) refined by Halley
steps on the residual, taken from whichever tail is smaller so y near 1 keeps its accuracy, until
the step is below 1e-15 relative. Edges as SciPy: 0 at y = 0, inf (gamma) or 1 (beta) at y = 1,
nan for y outside [0, 1] or non-positive shapes.
"""
import math

import numba

from .cephes import kernel as _kernel
from .special_kernels_incomplete import betainc, gammainc, gammaincc

_TOL = 1e-15


@numba.njit(cache=True, error_model="numpy")
def _normal_guess(p):
    """Approximate standard normal quantile (Abramowitz & Stegun 26.2.22), negative below p = 1/2."""
    pp = p if p < 0.5 else 1.0 - p
    t = math.sqrt(-2.0 * math.log(pp))
    v = t - (2.30753 + t * 0.27061) / (1.0 + t * (0.99229 + t * 0.04481))
    return -v if p < 0.5 else v


@_kernel("float64(float64, float64)")
def gammaincinv(a, y):
    """The x >= 0 with gammainc(a, x) = y."""
    if math.isnan(a) or math.isnan(y) or a <= 0.0 or y < 0.0 or y > 1.0:
        return math.nan
    if y == 0.0:
        return 0.0
    if y == 1.0:
        return math.inf
    a1 = a - 1.0
    gln = math.lgamma(a)
    # the lower tail's leading term gammainc(a, x) ~ x^a / Gamma(a + 1), in logs (tiny y)
    x_small = math.exp((math.log(y) + math.lgamma(a + 1.0)) / a)
    if a > 1.0 and x_small > 0.1 * a:
        z = _normal_guess(y)
        x = max(1e-3, a * (1.0 - 1.0 / (9.0 * a) + z / (3.0 * math.sqrt(a))) ** 3)
    elif a > 1.0:
        x = x_small
    else:
        t = 1.0 - a * (0.253 + a * 0.12)
        x = (y / t) ** (1.0 / a) if y < t else 1.0 - math.log1p(-(y - t) / (1.0 - t))
    if x == 0.0:
        return 0.0  # below the smallest double
    q = 1.0 - y
    lo, hi = 0.0, math.inf
    for _ in range(200):
        err = gammainc(a, x) - y if y < 0.5 else q - gammaincc(a, x)
        if err > 0.0:
            hi = x
        else:
            lo = x
        dens = math.exp(-x + a1 * math.log(x) - gln)
        x_new = 0.5 * (lo + hi) if hi < math.inf else 2.0 * x
        if dens > 0.0 and math.isfinite(dens):
            u = err / dens
            step = x - u / (1.0 - 0.5 * min(1.0, u * (a1 / x - 1.0)))
            if lo <= step <= hi:  # Halley, unless it leaves the bracket
                x_new = step
        if abs(x_new - x) <= _TOL * x_new or hi - lo <= _TOL * x_new:
            return x_new
        x = x_new
    return x


@_kernel("float64(float64, float64, float64)")
def betaincinv(a, b, y):
    """The x in [0, 1] with betainc(a, b, x) = y."""
    if math.isnan(a) or math.isnan(b) or math.isnan(y) or a <= 0.0 or b <= 0.0 or y < 0.0 or y > 1.0:
        return math.nan
    if y == 0.0:
        return 0.0
    if y == 1.0:
        return 1.0
    a1, b1 = a - 1.0, b - 1.0
    if a >= 1.0 and b >= 1.0:
        z = -_normal_guess(y)  # Numerical Recipes' sign: positive in the lower tail
        al = (z * z - 3.0) / 6.0
        h = 2.0 / (1.0 / (2.0 * a - 1.0) + 1.0 / (2.0 * b - 1.0))
        w = (z * math.sqrt(al + h) / h
             - (1.0 / (2.0 * b - 1.0) - 1.0 / (2.0 * a - 1.0)) * (al + 5.0 / 6.0 - 2.0 / (3.0 * h)))
        x = a / (a + b * math.exp(2.0 * w))
    else:
        lna, lnb = math.log(a / (a + b)), math.log(b / (a + b))
        t = math.exp(a * lna) / a
        u = math.exp(b * lnb) / b
        w = t + u
        x = (a * w * y) ** (1.0 / a) if y < t / w else 1.0 - (b * w * (1.0 - y)) ** (1.0 / b)
    if x == 0.0:
        return 0.0  # below the smallest double
    afac = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    q = 1.0 - y
    lo, hi = 0.0, 1.0
    for _ in range(200):
        if x <= 0.0 or x >= 1.0:
            x = 0.5 * (lo + hi)
        # the residual from the smaller tail, unless 1 - x would lose digits of a small x
        err = q - betainc(b, a, 1.0 - x) if y > 0.5 and x > 0.1 else betainc(a, b, x) - y
        if err > 0.0:
            hi = x
        else:
            lo = x
        dens = math.exp(a1 * math.log(x) + b1 * math.log1p(-x) + afac)
        if dens == 0.0 or not math.isfinite(dens):
            x_new = 0.5 * (lo + hi)
        else:
            u = err / dens
            step = u / (1.0 - 0.5 * min(1.0, u * (a1 / x - b1 / (1.0 - x))))
            x_new = x - step
            if not (lo <= x_new <= hi):  # a Halley step out of the bracket: bisect instead
                x_new = 0.5 * (lo + hi)
        if abs(x_new - x) <= _TOL * x_new or hi - lo <= _TOL * x_new:
            return x_new
        x = x_new
    return x


__all__ = ["gammaincinv", "betaincinv"]
