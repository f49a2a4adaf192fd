"""NUTS on the shared benchmark models: efficiency end to end and per gradient.

For each model in ../shared/bench, in a fresh process: 4 chains x (1000 warmup + 1000 draws),
seed 20240601, then
  * min bulk ESS / total wall time (model to ArviZ object: trace, compile or cache load, warmup,
    sampling, conversion, diagnostics; as for the anchors, imports (numba, arviz) are not counted;
    process_s in the JSON counts them),
  * min bulk ESS / sampling time (warmup + draws),
  * min bulk ESS per gradient evaluation (warmup and sampling leapfrog steps),
  * time to first draw in a fresh process (process start to the first iteration done; the ArviZ
    object follows after arviz's import), warm cache and cold (empty Numba and generated-code caches),
  * max R-hat over the parameters (every chain must agree).
The anchors (NumPyro, nutpie, PyMC on machines like this one, ../shared/bench/README.md) are quoted
beside ours. With --anchors PYTHON (an interpreter with jax, numpyro, pymc and nutpie, e.g. the
`bench` extra plus `pip install pymc nutpie`), NumPyro and nutpie (numba backend) run on each model
right after ours, in the same session (../shared/bench/run_numpyro.py, run_nutpie.py, --anchor-reps
repetitions), and the best anchor is the best of what this run measured.

A model name ending in "_gradient" (e.g. corr_gauss_100_gradient) runs that model with
samplers.nuts(adapt_mass="gradient"), nutpie's diagonal adaptation, beside the default's row.

    python benchmarks/bench_samplers.py [MODEL ...] [--skip-cold] [--anchors PYTHON] [--anchor-reps 2]
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

# min bulk ESS/s, (sampling only, total wall) -- ../shared/bench/README.md, best of the systems there
ANCHORS = {
    "eight_schools": {"NumPyro": (4974, 245), "nutpie-numba": (20500, 504), "nutpie-jax": (1248, 767),
                      "PyMC": (1531, 1226)},
    "logistic": {"NumPyro": (184, 94), "nutpie-numba": (125, 79), "nutpie-jax": (122, 111), "PyMC": (49, 47)},
    "hier_linreg": {"NumPyro": (8.6, 1.9), "nutpie-numba": (172, 19), "PyMC": (10, 8.8)},
    # hier_linreg is strongly correlated (no sampler converges with a diagonal metric in 1000 draws): ours
    # with mass="dense", which the after-run warning suggests, against the anchors' defaults
    "hier_linreg_dense": {"NumPyro": (8.6, 1.9), "nutpie-numba": (172, 19), "PyMC": (10, 8.8)},
    "gmm": {"NumPyro": (808, 147), "nutpie-numba": (287, 120), "PyMC": (137, 116)},
    "hmm": {"NumPyro": (0.44, 0.20)},
    "corr_gauss_100": {"NumPyro": (2849, 323), "nutpie-numba": (6056, 613), "nutpie-jax": (253, 224),
                       "PyMC": (481, 448)},
    "corr_gauss_100_dense": {"NumPyro": (517, 251), "nutpie-numba": (2188, 874)},
    "iid_gauss_1000": {"NumPyro": (4135, 586), "nutpie-numba": (14646, 1819), "nutpie-jax": (712, 680),
                       "PyMC": (2746, 2142)},
}
MODELS = list(ANCHORS)
GRADIENT_SUFFIX = "_gradient"  # MODEL_gradient: the model with adapt_mass="gradient"


def base_name(name):
    """The shared bench model and anchor entry a row name refers to."""
    return name[:-len(GRADIENT_SUFFIX)] if name.endswith(GRADIENT_SUFFIX) else name
# the hmm posterior has local modes: its chains start at the best of several optima (init="map")
INIT = {"hmm": "map"}
SEED = 20240601


def one_run(name, first_draw_only):
    """In this (fresh) process: sample `name`; print one JSON line of measurements."""
    import numpy as np

    import ppl
    import samplers
    sys.path.insert(0, HERE)
    import common
    import models_numbayes as M
    data, _ = common.shared_bench()
    adapt_mass = "gradient" if name.endswith(GRADIENT_SUFFIX) else "windowed"
    name = base_name(name)
    base = name.replace("_dense", "")
    model, args = M.get(base, data)
    if not first_draw_only:  # imported up front, as `import pymc` does: the anchors' totals exclude it
        import arviz  # noqa: F401
        import samplers.diagnostics  # noqa: F401
    t_model = time.perf_counter()
    ld = ppl.log_density(model, *args)
    mass = "dense" if name.endswith("_dense") else "diag"
    if first_draw_only:
        t_call = time.perf_counter()
        idata = samplers.nuts(ld, draws=1, tune=1, chains=1, seed=SEED, mass=mass, progressbar=False)
        first = t_call - T_START + float(idata.posterior.attrs["timing_first_draw_s"])
        print(json.dumps({"first_draw_s": first, "result_s": time.perf_counter() - T_START}))
        return
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        idata = samplers.nuts(ld, draws=1000, tune=1000, chains=4, seed=SEED, mass=mass, init=INIT.get(name),
                              progressbar=False, adapt_mass=adapt_mass)
    total = time.perf_counter() - t_model
    process = time.perf_counter() - T_START
    from samplers.convergence import rhat_and_ess
    post = idata.posterior
    names = list(ld.spec.latent)
    flat = np.concatenate([np.asarray(post[k]).reshape(4, 1000, -1) for k in names], axis=-1)
    flat = flat[..., np.ptp(flat.reshape(-1, flat.shape[-1]), axis=0) > 0]  # fixed entries (a Cholesky's 1s)
    rhat, ess_bulk, ess_tail = rhat_and_ess(flat)
    stats = idata.sample_stats
    grad_evals = int(np.asarray(stats["n_steps"]).sum())
    print(json.dumps(dict(
        total_s=total, process_s=process, sampling_s=float(post.attrs["timing_sampling_s"]),
        min_ess_bulk=float(np.nanmin(ess_bulk)),
        min_ess_tail=float(np.nanmin(ess_tail)), max_rhat=float(np.nanmax(rhat)), grad_evals_sampling=grad_evals,
        divergences=int(np.asarray(stats["diverging"]).sum()),
        mean_tree_depth=float(np.asarray(stats["tree_depth"]).mean()))))


def _fresh(name, *flags, env=None):
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--one", name, *flags], capture_output=True,
                         text=True, env=env, timeout=3600)
    if out.returncode != 0:
        raise RuntimeError(f"{name}: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


ANCHOR_SCRIPTS = {"NumPyro": ("run_numpyro.py", "numpyro"), "nutpie-numba": ("run_nutpie.py", "nutpie_numba")}
# not rerun (../shared/bench/README.md): nutpie fails at init on hmm; NumPyro needs many minutes there
# (0.44 ESS/s, one chain stuck in a local mode); the shared scripts have no dense hier_linreg
ANCHOR_SKIP = {("nutpie-numba", "hmm"), ("NumPyro", "hmm"), ("nutpie-numba", "hier_linreg_dense"),
               ("NumPyro", "hier_linreg_dense")}


def run_anchors(name, python, reps):
    """{system: (ESS/s sampling, ESS/s total)} of NumPyro and nutpie on `name`, measured now by the
    shared anchor scripts in a fresh process each."""
    sys.path.insert(0, HERE)
    from common import SHARED_BENCH
    measured = {}
    for system, (script, prefix) in ANCHOR_SCRIPTS.items():
        if (system, name) in ANCHOR_SKIP:
            continue
        with tempfile.TemporaryDirectory() as out:
            env = dict(os.environ, BENCH_OUT=out)
            run = subprocess.run([python, os.path.join(SHARED_BENCH, script), name, "--reps", str(reps)],
                                 capture_output=True, text=True, env=env, timeout=3600)
            path = os.path.join(out, f"{prefix}__{name}.json")
            if run.returncode != 0 or not os.path.exists(path):
                print(f"  {system} on {name} failed: {run.stderr[-500:]}", flush=True)
                continue
            with open(path) as f:
                rec = json.load(f)
        measured[system] = (rec["ess_bulk_per_s_sampling"], rec.get("ess_bulk_per_s_total", float("nan")))
        print(f"  {system:14s} ESS/s sampling {measured[system][0]:10.1f}  total {measured[system][1]:9.1f}  "
              f"(min ESS {rec['min_ess_bulk']:.0f}, R-hat {rec['max_rhat']:.3f})", flush=True)
    return measured


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="*")
    ap.add_argument("--one")
    ap.add_argument("--first-draw", action="store_true")
    ap.add_argument("--skip-cold", action="store_true")
    ap.add_argument("--anchors", help="a Python with numpyro, pymc and nutpie: run them in this session")
    ap.add_argument("--anchor-reps", type=int, default=2)
    a = ap.parse_args()
    if a.one:
        return one_run(a.one, a.first_draw)
    rows = []
    print(f"{'model':22s} {'ESS/s total':>11s} {'best anchor':>11s} {'ESS/s sampling':>14s} {'best anchor':>11s} "
          f"{'ESS/grad':>8s} {'R-hat':>6s} {'1st draw warm':>13s} {'cold':>6s}")
    for name in a.models or MODELS:
        _fresh(name, "--first-draw")  # fills the caches
        warm = _fresh(name, "--first-draw")["first_draw_s"]
        cold = None
        if not a.skip_cold:
            with tempfile.TemporaryDirectory() as tmp:
                env = dict(os.environ, NUMBA_CACHE_DIR=os.path.join(tmp, "numba"),
                           NUMBAYES_CACHE_DIR=os.path.join(tmp, "numbayes"))
                cold = _fresh(name, "--first-draw", env=env)["first_draw_s"]
        r = _fresh(name)
        anchors = run_anchors(base_name(name), a.anchors, a.anchor_reps) if a.anchors else {}
        quoted = anchors or ANCHORS[base_name(name)]  # this run's anchors when measured, else the README's
        # NumPyro's total is NaN at --anchor-reps 1 (its first run only counts gradients)
        best_total = max((v[1] for v in quoted.values() if v[1] == v[1]), default=float("nan"))
        best_sampling = max(v[0] for v in quoted.values())
        row = dict(model=name, anchors_this_run={k: list(v) for k, v in anchors.items()},
                   ess_per_s_total=r["min_ess_bulk"] / r["total_s"],
                   ess_per_s_sampling=r["min_ess_bulk"] / r["sampling_s"],
                   ess_per_grad=r["min_ess_bulk"] / r["grad_evals_sampling"], first_draw_warm_s=warm,
                   first_draw_cold_s=cold, best_anchor_total=best_total, best_anchor_sampling=best_sampling, **r)
        rows.append(row)
        print(f"{name:22s} {row['ess_per_s_total']:11.1f} {best_total:11.1f} {row['ess_per_s_sampling']:14.1f} "
              f"{best_sampling:11.1f} {row['ess_per_grad']:8.4f} {r['max_rhat']:6.3f} {warm:13.2f} "
              f"{cold if cold is not None else float('nan'):6.1f}", flush=True)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    path = os.path.join(HERE, "results", "bench_samplers.json")
    old = {}
    if os.path.exists(path):
        with open(path) as f:
            old = {r["model"]: r for r in json.load(f)["rows"]}
    old.update({r["model"]: r for r in rows})
    with open(path, "w") as f:
        json.dump({"anchors": ANCHORS, "rows": list(old.values())}, f, indent=1)


if __name__ == "__main__":
    main()
