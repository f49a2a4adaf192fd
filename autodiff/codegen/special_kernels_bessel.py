"""Scalar Numba kernels for the Bessel functions: modified of orders 0 and 1 (``i0``, ``i0e``, ``i1``,
``i1e``, ``k0``, ``k1``) and of real order (``iv``, ``ive``, ``kv`` by Temme's method; ``jv``).

Each public function is an ``@numba.njit(cache=True, error_model="numpy")``
kernel with a ``float64(float64)`` signature, meant to be called from
generated Numba code inside loops.  They use the Cephes Chebyshev expansions
of ``exp(-|x|) I_nu(x)`` on [0, 8] and of ``exp(-|x|) sqrt(|x|) I_nu(x)`` on
(8, inf), as ``scipy.special`` does, so values agree to ~1e-16 relative error.
``i0``/``i1`` split exp(x) in two above log(DBL_MAX) and so stay finite up to
|x| ~ 713.99, like current SciPy sources (SciPy 1.17 overflows from 709.78).
"""

import math

import numba
import numpy as np

from .cephes import MAXLOG as _MAXLOG, chbevl as _chbevl, kernel as _kernel

__all__ = ["i0", "i0e", "i1", "i1e", "iv", "ive", "kv", "k0", "k1", "jv"]

# exp(-x) I0(x) on [0, 8], in Chebyshev polynomials of x/2 - 2.
_I0_A = np.array([
    -4.41534164647933937950e-18, 3.33079451882223809783e-17,
    -2.43127984654795469359e-16, 1.71539128555513303061e-15,
    -1.16853328779934516808e-14, 7.67618549860493561688e-14,
    -4.85644678311192946090e-13, 2.95505266312963983461e-12,
    -1.72682629144155570723e-11, 9.67580903537323691224e-11,
    -5.18979560163526290666e-10, 2.65982372468238665035e-9,
    -1.30002500998624804212e-8, 6.04699502254191894932e-8,
    -2.67079385394061173391e-7, 1.11738753912010371815e-6,
    -4.41673835845875056359e-6, 1.64484480707288970893e-5,
    -5.75419501008210370398e-5, 1.88502885095841655729e-4,
    -5.76375574538582365885e-4, 1.63947561694133579842e-3,
    -4.32430999505057594430e-3, 1.05464603945949983183e-2,
    -2.37374148058994688156e-2, 4.93052842396707084878e-2,
    -9.49010970480476444210e-2, 1.71620901522208775349e-1,
    -3.04682672343198398683e-1, 6.76795274409476084995e-1,
])
# exp(-x) sqrt(x) I0(x) on (8, inf), in Chebyshev polynomials of 32/x - 2.
_I0_B = np.array([
    -7.23318048787475395456e-18, -4.83050448594418207126e-18,
    4.46562142029675999901e-17, 3.46122286769746109310e-17,
    -2.82762398051658348494e-16, -3.42548561967721913462e-16,
    1.77256013305652638360e-15, 3.81168066935262242075e-15,
    -9.55484669882830764870e-15, -4.15056934728722208663e-14,
    1.54008621752140982691e-14, 3.85277838274214270114e-13,
    7.18012445138366623367e-13, -1.79417853150680611778e-12,
    -1.32158118404477131188e-11, -3.14991652796324136454e-11,
    1.18891471078464383424e-11, 4.94060238822496958910e-10,
    3.39623202570838634515e-9, 2.26666899049817806459e-8,
    2.04891858946906374183e-7, 2.89137052083475648297e-6,
    6.88975834691682398426e-5, 3.36911647825569408990e-3,
    8.04490411014108831608e-1,
])
# exp(-x) I1(x) / x on [0, 8].
_I1_A = np.array([
    2.77791411276104639959e-18, -2.11142121435816608115e-17,
    1.55363195773620046921e-16, -1.10559694773538630805e-15,
    7.60068429473540693410e-15, -5.04218550472791168711e-14,
    3.22379336594557470981e-13, -1.98397439776494371520e-12,
    1.17361862988909016308e-11, -6.66348972350202774223e-11,
    3.62559028155211703701e-10, -1.88724975172282928790e-9,
    9.38153738649577178388e-9, -4.44505912879632808065e-8,
    2.00329475355213526229e-7, -8.56872026469545474066e-7,
    3.47025130813767847674e-6, -1.32731636560394358279e-5,
    4.78156510755005422638e-5, -1.61760815825896745588e-4,
    5.12285956168575772895e-4, -1.51357245063125314899e-3,
    4.15642294431288815669e-3, -1.05640848946261981558e-2,
    2.47264490306265168283e-2, -5.29459812080949914269e-2,
    1.02643658689847095384e-1, -1.76416518357834055153e-1,
    2.52587186443633654823e-1,
])
# exp(-x) sqrt(x) I1(x) on (8, inf).
_I1_B = np.array([
    7.51729631084210481353e-18, 4.41434832307170791151e-18,
    -4.65030536848935832153e-17, -3.20952592199342395980e-17,
    2.96262899764595013876e-16, 3.30820231092092828324e-16,
    -1.88035477551078244854e-15, -3.81440307243700780478e-15,
    1.04202769841288027642e-14, 4.27244001671195135429e-14,
    -2.10154184277266431302e-14, -4.08355111109219731823e-13,
    -7.19855177624590851209e-13, 2.03562854414708950722e-12,
    1.41258074366137813316e-11, 3.25260358301548823856e-11,
    -1.89749581235054123450e-11, -5.58974346219658380687e-10,
    -3.83538038596423702205e-9, -2.63146884688951950684e-8,
    -2.51223623787020892529e-7, -3.88256480887769039346e-6,
    -1.10588938762623716291e-4, -9.76109749136146840777e-3,
    7.78576235018280120474e-1,
])


