"""The vectorisable exp/log family (autodiff.codegen.vector_math) against libm's, per element in an
@njit loop compiled with generated code's fastmath flags; and, with --base DIR, the per-call cost of
the shared models' logp_and_grad in this tree against an older checkout DIR (e.g. `git archive` of
main), each measured in its own process, the two alternating.

Usage: python benchmarks/bench_vector_math.py [--base DIR] [MODEL ...]
"""
import json
import math
import os
import subprocess
import sys
import time

import numba
import numpy as np

from common import print_table, save

HERE = os.path.dirname(os.path.abspath(__file__))
FASTMATH = {"reassoc", "contract", "arcp"}
MODELS = ["logistic", "gmm", "hmm", "eight_schools"]


def _loop(fn):
    @numba.njit(fastmath=FASTMATH, error_model="numpy")
    def loop(a, out):
        for i in range(a.shape[0]):
            out[i] = fn(a[i])
    return loop


def _cpu_us(fn, *args, n=2000, rounds=5):
    fn(*args)
    best = math.inf
    for _ in range(rounds):
        t0 = time.process_time()
        for _ in range(n):
            fn(*args)
        best = min(best, (time.process_time() - t0) / n * 1e6)
    return best


def functions():
    """us per 10,000 elements: libm (math.*) against vector_math, same process, alternating."""
    import scipy.special as sc  # noqa: F401

    from autodiff.codegen import special_kernels as sk
    from autodiff.codegen import vector_math as vm
    rng = np.random.default_rng(0)
    cases = [("exp", math.exp, vm.exp, rng.uniform(-20, 20, 10_000)),
             ("log", math.log, vm.log, rng.uniform(0.01, 100, 10_000)),
             ("log1p", math.log1p, vm.log1p, rng.uniform(-0.9, 100, 10_000)),
             ("expit", sk.expit, vm.expit, rng.normal(0, 3, 10_000)),
             ("softplus", sk.softplus, vm.softplus, rng.normal(0, 3, 10_000))]
    rows = []
    for name, scalar, vector, a in cases:
        out = np.empty_like(a)
        ls, lv = _loop(scalar), _loop(vector)
        us_libm, us_vector = _cpu_us(ls, a, out), _cpu_us(lv, a, out)
        rows.append(dict(function=name, us_libm=us_libm, us_vector=us_vector, speedup=us_libm / us_vector))
    print_table(rows, ["function", "us_libm", "us_vector", "speedup"])
    return rows


_MODEL_TIMER = r"""
import json, os, sys, time
sys.path.insert(0, os.path.join(sys.argv[1], "benchmarks"))
import common, models_numbayes as M, ppl
from bench_ppl import _loop
data, _ = common.shared_bench()
out = {}
for name in sys.argv[2:]:
    model, args = M.get(name, data)
    ld = ppl.log_density(model, *args)
    x0 = ld.initial_point
    n = max(200, int(2e5 / max(len(x0), 1))) if name == "eight_schools" else 1000
    _loop(ld.logp_and_grad_fn, x0.copy(), *ld.data, 10)
    best = 1e9
    for _ in range(5):
        t0 = time.process_time()
        _loop(ld.logp_and_grad_fn, x0.copy(), *ld.data, n)
        best = min(best, (time.process_time() - t0) / n * 1e6)
    out[name] = best
print(json.dumps(out))
"""


def _time_tree(tree, names):
    env = dict(os.environ, PYTHONPATH=tree,
               NUMBAYES_SHARED_BENCH=os.environ.get("NUMBAYES_SHARED_BENCH", "/work/shared/bench"))
    done = subprocess.run([sys.executable, "-c", _MODEL_TIMER, tree] + names, env=env, capture_output=True,
                          text=True, cwd=tree)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def models(base, names, rounds=2):
    """CPU us per logp_and_grad in an @njit loop, this tree against `base`, best of alternating runs."""
    here = os.path.dirname(HERE)
    best_now, best_base = {}, {}
    for _ in range(rounds):
        for tree, best in ((base, best_base), (here, best_now)):
            for k, v in _time_tree(tree, names).items():
                best[k] = min(best.get(k, math.inf), v)
    rows = [dict(model=k, us_base=best_base[k], us_now=best_now[k], speedup=best_base[k] / best_now[k]) for k in names]
    print_table(rows, ["model", "us_base", "us_now", "speedup"])
    return rows


def main():
    args = sys.argv[1:]
    base = None
    if args[:1] == ["--base"]:
        base, args = os.path.abspath(args[1]), args[2:]
    rows = functions()
    save("bench_vector_math", rows, {"models": models(base, args or MODELS)} if base else None)


if __name__ == "__main__":
    main()
