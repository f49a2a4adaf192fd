"""Time to a new log density when only a prior constant, the data values or the data length change.

Usage: python benchmarks/bench_reuse.py [MODEL ...]      (models: eight_schools logistic gmm hmm)

For each shared benchmark model (its prior scale made a parameter), in one process: the first
log density (the compiled code may come from the disk cache), then a changed prior scale, new
data values of the same shape, one data row fewer and half the rows. Each row gives the seconds
from `ppl.log_density(...)` to the first `logp_and_grad` value (wall and process time) and whether
new code was compiled. The last columns compare the per-call time, in an @njit loop, of the code
shared across lengths (sizes read at run time) with the code compiled for this length alone, and
of the code reading its constants from the run-time buffer with constants written into the source.
"""
import sys
import time

import numpy as np

import autodiff.numpy as anp
import ppl
import ppl.distributions as dist
from autodiff.codegen import emit, sizes
from autodiff.scipy.special import logsumexp
from bench_ppl import _loop
from common import print_table, save, shared_bench

import models_numbayes as M


def eight_schools(scale):
    def model(y, sigma):
        mu = ppl.sample("mu", dist.Normal(0.0, scale))
        tau = ppl.sample("tau", dist.HalfCauchy(5.0))
        theta_tilde = ppl.sample("theta_tilde", dist.Normal(0.0, 1.0).expand((y.shape[0],)))
        ppl.sample("obs", dist.Normal(mu + tau * theta_tilde, sigma), obs=y)
    return model


def logistic(scale):
    def model(X, y):
        alpha = ppl.sample("alpha", dist.Normal(0.0, scale))
        beta = ppl.sample("beta", dist.Normal(0.0, scale).expand((X.shape[1],)))
        ppl.sample("obs", dist.Bernoulli(logits=alpha + X @ beta), obs=y)
    return model


def gmm(scale):
    def model(y, K):
        w = ppl.sample("w", dist.Dirichlet(np.ones(K)))
        mu = M._ordered_normal("mu", K, scale)
        sigma = ppl.sample("sigma", dist.LogNormal(0.0, 1.0).expand((K,)))
        lp = anp.log(w) + dist.Normal(mu, sigma).log_prob(y[:, None])
        ppl.factor("lik", anp.sum(logsumexp(lp, axis=-1)))
    return model


def hmm(scale):
    return M.hmm  # its prior constants are fixed in models_numbayes: the constant row repeats the first


MODELS = {"eight_schools": eight_schools, "logistic": logistic, "gmm": gmm, "hmm": hmm}


def _rows_fewer(args, n):
    """The model's data arguments with only the first n rows of every array as long as the first."""
    length = np.shape(args[0])[0]
    return tuple(a[:n] if np.ndim(a) and np.shape(a)[0] == length else a for a in args)


def _scaled(args):
    """New values for the first data argument (y, or logistic's X), the others as they were."""
    return (args[0] * 1.1,) + tuple(args[1:])


def _timed(make, scale, args):
    t0, c0 = time.perf_counter(), time.process_time()
    ld = ppl.log_density(make(scale), *args)
    ld.logp_and_grad(ld.initial_point)
    return ld, time.perf_counter() - t0, time.process_time() - c0


def _us_loop(ld):
    fn, (fdata, idata) = ld.logp_and_grad_fn, ld.data
    x = ld.initial_point.copy()
    _loop(fn, x, fdata, idata, 10)
    n = 2000
    t0 = time.process_time()
    _loop(fn, x, fdata, idata, n)
    return (time.process_time() - t0) / n * 1e6


def main():
    data, _ = shared_bench()
    rows = []
    for name in sys.argv[1:] or ["eight_schools", "logistic", "gmm"]:
        make, (_, args) = MODELS[name], M.get(name, data)
        first, wall, cpu = _timed(make, 2.5, args)
        compiled = {id(first._build(True).compiled.dispatcher)}
        rows.append(dict(model=name, change="first (disk cache)", wall_s=wall, cpu_s=cpu))
        length = np.shape(args[0])[0]
        for change, scale, new_args in [("prior constant", 3.5, args), ("data values", 2.5, _scaled(args)),
                                        (f"length {length} -> {length - 1}", 2.5, _rows_fewer(args, length - 1)),
                                        (f"length {length} -> {length // 2}", 2.5, _rows_fewer(args, length // 2))]:
            ld, wall, cpu = _timed(make, scale, new_args)
            key = id(ld._build(True).compiled.dispatcher)
            rows.append(dict(model=name, change=change, wall_s=wall, cpu_s=cpu, recompiled=key not in compiled))
            compiled.add(key)
        shared_us = _us_loop(ld)
        saved = sizes.registry, sizes.GUESS_AT_LEAST
        sizes.registry, sizes.GUESS_AT_LEAST = sizes.Registry(), 10 ** 9  # compile for this length alone
        try:
            alone = ppl.log_density(make(2.5), *_rows_fewer(args, length // 2))
            alone_us = _us_loop(alone)
        finally:
            sizes.registry, sizes.GUESS_AT_LEAST = saved
        rows[-1].update(us_shared=shared_us, us_this_length=alone_us, ratio=shared_us / alone_us)
        # the constants read from the lits buffer against constants written into the source (as before)
        lifted_us = _us_loop(first)
        saved = emit.is_lifted
        emit.is_lifted = lambda val: False
        try:
            inline_us = _us_loop(ppl.log_density(make(2.5), *args))
        finally:
            emit.is_lifted = saved
        rows[-5].update(us_lits=lifted_us, us_inline=inline_us, ratio_lits=lifted_us / inline_us)
        for r in rows[-5:]:
            print({k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()}, flush=True)
    print()
    print_table(rows, ["model", "change", "wall_s", "cpu_s", "recompiled", "us_shared", "us_this_length", "ratio",
                       "us_lits", "us_inline", "ratio_lits"])
    save("bench_reuse", rows)


if __name__ == "__main__":
    main()