@_kernel("float64(float64)")
def i0e(x):
    """Exponentially scaled modified Bessel function exp(-|x|) I0(x), like ``scipy.special.i0e``."""
    x = abs(x)
    if x <= 8.0:
        return _chbevl(0.5 * x - 2.0, _I0_A)
    return _chbevl(32.0 / x - 2.0, _I0_B) / math.sqrt(x)


@_kernel("float64(float64)")
def i0(x):
    """Modified Bessel function of order 0, like ``scipy.special.i0``."""
    x = abs(x)
    if x <= 8.0:
        return math.exp(x) * _chbevl(0.5 * x - 2.0, _I0_A)
    if x > _MAXLOG:
        # I0 is finite up to x ~ 713.99 although exp(x) overflows: split exp.
        e = math.exp(0.5 * x)
        return e * _chbevl(32.0 / x - 2.0, _I0_B) / math.sqrt(x) * e
    return math.exp(x) * _chbevl(32.0 / x - 2.0, _I0_B) / math.sqrt(x)


@_kernel("float64(float64)")
def i1e(x):
    """Exponentially scaled modified Bessel function exp(-|x|) I1(x), like ``scipy.special.i1e``."""
    z = abs(x)
    if z <= 8.0:
        z = _chbevl(0.5 * z - 2.0, _I1_A) * z
    else:
        z = _chbevl(32.0 / z - 2.0, _I1_B) / math.sqrt(z)
    if x < 0.0:
        return -z
    return z


@_kernel("float64(float64)")
def i1(x):
    """Modified Bessel function of order 1, like ``scipy.special.i1``."""
    z = abs(x)
    if z <= 8.0:
        z = _chbevl(0.5 * z - 2.0, _I1_A) * z * math.exp(z)
    elif z > _MAXLOG:
        e = math.exp(0.5 * z)
        z = e * _chbevl(32.0 / z - 2.0, _I1_B) / math.sqrt(z) * e
    else:
        z = math.exp(z) * _chbevl(32.0 / z - 2.0, _I1_B) / math.sqrt(z)
    if x < 0.0:
        return -z
    return z


# ---------------------------------------------------------------------------
# Real order: Temme's method (Numerical Recipes' bessik), scaled by exp(+-x)
# ---------------------------------------------------------------------------
_EPS_TEMME = 1e-16
_FPMIN_TEMME = 1e-300
_MAXIT_TEMME = 200000
_EULER = 0.57721566490153286061


@numba.njit(cache=True, error_model="numpy")
def _temme_gammas(mu):
    """Temme's gamma_1(mu) = (1/Gamma(1-mu) - 1/Gamma(1+mu)) / (2 mu), gamma_2 = their mean, 1/Gamma(1+mu),
    1/Gamma(1-mu), for |mu| <= 1/2; gamma_1 from a difference of lgammas (no cancellation; -Euler at 0)."""
    lg_minus = math.lgamma(1.0 - mu)
    lg_plus = math.lgamma(1.0 + mu)
    gampl = math.exp(-lg_plus)
    gammi = math.exp(-lg_minus)
    if mu == 0.0:
        gam1 = -_EULER
    else:
        gam1 = -math.sinh(0.5 * (lg_minus - lg_plus)) * math.exp(-0.5 * (lg_minus + lg_plus)) / mu
    return gam1, 0.5 * (gammi + gampl), gampl, gammi


