"""Per-call cost of autodiff's compiled value-and-gradient against hand-written Numba gradients
(../shared/bench/numba_ref.py) and, when installed, JAX, on the shared benchmark models.

Usage: python benchmarks/bench_autodiff.py
Columns: microseconds per call from Python and from inside an @njit loop (how samplers call it),
the ratio to the hand-written gradient measured in the same run, and trace+compile seconds
(first call) in this process.
"""
import math
import subprocess
import sys
import time

import numba
import numpy as np

import autodiff as ad
import autodiff.numpy as anp
from autodiff.scipy.special import gammaln  # noqa: F401  (warm the import)

from common import print_table, save, shared_bench, time_calls

HERE_DIR = __import__("os").path.dirname(__import__("os").path.abspath(__file__))
LOG2PI = math.log(2 * math.pi)


def eight_schools_logp(y, sigma, xnp=anp):
    """Non-centred eight schools; xnp: the NumPy namespace (autodiff.numpy, or jax.numpy for JAX's row)."""
    def logp(theta):
        mu, u, tt = theta[0], theta[1], theta[2:]
        tau = xnp.exp(u)
        lp = -0.5 * (mu / 5.0) ** 2 - math.log(5.0) - 0.5 * LOG2PI
        lp = lp + math.log(2.0 / (math.pi * 5.0)) - xnp.log1p((tau / 5.0) ** 2) + u
        lp = lp + xnp.sum(-0.5 * tt ** 2 - 0.5 * LOG2PI)
        r = (y - mu - tau * tt) / sigma
        return lp + xnp.sum(-0.5 * r ** 2 - xnp.log(sigma) - 0.5 * LOG2PI)
    return logp


def logistic_logp(X, y):
    c = -math.log(2.5) - 0.5 * LOG2PI

    def logp(theta):
        alpha, beta = theta[0], theta[1:]
        lp = anp.sum(-0.5 * (theta / 2.5) ** 2 + c)
        eta = alpha + X @ beta
        return lp + anp.sum(y * eta - anp.logaddexp(0.0, eta))
    return logp


def corr_gauss_logp(P):
    return lambda x: -0.5 * x @ (P @ x)


def iid_gauss_logp(D):
    return lambda x: -0.5 * D * LOG2PI - 0.5 * anp.sum(x ** 2)


@numba.njit
def _loop(fn, x, n, consts):
    acc = 0.0
    for _ in range(n):
        out = fn(x, *consts)
        acc += out[0]
        x[0] += 1e-12 * out[1][0]
    return acc


def bench_model(name, logp, ref_call, ref_loop, dim, rng):
    x0 = rng.uniform(-0.5, 0.5, dim)
    t0 = time.perf_counter()
    jitted = ad.jit(ad.value_and_grad(logp))
    compiled = jitted.lower(x0)
    lp, g = jitted(x0)
    first_call = time.perf_counter() - t0
    ref_lp, ref_g = ref_call(x0.copy())
    ok = bool(np.isclose(lp, ref_lp, rtol=1e-9, atol=1e-8) and np.allclose(g, ref_g, rtol=1e-7, atol=1e-8))
    disp, consts = compiled.dispatcher, tuple(compiled.consts)
    us_py = time_calls(lambda: disp(x0, *consts))
    us_wrapper = time_calls(lambda: jitted(x0))
    ref_py = time_calls(lambda: ref_call(x0))
    n = max(1000, int(0.3e6 / max(us_py, 0.05)))
    _loop(disp, x0.copy(), 10, consts)
    t0 = time.perf_counter(); _loop(disp, x0.copy(), n, consts); us_loop = (time.perf_counter() - t0) / n * 1e6
    ref_loop(x0.copy(), 10)
    t0 = time.perf_counter(); ref_loop(x0.copy(), n); ref_us_loop = (time.perf_counter() - t0) / n * 1e6
    return dict(model=name, dim=dim, matches_ref=ok, us_python=us_py, us_jit_wrapper=us_wrapper, ref_us_python=ref_py,
                ratio_python=us_py / ref_py, us_loop=us_loop, ref_us_loop=ref_us_loop, ratio_loop=us_loop / ref_us_loop,
                first_call_s=first_call)


