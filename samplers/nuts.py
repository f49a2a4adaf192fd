"""The no-U-turn sampler as in Stan: multinomial sampling along the trajectory, biased progressive
sampling between subtrees, and the generalised U-turn criterion checked across subtree boundaries.

A trajectory doubles by building a subtree of the same size in a random direction (build_tree,
recursive). A subtree is rejected whole when any of its leapfrog steps has an energy error above
`max_energy_error` (a divergence) or when it U-turns inside. All buffers come from a workspace
allocated once per chain: `ws[level]` holds the locals of the build_tree call at that depth.
"""
import numba
import numpy as np

from .buffers import VECTORISE_SUMS, copy_into, fill
from .integrator import kinetic_energy, leapfrog, velocity
from .rng import uniform

# slots of the per-level workspace ws[level, slot, :]
P_INIT_END, PS_INIT_END, RHO_INIT, Q_FINAL, GRAD_FINAL, P_FINAL_BEG, PS_FINAL_BEG, RHO_FINAL = range(8)
N_LEVEL_SLOTS = 8
# slots of the per-transition workspace top[slot, :]
(Z_Q, Z_P, Z_GRAD, FWD_Q, FWD_P, FWD_GRAD, BCK_Q, BCK_P, BCK_GRAD, PROP_Q, PROP_GRAD,
 P_FWD_FWD, PS_FWD_FWD, P_FWD_BCK, PS_FWD_BCK, P_BCK_FWD, PS_BCK_FWD, P_BCK_BCK, PS_BCK_BCK,
 RHO, RHO_FWD, RHO_BCK, SCRATCH, STEP_START) = range(24)
N_TOP_SLOTS = 24
# the accumulators of one transition, acc[...]
N_LEAPFROG, SUM_METRO, DIVERGENT, MAX_ERROR = range(4)


def workspace(dim, max_tree_depth):
    """(top, ws, wsc, acc): every buffer a NUTS transition needs, allocated once per chain."""
    return (np.zeros((N_TOP_SLOTS, dim)), np.zeros((max_tree_depth + 1, N_LEVEL_SLOTS, dim)),
            np.zeros((max_tree_depth + 1, 2)), np.zeros(8))


@numba.njit(cache=True, nogil=True)
def _logaddexp(a, b):
    if a == -np.inf:
        return b
    if b == -np.inf:
        return a
    m = max(a, b)
    return m + np.log(np.exp(a - m) + np.exp(b - m))


@numba.njit(cache=True, nogil=True, fastmath=VECTORISE_SUMS)
def _no_u_turn(ps_minus, ps_plus, rho_a, rho_b):
    """Stan's criterion on rho = rho_a + rho_b: both ends' sharp momenta point along rho."""
    plus = 0.0
    minus = 0.0
    for i in range(rho_a.shape[0]):
        r = rho_a[i] + rho_b[i]
        plus += ps_plus[i] * r
        minus += ps_minus[i] * r
    return plus > 0.0 and minus > 0.0


