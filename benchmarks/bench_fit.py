"""Time to fit a Gaussian HMM and a Gaussian mixture by gradient-based optimisation (models.GaussianHMM,
models.GaussianMixture with L-BFGS) against EM (hmmlearn, scikit-learn, and dynamax where installed),
from the same starts, on the same data, in the same process.

Usage: python benchmarks/bench_fit.py [hmm] [hmm_one_core] [hmm_lengths] [hmm_default_init] [gmm] [gmm_default_init]
                                      [--cold] [--repeat N]
Each case runs in a fresh process: EM runs first, then our first fit, whose time includes loading the
model's compiled code from the warm cache (and, the first time a model is fitted, tracing it; a fresh
process with a stored build skips the tracing: ppl/stored_builds.py); --cold adds a run with an empty
NUMBAYES_CACHE_DIR (trace + Numba compile); --repeat N: N warm runs of each case (N fresh processes).
ours_again_s: a second fit in the same process.
speedup = em_s / ours_s (wall clock), speedup_cpu = em_cpu_s / ours_cpu_s (CPU seconds of the process:
on a loaded machine the wall clock also counts waiting for a core). Imports are outside every timing.
load: the 1-minute load average before and after the case's process (others' work on a shared machine).
Both sides use one BLAS thread. hmmlearn and scikit-learn run single-threaded numpy; our restarts run
side by side on all the process's cores (``cores=None``, the default; ``hmm_one_core``: ``cores=1``), so
our wall clock can gain from a second core where our CPU seconds cannot. The worker processes write
Python's bytecode cache (PYTHONDONTWRITEBYTECODE is removed from their environment): a warm cache
includes the .pyc of the generated modules a fit imports, as on a user's machine.

Both sides stop when an iteration improves the log likelihood by less than TOL = 1e-2 (hmmlearn's
default ``tol``): hmmlearn ``tol=TOL``; scikit-learn's tol is per sample, ``tol=TOL / N``; ours
``ftol=TOL / |EM's log likelihood|`` (a relative change). ll_diff_per_sample = (ours - EM) / N: the
issue's rule is >= -1e-3.

hmm: K=3, D=2, T=5000, full covariances, 5 k-means++ starts; hmmlearn GaussianHMM(covars_prior=0) from
     the same parameters; ours: maximum likelihood (priors=None). dynamax (optional: its GaussianHMM
     with its default weak priors, fit_em for as many iterations as hmmlearn took from each start).
hmm_lengths: the same data as four sequences of very different lengths (4700, 100, 100, 100), ``lengths=``.
hmm_default_init: the same data, each library starting from its own default initialisation.
gmm: K=4, D=2, N=5000, full; sklearn GaussianMixture(reg_covar=1e-10) from the same
     weights/means/precisions; ours likewise. gmm_default_init: sklearn's k-means init, n_init=5.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

from common import print_table, save

HERE = os.path.dirname(os.path.abspath(__file__))
N_STARTS = 5
TOL = 1e-2
LENGTHS = [4700, 100, 100, 100]


def hmm_data():
    from hmmlearn import hmm
    gen = hmm.GaussianHMM(3, "full")
    gen.startprob_ = np.array([0.5, 0.3, 0.2])
    gen.transmat_ = np.array([[0.90, 0.05, 0.05], [0.10, 0.85, 0.05], [0.05, 0.15, 0.80]])
    gen.means_ = np.array([[0.0, 0.0], [3.0, 3.0], [-3.0, 3.0]])
    gen.covars_ = np.array([np.eye(2) * 0.8, [[1.0, 0.5], [0.5, 1.0]], [[1.0, -0.3], [-0.3, 0.6]]])
    return gen.sample(5000, random_state=1)[0]


def gmm_data():
    rng = np.random.default_rng(0)
    centres = np.array([[-3.0, 0.0], [0.0, 3.0], [3.0, 0.0], [0.5, -2.5]])
    covs = np.array([[[1.0, 0.5], [0.5, 1.0]], [[0.5, 0.0], [0.0, 1.5]], [[1.0, -0.7], [-0.7, 1.0]], 0.4 * np.eye(2)])
    labels = rng.choice(4, size=5000)
    z = rng.standard_normal((5000, 2))
    return centres[labels] + np.einsum("nij,nj->ni", np.linalg.cholesky(covs)[labels], z)


def starts(X, k, seed=0):
    from models.init import kmeans_plus_plus_start
    rng = np.random.default_rng(seed)
    return [kmeans_plus_plus_start(X, k, rng) for _ in range(N_STARTS)]


def timed(f):
    """(result, wall seconds, CPU seconds of this process) of f()."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = f()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def hmm_starts(X):
    return [{"initial": np.full(3, 1 / 3), "transition": np.full((3, 3), 0.05) + 0.85 * np.eye(3), "means": m,
             "covs": c} for _, m, c in starts(X, 3)]


