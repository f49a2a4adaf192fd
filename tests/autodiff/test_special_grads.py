"""autodiff.scipy.special against scipy.special: values (edge values, broadcasting), derivatives to order 2
in both modes, logsumexp/softmax semantics, and jit == eager."""
import decimal

import hypothesis
import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np
import pytest
import scipy.special as ss

import autodiff as ad
import autodiff.numpy as anp
import autodiff.scipy.special as asp
from autodiff.codegen import special_kernels as sk

EDGE = np.array([-np.inf, -30.0, -3.5, -1.0, -0.5, -1e-300, 0.0, 1e-300, 0.3, 1.0, 2.5, 10.0, 200.0, np.inf, np.nan])
UNIT = np.array([-0.5, 0.0, 1e-300, 0.01, 0.3, 0.5, 0.99, 1.0, 1.5, np.nan])

# -- values: (name, args); every function compared with the scipy.special function of the same name ------------
A_COL = np.array([[0.5], [2.0], [7.0], [-1.5]])
VALUE_CASES = [
    ("gammaln", (EDGE,)), ("digamma", (EDGE,)), ("psi", (EDGE,)), ("erf", (EDGE,)), ("erfc", (EDGE,)),
    ("erfinv", (2 * UNIT - 1,)), ("erfcinv", (2 * UNIT,)), ("ndtr", (EDGE,)), ("log_ndtr", (EDGE,)),
    ("ndtri", (UNIT,)), ("i0", (EDGE,)), ("i1", (EDGE,)), ("i0e", (EDGE,)), ("i1e", (EDGE,)), ("expit", (EDGE,)),
    ("logit", (UNIT,)), ("log_expit", (EDGE,)), ("softplus", (EDGE,)), ("gamma", (EDGE,)),
    ("gamma", (np.array([-4.0, -2.0, -1.0, 0.0, 0.5, 1.0, 171.0, 172.0]),)),
    ("betaln", (A_COL, EDGE[None, 6:12])), ("beta", (A_COL[:3], np.array([0.3, 1.0, 4.5]))),
    ("xlogy", (np.array([[0.0], [1.5], [-2.0]]), EDGE)), ("xlog1py", (np.array([[0.0], [1.5], [-2.0]]), EDGE)),
    ("polygamma", (2, EDGE)), ("polygamma", (np.array([0, 1, 3]), np.array([[0.5], [2.5]]))),
    ("polygamma", (np.array([-1, 1.5]), 2.0)),
    ("gammainc", (A_COL[:3], EDGE[None, 6:14])), ("gammaincc", (A_COL[:3], EDGE[None, 6:14])),
    ("betainc", (A_COL[:3], np.array([0.3, 1.0, 4.5]), UNIT[:, None, None])),
    ("stdtr", (np.array([[1.0], [3.5], [np.inf]]), EDGE)),
    ("gammaln", (3,)), ("expit", ([1, 2, 3],)), ("xlogy", (2, 3)),
]


@pytest.mark.parametrize("name, args", VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
def test_values_match_scipy(name, args):
    with np.errstate(all="ignore"):
        expected = getattr(ss, name)(*args)
        got = getattr(asp, name)(*args)
    assert np.shape(got) == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=0)


def test_multigammaln_matches_scipy_and_checks_domain():
    for a, d in [(3.0, 1), (np.array([2.5, 4.0, 10.0]), 3), (np.array([[5.0], [7.5]]), 5)]:
        np.testing.assert_allclose(asp.multigammaln(a, d), ss.multigammaln(a, d), rtol=1e-13)
    with pytest.raises(ValueError, match="condition a"):
        asp.multigammaln(0.8, 3)
    with pytest.raises(ValueError, match="positive integer"):
        asp.multigammaln(3.0, 1.5)


def _log1mexp_decimal(x):
    """log(1 - exp(x)) in 400-digit decimal arithmetic (an oracle independent of the two-branch formula)."""
    with decimal.localcontext() as ctx:
        ctx.prec = 400
        return float((1 - decimal.Decimal(x).exp()).ln())


