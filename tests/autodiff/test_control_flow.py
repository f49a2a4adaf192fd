"""scan, cond/switch, while_loop and fori_loop: values and derivatives against Python-loop references,
eager against jit, forward and reverse mode, higher order. Compiled functions are module-level."""
import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp
from autodiff.core import Tracer

RNG = np.random.default_rng(3)
XS = RNG.standard_normal((5, 2))
INIT = {"h": 0.3, "s": (0.5, np.arange(2.0))}


def assert_tree_close(a, b, rtol=1e-12, atol=1e-12):
    a_leaves, a_tree = ad.tree_flatten(a)
    b_leaves, b_tree = ad.tree_flatten(b)
    assert a_tree == b_tree, (a_tree, b_tree)
    for x, y in zip(a_leaves, b_leaves):
        assert not isinstance(x, Tracer)
        assert np.shape(x) == np.shape(y)
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol)


# -- scan: a recurrent step with pytree carry and pytree outputs ---------------------------------

def step(carry, x):
    h, (s, fixed) = carry["h"], carry["s"]
    h2 = anp.tanh(h * x[0] + x[1] * s + anp.sum(fixed) * 0.1)
    return {"h": h2, "s": (s + 0.1 * h2, fixed)}, (h2 ** 2, {"scaled": x * h2})


def python_scan(f, init, xs, reverse=False):
    """The reference: a Python loop stacking outputs, as jax.lax.scan is specified."""
    carry, ys = init, []
    order = range(len(xs) - 1, -1, -1) if reverse else range(len(xs))
    for i in order:
        carry, y = f(carry, xs[i])
        ys.append(y)
    if reverse:
        ys.reverse()
    leaves = [ad.tree_flatten(y)[0] for y in ys]
    stacked = [anp.stack([lv[k] for lv in leaves]) for k in range(len(leaves[0]))]
    return carry, ad.tree_unflatten(ad.tree_flatten(ys[0])[1], stacked)


def loss(init, xs, reverse=False, scan=ad.scan):
    carry, (sq, d) = scan(step, init, xs, reverse=reverse)
    return carry["h"] * carry["s"][0] + anp.sum(sq * np.arange(1.0, 6.0)) + anp.sum(anp.sin(d["scaled"]))


def loss_ref(init, xs, reverse=False):
    return loss(init, xs, reverse, scan=python_scan)


def scan_variants(init, xs, c0):
    """Forward values of every scan feature; compiled once below."""
    return {
        "pytree": ad.scan(step, init, xs),
        "reverse": ad.scan(step, init, xs, reverse=True),
        "length_no_xs": ad.scan(lambda c, _: (c * 1.5 + 1.0, (c, c ** 2)), c0, None, length=4),
        "xs_pytree": ad.scan(lambda c, x: (c + x["a"] * x["b"][0], None), c0,
                             {"a": xs[:, 0], "b": (xs[:, 1],)}),
        "grad_in_body": ad.scan(lambda c, x: (c + ad.grad(lambda z: anp.sin(z * c))(x[0]), c), c0, xs),
        "jvp_in_body": ad.scan(lambda c, x: (c * 0.5 + ad.jvp(anp.exp, (x[1],), (c,))[1], None), c0, xs),
    }


SCAN_VARIANTS_JIT = ad.jit(scan_variants)


def test_scan_forward_matches_python_loop():
    out = scan_variants(INIT, XS, 0.7)
    assert_tree_close(out["pytree"], python_scan(step, INIT, XS))
    assert_tree_close(out["reverse"], python_scan(step, INIT, XS, reverse=True))
    c, ys = 0.7, []
    for _ in range(4):
        ys.append((c, c ** 2))
        c = c * 1.5 + 1.0
    assert_tree_close(out["length_no_xs"], (c, (np.array([y[0] for y in ys]), np.array([y[1] for y in ys]))))
    assert out["xs_pytree"][1] is None
    assert out["xs_pytree"][0] == pytest.approx(0.7 + np.sum(XS[:, 0] * XS[:, 1]), rel=1e-14)
    c, hist = 0.7, []
    for x in XS:
        hist.append(c)
        c = c + c * np.cos(x[0] * c)
    assert_tree_close(out["grad_in_body"], (c, np.array(hist)))


def test_scan_forward_jit_equals_eager():
    assert_tree_close(SCAN_VARIANTS_JIT(INIT, XS, 0.7), scan_variants(INIT, XS, 0.7))


def scan_grads(init, xs):
    return {"forward": ad.grad(loss, argnums=(0, 1))(init, xs),
            "reverse": ad.grad(lambda i, x: loss(i, x, reverse=True), argnums=(0, 1))(init, xs)}