@numba.njit(cache=True, nogil=True, fastmath=VECTORISE_SUMS)
def build_tree(depth, sign, lpg, fdata, idata, metric, eps, H0, max_energy_error, rng,
               top, ws, wsc, acc, div_point,
               prop_q, prop_grad, prop_s, ps_beg, ps_end, rho, p_beg, p_end):
    """Extend the trajectory by 2**depth leapfrog steps from the state in top[Z_*].

    Writes the subtree's multinomial proposal into (prop_q, prop_grad, prop_s = [lp, H]), the
    momenta and sharp momenta at its two ends, adds its summed momenta to rho, and returns
    (valid, log of the subtree's summed weights exp(H0 - H)).
    """
    q, p, grad = top[Z_Q], top[Z_P], top[Z_GRAD]
    if depth == 0:
        lp = leapfrog(lpg, fdata, idata, metric, sign * eps, q, p, grad, top[SCRATCH], top[STEP_START])
        acc[N_LEAPFROG] += 1.0
        # the leaf is its own subtree: proposal, both ends, summed momentum, in one pass
        dense, inv_diag, _, _ = metric
        if dense:
            velocity(metric, p, ps_beg)
        kinetic = 0.0
        for i in range(q.shape[0]):
            v = ps_beg[i] if dense else inv_diag[i] * p[i]
            kinetic += p[i] * v
            ps_beg[i] = v
            ps_end[i] = v
            rho[i] += p[i]
            p_beg[i] = p[i]
            p_end[i] = p[i]
            prop_q[i] = q[i]
            prop_grad[i] = grad[i]
        h = -lp + 0.5 * kinetic
        if np.isnan(h):
            h = np.inf
        error = h - H0
        if not np.abs(error) <= np.abs(acc[MAX_ERROR]):
            acc[MAX_ERROR] = error
        divergent = error > max_energy_error
        if divergent and acc[DIVERGENT] == 0.0:
            acc[DIVERGENT] = 1.0
            copy_into(div_point, top[STEP_START])
        acc[SUM_METRO] += 1.0 if H0 - h > 0.0 else np.exp(H0 - h)
        prop_s[0] = lp
        prop_s[1] = h
        return not divergent, H0 - h

    w = ws[depth]
    rho_init, rho_final = w[RHO_INIT], w[RHO_FINAL]
    fill(rho_init, 0.0)
    valid, lsw_init = build_tree(depth - 1, sign, lpg, fdata, idata, metric, eps, H0, max_energy_error, rng,
                                 top, ws, wsc, acc, div_point,
                                 prop_q, prop_grad, prop_s, ps_beg, w[PS_INIT_END], rho_init, p_beg, w[P_INIT_END])
    if not valid:
        return False, lsw_init
    fill(rho_final, 0.0)
    s_final = wsc[depth]
    valid, lsw_final = build_tree(depth - 1, sign, lpg, fdata, idata, metric, eps, H0, max_energy_error, rng,
                                  top, ws, wsc, acc, div_point,
                                  w[Q_FINAL], w[GRAD_FINAL], s_final, w[PS_FINAL_BEG], ps_end, rho_final,
                                  w[P_FINAL_BEG], p_end)
    if not valid:
        return False, lsw_final

    lsw = _logaddexp(lsw_init, lsw_final)
    if lsw_final > lsw or uniform(rng) < np.exp(lsw_final - lsw):
        copy_into(prop_q, w[Q_FINAL])
        copy_into(prop_grad, w[GRAD_FINAL])
        copy_into(prop_s, s_final)
    # U-turn around the merged subtree, and across the boundary between its halves (Stan's
    # extra checks), with the six dot products in the pass that adds its momenta to rho
    ps_init_end, ps_final_beg = w[PS_INIT_END], w[PS_FINAL_BEG]
    p_init_end, p_final_beg = w[P_INIT_END], w[P_FINAL_BEG]
    whole_beg = whole_end = left_beg = left_end = right_beg = right_end = 0.0
    for i in range(rho.shape[0]):
        merged = rho_init[i] + rho_final[i]
        rho[i] += merged
        whole_beg += ps_beg[i] * merged
        whole_end += ps_end[i] * merged
        left = rho_init[i] + p_final_beg[i]
        left_beg += ps_beg[i] * left
        left_end += ps_final_beg[i] * left
        right = rho_final[i] + p_init_end[i]
        right_beg += ps_init_end[i] * right
        right_end += ps_end[i] * right
    return (whole_beg > 0.0 and whole_end > 0.0 and left_beg > 0.0 and left_end > 0.0
            and right_beg > 0.0 and right_end > 0.0), lsw


