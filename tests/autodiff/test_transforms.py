"""grad, value_and_grad, jvp, vjp, jacfwd, jacrev and hessian: pytrees, argnums, has_aux, higher
orders, mixed modes, Python control flow and integer arguments. Oracles: hand-derived derivatives
and central finite differences."""
import math

import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp
from autodiff.core import Tracer


def numerical_jacobian(f, x, eps=1e-6):
    """Central differences: shape f(x).shape + x.shape."""
    x = np.asarray(x, float)
    cols = []
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = eps
        e = e.reshape(x.shape)
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * eps))
    out_shape = np.shape(f(x))
    return np.stack(cols, axis=-1).reshape(out_shape + x.shape)


def assert_tree_allclose(a, b, **tol):
    a_leaves, a_tree = ad.tree_flatten(a)
    b_leaves, b_tree = ad.tree_flatten(b)
    assert a_tree == b_tree, (a_tree, b_tree)
    for x, y in zip(a_leaves, b_leaves):
        assert not isinstance(x, Tracer)
        np.testing.assert_allclose(x, y, **({"rtol": 1e-12, "atol": 1e-12} | tol))


# -- pytrees ---------------------------------------------------------------------------------------

PARAMS = {"w": np.array([1.0, -2.0]), "layers": [(np.array([[0.3, 0.5]]), None), {"b": 1.5}], "t": (2.0,)}


def tree_loss(p):
    (a, _), d = p["layers"]
    return anp.sum(p["w"] ** 2) * d["b"] + anp.sum(anp.sin(a)) + p["t"][0] * d["b"]


def tree_loss_grad(p):
    (a, _), d = p["layers"]
    w, b, t = p["w"], d["b"], p["t"][0]
    return {"w": 2 * w * b, "layers": [(np.cos(a), None), {"b": np.sum(w ** 2) + t}], "t": (b,)}


def test_grad_of_nested_pytree_keeps_structure_and_none_leaves():
    assert_tree_allclose(ad.grad(tree_loss)(PARAMS), tree_loss_grad(PARAMS))
    value, g = ad.value_and_grad(tree_loss)(PARAMS)
    assert value == tree_loss(PARAMS)
    assert_tree_allclose(g, tree_loss_grad(PARAMS))
    ad.check_grads(tree_loss, (PARAMS,), order=2)


def test_grad_of_namedtuple_and_list_arguments():
    from collections import namedtuple
    Point = namedtuple("Point", "x y")
    g = ad.grad(lambda p, q: p.x * p.y + q[0] * q[1] ** 2, argnums=(0, 1))(Point(2.0, 3.0), [4.0, 5.0])
    assert type(g[0]) is Point and type(g[1]) is list
    assert_tree_allclose(g, (Point(3.0, 2.0), [25.0, 40.0]))


# -- argnums and has_aux ---------------------------------------------------------------------------

def f3(x, y, z):
    return x * y ** 2 * anp.sin(z)


X, Y, Z = 0.7, -1.3, 0.4
DF3 = [Y ** 2 * math.sin(Z), 2 * X * Y * math.sin(Z), X * Y ** 2 * math.cos(Z)]


@pytest.mark.parametrize("argnums, expected", [
    (0, DF3[0]), (1, DF3[1]), (-1, DF3[2]), ((0, 2), (DF3[0], DF3[2])), ((2,), (DF3[2],)),
    ((2, 0, 1), (DF3[2], DF3[0], DF3[1])),
])
def test_argnums(argnums, expected):
    g = ad.grad(f3, argnums=argnums)(X, Y, Z)
    assert isinstance(g, tuple) == isinstance(argnums, tuple)
    assert_tree_allclose(g, expected)
    value, g2 = ad.value_and_grad(f3, argnums=argnums)(X, Y, Z)
    assert value == f3(X, Y, Z)
    assert_tree_allclose(g2, expected)


def test_has_aux_returns_gradient_and_aux():
    def f(x):
        return anp.sum(x ** 2), {"n": 3, "label": "loss", "mask": x > 0}

    x = np.array([1.0, -2.0])
    g, aux = ad.grad(f, has_aux=True)(x)
    np.testing.assert_array_equal(g, 2 * x)
    assert aux["n"] == 3 and aux["label"] == "loss"
    (value, aux2), g2 = ad.value_and_grad(f, has_aux=True)(x)
    assert value == 5.0
    np.testing.assert_array_equal(g2, 2 * x)


HAS_AUX_CALLS = {
    "grad": lambda f, x: ad.grad(f, has_aux=True)(x)[1],
    "value_and_grad": lambda f, x: ad.value_and_grad(f, has_aux=True)(x)[0][1],
    "jvp": lambda f, x: ad.jvp(f, (x,), (np.ones_like(x),), has_aux=True)[2],
    "vjp": lambda f, x: ad.vjp(f, x, has_aux=True)[2],
}


