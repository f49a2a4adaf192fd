"""The no-U-turn sampler as in Stan: multinomial sampling along the trajectory, biased progressive
sampling between subtrees, and the generalised U-turn criterion checked across subtree boundaries.

A trajectory doubles by building a subtree of the same size in a random direction (build_tree,
recursive). A subtree is rejected whole when any of its leapfrog steps has an energy error above
`max_energy_error` (a divergence) or when it U-turns inside.

Phase-space points live in a pool of slots allocated once per chain (`pool[slot] = q, p, grad, c,
p_sharp`), so the tree passes slot numbers around instead of copying vectors: a leaf writes its
new point into a free slot, a subtree returns the slots of its first point, last point and
proposal, and a slot goes back to the free list when no role (end, beginning, proposal) holds it
any more. `c` is the running sum of momenta along the integration, so a subtree's summed momentum
(Stan's rho) is a difference of two slots' `c` and no per-level rho buffer has to be kept.

At high dimension a step's cost is its passes over the vectors (at 1000-D each vector read or
written costs ~0.08 us, the gradient of an iid Gaussian ~0.2 us), so a leapfrog step inside a
subtree is one pass after the gradient: the second momentum half step, kinetic energy and momentum
sum, and already the next step's first half step and position (_finish); only a top-level
subtree's first step, whose direction is drawn later, takes a pass of its own (_begin). With a
diagonal metric a two-leaf subtree's U-turn checks need no pass at all (_pair) and a four-leaf
subtree's are made in its last step's pass (role CLOSING). The kernels run without Numba's
reference counting (buffers.NO_REFCOUNTS), which cost more than a step's passes at low dimension.
"""
import numba
import numpy as np

from .buffers import NO_REFCOUNTS, VECTORISE_SUMS, copy_into, fill, fmuladd
from .integrator import kinetic_energy, velocity
from .rng import uniform

# arrays of a slot, pool[slot, ...]: position, momentum, gradient of logp, running momentum sum,
# sharp momentum M^-1 p (written for a dense metric only; the diagonal case multiplies on the fly)
Q, P, GRAD, CUM_P, P_SHARP = range(5)
N_SLOT_ARRAYS = 5
# scalars of a slot, slot_scalars[slot, ...]: logp, Hamiltonian, kinetic energy, and for the second leaf
# of a two-leaf subtree the metric product of its momentum with the first's, p_a' M^-1 p_b
LP, H, KINETIC, CROSS = range(4)
N_SLOT_SCALARS = 4
# rows of the per-transition work array top[row, :]
RHO, SCRATCH = 0, 2
N_TOP_ROWS = 5  # find_step_size and hmc use rows 0..4 as their own scratch
# the accumulators of one transition, acc[...]
N_LEAPFROG, SUM_METRO, DIVERGENT, MAX_ERROR = range(4)
# a leaf's role (see _finish): the first or second leaf of a two-leaf subtree (diagonal metric), any other,
# or the last leaf of a four-leaf subtree (diagonal metric), which also computes that subtree's U-turn checks
FIRST, SECOND, ALONE, CLOSING = range(4)


def n_slots(max_tree_depth):
    """Slots a transition can hold at once: the trajectory's two ends and its sample, three per
    level of an unfinished subtree (its first half's first point, last point and proposal), the
    leaf being written, the next one begun ahead, and spares."""
    return 3 * max_tree_depth + 8


def workspace(dim, max_tree_depth):
    """(top, pool, slot_scalars, slot_ints, acc): every buffer a NUTS transition needs, allocated
    once per chain. slot_ints holds the free-slot stack and the reference counts."""
    n = n_slots(max_tree_depth)
    return (np.zeros((N_TOP_ROWS, dim)), np.zeros((n, N_SLOT_ARRAYS, dim)), np.zeros((n, N_SLOT_SCALARS)),
            np.zeros(2 * n + 1, np.int64), np.zeros(8))