@numba.njit(cache=True, error_model="numpy")
def _bessik_scaled(nu, x):
    """(I_nu(x) exp(-x), K_nu(x) exp(x)) for x > 0, nu >= 0 (Numerical Recipes' bessik)."""
    nl = int(nu + 0.5)
    xmu = nu - nl
    xmu2 = xmu * xmu
    xi = 1.0 / x
    xi2 = 2.0 * xi
    h = max(nu * xi, _FPMIN_TEMME)  # CF1 for I'_nu / I_nu, modified Lentz
    b = xi2 * nu
    d = 0.0
    c = h
    for _ in range(_MAXIT_TEMME):
        b += xi2
        d = 1.0 / (b + d)
        c = b + 1.0 / c
        delta = c * d
        h = delta * h
        if abs(delta - 1.0) < _EPS_TEMME:
            break
    ril = _FPMIN_TEMME
    ripl = h * ril
    ril1 = ril
    fact = nu * xi
    for _ in range(nl, 0, -1):  # downward recurrence to order mu
        ritemp = fact * ril + ripl
        fact -= xi
        ripl = fact * ritemp + ril
        ril = ritemp
    f = ripl / ril
    if x < 2.0:  # series for K_mu, K_mu+1 (then scaled by exp(x))
        x2 = 0.5 * x
        pimu = math.pi * xmu
        fact = 1.0 if abs(pimu) < _EPS_TEMME else pimu / math.sin(pimu)
        d = -math.log(x2)
        e = xmu * d
        fact2 = 1.0 if abs(e) < _EPS_TEMME else math.sinh(e) / e
        gam1, gam2, gampl, gammi = _temme_gammas(xmu)
        ff = fact * (gam1 * math.cosh(e) + gam2 * fact2 * d)
        total = ff
        e = math.exp(e)
        p = 0.5 * e / gampl
        q = 0.5 / (e * gammi)
        c = 1.0
        d = x2 * x2
        total1 = p
        for i in range(1, _MAXIT_TEMME):
            ff = (i * ff + p + q) / (i * i - xmu2)
            c *= d / i
            p /= i - xmu
            q /= i + xmu
            delta = c * ff
            total += delta
            total1 += c * (p - i * ff)
            if abs(delta) < abs(total) * _EPS_TEMME:
                break
        scale = math.exp(x)
        rkmu = total * scale
        rk1 = total1 * xi2 * scale
    else:  # CF2 (Steed), already scaled by exp(x)
        b = 2.0 * (1.0 + x)
        d = 1.0 / b
        h = d
        delh = d
        q1 = 0.0
        q2 = 1.0
        a1 = 0.25 - xmu2
        q = a1
        c = a1
        a = -a1
        s = 1.0 + q * delh
        for i in range(2, _MAXIT_TEMME):
            a -= 2 * (i - 1)
            c = -a * c / i
            qnew = (q1 - b * q2) / a
            q1 = q2
            q2 = qnew
            q += c * qnew
            b += 2.0
            d = 1.0 / (b + a * d)
            delh = (b * d - 1.0) * delh
            h += delh
            dels = q * delh
            s += dels
            if abs(dels / s) < _EPS_TEMME:
                break
        h = a1 * h
        rkmu = math.sqrt(math.pi / (2.0 * x)) / s
        rk1 = rkmu * (xmu + x + 0.5 - h) * xi
    rkmup = xmu * xi * rkmu - rk1
    rimu = xi / (f * rkmu - rkmup)  # Wronskian; I scaled by exp(-x) because K is scaled by exp(x)
    ri = (rimu * ril1) / ril
    for i in range(1, nl + 1):  # upward recurrence of K
        rktemp = (xmu + i) * xi2 * rk1 + rkmu
        rkmu = rk1
        rk1 = rktemp
    return ri, rkmu


@_kernel("float64(float64, float64)")
def kv(v, x):
    """Modified Bessel function of the second kind K_v(x) of real order (K_-v = K_v); x > 0."""
    if math.isnan(v) or math.isnan(x) or x < 0.0:
        return math.nan
    if x == 0.0:
        return math.inf
    if x == math.inf:
        return 0.0
    return _bessik_scaled(abs(v), x)[1] * math.exp(-x)


@numba.njit(cache=True, error_model="numpy")
def _iv_series_scaled(nu, x):
    """I_nu(x) exp(-x) for nu >= 0 and 0 < x < 2 from the power series (all terms positive)."""
    q = 0.25 * x * x
    term = 1.0
    total = 1.0
    for k in range(1, 500):
        term *= q / (k * (nu + k))
        total += term
        if term < _EPS_TEMME * total:
            break
    return math.exp(nu * math.log(0.5 * x) - math.lgamma(nu + 1.0) - x) * total


