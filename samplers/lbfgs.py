"""L-BFGS on a log density: scipy.optimize's L-BFGS-B driven by the compiled logp_and_grad.

scipy does the quasi-Newton steps and line search; each evaluation is one call of the compiled
function (no Python-level autodiff). A non-finite log density becomes a loss of +inf with a zero
gradient, which the line search treats as a failed trial step and backs off from.
"""
import numpy as np
from scipy.optimize import minimize

from .descent import CONVERGED, MAX_STEPS, NONFINITE_START


def lbfgs(lpg, x, fdata, idata, steps, gtol, ftol, history, memory=10):
    """Minimise ``-logp`` from ``x`` (updated in place) with at most ``steps`` iterations.

    Returns ``(loss, n_iter, status, n_evals, message)``; ``history`` receives the loss after
    each iteration (``history[0]``: at the start).
    """
    g = np.empty(x.size)
    evals = [0]

    def loss_and_grad(z):
        evals[0] += 1
        lp = lpg(np.ascontiguousarray(z), g, fdata, idata)
        if not np.isfinite(lp):
            return np.inf, np.zeros_like(z)
        return -lp, -g

    loss0 = loss_and_grad(x)[0]
    if not np.isfinite(loss0):
        return loss0, 0, NONFINITE_START, evals[0], "the log density is not finite at the starting point"
    history[0] = loss0
    n_iter = [0]

    def record(intermediate_result):
        n_iter[0] += 1
        if n_iter[0] < history.size:
            history[n_iter[0]] = intermediate_result.fun

    res = minimize(loss_and_grad, x.copy(), jac=True, method="L-BFGS-B", callback=record,
                   options=dict(maxiter=steps, gtol=gtol, ftol=ftol, maxcor=memory))
    x[:] = res.x
    status = CONVERGED if res.success else MAX_STEPS
    return float(res.fun), int(res.nit), status, evals[0], str(res.message)