def test_log1mexp_is_log_of_one_minus_exp():
    x = np.array([-800.0, -50.0, -1.0, -np.log(2.0), -0.5, -1e-10, -1e-300])
    np.testing.assert_allclose(asp.log1mexp(x), [_log1mexp_decimal(v) for v in x], rtol=1e-15)
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(asp.log1mexp(np.array([0.0, 1.0, np.nan])), [-np.inf, np.nan, np.nan])


def test_public_names():
    assert len(asp.__all__) == len(set(asp.__all__))
    for name in asp.__all__:
        assert callable(getattr(asp, name)), name
        if name not in ("log1mexp", "logaddexp"):  # documented additions
            assert hasattr(ss, name), name


# -- derivatives: check_grads order 2, both modes, inside each domain --------------------------------------
X = np.array([0.3, 1.7, 4.2, -0.5, -1.5])
GRAD_CASES = [
    ("gammaln", asp.gammaln, (X,)),
    ("digamma", asp.digamma, (X,)),
    ("polygamma0", lambda x: asp.polygamma(0, x), (X,)),
    ("polygamma3", lambda x: asp.polygamma(3, x), (np.array([0.5, 2.5, 6.0]),)),
    ("polygamma_array_n", lambda x: asp.polygamma(np.array([[1], [2]]), x), (np.array([0.7, 3.0]),)),
    ("betaln", asp.betaln, (np.array([[0.5], [2.0], [7.0]]), np.array([1.5, 0.3]))),
    ("erf", asp.erf, (np.array([-2.0, -0.3, 0.0, 0.7, 2.0]),)),
    ("erfc", asp.erfc, (np.array([-2.0, -0.3, 0.0, 0.7, 4.0]),)),
    ("erfinv", asp.erfinv, (np.array([-0.9, -0.2, 0.0, 0.5, 0.95]),)),
    ("erfcinv", asp.erfcinv, (np.array([0.1, 0.8, 1.0, 1.5, 1.9]),)),
    ("ndtr", asp.ndtr, (np.array([-3.0, -0.5, 0.0, 1.0, 4.0]),)),
    ("log_ndtr", asp.log_ndtr, (np.array([-30.0, -5.0, -0.5, 0.0, 2.0, 8.0]),)),
    ("ndtri", asp.ndtri, (np.array([0.05, 0.3, 0.5, 0.9, 0.98]),)),
    ("i0", asp.i0, (np.array([-3.0, -0.4, 0.0, 0.6, 2.5, 10.0]),)),
    ("i1", asp.i1, (np.array([-3.0, -0.4, 0.0, 0.6, 2.5, 10.0]),)),
    ("i0e", asp.i0e, (np.array([-3.0, -0.4, 0.6, 2.5, 10.0]),)),
    ("i1e", asp.i1e, (np.array([-3.0, -0.4, 0.6, 2.5, 10.0]),)),
    ("expit", asp.expit, (np.array([-40.0, -2.0, 0.0, 3.0, 40.0]),)),
    ("logit", asp.logit, (np.array([0.05, 0.2, 0.5, 0.9]),)),
    ("log_expit", asp.log_expit, (np.array([-50.0, -1.0, 0.0, 2.0, 50.0]),)),
    ("softplus", asp.softplus, (np.array([-50.0, -1.0, 0.0, 2.0, 50.0]),)),
    ("log1mexp", asp.log1mexp, (np.array([-50.0, -2.0, -0.5, -1e-2]),)),
    ("xlogy", asp.xlogy, (np.array([[0.5], [2.0], [-1.0], [0.0]]), np.array([0.3, 1.5, 4.0]))),
    ("xlog1py", asp.xlog1py, (np.array([[0.5], [2.0], [0.0]]), np.array([-0.7, 0.5, 4.0]))),
    ("gammainc_x", lambda x: asp.gammainc(np.array([0.5, 2.0, 9.0]), x), (np.array([0.3, 1.5, 8.0]),)),
    ("gammaincc_x", lambda x: asp.gammaincc(np.array([0.5, 2.0, 9.0]), x), (np.array([0.3, 1.5, 8.0]),)),
    ("betainc_x", lambda x: asp.betainc(np.array([0.5, 2.0, 9.0]), 1.5, x), (np.array([0.3, 0.5, 0.8]),)),
    ("stdtr_t", lambda t: asp.stdtr(np.array([1.0, 4.5, 30.0]), t), (np.array([-2.0, 0.0, 1.2]),)),
    ("gamma", asp.gamma, (np.array([0.5, 2.3, -0.5, -1.5, 5.0]),)),
    ("beta", asp.beta, (np.array([0.5, 2.3, 4.0]), np.array([1.2, 0.7, 3.0]))),
    ("multigammaln", lambda a: asp.multigammaln(a, 3), (np.array([2.5, 4.0]),)),
    ("softmax", lambda x: asp.softmax(x, axis=1), (np.array([[1.0, -2.0, 0.5], [3.0, 3.0, -1.0]]),)),
    ("log_softmax", lambda x: asp.log_softmax(x, axis=0), (np.array([[1.0, -2.0, 0.5], [3.0, 3.0, -1.0]]),)),
    ("logsumexp", lambda x: asp.logsumexp(x, axis=(0, 2)), (np.arange(24.0).reshape(2, 3, 4) / 5.0,)),
    ("logsumexp_b", lambda a, b: asp.logsumexp(a, axis=-1, b=b, keepdims=True),
     (np.array([[1.0, -2.0, 0.5], [3.0, 3.0, -1.0]]), np.array([0.5, 2.0, 1.0]))),
    ("logsumexp_sign", lambda a, b: asp.logsumexp(a, b=b, return_sign=True)[0],
     (np.array([1.0, 2.0, 0.5]), np.array([0.5, -2.0, 1.0]))),
]


