"""One chain's loop of warmup and sampling iterations, compiled once for every model.

`run_block` runs iterations [start, stop) of a chain whose whole state lives in arrays, so the
Python driver can call it block after block (to report progress, or stop on Ctrl-C) and the
result does not depend on how the iterations were cut into blocks. The log density arrives as a
first-class function of the fixed type ppl.LPG_TYPE, so this module compiles once, is cached on
disk, and serves every model.
"""
import glob
import os

import numba
import numpy as np
from numba import types

from autodiff.cache import kernels_dir
from autodiff.cache.linked import drop_if_changed
from autodiff.codegen.compile import announce
from ppl import LPG_TYPE

from . import adaptation as adapt
from . import hmc, nuts
from .buffers import copy_into
from .integrator import draw_momentum, kinetic_energy, leapfrog, set_root


_KERNEL_MODULES = ("rng", "buffers", "integrator", "nuts", "hmc", "adaptation", "chain")


def _drop_stale_cache():
    """Numba keys each function's disk cache on its own file only, but run_block links in the
    kernels of the sibling modules: when any kernel file changed, remove all their cached code."""
    here = os.path.dirname(os.path.abspath(__file__))
    drop_if_changed("chain.kernels", [os.path.join(here, name + ".py") for name in _KERNEL_MODULES],
                    kernels_dir(__file__))  # where autodiff.cache's locator puts this folder's kernels


_drop_stale_cache()

# settings[...]
(TARGET_ACCEPT, GAMMA, KAPPA, T0, MAX_TREE_DEPTH, MAX_ENERGY_ERROR, ALGORITHM, PATH_LENGTH, MAX_STEPS,
 DENSE, ADAPT_STEP_SIZE, ADAPT_MASS) = range(12)
N_SETTINGS = 12
NUTS, HMC = 0, 1
# settings[ADAPT_MASS]: Stan's windowed Welford estimate, or nutpie's draw and gradient variances
WINDOWED, GRADIENT = 0, 1
# stats[i, ...], in the order of samplers.raw.STAT_NAMES
LP, ACCEPT, STEP, DEPTH, N_STEPS, DIVERGING, ENERGY, ENERGY_ERROR, MAX_ERROR = range(9)
N_STATS = 9
# status codes returned by run_block
OK, IMPROPER, NO_STEP_SIZE = 0, 1, 2


@numba.njit(cache=True, nogil=True)
def find_step_size(lpg, fdata, idata, metric, eps, rng, q, grad, lp, work):
    """Stan's initial step-size search: double or halve eps until the acceptance probability of
    one leapfrog step from q crosses 0.8. Returns eps, or a negative status code."""
    top = work[0]
    q1, p, g1, scratch, q_start = top[0], top[1], top[2], top[3], top[4]
    direction = 0
    log_08 = np.log(0.8)
    while True:
        copy_into(q1, q)
        copy_into(g1, grad)
        draw_momentum(metric, rng, p, scratch)
        H0 = -lp + kinetic_energy(metric, p)
        lp1 = leapfrog(lpg, fdata, idata, metric, eps, q1, p, g1, scratch, q_start)
        h = -lp1 + kinetic_energy(metric, p)
        if np.isnan(h):
            h = np.inf
        delta_h = H0 - h
        if direction == 0:
            direction = 1 if delta_h > log_08 else -1
            continue
        if direction == 1 and not delta_h > log_08:
            return eps
        if direction == -1 and not delta_h < log_08:
            return eps
        eps = 2.0 * eps if direction == 1 else 0.5 * eps
        if eps > 1e7:
            return -float(IMPROPER)
        if eps == 0.0:
            return -float(NO_STEP_SIZE)


_SIGNATURE = types.int64(
    LPG_TYPE, types.float64[::1], types.int64[::1],           # lpg, fdata, idata
    types.float64[::1], types.float64[::1], types.uint64[::1],  # settings, adaptation state, rng state
    types.float64[::1], types.float64[::1], types.float64[::1],  # q, grad, [lp]
    types.float64[::1], types.float64[:, ::1], types.float64[:, ::1],  # inv_diag, inv_dense, chol
    types.float64[::1], types.float64[:, ::1],                 # Welford mean, m2
    types.float64[:, ::1], types.float64[:, :, ::1], types.float64[:, ::1], types.int64[::1],  # workspace
    types.float64[::1],
    types.int64, types.int64, types.int64,                     # start, stop, num_warmup
    types.float64[:, ::1], types.float64[:, ::1], types.float64[:, ::1],  # draws, stats, divergence points
)


