r"""Stan's ``cholesky_factor_corr`` transform as one primitive with compiled kernels.

``cholesky_corr_forward(x)`` maps ``K(K-1)/2`` free values (packed row by row over the strict
lower triangle) to the ``K x K`` Cholesky factor of a correlation matrix: with :math:`z = \tanh x`,

.. math::

    L_{ij} = z_{ij} \exp\big(\tfrac12 \textstyle\sum_{m<j} \log(1 - z_{im}^2)\big), \quad
    L_{ii} = \exp\big(\tfrac12 \textstyle\sum_{m<i} \log(1 - z_{im}^2)\big),

a stick length below ``TINY`` (1e-300) kept at ``TINY`` with the gradient of the exact map (as
``at_least`` does). Written with array primitives (:func:`forward_by_composite`) every entry of the
padded ``K x K`` matrix of every component became scalar code in each model that used it (about
700 generated lines for three 2 x 2 factors); here the values are one kernel call and the
pullback another. With :math:`r_{ij} = \tfrac12 \bar L_{ij} L_{ij}` (:math:`j \le i`) the
pullback is

.. math::

    \bar x_{im} = \bar L_{im}\, s_{im} (1 - z_{im}^2) - 2 z_{im} \textstyle\sum_{m < j \le i} r_{ij},

:math:`s_{im}` the stick length of :math:`L_{im}`. Second derivatives differentiate the composite
form, which gives the same function, so every order of derivative is exact.
"""
import math

import numba
import numpy as np

import autodiff as ad
import autodiff.numpy as anp
from autodiff.avals import ShapedArray
from autodiff.codegen.extensions import register_kernel
from autodiff.core import Primitive

from ..kernel_primitives import differentiate_through, emit_kernel_call, kernel_input
from .base import LOG_TINY, at_least
from .packing import _log1m_tanh2, _size_from_packed, _strict_lower, _unpack

__all__ = ["cholesky_corr_forward", "forward_by_composite"]

_KERNEL = dict(cache=True, nogil=True, error_model="numpy")
_TWO_LOG_2 = 2.0 * math.log(2.0)


# ---------------------------------------------------------------------------------------------
# Kernels: x (B, K(K-1)/2) -> L (B, K, K). Typed eagerly: the generated code always passes
# C-contiguous float64 arrays, so one specialisation, compiled (or loaded) on import.


@numba.njit(**_KERNEL)
def _log1m_tanh_squared(v):
    """log(1 - tanh(v)^2) = 2 log 2 - 2 logaddexp(v, -v), without cancellation at large |v|."""
    a = abs(v)
    return _TWO_LOG_2 - 2.0 * (a + math.log1p(math.exp(-2.0 * a)))


@numba.njit(**_KERNEL)
def _stick(log_rest):
    """exp(log_rest / 2), never below TINY."""
    return math.exp(max(0.5 * log_rest, LOG_TINY))


@numba.njit(numba.void(numba.float64[:, ::1], numba.float64[:, :, ::1]), **_KERNEL)
def cholesky_corr_kernel(x, out):
    """out[b] = the Cholesky factor of a correlation matrix packed in x[b]."""
    B, K = out.shape[0], out.shape[1]
    for b in range(B):
        p = 0
        for i in range(K):
            log_rest = 0.0
            for j in range(i):
                v = x[b, p]
                out[b, i, j] = math.tanh(v) * _stick(log_rest)
                log_rest += _log1m_tanh_squared(v)
                p += 1
            out[b, i, i] = _stick(log_rest)
            for j in range(i + 1, K):
                out[b, i, j] = 0.0


@numba.njit(numba.void(numba.float64[:, :, ::1], numba.float64[:, ::1], numba.float64[:, ::1]), **_KERNEL)
def cholesky_corr_vjp_kernel(ct, x, g_x):
    """g_x[b] = the cotangent ct[b] (K, K) of the factor pulled back to its free values x[b]."""
    B, K = ct.shape[0], ct.shape[1]
    stick, tanh = np.empty(K), np.empty(K)
    for b in range(B):
        p = 0
        for i in range(K):
            log_rest = 0.0
            for j in range(i):
                tanh[j] = math.tanh(x[b, p + j])
                stick[j] = _stick(log_rest)
                log_rest += _log1m_tanh_squared(x[b, p + j])
            stick[i] = _stick(log_rest)
            later = 0.5 * ct[b, i, i] * stick[i]  # sum of r_ij over the entries j > m of this row
            for m in range(i - 1, -1, -1):
                t = tanh[m]
                g_x[b, p + m] = ct[b, i, m] * stick[m] * (1.0 - t * t) - 2.0 * t * later
                later += 0.5 * ct[b, i, m] * t * stick[m]
            p += i