@pytest.mark.parametrize("name, f, args", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_grads_order_2(name, f, args):
    ad.check_grads(f, args, order=2)


@np.errstate(divide="ignore")
def test_derivatives_at_zero_are_the_limits():
    # i1(x)/x -> 1/2: i1'(0) = i1e'(0) = 1/2; i0e has a kink at 0 and takes the subgradient 0 there
    for f, expected in [(asp.i1e, 0.5), (asp.i1, 0.5), (asp.i0e, 0.0), (asp.i0, 0.0)]:
        assert ad.grad(f)(0.0) == expected
        assert ad.jvp(f, (0.0,), (1.0,))[1] == expected
    # xlogy(0, y) is 0 for every y: zero gradient in y even at y = 0
    assert ad.grad(asp.xlogy, argnums=1)(0.0, 0.0) == 0.0
    assert ad.grad(asp.xlog1py, argnums=1)(0.0, -1.0) == 0.0
    gx, gy = ad.grad(lambda x, y: anp.sum(asp.xlogy(x, y)), argnums=(0, 1))(np.array([0.0, 2.0]), np.array([0.0, 3.0]))
    np.testing.assert_array_equal(gy, [0.0, 2.0 / 3.0])
    np.testing.assert_allclose(gx, [-np.inf, np.log(3.0)])


def test_polygamma_derivative_chain():
    x = np.array([0.4, 1.0, 3.7])
    np.testing.assert_allclose(ad.jacfwd(lambda x: asp.polygamma(2, x))(x).diagonal(), ss.polygamma(3, x), rtol=1e-12)
    np.testing.assert_allclose(ad.grad(lambda x: anp.sum(asp.gammaln(x)))(x), ss.digamma(x), rtol=1e-14)


def test_argument_errors():
    with pytest.raises(TypeError, match="concrete"):
        ad.jit(lambda n: asp.polygamma(n, 2.0))(1.0)  # fails while tracing, before compiling
    # shape derivatives are first order: a second derivative in the shape argument raises
    with pytest.raises(NotImplementedError, match="second order"):
        ad.grad(ad.grad(lambda a: asp.gammainc(a, 2.0)))(1.5)
    with pytest.raises(NotImplementedError, match="second order"):
        ad.grad(ad.grad(lambda df: asp.stdtr(df, 0.5)))(3.0)


def _five_point(f, x, h):
    return (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h)


SHAPE_GRID_A = np.array([0.05, 0.5, 1.0, 2.0, 2.5, 10.0, 100.0, 1000.0])[:, None]
SHAPE_GRID_X = np.array([1e-5, 0.1, 0.9, 1.5, 3.0, 9.0, 11.0, 50.0, 95.0, 105.0, 990.0, 1020.0, 2000.0])
BETA_A = np.array([0.1, 0.5, 1.0, 2.0, 30.0])[:, None, None]
BETA_B = np.array([0.2, 1.0, 3.0, 5.0, 40.0])[:, None]
BETA_X = np.array([1e-4, 0.05, 0.3, 0.5, 0.7, 0.95, 0.9999])
T_DF = np.array([0.5, 1.0, 2.5, 7.0, 60.0])[:, None]
T_T = np.array([-30.0, -2.0, -0.3, 0.0, 0.4, 1.5, 8.0])


@pytest.mark.parametrize("ours, reference, args, argnum", [
    (lambda a, x: sk.gammainc_da_ufunc(a, x), ss.gammainc, (SHAPE_GRID_A, SHAPE_GRID_X), 0),
    (lambda a, b, x: sk.betainc_da_ufunc(a, b, x), ss.betainc, (BETA_A, BETA_B, BETA_X), 0),
    (lambda a, b, x: sk.betainc_db_ufunc(a, b, x), ss.betainc, (BETA_A, BETA_B, BETA_X), 1),
    (lambda df, t: ad.vjp(asp.stdtr, df, t)[1](np.ones((5, 7)))[0], ss.stdtr, (T_DF * np.ones(7), T_T), 0),
], ids=["gammainc_da", "betainc_da", "betainc_db", "stdtr_ddf"])
def test_shape_derivatives_against_finite_differences(ours, reference, args, argnum):
    """d/da of the incomplete functions (series / continued fraction differentiated) against a 5-point central
    difference of scipy's function with step 1e-3 a (error ~1e-9 relative), where the derivative is not tiny."""
    def shifted(v):
        return reference(*[v if i == argnum else a for i, a in enumerate(args)])
    with np.errstate(all="ignore"):
        fd = _five_point(shifted, args[argnum], 1e-3 * args[argnum])
        got = ours(*args)
    big = np.abs(fd) > 1e-5
    assert big.sum() > 20
    np.testing.assert_allclose(got[big], fd[big], rtol=2e-6)


# -- logsumexp, softmax, log_softmax: scipy semantics --------------------------------------------------------
NINF = -np.inf
LSE_CASES = [
    (np.array([1.0, 2.0, 3.0]), {}),
    (np.arange(24.0).reshape(2, 3, 4) - 10, dict(axis=1)),
    (np.arange(24.0).reshape(2, 3, 4) - 10, dict(axis=(0, -1), keepdims=True)),
    (np.array([[1000.0, 1000.0], [-1000.0, -999.0]]), dict(axis=1)),
    (np.array([NINF, 0.0, 1.0]), {}),
    (np.array([[NINF, NINF], [NINF, 1.0]]), dict(axis=1)),
    (np.array([np.inf, 1.0]), {}),
    (np.array([np.nan, 1.0]), {}),
    (np.array([1.0, 2.0]), dict(b=[1.0, -1.0])),
    (np.array([1.0, 2.0]), dict(b=[1.0, -1.0], return_sign=True)),
    (np.array([1.0, 1.0]), dict(b=[1.0, -1.0], return_sign=True)),
    (np.array([1000.0, 1.0]), dict(b=[0.0, 1.0])),
    (np.array([np.nan, np.inf, 1.0]), dict(b=[0.0, 0.0, 2.0])),
    (np.array([[1.0, 2.0, 3.0], [0.5, 0.1, 9.0]]), dict(axis=0, b=np.array([[2.0], [0.5]]), return_sign=True)),
    (np.array([[1.0, 2.0, 3.0], [0.5, 0.1, 9.0]]), dict(axis=-1, b=np.array([-1.0, 0.3, 0.2]))),
    (np.float64(2.5), {}), (np.float64(2.5), dict(keepdims=True)), ([1, 2, 3], dict(axis=0)),
    (np.zeros((2, 0)), dict(axis=1)), (np.zeros(0), dict(return_sign=True)),
]


@pytest.mark.parametrize("a, kw", LSE_CASES)
def test_logsumexp_matches_scipy(a, kw):
    with np.errstate(all="ignore"):
        expected, got = ss.logsumexp(a, **kw), asp.logsumexp(a, **kw)
    for e, g in zip(*(([expected], [got]) if not kw.get("return_sign") else (expected, got))):
        assert np.shape(g) == np.shape(e) and type(g) is type(e)
        np.testing.assert_allclose(g, e, rtol=1e-14)


@hypothesis.settings(max_examples=60, deadline=None, derandomize=True)
@hypothesis.given(hnp.arrays(np.float64, (3, 4), elements=st.sampled_from([NINF, -700.0, -1.0, 0.0, 0.5, 3.0, 700.0])),
                  hnp.arrays(np.float64, (4,), elements=st.sampled_from([-1.0, 0.0, 0.5, 2.0])),
                  st.sampled_from([None, 0, 1, (0, 1)]))
def test_logsumexp_random_edges_match_scipy(a, b, axis):
    # (not 710: where exp(a) overflows and every b is 0, scipy's fallback computes log(0 * inf) = nan; we give -inf)
    # atol: scipy's log1p(rest / max term) also keeps relative accuracy for results next to 0; we do not
    with np.errstate(all="ignore"):
        for kw in (dict(), dict(b=b), dict(b=b, return_sign=True)):
            expected, got = ss.logsumexp(a, axis=axis, **kw), asp.logsumexp(a, axis=axis, **kw)
            np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)
        g = ad.grad(lambda a: anp.sum(asp.logsumexp(a, axis=axis, b=np.abs(b))))(a)
    assert not np.any(np.isnan(g))