@numba.njit(cache=True, error_model="numpy")
def _iv_scaled(v, x):
    """I_v(|x|) exp(-|x|) for real v (I_-v = I_v + (2/pi) sin(v pi) K_v), x != 0 finite."""
    ax = abs(x)
    ri, rk = _bessik_scaled(abs(v), ax)
    if ax < 2.0:  # the Wronskian loses digits when K_v is huge; the series does not
        ri = _iv_series_scaled(abs(v), ax)
    if v < 0.0 and v != math.floor(v):
        # K_v exp(x) times exp(-2x) brings it to I's scaling
        ri += 2.0 / math.pi * math.sin(-v * math.pi) * rk * math.exp(-2.0 * ax)
    if x < 0.0 and v != math.floor(v):
        return math.nan
    if x < 0.0 and abs(v) % 2.0 == 1.0:
        return -ri
    return ri


@_kernel("float64(float64, float64)")
def ive(v, x):
    """Exponentially scaled I_v(x) exp(-|x|) of real order v."""
    if math.isnan(v) or math.isnan(x) or math.isinf(x):
        return math.nan
    if x == 0.0:
        if v == 0.0:
            return 1.0
        return 0.0 if (v > 0.0 or v == math.floor(v)) else math.nan
    return _iv_scaled(v, x)


@_kernel("float64(float64, float64)")
def iv(v, x):
    """Modified Bessel function of the first kind I_v(x) of real order v (nan for x < 0 unless v is an integer)."""
    if math.isnan(v) or math.isnan(x) or math.isinf(x):
        return math.nan
    if x == 0.0:
        if v == 0.0:
            return 1.0
        return 0.0 if (v > 0.0 or v == math.floor(v)) else math.inf
    s = _iv_scaled(v, x)
    ax = abs(x)
    if ax > 700.0:  # exp(|x|) alone would overflow before the small factor applies
        return math.copysign(math.exp(ax + math.log(abs(s))), s) if s != 0.0 else s
    return s * math.exp(ax)


@_kernel("float64(float64)")
def k0(x):
    """K_0(x)."""
    return kv(0.0, x)


@_kernel("float64(float64)")
def k1(x):
    """K_1(x)."""
    return kv(1.0, x)


