"""Eager scan / fori_loop / while_loop trace their body once and run it per step: the body is called
once (not once per step), results equal a numpy loop, derivatives through them match finite
differences in both modes, and the cases where only the Python loop keeps the semantics (a Python
branch on a value, a custom rule under differentiation, reverse mode through while_loop) keep it."""
import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp
from autodiff.eager_loops import compile_graph
from autodiff.graph import eval_graph

RNG = np.random.default_rng(3)
A = RNG.normal(size=(3, 3)) / 3
XS = RNG.normal(size=(12, 3))


class Counted:
    """A scan body that counts its calls: once means traced once, len(xs) means a Python loop."""

    def __init__(self, fn):
        self.fn, self.calls = fn, 0

    def __call__(self, *args):
        self.calls += 1
        return self.fn(*args)


def rnn_step(c, x):
    h = anp.tanh(A @ c["h"] + x)
    return {"h": h, "n": c["n"] + 1}, (anp.sum(h ** 2), h[0])


def rnn_numpy(h, xs, reverse=False):
    ys, zs = [], []
    order = range(len(xs) - 1, -1, -1) if reverse else range(len(xs))
    for i in order:
        h = np.tanh(A @ h + xs[i])
        ys.append(np.sum(h ** 2)), zs.append(h[0])
    if reverse:
        ys.reverse(), zs.reverse()
    return h, np.array(ys), np.array(zs)


@pytest.mark.parametrize("reverse", [False, True])
def test_eager_scan_traces_once_and_matches_numpy(reverse):
    body = Counted(rnn_step)
    (carry, (ys, zs)) = ad.scan(body, {"h": np.zeros(3), "n": np.int64(0)}, XS, reverse=reverse)
    assert body.calls == 1
    h, ys_ref, zs_ref = rnn_numpy(np.zeros(3), XS, reverse)
    np.testing.assert_allclose(carry["h"], h, rtol=1e-13)
    assert carry["n"] == len(XS)
    np.testing.assert_allclose(ys, ys_ref, rtol=1e-13)
    np.testing.assert_allclose(zs, zs_ref, rtol=1e-13)


def test_fori_loop_and_scan_without_xs():
    body = Counted(lambda i, v: v * 0.5 + i)
    got = ad.fori_loop(0, 10, body, np.ones(2))
    want = np.ones(2)
    for i in range(10):
        want = want * 0.5 + i
    assert body.calls == 1
    np.testing.assert_allclose(got, want, rtol=1e-14)
    c, ys = ad.scan(lambda c, _: (c + 1.0, c * 2.0), 0.0, None, length=5)
    assert c == 5.0
    np.testing.assert_allclose(ys, 2.0 * np.arange(5.0))


def test_eager_while_loop_traces_once():
    cond, body = Counted(lambda s: s[0] < 50.0), Counted(lambda s: (s[0] * 1.5 + 1.0, s[1] + 1))
    x, n = ad.while_loop(cond, body, (1.0, 0))
    want, k = 1.0, 0
    while want < 50.0:
        want, k = want * 1.5 + 1.0, k + 1
    assert (cond.calls, body.calls) == (1, 1)
    assert x == pytest.approx(want, rel=1e-15) and n == k


def test_short_scans_keep_the_python_loop():
    body = Counted(lambda c, x: (c + x, c))
    c, _ = ad.scan(body, 0.0, XS[:5, 0])
    assert body.calls == 5 and c == pytest.approx(np.sum(XS[:5, 0]), rel=1e-14)


def test_python_branch_on_a_value_keeps_the_python_loop():
    body = Counted(lambda c, x: (c + x if float(x) > 0 else c - x, c))
    c, ys = ad.scan(body, 0.0, XS[:, 0])
    assert body.calls == 1 + len(XS)  # one failed trace, then every step in Python
    want = 0.0
    for x in XS[:, 0]:
        want = want + x if x > 0 else want - x
    assert c == pytest.approx(want, rel=1e-14)


