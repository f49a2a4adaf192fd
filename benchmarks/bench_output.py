"""Turning 4 x 1000 unconstrained draws into ArviZ output: the compiled constrain_draws block against a
Python loop of ld.constrain (the baseline, measured in the same run), plus to_arviz and diagnostics.

Usage: python benchmarks/bench_output.py [model ...]
Columns: trace_s (tracing the per-draw constrain and writing its modules), compile_cold_s (Numba
compile with an empty code cache, in a fresh process), compile_warm_s (in a second fresh process that
loads it from the code cache), logp_compile_cold_s (logp_and_grad's compile in the same fresh process,
for scale),
loop_s (ld.constrain on every draw, extrapolated from 400 draws), block_s (constrain_draws on all
draws), speedup = loop_s / block_s, to_arviz_s (all groups, warm), report_s (diagnostics.report).
"""
import os
import subprocess
import sys
import tempfile
import time

import arviz  # noqa: F401  (imported before timing: to_arviz imports it on first use, ~1 s)
import numpy as np

import ppl
import ppl.bijectors as bij
import ppl.distributions as dist
from ppl.constrain import DrawConstrainer
from samplers import diagnostics
from samplers.raw import STAT_DTYPES, RawChains
from samplers.to_arviz import to_arviz

from common import print_table, save, shared_bench
import models_numbayes

CHAINS, DRAWS = 4, 1000
BENCH_MODELS = ["eight_schools", "hier_linreg", "gmm", "hmm", "iid_gauss_1000"]


def structured(y):
    """Simplex, Cholesky-correlation and ordered sites with a matrix deterministic."""
    w = ppl.sample("w", dist.Dirichlet(np.ones(4)))
    L = ppl.sample("L", dist.LKJCholesky(4, 2.0))
    c = ppl.sample("c", dist.Normal(0.0, 3.0).expand((4,)).to_event(1), transform=bij.Ordered())
    ppl.deterministic("corr", L @ L.T)
    ppl.sample("y", dist.MultivariateNormal(c * w, scale_tril=L).expand((len(y),)), obs=y)


def density(name):
    if name == "structured":
        return ppl.log_density(structured, np.random.default_rng(0).normal(size=(20, 4)))
    model, args = models_numbayes.get(name, shared_bench()[0])
    return ppl.log_density(model, *args)


def synthetic_raw(dim, rng):
    stats = {k: np.zeros((CHAINS, DRAWS), dtype=d) for k, d in STAT_DTYPES.items()}
    stats["energy"] = rng.chisquare(10, (CHAINS, DRAWS))
    points = np.full((CHAINS, DRAWS, dim), np.nan)
    stats["diverging"][0, :5] = True
    points[0, :5] = rng.normal(size=(5, dim))
    return RawChains(rng.normal(size=(CHAINS, DRAWS, dim)), stats, points, np.zeros((CHAINS, 0, dim)),
                     {k: np.zeros((CHAINS, 0), d) for k, d in STAT_DTYPES.items()}, np.zeros((CHAINS, 0, dim)),
                     np.full(CHAINS, DRAWS), np.zeros(CHAINS, np.int64), True, "nuts",
                     {"max_tree_depth": 10, "target_accept": 0.8}, {})


def fresh_process_compiles(name):
    """(constrain, logp_and_grad) compile seconds in a fresh process with an empty code cache, then the
    constrain's in a second fresh process that finds it in the cache."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBAYES_CACHE_DIR=cache)
        runs = [subprocess.run([sys.executable, __file__, "--compile", name], env=env, capture_output=True,
                               text=True, check=True) for _ in range(2)]
        (constrain_cold, logp_cold), (constrain_warm, _) = [[float(v) for v in r.stdout.split()[-2:]] for r in runs]
        return constrain_cold, logp_cold, constrain_warm


def measure(name):
    ld = density(name)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(CHAINS * DRAWS, ld.dim))
    t0 = time.perf_counter()
    constrainer = DrawConstrainer(ld.model, ld.args, ld.kwargs, ld.layout)
    trace_s = time.perf_counter() - t0
    constrainer.compile()
    ld.constrain_draws(X[:10])
    t0 = time.perf_counter()
    out = ld.constrain_draws(X)
    block_s = time.perf_counter() - t0
    n_loop = 400
    t0 = time.perf_counter()
    ref = [ld.constrain(x) for x in X[:n_loop]]
    loop_s = (time.perf_counter() - t0) * len(X) / n_loop
    for k, v in out.items():  # the block must agree with the loop it replaces
        np.testing.assert_allclose(v[:n_loop], np.stack([r[k] for r in ref]), rtol=1e-10, atol=1e-12)
    raw = synthetic_raw(ld.dim, rng)
    t0 = time.perf_counter()
    idata = to_arviz(raw, ld)
    to_arviz_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    diagnostics.report(idata)
    report_s = time.perf_counter() - t0
    cold_s, logp_cold_s, warm_s = fresh_process_compiles(name)
    return dict(model=name, dim=ld.dim, draws=len(X), trace_s=trace_s, compile_cold_s=cold_s,
                logp_compile_cold_s=logp_cold_s, compile_warm_s=warm_s, loop_s=loop_s, block_s=block_s,
                speedup=loop_s / block_s,
                to_arviz_s=to_arviz_s, report_s=report_s)


def main(names):
    rows = [measure(n) for n in names]
    print_table(rows, ["model", "dim", "draws", "trace_s", "compile_cold_s", "logp_compile_cold_s", "compile_warm_s",
                       "loop_s", "block_s", "speedup", "to_arviz_s", "report_s"])
    save("bench_output", rows)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--compile"]:
        ld = density(sys.argv[2])
        c = DrawConstrainer(ld.model, ld.args, ld.kwargs, ld.layout)
        t0 = time.perf_counter()
        c.compile()
        t1 = time.perf_counter()
        ld.logp_and_grad(ld.initial_point)
        print(t1 - t0, time.perf_counter() - t1)
    else:
        main(sys.argv[1:] or ["structured"] + BENCH_MODELS)
