"""Stan's warmup: step size by dual averaging, and a mass matrix from windowed, regularised
Welford estimates of the draws' (co)variance.

Warmup of N iterations is cut into an initial buffer (75), a series of slow windows (25, then
doubling, the last one stretched to the terminal buffer) and a terminal buffer (50); when
75 + 25 + 50 > N the three are rescaled to 15 %, 75 % and 10 % of N. At the end of each slow
window the metric is set from the window's draws, the step size is searched anew and dual
averaging restarts. All state lives in one float64 vector (`state`, indices below) plus the
Welford mean and second moment, so a chain can stop and resume between blocks of iterations.

`adapt_mass="gradient"` replaces the windowed metric with nutpie's diagonal (Seyboldt et al. 2024,
"preconditioning by gradient variance", as nuts-rs implements it): M^-1 = sqrt(var(draws) /
var(gradients)) per coordinate, which is exact for any Gaussian with a diagonal covariance, from
a foreground window of recent draws and gradients that a background window replaces every 10
iterations in the first 30 % of warmup and every 80 later; the metric is updated after every
iteration until the last 15 % of warmup, which tunes the step size alone. It starts from
M^-1 = 1/|gradient| at the initial point, and dual averaging restarts only when the metric first
changes (see learn_gradient_metric).
"""
import numba
import numpy as np

# state[...] of dual averaging and the window schedule
(MU, S_BAR, X_BAR, COUNTER, STEP_SIZE, WINDOW_COUNTER, WINDOW_SIZE, NEXT_WINDOW,
 INIT_BUFFER, TERM_BUFFER, NUM_WARMUP, WELFORD_N) = range(12)
# state[...] of the gradient-based diagonal adaptation: draws in its foreground and background
# windows, and whether the metric has changed since its start at the initial gradient
FOREGROUND_N, BACKGROUND_N, METRIC_MOVED = 12, 13, 14
STATE_SIZE = 15

# the gradient-based adaptation's estimates live in rows of the `m2` array (shape (ESTIMATE_ROWS, dim)):
# Welford mean and sum of squared deviations of the draws and of the gradients, foreground window
# first, then the background window from row BACKGROUND on
DRAW_MEAN, GRAD_MEAN, DRAW_M2, GRAD_M2 = range(4)
BACKGROUND = 4
ESTIMATE_ROWS = 8
# nuts-rs's defaults: the early phase's share of warmup, the final step-size-only share, and how
# many draws a background window collects before it replaces the foreground (early, later)
EARLY_SHARE, STEP_SIZE_SHARE, EARLY_SWITCH, LATE_SWITCH = 0.3, 0.15, 10, 80
# bounds of a metric entry (nuts-rs's); a metric entry that comes out 0 or not finite keeps its value
MIN_INV_MASS, MAX_INV_MASS = 1e-20, 1e20
# what learn_gradient_metric returns
UNCHANGED, CHANGED, FIRST_CHANGE = 0, 1, 2


def window_schedule(num_warmup, init_buffer=75, term_buffer=50, base_window=25):
    """(init_buffer, term_buffer, base_window) as Stan sets them for num_warmup iterations."""
    if num_warmup < 20:
        return num_warmup, 0, 0  # too short to adapt the metric: step size only
    if init_buffer + base_window + term_buffer > num_warmup:
        init_buffer = int(0.15 * num_warmup)
        term_buffer = int(0.1 * num_warmup)
        base_window = num_warmup - (init_buffer + term_buffer)
    return init_buffer, term_buffer, base_window


def initial_state(num_warmup, step_size=1.0):
    init_buffer, term_buffer, base_window = window_schedule(num_warmup)
    state = np.zeros(STATE_SIZE)
    state[STEP_SIZE] = step_size
    state[MU] = np.log(10.0 * step_size)
    state[WINDOW_SIZE] = base_window
    # no slow window at all (very short warmup): a window end that is never reached
    state[NEXT_WINDOW] = init_buffer + base_window - 1 if base_window > 0 else -1.0
    state[INIT_BUFFER] = init_buffer
    state[TERM_BUFFER] = term_buffer
    state[NUM_WARMUP] = num_warmup
    return state


