r"""The multivariate normal log density with a Cholesky factor as one primitive with compiled kernels.

``mvn_tril_logpdf(x, loc, scale_tril)`` is, over the broadcast batch of the three arguments,

.. math::

    \log p(x \mid \mu, L) = -\tfrac12 \|z\|^2 - \sum_i \log L_{ii} - \tfrac{d}{2}\log(2\pi),
    \qquad z = L^{-1}(x - \mu).

Its gradient, with :math:`w = L^{-T} z`, is :math:`\partial/\partial x = -w`,
:math:`\partial/\partial\mu = w` and :math:`\partial/\partial L = \operatorname{tril}(w z^\top)
- \operatorname{diag}(1 / L_{ii})` (only the lower triangle of ``scale_tril`` is read, as in a
triangular solve). Both run as Numba kernels over "data points x components" (``(N, K)``): one
kernel call for the values and one for the gradient, with one (d, d) factor per component, instead
of a batched triangular solve, its reverse-mode graph and the loops around them traced and compiled
with every model. A mixture's or an HMM's emissions (``scale_tril`` of shape ``(K, d, d)``) are the
case this exists for; an unbatched factor is ``K = 1``.

Second derivatives differentiate the composite form (:func:`logpdf_by_solve`: a batched triangular
solve), which gives the same function, so every order of derivative is exact.
"""
import math

import numba
import numpy as np

import autodiff as ad
import autodiff.numpy as anp
from autodiff.avals import ShapedArray
from autodiff.codegen.code_text import shape_code
from autodiff.codegen.extensions import register_kernel
from autodiff.core import Primitive
from autodiff.scipy import linalg

__all__ = ["mvn_tril_logpdf", "logpdf_by_solve"]

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
_KERNEL = dict(cache=True, nogil=True, error_model="numpy")
_A3 = numba.float64[:, :, ::1]
_A2 = numba.float64[:, ::1]


# ---------------------------------------------------------------------------------------------
# Kernels. Canonical shapes: x (Nx, Kx, d), loc (Nl, Kl, d), scale_tril (K, d, d), out (N, K),
# where Nx, Nl are 1 or N and Kx, Kl are 1 or K (a size-1 axis is broadcast, never copied).
# Typed eagerly: the generated code always passes C-contiguous float64 arrays, so one
# specialisation, compiled (or loaded from the cache) when this module is imported.


@numba.njit(**_KERNEL)
def _forward_substitute(L, x, loc, z):
    """z = L^{-1} (x - loc) for lower-triangular L; returns |z|^2."""
    d = z.shape[0]
    q = 0.0
    for i in range(d):
        s = x[i] - loc[i]
        for j in range(i):
            s -= L[i, j] * z[j]
        z[i] = s / L[i, i]
        q += z[i] * z[i]
    return q


@numba.njit(numba.void(_A3, _A3, _A3, _A2), **_KERNEL)
def mvn_tril_logpdf_kernel(x, loc, scale_tril, out):
    """out[n, k] = log N(x[n, k] | loc[n, k], scale_tril[k] scale_tril[k]^T), size-1 axes broadcast."""
    N, K = out.shape
    d = scale_tril.shape[1]
    wide_x, tall_x = x.shape[0] > 1, x.shape[1] > 1
    wide_l, tall_l = loc.shape[0] > 1, loc.shape[1] > 1
    z = np.empty(d)
    norm = np.empty(K)
    for k in range(K):
        s = d * _HALF_LOG_2PI
        for i in range(d):
            s += math.log(scale_tril[k, i, i])
        norm[k] = s
    for n in range(N):
        for k in range(K):
            q = _forward_substitute(scale_tril[k], x[n if wide_x else 0, k if tall_x else 0],
                                    loc[n if wide_l else 0, k if tall_l else 0], z)
            out[n, k] = -0.5 * q - norm[k]


