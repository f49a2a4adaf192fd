"""The Euclidean Hamiltonian and its leapfrog integrator, for a diagonal or dense metric.

H(q, p) = -logp(q) + p' M^-1 p / 2. A metric is the tuple (dense, inv_diag, inv_dense, chol):
`inv_diag` is M^-1 when `dense` is False; otherwise `inv_dense` is M^-1 and `chol` the lower
Cholesky factor of M, used to draw momenta p ~ N(0, M).
"""
import numba
import numpy as np

from .rng import normal


@numba.njit(cache=True, nogil=True)
def velocity(metric, p, out):
    """out = M^-1 p (Stan's dtau_dp, the 'sharp' momentum)."""
    dense, inv_diag, inv_dense, _ = metric
    if dense:
        out[:] = inv_dense @ p
    else:
        for i in range(p.shape[0]):
            out[i] = inv_diag[i] * p[i]


@numba.njit(cache=True, nogil=True)
def kinetic_energy(metric, p):
    dense, inv_diag, inv_dense, _ = metric
    if dense:
        return 0.5 * (p @ (inv_dense @ p))
    k = 0.0
    for i in range(p.shape[0]):
        k += inv_diag[i] * p[i] * p[i]
    return 0.5 * k


@numba.njit(cache=True, nogil=True)
def draw_momentum(metric, rng, p):
    """p ~ N(0, M) in place."""
    dense, inv_diag, _, chol = metric
    n = p.shape[0]
    if dense:
        z = np.empty(n)
        for i in range(n):
            z[i] = normal(rng)
        p[:] = chol @ z
    else:
        for i in range(n):
            p[i] = normal(rng) / np.sqrt(inv_diag[i])


@numba.njit(cache=True, nogil=True)
def leapfrog(lpg, fdata, idata, metric, eps, q, p, grad, scratch):
    """One leapfrog step of size eps, in place on (q, p, grad); returns the new logp.

    grad is the gradient of logp (not of the potential), so the momentum moves along +grad.
    A NaN logp is returned as -inf, so callers see an infinite energy error (a divergence).
    """
    n = q.shape[0]
    for i in range(n):
        p[i] += 0.5 * eps * grad[i]
    velocity(metric, p, scratch)
    for i in range(n):
        q[i] += eps * scratch[i]
    lp = lpg(q, grad, fdata, idata)
    if not np.isfinite(lp):
        return -np.inf
    for i in range(n):
        if not np.isfinite(grad[i]):
            return -np.inf
        p[i] += 0.5 * eps * grad[i]
    return lp


def diagonal_metric(inv_diag):
    return (False, np.ascontiguousarray(inv_diag, dtype=np.float64), np.zeros((0, 0)), np.zeros((0, 0)))
