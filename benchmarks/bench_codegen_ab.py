"""A/B of the generated log-density code: this checkout against another (`--base DIR`, e.g. a checkout
of main), on the shared bench models, each side in its own fresh processes, alternating.

Usage: python benchmarks/bench_codegen_ab.py --base DIR [--rounds 2] [MODEL ...]
Per model and side: us per `logp_and_grad_fn` call in an @njit loop (CPU time, best of 5 batches, best
over the rounds), the hand-written reference's us measured in the same process and the ratio of the
two, the generated source's line count, and the cold compile CPU seconds (trace + generate + Numba
compile into a fresh cache whose `kernels` folder is a link to $BENCH_KERNELS when set: a model new to a
cache that already has the library's kernels). Run with OPENBLAS_NUM_THREADS=1.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

from common import merge_previous, print_table, save

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MODELS = ["eight_schools", "logistic", "hier_linreg", "gmm", "hmm", "corr_gauss_100", "iid_gauss_1000"]

# Runs in a fresh process with the side's checkout first on sys.path; prints one JSON line.
_PROBE = r"""
import json, sys, time
sys.path.insert(0, {root!r}); sys.path.insert(0, {here!r})
import numba, numpy as np
c0 = time.process_time()
import ppl, common, models_numbayes as M
from bench_ppl import reference
data, ref = common.shared_bench()
model, args = M.get({name!r}, data)
c1 = time.process_time()
ld = ppl.log_density(model, *args)
x0 = ld.initial_point
ld.logp_and_grad(x0)
compile_cpu = time.process_time() - c1

@numba.njit(numba.float64(ppl.LPG_TYPE, numba.float64[::1], numba.float64[::1], numba.int64[::1], numba.int64))
def loop(fn, x, fdata, idata, n):
    g = np.zeros(x.shape[0])
    acc = 0.0
    for _ in range(n):
        acc += fn(x, g, fdata, idata)
        x[0] += 1e-12 * g[0]
    return acc

def best_us(run):
    run(10)
    t = time.process_time(); run(100); dt = (time.process_time() - t) / 100
    n = max(200, int(0.2 / max(dt, 1e-8)))
    best = 1e9
    for _ in range(5):
        t = time.process_time(); run(n); best = min(best, (time.process_time() - t) / n * 1e6)
    return best

fn, (fd, idd) = ld.logp_and_grad_fn, ld.data
out = dict(us=best_us(lambda n: loop(fn, x0.copy(), fd, idd, n)), lines=len(ld.source.splitlines()),
           compile_cpu_s=compile_cpu)
r = reference({name!r}, data, ref)
if r is not None:
    lp_ref, g_ref = r[0](x0.copy())
    lp, g = ld.logp_and_grad(x0)
    out["matches_ref"] = bool(np.isclose(lp, lp_ref, rtol=1e-9, atol=1e-8) and np.allclose(g, g_ref, rtol=1e-7, atol=1e-8))
    out["ref_us"] = best_us(lambda n: r[1](x0.copy(), n))
print("RESULT", json.dumps(out))
"""


def probe(root, name, cache_dir):
    env = dict(os.environ, NUMBAYES_CACHE_DIR=cache_dir, PYTHONPATH=root)
    code = _PROBE.format(root=root, here=HERE, name=name)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    lines = [line for line in out.stdout.splitlines() if line.startswith("RESULT ")]
    if out.returncode or not lines:
        return dict(error=(out.stderr.strip().splitlines() or ["?"])[-1][:160])
    return json.loads(lines[-1][len("RESULT "):])


def fresh_cache(tmp, tag):
    path = os.path.join(tmp, tag)
    kernels = os.environ.get("BENCH_KERNELS")
    os.makedirs(path)
    if kernels:  # linked, not copied: the folder holds every checkout's kernels (hundreds of MB)
        os.symlink(os.path.abspath(kernels), os.path.join(path, "kernels"))
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="a checkout of the code to compare against")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("models", nargs="*", default=MODELS)
    opts = parser.parse_args()
    base = os.path.abspath(opts.base)
    rows = []
    for name in opts.models:
        best = {"base": {}, "new": {}}
        with tempfile.TemporaryDirectory() as tmp:
            caches = {"base": fresh_cache(tmp, "base"), "new": fresh_cache(tmp, "new")}
            for k in range(opts.rounds):
                for side, root in (("base", base), ("new", ROOT)) if k % 2 == 0 else (("new", ROOT), ("base", base)):
                    r = probe(root, name, caches[side])
                    b = best[side]
                    if "error" in r:
                        b["error"] = r["error"]
                        continue
                    if "cold_compile_cpu_s" not in b:  # the first run of a side compiles into its new cache
                        b["cold_compile_cpu_s"] = r["compile_cpu_s"]
                    for key in ("us", "ref_us"):
                        if key in r:
                            b[key] = min(b.get(key, 1e99), r[key])
                    b["lines"], b["matches_ref"] = r["lines"], r.get("matches_ref")
        row = dict(model=name)
        for side in ("base", "new"):
            for key, value in best[side].items():
                row[f"{side}_{key}"] = value
            if "ref_us" in best[side]:
                row[f"{side}_ratio_to_hand"] = best[side]["us"] / best[side]["ref_us"]
        if "us" in best["base"] and "us" in best["new"]:
            row["new_over_base"] = best["new"]["us"] / best["base"]["us"]
        rows.append(row)
        print({k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}, flush=True)
    print()
    print_table(rows, ["model", "base_us", "new_us", "new_over_base", "base_ratio_to_hand", "new_ratio_to_hand",
                       "base_lines", "new_lines", "base_cold_compile_cpu_s", "new_cold_compile_cpu_s",
                       "new_matches_ref", "base_error", "new_error"])
    save("bench_codegen_ab", merge_previous("bench_codegen_ab", rows, MODELS), dict(base=base))


if __name__ == "__main__":
    main()