@numba.njit(cache=True, nogil=True)
def restart_dual_averaging(state, step_size):
    state[MU] = np.log(10.0 * step_size)
    state[S_BAR] = 0.0
    state[X_BAR] = 0.0
    state[COUNTER] = 0.0


@numba.njit(cache=True, nogil=True)
def learn_step_size(state, accept_stat, target_accept, gamma, kappa, t0):
    """One dual-averaging update (Hoffman & Gelman 2014, as in Stan); returns the new step size."""
    state[COUNTER] += 1.0
    n = state[COUNTER]
    accept_stat = min(accept_stat, 1.0)
    eta = 1.0 / (n + t0)
    state[S_BAR] = (1.0 - eta) * state[S_BAR] + eta * (target_accept - accept_stat)
    x = state[MU] - state[S_BAR] * np.sqrt(n) / gamma
    x_eta = n ** -kappa
    state[X_BAR] = (1.0 - x_eta) * state[X_BAR] + x_eta * x
    state[STEP_SIZE] = np.exp(x)
    return state[STEP_SIZE]


@numba.njit(cache=True, nogil=True)
def final_step_size(state):
    """The step size for sampling: exp of the averaged log step size."""
    return np.exp(state[X_BAR])


@numba.njit(cache=True, nogil=True)
def in_slow_window(state):
    c = state[WINDOW_COUNTER]
    n = state[NUM_WARMUP]
    return c >= state[INIT_BUFFER] and c < n - state[TERM_BUFFER] and c != n


@numba.njit(cache=True, nogil=True)
def _end_of_window(state):
    return state[WINDOW_COUNTER] == state[NEXT_WINDOW] and state[WINDOW_COUNTER] != state[NUM_WARMUP]


@numba.njit(cache=True, nogil=True)
def _compute_next_window(state):
    last = state[NUM_WARMUP] - state[TERM_BUFFER] - 1
    if state[NEXT_WINDOW] == last:
        return
    state[WINDOW_SIZE] *= 2.0
    state[NEXT_WINDOW] = state[WINDOW_COUNTER] + state[WINDOW_SIZE]
    if state[NEXT_WINDOW] != last and state[NEXT_WINDOW] + 2.0 * state[WINDOW_SIZE] >= last + 1:
        state[NEXT_WINDOW] = last


@numba.njit(cache=True, nogil=True)
def learn_metric(state, q, mean, m2, dense, inv_diag, inv_dense, chol):
    """Add draw q to the window's Welford estimate; at a window's end, set the metric from it
    (Stan's regularisation: n/(n+5) * estimate + 1e-3 * 5/(n+5) * I; a dense estimate from no more
    draws than dimensions keeps only its diagonal, where Stan's would be near singular). Returns True when the
    metric changed (the caller then searches a new step size and restarts dual averaging)."""
    dim = q.shape[0]
    if in_slow_window(state):
        state[WELFORD_N] += 1.0
        n = state[WELFORD_N]
        if dense:
            delta = q - mean
            mean += delta / n
            delta2 = q - mean
            for i in range(dim):
                for j in range(dim):
                    m2[i, j] += delta[i] * delta2[j]
        else:  # one pass, no temporary arrays (the same arithmetic per element)
            for i in range(dim):
                delta = q[i] - mean[i]
                mean[i] += delta / n
                m2[0, i] += delta * (q[i] - mean[i])
    updated = False
    if _end_of_window(state):
        _compute_next_window(state)
        n = state[WELFORD_N]
        shrink = n / (n + 5.0)
        ridge = 1e-3 * 5.0 / (n + 5.0)
        if dense:
            # fewer draws than dimensions give a singular covariance: keep its diagonal only then
            full = n > dim
            for i in range(dim):
                for j in range(dim):
                    if i == j:
                        inv_dense[i, j] = shrink * m2[i, j] / (n - 1.0) + ridge
                    else:
                        inv_dense[i, j] = shrink * m2[i, j] / (n - 1.0) if full else 0.0
            chol[:, :] = np.linalg.cholesky(np.linalg.inv(inv_dense))
        else:
            for i in range(dim):
                inv_diag[i] = shrink * m2[0, i] / (n - 1.0) + ridge
        state[WELFORD_N] = 0.0
        mean[:] = 0.0
        m2[:, :] = 0.0
        updated = True
    state[WINDOW_COUNTER] += 1.0
    return updated


