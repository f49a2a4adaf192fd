"""More scipy.special names as composites: beta, entropies, Huber losses, binom, exprel, cosm1, powm1, loggamma, rgamma.

Each is built from autodiff.numpy and the special primitives, with scipy's values at the domain
edges (inf, 0, nan) chosen by `where` on safe operands, so gradients never pick up nan from the
branch not taken. Real arguments only:
- loggamma(x) is gammaln(x) for x >= 0 and nan for x < 0 (scipy's real loggamma); no complex input.
- binom(n, k) = 1 / ((n + 1) beta(n - k + 1, k + 1)), scipy's formula for non-integer k; for integer
  k scipy multiplies exactly instead; here integer n >= 0 and k are rounded to the exact integer (the
  gradient is the formula's), other values agree to ~1e-14 relative on the intended domain n >= 0 not
  tiny. Outside it they can differ (binom(1e-300, 1) is 0 here, n in scipy;
  negative integer k gives -0.0); scipy's large-n asymptotic branches are not reproduced.
- powm1 gives inf where x**y overflows (scipy returns 0 there, e.g. powm1(1e-300, -1.1)).
"""
import numpy as np

from .. import numpy as anp
from ..custom import stop_gradient
from ..numpy import _util
from ..primitives import special as _sp

log1p = anp.log1p
expm1 = anp.expm1


def _f(x):
    x = anp.asarray(x) if isinstance(x, (list, tuple, int, float)) else x
    return x if _util.dtype(x).kind == "f" else anp.astype(x, np.float64)


def _scalar(x):
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


def _pos(x):
    """x where x > 0, 1 elsewhere: an operand that is safe to log or divide by."""
    return anp.where(anp.greater(x, 0), x, 1.0)


def _to_float(x):
    x = anp.asarray(x) if isinstance(x, (list, tuple)) else x
    return x if _util.dtype(x).kind == "f" else anp.astype(x, np.float64)


def _gamma_sign(x):
    """The sign of Gamma(x) away from its poles: +1 for x > 0, (-1)**ceil(-x) below 0 (no gradient)."""
    odd = anp.equal(anp.mod(anp.floor(anp.negative(x)), 2.0), 0.0)
    return anp.where(anp.greater(x, 0), 1.0, anp.where(odd, -1.0, 1.0))


def beta(a, b):
    """scipy.special.beta(a, b) = exp(betaln(a, b)) times the sign of Gamma(a) Gamma(b) / Gamma(a + b)."""
    a, b = _to_float(a), _to_float(b)
    sign = anp.multiply(anp.multiply(_gamma_sign(a), _gamma_sign(b)), _gamma_sign(anp.add(a, b)))
    return anp.multiply(sign, anp.exp(_sp.betaln_p.bind(a, b)))


def entr(x):
    """scipy.special.entr: -x log x for x > 0, 0 at 0, -inf for x < 0."""
    x = _f(x)
    out = anp.subtract(0.0, anp.multiply(x, anp.log(_pos(x))))  # +0 at x = 0, as scipy
    return _scalar(anp.where(anp.less(x, 0), -np.inf, out))


def _xlogxy(x, y):
    """x log(x / y) where x > 0 and y > 0, with operands made safe elsewhere; and that mask."""
    both = anp.logical_and(anp.greater(x, 0), anp.greater(y, 0))
    xs, ys = anp.where(both, x, 1.0), anp.where(both, y, 1.0)
    return anp.multiply(xs, anp.log(anp.divide(xs, ys))), both


def rel_entr(x, y):
    """scipy.special.rel_entr: x log(x / y) for x, y > 0; 0 for x == 0, y >= 0; inf otherwise."""
    x, y = anp.broadcast_arrays(_f(x), _f(y))
    val, both = _xlogxy(x, y)
    zero = anp.logical_and(anp.equal(x, 0), anp.greater_equal(y, 0))
    out = anp.where(both, val, anp.where(zero, 0.0, np.inf))
    return _scalar(anp.where(anp.logical_or(anp.isnan(x), anp.isnan(y)), np.nan, out))


def kl_div(x, y):
    """scipy.special.kl_div: x log(x / y) - x + y for x, y > 0; y for x == 0, y >= 0; inf otherwise."""
    x, y = anp.broadcast_arrays(_f(x), _f(y))
    val, both = _xlogxy(x, y)
    zero = anp.logical_and(anp.equal(x, 0), anp.greater_equal(y, 0))
    out = anp.where(both, anp.add(anp.subtract(val, x), y), anp.where(zero, y, np.inf))
    return _scalar(anp.where(anp.logical_or(anp.isnan(x), anp.isnan(y)), np.nan, out))


def huber(delta, r):
    """scipy.special.huber: r**2 / 2 for |r| <= delta, delta (|r| - delta / 2) beyond; inf for delta < 0."""
    delta, r = anp.broadcast_arrays(_f(delta), _f(r))
    a = anp.abs(r)
    out = anp.where(anp.less_equal(a, delta), anp.multiply(0.5, anp.square(r)),
                    anp.multiply(delta, anp.subtract(a, anp.multiply(0.5, delta))))
    return _scalar(anp.where(anp.less(delta, 0), np.inf, out))