@numba.njit(cache=True, nogil=True, inline="always")
def _reset_slots(ints, keep):
    """Every slot free but `keep`, which holds 3 references. ints = [stack height, free stack (n),
    reference counts (n)]."""
    n = (ints.shape[0] - 1) // 2
    ints[0] = n - 1
    top = 0
    for s in range(n):
        ints[1 + n + s] = 0
        if s != keep:
            top += 1
            ints[top] = s
    ints[1 + n + keep] = 3


@numba.njit(cache=True, nogil=True, inline="always")
def _take_slot(ints, refs):
    n = (ints.shape[0] - 1) // 2
    height = ints[0]
    slot = ints[height]
    ints[0] = height - 1
    ints[1 + n + slot] = refs
    return slot


@numba.njit(cache=True, nogil=True, inline="always")
def _drop_ref(ints, slot):
    n = (ints.shape[0] - 1) // 2
    refs = ints[1 + n + slot] - 1
    ints[1 + n + slot] = refs
    if refs == 0:
        height = ints[0] + 1
        ints[0] = height
        ints[height] = slot


@numba.njit(cache=True, nogil=True)
def _logaddexp(a, b):
    if a == -np.inf:
        return b
    if b == -np.inf:
        return a
    m = max(a, b)
    return m + np.log(np.exp(a - m) + np.exp(b - m))


@numba.njit(cache=True, nogil=True, fastmath=VECTORISE_SUMS, **NO_REFCOUNTS)
def _begin(metric, eps, pool, tip, new, scratch):
    """The first half of a leapfrog step of size eps from slot `tip`: the half-step momentum and the
    new position into slot `new` (its gradient is still to come)."""
    dense, inv_diag, _, _, _ = metric
    q0, p0, g0 = pool[tip, Q], pool[tip, P], pool[tip, GRAD]
    q, p = pool[new, Q], pool[new, P]
    half = 0.5 * eps
    if dense:
        for i in range(q.shape[0]):
            p[i] = fmuladd(half, g0[i], p0[i])
        velocity(metric, p, scratch)
        for i in range(q.shape[0]):
            q[i] = q0[i] + eps * scratch[i]
    else:  # one pass: momentum half step and position step
        for i in range(q.shape[0]):
            ph = fmuladd(half, g0[i], p0[i])
            p[i] = ph
            q[i] = q0[i] + eps * inv_diag[i] * ph


