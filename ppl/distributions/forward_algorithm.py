r"""The HMM forward algorithm as one primitive with compiled kernels, as Stan's ``hmm_marginal``.

``hmm_log_marginal(log_initial, log_transition, log_likelihoods)`` is

.. math::

    \log \sum_{z_0, \dots, z_{T-1}} \exp\Big(\log\pi_{z_0} + \sum_{t \ge 1} \log A_{z_{t-1} z_t}
        + \sum_t \ell_{t, z_t}\Big),

the log marginal likelihood of an HMM. Its gradient is the posterior of the states (the
forward-backward algorithm): :math:`\partial/\partial\ell_{t,j} = p(z_t = j \mid y)`,
:math:`\partial/\partial\log\pi_j = p(z_0 = j \mid y)` and :math:`\partial/\partial\log A_{ij} =
\sum_t p(z_{t-1} = i, z_t = j \mid y)`. Both run as Numba kernels in normalised probabilities
(K exponentials per step, where the log-space recursion takes K^2), one
kernel call per log density and gradient, instead of an ``ad.scan`` whose step is traced,
differentiated and compiled with the model. Where the normalised recursion would overflow or
underflow (impossible transitions next to an emission likelihood far out in the tails) a sequence
is recomputed in log space, so the result is as robust as the log-space scan.

Second derivatives differentiate the ``ad.scan`` formulation (:func:`forward_by_scan`), which
gives the same function, so every order of derivative is exact.

``hmm_log_marginal_concatenated(log_initial, log_transition, log_likelihoods, lengths)`` takes
sequences of different lengths stacked in one (N, K) array (hmmlearn's ``lengths``) with shared
parameters; each runs over its own rows, so nothing is padded to the longest sequence.
"""
import math

import numba
import numpy as np

import autodiff as ad
import autodiff.numpy as anp
from autodiff.avals import ShapedArray
from autodiff.codegen.extensions import register_kernel
from autodiff.core import Primitive, concrete_or_none
from autodiff.scipy import special

__all__ = ["hmm_log_marginal", "hmm_log_marginal_concatenated", "forward_by_scan"]

_KERNEL = dict(cache=True, nogil=True, error_model="numpy")


# ---------------------------------------------------------------------------------------------
# Kernels: (B, K) log initial, (B, K, K) log transition, (B, T, K) log likelihoods


# Below this, a step's normaliser has lost precision to underflow: the sequence goes to log space.
_SMALLEST_NORMALISER = 1e-280


@numba.njit(**_KERNEL)
def _normalised_forward(log_initial, transition, ll, alpha, emission, inv_norm):
    """One sequence in normalised probabilities, K - 1 exponentials per step (the most likely state's
    emission is exp(0) = 1) and a logarithm every few hundred steps (of a product of normalisers).

    alpha[t] = p(z_t | y_0..t); emission[t, j] = exp(ll[t, j] - max_j ll[t]); inv_norm[t] = 1 / the
    step's normaliser. Returns (True, log p(y)), or (False, 0) when a normaliser under- or overflows
    (an emission far in the tails of every reachable state): then use log space."""
    T, K = ll.shape
    shift = -np.inf
    for j in range(K):
        shift = max(shift, log_initial[j])
    total = shift  # log p(y) = sum_t (max_j ll[t] + log normaliser_t), plus the shift of the initial step
    product = 1.0  # of the normalisers since the last logarithm: kept within [1e-200, 1e300]
    for t in range(T):
        m, top = -np.inf, 0
        for j in range(K):
            if ll[t, j] > m:
                m, top = ll[t, j], j
        if not (m > -np.inf and m < np.inf and shift > -np.inf and shift < np.inf):
            return False, 0.0
        s = 0.0
        for j in range(K):
            e = 1.0 if j == top else math.exp(ll[t, j] - m)
            emission[t, j] = e
            if t == 0:
                p = math.exp(log_initial[j] - shift)
            else:
                p = 0.0
                for i in range(K):
                    p += alpha[t - 1, i] * transition[i, j]
            a = p * e
            alpha[t, j] = a
            s += a
        if not (s >= _SMALLEST_NORMALISER and s < np.inf):
            return False, 0.0
        r = 1.0 / s
        for j in range(K):
            alpha[t, j] *= r
        inv_norm[t] = r
        total += m
        if s < 1e-100:
            total += math.log(s)
        else:
            product *= s
            if product < 1e-200 or product > 1e200:
                total += math.log(product)
                product = 1.0
    return True, total + math.log(product)


