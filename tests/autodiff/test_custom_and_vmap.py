"""custom_jvp, custom_vjp and stop_gradient (the user's rule is the one used, eager and under jit,
to second order), and vmap (in_axes/out_axes, equal to a Python loop, composed with grad, jit and scan)."""
import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp
from autodiff.core import Tracer


def assert_tree_close(a, b, rtol=1e-12, atol=1e-12):
    a_leaves, a_tree = ad.tree_flatten(a)
    b_leaves, b_tree = ad.tree_flatten(b)
    assert a_tree == b_tree, (a_tree, b_tree)
    for x, y in zip(a_leaves, b_leaves):
        assert not isinstance(x, Tracer)
        assert np.shape(x) == np.shape(y)
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol)


# -- custom_jvp ----------------------------------------------------------------------------------

@ad.custom_jvp
def logsumexp(x):
    m = anp.max(x)
    return m + anp.log(anp.sum(anp.exp(x - m)))


@logsumexp.defjvp
def _logsumexp_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    y = logsumexp(x)
    return y, anp.sum(anp.exp(x - y) * t)


@ad.custom_jvp
def sin_with_marked_rule(x):
    """sin, whose declared derivative is 2 + cos(x) so a test can tell which rule ran."""
    return anp.sin(x)


@sin_with_marked_rule.defjvp
def _marked_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return sin_with_marked_rule(x), (2.0 + anp.cos(x)) * t


LSE_X = np.array([0.1, 0.5, -0.3])
SOFTMAX = np.exp(LSE_X - np.log(np.sum(np.exp(LSE_X))))


def test_custom_jvp_value_gradient_and_hessian():
    assert logsumexp(LSE_X) == pytest.approx(np.log(np.sum(np.exp(LSE_X))), rel=1e-15)
    np.testing.assert_allclose(ad.grad(logsumexp)(LSE_X), SOFTMAX, rtol=1e-14)
    hess = np.diag(SOFTMAX) - np.outer(SOFTMAX, SOFTMAX)
    for h in (ad.hessian(logsumexp), ad.jacrev(ad.grad(logsumexp)), ad.jacfwd(ad.jacfwd(logsumexp))):
        np.testing.assert_allclose(h(LSE_X), hess, rtol=1e-12, atol=1e-14)
    ad.check_grads(logsumexp, (LSE_X,), order=2)


def test_custom_jvp_rule_is_the_one_used():
    x = 0.4
    assert ad.grad(sin_with_marked_rule)(x) == pytest.approx(2 + np.cos(x), rel=1e-15)
    assert ad.jvp(sin_with_marked_rule, (x,), (3.0,))[1] == pytest.approx(3 * (2 + np.cos(x)), rel=1e-15)
    # second order differentiates the rule: d/dx (2 + cos x) = -sin x
    assert ad.grad(ad.grad(sin_with_marked_rule))(x) == pytest.approx(-np.sin(x), rel=1e-14)
    assert ad.jacfwd(ad.grad(sin_with_marked_rule))(x) == pytest.approx(-np.sin(x), rel=1e-14)


# -- custom_vjp ------------------------------------------------------------------------------------

@ad.custom_vjp
def clip_gradient(x):
    return x


clip_gradient.defvjp(lambda x: (x, None), lambda _, ct: (anp.clip(ct, -1.0, 1.0),))


@ad.custom_vjp
def scaled_product(x, p):
    """x * p["a"] + p["b"][0]; the backward rule doubles the cotangent of x (detectable)."""
    return x * p["a"] + p["b"][0]


def _sp_fwd(x, p):
    return scaled_product(x, p), (x, p["a"])


def _sp_bwd(res, ct):
    x, a = res
    return 2.0 * ct * a, {"a": anp.sum(ct * x), "b": (anp.sum(ct),)}


scaled_product.defvjp(_sp_fwd, _sp_bwd)
SP_X, SP_P = np.array([1.0, -2.0]), {"a": 3.0, "b": (0.5,)}