@numba.njit(cache=True, nogil=True, fastmath=VECTORISE_SUMS, **NO_REFCOUNTS)
def _finish(lpg, fdata, idata, metric, eps, pool, new, prev, c_from, nxt, role, first, outer, scratch):
    """The rest of the leapfrog step from slot `prev` into slot `new` (begun by _begin): the gradient,
    the second momentum half step and the momentum sum, and, when nxt >= 0, the first half of the
    next step into slot nxt, all in one pass. Returns (logp, kinetic energy, p_prev' M^-1 p_new, ok,
    no_turn): the product only for roles SECOND and CLOSING (else 0); ok is False when logp or the
    gradient is not finite (logp is then -inf, so the energy error is infinite: a divergence) and nxt
    was not begun; no_turn is True except for a CLOSING leaf whose four-leaf subtree U-turns.

    role (diagonal metric; a dense one always takes ALONE): FIRST of a two-leaf subtree keeps no
    momentum sum (no U-turn check reads it); SECOND sums c_from's, prev's and its own momenta in the
    order the two steps would have (c_from: the subtree's tip); ALONE adds its momentum to prev's sum.
    CLOSING is a SECOND that ends a four-leaf subtree (first, c_from | prev, new) started from slot
    `outer`: its pass also makes _no_u_turn_merged's sums for that subtree, the same arithmetic, three
    vectors read instead of a pass over eight.
    """
    dense, inv_diag, _, _, _ = metric
    q, p, g, c = pool[new, Q], pool[new, P], pool[new, GRAD], pool[new, CUM_P]
    n = q.shape[0]
    half = 0.5 * eps
    lp = lpg(q, g, fdata, idata)
    if not np.isfinite(lp):
        return -np.inf, 0.0, 0.0, False, True
    checksum = 0.0   # NaN or infinite if any component is: vectorises, unlike a test per element
    kinetic = 0.0
    product = 0.0
    q_next, p_next = pool[max(nxt, 0), Q], pool[max(nxt, 0), P]
    c0, p_prev = pool[c_from if role == SECOND or role == CLOSING else prev, CUM_P], pool[prev, P]
    whole_beg = whole_end = left_beg = left_end = right_beg = right_end = 1.0
    if dense:
        for i in range(n):
            checksum += 0.0 * g[i]
            pi = fmuladd(half, g[i], p[i])
            p[i] = pi
            c[i] = c0[i] + pi
        ps = pool[new, P_SHARP]
        velocity(metric, p, ps)
        for i in range(n):
            kinetic += p[i] * ps[i]
        if nxt >= 0:
            for i in range(n):
                p_next[i] = fmuladd(half, g[i], p[i])
            velocity(metric, p_next, scratch)
            for i in range(n):
                q_next[i] = q[i] + eps * scratch[i]
    elif role == FIRST:  # a leaf that starts a two-leaf subtree is never its subtree's last
        for i in range(n):
            checksum += 0.0 * g[i]
            gi = g[i]
            pi = fmuladd(half, gi, p[i])
            p[i] = pi
            kinetic += inv_diag[i] * pi * pi
            ph = fmuladd(half, gi, pi)
            p_next[i] = ph
            q_next[i] = q[i] + eps * inv_diag[i] * ph
    elif role == SECOND and nxt >= 0:
        for i in range(n):
            checksum += 0.0 * g[i]
            gi = g[i]
            pi = fmuladd(half, gi, p[i])
            p[i] = pi
            c[i] = c0[i] + p_prev[i] + pi
            mp = inv_diag[i] * pi
            kinetic += mp * pi
            product += mp * p_prev[i]
            ph = fmuladd(half, gi, pi)
            p_next[i] = ph
            q_next[i] = q[i] + eps * inv_diag[i] * ph
    elif role == SECOND:
        for i in range(n):
            checksum += 0.0 * g[i]
            pi = fmuladd(half, g[i], p[i])
            p[i] = pi
            c[i] = c0[i] + p_prev[i] + pi
            mp = inv_diag[i] * pi
            kinetic += mp * pi
            product += mp * p_prev[i]
    elif role == CLOSING:
        p_a, p_b, c_t = pool[first, P], pool[c_from, P], pool[outer, CUM_P]
        whole_beg = whole_end = left_beg = left_end = right_beg = right_end = 0.0
        if nxt >= 0:
            for i in range(n):
                checksum += 0.0 * g[i]
                gi = g[i]
                pi = fmuladd(half, gi, p[i])
                p[i] = pi
                ci = c0[i] + p_prev[i] + pi
                c[i] = ci
                m = inv_diag[i]
                mp = m * pi
                kinetic += mp * pi
                product += mp * p_prev[i]
                rho_init = c0[i] - (c_t[i] + p_a[i]) + p_a[i]  # as _no_u_turn_merged(first, c_from, prev, new)
                rho_final = ci - c0[i]
                merged = rho_init + rho_final
                whole_beg += m * p_a[i] * merged
                whole_end += m * pi * merged
                left = rho_init + p_prev[i]
                left_beg += m * p_a[i] * left
                left_end += m * p_prev[i] * left
                right = rho_final + p_b[i]
                right_beg += m * p_b[i] * right
                right_end += m * pi * right
                ph = fmuladd(half, gi, pi)
                p_next[i] = ph
                q_next[i] = q[i] + eps * inv_diag[i] * ph
        else:
            for i in range(n):
                checksum += 0.0 * g[i]
                pi = fmuladd(half, g[i], p[i])
                p[i] = pi
                ci = c0[i] + p_prev[i] + pi
                c[i] = ci
                m = inv_diag[i]
                mp = m * pi
                kinetic += mp * pi
                product += mp * p_prev[i]
                rho_init = c0[i] - (c_t[i] + p_a[i]) + p_a[i]
                rho_final = ci - c0[i]
                merged = rho_init + rho_final
                whole_beg += m * p_a[i] * merged
                whole_end += m * pi * merged
                left = rho_init + p_prev[i]
                left_beg += m * p_a[i] * left
                left_end += m * p_prev[i] * left
                right = rho_final + p_b[i]
                right_beg += m * p_b[i] * right
                right_end += m * pi * right
    else:  # ALONE, diagonal: the top-level tree of depth 0, never continued
        for i in range(n):
            checksum += 0.0 * g[i]
            pi = fmuladd(half, g[i], p[i])
            p[i] = pi
            c[i] = c0[i] + pi
            kinetic += inv_diag[i] * pi * pi
    if checksum != 0.0:
        return -np.inf, 0.0, 0.0, False, True
    no_turn = (whole_beg > 0.0 and whole_end > 0.0 and left_beg > 0.0 and left_end > 0.0
               and right_beg > 0.0 and right_end > 0.0)
    return lp, 0.5 * kinetic, product, True, no_turn


