"""The cores a run may use, and BLAS held to one thread while compiled loops run side by side.

Chains, optimiser restarts and the convergence diagnostics run on threads (the compiled loops do not
hold the GIL). A log density that calls BLAS from several of them at once, each with BLAS's own
thread pool, oversubscribes the cores: on a busy 2-core machine a GP log density ran 50x slower.
"""
import contextlib
import os

__all__ = ["available_cores", "one_blas_thread"]

_ONE_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def available_cores():
    """The cores this process may use (affinity-aware)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def one_blas_thread(active=True):
    """A context in which BLAS uses one thread (threadpoolctl), or nothing when not `active` or when the
    environment already asks for one thread (threadpoolctl's scan of the loaded libraries costs a few
    milliseconds)."""
    if not active or all(os.environ.get(v) == "1" for v in _ONE_THREAD_VARIABLES):
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits
    return threadpool_limits(limits=1, user_api="blas")