def bench_jax(name, d):
    """JAX's jit(value_and_grad) of the same functions (optional: only if jax is installed)."""
    try:
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
    except ImportError:
        return None
    rng = np.random.default_rng(0)
    if name == "eight_schools":
        f, dim = eight_schools_logp(jnp.asarray(d["y"]), jnp.asarray(d["sigma"]), jnp), 2 + len(d["y"])
    elif name == "logistic":
        X, y = jnp.asarray(d["X"]), jnp.asarray(d["y"])
        c = -math.log(2.5) - 0.5 * LOG2PI
        f = lambda th: jnp.sum(-0.5 * (th / 2.5) ** 2 + c) + jnp.sum(y * (th[0] + X @ th[1:]) - jnp.logaddexp(0.0, th[0] + X @ th[1:]))  # noqa
        dim = X.shape[1] + 1
    elif name == "iid_gauss_1000":
        f, dim = (lambda x: -0.5 * 1000 * LOG2PI - 0.5 * jnp.sum(x ** 2)), 1000
    elif name == "corr_gauss_100":
        P = jnp.asarray(d["P"])
        f, dim = (lambda x: -0.5 * x @ (P @ x)), P.shape[0]
    else:
        return None
    vg = jax.jit(jax.value_and_grad(f))
    x0 = jnp.asarray(rng.uniform(-0.5, 0.5, dim))
    jax.block_until_ready(vg(x0))
    return time_calls(lambda: jax.block_until_ready(vg(x0)))


def warm_cache_first_call():
    """Trace+compile time of the logistic model's gradient in a fresh process with a warm Numba cache."""
    code = ("import time; t0=time.perf_counter(); import sys; sys.path.insert(0, %r); "
            "import bench_autodiff as b, numpy as np, autodiff as ad; data, _ = b.shared_bench(); "
            "d = data.load('logistic'); f = ad.jit(ad.value_and_grad(b.logistic_logp(d['X'], d['y']))); "
            "t1=time.perf_counter(); f(np.zeros(26)); print(time.perf_counter()-t1, t1-t0)") % (HERE_DIR,)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def main():
    data, ref = shared_bench()
    rng = np.random.default_rng(1)
    rows = []
    for name in ["eight_schools", "logistic", "iid_gauss_1000", "corr_gauss_100"]:
        d = data.load(name)
        ref_call, ref_loop, dim = ref.make(name, d)
        if name == "eight_schools":
            logp = eight_schools_logp(d["y"], d["sigma"])
        elif name == "logistic":
            logp = logistic_logp(np.ascontiguousarray(d["X"]), d["y"])
        elif name == "iid_gauss_1000":
            logp = iid_gauss_logp(int(d["D"]))
        else:
            logp = corr_gauss_logp(np.ascontiguousarray(d["P"]))
        row = bench_model(name, logp, ref_call, ref_loop, dim, rng)
        jax_us = bench_jax(name, d)
        if jax_us is not None:
            row["jax_us_python"] = jax_us
            row["ratio_vs_jax"] = row["us_python"] / jax_us
        rows.append(row)
    warm, imports = warm_cache_first_call()
    print_table(rows, ["model", "dim", "matches_ref", "us_python", "us_jit_wrapper", "ref_us_python", "ratio_python", "us_loop",
                       "ref_us_loop", "ratio_loop", "jax_us_python", "ratio_vs_jax", "first_call_s"])
    print(f"\nlogistic, new process with a warm Numba cache: first call {warm:.3f} s (imports {imports:.2f} s)")
    save("bench_autodiff", rows, dict(warm_cache_first_call_s=warm, warm_cache_import_s=imports))


if __name__ == "__main__":
    main()