def test_custom_vjp_rule_is_used_in_reverse_mode():
    assert ad.grad(lambda x: clip_gradient(x) * 5.0)(2.0) == 1.0
    assert ad.grad(lambda x: clip_gradient(x) * -0.5)(2.0) == -0.5
    gx, gp = ad.grad(lambda x, p: anp.sum(scaled_product(x, p) ** 2), argnums=(0, 1))(SP_X, SP_P)
    out = SP_X * 3.0 + 0.5
    np.testing.assert_allclose(gx, 2 * 2 * out * 3.0)  # the rule's doubled cotangent
    assert_tree_close(gp, {"a": np.sum(2 * out * SP_X), "b": (np.sum(2 * out),)})


def test_custom_vjp_forward_mode_differentiates_the_function():
    assert ad.jvp(lambda x: clip_gradient(x) * 5.0, (2.0,), (1.0,))[1] == 5.0
    _, t = ad.jvp(lambda x: scaled_product(x, SP_P), (SP_X,), (np.ones(2),))
    np.testing.assert_array_equal(t, [3.0, 3.0])


# -- stop_gradient ---------------------------------------------------------------------------------

def test_stop_gradient():
    assert ad.grad(lambda x: x * ad.stop_gradient(x))(3.0) == 3.0
    assert ad.jvp(lambda x: x * ad.stop_gradient(x), (3.0,), (1.0,))[1] == 3.0
    assert ad.grad(ad.grad(lambda x: x ** 2 * ad.stop_gradient(x)))(3.0) == 6.0
    tree = ad.stop_gradient({"a": 1.0, "b": (np.ones(2), None)})
    assert tree["b"][1] is None and type(tree["b"][0]) is np.ndarray
    g = ad.grad(lambda p: p["a"] * ad.stop_gradient(p)["b"])({"a": 2.0, "b": 5.0})
    assert (g["a"], g["b"]) == (5.0, 0.0)


# -- all of the above under jit, one compilation ----------------------------------------------------

def custom_outputs(x_vec, x):
    return {
        "lse_grad": ad.grad(logsumexp)(x_vec),
        "lse_hessian": ad.hessian(logsumexp)(x_vec),
        "marked_grad": ad.grad(sin_with_marked_rule)(x),
        "marked_jvp": ad.jvp(sin_with_marked_rule, (x,), (3.0,))[1],
        "marked_second": ad.grad(ad.grad(sin_with_marked_rule))(x),
        "clip": ad.grad(lambda x: clip_gradient(x) * 5.0)(x),
        "scaled_product": ad.grad(lambda x, p: anp.sum(scaled_product(x, p) ** 2), argnums=(0, 1))(SP_X, SP_P),
        "stop": ad.grad(lambda x: x ** 2 * ad.stop_gradient(x))(x),
        "stop_second": ad.grad(ad.grad(lambda x: x ** 2 * ad.stop_gradient(x)))(x),
    }


CUSTOM_JIT = ad.jit(custom_outputs)


def test_custom_rules_and_stop_gradient_under_jit_equal_eager():
    eager = custom_outputs(LSE_X, 0.4)
    assert eager["marked_grad"] == pytest.approx(2 + np.cos(0.4), rel=1e-15)
    assert eager["stop"] == pytest.approx(2 * 0.4 * 0.4, rel=1e-15)
    assert_tree_close(CUSTOM_JIT(LSE_X, 0.4), eager)


def test_grad_of_jitted_custom_jvp_uses_the_rule():
    assert ad.grad(ad.jit(sin_with_marked_rule))(0.4) == pytest.approx(2 + np.cos(0.4), rel=1e-15)


def test_jit_of_grad_of_custom_jvp():
    assert ad.jit(ad.grad(sin_with_marked_rule))(0.4) == pytest.approx(2 + np.cos(0.4), rel=1e-15)


# -- vmap ----------------------------------------------------------------------------------------

XB = np.arange(6.0).reshape(3, 2) / 4.0
YV = np.array([1.0, -0.5])


