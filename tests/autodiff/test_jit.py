"""ad.jit: caching by shapes/dtypes/static arguments, readable generated source, jit == eager on
realistic log densities, the Numba dispatcher inside other @njit code, array methods on traced
values, and plain numpy outputs. Compiled functions are module-level so each compiles once."""
import ast

import numba
import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp
from autodiff.core import Tracer
from autodiff.errors import ConcretizationError, DerivativeDroppedError

RNG = np.random.default_rng(42)


def assert_tree_close(a, b, rtol=1e-12, atol=1e-12):
    a_leaves, a_tree = ad.tree_flatten(a)
    b_leaves, b_tree = ad.tree_flatten(b)
    assert a_tree == b_tree
    for x, y in zip(a_leaves, b_leaves):
        assert not isinstance(x, Tracer)
        assert np.shape(x) == np.shape(y)
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol)


# -- caching ----------------------------------------------------------------------------------------

def test_cache_by_shape_dtype_and_static_argument():
    traces = []

    def f(x, n):
        traces.append((np.shape(x), n))  # a side effect runs only while tracing
        if n > 2:  # Python control flow on a static argument is fine
            return anp.sum(x ** n) * 0.5
        return anp.sum(x ** n)

    jf = ad.jit(f, static_argnums=1)
    assert jf(np.ones(3), 2) == 3.0 and len(traces) == 1
    assert jf(np.full(3, 2.0), 2) == 12.0 and len(traces) == 1      # same shape, new values: cached
    assert jf(np.full(4, 2.0), 2) == 16.0 and len(traces) == 2      # new shape: retrace
    assert jf(np.full(4, 2.0), 3) == 16.0 and len(traces) == 3      # new static value: retrace
    assert jf(np.full(3, 3.0), 2) == 27.0 and len(traces) == 3      # first signature still cached
    out = jf(np.arange(3), 2)                                      # new dtype: retrace
    assert out == 5 and np.asarray(out).dtype == np.int64 and len(traces) == 4
    assert [t[1] for t in traces] == [2, 2, 3, 2]


def test_source_and_graph_are_readable():
    with pytest.raises(RuntimeError, match="call the jitted function"):
        ad.jit(lambda x: x).source
    LOGISTIC_VG.lower(BETA, X, Y_BIN)
    src = LOGISTIC_VG.source
    assert "def " in src and "for " in src and "return" in src and "logaddexp" in src
    ast.parse(src)  # valid Python
    assert "lambda" in repr(LOGISTIC_VG.graph) and "logaddexp" in repr(LOGISTIC_VG.graph)


# -- jit == eager on realistic functions ------------------------------------------------------------

N, P = 40, 3
X = RNG.standard_normal((N, P))
BETA = np.array([0.5, -1.0, 0.25])
Y_BIN = (RNG.uniform(size=N) < 1 / (1 + np.exp(-X @ BETA))).astype(float)
Y_REAL = RNG.standard_normal(N) * 1.3 + 0.4


def logistic_loglik(beta, X, y):
    eta = X @ beta
    return anp.sum(y * eta - anp.logaddexp(0.0, eta))


def gaussian_logpdf(mu, log_sigma, y):
    sigma = anp.exp(log_sigma)
    z = (y - mu) / sigma
    return anp.sum(-0.5 * z ** 2 - log_sigma - 0.5 * np.log(2 * np.pi))


LOGISTIC_VG = ad.jit(ad.value_and_grad(logistic_loglik))
GAUSSIAN_VG = ad.jit(ad.value_and_grad(gaussian_logpdf, argnums=(0, 1)))


def test_logistic_regression_value_and_grad_jit_equals_eager_and_analytic():
    eager = ad.value_and_grad(logistic_loglik)(BETA, X, Y_BIN)
    compiled = LOGISTIC_VG(BETA, X, Y_BIN)
    assert_tree_close(compiled, eager)
    p = 1 / (1 + np.exp(-X @ BETA))
    np.testing.assert_allclose(eager[1], X.T @ (Y_BIN - p), rtol=1e-12)
    ad.check_grads(lambda b: logistic_loglik(b, X, Y_BIN), (BETA,), order=2)


