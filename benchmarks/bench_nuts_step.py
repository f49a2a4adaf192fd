"""CPU time per leapfrog step of the NUTS kernel (tree bookkeeping + gradient), A/B in one process.

Runs one chain of `samplers.chain.run_block` (warmup + draws) per model and reports process CPU
seconds per leapfrog step, so the machine's load matters little. With --base DIR, DIR holds a copy
of an older samplers package named `samplers_base` (e.g. `git archive BASE samplers`, renamed);
both run back to back, alternating, `--repeats` times, and the minimum of each is kept. The two
chains of each repeat start from the same seed: "same draws" says whether their draws (warmup
included) are bit-identical, i.e. every transition of the two kernels agreed.

    python benchmarks/bench_nuts_step.py [MODEL ...] [--base DIR] [--repeats 3] [--tune 300] [--draws 300]

With --fixed-step EPS, instead of a chain with warmup: 3000 NUTS transitions at step size EPS and the
identity metric from a N(0, I) start, momentum draws included, i.e. the sampling phase alone (for
iid_gauss_1000 the adapted metric is the identity and its step size ~0.3, trees of depth 4).
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


def transitions(pkg, ld, eps, n, seed):
    """(CPU seconds, leapfrog steps, last point) of n transitions at step size eps, identity metric."""
    import numba
    nuts, integrator = importlib.import_module(pkg.__name__ + ".nuts"), importlib.import_module(pkg.__name__ + ".integrator")
    in_pool = hasattr(nuts, "_finish")  # this branch keeps the chain's point in a slot of the pool

    @numba.njit
    def run(lpg, fdata, idata, metric, rng, q, g, lp, work, n):
        p0, scratch, out = np.empty(q.shape[0]), np.empty(q.shape[0]), np.empty(7)
        pool, here, steps = work[1], 0, 0.0
        pool[0, nuts.Q], pool[0, nuts.GRAD] = q, g
        for _ in range(n):
            if in_pool:
                integrator.draw_momentum(metric, rng, pool[here, nuts.P], scratch)
                lp, here = nuts.transition(lpg, fdata, idata, metric, eps, 10, 1000.0, rng, here, lp, work, scratch, out)
            else:
                integrator.draw_momentum(metric, rng, p0, scratch)
                lp = nuts.transition(lpg, fdata, idata, metric, eps, 10, 1000.0, rng, q, g, lp, p0, work, scratch, out)
            steps += out[2]
        return steps, pool[here, nuts.Q].copy() if in_pool else q.copy()

    ones = np.ones(ld.dim)
    metric = (False, ones, np.zeros((0, 0)), np.zeros((0, 0))) + ((np.sqrt(ones),) if in_pool else ())
    q = np.random.default_rng(seed).normal(size=ld.dim)
    g = np.empty(ld.dim)
    lp = ld.logp_and_grad_fn(q, g, *ld.data)
    rng = pkg.rng.chain_states(seed, 1)[0]
    work = nuts.workspace(ld.dim, 10)
    run(ld.logp_and_grad_fn, *ld.data, metric, rng.copy(), q.copy(), g.copy(), lp, work, 2)  # compile
    t0 = time.process_time()
    steps, last = run(ld.logp_and_grad_fn, *ld.data, metric, rng, q, g, lp, work, n)
    return time.process_time() - t0, steps, last


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="*", default=DEFAULT_MODELS)
    ap.add_argument("--base")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--tune", type=int, default=300)
    ap.add_argument("--draws", type=int, default=300)
    ap.add_argument("--fixed-step", type=float, help="time transitions at this step size instead of a chain")
    ap.add_argument("--out", default="bench_nuts_step.json", help="file name under benchmarks/results")
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
            if not args.fixed_step:
                one_chain(pkg, ld, 20, 20, 1)
        best = {k: np.inf for k in pkgs}
        steps = {}
        same = True
        for r in range(args.repeats):
            draws = {}
            for k, pkg in pkgs.items():
                if args.fixed_step:
                    cpu, n, draws[k] = transitions(pkg, ld, args.fixed_step, 3000, 100 + r)
                else:
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
    with open(os.path.join(common.RESULTS, args.out), "w") as f:
        json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