@numba.njit(**_KERNEL)
def _log_space_forward(log_initial, log_transition, ll, log_alpha):
    """log_alpha[t, j] = log p(y_0..t, z_t = j): the log-space recursion (K^2 exponentials a step)."""
    T, K = ll.shape
    for j in range(K):
        log_alpha[0, j] = log_initial[j] + ll[0, j]
    for t in range(1, T):
        for j in range(K):
            m = -np.inf
            for i in range(K):
                m = max(m, log_alpha[t - 1, i] + log_transition[i, j])
            s = 0.0
            if m > -np.inf:
                for i in range(K):
                    s += math.exp(log_alpha[t - 1, i] + log_transition[i, j] - m)
            log_alpha[t, j] = m + math.log(s) + ll[t, j] if s > 0.0 else -np.inf


@numba.njit(**_KERNEL)
def _logsumexp_row(x):
    m = -np.inf
    for v in x:
        m = max(m, v)
    if not m > -np.inf or m == np.inf:
        return m
    s = 0.0
    for v in x:
        s += math.exp(v - m)
    return m + math.log(s)


@numba.njit(**_KERNEL)
def _sequence_forward(log_initial, log_transition, transition, ll, alpha, emission, inv_norm):
    """The log marginal likelihood of one sequence ll (T, K); the buffers hold at least T rows."""
    T = ll.shape[0]
    ok, value = _normalised_forward(log_initial, transition, ll, alpha, emission, inv_norm)
    if ok:
        return value
    _log_space_forward(log_initial, log_transition, ll, alpha)
    return _logsumexp_row(alpha[T - 1])


@numba.njit(**_KERNEL)
def _exp_matrix(log_transition, transition):
    K = transition.shape[0]
    for i in range(K):
        for j in range(K):
            transition[i, j] = math.exp(log_transition[i, j])


@numba.njit(**_KERNEL)
def hmm_forward_kernel(log_initial, log_transition, ll, out):
    """out[b] = log marginal likelihood of sequence b."""
    B, T, K = ll.shape
    alpha, emission, inv_norm = np.empty((T, K)), np.empty((T, K)), np.empty(T)
    transition = np.empty((K, K))
    for b in range(B):
        _exp_matrix(log_transition[b], transition)
        out[b] = _sequence_forward(log_initial[b], log_transition[b], transition, ll[b], alpha, emission, inv_norm)


@numba.njit(**_KERNEL)
def hmm_concatenated_forward_kernel(log_initial, log_transition, ll, offsets, out):
    """out[s] = log marginal likelihood of the sequence ll[offsets[s]:offsets[s + 1]] (shared parameters)."""
    K = ll.shape[1]
    T = 1
    for s in range(offsets.size - 1):
        T = max(T, offsets[s + 1] - offsets[s])
    alpha, emission, inv_norm = np.empty((T, K)), np.empty((T, K)), np.empty(T)
    transition = np.empty((K, K))
    _exp_matrix(log_transition, transition)
    for s in range(offsets.size - 1):
        out[s] = _sequence_forward(log_initial, log_transition, transition, ll[offsets[s]:offsets[s + 1]], alpha,
                                   emission, inv_norm)


