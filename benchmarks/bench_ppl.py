"""logp_and_grad of every shared benchmark model, written in the numbayes DSL, against the
hand-written Numba gradients measured in the same run; plus trace+compile times.

Usage: python benchmarks/bench_ppl.py [MODEL ...]
       python benchmarks/bench_ppl.py mvn     (batched MultivariateNormal against one per component)
       python benchmarks/bench_ppl.py composite [MODEL ...]   (the compiled primitives against their
                                              composite forms, per call, alternating in one process)
The hand-written references use NumPyro's unconstrained parameterisation, which matches ours
for eight_schools, logistic, corr_gauss_100, iid_gauss_1000 and hier_linreg (value and gradient
are checked before timing). "cold" compile = a fresh NUMBAYES cache directory in a new process
(holding a copy of $BENCH_KERNELS, a cache folder's `kernels`, when set: a model new to a cache that
already has the library's kernels); "warm" = a second process reusing it.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numba
import numpy as np

import ppl
from common import merge_previous, print_table, save, shared_bench, time_calls

HERE = os.path.dirname(os.path.abspath(__file__))
ALL = ["eight_schools", "logistic", "hier_linreg", "gmm", "hmm", "corr_gauss_100", "iid_gauss_1000"]


@numba.njit(numba.float64(ppl.LPG_TYPE, numba.float64[::1], numba.float64[::1], numba.int64[::1], numba.int64))
def _loop(fn, x, fdata, idata, n):
    g = np.zeros(x.shape[0])
    acc = 0.0
    for _ in range(n):
        acc += fn(x, g, fdata, idata)
        x[0] += 1e-12 * g[0]
    return acc


def reference(name, data, ref):
    """(call(x) -> (lp, grad), loop(x, n), dim) of a hand-written function of the same flat vector, or None."""
    if name == "hier_linreg":
        import hand_numba
        return hand_numba.make_hier_linreg(data.load(name))
    if name in ("eight_schools", "logistic", "corr_gauss_100", "iid_gauss_1000"):
        return ref.make(name, data.load(name))
    return None


def floor(name, data):
    """(call(), loop(n)) of a hand-written likelihood-only gradient (hand_numba.py) for the models
    whose full hand-written density nobody wrote: a floor, as the priors and bijectors are left out."""
    import hand_numba
    make = {"gmm": hand_numba.make_gmm, "hmm": hand_numba.make_hmm}.get(name)
    if make is None:
        return None
    call, loop, _ = make(data.load(name))
    return call, loop


def compile_seconds(name, cache_dir):
    """(wall seconds, CPU seconds) of tracing and compiling the model in a new process (CPU time is
    the steadier figure on a loaded machine: Numba compiles on one thread), or (None, None) and an error."""
    code = (f"import sys, time; sys.path.insert(0, {HERE!r}); t0 = time.perf_counter(); import ppl, common, "
            f"models_numbayes as M; data, _ = common.shared_bench(); t1 = time.perf_counter(); "
            f"c1 = time.process_time(); "
            f"ld = ppl.log_density(*(lambda m, a: (m, *a))(*M.get({name!r}, data))); "
            f"ld.logp_and_grad(ld.initial_point); print(time.perf_counter() - t1, time.process_time() - c1)")
    env = dict(os.environ, NUMBAYES_CACHE_DIR=cache_dir)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if out.returncode:
        return (None, None), out.stderr.strip().splitlines()[-1]
    wall, cpu = out.stdout.split()[-2:]
    return (float(wall), float(cpu)), None


def _mvn_mixture(how):
    """A full-covariance mixture of K 2-D normals on the hmm data, its likelihood written one of three
    ways: 'batched' (MixtureSameFamily over one MultivariateNormal with scale_tril (K, d, d), the
    compiled primitive), 'per_component' (one MultivariateNormal per component, then logsumexp) and
    'solve' (the primitive's composite form, a batched triangular solve: what 'batched' compiled to before)."""
    import autodiff.numpy as anp
    import ppl.distributions as dist
    from autodiff.scipy.special import logsumexp
    from ppl.distributions.mvn_tril import logpdf_by_solve

    def model(y, K):
        d = y.shape[1]
        w = ppl.sample("w", dist.Dirichlet(np.ones(K)))
        mu = ppl.sample("mu", dist.Normal(0.0, 5.0).expand((K, d)))
        L_corr = ppl.sample("L_corr", dist.LKJCholesky(d, 2.0).expand((K,)))
        scales = ppl.sample("scales", dist.HalfNormal(2.5).expand((K, d)))
        L = scales[:, :, None] * L_corr
        if how == "batched":
            mix = dist.MixtureSameFamily(dist.Categorical(probs=w), dist.MultivariateNormal(mu, scale_tril=L))
            ppl.factor("lik", anp.sum(mix.log_prob(y)))
        elif how == "per_component":
            lp = anp.stack([dist.MultivariateNormal(mu[k], scale_tril=L[k]).log_prob(y) for k in range(K)], axis=-1)
            ppl.factor("lik", anp.sum(logsumexp(lp + anp.log(w), axis=-1)))
        else:
            lp = logpdf_by_solve(y[:, None, :], mu[None], L)
            ppl.factor("lik", anp.sum(logsumexp(lp + anp.log(w), axis=-1)))
    return model


def _alternating_us(lds, x0, n=5000, rounds=7):
    """Best-of-rounds CPU us per call in an @njit loop of each log density, the rounds alternating
    between them so that a change in the machine's load hits all of them alike."""
    best = [np.inf] * len(lds)
    for ld in lds:
        _loop(ld.logp_and_grad_fn, x0.copy(), *ld.data, 10)
    for _ in range(rounds):
        for i, ld in enumerate(lds):
            t0 = time.process_time()
            _loop(ld.logp_and_grad_fn, x0.copy(), *ld.data, n)
            best[i] = min(best[i], (time.process_time() - t0) / n * 1e6)
    return best


def mvn_batched_vs_per_component():
    """us per logp_and_grad in an @njit loop of the three ways of writing an MVN mixture, same run."""
    data, _ = shared_bench()
    d = data.load("hmm")
    y, K = np.ascontiguousarray(d["y"]), int(d["K"])
    rows, lds, x0 = [], [], None
    for how in ("batched", "per_component", "solve"):
        t0 = time.process_time()
        ld = ppl.log_density(_mvn_mixture(how), y, K)
        x0 = ld.initial_point if x0 is None else x0  # one point for all three (the same layout)
        lp = ld.logp_and_grad(x0)[0]
        rows.append(dict(model=f"mvn_mixture_{how}", compile_cpu_s=time.process_time() - t0, logp=float(lp)))
        lds.append(ld)
    for r, us in zip(rows, _alternating_us(lds, x0)):
        r["us_loop_cpu"] = us
    for r in rows:
        r["ratio_to_per_component"] = r["us_loop_cpu"] / rows[1]["us_loop_cpu"]
        assert abs(r["logp"] - rows[1]["logp"]) < 1e-8 * abs(rows[1]["logp"]), "the three forms disagree"
    print()
    print_table(rows, ["model", "us_loop_cpu", "ratio_to_per_component", "compile_cpu_s"])
    save("bench_ppl_mvn", rows)


class _CompositeForms:
    """Within the block, MultivariateNormal(scale_tril=...), CholeskyCorr and Simplex compile to their
    composite forms (a batched triangular solve and elementwise array code: what they compiled to
    before their primitives), so a model's code before and after can be timed in one process."""

    def __enter__(self):
        import types

        import ppl.bijectors.matrix as matrix
        import ppl.bijectors.vector as vector
        from ppl.bijectors import cholesky_corr, stick_breaking
        from ppl.distributions import mvn_tril
        self.saved = [(mvn_tril, "mvn_tril_logpdf_p", mvn_tril.mvn_tril_logpdf_p),
                      (matrix, "cholesky_corr_forward", matrix.cholesky_corr_forward),
                      (vector, "stick_breaking", vector.stick_breaking)]
        mvn_tril.mvn_tril_logpdf_p = types.SimpleNamespace(bind=mvn_tril.logpdf_by_solve)
        matrix.cholesky_corr_forward = cholesky_corr.forward_by_composite
        vector.stick_breaking = lambda x: (stick_breaking.forward_by_composite(x),
                                           stick_breaking.log_det_jacobian_by_composite(x))

    def __exit__(self, *exc):
        for module, name, value in self.saved:
            setattr(module, name, value)


def primitives_vs_composite(names):
    """us per call in an @njit loop of each model compiled with the primitives and with their
    composite forms, alternating in one process (the per-call A/B of this change)."""
    import models_numbayes as M
    data, _ = shared_bench()
    rows = []
    for name in names:
        model, args = M.get(name, data)
        now = ppl.log_density(model, *args)
        with _CompositeForms():
            before = ppl.log_density(model, *args)
            before.logp_and_grad(now.initial_point)
        x0 = now.initial_point
        (lp, g), (lp0, g0) = now.logp_and_grad(x0), before.logp_and_grad(x0)
        assert np.isclose(lp, lp0, rtol=1e-10) and np.allclose(g, g0, rtol=1e-7, atol=1e-9), name
        us_now, us_before = _alternating_us([now, before], x0, n=max(1000, int(2e5 / max(len(x0), 1))))
        rows.append(dict(model=name, us_composite=us_before, us_primitives=us_now, ratio=us_now / us_before))
        print(rows[-1], flush=True)
    print()
    print_table(rows, ["model", "us_composite", "us_primitives", "ratio"])
    save("bench_ppl_composite", rows)


def main():
    import models_numbayes as M
    data, ref = shared_bench()
    names = sys.argv[1:] or ALL
    if names == ["mvn"]:
        return mvn_batched_vs_per_component()
    if names[0] == "composite":
        return primitives_vs_composite(names[1:] or ["gmm", "hmm"])
    rows = []
    for name in names:
        model, args = M.get(name, data)
        row = dict(model=name)
        try:
            t0 = time.perf_counter()
            ld = ppl.log_density(model, *args)
            x0 = ld.initial_point
            ld.logp_and_grad(x0)
            row["first_call_s"] = time.perf_counter() - t0
        except Exception as e:  # noqa: BLE001  (report and continue with the other models)
            row["error"] = f"{type(e).__name__}: {e}"[:120]
            rows.append(row)
            print(name, row["error"], flush=True)
            continue
        fn, (fdata, idata) = ld.logp_and_grad_fn, ld.data
        g = np.zeros(ld.dim)
        row["dim"] = ld.dim
        row["us_python"] = time_calls(lambda: fn(x0, g, fdata, idata))
        n = max(1000, int(0.3e6 / max(row["us_python"], 0.05)))
        _loop(fn, x0.copy(), fdata, idata, 10)
        t0 = time.perf_counter(); _loop(fn, x0.copy(), fdata, idata, n)
        row["us_loop"] = (time.perf_counter() - t0) / n * 1e6
        r = reference(name, data, ref)
        if r is not None:
            call, loop, _ = r
            lp_ref, g_ref = call(x0.copy())
            lp, g2 = ld.logp_and_grad(x0)
            row["matches_ref"] = bool(np.isclose(lp, lp_ref, rtol=1e-9, atol=1e-8) and np.allclose(g2, g_ref, rtol=1e-7, atol=1e-8))
            row["ref_us_python"] = time_calls(lambda: call(x0))
            loop(x0.copy(), 10)
            t0 = time.perf_counter(); loop(x0.copy(), n)
            row["ref_us_loop"] = (time.perf_counter() - t0) / n * 1e6
            row["ratio_loop"] = row["us_loop"] / row["ref_us_loop"]
            row["ratio_python"] = row["us_python"] / row["ref_us_python"]
        f = floor(name, data)
        if f is not None:
            call, loop = f
            row["ref"] = "floor: likelihood only"
            row["ref_us_python"] = time_calls(call)
            loop(10)
            t0 = time.perf_counter(); loop(n)
            row["ref_us_loop"] = (time.perf_counter() - t0) / n * 1e6
            row["ratio_loop"] = row["us_loop"] / row["ref_us_loop"]
            row["ratio_python"] = row["us_python"] / row["ref_us_python"]
        elif r is not None:
            row["ref"] = "hand-written"
        with tempfile.TemporaryDirectory() as tmp:
            kernels = os.environ.get("BENCH_KERNELS")  # a cache holding the library's kernels: copied in
            if kernels:
                shutil.copytree(kernels, os.path.join(tmp, "kernels"))
            (row["cold_compile_s"], row["cold_compile_cpu_s"]), err = compile_seconds(name, tmp)
            (row["warm_compile_s"], row["warm_compile_cpu_s"]), err2 = compile_seconds(name, tmp)
            if err or err2:
                row["error"] = err or err2
        rows.append(row)
        print({k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}, flush=True)
    print()
    print_table(rows, ["model", "dim", "ref", "matches_ref", "us_python", "ref_us_python", "ratio_python", "us_loop",
                       "ref_us_loop", "ratio_loop", "cold_compile_s", "cold_compile_cpu_s", "warm_compile_s",
                       "warm_compile_cpu_s", "error"])
    save("bench_ppl", merge_previous("bench_ppl", rows, ALL))


if __name__ == "__main__":
    main()