def test_gaussian_log_density_value_and_grad_jit_equals_eager_and_analytic():
    mu, log_sigma = 0.3, -0.2
    eager = ad.value_and_grad(gaussian_logpdf, argnums=(0, 1))(mu, log_sigma, Y_REAL)
    compiled = GAUSSIAN_VG(mu, log_sigma, Y_REAL)
    assert_tree_close(compiled, eager)
    z = (Y_REAL - mu) / np.exp(log_sigma)
    np.testing.assert_allclose(eager[0], np.sum(-0.5 * z ** 2 - log_sigma - 0.5 * np.log(2 * np.pi)), rtol=1e-14)
    np.testing.assert_allclose(eager[1], (np.sum(z) / np.exp(log_sigma), np.sum(z ** 2 - 1)), rtol=1e-12)
    ad.check_grads(lambda m, s: gaussian_logpdf(m, s, Y_REAL), (mu, log_sigma), order=2)
    # Python floats, numpy scalars and 0-d arrays have the same abstract value: one specialisation
    for m in (np.float64(mu), np.array(mu)):
        assert_tree_close(GAUSSIAN_VG(m, log_sigma, Y_REAL), compiled)
    assert len(GAUSSIAN_VG.cache) == 1


def test_dispatcher_is_callable_from_other_njit_code():
    compiled = LOGISTIC_VG.lower(BETA, X, Y_BIN)
    assert compiled.consts == []
    dispatcher = compiled.dispatcher

    @numba.njit
    def ascent_step(beta, X, y, step):
        value, grad = dispatcher(beta, X, y)
        return value, beta + step * grad

    value, new_beta = ascent_step(BETA, X, Y_BIN, 0.01)
    expected_value, expected_grad = ad.value_and_grad(logistic_loglik)(BETA, X, Y_BIN)
    assert value == pytest.approx(expected_value, rel=1e-12)
    np.testing.assert_allclose(new_beta, BETA + 0.01 * expected_grad, rtol=1e-12)


def test_grad_of_jit_traces_through():
    g = ad.grad(ad.jit(logistic_loglik))(BETA, X, Y_BIN)
    np.testing.assert_allclose(g, ad.grad(logistic_loglik)(BETA, X, Y_BIN), rtol=1e-14)


def test_jit_of_grad_of_jit():
    jf = ad.jit(lambda x: anp.sin(x) * 2.0)
    assert ad.jit(ad.grad(jf))(1.0) == pytest.approx(2 * np.cos(1.0), rel=1e-14)


def test_jit_astype_float32_rounds_like_eager():
    x = np.array([0.1, 1 / 3])
    f = lambda x: x.astype(np.float32).astype(np.float64) - x  # noqa: E731
    np.testing.assert_array_equal(ad.jit(f)(x), f(x))


def test_item_under_grad_with_python_float_argument():
    # .item() would drop the derivative (as in JAX, it raises); a stopped gradient is a constant
    with pytest.raises(DerivativeDroppedError):
        ad.grad(lambda x: x.item() * x)(3.0)
    assert ad.grad(lambda x: float(ad.stop_gradient(x)) * x)(3.0) == 3.0


def test_jit_keeps_float32_like_eager():
    x = np.ones(3, np.float32)
    f = lambda x: x * 2.0 + 1.0  # noqa: E731
    assert f(x).dtype == np.float32
    assert ad.jit(f)(x).dtype == np.float32


# -- Python control flow on traced values ----------------------------------------------------------

def _if(x):
    return x if x > 0 else -x


def _while(x):
    while x < 10:
        x = x * 2
    return x


CONTROL_FLOW = [("if", _if), ("while", _while), ("float", lambda x: float(x) * x),
                ("range", lambda x: sum(x for _ in range(int(x)))), ("item", lambda x: x.item() * x)]


@pytest.mark.parametrize("name, f", CONTROL_FLOW, ids=[c[0] for c in CONTROL_FLOW])
def test_python_control_flow_on_traced_values_raises_concretization_error(name, f):
    assert f(np.float64(3.0)) is not None  # works eagerly
    if name in ("float", "item"):  # a float from a differentiated value would drop its derivative
        with pytest.raises(DerivativeDroppedError):
            ad.grad(f)(np.float64(3.0))
    else:
        ad.grad(f)(np.float64(3.0))  # control flow works under grad (values are concrete there)
    with pytest.raises(ConcretizationError) as info:
        ad.jit(f)(3.0)
    msg = str(info.value)
    assert isinstance(info.value, TypeError)
    for phrase in ("ad.cond", "ad.scan", "ad.while_loop", "static_argnums", "traced"):
        assert phrase in msg


# -- array methods and operators on traced values ------------------------------------------------

M = RNG.standard_normal((4, 2))
V = RNG.standard_normal(3)
XM = RNG.standard_normal((2, 3))