@numba.njit(**_KERNEL)
def _log_space_marginals(log_initial, log_transition, ll, log_alpha, log_beta, g_initial, g_transition, g_ll):
    """Forward-backward in log space; returns the log marginal likelihood."""
    T, K = ll.shape
    _log_space_forward(log_initial, log_transition, ll, log_alpha)
    total = _logsumexp_row(log_alpha[T - 1])
    if not (total > -np.inf and total < np.inf):  # impossible data (or NaN inputs): no posterior
        g_initial[:] = 0.0
        g_ll[:, :] = 0.0
        return total
    log_beta[T - 1, :] = 0.0
    for t in range(T - 1, 0, -1):
        for i in range(K):
            m = -np.inf
            for j in range(K):
                m = max(m, log_transition[i, j] + ll[t, j] + log_beta[t, j])
            s = 0.0
            if m > -np.inf:
                for j in range(K):
                    s += math.exp(log_transition[i, j] + ll[t, j] + log_beta[t, j] - m)
            log_beta[t - 1, i] = m + math.log(s) if s > 0.0 else -np.inf
            for j in range(K):
                g_transition[i, j] += math.exp(log_alpha[t - 1, i] + log_transition[i, j] + ll[t, j]
                                               + log_beta[t, j] - total)
    for t in range(T):
        for j in range(K):
            g_ll[t, j] = math.exp(log_alpha[t, j] + log_beta[t, j] - total)
    for j in range(K):
        g_initial[j] = g_ll[0, j]
    return total


@numba.njit(**_KERNEL)
def _sequence_marginals(log_initial, log_transition, transition, ll, alpha, emission, inv_norm, beta, work,
                        g_initial, g_transition, g_ll):
    """The log marginal likelihood of one sequence ll (T, K) and its gradient (written into g_initial,
    g_transition, g_ll: the posterior of the states); the buffers hold at least T rows, work (3, K).

    The backward pass keeps one row of beta, beta_t(i) = p(y_t+1.. | z_t = i) / p(y_t+1.. | y_..t),
    writes gamma_t = alpha_t * beta_t as it goes, and sums the outer products alpha_t-1 u_t' (u_t =
    emission_t * beta_t / norm_t), which times the transition matrix are the expected transition counts."""
    T, K = ll.shape
    ok, value = _normalised_forward(log_initial, transition, ll, alpha, emission, inv_norm)
    if ok:
        b, u, b_prev = work[0], work[1], work[2]
        b[:] = 1.0
        g_transition[:, :] = 0.0
        check = 0.0
        for t in range(T - 1, 0, -1):
            r = inv_norm[t]
            for j in range(K):
                g_ll[t, j] = alpha[t, j] * b[j]
                u[j] = emission[t, j] * r * b[j]
            for i in range(K):
                a = alpha[t - 1, i]
                s = 0.0
                for j in range(K):
                    s += transition[i, j] * u[j]
                    g_transition[i, j] += a * u[j]
                b_prev[i] = s
                check += s
            b, b_prev = b_prev, b
        for j in range(K):
            g_ll[0, j] = alpha[0, j] * b[j]
            for i in range(K):
                g_transition[i, j] *= transition[i, j]
        ok = np.isfinite(check) and np.all(np.isfinite(g_transition))
    if not ok:
        g_transition[:, :] = 0.0
        return _log_space_marginals(log_initial, log_transition, ll, alpha, beta, g_initial, g_transition, g_ll)
    for j in range(K):
        g_initial[j] = g_ll[0, j]
    return value


@numba.njit(**_KERNEL)
def hmm_marginals_kernel(log_initial, log_transition, ll, value, g_initial, g_transition, g_ll):
    """value[b] and its gradient with respect to the three inputs (the posterior of the states)."""
    B, T, K = ll.shape
    alpha, emission, inv_norm = np.empty((T, K)), np.empty((T, K)), np.empty(T)
    beta, transition, work = np.empty((T, K)), np.empty((K, K)), np.empty((3, K))
    for b in range(B):
        _exp_matrix(log_transition[b], transition)
        value[b] = _sequence_marginals(log_initial[b], log_transition[b], transition, ll[b], alpha, emission,
                                       inv_norm, beta, work, g_initial[b], g_transition[b], g_ll[b])


