"""Independent tasks (chains, fits, calibration runs) on an executor: a `dask.distributed.Client` or
any `concurrent.futures.Executor`, with one progress bar, failures kept per task, and workers that
rebuild log densities from the model function and its data instead of receiving compiled code.

    client side:  ship_model(ld) --cloudpickle--> ShippedModel(token, payload)
                  run_tasks(executor, fn, shared, items)
                      Dask: shared scattered once to every worker, then one task per item
                      concurrent.futures: fn(shared, item) submitted per item
    worker side:  fn(shared, item) --worker_log_density(shipped)--> LogDensity, compiled or loaded
                  from the worker's own Numba disk cache (NUMBAYES_CACHE_DIR), kept per process

Dask is optional: nothing here imports it unless the executor is a Dask Client. Reproducibility
is the callers' job and holds by construction: every task derives its random streams from
(seed, task index), never from the worker that runs it.

Faults. A worker that dies mid-task: Dask reruns the task on another worker (up to the scheduler's
`distributed.scheduler.allowed-failures`, 3 by default, then the task fails with `KilledWorker`);
the rerun is the same computation, so its result is identical. A task that raises is not retried
(it would raise again): run_tasks returns the other tasks' results with the exceptions by index,
and callers raise `TasksFailed` carrying the partial result. A concurrent.futures
ProcessPoolExecutor whose worker dies breaks the pool: its unfinished tasks fail.
"""
import hashlib
import os
import pickle
import socket
import sys
import threading
import time
from collections import OrderedDict
from concurrent.futures import Executor, ThreadPoolExecutor

import ppl

from .driver import ChainError

__all__ = ["TasksFailed", "ChainsFailed", "ShippedModel", "ship_model", "worker_log_density", "run_tasks", "is_dask_client",
           "check_executor", "worker_name"]

_CACHE_SIZE = 8  # log densities kept per worker process (each holds its data and compiled code)
_cache = OrderedDict()
_cache_lock = threading.Lock()
_announced_dashboards = set()


class TasksFailed(RuntimeError):
    """Some tasks raised (or their workers kept dying); the others finished.

    failures: {task index: exception}. partial: what the tasks that finished produced (an
    InferenceData of the surviving chains, a list of fit results with None for failed fits, ...).
    """

    def __init__(self, message, failures, partial=None):
        super().__init__(message)
        self.failures, self.partial = failures, partial


class ChainsFailed(TasksFailed, ChainError):
    """Chains run as tasks failed; the others finished. idata (also `partial`): the finished chains'
    draws, chains renumbered from 0 (None when every chain failed); chains: their original indices."""

    def __init__(self, message, failures, idata, chains):
        super().__init__(message, failures, idata)
        self.idata, self.chains = idata, list(chains)


def describe_failures(failures, what):
    """'chain 3: ValueError: ...; chain 7: ...' for up to five failures."""
    shown = [f"{what} {i}: {type(e).__name__}: {e}" for i, e in sorted(failures.items())[:5]]
    more = f"; and {len(failures) - 5} more" if len(failures) > 5 else ""
    return "; ".join(shown) + more


# -- executors ---------------------------------------------------------------------------------------
def is_dask_client(executor):
    """True for a dask.distributed.Client, recognised without importing dask."""
    return type(executor).__module__.split(".")[0] == "distributed" and hasattr(executor, "scatter")


def check_executor(executor):
    if executor is None or is_dask_client(executor) or isinstance(executor, Executor):
        return executor
    raise TypeError(f"executor must be a dask.distributed.Client or a concurrent.futures.Executor, got "
                    f"{type(executor).__name__}")


def worker_name():
    """The Dask worker's address, or host:pid outside Dask."""
    if "distributed" in sys.modules:
        from distributed import get_worker
        try:
            return get_worker().address
        except ValueError:  # not inside a Dask worker
            pass
    return f"{socket.gethostname()}:{os.getpid()}"


# -- shipping models ---------------------------------------------------------------------------------
class ShippedModel:
    """A log density as its recipe: the cloudpickled (model, args, kwargs, coords, dim), and a token
    (a hash of those bytes) under which workers keep the rebuilt LogDensity."""

    def __init__(self, token, payload):
        self.token, self.payload = token, payload


def _dumps(obj):
    try:
        import cloudpickle  # comes with dask; pickles functions defined in __main__, closures, lambdas
    except ImportError:
        return pickle.dumps(obj)
    return cloudpickle.dumps(obj)


