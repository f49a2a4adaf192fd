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
from autodiff.codegen.extensions import register_kernel
from autodiff.core import Primitive
from autodiff.scipy import linalg

from ..kernel_primitives import differentiate_through, emit_kernel_call, kernel_input

__all__ = ["mvn_tril_logpdf", "logpdf_by_solve"]

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
# the generated code's fastmath flags: reductions over points vectorise; no 'nnan'/'ninf'
_KERNEL = dict(cache=True, nogil=True, error_model="numpy", fastmath={"reassoc", "contract", "arcp"})
_A3 = numba.float64[:, :, ::1]
_A2 = numba.float64[:, ::1]


# ---------------------------------------------------------------------------------------------
# Kernels. Canonical shapes: x (Nx, Kx, d), loc (Nl, Kl, d), scale_tril (K, d, d), out (N, K),
# where Nx, Nl are 1 or N and Kx, Kl are 1 or K (a size-1 axis is broadcast, never copied).
# Typed eagerly: the generated code always passes C-contiguous float64 arrays, so one
# specialisation, compiled (or loaded from the cache) when this module is imported.


@numba.njit(**_KERNEL)
def _log_normalisers(scale_tril, norm):
    """norm[k] = sum_i log scale_tril[k, i, i] + d/2 log(2 pi)."""
    K, d = scale_tril.shape[0], scale_tril.shape[1]
    for k in range(K):
        s = d * _HALF_LOG_2PI
        for i in range(d):
            s += math.log(scale_tril[k, i, i])
        norm[k] = s


@numba.njit(**_KERNEL)
def _invert_factors(scale_tril, inv):
    """inv[k] = scale_tril[k]^{-1} (lower triangular, by forward substitution on the identity): d^3/6
    multiply-adds per factor once per call, so that the loops over many points multiply instead of
    dividing (used when there are at least as many points as dimensions)."""
    K, d = scale_tril.shape[0], scale_tril.shape[1]
    for k in range(K):
        for j in range(d):
            for i in range(j):
                inv[k, i, j] = 0.0
            inv[k, j, j] = 1.0 / scale_tril[k, j, j]
            for i in range(j + 1, d):
                t = 0.0
                for m in range(j, i):
                    t += scale_tril[k, i, m] * inv[k, m, j]
                inv[k, i, j] = -t / scale_tril[k, i, i]


@numba.njit(**_KERNEL)
def _forward_substitute(tril, diff, z):
    """z = tril^{-1} diff by forward substitution, d^2/2 per point: for fewer points than dimensions
    (a Gaussian process's one vector of d observations), where inverting the factor would cost more."""
    d, N = diff.shape
    for i in range(d):
        r = 1.0 / tril[i, i]
        for n in range(N):
            t = diff[i, n]
            for j in range(i):
                t -= tril[i, j] * z[j, n]
            z[i, n] = t * r


@numba.njit(**_KERNEL)
def _back_substitute(tril, z, w):
    """w = tril^{-T} z by back substitution, d^2/2 per point."""
    d, N = z.shape
    for i in range(d - 1, -1, -1):
        r = 1.0 / tril[i, i]
        for n in range(N):
            t = z[i, n]
            for j in range(i + 1, d):
                t -= tril[j, i] * w[j, n]
            w[i, n] = t * r


@numba.njit(**_KERNEL)
def _differences(x, loc, k, diff):
    """diff[j, n] = x[n, k, j] - loc[n, k, j] (size-1 axes broadcast): rows contiguous in the points,
    so the loops over points below vectorise."""
    d, N = diff.shape
    kx, kl = (k if x.shape[1] > 1 else 0), (k if loc.shape[1] > 1 else 0)
    for j in range(d):
        if x.shape[0] > 1 and loc.shape[0] > 1:
            for n in range(N):
                diff[j, n] = x[n, kx, j] - loc[n, kl, j]
        elif x.shape[0] > 1:
            m = loc[0, kl, j]
            for n in range(N):
                diff[j, n] = x[n, kx, j] - m
        elif loc.shape[0] > 1:
            m = x[0, kx, j]
            for n in range(N):
                diff[j, n] = m - loc[n, kl, j]
        else:
            m = x[0, kx, j] - loc[0, kl, j]
            for n in range(N):
                diff[j, n] = m


@numba.njit(**_KERNEL)
def _solve(inv, diff, z):
    """z[i, n] = sum_j inv[i, j] diff[j, n] for lower-triangular inv (d, d): z = L^{-1} diff."""
    d, N = diff.shape
    for i in range(d):
        for n in range(N):
            z[i, n] = 0.0
        for j in range(i + 1):
            a = inv[i, j]
            for n in range(N):
                z[i, n] += a * diff[j, n]


@numba.njit(numba.void(_A3, _A3, _A3, _A2), **_KERNEL)
def mvn_tril_logpdf_kernel(x, loc, scale_tril, out):
    """out[n, k] = log N(x[n, k] | loc[n, k], scale_tril[k] scale_tril[k]^T), size-1 axes broadcast."""
    N, K = out.shape
    d = scale_tril.shape[1]
    by_inverse = N >= d
    inv, norm = np.empty((K if by_inverse else 0, d, d)), np.empty(K)
    diff, z, q = np.empty((d, N)), np.empty((d, N)), np.empty(N)
    _log_normalisers(scale_tril, norm)
    if by_inverse:
        _invert_factors(scale_tril, inv)
    for k in range(K):
        _differences(x, loc, k, diff)
        if by_inverse:
            _solve(inv[k], diff, z)
        else:
            _forward_substitute(scale_tril[k], diff, z)
        for n in range(N):
            q[n] = 0.0
        for i in range(d):
            for n in range(N):
                q[n] += z[i, n] * z[i, n]
        for n in range(N):
            out[n, k] = -0.5 * q[n] - norm[k]