@numba.njit(**_KERNEL)
def hmm_concatenated_marginals_kernel(log_initial, log_transition, ll, offsets, value, g_initial, g_transition,
                                      g_ll):
    """value[s] for the sequence ll[offsets[s]:offsets[s + 1]] and its gradient: g_initial[s] (S, K),
    g_transition[s] (S, K, K) per sequence, g_ll (N, K) row by row."""
    K = ll.shape[1]
    T = 1
    for s in range(offsets.size - 1):
        T = max(T, offsets[s + 1] - offsets[s])
    alpha, emission, inv_norm = np.empty((T, K)), np.empty((T, K)), np.empty(T)
    beta, transition, work = np.empty((T, K)), np.empty((K, K)), np.empty((3, K))
    _exp_matrix(log_transition, transition)
    for s in range(offsets.size - 1):
        a, b = offsets[s], offsets[s + 1]
        value[s] = _sequence_marginals(log_initial, log_transition, transition, ll[a:b], alpha, emission, inv_norm,
                                       beta, work, g_initial[s], g_transition[s], g_ll[a:b])


register_kernel("hmm_forward", hmm_forward_kernel)
register_kernel("hmm_marginals", hmm_marginals_kernel)
register_kernel("hmm_concatenated_forward", hmm_concatenated_forward_kernel)
register_kernel("hmm_concatenated_marginals", hmm_concatenated_marginals_kernel)


# ---------------------------------------------------------------------------------------------
# The same function as an ad.scan: the reference, and the source of second derivatives


def forward_by_scan(log_initial, log_transition, log_likelihoods):
    """hmm_log_marginal on (B, K), (B, K, K), (B, T, K) inputs, as a differentiable ``ad.scan``."""
    log_alpha = log_initial + log_likelihoods[:, 0, :]
    if log_likelihoods.shape[1] > 1:
        def step(log_alpha, ll_t):
            return special.logsumexp(log_alpha[:, :, None] + log_transition, axis=1) + ll_t, None

        log_alpha, _ = ad.scan(step, log_alpha, anp.moveaxis(log_likelihoods[:, 1:, :], 1, 0))
    return special.logsumexp(log_alpha, axis=-1)


def _value_and_gradient_by_scan(log_initial, log_transition, log_likelihoods):
    value, grads = ad.value_and_grad(lambda *a: anp.sum(forward_by_scan(*a)), argnums=(0, 1, 2))(
        log_initial, log_transition, log_likelihoods)
    return [forward_by_scan(log_initial, log_transition, log_likelihoods), *grads]


# ---------------------------------------------------------------------------------------------
# The primitives


def _arrays(*args):
    return [np.ascontiguousarray(a, dtype=np.float64) for a in args]


def _check_shapes(a, b, c):
    if len(a.shape) != 2 or len(b.shape) != 3 or len(c.shape) != 3:
        raise ValueError(f"hmm_log_marginal: expected (B, K), (B, K, K), (B, T, K), got {a.shape}, {b.shape}, {c.shape}")
    (n, k), t = a.shape, c.shape[1]
    if b.shape != (n, k, k) or c.shape != (n, t, k) or t < 1:
        raise ValueError(f"hmm_log_marginal: expected (B, K), (B, K, K), (B, T, K) with T >= 1, got {a.shape}, "
                         f"{b.shape}, {c.shape}")
    return n, t, k


def _forward_impl(a, b, c):
    a, b, c = _arrays(a, b, c)
    out = np.empty(a.shape[0])
    hmm_forward_kernel(a, b, c, out)
    return out


def _marginals_impl(a, b, c):
    a, b, c = _arrays(a, b, c)
    value = np.empty(a.shape[0])
    grads = [np.empty_like(a), np.empty_like(b), np.empty_like(c)]
    hmm_marginals_kernel(a, b, c, value, *grads)
    return [value, *grads]


def _emit_call(kernel, ctx, eqn, inputs=None):
    """ext.<kernel>(inputs..., outputs...); the segment operand (the last) of the concatenated forms is
    read only by their derivative rules, so `inputs` keeps the kernel's first arguments."""
    outs = [ctx.name(o) for o in eqn.outvars]
    for o, name in zip(eqn.outvars, outs):
        ctx.line(f"{name} = np.empty({tuple(int(d) for d in o.aval.shape)!r}, np.float64)")
    args = ", ".join([ctx.name(x) for x in eqn.inputs[:inputs]] + outs)
    ctx.line(f"ext.{kernel}({args})")