def per_example(x, y):
    return anp.sum(anp.sin(x) * y) + x[0] ** 2


def python_loop(f, xs, *rest):
    return np.stack([f(x, *rest) for x in xs])


VMAP_CASES = [
    ("in_axes_tuple_none", lambda: ad.vmap(per_example, in_axes=(0, None))(XB, YV),
     lambda: python_loop(per_example, XB, YV)),
    ("in_axes_1", lambda: ad.vmap(per_example, in_axes=(1, None))(XB.T, YV),
     lambda: python_loop(per_example, XB, YV)),
    ("in_axes_int_both", lambda: ad.vmap(per_example)(XB, np.stack([YV, 2 * YV, -YV])),
     lambda: np.array([per_example(x, y) for x, y in zip(XB, [YV, 2 * YV, -YV])])),
    ("out_axes_1", lambda: ad.vmap(lambda x: x * 2.0 + YV, out_axes=1)(XB), lambda: (XB * 2.0 + YV).T),
    ("out_axes_none", lambda: ad.vmap(lambda x: YV * 2.0, out_axes=None)(XB), lambda: YV * 2.0),
    ("pytree_out", lambda: ad.vmap(lambda x: {"s": anp.sum(x), "t": (x * 2.0,)})(XB),
     lambda: {"s": XB.sum(axis=1), "t": (XB * 2.0,)}),
    ("vmap_of_grad", lambda: ad.vmap(ad.grad(per_example), in_axes=(0, None))(XB, YV),
     lambda: python_loop(lambda x, y: np.cos(x) * y + np.array([2 * x[0], 0.0]), XB, YV)),
    ("grad_of_vmap", lambda: ad.grad(lambda X: anp.sum(ad.vmap(per_example, in_axes=(0, None))(X, YV) ** 2))(XB),
     lambda: np.stack([2 * per_example(x, YV) * (np.cos(x) * YV + np.array([2 * x[0], 0.0])) for x in XB])),
    ("vmap_in_scan", lambda: ad.scan(lambda c, x: (c + anp.sum(ad.vmap(anp.sin)(x)), None), 0.0, XB)[0],
     lambda: np.sum(np.sin(XB))),
    ("scan_in_vmap", lambda: ad.vmap(lambda x: ad.scan(lambda c, xi: (c * 0.5 + xi, c), 1.0, x)[1])(XB),
     lambda: np.stack([[1.0, 0.5 + x[0]] for x in XB])),
]


@pytest.mark.parametrize("name, got, expected", VMAP_CASES, ids=[c[0] for c in VMAP_CASES])
def test_vmap_equals_python_loop(name, got, expected):
    assert_tree_close(got(), expected())


def vmap_outputs(X, y):
    return {"plain": ad.vmap(per_example, in_axes=(0, None))(X, y),
            "out_axes": ad.vmap(lambda x: x * y, out_axes=1)(X),
            "grad": ad.vmap(ad.grad(per_example), in_axes=(0, None))(X, y),
            "grad_of_vmap": ad.grad(lambda X: anp.sum(ad.vmap(per_example, in_axes=(0, None))(X, y) ** 2))(X),
            "in_scan": ad.scan(lambda c, x: (c + anp.sum(ad.vmap(anp.sin)(x)), None), 0.0, X)[0]}


VMAP_JIT = ad.jit(vmap_outputs)


def test_vmap_under_jit_equals_eager():
    assert_tree_close(VMAP_JIT(XB, YV), vmap_outputs(XB, YV))


def test_vmap_check_grads():
    ad.check_grads(lambda X, y: ad.vmap(per_example, in_axes=(0, None))(X, y), (XB, YV), order=2)


def test_vmap_pytree_in_axes_with_none():
    out = ad.vmap(lambda d: d["a"] * d["b"], in_axes=({"a": 0, "b": None},))({"a": XB, "b": YV})
    np.testing.assert_array_equal(out, XB * YV)
