"""Generated code for loops and its simplifications: scan carries that swap or transpose (buffers
reused across steps must not alias), reductions and reshapes inside scan bodies, identities
dropped from the source, the compile announcement and the unrolled-loop warning. The oracle is
the same function run eagerly (a Python loop on numpy values)."""
import io
import warnings

import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp
from autodiff.codegen import compile as codegen_compile
from autodiff.scipy.special import logsumexp
from autodiff.staging import UnrolledLoopWarning

RNG = np.random.default_rng(8)
M0 = RNG.standard_normal((3, 3))
V0 = RNG.standard_normal(3)
XS = RNG.standard_normal((6, 3))


def swap_and_transpose(m, v, xs):
    """Carries that are each other's previous value, a transposed view, a reshaped reduction."""
    def step(c, x):
        a, b, mat = c
        new_mat = anp.transpose(mat) * 0.9 + anp.reshape(x, (3, 1))
        s = anp.sum(new_mat, axis=0) + logsumexp(new_mat, axis=1)
        return (b, a + x + s * 0.01, new_mat), anp.max(anp.reshape(a, (1, 3)), axis=1)

    (a, b, mat), ys = ad.scan(step, (v, v * 2.0, m), xs)
    return anp.sum(a * b) + anp.sum(mat ** 2) + anp.sum(ys)


def passthrough(v, xs):
    """A carry returned unchanged and a carry returned as the other's value."""
    def step(c, x):
        keep, a, b = c
        return (keep, b, a * x), anp.reshape(anp.sum(keep * a), (1,))

    (keep, a, b), ys = ad.scan(step, (v, v + 1.0, v - 1.0), xs, reverse=True)
    return anp.sum(keep) + anp.sum(a * b) + anp.sum(ys)


CASES = [(swap_and_transpose, (M0, V0, XS)), (passthrough, (V0, XS))]


@pytest.mark.parametrize("f,args", CASES, ids=[c[0].__name__ for c in CASES])
def test_scan_carries_jit_equal_eager_value_and_grad(f, args):
    argnums = tuple(range(len(args)))
    eager = ad.value_and_grad(f, argnums=argnums)(*args)
    jitted = ad.jit(ad.value_and_grad(f, argnums=argnums))(*args)
    np.testing.assert_allclose(jitted[0], eager[0], rtol=1e-12)
    for g_jit, g_eager in zip(jitted[1], eager[1]):
        np.testing.assert_allclose(g_jit, g_eager, rtol=1e-10, atol=1e-12)


def test_scan_body_allocates_before_the_loop():
    f = ad.jit(ad.value_and_grad(swap_and_transpose))
    f(M0, V0, XS)
    lines = f.source.splitlines()
    headers = [i for i, line in enumerate(lines) if line.lstrip().startswith("for t_")]
    assert len(headers) == 2  # the forward scan and the backward one
    for i in headers:
        indent = len(lines[i]) - len(lines[i].lstrip())
        body = []
        for line in lines[i + 1:]:
            if len(line) - len(line.lstrip()) <= indent:
                break
            body.append(line)
        assert body and not [line for line in body if "np.empty(" in line or "np.zeros(" in line]


def test_identities_are_not_emitted():
    def g(x):
        return anp.sum((x - 0.0) / 1.0 * 1.0 + 0.0)

    f = ad.jit(ad.value_and_grad(g))
    val, grad = f(np.arange(3.0))
    assert val == 3.0 and np.array_equal(grad, np.ones(3))
    for pattern in ("- 0.0", "/ 1.0", "* 1.0", "+ 0.0"):
        assert pattern not in f.source


def test_long_compile_prints_one_line_and_records_its_time(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(codegen_compile, "ANNOUNCE_AFTER", 0.0)
    with codegen_compile.announce("something slow", stream=out) as timing:
        import time
        time.sleep(0.05)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "compiling something slow" in lines[0] and "cached" in lines[0]
    assert timing["seconds"] >= 0.05
    monkeypatch.setattr(codegen_compile, "ANNOUNCE_AFTER", 5.0)
    quiet = io.StringIO()
    with codegen_compile.announce("something fast", stream=quiet):
        pass
    assert quiet.getvalue() == ""


def test_jit_records_compile_seconds():
    f = ad.jit(lambda x: anp.sum(x * 3.0))
    f(np.ones(2))
    assert f.last.compile_seconds is not None and f.last.compile_seconds >= 0


def test_unrolled_python_loop_warns_and_names_scan():
    def unrolled(x):
        for _ in range(3000):
            x = x * 1.0001 + 0.1
        return anp.sum(x)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ad.jit(ad.value_and_grad(unrolled)).lower(np.ones(2))
    messages = [str(w.message) for w in caught if issubclass(w.category, UnrolledLoopWarning)]
    assert len(messages) == 1 and "ad.scan" in messages[0] and "ad.fori_loop" in messages[0]