@numba.njit(cache=True, error_model="numpy")
def _bessjy(nu, x):
    """(J_nu(x), Y_nu(x)) for x > 0, nu >= 0 (Numerical Recipes' bessjy: CF1, Temme's series below x = 2,
    Steed's complex CF2 above, Wronskian)."""
    nl = int(nu + 0.5) if x < 2.0 else max(0, int(nu - x + 1.5))
    xmu = nu - nl
    xmu2 = xmu * xmu
    xi = 1.0 / x
    xi2 = 2.0 * xi
    w = xi2 / math.pi
    isign = 1.0
    h = max(nu * xi, _FPMIN_TEMME)
    b = xi2 * nu
    d = 0.0
    c = h
    for _ in range(_MAXIT_TEMME):
        b += xi2
        d = b - d
        if abs(d) < _FPMIN_TEMME:
            d = _FPMIN_TEMME
        c = b - 1.0 / c
        if abs(c) < _FPMIN_TEMME:
            c = _FPMIN_TEMME
        d = 1.0 / d
        delta = c * d
        h = delta * h
        if d < 0.0:
            isign = -isign
        if abs(delta - 1.0) < _EPS_TEMME:
            break
    rjl = isign * _FPMIN_TEMME
    rjpl = h * rjl
    rjl1 = rjl
    fact = nu * xi
    for _ in range(nl, 0, -1):
        rjtemp = fact * rjl + rjpl
        fact -= xi
        rjpl = fact * rjtemp - rjl
        rjl = rjtemp
    if rjl == 0.0:
        rjl = _EPS_TEMME
    f = rjpl / rjl
    if x < 2.0:
        x2 = 0.5 * x
        pimu = math.pi * xmu
        fact = 1.0 if abs(pimu) < _EPS_TEMME else pimu / math.sin(pimu)
        d = -math.log(x2)
        e = xmu * d
        fact2 = 1.0 if abs(e) < _EPS_TEMME else math.sinh(e) / e
        gam1, gam2, gampl, gammi = _temme_gammas(xmu)
        ff = 2.0 / math.pi * fact * (gam1 * math.cosh(e) + gam2 * fact2 * d)
        e = math.exp(e)
        p = e / (gampl * math.pi)
        q = 1.0 / (e * math.pi * gammi)
        pimu2 = 0.5 * pimu
        fact3 = 1.0 if abs(pimu2) < _EPS_TEMME else math.sin(pimu2) / pimu2
        r = math.pi * pimu2 * fact3 * fact3
        c = 1.0
        d = -x2 * x2
        total = ff + r * q
        total1 = p
        for i in range(1, _MAXIT_TEMME):
            ff = (i * ff + p + q) / (i * i - xmu2)
            c *= d / i
            p /= i - xmu
            q /= i + xmu
            delta = c * (ff + r * q)
            total += delta
            total1 += c * p - i * delta
            if abs(delta) < (1.0 + abs(total)) * _EPS_TEMME:
                break
        rymu = -total
        ry1 = -total1 * xi2
        rymup = xmu * xi * rymu - ry1
        rjmu = w / (rymup - f * rymu)
    else:
        a = 0.25 - xmu2
        p = -0.5 * xi
        q = 1.0
        br = 2.0 * x
        bi = 2.0
        fact = a * xi / (p * p + q * q)
        cr = br + q * fact
        ci = bi + p * fact
        den = br * br + bi * bi
        dr = br / den
        di = -bi / den
        dlr = cr * dr - ci * di
        dli = cr * di + ci * dr
        temp = p * dlr - q * dli
        q = p * dli + q * dlr
        p = temp
        for i in range(2, _MAXIT_TEMME):
            a += 2 * (i - 1)
            bi += 2.0
            dr = a * dr + br
            di = a * di + bi
            if abs(dr) + abs(di) < _FPMIN_TEMME:
                dr = _FPMIN_TEMME
            fact = a / (cr * cr + ci * ci)
            cr = br + cr * fact
            ci = bi - ci * fact
            if abs(cr) + abs(ci) < _FPMIN_TEMME:
                cr = _FPMIN_TEMME
            den = dr * dr + di * di
            dr /= den
            di /= -den
            dlr = cr * dr - ci * di
            dli = cr * di + ci * dr
            temp = p * dlr - q * dli
            q = p * dli + q * dlr
            p = temp
            if abs(dlr - 1.0) + abs(dli) < _EPS_TEMME:
                break
        gam = (p - f) / q
        rjmu = math.copysign(math.sqrt(w / ((p - f) * gam + q)), rjl)
        rymu = rjmu * gam
        rymup = rymu * (p + q / gam)
        ry1 = xmu * xi * rymu - rymup
    rj = rjl1 * (rjmu / rjl)
    for i in range(1, nl + 1):
        rytemp = (xmu + i) * xi2 * ry1 - rymu
        rymu = ry1
        ry1 = rytemp
    return rj, rymu


@numba.njit(cache=True, error_model="numpy")
def _jv_series(nu, x):
    """J_nu(x) for nu >= 0 and 0 < x < 2 from its power series."""
    q = -0.25 * x * x
    term = 1.0
    total = 1.0
    for k in range(1, 500):
        term *= q / (k * (nu + k))
        total += term
        if abs(term) < _EPS_TEMME * abs(total):
            break
    return math.exp(nu * math.log(0.5 * x) - math.lgamma(nu + 1.0)) * total


@numba.njit(cache=True, error_model="numpy")
def _gamma_sign(x):
    """The sign of Gamma(x) away from its poles."""
    if x > 0.0:
        return 1.0
    return -1.0 if math.floor(-x) % 2.0 == 0.0 else 1.0


@_kernel("float64(float64, float64)")
def jv(v, x):
    """Bessel function of the first kind J_v(x) of real order (J_-v = cos(v pi) J_v - sin(v pi) Y_v); for x < 0
    only integer orders are real, as in scipy (nan otherwise, and nan at x = +-inf)."""
    if math.isnan(v) or math.isnan(x) or math.isinf(x):
        return math.nan
    integer = v == math.floor(v)
    if x == 0.0:
        if v == 0.0:
            return 1.0
        if v > 0.0 or integer:
            return 0.0
        return math.copysign(math.inf, _gamma_sign(1.0 + v))  # J_v(x) ~ (x/2)^v / Gamma(1 + v)
    if x < 0.0 and not integer:
        return math.nan
    ax = abs(x)
    nu = abs(v)
    j, y = _bessjy(nu, ax)
    if ax < 2.0:
        j = _jv_series(nu, ax)
    if v < 0.0:
        if integer:
            j = -j if nu % 2.0 == 1.0 else j
        else:
            j = math.cos(nu * math.pi) * j - math.sin(nu * math.pi) * y
    if x < 0.0 and abs(v) % 2.0 == 1.0:
        j = -j
    return j