@numba.njit(cache=True, nogil=True, fastmath=VECTORISE_SUMS, **NO_REFCOUNTS)
def _no_u_turn_merged(metric, pool, b1, e1, b2, e2, ra, rb, rc, top):
    """Stan's U-turn checks on the merge of two adjacent subtrees, (b1..e1) then (b2..e2) along
    the integration, in one pass: the whole, and each half extended by the other's nearest
    momentum. The first subtree's summed momentum is ra - (rb + rc) + rc (ra: the running sum at
    e1, rb: at the step before b1, rc: b1's momentum; rb + rc is the sum at b1, which b1 itself
    need not keep), or ra alone when `top` (the trajectory's running sum, then updated in place to
    the merged sum); the second's is c[e2] - c[e1] (it was integrated on from e1)."""
    dense, inv_diag, _, _, _ = metric
    p_b1, p_e1, p_b2, p_e2 = pool[b1, P], pool[e1, P], pool[b2, P], pool[e2, P]
    c_e1, c_e2 = pool[e1, CUM_P], pool[e2, CUM_P]
    whole_beg = whole_end = left_beg = left_end = right_beg = right_end = 0.0
    if dense:
        s_b1, s_e1, s_b2, s_e2 = pool[b1, P_SHARP], pool[e1, P_SHARP], pool[b2, P_SHARP], pool[e2, P_SHARP]
        for i in range(p_b1.shape[0]):
            rho_init = ra[i] if top else ra[i] - (rb[i] + rc[i]) + rc[i]
            rho_final = c_e2[i] - c_e1[i]
            merged = rho_init + rho_final
            if top:
                ra[i] = merged
            whole_beg += s_b1[i] * merged
            whole_end += s_e2[i] * merged
            left = rho_init + p_b2[i]
            left_beg += s_b1[i] * left
            left_end += s_b2[i] * left
            right = rho_final + p_e1[i]
            right_beg += s_e1[i] * right
            right_end += s_e2[i] * right
    else:
        for i in range(p_b1.shape[0]):
            rho_init = ra[i] if top else ra[i] - (rb[i] + rc[i]) + rc[i]
            rho_final = c_e2[i] - c_e1[i]
            merged = rho_init + rho_final
            if top:
                ra[i] = merged
            m = inv_diag[i]
            whole_beg += m * p_b1[i] * merged
            whole_end += m * p_e2[i] * merged
            left = rho_init + p_b2[i]
            left_beg += m * p_b1[i] * left
            left_end += m * p_b2[i] * left
            right = rho_final + p_e1[i]
            right_beg += m * p_e1[i] * right
            right_end += m * p_e2[i] * right
    return (whole_beg > 0.0 and whole_end > 0.0 and left_beg > 0.0 and left_end > 0.0
            and right_beg > 0.0 and right_end > 0.0)