@numba.njit(numba.void(_A2, _A3, _A3, _A3, _A3, _A3, _A3), **_KERNEL)
def mvn_tril_logpdf_grad_kernel(ct, x, loc, scale_tril, g_x, g_loc, g_tril):
    """The cotangent ct (N, K) pulled back to x, loc and scale_tril (summed over broadcast axes)."""
    N, K = ct.shape
    d = scale_tril.shape[1]
    wide_x, tall_x = x.shape[0] > 1, x.shape[1] > 1
    wide_l, tall_l = loc.shape[0] > 1, loc.shape[1] > 1
    g_x[:, :, :] = 0.0
    g_loc[:, :, :] = 0.0
    g_tril[:, :, :] = 0.0
    z, w = np.empty(d), np.empty(d)
    ct_sum = np.zeros(K)
    for n in range(N):
        for k in range(K):
            c = ct[n, k]
            ct_sum[k] += c
            L = scale_tril[k]
            ix, kx = (n if wide_x else 0), (k if tall_x else 0)
            il, kl = (n if wide_l else 0), (k if tall_l else 0)
            _forward_substitute(L, x[ix, kx], loc[il, kl], z)
            for i in range(d - 1, -1, -1):  # w = L^{-T} z, back substitution
                s = z[i]
                for j in range(i + 1, d):
                    s -= L[j, i] * w[j]
                w[i] = s / L[i, i]
            for i in range(d):
                cw = c * w[i]
                g_x[ix, kx, i] -= cw
                g_loc[il, kl, i] += cw
                for j in range(i + 1):
                    g_tril[k, i, j] += cw * z[j]
    for k in range(K):
        for i in range(d):
            g_tril[k, i, i] -= ct_sum[k] / scale_tril[k, i, i]


register_kernel("mvn_tril_logpdf", mvn_tril_logpdf_kernel)
register_kernel("mvn_tril_logpdf_grad", mvn_tril_logpdf_grad_kernel)


# ---------------------------------------------------------------------------------------------
# The same function composed of a batched triangular solve: the reference, and the source of
# second derivatives


def logpdf_by_solve(x, loc, scale_tril):
    """mvn_tril_logpdf on canonical (Nx, Kx, d), (Nl, Kl, d), (K, d, d) inputs -> (N, K), composed of
    differentiable primitives (one triangular solve per component, the points as its columns)."""
    n = max(x.shape[0], loc.shape[0])
    k, d = scale_tril.shape[0], scale_tril.shape[-1]
    diff = anp.broadcast_to(x - loc, (n, k, d))
    z = linalg.solve_triangular(scale_tril, anp.moveaxis(diff, 0, -1), lower=True)  # (K, d, N)
    log_diag = anp.sum(anp.log(anp.diagonal(scale_tril, axis1=-2, axis2=-1)), axis=-1)  # (K,)
    return -0.5 * anp.sum(anp.square(anp.moveaxis(z, -1, 0)), axis=-1) - log_diag - d * _HALF_LOG_2PI


def _pullback_by_solve(ct, x, loc, scale_tril):
    _, pullback = ad.vjp(logpdf_by_solve, x, loc, scale_tril)
    return list(pullback(ct))


# ---------------------------------------------------------------------------------------------
# The primitives


def _arrays(*args):
    return [np.ascontiguousarray(a, dtype=np.float64) for a in args]


def _check_shapes(x, loc, tril):
    if len(x.shape) != 3 or len(loc.shape) != 3 or len(tril.shape) != 3 or tril.shape[1] != tril.shape[2]:
        raise ValueError(f"mvn_tril_logpdf: expected (N, K, d), (N, K, d), (K, d, d), got {x.shape}, {loc.shape}, "
                         f"{tril.shape}")
    k, d = tril.shape[0], tril.shape[-1]
    n = max(x.shape[0], loc.shape[0])
    for name, s in (("x", x.shape), ("loc", loc.shape)):
        if s[0] not in (1, n) or s[1] not in (1, k) or s[2] != d:
            raise ValueError(f"mvn_tril_logpdf: {name} of shape {s} does not broadcast against ({n}, {k}, {d})")
    return n, k


def _logpdf_impl(x, loc, tril):
    x, loc, tril = _arrays(x, loc, tril)
    out = np.empty(_check_shapes(x, loc, tril))
    mvn_tril_logpdf_kernel(x, loc, tril, out)
    return out


def _grad_impl(ct, x, loc, tril):
    ct, x, loc, tril = _arrays(ct, x, loc, tril)
    grads = [np.empty_like(x), np.empty_like(loc), np.empty_like(tril)]
    mvn_tril_logpdf_grad_kernel(ct, x, loc, tril, *grads)
    return grads


def _emit_call(kernel, ctx, eqn):
    """ext.<kernel>(inputs..., outputs...): C-contiguous inputs (the kernels' one signature)."""
    outs = [ctx.name(o) for o in eqn.outvars]
    for o, name in zip(eqn.outvars, outs):
        ctx.line(f"{name} = np.empty({shape_code(o.aval.shape)}, np.float64)")
    args = ", ".join([f"np.ascontiguousarray({ctx.name(x)})" for x in eqn.inputs] + outs)
    ctx.line(f"ext.{kernel}({args})")


