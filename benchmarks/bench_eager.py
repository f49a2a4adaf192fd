"""Eager (un-jitted) control flow and vmap: the body traced once and run per step, and vmap through
batching rules, against the old eager paths and plain numpy, all measured in this run.

Usage: OPENBLAS_NUM_THREADS=1 python benchmarks/bench_eager.py
Rows:
  scan: an RNN step (D=3 and D=16), an HMM forward step (K=3, logsumexp), a fori_loop: us per step
    of ad.scan now, of the old eager path (the body called in Python on every step, kept as the
    fallback `control_flow._python_scan`) and of the same loop written in numpy; also under ad.grad.
  vmap: a per-example logistic log-likelihood and its per-example gradient over N examples, and a
    per-component MVN log-density (triangular solve) over K components, an RNN scan per sequence over
    a batch of sequences (vmap of scan: the body batched once): us per call of
    ad.vmap now, of the old eager path (the per-example function in a Python loop, as vmap's scan
    ran it), of a numpy loop and of the vectorised numpy expression.
Ratios: old / new (speed-up) and new / numpy loop. CPU time (time.process_time), median of batches.
"""
import time

import numpy as np
import scipy.linalg
import scipy.special

import autodiff as ad
import autodiff.numpy as anp
import autodiff.scipy.linalg as aspl
import autodiff.scipy.special as asps
from autodiff.control_flow import _python_scan
from autodiff.tree import tree_flatten

from common import print_table, save


def cpu_time(f, repeats=5, t_min=0.6):
    """Median CPU seconds per call over `repeats` batches lasting about t_min/repeats seconds each."""
    f()
    t0 = time.process_time()
    f()
    dt = max(time.process_time() - t0, 1e-6)
    n = max(1, int(t_min / repeats / dt))
    batches = []
    for _ in range(repeats):
        t0 = time.process_time()
        for _ in range(n):
            f()
        batches.append((time.process_time() - t0) / n)
    return float(np.median(batches))


def old_scan(f, init, xs):
    """The eager scan before this change: f called in Python on every step."""
    leaves, tree = tree_flatten(xs)
    return _python_scan(f, init, leaves, tree, len(leaves[0]), False)


def old_vmap(f, *args):
    """The eager vmap before this change: the per-example function in a Python loop (vmap's scan)."""
    return old_scan(lambda c, a: (c, f(*a)), (), args)[1]


RNG = np.random.default_rng(0)


# -- scan workloads: (name, steps, body(c, x) with autodiff.numpy, init, xs, numpy loop, loss for grad) -------
def rnn_case(d, steps):
    a = RNG.normal(size=(d, d)) / np.sqrt(d)
    xs = RNG.normal(size=(steps, d))

    def body(c, x):
        h = anp.tanh(a @ c + x)
        return h, anp.sum(h * h)

    def numpy_loop():
        h, ys = np.zeros(d), np.empty(steps)
        for i in range(steps):
            h = np.tanh(a @ h + xs[i])
            ys[i] = np.sum(h * h)
        return h, ys

    def loss(scan, a_):
        def b(c, x):
            h = anp.tanh(a_ @ c + x)
            return h, anp.sum(h * h)
        return anp.sum(scan(b, np.zeros(d), xs)[1])

    return f"rnn step D={d}", steps, body, np.zeros(d), xs, numpy_loop, loss, a


def hmm_case(k, steps):
    log_a = np.log(RNG.dirichlet(np.ones(k), size=k))
    log_b = RNG.normal(size=(steps, k))

    def body(alpha, lb):
        alpha = asps.logsumexp(alpha[:, None] + log_a, axis=0) + lb
        return alpha, asps.logsumexp(alpha)

    def numpy_loop():
        alpha, ys = np.zeros(k), np.empty(steps)
        for i in range(steps):
            alpha = scipy.special.logsumexp(alpha[:, None] + log_a, axis=0) + log_b[i]
            ys[i] = scipy.special.logsumexp(alpha)
        return alpha, ys

    def loss(scan, la):
        def b(alpha, lb):
            alpha = asps.logsumexp(alpha[:, None] + la, axis=0) + lb
            return alpha, asps.logsumexp(alpha)
        return scan(b, np.zeros(k), log_b)[0][0]

    return f"hmm forward K={k}", steps, body, np.zeros(k), log_b, numpy_loop, loss, log_a


def scan_rows():
    rows = []
    for name, steps, body, init, xs, numpy_loop, loss, param in (rnn_case(3, 500), rnn_case(16, 500),
                                                                   hmm_case(3, 500)):
        np.testing.assert_allclose(ad.scan(body, init, xs)[1], numpy_loop()[1], rtol=1e-10)
        new = cpu_time(lambda: ad.scan(body, init, xs)) / steps * 1e6
        old = cpu_time(lambda: old_scan(body, init, xs)) / steps * 1e6
        ref = cpu_time(numpy_loop) / steps * 1e6
        rows.append(dict(case=name, what="scan", new_us=new, old_us=old, numpy_loop_us=ref,
                         speedup=old / new, vs_numpy=new / ref))
        g_new = cpu_time(lambda: ad.grad(lambda p: loss(ad.scan, p))(param), repeats=3) / steps * 1e6
        g_old = cpu_time(lambda: ad.grad(lambda p: loss(old_scan, p))(param), repeats=3) / steps * 1e6
        np.testing.assert_allclose(ad.grad(lambda p: loss(ad.scan, p))(param),
                                   ad.grad(lambda p: loss(old_scan, p))(param), rtol=1e-9)
        rows.append(dict(case=name, what="grad(scan)", new_us=g_new, old_us=g_old, speedup=g_old / g_new))
    # fori_loop: 1000 steps of a damped update
    w = RNG.normal(size=4)
    step = lambda i, v: v * 0.99 + anp.sin(v + w) * 0.01
    new = cpu_time(lambda: ad.fori_loop(0, 1000, step, np.zeros(4))) / 1000 * 1e6
    old = cpu_time(lambda: old_scan(lambda c, i: (step(i, c), None), np.zeros(4), np.arange(1000))) / 1000 * 1e6

    def numpy_fori():
        v = np.zeros(4)
        for i in range(1000):
            v = v * 0.99 + np.sin(v + w) * 0.01
        return v

    ref = cpu_time(numpy_fori) / 1000 * 1e6
    rows.append(dict(case="damped update D=4", what="fori_loop", new_us=new, old_us=old, numpy_loop_us=ref,
                     speedup=old / new, vs_numpy=new / ref))
    return rows