def ship_model(ld):
    """The recipe of `ld` (a ppl.LogDensity). `ld` itself is kept in this process's cache under the
    token, so in-process executors (threads, a processes=False cluster) reuse its compiled code."""
    dim = ld.dim if ld.spec is None else None
    payload = _dumps((ld.model, ld.args, ld.kwargs, ld.coords, dim))
    token = hashlib.sha256(payload).hexdigest()
    with _cache_lock:
        _cache[token] = ld
        _evict()
    return ShippedModel(token, payload)


def worker_log_density(shipped):
    """(LogDensity, seconds): the log density of `shipped`, rebuilt and compiled (Numba's disk cache
    makes that a load when this machine compiled the same code before) on the first call in this
    process, then reused; seconds is the time this call spent building and compiling."""
    t0 = time.perf_counter()
    with _cache_lock:  # one build per process even when several task threads start together
        ld = _cache.get(shipped.token)
        if ld is None:
            model, args, kwargs, coords, dim = pickle.loads(shipped.payload)
            ld = ppl.log_density(model, *args, coords=coords, dim=dim, **kwargs)
            _cache[shipped.token] = ld
            _evict()
        _cache.move_to_end(shipped.token)
        ld.logp_and_grad_fn  # compile (or load) now, inside the lock
    return ld, time.perf_counter() - t0


def _evict():
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)


# -- running tasks ---------------------------------------------------------------------------------
def run_tasks(executor, fn, shared, items, *, desc, progressbar=True, scatter_items=False):
    """fn(shared, item) for every item on `executor`; returns (results, failures).

    results[i] is fn's value for items[i] (None when it failed); failures is {i: exception}.
    shared goes to each Dask worker once (scattered, broadcast); items are small per-task
    arguments, or with scatter_items=True large ones (each sent once, straight to a worker).
    One tqdm bar counts finished tasks. Ctrl-C cancels the tasks not yet finished and re-raises.
    """
    items = list(items)
    if is_dask_client(executor):
        futures = _submit_dask(executor, fn, shared, items, scatter_items)
        from distributed import as_completed
    else:
        futures = _submit_concurrent(executor, fn, shared, items)
        from concurrent.futures import as_completed
    index = {f: i for i, f in enumerate(futures)}
    results, failures = [None] * len(items), {}
    bar = _bar(len(items), desc, progressbar)
    try:
        for f in as_completed(futures):
            i = index[f]
            try:
                results[i] = f.result()
            except Exception as e:  # the task's own exception (or KilledWorker), kept per task
                failures[i] = e
            if bar is not None:
                bar.set_postfix_str(f"failed={len(failures)}", refresh=False)
                bar.update(1)
    except KeyboardInterrupt:
        for f in futures:
            f.cancel()
        raise
    finally:
        if bar is not None:
            bar.close()
    return results, failures


def _submit_dask(client, fn, shared, items, scatter_items):
    _announce_dashboard(client)
    shared_future = client.scatter(shared, broadcast=True, hash=False)
    if scatter_items:
        items = client.scatter(items, hash=False)
    # retries=0: a task that raised would raise again; a task whose worker died is rerun by the
    # scheduler regardless (allowed-failures). pure=False: no hashing of arguments per task.
    return [client.submit(fn, shared_future, item, pure=False, retries=0) for item in items]


def _submit_concurrent(executor, fn, shared, items):
    if isinstance(executor, ThreadPoolExecutor):  # same process: nothing to serialise
        return [executor.submit(fn, shared, item) for item in items]
    # other executors (processes) pickle with the standard pickle, which cannot take functions
    # defined in __main__ or closures: send cloudpickled bytes instead
    shared_bytes = _dumps(shared)
    return [executor.submit(_call_pickled, _dumps(fn), shared_bytes, _dumps(item)) for item in items]


def _call_pickled(fn, shared, item):
    return pickle.loads(fn)(pickle.loads(shared), pickle.loads(item))


def _announce_dashboard(client):
    link = getattr(client, "dashboard_link", None)
    key = getattr(client, "id", id(client))
    if link and key not in _announced_dashboards:
        _announced_dashboards.add(key)
        print(f"numbayes: Dask dashboard at {link}", file=sys.stderr, flush=True)


def _bar(total, desc, enabled):
    if not enabled:
        return None
    from tqdm.auto import tqdm
    return tqdm(total=total, desc=desc, unit="task", dynamic_ncols=True)