def traced_api(x):
    """Every output is an ndarray/float64 with numpy; under transforms the same code runs on tracers."""
    assert x.shape == (2, 3) and x.ndim == 2 and x.size == 6 and x.dtype == np.float64
    assert isinstance(x.shape[0], int) and isinstance(x.size, int)
    return {
        "np_matmul_tracer": M @ x,
        "matmul": x @ V,
        "dot": x.dot(V),
        "scalar_ops": 2.0 * x + 1.0 - x / 3.0 + 3.0 / (x ** 2 + 1.0) - (-x) + 2.0 ** x,
        "compare": anp.where(x > 0, x, 0.0 * x) + (x >= 0.1) * 1.0,
        "T": x.T,
        "shape_attrs": x * x.shape[0] + x.ndim * x.size,
        "sum": x.sum(),
        "sum_axis": x.sum(axis=0),
        "mean": x.mean(),
        "mean_axis": x.mean(axis=1, keepdims=True),
        "reshape": x.reshape(3, 2) + x.reshape((6,))[:, None][:3],
        "reshape_minus1": x.reshape(-1),
        "astype": x.astype(np.float64) * 1.0,
        "astype_int": x.astype(np.int64),
        "abs_neg_pow": abs(x) + x ** 2,
    }


def traced_api_loss(x):
    return sum(anp.sum(v) for k, v in traced_api(x).items() if k != "astype_int")


TRACED_API_JIT = ad.jit(lambda x: (traced_api(x), ad.value_and_grad(traced_api_loss)(x)))


def test_traced_value_api_eager_matches_numpy():
    out = traced_api(XM)
    x = XM
    expected = {"np_matmul_tracer": M @ x, "matmul": x @ V, "dot": x.dot(V), "T": x.T, "sum": x.sum(),
                "mean_axis": x.mean(axis=1, keepdims=True), "reshape_minus1": x.reshape(-1),
                "astype_int": x.astype(np.int64)}
    for k, v in expected.items():
        assert type(out[k]) is type(v)
        np.testing.assert_allclose(out[k], v, rtol=1e-15)
    assert out["astype_int"].dtype == np.int64


def test_traced_value_api_under_grad_and_jit():
    values, (loss, grad) = TRACED_API_JIT(XM)
    assert_tree_close(values, traced_api(XM))
    eager_loss, eager_grad = ad.value_and_grad(traced_api_loss)(XM)
    assert loss == pytest.approx(eager_loss, rel=1e-12)
    np.testing.assert_allclose(grad, eager_grad, rtol=1e-12, atol=1e-12)
    ad.check_grads(traced_api_loss, (XM,), order=2, atol=1e-4, rtol=1e-4)
    assert values["astype_int"].dtype == np.int64


# -- plain numpy outside transforms ----------------------------------------------------------------

PLAIN = [
    ("exp_array", lambda: anp.exp(np.ones(3)), np.ndarray),
    ("sum_array", lambda: anp.sum(np.ones(3)), np.float64),
    ("exp_float", lambda: anp.exp(1.0), np.float64),
    ("add_arrays", lambda: anp.add(np.ones((3, 1)), np.ones(4)), np.ndarray),
    ("where", lambda: anp.where(np.ones(3) > 0, 1.0, 0.0), np.ndarray),
    ("matmul", lambda: anp.matmul(np.ones((2, 3)), np.ones(3)), np.ndarray),
    ("grad", lambda: ad.grad(lambda x: anp.sum(anp.sin(x)))(np.ones(3)), np.ndarray),
    ("jit_array", lambda: TRACED_API_JIT(XM)[0]["T"], np.ndarray),
    ("jit_scalar", lambda: TRACED_API_JIT(XM)[0]["sum"], np.float64),
    ("jit_value", lambda: TRACED_API_JIT(XM)[1][0], np.float64),
]


@pytest.mark.parametrize("name, make, expected_type", PLAIN, ids=[p[0] for p in PLAIN])
def test_outputs_outside_transforms_are_plain_numpy(name, make, expected_type):
    assert type(make()) is expected_type


def test_jit_pytree_arguments_kwargs_and_outputs():
    f = ad.jit(lambda d, scale=1.0: {"a": d["x"] * scale, "b": (d["x"].sum(), None), "n": d["n"] * 2})
    out = f({"x": np.ones(2), "n": 3}, scale=4.0)
    np.testing.assert_array_equal(out["a"], [4.0, 4.0])
    assert out["b"][1] is None and out["b"][0] == 2.0 and out["n"] == 6