SCAN_GRADS_JIT = ad.jit(scan_grads)  # scan inside grad inside jit


def test_scan_gradients_eager_match_python_loop():
    got = scan_grads(INIT, XS)
    assert_tree_close(got["forward"], ad.grad(loss_ref, argnums=(0, 1))(INIT, XS))
    assert_tree_close(got["reverse"], ad.grad(lambda i, x: loss_ref(i, x, True), argnums=(0, 1))(INIT, XS))
    assert got["forward"][0]["s"][1].shape == (2,)


def test_scan_gradients_jit_equals_eager():
    assert_tree_close(SCAN_GRADS_JIT(INIT, XS), scan_grads(INIT, XS))


def test_scan_check_grads_order2():
    ad.check_grads(lambda h, xs: loss({"h": h, "s": (0.5, np.arange(2.0))}, xs), (0.3, XS), order=2)
    ad.check_grads(lambda h, xs: loss({"h": h, "s": (0.5, np.arange(2.0))}, xs, reverse=True), (0.3, XS),
                   order=2)


def scan_poly(x):
    carry, ys = ad.scan(lambda c, xi: (c * anp.sin(xi) + xi ** 2, c * xi), 1.0, x)
    return carry + anp.sum(ys ** 2)


HESSIAN_SCAN_JIT = ad.jit(ad.hessian(scan_poly))
X3 = np.array([0.3, 0.6, 0.9])


