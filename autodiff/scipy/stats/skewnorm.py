"""scipy.stats.skewnorm: the skew-normal distribution with shape `a` (Azzalini): density 2 phi(z) Phi(a z).

The CDF is Phi(z) - 2 T(z, a) with Owen's T, except where that is below 1e-6 with a > 0 (it cancels
there; scipy switches to quad at the same point): there a 24-node Gauss-Laguerre quadrature of the
density, in log space, accurate to ~1e-16 however far the tail goes (scipy's quad drifts by 1e-8 to
1e-3 there, then underflows). The SF is the CDF of the mirror image, sf(z, a) = cdf(-z, -a), so
neither is formed as 1 - the other; both are differentiable in x, a, loc and scale.

ppf and isf invert the CDF numerically: safeguarded Newton inside the bracket
[ndtri(q), ndtri((1 + q)/2)] for a >= 0 (the CDF lies between the normal's and the half-normal's),
a < 0 by the mirror image; differentiable in q, a, loc and scale by the implicit function theorem.
The entropy has no closed form (scipy integrates numerically) and is not provided.
"""
import math

import numpy as np

from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, exp
from ._inverse import implicit_inverse, newton_bisect
from ._methods import continuous_methods
from .norm import std_logpdf as norm_logpdf

LOG2 = math.log(2.0)


def _direct_cdf(z, a):
    """Phi(z) - 2 T(z, a), clipped to [0, 1] (Owen's T can pass the bound by an ulp)."""
    return anp.clip(sc.ndtr(z) - 2.0 * sc.owens_t(z, a), 0.0, 1.0)


def _tail_logcdf(z, a):
    """log of the integral of the density below z, for z < 0 < a, by Gauss-Laguerre quadrature.

    With t = z - u/r, r = d/dt log p(z) = -z + a phi(a z)/Phi(a z) > 0, the integral is
    p(z)/r * int_0^inf e^-u g(u) du with g(u) = p(z - u/r) e^u / p(z) <= 1 (the density is log-concave),
    smooth and nearly constant where the tail is steep, so 24 nodes give ~1e-16 once the CDF is below 1e-6.
    """
    log_mills = norm_logpdf(a * z) - sc.log_ndtr(a * z)
    r = -z + a * anp.exp(log_mills)
    at = anp.expand_dims(z, -1) - _LAGUERRE_NODES / anp.expand_dims(r, -1)
    log_g = _std_logpdf(at, anp.expand_dims(a, -1)) - anp.expand_dims(_std_logpdf(z, a), -1) + _LAGUERRE_NODES
    return _std_logpdf(z, a) - anp.log(r) + anp.log(anp.sum(_LAGUERRE_WEIGHTS * anp.exp(log_g), axis=-1))


_LAGUERRE_NODES, _LAGUERRE_WEIGHTS = np.polynomial.laguerre.laggauss(24)
_SMALL = 1e-6  # scipy's switch from Boost's Phi - 2T to quadrature (Phi - 2T cancels below it for a > 0)


def std_logcdf(z, a):
    """log CDF: log(Phi(z) - 2 T(z, a)), or where that is below 1e-6 with a > 0 (it cancels there) the
    Gauss-Laguerre quadrature of the density, which stays accurate however far the tail goes."""
    direct = _direct_cdf(z, a)
    tail = anp.logical_and(anp.less(direct, _SMALL), anp.logical_and(anp.greater(a, 0.0), anp.less(z, 0.0)))
    quad = _tail_logcdf(anp.where(tail, z, -1.0), anp.where(tail, a, 1.0))
    return anp.where(tail, quad, anp.log(anp.where(tail, 1.0, direct)))


def std_cdf(z, a):
    return anp.exp(std_logcdf(z, a))


def _std_logpdf(z, a):
    return LOG2 + norm_logpdf(z) + sc.log_ndtr(a * z)


def _log_tail(z, a):
    """log cdf(z, a) below the median (no underflow: std_logcdf), log1p(-sf) above it."""
    log_below = std_logcdf(z, a)
    return anp.where(anp.less(log_below, -math.log(2.0)), log_below, anp.log1p(-std_cdf(-z, -a)))


_spec = Continuous(_std_logpdf, safe=(0.0,), argcheck=anp.isfinite, open_support=True,  # -inf at z = +-inf
                   logcdf=_log_tail, logsf=lambda z, a: _log_tail(-z, -a))


def logpdf(x, a, loc=0, scale=1):
    """scipy.stats.skewnorm.logpdf: log 2 + log phi(z) + log Phi(a z) - log(scale); differentiable in a too."""
    return _spec.logpdf(x, (a,), loc, scale)


def pdf(x, a, loc=0, scale=1):
    return exp(logpdf(x, a, loc, scale))


def logcdf(x, a, loc=0, scale=1):
    """scipy.stats.skewnorm.logcdf = log(Phi(z) - 2 T(z, a)) (log1p(-sf) above 1/2)."""
    return _spec.logcdf(x, (a,), loc, scale)


def cdf(x, a, loc=0, scale=1):
    return exp(logcdf(x, a, loc, scale))


def logsf(x, a, loc=0, scale=1):
    """scipy.stats.skewnorm.logsf = log(cdf(-z, -a))."""
    return _spec.logsf(x, (a,), loc, scale)


def sf(x, a, loc=0, scale=1):
    return exp(logsf(x, a, loc, scale))


def _solve_std(q, a):
    """z with std_cdf(z, a) = q for 0 < q < 1, inside the normal / half-normal bracket."""
    positive = anp.greater_equal(a, 0.0)
    lo = anp.where(positive, sc.ndtri(q), sc.ndtri(0.5 * q))
    hi = anp.where(positive, sc.ndtri(0.5 * (1.0 + q)), sc.ndtri(q))
    density = lambda z: anp.exp(_std_logpdf(z, a))  # noqa: E731
    return newton_bisect(lambda z: std_cdf(z, a), density, q, lo, hi, 0.5 * (lo + hi), steps=60)


std_ppf = implicit_inverse(std_cdf, _solve_std, "skewnorm_std_ppf")


def _scipy_std_ppf(q, a):
    """std_ppf with -inf and inf at q = 0 and 1."""
    inside = anp.logical_and(anp.greater(q, 0.0), anp.less(q, 1.0))
    z = std_ppf(anp.where(inside, q, 0.5), a)
    return anp.where(inside, z, anp.where(anp.equal(q, 0.0), -np.inf, np.inf))


def _std_mean(a):
    return math.sqrt(2.0 / math.pi) * a / anp.sqrt(1.0 + a * a)


ppf, isf, mean, var, std, median, interval, _ = continuous_methods(
    _spec, __name__, ("a",), std_ppf=_scipy_std_ppf, std_isf=lambda q, a: -_scipy_std_ppf(q, -a),
    std_mean=_std_mean, std_var=lambda a: 1.0 - anp.square(_std_mean(a)),
    ppf="scipy.stats.skewnorm.ppf: the inverse of cdf (Newton in the normal / half-normal bracket); "
        "differentiable in q, a, loc, scale (implicit function theorem).",
    isf="scipy.stats.skewnorm.isf(q, a) = -ppf(q, -a) (the mirror image), so small q keep their digits.")


__all__ = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var", "std", "median", "interval"]