@pytest.mark.parametrize("name", list(HAS_AUX_CALLS))
def test_has_aux_output_is_concrete(name):
    def f(x):
        y = anp.sum(x ** 2)
        return y, {"y_times_3": 3.0 * y, "x": x}

    x = np.array([1.0, -2.0])
    aux = HAS_AUX_CALLS[name](f, x)
    leaves, _ = ad.tree_flatten(aux)
    assert not any(isinstance(leaf, Tracer) for leaf in leaves)
    assert aux["y_times_3"] == 15.0
    np.testing.assert_array_equal(aux["x"], x)


# -- jvp and vjp -------------------------------------------------------------------------------------

def two_outputs(x, y):
    return {"prod": x * y, "trig": (anp.sin(x), anp.exp(y))}


def test_jvp_matches_hand_derivative():
    x, y = np.array([0.2, -0.4]), np.array([1.5, 0.5])
    tx, ty = np.array([1.0, 2.0]), np.array([-1.0, 0.5])
    out, t_out = ad.jvp(two_outputs, (x, y), (tx, ty))
    assert_tree_allclose(out, two_outputs(x, y))
    assert_tree_allclose(t_out, {"prod": tx * y + x * ty, "trig": (np.cos(x) * tx, np.exp(y) * ty)})


def test_vjp_matches_hand_derivative_and_transposes_jvp():
    x, y = np.array([0.2, -0.4]), np.array([1.5, 0.5])
    out, pullback = ad.vjp(two_outputs, x, y)
    assert_tree_allclose(out, two_outputs(x, y))
    u = {"prod": np.array([1.0, -1.0]), "trig": (np.array([0.5, 2.0]), np.array([3.0, 1.0]))}
    ct_x, ct_y = pullback(u)
    assert_tree_allclose((ct_x, ct_y), (u["prod"] * y + u["trig"][0] * np.cos(x),
                                        u["prod"] * x + u["trig"][1] * np.exp(y)))
    # <u, J v> == <J^T u, v>
    v = (np.array([0.3, 0.7]), np.array([-0.2, 1.1]))
    _, jv = ad.jvp(two_outputs, (x, y), v)
    lhs = sum(np.sum(a * b) for a, b in zip(ad.tree_leaves(u), ad.tree_leaves(jv)))
    rhs = np.sum(ct_x * v[0]) + np.sum(ct_y * v[1])
    assert lhs == pytest.approx(rhs, rel=1e-12)


def test_zero_derivative_outputs_are_zeros_of_the_right_shape():
    out, t = ad.jvp(lambda x, y: (x * 2.0, np.ones(3)), (1.0, 2.0), (1.0, 0.0))
    assert t[0] == 2.0
    np.testing.assert_array_equal(t[1], np.zeros(3))
    assert ad.vjp(lambda x, y: x * 3.0, 1.0, np.ones(2))[1](1.0)[1].shape == (2,)
    assert ad.grad(lambda x: 3.0)(2.0) == 0.0


# -- jacobians: jacfwd == jacrev == finite differences --------------------------------------------

A = np.array([[1.0, 2.0, -1.0], [0.5, -0.3, 2.0]])
JACOBIAN_CASES = [
    ("vector_to_vector", lambda x: anp.stack([x[0] * x[1], anp.sin(x[2]), anp.exp(x[0]) * x[2]]),
     np.array([0.3, 0.5, 0.7])),
    ("matrix_to_matrix", lambda x: x.T @ x, np.array([[0.3, -1.0, 2.0], [0.1, 0.4, -0.6]])),
    ("scalar_to_vector", lambda x: anp.stack([anp.sin(x), x ** 2, anp.log1p(x)]), 0.8),
    ("vector_to_scalar", lambda x: anp.sum(anp.exp(x) * x), np.array([0.1, -0.2, 0.3])),
    ("scalar_to_scalar", lambda x: anp.tanh(x) * x, -0.4),
    ("broadcasting_matmul", lambda x: anp.tanh(A @ x) + x[0], np.array([0.2, -0.1, 0.4])),
]


