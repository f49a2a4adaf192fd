"""Static Hamiltonian Monte Carlo: a fixed path length, jittered per transition, and a
Metropolis correction at the end point."""
import numba
import numpy as np

from .buffers import copy_into
from .integrator import kinetic_energy, leapfrog
from .rng import uniform


@numba.njit(cache=True, nogil=True)
def transition(lpg, fdata, idata, metric, eps, path_length, max_steps, max_energy_error, rng,
               q, grad, lp, p0, work, div_point, out_s):
    """One HMC transition from (q, grad, lp) with momentum p0; same contract as nuts.transition.

    The number of steps is ceil(u * 2 * path_length / eps), u ~ uniform(0, 1), at most max_steps:
    a path length jittered around path_length avoids the periodic orbits of a fixed one.
    """
    top = work[0]
    q1, p, grad1, scratch = top[0], top[1], top[2], top[3]
    copy_into(q1, q)
    copy_into(p, p0)
    copy_into(grad1, grad)
    H0 = -lp + kinetic_energy(metric, p0)
    n_steps = int(np.ceil(uniform(rng) * 2.0 * path_length / eps))
    n_steps = max(1, min(n_steps, max_steps))
    lp1 = lp
    max_error = 0.0
    divergent = False
    taken = 0
    for _ in range(n_steps):
        lp1 = leapfrog(lpg, fdata, idata, metric, eps, q1, p, grad1, scratch, top[4])
        taken += 1
        h = -lp1 + kinetic_energy(metric, p)
        error = h - H0 if not np.isnan(h) else np.inf
        if not np.abs(error) <= np.abs(max_error):
            max_error = error
        if error > max_energy_error:
            divergent = True
            copy_into(div_point, top[4])
            break
    h1 = -lp1 + kinetic_energy(metric, p)
    accept = 0.0 if divergent or np.isnan(h1) else min(1.0, np.exp(H0 - h1))
    out_s[0] = accept
    out_s[1] = 0.0
    out_s[2] = taken
    out_s[3] = 1.0 if divergent else 0.0
    out_s[5] = h1 - H0 if not np.isnan(h1) else np.inf
    out_s[6] = max_error
    if uniform(rng) < accept:
        copy_into(q, q1)
        copy_into(grad, grad1)
        out_s[4] = h1
        return lp1
    out_s[4] = H0
    return lp
