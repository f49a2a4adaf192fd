"""Scalar kernels (Numba, float64) for the elementary functions of the logistic and log/exp
family, written to neither overflow nor lose accuracy where the naive formula does: ``expit``,
``logit``, ``log_expit``, ``softplus``, ``log1mexp``, ``logaddexp``, ``xlogy``, ``xlog1py``, and
``sign``.

Every public function is an eagerly compiled, disk-cached kernel (``cephes.kernel``) with a
float64 signature, meant to be called from generated Numba code inside loops, with the semantics
of the ``scipy.special`` / ``numpy`` function of the same name.
"""

import math

from .cephes import kernel as _kernel

__all__ = ["expit", "logit", "log_expit", "softplus", "log1mexp", "logaddexp", "xlogy", "xlog1py", "sign"]

_NAN = math.nan
_LN2 = 0.69314718055994530942

@_kernel("float64(float64)")
def expit(x):
    """Logistic sigmoid 1/(1 + exp(-x)), like ``scipy.special.expit``."""
    return 1.0 / (1.0 + math.exp(-x))


@_kernel("float64(float64)")
def logit(p):
    """Log-odds log(p/(1 - p)), like ``scipy.special.logit``."""
    if p < 0.3 or p > 0.65:
        return math.log(p / (1.0 - p))
    s = 2.0 * (p - 0.5)  # exact; avoids cancellation around p = 1/2
    return math.log1p(s) - math.log1p(-s)


@_kernel("float64(float64)")
def softplus(x):
    """log(1 + exp(x)) without overflow or underflow."""
    if x > 0.0:
        return x + math.log1p(math.exp(-x))
    return math.log1p(math.exp(x))


@_kernel("float64(float64)")
def log_expit(x):
    """log(expit(x)) = -softplus(-x), like ``scipy.special.log_expit``."""
    if x < 0.0:
        return x - math.log1p(math.exp(x))
    return -math.log1p(math.exp(-x))


@_kernel("float64(float64)")
def log1mexp(x):
    """log(1 - exp(x)) for x <= 0 (Maechler's two-branch formula); nan for x > 0."""
    if x > -_LN2:
        if x > 0.0:
            return _NAN
        return math.log(-math.expm1(x))  # -inf at x == 0
    return math.log1p(-math.exp(x))


@_kernel("float64(float64, float64)")
def logaddexp(a, b):
    """log(exp(a) + exp(b)) with ``numpy.logaddexp`` semantics."""
    if a == b:
        return a + _LN2  # also equal infinities: (-inf, -inf) -> -inf
    d = a - b
    if d > 0.0:
        return a + math.log1p(math.exp(-d))
    if d <= 0.0:
        return b + math.log1p(math.exp(d))
    return d  # nan


@_kernel("float64(float64, float64)")
def xlogy(x, y):
    """x*log(y), defined as 0 when x == 0 (unless y is nan), like ``scipy.special.xlogy``."""
    if x == 0.0 and not math.isnan(y):
        return 0.0
    return x * math.log(y)


@_kernel("float64(float64, float64)")
def xlog1py(x, y):
    """x*log1p(y), defined as 0 when x == 0 (unless y is nan), like ``scipy.special.xlog1py``."""
    if x == 0.0 and not math.isnan(y):
        return 0.0
    return x * math.log1p(y)


@_kernel("float64(float64)")
def sign(x):
    """Sign of x as -1.0, 0.0 or 1.0 (nan for nan), like ``numpy.sign``."""
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    if x == 0.0:
        return 0.0
    return x