@numba.njit(numba.void(_A2, _A3, _A3, _A3, _A3, _A3, _A3), **_KERNEL)
def mvn_tril_logpdf_grad_kernel(ct, x, loc, scale_tril, g_x, g_loc, g_tril):
    """The cotangent ct (N, K) pulled back to x, loc and scale_tril (summed over broadcast axes):
    with z = L^{-1}(x - loc) and w = ct L^{-T} z, g_x = -w, g_loc = w, g_tril = tril(w z^T) - ct diag(1/L)."""
    N, K = ct.shape
    d = scale_tril.shape[1]
    by_inverse = N >= d
    inv = np.empty((K if by_inverse else 0, d, d))
    diff, z, w = np.empty((d, N)), np.empty((d, N)), np.empty((d, N))
    if by_inverse:
        _invert_factors(scale_tril, inv)
    g_x[:, :, :] = 0.0
    g_loc[:, :, :] = 0.0
    for k in range(K):
        _differences(x, loc, k, diff)
        if by_inverse:
            _solve(inv[k], diff, z)
            for i in range(d):  # w = L^{-T} z
                for n in range(N):
                    w[i, n] = 0.0
                for j in range(i, d):
                    a = inv[k, j, i]
                    for n in range(N):
                        w[i, n] += a * z[j, n]
        else:
            _forward_substitute(scale_tril[k], diff, z)
            _back_substitute(scale_tril[k], z, w)
        for i in range(d):  # w = ct L^{-T} z
            for n in range(N):
                w[i, n] *= ct[n, k]
        kx, kl = (k if x.shape[1] > 1 else 0), (k if loc.shape[1] > 1 else 0)
        for i in range(d):
            if x.shape[0] > 1:
                for n in range(N):
                    g_x[n, kx, i] -= w[i, n]
            else:
                s = 0.0
                for n in range(N):
                    s += w[i, n]
                g_x[0, kx, i] -= s
            if loc.shape[0] > 1:
                for n in range(N):
                    g_loc[n, kl, i] += w[i, n]
            else:
                s = 0.0
                for n in range(N):
                    s += w[i, n]
                g_loc[0, kl, i] += s
        c = 0.0
        for n in range(N):
            c += ct[n, k]
        for i in range(d):
            for j in range(d):
                s = 0.0
                if j <= i:
                    for n in range(N):
                        s += w[i, n] * z[j, n]
                g_tril[k, i, j] = s
            g_tril[k, i, i] -= c / scale_tril[k, i, i]


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
    return [kernel_input(a) for a in args]


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
mvn_tril_logpdf_p.def_emit(lambda ctx, eqn: emit_kernel_call("mvn_tril_logpdf", ctx, eqn))


mvn_tril_logpdf_grad_p = Primitive("mvn_tril_logpdf_grad", multiple_results=True)  # d/d x, loc, scale_tril
mvn_tril_logpdf_grad_p.def_impl(_grad_impl)
mvn_tril_logpdf_grad_p.def_shape(lambda ct, x, loc, tril: [ShapedArray(a.shape, np.float64) for a in (x, loc, tril)])
differentiate_through(mvn_tril_logpdf_grad_p, _pullback_by_solve)
mvn_tril_logpdf_grad_p.def_emit(lambda ctx, eqn: emit_kernel_call("mvn_tril_logpdf_grad", ctx, eqn))


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
    unit = 0
    while unit < scale_tril.ndim - 2 and scale_tril.shape[unit] == 1:
        unit += 1
    if unit:  # leading size-1 axes of the factors (GaussianHMM's time axis) are data axes, not copies
        scale_tril = anp.reshape(scale_tril, tuple(scale_tril.shape[unit:]))
    try:
        batch = tuple(np.broadcast_shapes(tuple(x.shape[:-1]), tuple(loc.shape[:-1]), tuple(scale_tril.shape[:-2])))
    except ValueError:
        raise ValueError(f"MultivariateNormal: the value's shape {tuple(x.shape)}, loc's {tuple(loc.shape)} and "
                         f"scale_tril's {tuple(scale_tril.shape)} do not broadcast (batch shapes before the last "
                         f"axis, and before the last two of scale_tril)") from None
    # a scalar, or a last axis of length 1, broadcasts against d, as in (value - loc)
    x = anp.broadcast_to(x, tuple(x.shape[:-1]) + (d,)) if x.ndim == 0 or x.shape[-1] == 1 else x
    loc = anp.broadcast_to(loc, tuple(loc.shape[:-1]) + (d,)) if loc.ndim == 0 or loc.shape[-1] == 1 else loc
    if x.shape[-1] != d or loc.shape[-1] != d:
        raise ValueError(f"MultivariateNormal: the value (shape {tuple(x.shape)}) and loc (shape "
                         f"{tuple(loc.shape)}) must end in the dimension {d} of scale_tril")
    lead = len(batch) - (scale_tril.ndim - 2)
    k = int(np.prod(batch[lead:], dtype=np.int64))
    tril = anp.reshape(anp.broadcast_to(scale_tril, batch[lead:] + (d, d)), (k, d, d))
    out = mvn_tril_logpdf_p.bind(_canonical(x, batch, lead, (d,)), _canonical(loc, batch, lead, (d,)), tril)
    return anp.reshape(out, batch)
