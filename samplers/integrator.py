"""The Euclidean Hamiltonian and its leapfrog integrator, for a diagonal or dense metric.

H(q, p) = -logp(q) + p' M^-1 p / 2. A metric is the tuple (dense, inv_diag, inv_dense, chol, root):
`inv_diag` is M^-1 when `dense` is False and `root` its elementwise square root (momenta are drawn
as p = z / root, z ~ N(0, I); kept with the metric, not taken per draw: 1000 square roots cost
about as much as the 1000 normal draws); otherwise `inv_dense` is M^-1 and `chol` the lower
Cholesky factor of M, used to draw momenta p ~ N(0, M).
"""
import numba
import numpy as np

from .buffers import ALLOCATES, NO_REFCOUNTS, VECTORISE_SUMS
from .rng import fill_normal


@numba.njit(cache=True, nogil=True, fastmath=VECTORISE_SUMS, **ALLOCATES)  # dense: M^-1 p is a new array
def velocity(metric, p, out):
    """out = M^-1 p (Stan's dtau_dp, the 'sharp' momentum)."""
    dense, inv_diag, inv_dense, _, _ = metric
    if dense:
        out[:] = inv_dense @ p
    else:
        for i in range(p.shape[0]):
            out[i] = inv_diag[i] * p[i]


@numba.njit(cache=True, nogil=True, fastmath=VECTORISE_SUMS, **ALLOCATES)  # dense: M^-1 p is a new array
def kinetic_energy(metric, p):
    dense, inv_diag, inv_dense, _, _ = metric
    if dense:
        return 0.5 * (p @ (inv_dense @ p))
    k = 0.0
    for i in range(p.shape[0]):
        k += inv_diag[i] * p[i] * p[i]
    return 0.5 * k


@numba.njit(cache=True, nogil=True)
def draw_momentum(metric, rng, p, scratch):
    """p ~ N(0, M) in place (scratch: a work array of p's size)."""
    dense, _, _, chol, root = metric
    if dense:
        fill_normal(rng, scratch)
        for i in range(p.shape[0]):
            acc = 0.0
            for j in range(i + 1):
                acc += chol[i, j] * scratch[j]
            p[i] = acc
    else:
        fill_normal(rng, p)
        for i in range(p.shape[0]):
            p[i] /= root[i]


@numba.njit(cache=True, nogil=True)
def set_root(inv_diag, root):
    """root = sqrt(inv_diag) elementwise (the diagonal metric's `root`), after inv_diag changed."""
    for i in range(inv_diag.shape[0]):
        root[i] = np.sqrt(inv_diag[i])


@numba.njit(cache=True, nogil=True, fastmath=VECTORISE_SUMS, **NO_REFCOUNTS)
def leapfrog(lpg, fdata, idata, metric, eps, q, p, grad, scratch, q_start):
    """One leapfrog step of size eps, in place on (q, p, grad); returns the new logp and leaves
    the step's starting position in q_start (where a divergence is reported).

    grad is the gradient of logp (not of the potential), so the momentum moves along +grad.
    A NaN logp is returned as -inf, so callers see an infinite energy error (a divergence).
    """
    n = q.shape[0]
    half = 0.5 * eps
    dense, inv_diag, _, _, _ = metric
    if dense:
        for i in range(n):
            p[i] += half * grad[i]
        velocity(metric, p, scratch)
        for i in range(n):
            q_start[i] = q[i]
            q[i] += eps * scratch[i]
    else:  # one pass over the arrays
        for i in range(n):
            p[i] += half * grad[i]
            q_start[i] = q[i]
            q[i] += eps * inv_diag[i] * p[i]
    lp = lpg(q, grad, fdata, idata)
    if not np.isfinite(lp):
        return -np.inf
    checksum = 0.0   # NaN or infinite if any component is: one vectorised pass instead of a test each
    for i in range(n):
        checksum += 0.0 * grad[i]
        p[i] += half * grad[i]
    return lp if checksum == 0.0 else -np.inf
