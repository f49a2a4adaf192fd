"""Captured arrays equal to their transposes (codegen/constants.py), products equal up to scalar factors
(contractions.share_scaled_products) and common subexpressions (simplify.py) in generated code: jitted
values, reverse- and forward-mode gradients against numpy, closed forms and central finite
differences; the generated source computes a shared product once, and only when the captured values
and the factors allow it (a matrix one bit off symmetric, a vector factor, a scalar inside a
nonlinear function keep their own products)."""
import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp
from autodiff.avals import ShapedArray
from autodiff.codegen.constants import merge_equal_constants
from autodiff.codegen.simplify import eliminate_common_subexpressions
from autodiff.staging import make_graph

N = 12
RNG = np.random.default_rng(11)
_A = RNG.standard_normal((N, N))
SYM = _A @ _A.T + N * np.eye(N)
SYM = (SYM + SYM.T) / 2  # exactly symmetric
NONSYM = SYM + np.triu(RNG.standard_normal((N, N)), 1)
ALMOST = SYM.copy()
ALMOST[0, 1] = np.nextafter(ALMOST[0, 1], np.inf)  # one bit off symmetric
W = RNG.standard_normal(N)
X0 = RNG.standard_normal(N)


def _fd_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = eps
        g[i] = (f(x + e) - f(x - e)) / (2 * eps)
    return g