def _run_block(lpg, fdata, idata, settings, state, rng, q, grad, lp_box, inv_diag, inv_dense, chol,
              mean, m2, top, pool, slot_scalars, slot_ints, acc, start, stop, num_warmup, draws, stats, div_points):
    """Iterations [start, stop) of one chain (warmup first); rows i of draws/stats/div_points.

    Within the block the chain's point lives in a slot of the NUTS pool (`here`), where the momentum is
    drawn and which a transition returns as its selection, so no point is copied in or out of the tree;
    q, grad and lp_box receive it at the end of the block (or when it stops with an error status)."""
    dense = settings[DENSE] != 0.0
    dim = q.shape[0]
    out_s = np.empty(7)
    div_point = np.empty(dim)
    work = (top, pool, slot_scalars, slot_ints, acc)
    here = 0
    copy_into(pool[here, nuts.Q], q)
    copy_into(pool[here, nuts.GRAD], grad)
    lp = lp_box[0]
    adapting_step = settings[ADAPT_STEP_SIZE] != 0.0
    gradient_mass = settings[ADAPT_MASS] == GRADIENT  # m2 then holds adaptation.ESTIMATE_ROWS rows
    root = np.empty(dim)  # sqrt(inv_diag), renewed whenever inv_diag changes
    set_root(inv_diag, root)
    status = OK
    for i in range(start, stop):
        metric = (dense, inv_diag, inv_dense, chol, root)
        x, g = pool[here, nuts.Q], pool[here, nuts.GRAD]
        if i == 0 and adapting_step:
            if gradient_mass and num_warmup > 0:
                adapt.start_gradient_metric(state, x, g, m2, inv_diag)
                set_root(inv_diag, root)
            eps = find_step_size(lpg, fdata, idata, metric, state[adapt.STEP_SIZE], rng, x, g, lp, work)
            if eps < 0.0:
                status = int(-eps)
                break
            state[adapt.STEP_SIZE] = eps
            adapt.restart_dual_averaging(state, eps)
        eps = state[adapt.STEP_SIZE]
        p0 = pool[here, nuts.P]
        draw_momentum(metric, rng, p0, div_point)  # div_point: scratch until a transition fills it
        if settings[ALGORITHM] == NUTS:
            lp, here = nuts.transition(lpg, fdata, idata, metric, eps, int(settings[MAX_TREE_DEPTH]),
                                       settings[MAX_ENERGY_ERROR], rng, here, lp, work, div_point, out_s)
            x, g = pool[here, nuts.Q], pool[here, nuts.GRAD]
        else:  # in place on x, g (HMC's own buffers are rows of `top`, not slots of the pool)
            lp = hmc.transition(lpg, fdata, idata, metric, eps, settings[PATH_LENGTH], int(settings[MAX_STEPS]),
                                settings[MAX_ENERGY_ERROR], rng, x, g, lp, p0, work, div_point, out_s)
        copy_into(draws[i], x)
        row = stats[i]
        row[LP] = lp
        row[ACCEPT] = out_s[0]
        row[STEP] = eps
        row[DEPTH] = out_s[1]
        row[N_STEPS] = out_s[2]
        row[DIVERGING] = out_s[3]
        row[ENERGY] = out_s[4]
        row[ENERGY_ERROR] = out_s[5]
        row[MAX_ERROR] = out_s[6]
        if out_s[3] != 0.0:  # rows of transitions that did not diverge are left unwritten
            copy_into(div_points[i], div_point)
        if i < num_warmup and adapting_step:
            eps = adapt.learn_step_size(state, out_s[0], settings[TARGET_ACCEPT], settings[GAMMA],
                                        settings[KAPPA], settings[T0])
            if gradient_mass:
                moved = adapt.learn_gradient_metric(state, x, g, out_s[3] != 0.0, m2, inv_diag)
                if moved != adapt.UNCHANGED:
                    set_root(inv_diag, root)
                if moved == adapt.FIRST_CHANGE:
                    eps = find_step_size(lpg, fdata, idata, metric, eps, rng, x, g, lp, work)
                    if eps < 0.0:
                        status = int(-eps)
                        break
                    state[adapt.STEP_SIZE] = eps
                    adapt.restart_dual_averaging(state, eps)
            elif adapt.learn_metric(state, x, mean, m2, dense, inv_diag, inv_dense, chol):
                set_root(inv_diag, root)
                metric = (dense, inv_diag, inv_dense, chol, root)
                eps = find_step_size(lpg, fdata, idata, metric, eps, rng, x, g, lp, work)
                if eps < 0.0:
                    status = int(-eps)
                    break
                state[adapt.STEP_SIZE] = eps
                adapt.restart_dual_averaging(state, eps)
            if i == num_warmup - 1:
                state[adapt.STEP_SIZE] = adapt.final_step_size(state)
    copy_into(q, pool[here, nuts.Q])
    copy_into(grad, pool[here, nuts.GRAD])
    lp_box[0] = lp
    return status


# compiled here, with the explicit signature, so one machine-code version serves every model; with
# an index in the cache, the wait (seconds on a loaded machine) is loading, not compiling
_CACHED = bool(glob.glob(os.path.join(kernels_dir(__file__), "chain._run_block-*.nbi")))
with announce("the NUTS and HMC kernels", where=kernels_dir(__file__), verb="loading" if _CACHED else "compiling"):
    run_block = numba.njit(_SIGNATURE, cache=True, nogil=True)(_run_block)
