"""scipy.special names, differentiable: elementwise primitives plus logsumexp/softmax built from primitives.

Outside any transform each function returns what `scipy.special` returns (same values, shapes,
inf/nan at the domain edges); under grad/jvp/vjp/jit it is traced like any autodiff.numpy op.

Additions that scipy.special does not have: `log1mexp(x) = log(1 - exp(x))` for x <= 0 (accurate
near 0 and far below it, Maechler 2012) and `logaddexp` (numpy's, re-exported for convenience).

`gammainc`, `gammaincc`, `betainc` and `stdtr` are differentiable in every argument; to first order only in
the shape arguments (a, b, df), whose derivatives have no closed form.
"""
import numpy as np

from .. import numpy as anp
from ..core import concrete_or_none
from ..custom import stop_gradient
from ..numpy import _util
from ..primitives import special as sp
from ..primitives.elementwise import safe_mul

logaddexp = anp.logaddexp


def _arr(x):
    return anp.asarray(x) if isinstance(x, (list, tuple)) else x


def _to_float(x):
    x = _arr(x)
    return x if _util.dtype(x).kind == "f" else anp.astype(x, np.float64)


def _scalar(x):
    """numpy 0-d results as numpy scalars, as scipy returns them."""
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


def _ufunc(p, name, doc):
    def fn(*args):
        return p.bind(*[_arr(a) for a in args])
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


gammaln = _ufunc(sp.gammaln_p, "gammaln", "scipy.special.gammaln: log|Gamma(x)|; derivative digamma(x).")
digamma = _ufunc(sp.digamma_p, "digamma", "scipy.special.digamma (psi); derivative polygamma(1, x).")
psi = digamma
gamma = _ufunc(sp.gamma_p, "gamma", "scipy.special.gamma; derivative gamma(x) digamma(x).")
betaln = _ufunc(sp.betaln_p, "betaln", "scipy.special.betaln(a, b) = log|B(a, b)|.")
erf = _ufunc(sp.erf_p, "erf", "scipy.special.erf.")
erfc = _ufunc(sp.erfc_p, "erfc", "scipy.special.erfc = 1 - erf(x), accurate for large x.")
erfinv = _ufunc(sp.erfinv_p, "erfinv", "scipy.special.erfinv on [-1, 1].")
erfcinv = _ufunc(sp.erfcinv_p, "erfcinv", "scipy.special.erfcinv on [0, 2].")
ndtr = _ufunc(sp.ndtr_p, "ndtr", "scipy.special.ndtr: the standard normal CDF.")
log_ndtr = _ufunc(sp.log_ndtr_p, "log_ndtr", "scipy.special.log_ndtr: log of the standard normal CDF, accurate "
                                             "in both tails.")
ndtri = _ufunc(sp.ndtri_p, "ndtri", "scipy.special.ndtri: the standard normal quantile function.")
i0 = _ufunc(sp.i0_p, "i0", "scipy.special.i0: modified Bessel function of the first kind, order 0.")
i1 = _ufunc(sp.i1_p, "i1", "scipy.special.i1: modified Bessel function of the first kind, order 1.")
i0e = _ufunc(sp.i0e_p, "i0e", "scipy.special.i0e = exp(-|x|) i0(x).")
i1e = _ufunc(sp.i1e_p, "i1e", "scipy.special.i1e = exp(-|x|) i1(x).")
expit = _ufunc(sp.expit_p, "expit", "scipy.special.expit: the logistic sigmoid 1 / (1 + exp(-x)).")
logit = _ufunc(sp.logit_p, "logit", "scipy.special.logit = log(p / (1 - p)).")
log_expit = _ufunc(sp.log_expit_p, "log_expit", "scipy.special.log_expit = log(expit(x)), accurate for large |x|.")
softplus = _ufunc(sp.softplus_p, "softplus", "scipy.special.softplus = log(1 + exp(x)).")
xlogy = _ufunc(sp.xlogy_p, "xlogy", "scipy.special.xlogy = x * log(y), 0 where x == 0 (gradient in y too).")
xlog1py = _ufunc(sp.xlog1py_p, "xlog1py", "scipy.special.xlog1py = x * log1p(y), 0 where x == 0.")
gammainc = _ufunc(sp.gammainc_p, "gammainc", "scipy.special.gammainc(a, x): regularized lower incomplete gamma "
                                             "function; differentiable in a to first order.")