def hmmlearn_fits(X, inits, lengths=None):
    from hmmlearn import hmm
    best, iters = -np.inf, []
    for p in inits:
        h = hmm.GaussianHMM(3, "full", n_iter=1000, tol=TOL, init_params="", covars_prior=0.0)
        h.startprob_, h.transmat_, h.means_, h.covars_ = p["initial"], p["transition"], p["means"], p["covs"]
        h.fit(X, lengths)
        best, iters = max(best, h.score(X, lengths)), iters + [h.monitor_.iter]
    return best, iters


def dynamax_fits(X, inits, iters):
    """dynamax's EM from the same starts, as many iterations as hmmlearn took; None if not installed
    (or in warm-up and cold runs, --no-dynamax)."""
    if "--no-dynamax" in sys.argv:
        return None
    try:
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
        from dynamax.hidden_markov_model import GaussianHMM as DynamaxHMM
    except ImportError:
        return None

    def run():
        model, data, best = DynamaxHMM(3, X.shape[1]), jnp.asarray(X), -np.inf
        for p, n in zip(inits, iters):
            params, props = model.initialize(
                initial_probs=jnp.asarray(p["initial"]), transition_matrix=jnp.asarray(p["transition"]),
                emission_means=jnp.asarray(p["means"]), emission_covariances=jnp.asarray(p["covs"]))
            params, _ = model.fit_em(params, props, data, num_iters=n, verbose=False)
            best = max(best, float(model.marginal_log_prob(params, data)))
        return best

    best, wall, cpu = timed(run)
    return dict(dynamax_s=wall, dynamax_cpu_s=cpu, dynamax_ll=best)


def _ours(make, X, options, em_ll):
    options = dict(options, ftol=TOL / abs(em_ll))
    if "--one-core" in sys.argv:
        options["cores"] = 1
    fit, wall, cpu = timed(lambda: make().fit(X, **options))
    _, again, _ = timed(lambda: make().fit(X, **options))
    return dict(ours_s=wall, ours_cpu_s=cpu, ours_again_s=again, ours_ll=fit.log_likelihood,
                ours_iters=[r[2] for r in fit.optimize_result.runs])


def worker_hmm():
    from models import GaussianHMM
    X = hmm_data()
    inits = hmm_starts(X)
    (em_ll, iters), em, em_cpu = timed(lambda: hmmlearn_fits(X, inits))
    row = dict(case="hmm K=3 D=2 T=5000 full", em_s=em, em_cpu_s=em_cpu,
               em_ll=em_ll, em_iters=iters, baseline="hmmlearn EM", n=len(X))
    row.update(_ours(lambda: GaussianHMM(3, "full", priors=None), X, dict(init=inits, restarts=N_STARTS), em_ll))
    row.update(dynamax_fits(X, inits, iters) or {})
    return row


def worker_hmm_lengths():
    from models import GaussianHMM
    X = hmm_data()
    inits = hmm_starts(X)
    (em_ll, iters), em, em_cpu = timed(lambda: hmmlearn_fits(X, inits, LENGTHS))
    row = dict(case="hmm, lengths 4700+3x100", em_s=em, em_cpu_s=em_cpu,
               em_ll=em_ll, em_iters=iters, baseline="hmmlearn EM", n=len(X))
    row.update(_ours(lambda: GaussianHMM(3, "full", priors=None), X,
                     dict(lengths=LENGTHS, init=inits, restarts=N_STARTS), em_ll))
    return row


def worker_gmm():
    from sklearn.mixture import GaussianMixture as SkGMM
    from models import GaussianMixture
    X = gmm_data()
    inits = starts(X, 4)

    def em_fits():
        best, iters = -np.inf, []
        for w, m, c in inits:
            sk = SkGMM(4, covariance_type="full", weights_init=w, means_init=m, precisions_init=np.linalg.inv(c),
                       tol=TOL / len(X), max_iter=1000, reg_covar=1e-10).fit(X)
            best, iters = max(best, sk.score(X) * len(X)), iters + [sk.n_iter_]
        return best, iters

    (em_ll, iters), em, em_cpu = timed(em_fits)
    row = dict(case="gmm K=4 D=2 N=5000 full", em_s=em, em_cpu_s=em_cpu,
               em_ll=em_ll, em_iters=iters, baseline="sklearn EM", n=len(X))
    row.update(_ours(lambda: GaussianMixture(4, "full", priors=None), X,
                     dict(init=[{"weights": w, "means": m, "covs": c} for w, m, c in inits], restarts=N_STARTS),
                     em_ll))
    return row