def pseudo_huber(delta, r):
    """scipy.special.pseudo_huber: delta**2 (sqrt(1 + (r / delta)**2) - 1), as delta**2 expm1(log1p(v**2) / 2)."""
    delta, r = anp.broadcast_arrays(_f(delta), _f(r))
    zero = anp.logical_or(anp.equal(delta, 0), anp.equal(r, 0))
    d = anp.where(anp.equal(delta, 0), 1.0, delta)
    v = anp.divide(r, d)
    out = anp.multiply(anp.square(d), anp.expm1(anp.multiply(0.5, anp.log1p(anp.square(v)))))
    out = anp.where(zero, 0.0, out)
    return _scalar(anp.where(anp.less(delta, 0), np.inf, out))


def binom(n, k):
    """scipy.special.binom(n, k) for real n, k: 1 / ((n + 1) beta(n - k + 1, k + 1)); see the module notes."""
    n, k = _f(n), _f(k)
    out = anp.reciprocal(anp.multiply(anp.add(n, 1.0), beta(anp.add(anp.subtract(n, k), 1.0), anp.add(k, 1.0))))
    # integer n >= 0 and k: the exact integer value (rounded, < 2**53), with the gradient of the formula
    whole = anp.logical_and(anp.equal(anp.floor(n), n), anp.equal(anp.floor(k), k))
    whole = anp.logical_and(anp.logical_and(whole, anp.greater_equal(n, 0)), anp.less(anp.abs(out), 2.0 ** 53))
    fix = stop_gradient(anp.where(whole, anp.subtract(anp.rint(out), out), 0.0))
    return _scalar(anp.add(out, fix))


def exprel(x):
    """scipy.special.exprel: (exp(x) - 1) / x, its Taylor series for |x| < 1e-3 (so derivatives are right at 0)."""
    x = _f(x)
    small = anp.less(anp.abs(x), 1e-3)
    xs = anp.where(small, 1.0, x)
    xt = anp.where(small, x, 0.0)
    series = anp.add(1.0, anp.multiply(xt, anp.add(0.5, anp.multiply(xt, anp.add(
        1 / 6, anp.multiply(xt, anp.add(1 / 24, anp.multiply(xt, 1 / 120))))))))
    big = anp.equal(x, np.inf)
    xs = anp.where(big, 1.0, xs)
    return _scalar(anp.where(small, series, anp.where(big, np.inf, anp.divide(anp.expm1(xs), xs))))


def cosm1(x):
    """scipy.special.cosm1: cos(x) - 1, as -2 sin(x / 2)**2 for |x| <= pi / 4 (accurate near 0)."""
    x = _f(x)
    near = anp.less_equal(anp.abs(x), np.pi / 4)
    half_chord = anp.add(anp.multiply(-2.0, anp.square(anp.sin(anp.multiply(0.5, x)))), 0.0)  # +0 at 0
    return _scalar(anp.where(near, half_chord,
                             anp.subtract(anp.cos(x), 1.0)))


def powm1(x, y):
    """scipy.special.powm1: x**y - 1, as expm1(y log x) for x > 0 with |y log x| < 0.5; 0 when y == 0 or x == 1."""
    x, y = anp.broadcast_arrays(_f(x), _f(y))
    ylx = anp.multiply(y, anp.log(_pos(x)))
    use_expm1 = anp.logical_and(anp.greater(x, 0), anp.less(anp.abs(ylx), 0.5))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = anp.where(use_expm1, anp.expm1(anp.where(use_expm1, ylx, 0.0)), anp.subtract(anp.power(x, y), 1.0))
    out = anp.where(anp.logical_and(anp.less(x, 0), anp.isinf(y)), np.nan, out)  # not an integer power
    return _scalar(anp.where(anp.logical_or(anp.equal(y, 0), anp.equal(x, 1)), 0.0, out))


def loggamma(x):
    """scipy.special.loggamma for real x: gammaln(x) for x >= 0, nan for x < 0 (complex input unsupported)."""
    x = _f(x)
    neg = anp.less(x, 0)
    return _scalar(anp.where(neg, np.nan, _sp.gammaln_p.bind(anp.where(neg, 1.0, x))))


def rgamma(x):
    """scipy.special.rgamma = 1 / gamma(x): 0 at the poles 0, -1, -2, ... and where gamma overflows."""
    x = _f(x)
    pole = anp.logical_and(anp.less_equal(x, 0), anp.equal(anp.floor(stop_gradient(x)), x))
    with np.errstate(divide="ignore"):
        out = anp.reciprocal(_sp.gamma_p.bind(anp.where(pole, 1.0, x)))
    return _scalar(anp.where(pole, 0.0, out))


__all__ = ["beta", "entr", "rel_entr", "kl_div", "huber", "pseudo_huber", "binom", "exprel", "cosm1", "powm1",
           "loggamma", "rgamma", "log1p", "expm1"]