@numba.njit(cache=True, nogil=True)
def _add_draw_and_gradient(state, count, est, row, q, grad):
    """Welford update of the window whose rows start at `row` (count: its state index)."""
    state[count] += 1.0
    n = state[count]
    for i in range(q.shape[0]):
        delta = q[i] - est[row + DRAW_MEAN, i]
        est[row + DRAW_MEAN, i] += delta / n
        est[row + DRAW_M2, i] += delta * (q[i] - est[row + DRAW_MEAN, i])
        delta = grad[i] - est[row + GRAD_MEAN, i]
        est[row + GRAD_MEAN, i] += delta / n
        est[row + GRAD_M2, i] += delta * (grad[i] - est[row + GRAD_MEAN, i])


@numba.njit(cache=True, nogil=True)
def start_gradient_metric(state, q, grad, est, inv_diag):
    """nutpie's start: M^-1 = 1/|grad log p| at the initial point (the exact variance of a Gaussian whose
    mode is at distance 1 along each axis); both windows begin with that point. A zero or non-finite
    gradient entry gives 1 (nutpie would give 1e20 for a zero)."""
    for i in range(q.shape[0]):
        g = abs(grad[i])
        inv_diag[i] = 1.0 / min(g, MAX_INV_MASS) if g > 0.0 and np.isfinite(g) else 1.0
    est[:, :] = 0.0
    state[FOREGROUND_N] = 0.0
    state[BACKGROUND_N] = 0.0
    state[METRIC_MOVED] = 0.0
    _add_draw_and_gradient(state, FOREGROUND_N, est, 0, q, grad)
    _add_draw_and_gradient(state, BACKGROUND_N, est, BACKGROUND, q, grad)


@numba.njit(cache=True, nogil=True)
def learn_gradient_metric(state, q, grad, diverged, est, inv_diag):
    """After warmup iteration state[WINDOW_COUNTER]: add (q, grad) to both windows (unless the
    transition diverged), let the background window replace the foreground when it is full and
    enough warmup is left for another, and set M^-1 = sqrt(var(q) / var(grad)) from the foreground
    once it holds 3 draws. Nothing changes in the last 15 % of warmup. Returns UNCHANGED, CHANGED,
    or FIRST_CHANGE (the caller then searches a new step size and restarts dual averaging)."""
    c = state[WINDOW_COUNTER]
    n_warmup = state[NUM_WARMUP]
    step_size_only_from = n_warmup - float(int(STEP_SIZE_SHARE * n_warmup))
    state[WINDOW_COUNTER] += 1.0
    if c >= step_size_only_from:
        return UNCHANGED
    switch = EARLY_SWITCH if c < float(int(EARLY_SHARE * n_warmup)) else LATE_SWITCH
    if not diverged:
        _add_draw_and_gradient(state, FOREGROUND_N, est, 0, q, grad)
        _add_draw_and_gradient(state, BACKGROUND_N, est, BACKGROUND, q, grad)
    if state[BACKGROUND_N] >= switch and switch + c <= step_size_only_from:
        for r in range(BACKGROUND):
            for i in range(q.shape[0]):
                est[r, i] = est[BACKGROUND + r, i]
                est[BACKGROUND + r, i] = 0.0
        state[FOREGROUND_N] = state[BACKGROUND_N]
        state[BACKGROUND_N] = 0.0
    if state[FOREGROUND_N] < 3.0:
        return UNCHANGED
    for i in range(q.shape[0]):
        # a chain that has not moved leaves both sums 0: keep the entry (division by zero raises in Numba)
        if est[DRAW_M2, i] > 0.0 and est[GRAD_M2, i] > 0.0:
            v = np.sqrt(est[DRAW_M2, i] / est[GRAD_M2, i])  # the windows' 1/n cancels
            if np.isfinite(v):
                inv_diag[i] = min(max(v, MIN_INV_MASS), MAX_INV_MASS)
    if state[METRIC_MOVED] == 0.0:
        state[METRIC_MOVED] = 1.0
        return FIRST_CHANGE
    return CHANGED