@numba.njit(cache=True, nogil=True, fastmath=VECTORISE_SUMS)
def transition(lpg, fdata, idata, metric, eps, max_tree_depth, max_energy_error, rng,
               q, grad, lp, p0, work, div_point, out_s):
    """One NUTS transition from (q, grad, lp) with initial momentum p0 (already drawn).

    Updates q and grad in place to the selected point and returns its logp. out_s receives
    [acceptance_rate, tree_depth, n_steps, diverging, energy, energy_error, max_energy_error].
    div_point receives the start of the first divergent leapfrog step (left alone otherwise).
    """
    top, ws, wsc, acc = work
    fill(acc, 0.0)
    for slot in (Z_Q, FWD_Q, BCK_Q, PROP_Q):
        copy_into(top[slot], q)
    for slot in (Z_GRAD, FWD_GRAD, BCK_GRAD, PROP_GRAD):
        copy_into(top[slot], grad)
    for slot in (Z_P, FWD_P, BCK_P, P_FWD_FWD, P_FWD_BCK, P_BCK_FWD, P_BCK_BCK, RHO):
        copy_into(top[slot], p0)
    velocity(metric, p0, top[PS_FWD_FWD])
    for slot in (PS_FWD_BCK, PS_BCK_FWD, PS_BCK_BCK):
        copy_into(top[slot], top[PS_FWD_FWD])
    H0 = -lp + kinetic_energy(metric, p0)
    sample_lp, sample_h = lp, H0
    prop_s = np.empty(2)
    log_sum_weight = 0.0
    depth = 0
    while depth < max_tree_depth:
        fill(top[RHO_FWD], 0.0)
        fill(top[RHO_BCK], 0.0)
        # extend forward or backward; the old trajectory becomes the other direction's subtree
        if uniform(rng) > 0.5:
            sign, end_q, end_p, end_grad = 1.0, FWD_Q, FWD_P, FWD_GRAD
            new_p_beg, new_ps_beg, new_rho = P_FWD_BCK, PS_FWD_BCK, RHO_FWD
            new_p_end, new_ps_end = P_FWD_FWD, PS_FWD_FWD
            old_p_inner, old_ps_inner, old_rho = P_BCK_FWD, PS_BCK_FWD, RHO_BCK
        else:
            sign, end_q, end_p, end_grad = -1.0, BCK_Q, BCK_P, BCK_GRAD
            new_p_beg, new_ps_beg, new_rho = P_BCK_FWD, PS_BCK_FWD, RHO_BCK
            new_p_end, new_ps_end = P_BCK_BCK, PS_BCK_BCK
            old_p_inner, old_ps_inner, old_rho = P_FWD_BCK, PS_FWD_BCK, RHO_FWD
        copy_into(top[Z_Q], top[end_q])
        copy_into(top[Z_P], top[end_p])
        copy_into(top[Z_GRAD], top[end_grad])
        copy_into(top[old_rho], top[RHO])
        copy_into(top[old_p_inner], top[new_p_end])
        copy_into(top[old_ps_inner], top[new_ps_end])
        valid, lsw_sub = build_tree(depth, sign, lpg, fdata, idata, metric, eps, H0, max_energy_error, rng,
                                    top, ws, wsc, acc, div_point, top[PROP_Q], top[PROP_GRAD], prop_s,
                                    top[new_ps_beg], top[new_ps_end], top[new_rho], top[new_p_beg], top[new_p_end])
        copy_into(top[end_q], top[Z_Q])
        copy_into(top[end_p], top[Z_P])
        copy_into(top[end_grad], top[Z_GRAD])
        if not valid:
            break
        depth += 1
        if lsw_sub > log_sum_weight or uniform(rng) < np.exp(lsw_sub - log_sum_weight):
            copy_into(q, top[PROP_Q])
            copy_into(grad, top[PROP_GRAD])
            sample_lp, sample_h = prop_s[0], prop_s[1]
        log_sum_weight = _logaddexp(log_sum_weight, lsw_sub)
        for i in range(q.shape[0]):
            top[RHO, i] = top[RHO_BCK, i] + top[RHO_FWD, i]
        zero = top[SCRATCH]
        fill(zero, 0.0)
        if not (_no_u_turn(top[PS_BCK_BCK], top[PS_FWD_FWD], top[RHO], zero)
                and _no_u_turn(top[PS_BCK_BCK], top[PS_FWD_BCK], top[RHO_BCK], top[P_FWD_BCK])
                and _no_u_turn(top[PS_BCK_FWD], top[PS_FWD_FWD], top[RHO_FWD], top[P_BCK_FWD])):
            break
    n_steps = acc[N_LEAPFROG]
    out_s[0] = acc[SUM_METRO] / n_steps if n_steps > 0 else 0.0
    out_s[1] = depth
    out_s[2] = n_steps
    out_s[3] = acc[DIVERGENT]
    out_s[4] = sample_h
    out_s[5] = sample_h - H0
    out_s[6] = acc[MAX_ERROR]
    return sample_lp
