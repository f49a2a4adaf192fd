"""Adam and plain gradient descent: compiled loops that maximise a log density through its logp_and_grad.

Both loops take the log density as a first-class Numba function of fixed type (``ppl.LPG_TYPE``),
so one compiled loop serves every model (NUMBA_NOTES: no recompilation per model, disk-cached).
They minimise the loss ``-logp``. A step that lands on a non-finite log density is undone and the
learning rate halved, so a bad region slows the loop down instead of crashing it.

Status codes returned: ``MAX_STEPS`` (budget used up), ``CONVERGED`` (``max |grad| < gtol`` or a
loss change below ``ftol * (1 + |loss|)``), ``NONFINITE_START`` (logp not finite at the start).
"""
import numba
import numpy as np
from numba import types

from ppl import LPG_TYPE

MAX_STEPS, CONVERGED, NONFINITE_START = 0, 1, 2

_RESULT = types.Tuple((types.float64, types.int64, types.int64))
_ADAM_SIG = _RESULT(LPG_TYPE, types.float64[::1], types.float64[::1], types.int64[::1], types.int64, types.float64,
                    types.float64, types.float64, types.float64, types.float64, types.float64, types.float64[::1])
_GD_SIG = _RESULT(LPG_TYPE, types.float64[::1], types.float64[::1], types.int64[::1], types.int64, types.float64,
                  types.float64, types.float64, types.float64[::1])


@numba.njit(nogil=True, cache=True)
def _max_abs(g):
    m = 0.0
    for v in g:
        m = max(m, abs(v))
    return m


@numba.njit(_ADAM_SIG, nogil=True, cache=True)
def adam(lpg, x, fdata, idata, steps, learning_rate, beta1, beta2, eps, gtol, ftol, history):
    """Adam (Kingma & Ba 2015, Algorithm 1) on ``-logp``, updating ``x`` in place.

    ``history[i]`` receives the loss after step ``i`` (``history[0]``: at the start).
    Returns ``(loss, n_steps, status)``.
    """
    n = x.size
    g = np.empty(n)
    m = np.zeros(n)
    v = np.zeros(n)
    x_prev = x.copy()
    loss = -lpg(x, g, fdata, idata)
    if not np.isfinite(loss):
        return loss, 0, NONFINITE_START
    history[0] = loss
    lr = learning_rate
    for it in range(1, steps + 1):
        if _max_abs(g) < gtol:
            return loss, it - 1, CONVERGED
        bias = np.sqrt(1.0 - beta2 ** it) / (1.0 - beta1 ** it)
        for i in range(n):
            grad_loss = -g[i]
            m[i] = beta1 * m[i] + (1.0 - beta1) * grad_loss
            v[i] = beta2 * v[i] + (1.0 - beta2) * grad_loss * grad_loss
            x_prev[i] = x[i]
            x[i] -= lr * bias * m[i] / (np.sqrt(v[i]) + eps)
        new_loss = -lpg(x, g, fdata, idata)
        if not np.isfinite(new_loss):
            # undo the step and take smaller ones; g is re-evaluated at the restored point
            x[:] = x_prev
            lr *= 0.5
            loss = -lpg(x, g, fdata, idata)
            history[it] = loss
            continue
        change = abs(loss - new_loss)
        loss = new_loss
        history[it] = loss
        if change < ftol * (1.0 + abs(loss)):
            return loss, it, CONVERGED
    return loss, steps, MAX_STEPS


@numba.njit(_GD_SIG, nogil=True, cache=True)
def gradient_descent(lpg, x, fdata, idata, steps, learning_rate, gtol, ftol, history):
    """Plain gradient descent ``x <- x + learning_rate * grad logp``, updating ``x`` in place.

    The rate is fixed, except that a step which raises the loss (or makes it non-finite) is undone
    and the rate halved. Returns ``(loss, n_steps, status)``."""
    n = x.size
    g = np.empty(n)
    x_prev = x.copy()
    loss = -lpg(x, g, fdata, idata)
    if not np.isfinite(loss):
        return loss, 0, NONFINITE_START
    history[0] = loss
    lr = learning_rate
    for it in range(1, steps + 1):
        if _max_abs(g) < gtol:
            return loss, it - 1, CONVERGED
        for i in range(n):
            x_prev[i] = x[i]
            x[i] += lr * g[i]
        new_loss = -lpg(x, g, fdata, idata)
        if not new_loss <= loss:  # an uphill or non-finite step: the rate is too large
            x[:] = x_prev
            lr *= 0.5
            loss = -lpg(x, g, fdata, idata)
            history[it] = loss
            continue
        change = abs(loss - new_loss)
        loss = new_loss
        history[it] = loss
        if change < ftol * (1.0 + abs(loss)):
            return loss, it, CONVERGED
    return loss, steps, MAX_STEPS
