"""Scalar Numba kernels for the error function and normal-distribution family.

Every public function is an ``@numba.njit(cache=True, error_model="numpy")``
kernel with an explicit ``float64`` signature, meant to be called from
generated Numba code inside loops.  Results follow ``scipy.special``: values
agree to ~1e-13 relative error (mostly to a few units in the last place) with
the same inf/nan at domain edges.

Algorithms: ``erf``/``erfc`` are the C library's (accurate in the tails);
``ndtr`` and ``ndtri`` follow Cephes as SciPy does; ``erfinv`` reuses the
central ``ndtri`` rational function on the exact argument ``y/2`` so it stays
accurate for tiny ``y``; ``log_ndtr`` uses ``log(erfc)`` down to x = -37 and
the asymptotic series of the Mills ratio below that.

Differences from SciPy: SciPy's Cephes ``erfc`` is off by up to ~6e-14
relative for x > 20 and returns 0 where the result is subnormal (x > 26.55);
``erfc``, ``ndtr`` and ``log_ndtr`` here inherit the C library's accuracy
instead.  ``ndtr(x)`` far in the left tail shares SciPy's rounding of
x/sqrt(2) (relative error ~2e-13 at x = -37).  ``erfinv`` of a subnormal y
may differ from SciPy (Boost) by one unit.
"""

import math

import numba
import numpy as np

from .cephes import kernel as _kernel, p1evl as _p1evl, polevl as _polevl

__all__ = ["erf", "erfc", "erfinv", "erfcinv", "ndtr", "log_ndtr", "ndtri"]

_INF = math.inf
_NAN = math.nan
_SQRT1_2 = 0.70710678118654752440  # 1/sqrt(2)
_SQRT2PI = 2.50662827463100050242  # sqrt(2*pi)
_SQRTPI_2 = 0.88622692545275801365  # sqrt(pi)/2
_LOG_SQRT2PI = 0.91893853320467274178  # log(sqrt(2*pi))
_EXPM2 = 0.13533528323661269189  # exp(-2): edge of ndtri's central region
_ERFINV_CENTRAL = 0.72932943352677461622  # 1 - 2*exp(-2): same edge for erfinv


# Cephes ndtri: x/sqrt(2 pi) = w + w^3 P0(w^2)/Q0(w^2) for |w| = |p - 1/2| <= 3/8.
_NDTRI_P0 = np.array([
    -5.99633501014107895267e1, 9.80010754185999661536e1,
    -5.66762857469070293439e1, 1.39312609387279679503e1,
    -1.23916583867381258016e0,
])
_NDTRI_Q0 = np.array([
    1.95448858338141759834e0, 4.67627912898881538453e0,
    8.63602421390890590575e1, -2.25462687854119370527e2,
    2.00260212380060660359e2, -8.20372256168333339912e1,
    1.59056225126211695515e1, -1.18331621121330003142e0,
])
# Tail, z = sqrt(-2 log p) in [2, 8): x = z - log(z)/z - (1/z) P1(1/z)/Q1(1/z).
_NDTRI_P1 = np.array([
    4.05544892305962419923e0, 3.15251094599893866154e1,
    5.71628192246421288162e1, 4.40805073893200834700e1,
    1.46849561928858024014e1, 2.18663306850790267539e0,
    -1.40256079171354495875e-1, -3.50424626827848203418e-2,
    -8.57456785154685413611e-4,
])
_NDTRI_Q1 = np.array([
    1.57799883256466749731e1, 4.53907635128879210584e1,
    4.13172038254672030440e1, 1.50425385692907503408e1,
    2.50464946208309415979e0, -1.42182922854787788574e-1,
    -3.80806407691578277194e-2, -9.33259480895457427372e-4,
])
# Far tail, z in [8, 64).
_NDTRI_P2 = np.array([
    3.23774891776946035970e0, 6.91522889068984211695e0,
    3.93881025292474443415e0, 1.33303460815807542389e0,
    2.01485389549179081538e-1, 1.23716634817820021358e-2,
    3.01581553508235416007e-4, 2.65806974686737550832e-6,
    6.23974539184983293730e-9,
])
_NDTRI_Q2 = np.array([
    6.02427039364742014255e0, 3.67983563856160859403e0,
    1.37702099489081330271e0, 2.16236993594496635890e-1,
    1.34204006088543189037e-2, 3.28014464682127739104e-4,
    2.89247864745380683936e-6, 6.79019408009981274425e-9,
])


@_kernel("float64(float64)")
def erf(x):
    """Error function, like ``scipy.special.erf``."""
    return math.erf(x)


@_kernel("float64(float64)")
def erfc(x):
    """Complementary error function 1 - erf(x), accurate far into the right tail."""
    return math.erfc(x)


@numba.njit(cache=True, error_model="numpy")
def _ndtri_central_ratio(w2):
    """Return R with ndtri(1/2 + w) = sqrt(2 pi) (w + w R(w^2)), |w| <= 1/2 - exp(-2)."""
    return w2 * _polevl(w2, _NDTRI_P0) / _p1evl(w2, _NDTRI_Q0)


@numba.njit(cache=True, error_model="numpy")
def _ndtri_lower_tail(y):
    """Return ndtri(y) for 0 < y <= exp(-2) (a negative number)."""
    x = math.sqrt(-2.0 * math.log(y))
    x0 = x - math.log(x) / x
    z = 1.0 / x
    if x < 8.0:
        x1 = z * _polevl(z, _NDTRI_P1) / _p1evl(z, _NDTRI_Q1)
    else:
        x1 = z * _polevl(z, _NDTRI_P2) / _p1evl(z, _NDTRI_Q2)
    return x1 - x0