def worker_hmm_default_init():
    """Each library's own initialisation, as a user gets it: hmmlearn's k-means means, data covariance and
    uniform probabilities (random_state 0..4); ours: fit(restarts=5) with its k-means++ starts."""
    from hmmlearn import hmm
    from models import GaussianHMM
    X = hmm_data()

    def em_fits():
        best, iters = -np.inf, []
        for seed in range(N_STARTS):
            h = hmm.GaussianHMM(3, "full", n_iter=1000, tol=TOL, covars_prior=0.0, random_state=seed).fit(X)
            best, iters = max(best, h.score(X)), iters + [h.monitor_.iter]
        return best, iters

    (em_ll, iters), em, em_cpu = timed(em_fits)
    row = dict(case="hmm K=3 D=2 T=5000 full, own inits", em_s=em, em_cpu_s=em_cpu,
               em_ll=em_ll, em_iters=iters,
               baseline="hmmlearn EM", n=len(X))
    row.update(_ours(lambda: GaussianHMM(3, "full", priors=None), X, dict(restarts=N_STARTS, seed=0), em_ll))
    return row


def worker_gmm_default_init():
    """Each library's own initialisation: sklearn's k-means (n_init=5); ours: fit(restarts=5)."""
    from sklearn.mixture import GaussianMixture as SkGMM
    from models import GaussianMixture
    X = gmm_data()

    def em_fit():
        sk = SkGMM(4, covariance_type="full", n_init=N_STARTS, tol=TOL / len(X), max_iter=1000, reg_covar=1e-10,
                   random_state=0).fit(X)
        return sk.score(X) * len(X), [sk.n_iter_]

    (em_ll, iters), em, em_cpu = timed(em_fit)
    row = dict(case="gmm K=4 D=2 N=5000 full, own inits", em_s=em, em_cpu_s=em_cpu,
               em_ll=em_ll, em_iters=iters,
               baseline="sklearn EM", n=len(X))
    row.update(_ours(lambda: GaussianMixture(4, "full", priors=None), X, dict(restarts=N_STARTS, seed=0), em_ll))
    return row


def run_case(case, cache_dir=None, dynamax=True):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    if cache_dir:
        env["NUMBAYES_CACHE_DIR"] = cache_dir
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    worker, flags = (("hmm", ["--one-core"]) if case == "hmm_one_core" else (case, []))
    out = subprocess.run([sys.executable, __file__, "--worker", worker] + flags + ([] if dynamax else ["--no-dynamax"]),
                         env=env, capture_output=True, text=True, cwd=HERE)
    if out.returncode:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(args):
    if "--worker" in args:
        workers = {"hmm": worker_hmm, "hmm_lengths": worker_hmm_lengths, "gmm": worker_gmm,
                   "hmm_default_init": worker_hmm_default_init, "gmm_default_init": worker_gmm_default_init}
        print(json.dumps(workers[args[args.index("--worker") + 1]](), default=float))
        return
    all_cases = ["hmm", "hmm_one_core", "hmm_lengths", "hmm_default_init", "gmm", "gmm_default_init"]
    cases = [a for a in args if a in all_cases] or all_cases
    repeat = int(args[args.index("--repeat") + 1]) if "--repeat" in args else 1
    rows = []
    for case in cases:
        runs = [("warm", None)] * repeat
        if "--cold" in args:
            runs.insert(0, ("cold", tempfile.mkdtemp(prefix="numbayes-cold-")))
        run_case(case, dynamax=False)  # make sure the default cache is warm
        for label, cache in runs:
            load_before = os.getloadavg()[0]
            r = run_case(case, cache, dynamax=label == "warm")
            r.update(cache=label, load=f"{load_before:.1f}-{os.getloadavg()[0]:.1f}",
                     cores=1 if case == "hmm_one_core" else len(os.sched_getaffinity(0)),
                     speedup=r["em_s"] / r["ours_s"], speedup_cpu=r["em_cpu_s"] / r["ours_cpu_s"],
                     ll_diff_per_sample=(r["ours_ll"] - r["em_ll"]) / r["n"])
            if "dynamax_s" in r:
                r["speedup_vs_dynamax"] = r["dynamax_s"] / r["ours_s"]
            rows.append(r)
            if cache:
                shutil.rmtree(cache, ignore_errors=True)
    print_table(rows, ["case", "cache", "cores", "load", "ours_s", "ours_cpu_s", "ours_again_s", "em_s", "em_cpu_s",
                       "speedup", "speedup_cpu", "ours_ll", "em_ll", "ll_diff_per_sample", "baseline", "dynamax_s"])
    for r in rows:
        print(f"{r['case']} ({r['cache']}, cores={r['cores']}): iterations per start ours {r['ours_iters']}, "
              f"EM {r['em_iters']}")
    save("bench_fit", rows, extra=dict(n_starts=N_STARTS, tol=TOL))


if __name__ == "__main__":
    main(sys.argv[1:])
