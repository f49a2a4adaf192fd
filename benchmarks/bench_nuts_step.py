"""CPU time per leapfrog step of the NUTS kernel (tree bookkeeping + gradient), A/B in one process.

Runs one chain of `samplers.chain.run_block` (warmup + draws) per model and reports process CPU
seconds per leapfrog step, so the machine's load matters little. With --base DIR, DIR holds a copy
of an older samplers package named `samplers_base` (e.g. `git archive BASE samplers`, renamed);
both run back to back, alternating, `--repeats` times, and the minimum of each is kept. The two
chains of each repeat start from the same seed: "same draws" says whether their draws (warmup
included) are bit-identical, i.e. every transition of the two kernels agreed.

    python benchmarks/bench_nuts_step.py [MODEL ...] [--base DIR] [--repeats 3]
"""
import argparse
import importlib
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common  # noqa: E402
import models_numbayes as M  # noqa: E402

DEFAULT_MODELS = ["eight_schools", "hier_linreg", "gmm", "corr_gauss_100", "iid_gauss_1000"]


def one_chain(pkg, ld, tune, draws, seed):
    """(CPU seconds, leapfrog steps, draws) of one chain run by package `pkg`'s kernels."""
    api, ck = pkg.api, pkg.chain
    settings = api._settings(0.8, "diag", 1000.0, algorithm=ck.NUTS, max_tree_depth=10)
    plan = api._ChainPlan(seed, None, None, settings, tune, draws, False, 10)
    state = plan.state(ld, 0)
    lpg, (fdata, idata) = ld.logp_and_grad_fn, ld.data
    t0 = time.process_time()
    status = state.run(lpg, fdata, idata, tune + draws, tune)
    cpu = time.process_time() - t0
    assert status == ck.OK, status
    return cpu, float(state.stats[:, ck.N_STEPS].sum()), state.draws.copy()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="*", default=DEFAULT_MODELS)
    ap.add_argument("--base")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--tune", type=int, default=300)
    ap.add_argument("--draws", type=int, default=300)
    args = ap.parse_args()
    import ppl
    pkgs = {"new": "samplers"}
    if args.base:
        sys.path.insert(0, args.base)
        pkgs["base"] = "samplers_base"
    pkgs = {k: importlib.import_module(v) for k, v in pkgs.items()}
    for pkg in pkgs.values():
        importlib.import_module(pkg.__name__ + ".chain")
    data, _ = common.shared_bench()
    rows = []
    for name in args.models:
        model, margs = M.get(name, data)
        ld = ppl.log_density(model, *margs)
        for pkg in pkgs.values():  # warm up: first calls, page faults
            one_chain(pkg, ld, 20, 20, 1)
        best = {k: np.inf for k in pkgs}
        steps = {}
        same = True
        for r in range(args.repeats):
            draws = {}
            for k, pkg in pkgs.items():
                cpu, n, draws[k] = one_chain(pkg, ld, args.tune, args.draws, 100 + r)
                best[k] = min(best[k], cpu / n * 1e6)
                steps[k] = n
            same = same and all(np.array_equal(d, draws["new"]) for d in draws.values())
        row = {"model": name, "dim": ld.dim, "us/step new": best["new"], "steps new": steps["new"]}
        if "base" in pkgs:
            row.update({"us/step base": best["base"], "steps base": steps["base"],
                        "base/new": best["base"] / best["new"], "same draws": same})
        rows.append(row)
        print(json.dumps(row), flush=True)
    common.print_table(rows, list(rows[0]))
    os.makedirs(common.RESULTS, exist_ok=True)
    with open(os.path.join(common.RESULTS, "bench_nuts_step.json"), "w") as f:
        json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