# -- vmap workloads ---------------------------------------------------------------------------------------
def vmap_rows():
    rows = []
    n, d = 1000, 5
    X = RNG.normal(size=(n, d))
    y = (RNG.uniform(size=n) < 0.5).astype(float)
    beta = RNG.normal(size=d)

    def loglik(x, t, b):
        z = x @ b
        return t * z - anp.logaddexp(0.0, z)

    cases = [
        ("logistic loglik N=1000", lambda: ad.vmap(loglik, in_axes=(0, 0, None))(X, y, beta),
         lambda: old_vmap(lambda x, t: loglik(x, t, beta), X, y),
         lambda: np.array([t * (x @ beta) - np.logaddexp(0.0, x @ beta) for x, t in zip(X, y)]),
         lambda: y * (X @ beta) - np.logaddexp(0.0, X @ beta)),
        ("per-example grad N=1000", lambda: ad.vmap(ad.grad(loglik, argnums=2), in_axes=(0, 0, None))(X, y, beta),
         lambda: old_vmap(lambda x, t: ad.grad(loglik, argnums=2)(x, t, beta), X, y),
         lambda: np.array([(t - scipy.special.expit(x @ beta)) * x for x, t in zip(X, y)]),
         lambda: (y - scipy.special.expit(X @ beta))[:, None] * X),
    ]
    k, dm, npts = 8, 2, 200
    L = np.tril(RNG.normal(size=(k, dm, dm)) * 0.3) + np.eye(dm)
    mu = RNG.normal(size=(k, dm))
    pts = RNG.normal(size=(npts, dm))

    def mvn_logpdf(m, l):
        z = aspl.solve_triangular(l, (pts - m).T, lower=True)
        return -0.5 * anp.sum(z * z, axis=0) - anp.sum(anp.log(anp.diagonal(l))) - dm / 2 * np.log(2 * np.pi)

    def mvn_np(m, l):
        z = scipy.linalg.solve_triangular(l, (pts - m).T, lower=True)
        return -0.5 * np.sum(z * z, axis=0) - np.sum(np.log(np.diagonal(l))) - dm / 2 * np.log(2 * np.pi)

    cases.append(("MVN logpdf K=8, 200 points", lambda: ad.vmap(mvn_logpdf)(mu, L),
                  lambda: old_vmap(mvn_logpdf, mu, L), lambda: np.array([mvn_np(m, l) for m, l in zip(mu, L)]), None))
    n_seq, t_len, ds = 50, 100, 3
    a_rnn = RNG.normal(size=(ds, ds)) / np.sqrt(ds)
    seqs = RNG.normal(size=(n_seq, t_len, ds))

    def seq_loss(xs):
        return anp.sum(ad.scan(lambda h, x: (anp.tanh(a_rnn @ h + x), None), np.zeros(ds), xs)[0])

    def seq_loss_np(xs):
        h = np.zeros(ds)
        for x in xs:
            h = np.tanh(a_rnn @ h + x)
        return np.sum(h)

    cases.append(("scan per sequence, 50 x T=100", lambda: ad.vmap(seq_loss)(seqs),
                  lambda: old_vmap(lambda xs: anp.sum(old_scan(lambda h, x: (anp.tanh(a_rnn @ h + x), None),
                                                               np.zeros(ds), xs)[0]), seqs),
                  lambda: np.array([seq_loss_np(xs) for xs in seqs]), None))
    for name, new_f, old_f, loop_f, vec_f in cases:
        np.testing.assert_allclose(new_f(), loop_f(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(old_f(), loop_f(), rtol=1e-9, atol=1e-12)
        new, old, ref = (cpu_time(f, repeats=3) * 1e6 for f in (new_f, old_f, loop_f))
        vec = cpu_time(vec_f) * 1e6 if vec_f is not None else None
        rows.append(dict(case=name, what="vmap", new_us=new, old_us=old, numpy_loop_us=ref, numpy_vectorised_us=vec,
                         speedup=old / new, vs_numpy=new / ref))
    return rows


def main():
    rows = scan_rows() + vmap_rows()
    print_table(rows, ["case", "what", "new_us", "old_us", "numpy_loop_us", "numpy_vectorised_us", "speedup",
                       "vs_numpy"])
    print("scan rows: us per step; vmap rows: us per call. speedup = old / new; vs_numpy = new / numpy loop")
    save("bench_eager", rows)


if __name__ == "__main__":
    main()