gammaincc = _ufunc(sp.gammaincc_p, "gammaincc", "scipy.special.gammaincc(a, x) = 1 - gammainc(a, x); "
                                                "differentiable in a to first order.")
betainc = _ufunc(sp.betainc_p, "betainc", "scipy.special.betainc(a, b, x): regularized incomplete beta function; "
                                          "differentiable in a and b to first order.")
stdtr = _ufunc(sp.stdtr_p, "stdtr", "scipy.special.stdtr(df, t): Student's t CDF; differentiable in df to first "
                                    "order.")
log1mexp = _ufunc(sp.log1mexp_p, "log1mexp", "log(1 - exp(x)) for x <= 0 (not in scipy.special): 0 > x gives a "
                                             "finite value, 0 gives -inf, x > 0 gives nan.")


def polygamma(n, x):
    """scipy.special.polygamma(n, x): the n-th derivative of digamma; n must be concrete (not traced).

    Differentiable in x to any order (d/dx polygamma(n, x) = polygamma(n + 1, x)). Like scipy, a
    negative or non-integer n gives nan.
    """
    n_val = concrete_or_none(n)
    if n_val is None:
        raise TypeError("polygamma(n, x): n selects the function and must be a concrete integer (array), not a "
                        "traced value")
    n_val, x = np.asarray(n_val), _arr(x)
    if n_val.ndim == 0:
        return _polygamma_one(n_val[()], x)
    out = anp.multiply(anp.zeros_like(x, np.float64), np.full(n_val.shape, np.nan))
    for u in np.unique(n_val):
        out = anp.where(n_val == u, _polygamma_one(u, x), out)
    return out


def _polygamma_one(n, x):
    if np.isfinite(n) and n >= 0 and float(n).is_integer():
        return sp.polygamma_p.bind(x, n=int(n))
    return anp.add(anp.multiply(x, 0.0), np.nan)


def multigammaln(a, d):
    """scipy.special.multigammaln(a, d): log of the multivariate gamma function of dimension d.

    log Gamma_d(a) = d (d - 1) / 4 log(pi) + sum_{j=1..d} gammaln(a - (j - 1) / 2); requires a > (d - 1) / 2.
    """
    a = _arr(a)
    d = np.asarray(d)[()]
    if not np.isscalar(d) or (np.floor(d) != d):
        raise ValueError("d should be a positive integer (dimension)")
    a_val = concrete_or_none(a)
    if a_val is not None and np.any(np.asarray(a_val) <= 0.5 * (d - 1)):
        raise ValueError(f"condition a ({a_val}) > 0.5 * (d-1) ({0.5 * (d - 1)}) not met")
    res = (d * (d - 1) * 0.25) * np.log(np.pi)
    for j in range(1, int(d) + 1):
        res = anp.add(res, gammaln(anp.subtract(a, (j - 1.0) / 2)))
    return _scalar(res) if a_val is not None else res