@numba.njit(cache=True, nogil=True, **NO_REFCOUNTS)
def _step(sign, tip, begun, more, role, c_from, first, outer, lpg, fdata, idata, metric, eps, H0, max_energy_error,
          top, pool, slot_scalars, ints, acc, div_point):
    """A subtree of depth 0: one leapfrog step from slot `tip`, with its energy error, divergence and
    acceptance bookkeeping. `begun`: the slot where the step's first half is already done, or -1;
    `more`: begin the next step from the new point too. Returns (valid, H0 - H, the new slot, the
    begun next slot or -1, no_turn). role, c_from, first, outer, no_turn: see _finish (the product of
    a SECOND leaf's momentum with its predecessor's goes into the slot's CROSS scalar)."""
    new = begun
    if new < 0:
        new = _take_slot(ints, 3)  # the leaf is its subtree's first point, last point and proposal
        _begin(metric, sign * eps, pool, tip, new, top[SCRATCH])
    nxt = _take_slot(ints, 3) if more else -1
    lp, kinetic, product, ok, no_turn = _finish(lpg, fdata, idata, metric, sign * eps, pool, new, tip, c_from, nxt,
                                                role, first, outer, top[SCRATCH])
    if nxt >= 0 and not ok:  # not begun: the next step (if the tree goes on) starts from scratch
        _drop_ref(ints, nxt)
        _drop_ref(ints, nxt)
        _drop_ref(ints, nxt)
        nxt = -1
    acc[N_LEAPFROG] += 1.0
    h = -lp + kinetic
    if np.isnan(h):
        h = np.inf
    error = h - H0
    if not np.abs(error) <= np.abs(acc[MAX_ERROR]):
        acc[MAX_ERROR] = error
    divergent = error > max_energy_error
    if divergent and acc[DIVERGENT] == 0.0:
        acc[DIVERGENT] = 1.0
        copy_into(div_point, pool[tip, Q])  # where the divergent step started
    acc[SUM_METRO] += 1.0 if H0 - h > 0.0 else np.exp(H0 - h)
    slot_scalars[new, LP] = lp
    slot_scalars[new, H] = h
    slot_scalars[new, KINETIC] = kinetic
    slot_scalars[new, CROSS] = product
    return not divergent, H0 - h, new, nxt, no_turn


@numba.njit(cache=True, nogil=True, **NO_REFCOUNTS)
def _choose(lsw_init, lsw_final, prop1, prop2, rng, ints):
    """Multinomial choice between two halves' proposals, biased towards the second (Stan's
    progressive sampling inside a subtree); drops the other's reference. Returns (log of the
    summed weights, the proposal)."""
    lsw = _logaddexp(lsw_init, lsw_final)
    if lsw_final > lsw or uniform(rng) < np.exp(lsw_final - lsw):
        _drop_ref(ints, prop1)
        return lsw, prop2
    _drop_ref(ints, prop2)
    return lsw, prop1


@numba.njit(cache=True, nogil=True, **NO_REFCOUNTS)
def _pair(sign, tip, begun, more, first, outer, lpg, fdata, idata, metric, eps, H0, max_energy_error, rng,
          top, pool, slot_scalars, ints, acc, div_point):
    """A subtree of two leaves a, then b, for a diagonal metric (build_tree's contract, plus no_turn:
    with first >= 0, b closes the four-leaf subtree (first, its successor | a, b) started from slot
    `outer`, and no_turn is that subtree's U-turn verdict, see _finish)."""
    valid, lsw_init, b1, nxt, _ = _step(sign, tip, begun, True, FIRST, tip, first, outer, lpg, fdata, idata, metric,
                                        eps, H0, max_energy_error, top, pool, slot_scalars, ints, acc, div_point)
    if not valid:
        return False, lsw_init, b1, b1, b1, nxt, True
    role = CLOSING if first >= 0 else SECOND
    valid, lsw_final, b2, nxt, no_turn = _step(sign, b1, nxt, more, role, tip, first, outer, lpg, fdata, idata,
                                               metric, eps, H0, max_energy_error, top, pool, slot_scalars, ints,
                                               acc, div_point)
    if not valid:
        return False, lsw_final, b2, b2, b2, nxt, True
    lsw, prop = _choose(lsw_init, lsw_final, b1, b2, rng, ints)
    # all three of Stan's checks are a'M^-1(a + b) > 0 and b'M^-1(a + b) > 0: two kinetic energies and
    # the cross term that b's leapfrog step computed, instead of a pass over the vectors
    a_dot_ab = 2.0 * slot_scalars[b1, KINETIC] + slot_scalars[b2, CROSS]
    b_dot_ab = slot_scalars[b2, CROSS] + 2.0 * slot_scalars[b2, KINETIC]
    turned = not (a_dot_ab > 0.0 and b_dot_ab > 0.0)
    _drop_ref(ints, b1)  # a and b: no longer the end or the beginning of the other half
    _drop_ref(ints, b2)
    return not turned, lsw, b1, b2, prop, nxt, no_turn


