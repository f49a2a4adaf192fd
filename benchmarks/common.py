"""Shared benchmark helpers: the common data in ../shared/bench, timing, and result tables."""
import json
import os
import platform
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results")
SHARED_BENCH = os.environ.get("NUMBAYES_SHARED_BENCH",
                              os.path.abspath(os.path.join(HERE, "..", "..", "shared", "bench")))


def shared_bench():
    """Import ../shared/bench (data.py, numba_ref.py) so numbers stay comparable across the project."""
    if SHARED_BENCH not in sys.path:
        sys.path.insert(0, SHARED_BENCH)
    import data
    import numba_ref
    return data, numba_ref


def time_calls(f, repeats=5, t_min=0.5):
    """Median per-call time (us) over `repeats` batches of calls lasting about t_min/repeats seconds."""
    f()
    t0 = time.perf_counter()
    f()
    dt = max(time.perf_counter() - t0, 1e-7)
    n = max(50, int(t_min / repeats / dt))
    batches = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n):
            f()
        batches.append((time.perf_counter() - t0) / n * 1e6)
    return float(np.median(batches))


def print_table(rows, columns):
    widths = [max(len(c), *(len(_fmt(r.get(c))) for r in rows)) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(_fmt(r.get(c)).ljust(w) for c, w in zip(columns, widths)))


def _fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"
    return str(v)


def save(name, rows, extra=None):
    os.makedirs(RESULTS, exist_ok=True)
    import numba
    out = dict(rows=rows, python=platform.python_version(), numpy=np.__version__, numba=numba.__version__,
               cpu_count=os.cpu_count(), timestamp=time.strftime("%Y-%m-%dT%H:%M:%S"), **(extra or {}))
    path = os.path.join(RESULTS, f"{name}.json")
    with open(path, "w") as fh:
        json.dump(out, fh, indent=1, default=float)
    print(f"[saved] {path}")


def merge_previous(name, rows, order):
    """rows plus the rows of results/<name>.json for models not measured now (a run of a subset of
    models), in the order of the model names `order`."""
    path = os.path.join(RESULTS, f"{name}.json")
    if not os.path.exists(path):
        return rows
    with open(path) as fh:
        old = {r["model"]: r for r in json.load(fh).get("rows", [])}
    old.update({r["model"]: r for r in rows})
    return [old[model] for model in order if model in old]