def test_logsumexp_gradient_is_softmax_and_nan_free():
    a = np.array([[NINF, 0.0, 1.0], [NINF, NINF, NINF], [2.0, NINF, 2.0]])
    g = ad.grad(lambda a: anp.sum(asp.logsumexp(a, axis=1)))(a)
    expected = np.array([[0.0, 1 / (1 + np.e), np.e / (1 + np.e)], [0.0, 0.0, 0.0], [0.5, 0.0, 0.5]])
    np.testing.assert_allclose(g, expected, rtol=1e-15)
    t = ad.jvp(lambda a: asp.logsumexp(a, axis=1), (a,), (np.ones_like(a),))[1]
    np.testing.assert_allclose(t, [1.0, 0.0, 1.0])  # shift invariance; all -inf gives 0
    # weights: d/da = b exp(a - out), d/db = exp(a - out), also where b == 0
    a, b = np.array([0.5, 1.0, 2.0]), np.array([2.0, 0.0, 1.0])
    ga, gb = ad.grad(lambda a, b: asp.logsumexp(a, b=b), argnums=(0, 1))(a, b)
    out = ss.logsumexp(a, b=b)
    np.testing.assert_allclose(ga, b * np.exp(a - out), rtol=1e-14)
    np.testing.assert_allclose(gb, np.exp(a - out), rtol=1e-14)
    # the second derivative too: Hessian of logsumexp = diag(p) - p p^T
    x = np.array([0.3, -1.0, NINF, 2.0])
    p = ss.softmax(x)
    np.testing.assert_allclose(ad.hessian(asp.logsumexp)(x), np.diag(p) - np.outer(p, p), atol=1e-15)