@numba.njit(cache=True, nogil=True, **NO_REFCOUNTS)
def build_tree(depth, sign, tip, begun, more, lpg, fdata, idata, metric, eps, H0, max_energy_error, rng,
               top, pool, slot_scalars, ints, acc, div_point):
    """Extend the trajectory by 2**depth leapfrog steps from the point in slot `tip`.

    begun: the slot where the first step's first half is already done, or -1; more: begin the step
    after the subtree's last point as well (one pass with its last step: see _finish). Returns
    (valid, log of the subtree's summed weights exp(H0 - H), first slot, last slot, proposal slot,
    begun next slot or -1); each returned slot carries one reference per role. When not valid the
    slots are meaningless (the transition stops and frees every slot).
    """
    if depth == 0:
        valid, lsw, new, nxt, _ = _step(sign, tip, begun, more, ALONE, tip, -1, -1, lpg, fdata, idata, metric, eps,
                                        H0, max_energy_error, top, pool, slot_scalars, ints, acc, div_point)
        return valid, lsw, new, new, new, nxt
    diagonal = not metric[0]
    if diagonal and depth == 1:
        valid, lsw, b1, e2, prop, nxt, _ = _pair(sign, tip, begun, more, -1, -1, lpg, fdata, idata, metric, eps, H0,
                                                 max_energy_error, rng, top, pool, slot_scalars, ints, acc,
                                                 div_point)
        return valid, lsw, b1, e2, prop, nxt
    no_turn = True
    if diagonal and depth == 2:  # two pairs, the second's last step making this subtree's U-turn checks
        valid, lsw_init, b1, e1, prop1, nxt, _ = _pair(sign, tip, begun, True, -1, -1, lpg, fdata, idata, metric,
                                                       eps, H0, max_energy_error, rng, top, pool, slot_scalars,
                                                       ints, acc, div_point)
        if not valid:
            return False, lsw_init, b1, e1, prop1, nxt
        valid, lsw_final, b2, e2, prop2, nxt, no_turn = _pair(sign, e1, nxt, more, b1, tip, lpg, fdata, idata,
                                                              metric, eps, H0, max_energy_error, rng, top, pool,
                                                              slot_scalars, ints, acc, div_point)
        if not valid:
            return False, lsw_final, b2, e2, prop2, nxt
    else:
        followed = depth > 0  # always (the second half follows); a variable, not a literal: see transition
        valid, lsw_init, b1, e1, prop1, nxt = build_tree(depth - 1, sign, tip, begun, followed, lpg, fdata, idata,
                                                         metric, eps, H0, max_energy_error, rng, top, pool,
                                                         slot_scalars, ints, acc, div_point)
        if not valid:
            return False, lsw_init, b1, e1, prop1, nxt
        valid, lsw_final, b2, e2, prop2, nxt = build_tree(depth - 1, sign, e1, nxt, more, lpg, fdata, idata,
                                                          metric, eps, H0, max_energy_error, rng, top, pool,
                                                          slot_scalars, ints, acc, div_point)
        if not valid:
            return False, lsw_final, b2, e2, prop2, nxt
    lsw, prop = _choose(lsw_init, lsw_final, prop1, prop2, rng, ints)
    # U-turn around the merged subtree, and across the boundary between its halves (Stan's extra checks)
    if diagonal and depth == 2:
        turned = not no_turn
    else:
        turned = not _no_u_turn_merged(metric, pool, b1, e1, b2, e2, pool[e1, CUM_P], pool[tip, CUM_P],
                                       pool[b1, P], False)
    _drop_ref(ints, e1)  # inner points: no longer an end of anything
    _drop_ref(ints, b2)
    return not turned, lsw, b1, e2, prop, nxt