def _scale(ct, g):
    """ct (B,) times g (B, ...)."""
    return anp.reshape(ct, ct.shape + (1,) * (len(g.shape) - 1)) * g


def _forward_vjp_fwd(a, b, c):
    value, *grads = hmm_marginals_p.bind(a, b, c)
    return value, grads


def _forward_vjp_bwd(ct, grads, args):
    return [_scale(ct, g) for g in grads]


def _forward_jvp(primals, tangents):
    value, *grads = hmm_marginals_p.bind(*primals)
    tangent = None
    for g, t in zip(grads, tangents):
        if t is not None:
            term = anp.sum(anp.reshape(g * t, (g.shape[0], -1)), axis=1)
            tangent = term if tangent is None else tangent + term
    return value, tangent


hmm_forward_p = Primitive("hmm_forward")
hmm_forward_p.def_impl(_forward_impl)
hmm_forward_p.def_shape(lambda a, b, c: ShapedArray((_check_shapes(a, b, c)[0],), np.float64))
hmm_forward_p.def_jvp_full(_forward_jvp)
hmm_forward_p.def_vjp_residuals(_forward_vjp_fwd, _forward_vjp_bwd)
hmm_forward_p.def_emit(lambda ctx, eqn: _emit_call("hmm_forward", ctx, eqn))


def _marginals_jvp(primals, tangents):
    tangents = [t if t is not None else anp.zeros(p.shape) for p, t in zip(primals, tangents)]
    outs, t_outs = ad.jvp(_value_and_gradient_by_scan, tuple(primals), tuple(tangents))
    return hmm_marginals_p.bind(*primals), list(t_outs)


def _marginals_vjp(cts, ans, args):
    cts = [c if c is not None else anp.zeros(a.shape) for c, a in zip(cts, ans)]
    _, pullback = ad.vjp(_value_and_gradient_by_scan, *args)
    return list(pullback(cts))


hmm_marginals_p = Primitive("hmm_marginals", multiple_results=True)  # [value, d/d log_initial, ..]
hmm_marginals_p.def_impl(_marginals_impl)
hmm_marginals_p.def_shape(lambda a, b, c: [ShapedArray((_check_shapes(a, b, c)[0],), np.float64),
                                           ShapedArray(a.shape, np.float64), ShapedArray(b.shape, np.float64),
                                           ShapedArray(c.shape, np.float64)])
hmm_marginals_p.def_jvp_full(_marginals_jvp)
hmm_marginals_p.def_vjp_full(_marginals_vjp)
hmm_marginals_p.def_emit(lambda ctx, eqn: _emit_call("hmm_marginals", ctx, eqn))


def hmm_log_marginal(log_initial, log_transition, log_likelihoods):
    """Log marginal likelihood of an HMM: ``log_initial`` (..., K), ``log_transition`` (..., K, K),
    ``log_likelihoods`` (..., T, K); returns the broadcast batch shape (...)."""
    shapes = [tuple(np.shape(x)) if not hasattr(x, "shape") else tuple(x.shape)
              for x in (log_initial, log_transition, log_likelihoods)]
    k, t = shapes[0][-1], shapes[2][-2]
    batch = tuple(np.broadcast_shapes(shapes[0][:-1], shapes[1][:-2], shapes[2][:-2]))
    n = int(np.prod(batch, dtype=np.int64))

    def stack(x, core):
        return anp.reshape(anp.broadcast_to(x, batch + core), (n,) + core)

    out = hmm_forward_p.bind(stack(log_initial, (k,)), stack(log_transition, (k, k)),
                             stack(log_likelihoods, (t, k)))
    return out[0] if not batch else anp.reshape(out, batch)


# ---------------------------------------------------------------------------------------------
# Sequences of different lengths, concatenated (hmmlearn's ``lengths``): no padding to the longest


