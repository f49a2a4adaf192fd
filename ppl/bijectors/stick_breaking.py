r"""Stan's stick-breaking simplex transform as one primitive with compiled kernels.

``stick_breaking(x)`` returns ``[y, log_det_jacobian]`` for ``N = K - 1`` free values on the last
axis of ``x``: with :math:`u_k = x_k - \log(N - k)` and :math:`z_k = \sigma(u_k)`,

.. math::

    \log y_k = \log z_k + \textstyle\sum_{j<k} \log(1 - z_j), \quad
    \log y_N = \textstyle\sum_{j<N} \log(1 - z_j), \quad
    \log|J| = \textstyle\sum_{k<N} \big[\log z_k + \log(1 - z_k) + \sum_{j<k}\log(1 - z_j)\big],

in log space (:math:`\log z = -\operatorname{softplus}(-u)`, :math:`\log(1 - z) =
-\operatorname{softplus}(u)`), and :math:`y = \exp(\max(\log y, \log\mathrm{TINY}))` with the
gradient of the exact map (as ``at_least``). Written with array primitives
(:func:`forward_by_composite`) every coordinate of every row became scalar code in the models that
use a Dirichlet (an HMM's (K, K) transition matrix: about 250 generated lines); here the values are
one kernel call and the pullback another. With :math:`a_j = \bar y_j y_j`, :math:`S_k = \sum_{j>k}
a_j` and :math:`\bar\ell` the cotangent of the log Jacobian, the pullback is

.. math::

    \bar x_k = a_k (1 - z_k) - z_k S_k + \bar\ell\,\big(1 - 2 z_k - (N - 1 - k) z_k\big).

Second derivatives differentiate the composite form, which gives the same function, so every
order of derivative is exact.
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

__all__ = ["stick_breaking", "forward_by_composite", "log_det_jacobian_by_composite"]

_KERNEL = dict(cache=True, nogil=True, error_model="numpy")


# ---------------------------------------------------------------------------------------------
# Kernels: x (B, N) -> y (B, N + 1), log |J| (B,). Typed eagerly: the generated code always
# passes C-contiguous float64 arrays, so one specialisation, compiled (or loaded) on import.


@numba.njit(**_KERNEL)
def _softplus(v):
    """log(1 + exp(v)) without overflow (numpy's logaddexp(0, v))."""
    return max(v, 0.0) + math.log1p(math.exp(-abs(v)))


@numba.njit(numba.void(numba.float64[:, ::1], numba.float64[:, ::1], numba.float64[::1]), **_KERNEL)
def stick_breaking_kernel(x, y, log_det):
    B, N = x.shape
    for b in range(B):
        log_stick = 0.0
        ld = 0.0
        for k in range(N):
            u = x[b, k] - math.log(N - k)
            log_z, log_1mz = -_softplus(-u), -_softplus(u)
            y[b, k] = math.exp(max(log_stick + log_z, LOG_TINY))
            ld += log_stick + log_z + log_1mz
            log_stick += log_1mz
        y[b, N] = math.exp(max(log_stick, LOG_TINY))
        log_det[b] = ld


@numba.njit(numba.void(numba.float64[:, ::1], numba.float64[::1], numba.float64[:, ::1], numba.float64[:, ::1]),
            **_KERNEL)
def stick_breaking_vjp_kernel(ct_y, ct_log_det, x, g_x):
    """g_x[b] = the cotangents of y[b] and log |J|[b] pulled back to the free values x[b]."""
    B, N = x.shape
    z, a = np.empty(N), np.empty(N + 1)
    for b in range(B):
        log_stick = 0.0
        for k in range(N):
            u = x[b, k] - math.log(N - k)
            z[k] = 1.0 / (1.0 + math.exp(-u)) if u >= 0.0 else math.exp(u) / (1.0 + math.exp(u))
            a[k] = ct_y[b, k] * math.exp(max(log_stick - _softplus(-u), LOG_TINY))
            log_stick -= _softplus(u)
        a[N] = ct_y[b, N] * math.exp(max(log_stick, LOG_TINY))
        later = a[N]
        c = ct_log_det[b]
        for k in range(N - 1, -1, -1):
            g_x[b, k] = a[k] * (1.0 - z[k]) - z[k] * later + c * (1.0 - (N + 1 - k) * z[k])
            later += a[k]


register_kernel("stick_breaking", stick_breaking_kernel)
register_kernel("stick_breaking_vjp", stick_breaking_vjp_kernel)


# ---------------------------------------------------------------------------------------------
# The same map composed of array primitives: the reference, and the source of second derivatives


def _logs(x):
    n = x.shape[-1]
    u = x - anp.log(anp.arange(n, 0, -1, dtype=float))
    log_z = -anp.logaddexp(0.0, -u)
    log_1mz = -anp.logaddexp(0.0, u)
    zero = anp.zeros(x.shape[:-1] + (1,))
    log_stick = anp.concatenate([zero, anp.cumsum(log_1mz, axis=-1)], axis=-1)  # length K
    return log_z, log_1mz, log_stick


def forward_by_composite(x):
    """The simplex point of the free values x (..., N), composed of differentiable primitives."""
    log_z, _, log_stick = _logs(x)
    log_y = anp.concatenate([log_stick[..., :-1] + log_z, log_stick[..., -1:]], axis=-1)
    # a coordinate below TINY (1e-300) would be an exact 0, on the simplex's edge: keep it TINY
    # (its log still moves with x), so a Dirichlet's log y stays finite
    return anp.exp(at_least(log_y, LOG_TINY))


def log_det_jacobian_by_composite(x):
    """log |J| of x -> y[:-1], composed of differentiable primitives."""
    log_z, log_1mz, log_stick = _logs(x)
    return anp.sum(log_stick[..., :-1] + log_z + log_1mz, axis=-1)


def _both_by_composite(x):
    return [forward_by_composite(x), log_det_jacobian_by_composite(x)]


def _pullback_by_composite(ct_y, ct_log_det, x):
    _, pullback = ad.vjp(_both_by_composite, x)
    return pullback([ct_y, ct_log_det])[0]


# ---------------------------------------------------------------------------------------------
# The primitives


def _forward_impl(x):
    x = kernel_input(x)
    y, log_det = np.empty((x.shape[0], x.shape[1] + 1)), np.empty(x.shape[0])
    stick_breaking_kernel(x, y, log_det)
    return [y, log_det]


def _vjp_impl(ct_y, ct_log_det, x):
    x = kernel_input(x)
    g = np.empty_like(x)
    stick_breaking_vjp_kernel(kernel_input(ct_y), kernel_input(ct_log_det), x, g)
    return g


def _forward_shape(x):
    if len(x.shape) != 2 or x.shape[1] < 1:
        raise ValueError(f"stick_breaking: expected free values (B, N) with N >= 1, got {tuple(x.shape)}")
    return [ShapedArray((x.shape[0], x.shape[1] + 1), np.float64), ShapedArray((x.shape[0],), np.float64)]


def _forward_jvp(primals, tangents):
    _, t_outs = ad.jvp(_both_by_composite, tuple(primals), tuple(tangents))
    return stick_breaking_p.bind(*primals), list(t_outs)


def _forward_vjp(cts, ans, args):
    cts = [c if c is not None else anp.zeros(a.shape) for c, a in zip(cts, ans)]
    return [stick_breaking_vjp_p.bind(*cts, *args)]


stick_breaking_p = Primitive("stick_breaking", multiple_results=True)  # [y, log |J|]
stick_breaking_p.def_impl(_forward_impl)
stick_breaking_p.def_shape(_forward_shape)
stick_breaking_p.def_jvp_full(_forward_jvp)
stick_breaking_p.def_vjp_full(_forward_vjp)
stick_breaking_p.def_emit(lambda ctx, eqn: emit_kernel_call("stick_breaking", ctx, eqn))


stick_breaking_vjp_p = Primitive("stick_breaking_vjp")
stick_breaking_vjp_p.def_impl(_vjp_impl)
stick_breaking_vjp_p.def_shape(lambda ct_y, ct_log_det, x: ShapedArray(tuple(x.shape), np.float64))
differentiate_through(stick_breaking_vjp_p, _pullback_by_composite)
stick_breaking_vjp_p.def_emit(lambda ctx, eqn: emit_kernel_call("stick_breaking_vjp", ctx, eqn))


def stick_breaking(x):
    """``[y, log_det_jacobian]`` of the simplex transform of the free values ``x`` (..., N): ``y``
    (..., N + 1) and ``log |J|`` (...), the batch axes looped in one kernel."""
    x = anp.asarray(x)
    if x.dtype != np.float64:
        x = anp.astype(x, np.float64)
    batch, n = tuple(x.shape[:-1]), x.shape[-1]
    if n == 0:  # the one-point simplex: nothing to loop over
        return forward_by_composite(x), log_det_jacobian_by_composite(x)
    y, log_det = stick_breaking_p.bind(anp.reshape(x, (int(np.prod(batch, dtype=np.int64)), n)))
    return anp.reshape(y, batch + (n + 1,)), anp.reshape(log_det, batch)