def test_hessian_through_scan():
    h = ad.hessian(scan_poly)(X3)
    ref = ad.hessian(lambda x: python_scan(lambda c, xi: (c * anp.sin(xi) + xi ** 2, c * xi), 1.0, x)[0]
                     + anp.sum(python_scan(lambda c, xi: (c * anp.sin(xi) + xi ** 2, c * xi), 1.0, x)[1] ** 2))(X3)
    np.testing.assert_allclose(h, ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ad.jacrev(ad.jacrev(scan_poly))(X3), h, rtol=1e-12, atol=1e-12)
    eps = 1e-6
    fd = np.stack([(ad.grad(scan_poly)(X3 + eps * e) - ad.grad(scan_poly)(X3 - eps * e)) / (2 * eps)
                   for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(h, fd, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(HESSIAN_SCAN_JIT(X3), h, rtol=1e-12, atol=1e-12)


# -- cond and switch --------------------------------------------------------------------------------

W = np.array([0.5, -1.0])
BRANCHES = [lambda x: anp.sin(x) * x, lambda x: anp.exp(x) * anp.sum(W), lambda x: x ** 3]
DBRANCHES = [lambda x: np.cos(x) * x + np.sin(x), lambda x: np.exp(x) * np.sum(W), lambda x: 3 * x ** 2]


def cond_fn(x):
    # the log branch is not taken for x <= 0; its NaN must not reach the gradient
    return ad.cond(x > 0, lambda x: anp.log(x) * W[0], lambda x: x * W[1], x)


def branching(x, k):
    sw = lambda x: ad.switch(k, BRANCHES, x)  # noqa: E731
    return {"switch": (sw(x), ad.grad(sw)(x), ad.jacfwd(sw)(x)),
            "cond": (cond_fn(x), ad.grad(cond_fn)(x), ad.jacfwd(cond_fn)(x),
                     ad.grad(ad.grad(cond_fn))(x), ad.jacfwd(ad.grad(cond_fn))(x))}


BRANCHING_JIT = ad.jit(branching)


@pytest.mark.parametrize("k, branch", [(0, 0), (1, 1), (2, 2), (-1, 0), (7, 2)])
def test_switch_gradients_both_modes_under_jit(k, branch):
    x = 0.7
    value, g_rev, g_fwd = BRANCHING_JIT(x, k)["switch"]
    assert value == pytest.approx(BRANCHES[branch](x), rel=1e-14)
    assert g_rev == pytest.approx(DBRANCHES[branch](x), rel=1e-12)
    assert g_fwd == pytest.approx(DBRANCHES[branch](x), rel=1e-12)
    assert_tree_close(BRANCHING_JIT(x, k)["switch"], branching(x, k)["switch"])


@pytest.mark.parametrize("x, expected", [(2.0, (np.log(2.0) * 0.5, 0.25, 0.25, -0.125, -0.125)),
                                         (-2.0, (2.0, -1.0, -1.0, 0.0, 0.0))])
def test_cond_gradients_both_modes_eager_and_under_jit(x, expected):
    with np.errstate(all="ignore"):
        eager = branching(x, 0)["cond"]
    compiled = BRANCHING_JIT(x, 0)["cond"]
    for got in (eager, compiled):
        np.testing.assert_allclose(np.array(got, dtype=float), expected, rtol=1e-12, atol=0)


def test_cond_with_pytree_operands_check_grads():
    def f(p):
        return ad.cond(p["a"] > 0, lambda q: q["a"] * q["b"][0], lambda q: q["b"][1] ** 2, p)

    ad.check_grads(f, ({"a": 0.7, "b": (1.5, -0.3)},), order=2)
    ad.check_grads(f, ({"a": -0.7, "b": (1.5, -0.3)},), order=2)


# -- while_loop and fori_loop -----------------------------------------------------------------------

def while_fn(x):
    """Five iterations of s <- sin(s) + x, counted by an integer in the carry."""
    return ad.while_loop(lambda s: s[0] < 5, lambda s: (s[0] + 1, anp.sin(s[1]) + x), (0, x))[1]


def fori_fn(x):
    return ad.fori_loop(0, 4, lambda i, c: c * x + i, 1.0)


def loops(x, n):
    traced_fori = lambda x: ad.fori_loop(0, n, lambda i, c: c * x + i, 1.0)  # noqa: E731
    return {"while": while_fn(x), "while_fwd": ad.jacfwd(while_fn)(x),
            "fori": fori_fn(x), "fori_rev": ad.grad(fori_fn)(x), "fori_fwd": ad.jacfwd(fori_fn)(x),
            "fori_traced_bounds": traced_fori(x), "fori_traced_bounds_fwd": ad.jacfwd(traced_fori)(x)}


LOOPS_JIT = ad.jit(loops)


def _while_ref(x):
    s = x
    for _ in range(5):
        s = np.sin(s) + x
    return s


def test_while_and_fori_loops_under_jit_and_eager():
    x, eps = 0.5, 1e-6
    fd_while = (_while_ref(x + eps) - _while_ref(x - eps)) / (2 * eps)
    fori_poly = lambda x: x ** 4 + x ** 2 + 2 * x + 3  # noqa: E731  (((1*x+0)*x+1)*x+2)*x+3
    dfori = 4 * x ** 3 + 2 * x + 2
    compiled = LOOPS_JIT(x, 4)
    assert compiled["while"] == pytest.approx(_while_ref(x), rel=1e-14)
    assert compiled["while_fwd"] == pytest.approx(fd_while, rel=1e-7)
    assert ad.grad(while_fn)(x) == pytest.approx(fd_while, rel=1e-7)  # reverse mode without jit
    for key in ("fori", "fori_traced_bounds"):
        assert compiled[key] == pytest.approx(fori_poly(x), rel=1e-14)
    for key in ("fori_rev", "fori_fwd", "fori_traced_bounds_fwd"):
        assert compiled[key] == pytest.approx(dfori, rel=1e-13)
    assert_tree_close(compiled, loops(x, 4))
    ad.check_grads(while_fn, (x,), order=2)
    ad.check_grads(fori_fn, (x,), order=2)


# -- carry checks ---------------------------------------------------------------------------------

CARRY_MISMATCH = [
    ("scan_dtype", lambda xs: ad.scan(lambda c, x: (c + x, c), 0, xs), ("i64[]", "f64[]", "0.0 instead of 0")),
    ("scan_shape", lambda xs: ad.scan(lambda c, x: (c * xs, c), 0.0, xs), ("f64[]", "f64[3]")),
    ("while_dtype", lambda xs: ad.while_loop(lambda c: c < 3, lambda c: c + 1.5, 0), ("i64[]", "f64[]")),
]


@pytest.mark.parametrize("name, f, phrases", CARRY_MISMATCH, ids=[c[0] for c in CARRY_MISMATCH])
def test_carry_dtype_or_shape_mismatch_raises_under_jit(name, f, phrases):
    with pytest.raises(TypeError, match="carry must keep its shape and dtype") as info:
        ad.jit(f)(np.arange(3.0))
    for phrase in phrases:
        assert phrase in str(info.value)


def test_carry_dtype_mismatch_raises_eagerly():
    with pytest.raises(TypeError, match="carry"):
        ad.scan(lambda c, x: (c + x, c), 0, np.arange(3.0))


def test_scan_over_empty_xs_stacks_empty_outputs_eagerly():
    carry, ys = ad.scan(lambda c, x: (c + x, c), 0.0, np.zeros(0))
    assert carry == 0.0
    assert isinstance(ys, np.ndarray) and ys.shape == (0,)