register_kernel("cholesky_corr", cholesky_corr_kernel)
register_kernel("cholesky_corr_vjp", cholesky_corr_vjp_kernel)


# ---------------------------------------------------------------------------------------------
# The same map composed of array primitives: the reference, and the source of second derivatives


def forward_by_composite(x):
    """cholesky_corr_forward composed of differentiable primitives (x (..., K(K-1)/2))."""
    k = _size_from_packed("CholeskyCorr", x.shape[-1], strict=True)
    _, _, gather = _strict_lower(k)
    xm = _unpack(x, gather)
    log1m_z2 = _log1m_tanh2(xm)  # 0 off the strict lower triangle
    log_rest = anp.concatenate(
        [anp.zeros(xm.shape[:-1] + (1,)), anp.cumsum(log1m_z2[..., :-1], axis=-1)], axis=-1
    )  # log(1 - sum_{m<j} L_im^2)
    # tanh(xm) is 0 where eye is 1 and vice versa: one expression fills both. A stick length
    # below TINY (1e-300) stays TINY rather than 0, so log L_ii (LKJCholesky's density) stays finite.
    return (anp.tanh(xm) + anp.eye(k)) * anp.exp(at_least(0.5 * log_rest, LOG_TINY))


def _pullback_by_composite(ct, x):
    _, pullback = ad.vjp(forward_by_composite, x)
    return pullback(ct)[0]


# ---------------------------------------------------------------------------------------------
# The primitives


def _forward_impl(x):
    x = kernel_input(x)
    k = _size_from_packed("CholeskyCorr", x.shape[-1], strict=True)
    out = np.empty((x.shape[0], k, k))
    cholesky_corr_kernel(x, out)
    return out


def _vjp_impl(ct, x):
    ct, x = kernel_input(ct), kernel_input(x)
    g = np.empty_like(x)
    cholesky_corr_vjp_kernel(ct, x, g)
    return g


def _forward_shape(x):
    k = _size_from_packed("CholeskyCorr", x.shape[-1], strict=True)
    return ShapedArray((x.shape[0], k, k), np.float64)


def _forward_jvp(primals, tangents):
    _, tangent = ad.jvp(forward_by_composite, tuple(primals), tuple(tangents))
    return cholesky_corr_p.bind(*primals), tangent


cholesky_corr_p = Primitive("cholesky_corr")
cholesky_corr_p.def_impl(_forward_impl)
cholesky_corr_p.def_shape(_forward_shape)
cholesky_corr_p.def_jvp_full(_forward_jvp)
cholesky_corr_p.def_vjp_full(lambda ct, ans, args: [cholesky_corr_vjp_p.bind(ct, *args)])
cholesky_corr_p.def_emit(lambda ctx, eqn: emit_kernel_call("cholesky_corr", ctx, eqn))


cholesky_corr_vjp_p = Primitive("cholesky_corr_vjp")
cholesky_corr_vjp_p.def_impl(_vjp_impl)
cholesky_corr_vjp_p.def_shape(lambda ct, x: ShapedArray(tuple(x.shape), np.float64))
differentiate_through(cholesky_corr_vjp_p, _pullback_by_composite)
cholesky_corr_vjp_p.def_emit(lambda ctx, eqn: emit_kernel_call("cholesky_corr_vjp", ctx, eqn))


def cholesky_corr_forward(x):
    """``K(K-1)/2`` free values on the last axis of ``x`` -> ``(..., K, K)`` Cholesky factors of
    correlation matrices (Stan's ``cholesky_corr_constrain``), the batch axes looped in one kernel."""
    x = anp.asarray(x)
    if x.dtype != np.float64:
        x = anp.astype(x, np.float64)
    n = x.shape[-1]
    k = _size_from_packed("CholeskyCorr", n, strict=True)
    batch = tuple(x.shape[:-1])
    out = cholesky_corr_p.bind(anp.reshape(x, (int(np.prod(batch, dtype=np.int64)), n)))
    return anp.reshape(out, batch + (k, k))
