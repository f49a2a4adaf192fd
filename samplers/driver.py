"""Runs chains in parallel threads, block after block of compiled iterations, with a live
progress bar; Ctrl-C stops every chain at its next block boundary and keeps what was drawn.

Each chain owns all of its state (arrays prepared by `ChainSetup`), and `chain.run_block` does
not take the GIL, so chains run truly in parallel. Blocks are sized to take about a tenth of a
second; their sizes do not change the draws, so the results are the same for any `cores`.
"""
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait, FIRST_COMPLETED

import numpy as np

from . import adaptation as adapt
from . import chain as ck

_BLOCK_SECONDS = 0.1


class ChainState:
    """Every array one chain reads and writes, for `tune + draws` iterations."""

    def __init__(self, x0, lp0, grad0, rng_state, settings, adapt_state, inv_diag, inv_dense, chol, workspace,
                 n_iter, dense, out=None):
        """out: (draws (n_iter, dim), stats (n_iter, N_STATS), div_points (n_iter, dim)) to write into,
        e.g. one chain's rows of arrays shared by all chains; allocated here when None."""
        dim = x0.shape[0]
        self.settings, self.adapt_state, self.rng = settings, adapt_state, rng_state
        self.q, self.grad, self.lp = x0.copy(), grad0.copy(), np.array([lp0])
        self.inv_diag, self.inv_dense, self.chol = inv_diag, inv_dense, chol
        self.mean = np.zeros(dim)
        gradient_mass = settings[ck.ADAPT_MASS] == ck.GRADIENT
        self.m2 = np.zeros((dim, dim) if dense else (adapt.ESTIMATE_ROWS if gradient_mass else 1, dim))
        self.work = workspace  # nuts.workspace(...): the transitions' buffers
        # every row up to `done` is written by run_block (div_points: only rows whose transition diverged)
        self.draws, self.stats, self.div_points = [a[0] for a in chain_outputs(1, n_iter, dim)] if out is None else out
        self.done = 0
        self.status = ck.OK

    def run(self, lpg, fdata, idata, stop, num_warmup):
        return ck.run_block(lpg, fdata, idata, self.settings, self.adapt_state, self.rng, self.q, self.grad,
                            self.lp, self.inv_diag, self.inv_dense, self.chol, self.mean, self.m2, *self.work,
                            self.done, stop, num_warmup, self.draws, self.stats, self.div_points)


def chain_outputs(chains, n_iter, dim):
    """(draws, stats, div_points) with a leading chain axis, for ChainState(out=...) to write chain c's
    rows into [c], so the chains' results need no stacking. Uninitialised: run_block writes every row
    it runs."""
    return np.empty((chains, n_iter, dim)), np.empty((chains, n_iter, ck.N_STATS)), np.empty((chains, n_iter, dim))


class ChainError(RuntimeError):
    """A chain could not go on; says which chain and why."""


_STATUS_MESSAGES = {
    ck.IMPROPER: "the step size grew beyond 1e7 while searching for one: the posterior looks improper "
                 "(a flat direction). Check that every parameter has a proper prior.",
    ck.NO_STEP_SIZE: "no step size is small enough for a single leapfrog step to stay accurate: the log density "
                     "is probably discontinuous or not finite near the current point.",
}


def run_chains(chains, lpg, fdata, idata, num_warmup, n_iter, cores, progress=None, on_core_free=None):
    """Run every ChainState to n_iter iterations on `cores` threads.

    progress: an object with update(n_iterations, n_divergent_after_warmup) and close(), or None.
    on_core_free: called once (on this thread) when fewer chains are left running than threads, so
    work meant to overlap the sampling (e.g. imports for the output) takes an idle core, not a chain's.
    Returns (finished, first_draw_at): finished is False when interrupted by Ctrl-C; first_draw_at
    is the time.perf_counter() at which the first iteration of any chain was done.
    Raises ChainError naming the chain when one fails (the others' draws stay in their states).
    """
    stop_event = threading.Event()
    first_draw_at = []
    counts = [0] * len(chains)
    divergences = [0] * len(chains)

    def work(index):
        c = chains[index]
        block = 1
        while c.done < n_iter and not stop_event.is_set():
            start, stop = c.done, min(n_iter, c.done + block)
            t0 = time.perf_counter()
            status = c.run(lpg, fdata, idata, stop, num_warmup)
            if status != ck.OK:
                c.status = status
                raise ChainError(f"chain {index}: {_STATUS_MESSAGES.get(status, f'status {status}')}")
            now = time.perf_counter()
            elapsed = now - t0
            if not first_draw_at:
                first_draw_at.append(now)
            divergences[index] += int(np.sum(c.stats[max(start, num_warmup):stop, ck.DIVERGING]))
            counts[index] += stop - start
            c.done = stop
            per_iter = elapsed / (stop - start)
            block = int(min(max(1, _BLOCK_SECONDS / max(per_iter, 1e-9)), 2 * block + 1, 1000))

    reported = [0, 0]

    def report():
        if progress is not None:
            n, d = sum(counts), sum(divergences)
            progress.update(n - reported[0], d)
            reported[0] = n

    workers = max(1, min(int(cores), len(chains)))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="numbayes-chain")
    futures = [pool.submit(work, i) for i in range(len(chains))]
    interrupted = False
    try:
        pending = set(futures)
        while pending:
            _, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            if on_core_free is not None and len(pending) < workers:
                on_core_free()
                on_core_free = None
            report()
            for f in futures:
                if f.done() and f.exception() is not None:
                    stop_event.set()
    except KeyboardInterrupt:
        interrupted = True
        stop_event.set()
        wait(futures)
    finally:
        pool.shutdown(wait=True)
        report()
        if progress is not None:
            progress.close()
    for f in futures:
        if f.exception() is not None:
            raise f.exception()
    return not interrupted, (first_draw_at or [time.perf_counter()])[0]


