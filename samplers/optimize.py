"""Optimisation on a log density (its mode: MAP or the unconstrained mode) or on a function of a pytree.

    optimize(ld)                          # MAP: maximise logp without the log-Jacobian
    optimize(ld, jacobian=True)           # the mode of the density of the unconstrained vector
    optimize(f, x0=params)                # minimise f(params, *args), params any pytree

Methods: ``"lbfgs"`` (compiled L-BFGS with a strong-Wolfe line search, `lbfgs.py`), ``"adam"`` and ``"gd"``
(compiled loops in ``descent.py``). ``restarts`` runs from several points (the given ``x0``
rows first, then uniform draws in ``(-init_radius, init_radius)`` on the unconstrained scale, as
Stan initialises) and keeps the best; the starts run side by side on ``cores`` threads (the compiled
loops do not take the GIL), each from its own point with its own buffers, so the result is the same for
any ``cores``. A run that does not converge is reported (``result.converged``, ``result.message``) and
warned about (``ConvergenceWarning``).
"""
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

import autodiff as ad
from ppl import LogDensity, log_density

from .descent import CONVERGED, NONFINITE_START, adam, gradient_descent
from .lbfgs import diagonal_scale, lbfgs
from .threads import available_cores, one_blas_thread

__all__ = ["optimize", "OptimizeResult", "ConvergenceWarning"]

_DEFAULTS = {  # steps, learning_rate, gtol, ftol
    "lbfgs": (1000, None, 1e-5, 2.220446049250313e-09),  # scipy's L-BFGS-B defaults (lbfgs.py uses its stopping rules)
    "adam": (1000, 0.01, 1e-4, 1e-10),
    "gd": (1000, 1e-3, 1e-4, 1e-12),
}


class ConvergenceWarning(UserWarning):
    """An optimisation stopped before its convergence criterion was met."""


class OptimizeResult(NamedTuple):
    """The best of the runs, with a convergence report.

    ``fun`` is the minimised loss: ``-logp`` for a log density (without the log-Jacobian
    unless ``jacobian=True``), ``f(params)`` for a function. ``history`` is the loss after each
    iteration of the best run (``history[0]`` at its start). ``grad_norm`` is ``max |d loss/dx|``
    at ``x``. ``runs`` holds ``(fun, converged, n_iter)`` for every start, in order.
    """

    x: np.ndarray
    params: object
    fun: float
    converged: bool
    n_iter: int
    n_evals: int
    grad_norm: float
    message: str
    history: np.ndarray
    method: str
    runs: tuple

    @property
    def logp(self):
        """The log density at the optimum (``-fun``)."""
        return -self.fun

    def summary(self):
        """A short convergence report, one line per fact."""
        best = int(np.argmin([r[0] if np.isfinite(r[0]) else np.inf for r in self.runs]))
        return "\n".join([
            f"method      {self.method} ({len(self.runs)} start{'s' * (len(self.runs) > 1)}, best: #{best})",
            f"converged   {self.converged} ({self.message})",
            f"loss        {self.fun:.6f}",
            f"grad norm   {self.grad_norm:.3g} (max abs)",
            f"iterations  {self.n_iter} ({self.n_evals} evaluations)",
            f"all starts  {', '.join(f'{r[0]:.4f}' for r in self.runs)}",
        ])


class _Objective:
    """The compiled loss of a target: ``lpg(x, grad, fdata, idata)`` returns logp (loss = -logp).
    ``shared_buffers``: its calls write into shared data (check mode), so starts run one at a time."""

    def __init__(self, target, x0, jacobian, args):
        if isinstance(target, LogDensity):
            self.lpg, self.fdata, self.idata = target.kernel(jacobian)
            self.dim, self.to_params, self.default_start = target.dim, target.constrain, target.initial_point
            self.random_centre = np.zeros(target.dim)
            self.shared_buffers = target.check_mode  # check mode's entry records into fdata: one start at a time
        elif callable(target):
            if x0 is None:
                raise ValueError("optimize(f): pass x0=, the starting pytree of parameters of f")
            flat, unravel = ad.ravel_pytree(x0)
            ld = log_density(lambda x: -target(unravel(x), *args), dim=flat.size)
            self.lpg, self.fdata, self.idata = ld.kernel()
            self.dim, self.default_start, self.random_centre = flat.size, flat, flat
            self.to_params = lambda x: ad.tree_map(np.asarray, unravel(x))
            self.shared_buffers = ld.check_mode
        else:
            raise TypeError("optimize needs a ppl.LogDensity or a differentiable function, "
                            f"got {type(target).__name__}")

    def loss_and_grad(self, x):
        g = np.empty(self.dim)
        lp = self.lpg(np.ascontiguousarray(x, dtype=np.float64), g, self.fdata, self.idata)
        return -lp, -g