@numba.njit(cache=True, nogil=True, fastmath=VECTORISE_SUMS, **NO_REFCOUNTS)
def transition(lpg, fdata, idata, metric, eps, max_tree_depth, max_energy_error, rng, z, lp, work, div_point,
               out_s):
    """One NUTS transition from the point in slot `z` of the pool (work[1][z]: q, its gradient, and
    the initial momentum, already drawn into its P row; lp: its logp).

    Returns (the selected point's logp, its slot): the chain's point stays in the pool, so neither
    it nor the selection is copied. out_s receives [acceptance_rate, tree_depth, n_steps, diverging,
    energy, energy_error, max_energy_error]. div_point receives the start of the first divergent
    leapfrog step (left alone otherwise).
    """
    top, pool, slot_scalars, ints, acc = work
    fill(acc, 0.0)
    _reset_slots(ints, z)  # z: both ends of the trajectory and its sample
    p0 = pool[z, P]
    fill(pool[z, CUM_P], 0.0)
    dense = metric[0]
    if dense:
        velocity(metric, p0, pool[z, P_SHARP])
    kinetic0 = kinetic_energy(metric, p0)
    H0 = -lp + kinetic0
    slot_scalars[z, LP] = lp
    slot_scalars[z, H] = H0
    slot_scalars[z, KINETIC] = kinetic0
    rho = top[RHO]
    copy_into(rho, p0)
    # typed variables, not constants: a literal argument would make Numba compile a second, literal-typed
    # build_tree whose recursive calls then fail to link
    no_slot, stop_after = np.int64(-1), np.bool_(False)
    end_bck = end_fwd = sample = z
    log_sum_weight = 0.0
    depth = 0
    while depth < max_tree_depth:
        # extend forward or backward from that end; the old trajectory is the other half
        forward = uniform(rng) > 0.5
        tip, far = (end_fwd, end_bck) if forward else (end_bck, end_fwd)
        # no step begun ahead across top-level subtrees: the next one's direction is drawn after this one
        valid, lsw_sub, beg, end, prop, _ = build_tree(depth, 1.0 if forward else -1.0, tip, no_slot, stop_after,
                                                       lpg, fdata, idata, metric, eps, H0, max_energy_error, rng,
                                                       top, pool, slot_scalars, ints, acc, div_point)
        if not valid:
            break
        depth += 1
        if lsw_sub > log_sum_weight or uniform(rng) < np.exp(lsw_sub - log_sum_weight):
            _drop_ref(ints, sample)
            sample = prop
        else:
            _drop_ref(ints, prop)
        log_sum_weight = _logaddexp(log_sum_weight, lsw_sub)
        # the old trajectory (far .. tip) merged with the new subtree (beg .. end); rho becomes their sum
        persist = _no_u_turn_merged(metric, pool, far, tip, beg, end, rho, rho, rho, True)
        if forward:
            end_fwd = end
        else:
            end_bck = end
        _drop_ref(ints, tip)
        _drop_ref(ints, beg)
        if not persist:
            break
    n_steps = acc[N_LEAPFROG]
    out_s[0] = acc[SUM_METRO] / n_steps if n_steps > 0 else 0.0
    out_s[1] = depth
    out_s[2] = n_steps
    out_s[3] = acc[DIVERGENT]
    out_s[4] = slot_scalars[sample, H]
    out_s[5] = slot_scalars[sample, H] - H0
    out_s[6] = acc[MAX_ERROR]
    return slot_scalars[sample, LP], sample
