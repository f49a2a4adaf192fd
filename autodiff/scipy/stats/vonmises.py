"""scipy.stats.vonmises: the von Mises (circular normal) distribution with concentration `kappa`.

As in scipy the density is evaluated for every real x (it is 2 pi periodic, not restricted to an
interval), and the CDF is not periodic but cumulative: cdf(x + 2 pi) = cdf(x) + 1, 1/2 at z = 0.
The CDF is scipy's algorithm (Hill 1977, scipy's `von_mises_cdf`): below kappa = 50 the series
1/2 + z/(2 pi) + (1/pi) sum_n I_n(kappa)/I_0(kappa) sin(n z)/n, its Bessel ratios from the
backward continued fraction R_n = 1 / (2n/kappa + R_(n+1)), here always with scipy's largest
term count (52) so the term count does not depend on kappa; from kappa = 50 the normal
approximation ndtr(sqrt(2/pi) / i0e(kappa) sin(z/2)). Differentiable in x, loc, scale and kappa.

ppf and isf invert that CDF numerically on [-pi, pi] (safeguarded Newton from Hill's normal
approximation) and are differentiable in q, loc, scale and kappa by the implicit function theorem
(`_inverse.py`). mean, var, std, median, interval and entropy are scipy's for the distribution on
[loc - pi scale, loc + pi scale]: var = E z**2 by Gauss-Legendre quadrature of the density (scipy
integrates it numerically too), entropy in closed form.
"""
import math

import numpy as np

from ... import numpy as anp
from ...control_flow import scan
from .. import special as sc
from ._dist import Continuous, exp, scalar
from ._inverse import implicit_inverse, newton_bisect
from ._methods import continuous_methods

LOG_2PI = math.log(2.0 * math.pi)

# kappa cos(z) - log(2 pi I0(kappa)) = kappa cosm1(z) - log(2 pi) - log(i0e(kappa)): no overflow for large kappa
_spec = Continuous(lambda z, kappa: kappa * sc.cosm1(z) - LOG_2PI - anp.log(sc.i0e(kappa)),
                   argcheck=lambda kappa: anp.greater_equal(kappa, 0), safe=(1.0,))


def logpdf(x, kappa, loc=0, scale=1):
    """scipy.stats.vonmises.logpdf."""
    return _spec.logpdf(x, (kappa,), loc, scale)


def pdf(x, kappa, loc=0, scale=1):
    return exp(logpdf(x, kappa, loc, scale))


_SERIES_TERMS = 52  # scipy's p = ceil(28 + kappa/2 - 100/(kappa + 5)) at its largest (kappa -> 50)
_NORMAL_FROM = 50.0  # scipy's switch to the normal approximation


def _cdf_series(z, kappa):
    """1/2 + z/(2 pi) + V/pi for |z| <= pi, kappa < 50 (kappa > 0)."""
    def step(carry, n):
        ratio, v = carry
        ratio = 1.0 / (2.0 * n / kappa + ratio)
        return (ratio, ratio * (anp.sin(n * z) / n + v)), None

    shape = np.broadcast_shapes(anp.shape(z), anp.shape(kappa))
    zero = np.zeros(shape)  # R_p = 0 starts the backward continued fraction for I_n / I_(n-1)
    # a scan, not an unrolled loop: one compiled loop under jit instead of 51 copies of its body
    (_, v), _ = scan(step, (zero, zero), np.arange(_SERIES_TERMS - 1, 0, -1, dtype=np.float64))
    return anp.clip(0.5 + z / (2.0 * math.pi) + v / math.pi, 0.0, 1.0)


def _cdf_normal(z, kappa):
    """Hill's normal approximation for kappa >= 50."""
    return sc.ndtr(math.sqrt(2.0 / math.pi) / sc.i0e(kappa) * anp.sin(0.5 * z))


def _std_cdf(z, kappa):
    """scipy's von_mises_cdf(kappa, z): the turns round(z / 2 pi) plus the CDF of the remainder in [-pi, pi]."""
    turns = anp.round(z / (2.0 * math.pi))
    r = z - turns * (2.0 * math.pi)
    series = anp.less(kappa, _NORMAL_FROM)
    uniform = anp.equal(kappa, 0.0)
    k_series = anp.where(anp.logical_and(series, anp.logical_not(uniform)), kappa, 1.0)
    inside = anp.where(uniform, 0.5 + r / (2.0 * math.pi), _cdf_series(r, k_series))
    return anp.where(series, inside, _cdf_normal(r, anp.where(series, _NORMAL_FROM, kappa))) + turns


