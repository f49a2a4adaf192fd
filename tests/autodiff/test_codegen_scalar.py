"""Small arrays kept as scalar locals in generated code (autodiff/codegen/scalarise.py): every
operation that has a scalar form (elementwise with broadcasting, reductions over some or all axes,
logsumexp, cumsum, reshape, transpose, slice, concatenate, flip, the padding of a slice's gradient)
and the places where an array has to be built (a matmul, a cond, an output, a loop over big data)
in one program, against the same function run eagerly on numpy values, value and gradient; plus
a scan whose small carries swap and whose steps read small slices."""
import re

import numpy as np

import autodiff as ad
import autodiff.numpy as anp
from autodiff.codegen.scalarise import SMALL
from autodiff.scipy.special import logsumexp

RNG = np.random.default_rng(16)
A = RNG.standard_normal((3, 2))
B = RNG.standard_normal(3)
BIG = RNG.standard_normal((40, 2))


def small_ops(a, b, big):
    t = anp.transpose(a)                                    # (2, 3)
    c = anp.concatenate([b[:, None], a, a[:, :1] ** 2], axis=1)  # (3, 4)
    r = anp.reshape(c[:, 1:3], (2, 3)) - t * 0.5            # (2, 3)
    s = anp.sum(r, axis=0) + anp.max(c, axis=1) + logsumexp(c, axis=1)  # (3,)
    cs = anp.cumsum(s[::-1]) * anp.exp(-anp.abs(b))         # flip, cumsum
    m = anp.where(cs > 0.0, cs, 0.1 * cs)                   # (3,)
    prod = a.T @ a                                          # (2, 2): a kernel reads a built array
    branch = ad.cond(anp.sum(m) > 0.0, lambda v: v * 2.0, lambda v: v - 1.0, m)
    lik = anp.sum(logsumexp(big[:, None, :] * a[None, :, :], axis=-1))  # a loop over big data reads a
    return anp.sum(branch ** 2) + anp.sum(prod) + lik + anp.prod(m[:2]) + anp.min(s)


def small_scan(b, xs):
    def step(carry, x):
        u, v = carry
        w = anp.reshape(u, (3, 1)) + anp.reshape(x, (1, 3))
        return (v, logsumexp(w, axis=0) * 0.5), anp.sum(u * x)

    (u, v), ys = ad.scan(step, (b, b * 0.5), xs)
    return anp.sum(u) + anp.sum(v ** 2) + anp.sum(ys)


def check(f, args):
    argnums = tuple(range(len(args)))
    eager = ad.value_and_grad(f, argnums=argnums)(*args)
    jitted = ad.jit(ad.value_and_grad(f, argnums=argnums))
    got = jitted(*args)
    np.testing.assert_allclose(got[0], eager[0], rtol=1e-12)
    for g_jit, g_eager in zip(got[1], eager[1]):
        np.testing.assert_allclose(g_jit, g_eager, rtol=1e-10, atol=1e-12)
    return jitted


def test_small_array_operations_match_eager_value_and_grad():
    f = check(small_ops, (A, B, BIG))
    # a loop at a function's top level runs over the big data only (loops over its inner axes are nested)
    assert not re.search(r"^    for \w+ in range\((\d|1[0-6])\)", f.source, re.M)

def test_small_scan_carries_are_scalars_and_match_eager():
    xs = RNG.standard_normal((7, 3))
    f = check(small_scan, (B, xs))
    loop = f.source.split("for t_")[1]  # the forward scan's body (and what follows)
    body = [line for line in loop.splitlines()[1:] if line.startswith(" " * 8)]
    assert 3 * 3 <= SMALL and body and not [line for line in body if "np.empty(" in line]
    assert re.search(r"v\d+_0, v\d+_1, v\d+_2, v\d+_0, v\d+_1, v\d+_2 = ", loop)  # both carries in one update
    assert not re.search(r"for \w+ in range\(3\)", loop)