@pytest.mark.parametrize("name, f, x", JACOBIAN_CASES, ids=[c[0] for c in JACOBIAN_CASES])
def test_jacfwd_equals_jacrev_equals_finite_differences(name, f, x):
    jf, jr = ad.jacfwd(f)(x), ad.jacrev(f)(x)
    expected_shape = np.shape(f(x)) + np.shape(x)
    assert np.shape(jf) == np.shape(jr) == expected_shape
    np.testing.assert_allclose(jf, jr, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(jf, numerical_jacobian(f, x), rtol=1e-6, atol=1e-7)


def test_jacobians_with_argnums_tuple_and_pytree_output():
    def f(x, y):
        return {"a": x * y, "b": anp.sum(x) * y[0]}

    x, y = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    jf, jr = ad.jacfwd(f, argnums=(0, 1))(x, y), ad.jacrev(f, argnums=(0, 1))(x, y)
    expected = {"a": (np.diag(y), np.diag(x)), "b": (np.full(2, y[0]), np.array([np.sum(x), 0.0]))}
    assert_tree_allclose(jf, expected)
    assert_tree_allclose(jr, expected)


# -- hessian, third order and mixed modes ---------------------------------------------------------

def h_fn(x):
    return x[0] ** 2 * x[1] + anp.sin(x[2]) * x[0] + anp.exp(x[1] * x[2])


def h_fn_hessian(x):
    x0, x1, x2 = x
    e = math.exp(x1 * x2)
    return np.array([[2 * x1, 2 * x0, math.cos(x2)],
                     [2 * x0, x2 ** 2 * e, e + x1 * x2 * e],
                     [math.cos(x2), e + x1 * x2 * e, -math.sin(x2) * x0 + x1 ** 2 * e]])


HX = np.array([0.4, -0.7, 1.1])
SECOND_ORDER = {
    "hessian": ad.hessian(h_fn),
    "jacfwd_jacrev": ad.jacfwd(ad.jacrev(h_fn)),
    "jacrev_jacfwd": ad.jacrev(ad.jacfwd(h_fn)),
    "jacrev_jacrev": ad.jacrev(ad.jacrev(h_fn)),
    "jacfwd_jacfwd": ad.jacfwd(ad.jacfwd(h_fn)),
    "jacfwd_grad": ad.jacfwd(ad.grad(h_fn)),
    "jacrev_grad": ad.jacrev(ad.grad(h_fn)),
}


@pytest.mark.parametrize("name", list(SECOND_ORDER))
def test_hessian_all_mode_combinations_match_analytic(name):
    np.testing.assert_allclose(SECOND_ORDER[name](HX), h_fn_hessian(HX), rtol=1e-12, atol=1e-12)


def test_hessian_vector_products_by_mixing_modes():
    v = np.array([1.0, -2.0, 0.5])
    hv = h_fn_hessian(HX) @ v
    _, jvp_of_grad = ad.jvp(ad.grad(h_fn), (HX,), (v,))
    grad_of_jvp = ad.grad(lambda x: ad.jvp(h_fn, (x,), (v,))[1])(HX)
    vjp_of_jvp = ad.vjp(lambda x: ad.jvp(h_fn, (x,), (v,))[1], HX)[1](1.0)[0]
    for got in (jvp_of_grad, grad_of_jvp, vjp_of_jvp):
        np.testing.assert_allclose(got, hv, rtol=1e-12, atol=1e-12)


def test_hessian_with_two_arguments():
    f = lambda x, y: anp.sum(x * y ** 2)  # noqa: E731
    hxx, hxy = ad.hessian(f, argnums=(0, 1))(np.ones(2), np.array([2.0, 3.0]))[0]
    np.testing.assert_allclose(hxx, np.zeros((2, 2)))
    np.testing.assert_allclose(hxy, np.diag([4.0, 6.0]))


THIRD = 2 * math.exp(1.3) * (math.cos(1.3) - math.sin(1.3))  # d^3/dx^3 [e^x sin x] = 2 e^x (cos x - sin x)
f_third = lambda x: anp.sin(x) * anp.exp(x)  # noqa: E731
THIRD_ORDER = {
    "rev_rev_rev": ad.grad(ad.grad(ad.grad(f_third))),
    "fwd_fwd_fwd": ad.jacfwd(ad.jacfwd(ad.jacfwd(f_third))),
    "rev_fwd_rev": ad.grad(ad.jacfwd(ad.grad(f_third))),
    "fwd_rev_fwd": ad.jacfwd(ad.grad(ad.jacfwd(f_third))),
}


@pytest.mark.parametrize("name", list(THIRD_ORDER))
def test_third_order_matches_analytic(name):
    assert THIRD_ORDER[name](1.3) == pytest.approx(THIRD, rel=1e-12)


def test_fourth_order_of_polynomial_is_exact():
    d4 = ad.grad(ad.grad(ad.grad(ad.grad(lambda x: x ** 5 - 3.0 * x ** 4))))
    assert d4(2.0) == 120.0 * 2.0 - 72.0


# -- Python control flow under grad (eager values are concrete) ----------------------------------

def loop_and_branch(x):
    y = x
    for k in range(4):
        if y > 1.0:
            y = anp.sqrt(y) + x * k
        else:
            y = y * x + 1.0
    return y


def while_on_value(x):
    y, n = x, 0
    while y < 10.0:  # data-dependent number of iterations
        y = y * (1.0 + x)
        n += 1
    return y * n


def recursive_power_tower(x, depth):
    return x if depth == 0 else anp.sin(recursive_power_tower(x, depth - 1)) * x


def nested_dict_of_functions(x):
    fns = {"a": anp.exp, "b": anp.sin}
    return sum(fns[k](x * i) for i, k in enumerate(sorted(fns)))


CONTROL_FLOW = [
    ("loop_and_branch_low", loop_and_branch, (0.6,), None),
    ("loop_and_branch_high", loop_and_branch, (1.7,), None),
    ("if_negative", lambda x: anp.exp(x) if x < 0 else x ** 3, (-0.5,), math.exp(-0.5)),
    ("if_positive", lambda x: anp.exp(x) if x < 0 else x ** 3, (0.5,), 0.75),
    ("while_on_value", while_on_value, (0.7,), None),
    ("recursion", lambda x: recursive_power_tower(x, 3), (0.8,), None),
    ("dict_of_functions", nested_dict_of_functions, (0.3,), math.exp(0.0) * 0 + 1 * math.cos(0.3)),
]


@pytest.mark.parametrize("name, f, args, expected", CONTROL_FLOW, ids=[c[0] for c in CONTROL_FLOW])
def test_python_control_flow_under_grad(name, f, args, expected):
    g = ad.grad(f)(*args)
    num = (f(args[0] + 1e-6) - f(args[0] - 1e-6)) / 2e-6
    assert g == pytest.approx(num, rel=1e-6)
    if expected is not None:
        assert g == pytest.approx(expected, rel=1e-12)
    ad.check_grads(f, args, order=2)


# -- integer and boolean arrays pass through without gradients -------------------------------------

def indexed_loss(x, idx, mask, n):
    return anp.sum(x[idx] * n) + anp.sum(anp.where(mask, x ** 2, 0.0)) + anp.sum(x > 0) * x[0]


IDX, MASK = np.array([0, 2, 2]), np.array([True, False, True])


def test_integer_and_boolean_arguments_pass_through():
    x = np.array([1.5, -2.0, 3.0])
    g = ad.grad(indexed_loss)(x, IDX, MASK, 4)
    expected = np.array([4.0, 0.0, 8.0]) + np.where(MASK, 2 * x, 0.0) + np.array([2.0, 0.0, 0.0])
    np.testing.assert_array_equal(g, expected)
    ad.check_grads(lambda x: indexed_loss(x, IDX, MASK, 4), (x,), order=2)
    jf = ad.jacfwd(indexed_loss)(x, IDX, MASK, 4)
    jr = ad.jacrev(indexed_loss)(x, IDX, MASK, 4)
    np.testing.assert_array_equal(jf, expected)
    np.testing.assert_array_equal(jr, expected)


def test_integer_valued_operations_have_no_gradient():
    x = np.array([1.7, -2.2])
    g = ad.grad(lambda x: anp.sum(anp.astype(x, np.int64) * x))(x)  # d/dx [int(x) * x] = int(x)
    np.testing.assert_array_equal(g, [1.0, -2.0])
    _, t = ad.jvp(lambda x: anp.astype(x, np.int64), (x,), (np.ones(2),))
    assert not np.any(t)


def test_integer_outputs_of_jvp_and_vjp():
    out, t = ad.jvp(lambda x: (x * 2.0, anp.argmax(x)), (np.array([1.0, 3.0]),), (np.ones(2),))
    assert out[1] == 1 and not np.any(t[1])
    _, pullback = ad.vjp(lambda x: (anp.sum(x), anp.astype(x, np.int64)), np.array([1.0, 3.0]))
    np.testing.assert_array_equal(pullback((1.0, np.zeros(2)))[0], [1.0, 1.0])


def test_transform_outputs_are_plain_numpy():
    x = np.array([0.5, 1.5])
    results = [ad.grad(lambda x: anp.sum(anp.sin(x)))(x), ad.jacfwd(anp.sin)(x), ad.jacrev(anp.sin)(x),
               ad.hessian(lambda x: anp.sum(x ** 3))(x), *ad.jvp(anp.sin, (x,), (x,)), ad.vjp(anp.sin, x)[1](x)[0]]
    for r in results:
        assert isinstance(r, (np.ndarray, np.generic)) and not isinstance(r, Tracer)
