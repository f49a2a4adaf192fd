"""Per-call cost of the decompositions and matrix functions in compiled value-and-gradient code,
against the NumPy/SciPy call alone (values only, no gradient) on the same matrix.

Usage: python benchmarks/bench_linalg.py
Columns: n, microseconds per call of numpy/scipy's value, of the eager (uncompiled) value_and_grad,
and of ad.jit(value_and_grad) called from Python; trace+compile seconds of the first jit call in this
process (the kernels themselves come from Numba's disk cache after the first run on a machine).
"""
import time

import numpy as np
import scipy.linalg as sl

import autodiff as ad
import autodiff.numpy as anp
import autodiff.scipy.linalg as asl

from common import print_table, save, time_calls


def _weights(shape):
    return np.cos(np.arange(int(np.prod(shape))).reshape(shape))


def matrix(n, seed=0):
    rng = np.random.default_rng(seed)
    return np.eye(n) + 0.3 * rng.standard_normal((n, n)) / np.sqrt(n)


CASES = [  # (name, ours (scalar), reference value call)
    ("svd: sum(w * U diag(s) Vh) + sum(s)",
     lambda a: anp.sum(_weights(a.shape) * (lambda u, s, vt: (u * s) @ vt)(*anp.linalg.svd(a))) +
     anp.sum(anp.linalg.svdvals(a)), lambda a: np.linalg.svd(a)),
    ("qr: sum(w * R)", lambda a: anp.sum(_weights(a.shape) * anp.linalg.qr(a)[1]), lambda a: np.linalg.qr(a)),
    ("lu_factor + lu_solve", lambda a: anp.sum(asl.lu_solve(asl.lu_factor(a), np.ones(a.shape[0]))),
     lambda a: sl.lu_solve(sl.lu_factor(a), np.ones(a.shape[0]))),
    ("pinv", lambda a: anp.sum(_weights(a.shape) * anp.linalg.pinv(a)), lambda a: np.linalg.pinv(a)),
    ("expm", lambda a: anp.sum(_weights(a.shape) * asl.expm(a)), lambda a: sl.expm(a)),
    ("logm", lambda a: anp.sum(_weights(a.shape) * asl.logm(a)), lambda a: sl.logm(a)),
    ("sqrtm", lambda a: anp.sum(_weights(a.shape) * asl.sqrtm(a)), lambda a: sl.sqrtm(a)),
]


def main():
    rows = []
    for n in (4, 16):
        a = matrix(n)
        for name, ours, ref in CASES:
            vg = ad.value_and_grad(ours)
            t0 = time.perf_counter()
            jvg = ad.jit(vg)
            jvg(a)
            compile_s = time.perf_counter() - t0
            rows.append(dict(function=name, n=n, numpy_scipy_value_us=time_calls(lambda: ref(a)),
                             eager_value_and_grad_us=time_calls(lambda: vg(a), t_min=0.2),
                             jit_value_and_grad_us=time_calls(lambda: jvg(a)), first_jit_call_s=compile_s))
    columns = ["function", "n", "numpy_scipy_value_us", "eager_value_and_grad_us", "jit_value_and_grad_us",
               "first_jit_call_s"]
    print_table(rows, columns)
    save("bench_linalg", rows)


if __name__ == "__main__":
    main()