def _reduced_shape(shape, axes, keepdims):
    return tuple(1 if i in axes else d for i, d in enumerate(shape)) if keepdims else tuple(
        d for i, d in enumerate(shape) if i not in axes)


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """scipy.special.logsumexp: log(sum(b * exp(a))) over `axis`, stably; with return_sign, (log|s|, sign(s)).

    The shift m = max(a) is held constant for differentiation (it cancels), so the gradient with
    respect to a is exactly the softmax weights b exp(a - out), finite for -inf entries. Entries with
    b == 0 are left out (an infinite or nan a there adds nothing, as in scipy); the gradient with
    respect to b there is still exp(a - out). When the sum is 0 (all a = -inf, or cancelling b) the
    result is -inf and its gradient is 0, not nan. Without return_sign a negative sum gives nan.
    Accuracy is absolute (~1e-16 times the largest term); scipy's log1p(rest / max term) additionally
    keeps relative accuracy for results next to 0.
    """
    a = _to_float(a)
    if b is not None:
        a, b = anp.broadcast_arrays(a, _arr(b))
    a, b = anp.atleast_1d(a), None if b is None else anp.atleast_1d(b)
    shape = _util.shape(a)
    axes = _util.normalize_axes(axis, len(shape))
    if 0 in shape:
        out = np.full(_reduced_shape(shape, axes, keepdims), -np.inf)
        return (_scalar(out), _scalar(np.sign(out))) if return_sign else _scalar(out)
    if b is None and not return_sign:  # the common case: one fused primitive
        out = reduce_logsumexp_p.bind(a, axes=axes)
        if keepdims:
            out = anp.reshape(out, keepdims_shape(shape, axes))
        return _scalar(out)
    if b is None:
        m = _shift(a, axes)
        terms = anp.exp(anp.subtract(a, m))
    else:
        dead = anp.equal(b, 0)
        m = _shift(anp.where(dead, -np.inf, a), axes)
        a_live = anp.where(anp.logical_and(dead, anp.logical_not(anp.isfinite(a))), -np.inf, a)
        terms = safe_mul(b, anp.exp(anp.subtract(a_live, m)))
    s = anp.sum(terms, axis=axes, keepdims=True)
    zero = anp.equal(s, 0)
    out = anp.where(zero, -np.inf, anp.add(anp.log(anp.abs(anp.where(zero, 1.0, s))), m))
    if not return_sign:
        out = anp.where(anp.less(s, 0), np.nan, out)
    new_shape = _reduced_shape(shape, axes, keepdims)
    out = _scalar(anp.reshape(out, new_shape))
    if return_sign:
        return out, _scalar(anp.reshape(anp.sign(s), new_shape))
    return out


def _shift(a, axes):
    """max(a) over axes (keepdims), held constant, and 0 where it is not finite (all -inf, inf, nan)."""
    m = stop_gradient(anp.max(a, axis=axes, keepdims=True))
    return anp.where(anp.isfinite(m), m, 0.0)


def softmax(x, axis=None):
    """scipy.special.softmax: exp(x - max) / sum(exp(x - max)) over `axis` (None: the whole array)."""
    x = _to_float(x)
    m = stop_gradient(anp.max(x, axis=axis, keepdims=True))
    e = anp.exp(anp.subtract(x, m))
    return _scalar(anp.divide(e, anp.sum(e, axis=axis, keepdims=True)))


def log_softmax(x, axis=None):
    """scipy.special.log_softmax: x - logsumexp(x) over `axis`, accurate when softmax saturates."""
    x = _to_float(x)
    shift = anp.subtract(x, _shift(x, _util.normalize_axes(axis, _util.ndim(x))))
    return _scalar(anp.subtract(shift, anp.log(anp.sum(anp.exp(shift), axis=axis, keepdims=True))))


__all__ = ["gammaln", "digamma", "psi", "polygamma", "multigammaln", "betaln", "gamma", "erf", "erfc",
           "erfinv", "erfcinv", "ndtr", "log_ndtr", "ndtri", "i0", "i1", "i0e", "i1e", "expit", "logit", "log_expit",
           "softplus", "xlogy", "xlog1py", "gammainc", "gammaincc", "betainc", "stdtr", "logsumexp", "softmax",
           "log_softmax", "log1mexp", "logaddexp"]

from .special_composites import *  # noqa: F401,F403,E402
from . import special_composites as _composites  # noqa: E402

__all__ += _composites.__all__

from .special_functions import *  # noqa: F401,F403,E402
from . import special_functions as _functions  # noqa: E402
from ..primitives.reductions import keepdims_shape, reduce_logsumexp_p

__all__ += _functions.__all__