def _concatenated_by_scan(log_initial, log_transition, log_likelihoods, offsets):
    """The per-sequence log marginals (S,) as differentiable ``ad.scan``s, one per sequence."""
    return anp.concatenate([forward_by_scan(log_initial[None], log_transition[None], log_likelihoods[a:b][None])
                            for a, b in zip(offsets[:-1], offsets[1:])])


def _concrete_offsets(offsets):
    value = concrete_or_none(offsets)
    if value is None:
        raise NotImplementedError("hmm_log_marginal_concatenated: second derivatives need the sequence offsets "
                                  "as concrete values (differentiate outside ad.jit)")
    return [int(o) for o in np.asarray(value)]


def _concatenated_value_and_gradient_by_scan(log_initial, log_transition, log_likelihoods, offsets, segment):
    """[value (S,), d/d log_initial per sequence (S, K), d/d log_transition per sequence (S, K, K),
    d/d log_likelihoods (N, K)] by the ad.scan reference."""
    offsets = _concrete_offsets(offsets)
    values, g_initial, g_transition, g_ll = [], [], [], None
    for a, b in zip(offsets[:-1], offsets[1:]):
        def one(li, lt, ll, a=a, b=b):
            return forward_by_scan(li[None], lt[None], ll[a:b][None])[0]
        value, (gi, gt, gl) = ad.value_and_grad(one, argnums=(0, 1, 2))(log_initial, log_transition,
                                                                         log_likelihoods)
        values.append(value)
        g_initial.append(gi)
        g_transition.append(gt)
        g_ll = gl if g_ll is None else g_ll + gl
    return [anp.stack(values), anp.stack(g_initial), anp.stack(g_transition), g_ll]


def _check_concatenated(a, b, c, offsets, segment):
    if len(a.shape) != 1 or len(b.shape) != 2 or len(c.shape) != 2 or len(offsets.shape) != 1:
        raise ValueError(f"hmm_log_marginal_concatenated: expected (K,), (K, K), (N, K) and offsets (S + 1,), got "
                         f"{a.shape}, {b.shape}, {c.shape}, {offsets.shape}")
    k = a.shape[0]
    if b.shape != (k, k) or c.shape[1] != k or segment.shape != (c.shape[0],) or offsets.shape[0] < 2:
        raise ValueError(f"hmm_log_marginal_concatenated: expected (K,), (K, K), (N, K), offsets (S + 1,) with S >= 1 "
                         f"and segment (N,), got {a.shape}, {b.shape}, {c.shape}, {offsets.shape}, {segment.shape}")
    return offsets.shape[0] - 1, k


def _concatenated_forward_impl(a, b, c, offsets, segment):
    a, b, c = _arrays(a, b, c)
    out = np.empty(np.shape(offsets)[0] - 1)
    hmm_concatenated_forward_kernel(a, b, c, np.ascontiguousarray(offsets, dtype=np.int64), out)
    return out


def _concatenated_marginals_impl(a, b, c, offsets, segment):
    a, b, c = _arrays(a, b, c)
    s = np.shape(offsets)[0] - 1
    value, grads = np.empty(s), [np.empty((s,) + a.shape), np.empty((s,) + b.shape), np.empty_like(c)]
    hmm_concatenated_marginals_kernel(a, b, c, np.ascontiguousarray(offsets, dtype=np.int64), value, *grads)
    return [value, *grads]


def _concatenated_vjp_fwd(a, b, c, offsets, segment):
    value, *grads = hmm_concatenated_marginals_p.bind(a, b, c, offsets, segment)
    return value, grads


def _concatenated_vjp_bwd(ct, grads, args):
    g_initial, g_transition, g_ll = grads
    segment = args[4]
    return [anp.sum(_scale(ct, g_initial), axis=0), anp.sum(_scale(ct, g_transition), axis=0),
            anp.take(ct, segment)[:, None] * g_ll, None, None]


