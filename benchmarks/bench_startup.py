"""Time to first draw of eight schools in a fresh process with a warm cache, stage by stage.

Each repeat starts a new Python process (`-X importtime`) that imports ppl and samplers, builds
the log density of ../shared/bench's eight schools, evaluates it once and calls samplers.nuts for
one chain, until its first iteration is done. The table gives the median wall time of each stage
over the repeats, and, from `-X importtime`, what the imports spent their time on (self time per
group of modules, up to the call of samplers.nuts: it then imports arviz in the background). "process
start to first draw" counts from just before the process is spawned; the CPU rows (process_time)
are steadier than wall time on a loaded machine.

With --base DIR (DIR holds an older checkout: its autodiff/, ppl/, samplers/), the same runs of
that code alternate with ours in the same session (its compiled code kept under --base-cache, so
the two never share a cache); ratios are ours / base. The first run of each side fills its cache
and is not counted.

    python benchmarks/bench_startup.py [--repeats 7] [--base DIR [--base-cache DIR]]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

T_START = time.perf_counter()
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

STAGES = [("import_ppl", "import ppl"), ("import_samplers", "import samplers (loads the NUTS/HMC kernels)"),
          ("log_density", "log density: trace, generate, load cached code, first call"),
          ("nuts_to_first_draw", "samplers.nuts until its first draw"),
          ("script_to_first_draw", "script start to first draw"),
          ("process_to_first_draw", "process start to first draw"),
          ("import_ppl_cpu", "CPU: import ppl (with the interpreter's start)"), ("import_samplers_cpu", "CPU: import samplers"),
          ("log_density_cpu", "CPU: log density"), ("cpu_to_sampling", "CPU: process start to sampling"),
          ("stale_check", "stale-kernel check at import (autodiff.cache.linked)")]
# -X importtime self times, summed per group: the first prefix a module starts with names its group
IMPORT_GROUPS = [("numba + llvmlite", ("numba", "llvmlite")), ("numpy", ("numpy",)), ("scipy", ("scipy",)),
                 ("special-function kernels", ("autodiff.codegen.special_kernels",)),
                 ("NUTS/HMC kernels (samplers.chain)", ("samplers.chain",)),
                 ("arviz, xarray, pandas", ("arviz", "xarray", "pandas")), ("tqdm", ("tqdm",)),
                 ("autodiff (rest)", ("autodiff",)), ("ppl (rest)", ("ppl",)), ("samplers (rest)", ("samplers",))]


def eight_schools(y, sigma):
    import ppl
    import ppl.distributions as dist
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    tau = ppl.sample("tau", dist.HalfCauchy(5.0))
    theta_tilde = ppl.sample("theta_tilde", dist.Normal(0.0, 1.0).expand((y.shape[0],)))
    ppl.sample("obs", dist.Normal(mu + tau * theta_tilde, sigma), obs=y)


def one_run(shared_bench):
    """In this fresh process: the stages up to the first draw (wall and CPU seconds); prints one JSON line."""
    wall, cpu = {"start": T_START}, {"start": 0.0}  # CPU from process start: the interpreter's own start-up too

    def mark(stage):
        wall[stage], cpu[stage] = time.perf_counter(), time.process_time()

    import ppl
    mark("import_ppl")
    import samplers
    mark("import_samplers")
    import numpy as np
    data = np.load(os.path.join(shared_bench, "data", "eight_schools.npz"))
    y, sigma = np.asarray(data["y"], float), np.asarray(data["sigma"], float)
    mark("data")
    ld = ppl.log_density(eight_schools, y, sigma)
    ld.logp_and_grad_fn(np.zeros(ld.dim), np.empty(ld.dim), *ld.data)
    mark("log_density")
    print("bench_startup: sampling", file=sys.stderr, flush=True)  # imports after this are not before sampling
    idata = samplers.nuts(ld, draws=1, tune=1, chains=1, seed=1, progressbar=False)
    first = wall["log_density"] + float(idata.posterior.attrs["timing_first_draw_s"])
    order = ["start", "import_ppl", "import_samplers", "data", "log_density"]
    out = {stage: wall[stage] - wall[prev] for prev, stage in zip(order, order[1:])}
    out.update({stage + "_cpu": cpu[stage] - cpu[prev] for prev, stage in zip(order, order[1:])})
    out.pop("data"), out.pop("data_cpu")
    out.update(nuts_to_first_draw=first - wall["log_density"], script_to_first_draw=first - wall["start"],
               cpu_to_sampling=cpu["log_density"], first_draw_epoch=time.time() - (time.perf_counter() - first))
    out["stale_check"] = _stale_check_seconds()
    print(json.dumps(out))


def _stale_check_seconds():
    """What autodiff.cache's check of its kernels' sources costs at import (0 where there is none)."""
    from autodiff import cache
    check = getattr(cache, "drop_stale_kernels", None)
    if check is None:
        return 0.0
    cache.linked._fingerprints.clear()  # as in a new process: the sources are read again
    t0 = time.perf_counter()
    check()
    return time.perf_counter() - t0


def _import_groups(stderr):
    """Self time (s) per IMPORT_GROUPS entry from a `-X importtime` log."""
    sums = dict.fromkeys([g for g, _ in IMPORT_GROUPS], 0.0)
    for line in stderr.splitlines():
        if line.startswith("bench_startup: sampling"):
            break
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line[len("import time:"):].split("|")
        name = name.strip()
        for group, prefixes in IMPORT_GROUPS:
            if any(name == p or name.startswith(p + ".") or name.startswith(p + "_") for p in prefixes):
                sums[group] += int(self_us) / 1e6
                break
    return sums


def fresh(code_root, cache_dir, shared_bench):
    env = dict(os.environ, PYTHONPATH=code_root, OPENBLAS_NUM_THREADS="1")
    if cache_dir:
        env["NUMBAYES_CACHE_DIR"] = cache_dir
    spawned = time.time()
    done = subprocess.run([sys.executable, "-X", "importtime", os.path.abspath(__file__), "--one", shared_bench],
                          capture_output=True, text=True, env=env, cwd=tempfile.gettempdir(), timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    row = json.loads(done.stdout.strip().splitlines()[-1])
    row["process_to_first_draw"] = row.pop("first_draw_epoch") - spawned
    row["imports"] = _import_groups(done.stderr)
    return row


def median(values):
    values = sorted(values)
    n = len(values)
    return values[n // 2] if n % 2 else 0.5 * (values[n // 2 - 1] + values[n // 2])


def summarise(rows):
    out = {key: median([r[key] for r in rows]) for key, _ in STAGES}
    out["imports"] = {g: median([r["imports"][g] for r in rows]) for g, _ in IMPORT_GROUPS}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--one")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--base")
    ap.add_argument("--base-cache", default=os.path.join(tempfile.gettempdir(), "numbayes-bench-startup-base"))
    a = ap.parse_args()
    if a.one:
        return one_run(a.one)
    sys.path.insert(0, HERE)
    import common
    shared = common.SHARED_BENCH
    sides = {"ours": (ROOT, None)}
    if a.base:
        sides["base"] = (os.path.abspath(a.base), a.base_cache)
    for code_root, cache in sides.values():
        fresh(code_root, cache, shared)  # fills the caches
    rows = {side: [] for side in sides}
    for _ in range(a.repeats):  # A/B alternating: the machine's load moves both alike
        for side, (code_root, cache) in sides.items():
            rows[side].append(fresh(code_root, cache, shared))
    result = {side: summarise(r) for side, r in rows.items()}

    cols = list(sides)
    head = "| stage (s, median of %d fresh processes) | " % a.repeats + " | ".join(cols)
    head += " | ours / base |" if "base" in sides else " |"
    print(head)
    print("|---" * (len(cols) + 1 + ("base" in sides)) + "|")

    def line(label, values):
        cells = " | ".join(f"{v:.3f}" for v in values)
        ratio = f" | {values[0] / values[1]:.2f}" if len(values) == 2 and values[1] > 0 else (" | -" if len(values) == 2 else "")
        print(f"| {label} | {cells}{ratio} |")

    for key, label in STAGES:
        line(label, [result[s][key] for s in cols])
    for group, _ in IMPORT_GROUPS:
        line(f"  imports before sampling: {group}", [result[s]["imports"][group] for s in cols])
    os.makedirs(common.RESULTS, exist_ok=True)
    path = os.path.join(common.RESULTS, "bench_startup.json")
    with open(path, "w") as f:
        json.dump({"repeats": a.repeats, "base": a.base, "date": time.strftime("%Y-%m-%d %H:%M"),
                   "medians": result, "runs": rows}, f, indent=1)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
