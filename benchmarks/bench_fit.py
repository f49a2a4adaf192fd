"""Time to fit a Gaussian HMM and a Gaussian mixture by gradient-based optimisation (models.GaussianHMM,
models.GaussianMixture with L-BFGS) against EM (hmmlearn, scikit-learn), from the same starts, on the
same data, measured in the same process.

Usage: python benchmarks/bench_fit.py [hmm] [hmm_default_init] [gmm] [gmm_default_init] [--cold]
Each case runs in a fresh process (so our time includes tracing the model and loading its compiled
code from the warm cache; the first run of a model in a process pays this). --cold adds a run with
an empty NUMBAYES_CACHE_DIR (trace + Numba compile). ours_again_s: a second fit in the same process
(the model is traced and its code generated again; Numba's modules are already loaded). speedup =
em_s / ours_s. Both sides use one BLAS thread.

hmm: K=3, D=2, T=5000, full covariances, 5 k-means++ starts; hmmlearn GaussianHMM(n_iter=1000,
     tol=1e-4, covars_prior=0) from the same parameters; ours: maximum likelihood (priors=None).
hmm_default_init: the same data, each library starting from its own default initialisation.
gmm: K=4, D=2, N=5000, full; sklearn GaussianMixture(tol=1e-4, reg_covar=1e-10) from the same
     weights/means/precisions; ours likewise. gmm_default_init: sklearn's k-means init, n_init=5.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from common import print_table, save

HERE = os.path.dirname(os.path.abspath(__file__))
N_STARTS = 5


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


def worker_hmm():
    from hmmlearn import hmm
    from models import GaussianHMM
    X = hmm_data()
    inits = [{"initial": np.full(3, 1 / 3), "transition": np.full((3, 3), 0.05) + 0.85 * np.eye(3), "means": m,
              "covs": c} for _, m, c in starts(X, 3)]
    t0 = time.perf_counter()
    fit = GaussianHMM(3, "full", priors=None).fit(X, init=inits, restarts=N_STARTS)
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    GaussianHMM(3, "full", priors=None).fit(X, init=inits, restarts=N_STARTS)
    again = time.perf_counter() - t0
    t0 = time.perf_counter()
    best, iters = -np.inf, []
    for p in inits:
        h = hmm.GaussianHMM(3, "full", n_iter=1000, tol=1e-4, init_params="", covars_prior=0.0)
        h.startprob_, h.transmat_, h.means_, h.covars_ = p["initial"], p["transition"], p["means"], p["covs"]
        h.fit(X)
        best, iters = max(best, h.score(X)), iters + [h.monitor_.iter]
    em = time.perf_counter() - t0
    return dict(case="hmm K=3 D=2 T=5000 full", ours_s=ours, ours_again_s=again, em_s=em,
                ours_ll=fit.log_likelihood, em_ll=best,
                ours_iters=[r[2] for r in fit.optimize_result.runs], em_iters=iters, baseline="hmmlearn EM")


def worker_gmm():
    from sklearn.mixture import GaussianMixture as SkGMM
    from models import GaussianMixture
    X = gmm_data()
    inits = starts(X, 4)
    t0 = time.perf_counter()
    fit = GaussianMixture(4, "full", priors=None).fit(
        X, init=[{"weights": w, "means": m, "covs": c} for w, m, c in inits], restarts=N_STARTS)
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    GaussianMixture(4, "full", priors=None).fit(
        X, init=[{"weights": w, "means": m, "covs": c} for w, m, c in inits], restarts=N_STARTS)
    again = time.perf_counter() - t0
    t0 = time.perf_counter()
    best, iters = -np.inf, []
    for w, m, c in inits:
        sk = SkGMM(4, covariance_type="full", weights_init=w, means_init=m, precisions_init=np.linalg.inv(c),
                   tol=1e-4, max_iter=1000, reg_covar=1e-10).fit(X)
        best, iters = max(best, sk.score(X) * len(X)), iters + [sk.n_iter_]
    em = time.perf_counter() - t0
    return dict(case="gmm K=4 D=2 N=5000 full", ours_s=ours, ours_again_s=again, em_s=em,
                ours_ll=fit.log_likelihood, em_ll=best,
                ours_iters=[r[2] for r in fit.optimize_result.runs], em_iters=iters, baseline="sklearn EM")


def worker_hmm_default_init():
    """Each library's own initialisation, as a user gets it: hmmlearn's k-means means, data covariance and
    uniform probabilities (random_state 0..4); ours: fit(restarts=5) with its k-means++ starts."""
    from hmmlearn import hmm
    from models import GaussianHMM
    X = hmm_data()
    t0 = time.perf_counter()
    fit = GaussianHMM(3, "full", priors=None).fit(X, restarts=N_STARTS, seed=0)
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    GaussianHMM(3, "full", priors=None).fit(X, restarts=N_STARTS, seed=0)
    again = time.perf_counter() - t0
    t0 = time.perf_counter()
    best, iters = -np.inf, []
    for seed in range(N_STARTS):
        h = hmm.GaussianHMM(3, "full", n_iter=1000, tol=1e-4, covars_prior=0.0, random_state=seed).fit(X)
        best, iters = max(best, h.score(X)), iters + [h.monitor_.iter]
    em = time.perf_counter() - t0
    return dict(case="hmm K=3 D=2 T=5000 full, own inits", ours_s=ours, ours_again_s=again, em_s=em,
                ours_ll=fit.log_likelihood,
                em_ll=best, ours_iters=[r[2] for r in fit.optimize_result.runs], em_iters=iters,
                baseline="hmmlearn EM")


def worker_gmm_default_init():
    """Each library's own initialisation: sklearn's k-means (n_init=5); ours: fit(restarts=5)."""
    from sklearn.mixture import GaussianMixture as SkGMM
    from models import GaussianMixture
    X = gmm_data()
    t0 = time.perf_counter()
    fit = GaussianMixture(4, "full", priors=None).fit(X, restarts=N_STARTS, seed=0)
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    GaussianMixture(4, "full", priors=None).fit(X, restarts=N_STARTS, seed=0)
    again = time.perf_counter() - t0
    t0 = time.perf_counter()
    sk = SkGMM(4, covariance_type="full", n_init=N_STARTS, tol=1e-4, max_iter=1000, reg_covar=1e-10,
               random_state=0).fit(X)
    em = time.perf_counter() - t0
    return dict(case="gmm K=4 D=2 N=5000 full, own inits", ours_s=ours, ours_again_s=again, em_s=em,
                ours_ll=fit.log_likelihood, em_ll=sk.score(X) * len(X),
                ours_iters=[r[2] for r in fit.optimize_result.runs], em_iters=[sk.n_iter_], baseline="sklearn EM")


def run_case(case, cache_dir=None):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    if cache_dir:
        env["NUMBAYES_CACHE_DIR"] = cache_dir
    out = subprocess.run([sys.executable, __file__, "--worker", case], env=env, capture_output=True, text=True,
                         cwd=HERE)
    if out.returncode:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(args):
    if "--worker" in args:
        workers = {"hmm": worker_hmm, "gmm": worker_gmm, "hmm_default_init": worker_hmm_default_init,
                   "gmm_default_init": worker_gmm_default_init}
        print(json.dumps(workers[args[args.index("--worker") + 1]](), default=float))
        return
    all_cases = ["hmm", "hmm_default_init", "gmm", "gmm_default_init"]
    cases = [a for a in args if a in all_cases] or all_cases
    rows = []
    for case in cases:
        runs = [("warm", None)]
        if "--cold" in args:
            runs.insert(0, ("cold", tempfile.mkdtemp(prefix="numbayes-cold-")))
        run_case(case)  # make sure the default cache is warm
        for label, cache in runs:
            r = run_case(case, cache)
            r.update(cache=label, speedup=r["em_s"] / r["ours_s"], ll_diff=r["ours_ll"] - r["em_ll"])
            rows.append(r)
    print_table(rows, ["case", "cache", "ours_s", "ours_again_s", "em_s", "speedup", "ours_ll", "em_ll", "ll_diff",
                       "baseline"])
    for r in rows:
        print(f"{r['case']} ({r['cache']}): iterations per start ours {r['ours_iters']}, EM {r['em_iters']}")
    save("bench_fit", rows, extra=dict(n_starts=N_STARTS))


if __name__ == "__main__":
    main(sys.argv[1:])