def _concatenated_jvp(primals, tangents):
    value, g_initial, g_transition, g_ll = hmm_concatenated_marginals_p.bind(*primals)
    t_initial, t_transition, t_ll = tangents[:3]
    tangent = anp.zeros(value.shape)
    if t_initial is not None:
        tangent = tangent + anp.sum(g_initial * t_initial, axis=1)
    if t_transition is not None:
        tangent = tangent + anp.sum(anp.reshape(g_transition * t_transition, (g_transition.shape[0], -1)), axis=1)
    if t_ll is not None:
        tangent = tangent + anp.at(anp.zeros(value.shape))[primals[4]].add(anp.sum(g_ll * t_ll, axis=1))
    return value, tangent


hmm_concatenated_forward_p = Primitive("hmm_concatenated_forward")
hmm_concatenated_forward_p.def_impl(_concatenated_forward_impl)
hmm_concatenated_forward_p.def_shape(
    lambda a, b, c, o, s: ShapedArray((_check_concatenated(a, b, c, o, s)[0],), np.float64))
hmm_concatenated_forward_p.def_jvp_full(_concatenated_jvp)
hmm_concatenated_forward_p.def_vjp_residuals(_concatenated_vjp_fwd, _concatenated_vjp_bwd)
hmm_concatenated_forward_p.def_emit(lambda ctx, eqn: _emit_call("hmm_concatenated_forward", ctx, eqn, inputs=4))


def _concatenated_marginals_jvp(primals, tangents):
    tangents = [t if t is not None else anp.zeros(p.shape) for p, t in zip(primals[:3], tangents[:3])]
    _, t_outs = ad.jvp(lambda a, b, c: _concatenated_value_and_gradient_by_scan(a, b, c, *primals[3:]),
                       tuple(primals[:3]), tuple(tangents))
    return hmm_concatenated_marginals_p.bind(*primals), list(t_outs)


def _concatenated_marginals_vjp(cts, ans, args):
    cts = [c if c is not None else anp.zeros(a.shape) for c, a in zip(cts, ans)]
    _, pullback = ad.vjp(lambda a, b, c: _concatenated_value_and_gradient_by_scan(a, b, c, *args[3:]), *args[:3])
    return list(pullback(cts)) + [None, None]


hmm_concatenated_marginals_p = Primitive("hmm_concatenated_marginals", multiple_results=True)
hmm_concatenated_marginals_p.def_impl(_concatenated_marginals_impl)


def _concatenated_marginals_shape(a, b, c, offsets, segment):
    s, k = _check_concatenated(a, b, c, offsets, segment)
    return [ShapedArray((s,), np.float64), ShapedArray((s, k), np.float64), ShapedArray((s, k, k), np.float64),
            ShapedArray(c.shape, np.float64)]


hmm_concatenated_marginals_p.def_shape(_concatenated_marginals_shape)
hmm_concatenated_marginals_p.def_jvp_full(_concatenated_marginals_jvp)
hmm_concatenated_marginals_p.def_vjp_full(_concatenated_marginals_vjp)
hmm_concatenated_marginals_p.def_emit(lambda ctx, eqn: _emit_call("hmm_concatenated_marginals", ctx, eqn, inputs=4))


def hmm_log_marginal_concatenated(log_initial, log_transition, log_likelihoods, lengths):
    """Log marginal likelihoods (S,) of S sequences of different lengths stacked in ``log_likelihoods``
    (N, K) (hmmlearn's ``lengths``, summing to N), with one ``log_initial`` (K,) and ``log_transition``
    (K, K): each sequence runs over its own rows, so nothing is padded to the longest.
    ``lengths``: positive ints (concrete, like data)."""
    lengths = np.asarray(lengths)
    n = (tuple(log_likelihoods.shape) if hasattr(log_likelihoods, "shape") else np.shape(log_likelihoods))[0]
    if lengths.ndim != 1 or lengths.size == 0 or lengths.dtype.kind not in "iu" or np.any(lengths < 1) \
            or lengths.sum() != n:
        raise ValueError(f"hmm_log_marginal_concatenated: lengths must be positive ints summing to the {n} rows of "
                         f"log_likelihoods, got {lengths!r}")
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    segment = np.repeat(np.arange(lengths.size, dtype=np.int64), lengths)
    return hmm_concatenated_forward_p.bind(log_initial, log_transition, log_likelihoods, offsets, segment)