def _check(f, x=X0, grad=None):
    """jit(value_and_grad(f)) and a jitted forward-mode derivative along a random direction against f on
    numpy arrays and a closed-form gradient (or finite differences); returns the reverse-mode source."""
    jitted = ad.jit(ad.value_and_grad(f))
    value, g = jitted(x)
    np.testing.assert_allclose(value, f(x), rtol=1e-12)
    reference = grad(x) if grad is not None else _fd_grad(f, x)
    tol = dict(rtol=1e-9, atol=1e-12) if grad is not None else dict(rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(g, reference, **tol)
    v = RNG.standard_normal(x.shape)
    _, tangent = ad.jit(lambda x, v: ad.jvp(f, (x,), (v,)))(x, v)
    np.testing.assert_allclose(tangent, reference @ v, **tol)
    return jitted.source


def _form(p, kind):
    return {
        "nested": lambda x: -0.5 * x @ (p @ x),
        "chained": lambda x: -0.5 * x @ p @ x,
        "dot": lambda x: -0.5 * anp.dot(x, p @ x),
    }[kind]


@pytest.mark.parametrize("kind", ["nested", "chained", "dot"])
def test_symmetric_quadratic_form_is_one_product(kind):
    """-x P x / 2 with P symmetric: the gradient -P x shares the forward P @ x."""
    source = _check(_form(SYM, kind), grad=lambda x: -SYM @ x)
    assert source.count("np.dot") == 1


@pytest.mark.parametrize("p", [NONSYM, ALMOST], ids=["nonsymmetric", "one_bit_off"])
@pytest.mark.parametrize("kind", ["nested", "chained", "dot"])
def test_nonsymmetric_quadratic_form_keeps_both_products(p, kind):
    """The gradient is -(P + P^T) x / 2: with P treated as symmetric it would be -P x."""
    source = _check(_form(p, kind), grad=lambda x: -0.5 * (p + p.T) @ x)
    assert source.count("np.dot") == 2


@pytest.mark.parametrize("p", [SYM, NONSYM, ALMOST], ids=["symmetric", "nonsymmetric", "one_bit_off"])
def test_row_times_captured_matrix(p):
    """x @ P reads P^T: P itself only when P is symmetric (otherwise the captured P^T of the gradient,
    which holds exactly the transposed values)."""
    def f(x):
        return anp.sum(anp.sin(x @ p)) + (x * x) @ p @ W
    source = _check(f, grad=lambda x: p @ np.cos(x @ p) + 2 * x * (p @ W))
    assert ".T" not in source


def test_traced_scalar_factors_come_out_of_products():
    """exp(x0) * x P x, P @ (x * x1) (a traced scalar, on either side of a multiply) and (x2 * P) @ x (the
    scalar on the matrix) are one product P @ x, and so is the quadratic form's gradient; the gradient
    adds P^T cos(P x x1) and (x2 P)^T 1s (six products without the rewrites)."""
    def f(x):
        return (anp.exp(0.1 * x[0]) * (x @ (SYM @ x)) + anp.sum(anp.sin(SYM @ (x * x[1])))
                + anp.sum((x[2] * SYM) @ x))
    source = _check(f)
    assert source.count("np.dot") == 3


def test_vector_factor_and_nonlinear_factor_keep_their_products():
    """P @ (w * x) and P @ sin(2 x) are not P @ x times anything: three products remain (and the
    forward ones twice more in the gradient: w * P x or cos terms would be wrong)."""
    def f(x):
        return x @ (SYM @ x) + anp.sum(anp.cos(SYM @ (W * x))) + anp.sum(anp.sin(SYM @ anp.sin(2.0 * x)))
    source = _check(f)
    assert source.count("np.dot") >= 3


def test_size_one_array_times_a_broadcast_vector():
    """P @ (x[:1] * 1s) is x0 times P @ 1s (a (1,) array is a scalar factor too)."""
    def f(x):
        return x @ (SYM @ x) + anp.sum(anp.tanh(SYM @ (x[:1] * anp.ones(N))))
    _check(f)


_K = np.linalg.inv(SYM)
K_SYM = (_K + _K.T) / 2
K_NONSYM = K_SYM + np.triu(0.01 * RNG.standard_normal((N, N)), 1)


@pytest.mark.parametrize("k", [K_SYM, K_NONSYM], ids=["symmetric", "nonsymmetric"])
def test_quadratic_form_of_a_solve(k):
    """-r K^-1 r / 2: solve(K, r) and solve(K^T, -r / 2) are one solve when K is symmetric; the
    gradient is -(K^-1 + K^-T) r / 2."""
    def f(x):
        return -0.5 * x @ anp.linalg.solve(k, x)
    jitted = ad.jit(ad.value_and_grad(f))
    value, g = jitted(X0)
    expected = -0.5 * (np.linalg.solve(k, X0) + np.linalg.solve(k.T, X0))
    np.testing.assert_allclose(value, -0.5 * X0 @ np.linalg.solve(k, X0), rtol=1e-10)
    np.testing.assert_allclose(g, expected, rtol=1e-9)
    v = RNG.standard_normal(N)
    _, tangent = ad.jit(lambda x, v: ad.jvp(f, (x,), (v,)))(X0, v)
    np.testing.assert_allclose(tangent, expected @ v, rtol=1e-9)
    assert jitted.source.count("solve_into") == (1 if k is K_SYM else 2)


def test_hessian_of_symmetric_quadratic_form():
    hess = ad.jit(ad.hessian(_form(SYM, "nested")))(X0)
    np.testing.assert_allclose(hess, -SYM, rtol=1e-12, atol=1e-12)
    hess = ad.jit(ad.hessian(_form(NONSYM, "chained")))(X0)
    np.testing.assert_allclose(hess, -0.5 * (NONSYM + NONSYM.T), rtol=1e-12, atol=1e-12)


def _traced(f):
    """f's graph on an (N,) float64 argument, and the arrays it captured."""
    graph, captured, _ = make_graph(f, [ShapedArray((N,), np.dtype(np.float64))])
    return graph, captured


def test_equal_captured_arrays_are_compared_bit_for_bit():
    """Arrays equal as numbers but not as bits (-0.0 and 0.0) stay two arrays; equal bits become one."""
    a = RNG.standard_normal((N, N))
    a[3, 4] = 0.0
    b = a.copy()
    b[3, 4] = -0.0
    c = a.copy()
    graph, consts = _traced(lambda x: (a @ x) * (b @ x) + (c @ x))
    assert len(consts) == 3
    merged = merge_equal_constants(graph, consts)
    read = {x for e in merged.eqns for x in e.inputs if x in merged.constvars}
    assert len(read) == 2


def test_common_subexpressions_match_commuted_operands():
    graph, _ = _traced(lambda x: anp.sin(x) * 2.0 + 2.0 * anp.sin(x))
    names = [e.primitive.name for e in eliminate_common_subexpressions(graph).eqns]
    assert names.count("multiply") == 1 and names.count("sin") == 1