@pytest.mark.parametrize("x, axis", [
    (np.array([1.0, 2.0, 3.0]), None), (np.array([[1000.0, 1.0], [NINF, 0.0], [NINF, NINF]]), 1),
    (np.arange(12.0).reshape(3, 4), 0), (np.arange(24.0).reshape(2, 3, 4), (0, 2)), (np.float64(3.0), None)])
def test_softmax_and_log_softmax_match_scipy(x, axis):
    with np.errstate(all="ignore"):
        for name in ("softmax", "log_softmax"):
            expected, got = getattr(ss, name)(x, axis=axis), getattr(asp, name)(x, axis=axis)
            assert np.shape(got) == np.shape(expected)
            np.testing.assert_allclose(got, expected, rtol=1e-14)


# -- jit == eager: one compiled function per group (values, gradient and a Hessian-vector product) -----------
def _unary_family(x):
    """Every unary special function, each fed a map of x into its domain."""
    u = anp.tanh(x)  # (-1, 1)
    pos = asp.softplus(x) + 0.5
    return [asp.gammaln(pos), asp.digamma(pos), asp.polygamma(2, pos), asp.erf(x), asp.erfc(x), asp.erfinv(u),
            asp.erfcinv(u + 1.0), asp.ndtr(x), asp.log_ndtr(3.0 * x), asp.ndtri(asp.expit(x)), asp.i0(x), asp.i1(x),
            asp.i0e(x), asp.i1e(x), asp.expit(x), asp.logit(asp.expit(x)), asp.log_expit(x), asp.softplus(x),
            asp.log1mexp(-pos), asp.gamma(pos), asp.multigammaln(pos + 1.0, 2)]


