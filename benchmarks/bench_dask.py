"""Scale-out overhead: 64 chains of eight schools and 200 small Gaussian HMM fits on a Dask
LocalCluster (1 and 2 worker processes, one thread each) against the local run (chains in threads,
fits one after another), plus the per-task cost of the executor machinery on a no-op task.

Usage: python benchmarks/bench_dask.py [--quick]

Rows: `local` is the run without an executor; `dask Nw (first)` is the first run on a fresh cluster
(workers import numbayes, rebuild the model and load its code from the disk cache; for the fits,
a few of them), `dask Nw` the best of two later runs (one for the fits); the local rows are the
best of two runs too. NUMBAYES_CACHE_DIR
defaults to a cache of the benchmark's own, warmed by the local runs. overhead_ms_per_task = (wall - local_1core_wall / N) / tasks * N: the time
each task costs beyond its share of the one-core local work (negative when Dask's processes beat
the GIL-free threads, which they should not). speedup = local (1 core) / this row. The draws of
every Dask run are checked bit-identical to the local run's. The HMMs are fitted by maximum
likelihood (priors=None): with the default priors the data's scale is baked into the generated
code, so every dataset would compile its own log density and the table would time Numba.
"""
import os
import sys
import time
import warnings

import numpy as np

# A cache of our own: other jobs on this machine rewriting the shared default cache made every fit
# recompile. Worker processes inherit it; it is warmed by the local runs before the clusters start.
os.environ.setdefault("NUMBAYES_CACHE_DIR", os.path.join(os.environ.get("TMPDIR", "/tmp"), "numbayes-bench-dask"))

from common import print_table, save

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "samplers"))

QUICK = "--quick" in sys.argv
CHAINS, DRAWS = (16, 300) if QUICK else (64, 1000)
FITS, T = (40, 100) if QUICK else (200, 100)


def eight_schools_ld():
    import ppl
    from sampler_models import SIGMA, Y, eight_schools
    return ppl.log_density(eight_schools, SIGMA, y=Y)


def hmm_datasets():
    rng = np.random.default_rng(0)
    out = []
    for _ in range(FITS):
        states = (np.cumsum(rng.uniform(size=T) < 0.1) % 2).astype(bool)
        out.append(np.where(states, 2.0, -2.0)[:, None] + rng.normal(0.0, 1.0, (T, 1)))
    return out


def run_chains(ld, executor=None, cores=None):
    import samplers
    t0 = time.perf_counter()
    idata = samplers.nuts(ld, draws=DRAWS, tune=DRAWS, chains=CHAINS, seed=0, cores=cores, executor=executor,
                          progressbar=False)
    return time.perf_counter() - t0, np.asarray(idata.posterior["mu"])


def run_fits(datasets, executor=None):
    from models import GaussianHMM
    t0 = time.perf_counter()
    fits = GaussianHMM(n_states=2, covariance="diag", priors=None).fit_many(datasets, executor=executor, seed=0,
                                                                            restarts=2, progressbar=False)
    return time.perf_counter() - t0, np.array([f.log_likelihood for f in fits])


def noop(shared, item):
    return item


def noop_ms_per_task(executor, n=500):
    from samplers.distributed import run_tasks
    run_tasks(executor, noop, None, range(20), desc="", progressbar=False)
    t0 = time.perf_counter()
    run_tasks(executor, noop, None, range(n), desc="", progressbar=False)
    return (time.perf_counter() - t0) / n * 1e3


def row(workload, where, wall, tasks, local_1core, workers, identical=None):
    return dict(workload=workload, where=where, wall_s=round(wall, 3), tasks=tasks,
                overhead_ms_per_task=round((wall - local_1core / workers) / tasks * workers * 1e3, 2),
                speedup=round(local_1core / wall, 2), identical=identical)


def main():
    from distributed import Client, LocalCluster
    warnings.simplefilter("ignore")
    load_before = os.getloadavg()
    ld, datasets = eight_schools_ld(), hmm_datasets()
    rows = []
    # fits first: after the chains this process has imported arviz and xarray, and the fits'
    # Python-heavy tracing then ran 2-5x slower here (the workers never import them)
    run_fits(datasets[:4])
    f1, ref_ll = min((run_fits(datasets) for _ in range(2)), key=lambda r: r[0])
    fits_label = f"{FITS} HMM fits (T={T})"
    rows.append(row(fits_label, "local, one after another", f1, FITS, f1, 1))
    run_chains(ld, cores=1)  # compile / load here first
    t1, ref_draws = min((run_chains(ld, cores=1) for _ in range(2)), key=lambda r: r[0])
    t2, _ = min((run_chains(ld, cores=2) for _ in range(2)), key=lambda r: r[0])
    chains_label = f"{CHAINS} chains eight schools"
    rows += [row(chains_label, "local threads, 1 core", t1, CHAINS, t1, 1),
             row(chains_label, "local threads, 2 cores", t2, CHAINS, t1, 2)]
    noop_ms = {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                          silence_logs=50) as cluster, Client(cluster) as client:
            noop_ms[workers] = noop_ms_per_task(client)
            first, draws = run_chains(ld, client)
            rows.append(row(chains_label, f"dask {workers}w (first)", first, CHAINS, t1, workers,
                            bool(np.array_equal(draws, ref_draws))))
            wall, draws = min((run_chains(ld, client) for _ in range(2)), key=lambda r: r[0])
            rows.append(row(chains_label, f"dask {workers}w", wall, CHAINS, t1, workers,
                            bool(np.array_equal(draws, ref_draws))))
            warm = 4 * workers
            first, ll = run_fits(datasets[:warm], client)
            rows.append(row(f"{warm} of those fits", f"dask {workers}w (first)", first, warm, f1 * warm / FITS, workers,
                            bool(np.array_equal(ll, ref_ll[:warm]))))
            wall, ll = run_fits(datasets, client)
            rows.append(row(fits_label, f"dask {workers}w", wall, FITS, f1, workers, bool(np.array_equal(ll, ref_ll))))
    load_after = os.getloadavg()
    print_table(rows, ["workload", "where", "wall_s", "tasks", "overhead_ms_per_task", "speedup", "identical"])
    print(f"no-op task through samplers.distributed.run_tasks: {noop_ms[1]:.2f} ms/task (1 worker), "
          f"{noop_ms[2]:.2f} ms/task (2 workers)")
    note = (f"2-core machine shared with other jobs: load average {load_before[0]:.1f} before, "
            f"{load_after[0]:.1f} after (1-minute); timings are noisy and scaling is capped by the 2 cores")
    print(note)
    save("dask", rows, dict(noop_ms_per_task=noop_ms, chains=CHAINS, draws=DRAWS, tune=DRAWS, fits=FITS, T=T,
                            quick=QUICK, load_average_before=load_before, load_average_after=load_after, note=note))


if __name__ == "__main__":
    main()