def _check_settings(method, restarts, steps, learning_rate, init_radius, cores):
    if cores is not None and (isinstance(cores, bool) or not isinstance(cores, (int, np.integer)) or cores < 1):
        raise ValueError(f"cores must be None (all available) or an int >= 1, got {cores!r}")
    if method not in _DEFAULTS:
        raise ValueError(f"method must be one of {sorted(_DEFAULTS)}, got {method!r}")
    if isinstance(restarts, bool) or not isinstance(restarts, (int, np.integer)) or restarts < 1:
        raise ValueError(f"restarts must be an int >= 1 (the number of starting points), got {restarts!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps must be an int >= 1 (the maximum number of iterations), got {steps!r}")
    if learning_rate is not None and not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a finite number > 0, got {learning_rate!r}")
    if not init_radius > 0:
        raise ValueError(f"init_radius must be > 0, got {init_radius!r}")


def _starts(objective, x0, restarts, rng, init_radius, target, tries=100):
    """The given starting points (rows of x0), then random ones with a finite loss, `restarts` in all."""
    if x0 is None:
        given = [objective.default_start]
    elif isinstance(target, LogDensity) and isinstance(x0, dict):  # values on the model's scale
        given = [target.unconstrain(x0)]
    elif isinstance(target, LogDensity):
        given = list(np.atleast_2d(np.asarray(x0, dtype=np.float64)))
    else:
        given = [objective.default_start]
    for i, x in enumerate(given):
        if x.shape != (objective.dim,):
            raise ValueError(f"x0: starting point {i} has shape {x.shape}, expected ({objective.dim},) "
                             "(an unconstrained vector; ld.unconstrain(values) makes one)")
    starts = [np.array(x) for x in given]
    while len(starts) < restarts:
        for _ in range(tries):
            x = objective.random_centre + rng.uniform(-init_radius, init_radius, objective.dim)
            if np.isfinite(objective.loss_and_grad(x)[0]):
                break
        starts.append(x)
    return starts


def _shared_scale(objective, starts):
    """L-BFGS's preconditioner for every start: estimated at the first start where the log density is
    finite (None if there is none), before the starts run, so that it does not depend on their order.
    Returns (scale, index of that start or None)."""
    for i, x in enumerate(starts):
        scale = diagonal_scale(objective.lpg, x, objective.fdata, objective.idata)
        if scale is not None:
            return scale, i
    return None, None


def _run(method, objective, x, steps, learning_rate, gtol, ftol, scale):
    history = np.full(steps + 1, np.nan)
    args = (objective.lpg, x, objective.fdata, objective.idata, steps)
    if method == "lbfgs":
        loss, n_iter, status, n_evals, message, _ = lbfgs(
            *args, gtol, ftol, history, precondition=False, scale=scale)
    else:
        if method == "adam":
            loss, n_iter, status = adam(*args, learning_rate, 0.9, 0.999, 1e-8, gtol, ftol, history)
        else:
            loss, n_iter, status = gradient_descent(*args, learning_rate, gtol, ftol, history)
        n_evals = n_iter + 1
        message = {CONVERGED: "converged: gradient or loss change below tolerance",
                   NONFINITE_START: "the log density is not finite at the starting point"}.get(
            status, f"stopped after steps={steps} iterations before converging")
    return loss, n_iter, status, n_evals, message, history[:n_iter + 1]


def _run_starts(method, objective, starts, steps, learning_rate, gtol, ftol, precondition, cores):
    """_run from every start, on up to `cores` threads; the results in the order of the starts."""
    scale, scaled_at = None, None
    if method == "lbfgs":
        scale, scaled_at = _shared_scale(objective, starts) if precondition else (np.ones(objective.dim), None)

    def one(i):
        out = _run(method, objective, starts[i], steps, learning_rate, gtol, ftol,
                   np.ones(objective.dim) if scale is None else scale)
        if i == scaled_at:  # the preconditioner's gradient evaluations count to the start that paid them
            out = out[:3] + (out[3] + min(objective.dim, 8) + 1,) + out[4:]
        return out

    workers = 1 if objective.shared_buffers else min(len(starts), available_cores() if cores is None else cores)
    if workers == 1:
        return [one(i) for i in range(len(starts))]
    with one_blas_thread(), ThreadPoolExecutor(workers, thread_name_prefix="numbayes-optimize") as pool:
        return list(pool.map(one, range(len(starts))))