@_kernel("float64(float64)")
def ndtri(p):
    """Inverse of the standard normal CDF, like ``scipy.special.ndtri``."""
    if p == 0.0:
        return -_INF
    if p == 1.0:
        return _INF
    if not (0.0 < p < 1.0):
        return _NAN
    if p > 1.0 - _EXPM2:
        return -_ndtri_lower_tail(1.0 - p)
    if p > _EXPM2:
        w = p - 0.5
        return (w + w * _ndtri_central_ratio(w * w)) * _SQRT2PI
    return _ndtri_lower_tail(p)


@_kernel("float64(float64)")
def erfinv(y):
    """Inverse error function, like ``scipy.special.erfinv``."""
    ay = abs(y)
    if not (ay < 1.0):
        if ay == 1.0:
            return math.copysign(_INF, y)
        return _NAN
    if ay <= _ERFINV_CENTRAL:
        # erfinv(y) = ndtri((1 + y)/2)/sqrt(2) and (1 + y)/2 - 1/2 = y/2 exactly.
        return _SQRTPI_2 * (y + y * _ndtri_central_ratio(0.25 * y * y))
    # erfinv(y) = sign(y) erfcinv(1 - |y|); 1 - |y| is exact here.
    return math.copysign(-_ndtri_lower_tail(0.5 * (1.0 - ay)) * _SQRT1_2, y)


@_kernel("float64(float64)")
def erfcinv(y):
    """Inverse complementary error function, like ``scipy.special.erfcinv``."""
    if 0.0 < y < 2.0:
        return -ndtri(0.5 * y) * _SQRT1_2
    if y == 0.0:
        return _INF
    if y == 2.0:
        return -_INF
    return _NAN


@_kernel("float64(float64)")
def ndtr(x):
    """Standard normal CDF, like ``scipy.special.ndtr``."""
    t = x * _SQRT1_2
    z = abs(t)
    if z < 1.0:
        return 0.5 + 0.5 * math.erf(t)
    y = 0.5 * math.erfc(z)
    if t > 0.0:
        return 1.0 - y
    return y


@_kernel("float64(float64)")
def log_ndtr(x):
    """Log of the standard normal CDF, accurate in both tails (x = -1e10 is fine)."""
    if x >= -1.0 or math.isnan(x):
        # log(1 - Q) with Q = erfc(x/sqrt 2)/2 <= 0.84.
        return math.log1p(-0.5 * math.erfc(x * _SQRT1_2))
    if x > -37.0:
        # erfc is accurate (and not subnormal) down to here.
        return math.log(0.5 * math.erfc(-x * _SQRT1_2))
    # Mills ratio: Phi(x) = phi(x)/(-x) * (1 - u + 3u^2 - 15u^3 + ...), u = 1/x^2.
    x2 = x * x
    u = 1.0 / x2
    series = 0.0
    for k in range(8, 0, -1):  # nested 1 - u(1 - 3u(1 - 5u(...)))
        series = (2 * k - 1) * u * (1.0 - series)
    return -0.5 * x2 - math.log(-x) - _LOG_SQRT2PI + math.log1p(-series)


# ---------------------------------------------------------------------------
# Owen's T function
# ---------------------------------------------------------------------------
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(48)  # Gauss-Legendre on [-1, 1]
_INV_2PI = 0.15915494309189533577  # 1 / (2 pi)


@numba.njit(cache=True, error_model="numpy")
def _owens_t_quadrature(h, a):
    """T(h, a) for h >= 0, 0 <= a <= 1: exp(-h^2/2) / (2 pi) int_0^a exp(-h^2 x^2 / 2) / (1 + x^2) dx, the
    Gaussian factor of the integrand beyond x = 9/h (below e^-40) cut off, so 48 Gauss-Legendre nodes
    resolve it at every h (the factor exp(-h^2/2) is kept outside: relative accuracy far in the tail)."""
    q = 0.5 * h * h
    top = a if h * a <= 9.0 else 9.0 / h
    half = 0.5 * top
    total = 0.0
    for i in range(_GL_NODES.shape[0]):
        x = half * (_GL_NODES[i] + 1.0)
        total += _GL_WEIGHTS[i] * math.exp(-q * x * x) / (1.0 + x * x)
    return math.exp(-q) * _INV_2PI * half * total


@_kernel("float64(float64, float64)")
def owens_t(h, a):
    """Owen's T function T(h, a) = (1/2 pi) int_0^a exp(-h^2 (1 + x^2) / 2) / (1 + x^2) dx, like scipy.special.owens_t.

    Even in h and odd in a; for a > 1 the identity T(h, a) = (Phi(h) Phic(ah) + Phi(ah) Phic(h)) / 2 - T(ah, 1/a)
    (h >= 0) brings the integral to a <= 1, written with the complementary CDFs so nothing cancels.
    """
    if math.isnan(h) or math.isnan(a):
        return math.nan
    if a < 0.0:
        return -owens_t(h, -a)
    h = abs(h)
    if a == 0.0 or h == math.inf:
        return 0.0
    if a == math.inf:
        return 0.5 * ndtr(-h)
    if a <= 1.0:
        return _owens_t_quadrature(h, a)
    ah = a * h
    return 0.5 * (ndtr(h) * ndtr(-ah) + ndtr(ah) * ndtr(-h)) - _owens_t_quadrature(ah, 1.0 / a)


__all__ += ["owens_t"]