def cdf(x, kappa, loc=0, scale=1):
    """scipy.stats.vonmises.cdf: cumulative over the real line (cdf(x + 2 pi) = cdf(x) + 1), z = (x - loc)/scale."""
    z, (kappa,), _, ok = _spec._standardise(x, (kappa,), loc, scale)
    infinite = anp.isinf(z)  # scipy's rv_continuous: 0 at -inf, 1 at +inf
    value = anp.where(infinite, anp.where(anp.greater(z, 0), 1.0, 0.0), _std_cdf(anp.where(infinite, 0.0, z), kappa))
    return scalar(anp.where(ok, value, np.nan))


def logcdf(x, kappa, loc=0, scale=1):
    """scipy.stats.vonmises.logcdf = log(cdf)."""
    return scalar(anp.log(cdf(x, kappa, loc, scale)))


def sf(x, kappa, loc=0, scale=1):
    """scipy.stats.vonmises.sf = 1 - cdf."""
    return scalar(1.0 - cdf(x, kappa, loc, scale))


def logsf(x, kappa, loc=0, scale=1):
    """scipy.stats.vonmises.logsf = log(1 - cdf)."""
    return scalar(anp.log1p(-cdf(x, kappa, loc, scale)))


def _std_slope(z, kappa):
    """d/dz of _std_cdf on [-pi, pi]: the density below kappa = 50, the normal approximation's slope above."""
    density = anp.exp(kappa * sc.cosm1(z)) / (2.0 * math.pi * sc.i0e(kappa))
    big = anp.where(anp.less(kappa, _NORMAL_FROM), _NORMAL_FROM, kappa)
    c = math.sqrt(2.0 / math.pi) / sc.i0e(big)
    u = c * anp.sin(0.5 * z)
    approx = anp.exp(-0.5 * u * u) / math.sqrt(2.0 * math.pi) * c * 0.5 * anp.cos(0.5 * z)
    return anp.where(anp.less(kappa, _NORMAL_FROM), density, approx)


def _solve_std(q, kappa):
    """z in [-pi, pi] with _std_cdf(z, kappa) = q (-pi and pi at q = 0 and 1), by Newton from Hill's normal
    approximation sin(z/2) ~ ndtri(q) i0e(kappa) sqrt(pi/2)."""
    guess = 2.0 * anp.arcsin(anp.clip(sc.ndtri(q) * sc.i0e(kappa) * math.sqrt(0.5 * math.pi), -1.0, 1.0))
    z = newton_bisect(lambda z: _std_cdf(z, kappa), lambda z: _std_slope(z, kappa), q, -math.pi, math.pi, guess)
    return anp.where(anp.equal(q, 0.0), -math.pi, anp.where(anp.equal(q, 1.0), math.pi, z))


std_ppf = implicit_inverse(_std_cdf, _solve_std, "vonmises_std_ppf")


def _std_var(kappa):
    """E z**2 on [-pi, pi] (the mean is 0) by 96-point Gauss-Legendre quadrature over the density's width."""
    half = anp.minimum(math.pi, 12.0 / anp.sqrt(anp.maximum(kappa, 1e-300)))  # 12 sd for large kappa
    z = anp.expand_dims(half, -1) * _GL_NODES
    k = anp.expand_dims(kappa, -1)
    density = anp.exp(k * sc.cosm1(z)) / (2.0 * math.pi * sc.i0e(k))
    return anp.sum(_GL_WEIGHTS * z * z * density, axis=-1) * half  # dz = half d(node)


_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(96)

def _scipy_std_ppf(q, kappa):
    """std_ppf with scipy's ends: its vonmises has the whole real line as support, so ppf(0) = -inf, ppf(1) = inf."""
    return anp.where(anp.equal(q, 0.0), -np.inf, anp.where(anp.equal(q, 1.0), np.inf, std_ppf(q, kappa)))


ppf, isf, mean, var, std, median, interval, entropy = continuous_methods(
    _spec, __name__, ("kappa",), std_ppf=_scipy_std_ppf, std_isf=lambda q, kappa: -_scipy_std_ppf(q, kappa),
    std_mean=lambda kappa: anp.zeros_like(kappa), std_var=_std_var,
    std_entropy=lambda kappa: LOG_2PI + anp.log(sc.i0e(kappa)) + kappa * (1.0 - sc.i1e(kappa) / sc.i0e(kappa)),
    ppf="scipy.stats.vonmises.ppf: the inverse of cdf on [loc - pi scale, loc + pi scale] (Newton); "
        "differentiable in q, kappa, loc, scale (implicit function theorem); -inf and inf at q = 0 and 1 "
        "(scipy's support is the real line).")


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval",
           "entropy"]