def optimize(target, x0=None, *, method="lbfgs", jacobian=False, args=(), restarts=1, seed=0, steps=None,
             learning_rate=None, gtol=None, ftol=None, init_radius=2.0, precondition="auto", cores=None, warn=True):
    """Maximise a log density (or minimise a function of a pytree) from one or several starts.

    Parameters
    ----------
    target : ppl.LogDensity or callable
        A log density: its ``logp`` is maximised over the unconstrained vector. A callable
        ``f(params, *args) -> scalar`` written with ``autodiff.numpy``: it is minimised over
        ``params``, a pytree starting at ``x0``.
    x0 : array (dim,) or (n, dim), dict, or pytree
        For a log density: unconstrained starting point(s) (default ``target.initial_point``), or
        a dict of latent values on the model's scale.
        For a function: the starting parameters (required).
    method : {"lbfgs", "adam", "gd"}
    jacobian : bool
        For a log density: ``False`` (default) drops the log-Jacobian, so the optimum is the MAP
        on the model's own scale (maximum likelihood under flat priors); ``True`` finds the mode
        of the density of the unconstrained vector.
    restarts : int
        Number of starts; the best finite result is returned.
    steps, learning_rate, gtol, ftol :
        Iteration budget, step size (Adam, gd), tolerance on ``max |grad|`` and on the relative
        change of the loss. Defaults per method: lbfgs 1000/-/1e-5/2.2e-9 (scipy's),
        adam 1000/0.01/1e-4/1e-10, gd 1000/1e-3/1e-4/1e-12.
    seed : int
        Seeds the random starts: same seed, same result.
    precondition : "auto", bool
        L-BFGS only: rescale coordinates by the Hessian's diagonal, estimated at the first start and
        kept for the others (``min(dim, 8) + 1`` extra gradient evaluations; see ``samplers.lbfgs``).
        "auto": when ``dim <= 200``.
    cores : int or None
        Threads that run the starts side by side (default: all available cores). The result does
        not depend on it.

    Returns
    -------
    OptimizeResult

    Examples
    --------
    >>> res = optimize(ppl.log_density(model, y=y), restarts=5)
    >>> res.params["mu"], res.converged, res.history[-1]
    >>> res = optimize(lambda p, X, y: anp.sum((X @ p["w"] + p["b"] - y) ** 2), x0={"w": np.zeros(3), "b": 0.0},
    ...                args=(X, y), method="adam", learning_rate=0.05)
    """
    d_steps, d_lr, d_gtol, d_ftol = _DEFAULTS.get(method, (1000, None, 1e-5, 0.0))
    steps = d_steps if steps is None else steps
    learning_rate = d_lr if learning_rate is None else learning_rate
    _check_settings(method, restarts, steps, learning_rate, init_radius, cores)
    gtol = d_gtol if gtol is None else float(gtol)
    ftol = d_ftol if ftol is None else float(ftol)
    objective = _Objective(target, x0, jacobian, args)
    if precondition == "auto":
        precondition = objective.dim <= 200
    rng = np.random.default_rng(seed)
    runs, best = [], None
    starts = _starts(objective, x0, restarts, rng, init_radius, target)
    outcomes = _run_starts(method, objective, starts, steps, learning_rate, gtol, ftol, precondition, cores)
    for x, (loss, n_iter, status, n_evals, message, history) in zip(starts, outcomes):
        runs.append((float(loss), status == CONVERGED, int(n_iter)))
        if np.isfinite(loss) and (best is None or loss < best[0]):
            best = (float(loss), x, status, n_iter, n_evals, message, history)
    if best is None:
        raise ValueError(f"optimize: the log density is not finite at any of the {len(runs)} starting points; "
                         "pass x0= inside the support, or check the data")
    loss, x, status, n_iter, n_evals, message, history = best
    grad_norm = float(np.max(np.abs(objective.loss_and_grad(x)[1]))) if x.size else 0.0
    converged = status == CONVERGED
    if warn and not converged:
        warnings.warn(f"optimize(method={method!r}) did not converge: {message} (loss {loss:.6g}, "
                      f"max |grad| {grad_norm:.3g}); raise steps=, change learning_rate=, or look at "
                      "result.history", ConvergenceWarning, stacklevel=2)
    return OptimizeResult(x=x, params=objective.to_params(x), fun=loss, converged=converged, n_iter=int(n_iter),
                          n_evals=int(n_evals), grad_norm=grad_norm, message=message, history=history,
                          method=method, runs=tuple(runs))