def _binary_family(x, y):
    pos_x, pos_y = asp.softplus(x) + 0.2, asp.softplus(y) + 0.3
    return [asp.betaln(pos_x, pos_y), asp.beta(pos_x, pos_y), asp.xlogy(x, pos_y), asp.xlog1py(x, pos_y),
            asp.xlogy(anp.where(x > 0, x, 0.0), pos_y), asp.polygamma(np.array([0, 1, 2, 3, 0]), pos_x)]


def _total(fns):
    return lambda *args: sum(anp.sum(v) for v in fns(*args))


def _compiled_vs_eager(fns, args, hvp=True):
    """jit(program) == program: the values, the gradient of their total and (hvp) a Hessian-vector product."""
    total, argnums = _total(fns), tuple(range(len(args)))

    def program(*args):
        out = [fns(*args), ad.grad(total, argnums=argnums)(*args)]
        if hvp:
            v = tuple(np.linspace(0.3, 1.1, np.size(a)).reshape(np.shape(a)) for a in args)
            out.append(ad.jvp(ad.grad(total, argnums=argnums), args, v)[1])
        return out

    compiled, eager = ad.jit(program)(*args), program(*args)
    for c, e in zip(ad.tree_leaves(compiled), ad.tree_leaves(eager)):
        np.testing.assert_allclose(c, e, rtol=1e-12, atol=1e-300)


def test_jit_matches_eager_unary_family():
    _compiled_vs_eager(_unary_family, (np.array([-2.5, -0.3, 0.0, 0.8, 4.0]),))


def test_jit_matches_eager_binary_family():
    # value and gradient only: Numba's compile time grows quickly with the size of the function
    _compiled_vs_eager(_binary_family, (np.array([-2.5, -0.3, 0.0, 0.8, 4.0]), np.array([1.0, -0.7, 2.0, 0.3, 0.5])),
                       hvp=False)


def test_jit_logsumexp_softmax_edge_values():
    x = np.array([[NINF, NINF, NINF], [NINF, 0.0, 1.0], [np.inf, 0.0, 1.0], [1000.0, 999.0, -5.0]])
    b = np.array([[1.0, 1.0, 1.0], [1.0, 2.0, 0.0], [0.0, 1.0, 1.0], [1.0, -1.0, 0.5]])
    y = np.array([[NINF, 0.0, 1.0], [1000.0, 999.0, -5.0]])

    def f(x, b, y):
        out, sign = asp.logsumexp(x, axis=1, b=b, return_sign=True)
        grad = ad.grad(lambda y: anp.sum(asp.logsumexp(y, axis=1)) + anp.sum(asp.log_softmax(y, axis=0) * asp.softmax(y)))
        return out, sign, asp.logsumexp(x, axis=1), asp.softmax(x, axis=1), asp.log_softmax(x), grad(y)

    with np.errstate(all="ignore"):
        for c, e in zip(ad.jit(f)(x, b, y), f(x, b, y)):
            np.testing.assert_allclose(c, e, rtol=1e-13, atol=1e-300)


def test_jit_matches_eager_incomplete_functions():
    def family(x):
        u = asp.expit(x)
        return [asp.gammainc(2.5, u * 4), asp.gammaincc(0.7, u), asp.betainc(2.0, 0.5, u), asp.stdtr(3.5, x)]
    _compiled_vs_eager(family, (np.array([-2.5, -0.3, 0.0, 0.8, 4.0]),))