def _logpdf_jvp(primals, tangents):
    tangents = [t if t is not None else anp.zeros(p.shape) for p, t in zip(primals, tangents)]
    _, tangent = ad.jvp(logpdf_by_solve, tuple(primals), tuple(tangents))
    return mvn_tril_logpdf_p.bind(*primals), tangent


def _logpdf_vjp(ct, ans, args):
    return mvn_tril_logpdf_grad_p.bind(ct, *args)


mvn_tril_logpdf_p = Primitive("mvn_tril_logpdf")
mvn_tril_logpdf_p.def_impl(_logpdf_impl)
mvn_tril_logpdf_p.def_shape(lambda x, loc, tril: ShapedArray(_check_shapes(x, loc, tril), np.float64))
mvn_tril_logpdf_p.def_jvp_full(_logpdf_jvp)
mvn_tril_logpdf_p.def_vjp_full(_logpdf_vjp)
mvn_tril_logpdf_p.def_emit(lambda ctx, eqn: _emit_call("mvn_tril_logpdf", ctx, eqn))


def _grad_jvp(primals, tangents):
    tangents = [t if t is not None else anp.zeros(p.shape) for p, t in zip(primals, tangents)]
    _, t_outs = ad.jvp(_pullback_by_solve, tuple(primals), tuple(tangents))
    return mvn_tril_logpdf_grad_p.bind(*primals), list(t_outs)


def _grad_vjp(cts, ans, args):
    cts = [c if c is not None else anp.zeros(a.shape) for c, a in zip(cts, ans)]
    _, pullback = ad.vjp(_pullback_by_solve, *args)
    return list(pullback(cts))


mvn_tril_logpdf_grad_p = Primitive("mvn_tril_logpdf_grad", multiple_results=True)  # d/d x, loc, scale_tril
mvn_tril_logpdf_grad_p.def_impl(_grad_impl)
mvn_tril_logpdf_grad_p.def_shape(lambda ct, x, loc, tril: [ShapedArray(a.shape, np.float64) for a in (x, loc, tril)])
mvn_tril_logpdf_grad_p.def_jvp_full(_grad_jvp)
mvn_tril_logpdf_grad_p.def_vjp_full(_grad_vjp)
mvn_tril_logpdf_grad_p.def_emit(lambda ctx, eqn: _emit_call("mvn_tril_logpdf_grad", ctx, eqn))


# ---------------------------------------------------------------------------------------------
# Broadcasting to the canonical form


def _as_float(a):
    a = anp.asarray(a)
    return a if a.dtype == np.float64 else anp.astype(a, np.float64)


def _canonical(a, batch, lead, core):
    """a (..., *core) -> (1 or prod(batch[:lead]), 1 or prod(batch[lead:]), *core): an axis group
    that is all 1 stays 1 (broadcast by the kernel); one that is not is broadcast to the batch."""
    a_batch = (1,) * (len(batch) - (a.ndim - len(core))) + tuple(a.shape[:a.ndim - len(core)])
    head, tail = a_batch[:lead], a_batch[lead:]
    shape = (batch[:lead] if any(s != 1 for s in head) else (1,) * lead) + \
            (batch[lead:] if any(s != 1 for s in tail) else (1,) * (len(batch) - lead))
    a = anp.broadcast_to(anp.reshape(a, a_batch + core), shape + core)
    return anp.reshape(a, (int(np.prod(shape[:lead], dtype=np.int64)), int(np.prod(shape[lead:], dtype=np.int64)))
                       + core)


def mvn_tril_logpdf(x, loc, scale_tril):
    """Log density of the multivariate normal with mean ``loc`` (..., d) and Cholesky factor of the
    covariance ``scale_tril`` (..., d, d) at ``x`` (..., d); returns the broadcast batch shape.

    The batch axes of ``scale_tril`` are the components: the leading batch axes beyond them (data
    points) loop in the kernel around one factor per component, and never copy a factor.
    """
    x, loc, scale_tril = _as_float(x), _as_float(loc), _as_float(scale_tril)
    d = scale_tril.shape[-1]
    batch = tuple(np.broadcast_shapes(tuple(x.shape[:-1]), tuple(loc.shape[:-1]), tuple(scale_tril.shape[:-2])))
    lead = len(batch) - (scale_tril.ndim - 2)
    k = int(np.prod(batch[lead:], dtype=np.int64))
    tril = anp.reshape(anp.broadcast_to(scale_tril, batch[lead:] + (d, d)), (k, d, d))
    out = mvn_tril_logpdf_p.bind(_canonical(x, batch, lead, (d,)), _canonical(loc, batch, lead, (d,)), tril)
    return anp.reshape(out, batch)