def test_compiled_graph_equals_eval_graph():
    graph, consts, _ = ad.make_graph(lambda c, x: list(rnn_step({"h": c, "n": 0}, x)[1]),
                                     [ad.avals.ShapedArray((3,), np.float64)] * 2)
    args = [XS[0], XS[1]]
    for got, want in zip(compile_graph(graph)(consts, args), eval_graph(graph, consts, args)):
        np.testing.assert_array_equal(got, want)


def rnn_loss(a, h0, xs):
    def step(c, x):
        h = anp.tanh(a @ c + x)
        return h, anp.sum(anp.sin(h) * x)
    h, ys = ad.scan(step, h0, xs)
    return anp.sum(ys) + anp.sum(h ** 2)


def while_loss(x):
    return ad.while_loop(lambda s: s[1] < 6, lambda s: (anp.sin(s[0]) * 1.3 + s[0] ** 2 * 0.1, s[1] + 1), (x, 0))[0]


@pytest.mark.parametrize("fn, args", [
    pytest.param(rnn_loss, (A, XS[0], XS), id="scan"),
    pytest.param(lambda a, v: ad.fori_loop(0, 6, lambda i, c: anp.tanh(a @ c) + i * 0.1, v), (A, XS[0]), id="fori"),
    pytest.param(lambda v: ad.scan(lambda c, x: (c * anp.cos(anp.sum(x)), ad.scan(lambda d, y: (d + y * c, d), 0.0, x)[1]),
                                   1.0, anp.reshape(v, (9, 3)))[1], (XS[:9].ravel(),), id="nested_scan"),
    pytest.param(lambda v: ad.scan(lambda c, x: (c + anp.sum(ad.vmap(anp.sin)(x * c)), c), 0.5, v)[1], (XS,),
                 id="vmap_in_scan"),
])
def test_derivatives_of_eager_loops_match_finite_differences(fn, args):
    ad.check_grads(fn, args, order=2)


def test_reverse_mode_through_eager_while_loop_and_scan_around_it():
    """Under eager differentiation while_loop runs in Python (it has reverse mode there only), so a
    scan whose body holds one keeps its Python loop too."""
    ad.check_grads(while_loss, (0.3,), order=1)
    scan_of_while = lambda v: ad.scan(lambda c, x: (while_loss(c * x), c), 0.2, v)[1]
    ad.check_grads(scan_of_while, (XS[:4, 0],), order=1)


@ad.custom_jvp
def sin_marked(x):
    return anp.sin(x)


@sin_marked.defjvp
def _sin_marked_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return sin_marked(x), (2.0 + anp.cos(x)) * t  # not sin's derivative: a test can tell which rule ran


def test_custom_rule_inside_an_eager_scan_body_is_used_under_grad():
    loss = lambda xs: ad.scan(lambda c, x: (c + sin_marked(x), c), 0.0, xs)[0]
    xs = XS[:, 0]
    np.testing.assert_allclose(ad.grad(loss)(xs), 2.0 + np.cos(xs), rtol=1e-14)
    np.testing.assert_allclose(ad.jvp(loss, (xs,), (np.ones_like(xs),))[1], np.sum(2.0 + np.cos(xs)), rtol=1e-13)


def test_eager_scan_equals_jit_scan():
    eager = ad.grad(rnn_loss)(A, XS[0], XS)
    np.testing.assert_allclose(eager, ad.jit(ad.grad(rnn_loss))(A, XS[0], XS), rtol=1e-12)


def test_bodies_with_multiple_result_primitives_and_constant_outputs():
    """slogdet (two results) and a literal output go through the compiled body like any equation."""
    mats = np.eye(3) + 0.1 * RNG.normal(size=(10, 3, 3))
    body = Counted(lambda c, m: (c + anp.linalg.slogdet(m)[1], (2.0, anp.linalg.slogdet(m)[0])))
    c, (twos, signs) = ad.scan(body, 0.0, mats)
    assert body.calls == 1
    assert c == pytest.approx(np.sum(np.linalg.slogdet(mats)[1]), rel=1e-13)
    np.testing.assert_array_equal(twos, np.full(10, 2.0))
    np.testing.assert_array_equal(signs, np.linalg.slogdet(mats)[0])
