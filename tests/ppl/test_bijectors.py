"""Bijectors: shapes, round trips, support, log Jacobians vs finite differences, Stan's loops, LKJ by Monte Carlo."""
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
from scipy import stats

import ppl.bijectors as bij
from ppl.distributions import constraints as C

# ---------------------------------------------------------------------------
# One row per bijector


def _flat(y):
    return y.reshape(-1)


def _drop_last(y):
    """Simplex / sum-to-zero: the last coordinate is implied by the others."""
    return y[..., :-1].reshape(-1)


def _strict_lower(y):
    return y[np.tril_indices(y.shape[-1], -1)]


def _lower(y):
    return y[np.tril_indices(y.shape[-1])]


@dataclass
class T:
    """A bijector under test.

    ``manifold`` maps one constrained event to the coordinates on which Stan
    measures its density (the finite-difference Jacobian is taken on them);
    ``ldj_offset`` is a known constant between that measure and the bijector's.
    """

    name: str
    make: Callable
    x_shape: tuple  # one unconstrained event (or a small site for elementwise maps)
    y_shape: tuple
    support: object  # a constraint from ppl.distributions.constraints
    manifold: Callable = _flat
    ldj_offset: float = 0.0
    bijective: bool = True
    skip_fd: str = ""  # reason to skip the finite-difference log Jacobian check
    wide: float = 8.0  # scale of the "far out" unconstrained points that must still land in the support

    def __repr__(self):
        return self.name


ALPHA1 = np.array([0.3, 0.6, 0.1])  # a "parameter" the bound depends on, as in Stan's garch11

BIJECTORS = [
    T("Identity", bij.Identity, (3,), (3,), C.real),
    T("Exp", bij.Exp, (3,), (3,), C.positive),
    T("Softplus", bij.Softplus, (3,), (3,), C.positive),
    T("LowerBound(array)", lambda: bij.LowerBound(np.array([-1.0, 0.0, 2.5])), (3,), (3,),
      C.greater_than(np.array([-1.0, 0.0, 2.5]))),
    T("UpperBound", lambda: bij.UpperBound(3.0), (3,), (3,), C.less_than(3.0)),
    T("Interval", lambda: bij.Interval(-1.0, 2.0), (3,), (3,), C.open_interval(-1.0, 2.0)),
    T("Interval(0, 1 - alpha1)", lambda: bij.Interval(0.0, 1.0 - ALPHA1), (3,), (3,),
      C.open_interval(0.0, 1.0 - ALPHA1)),
    T("Sigmoid", bij.Sigmoid, (3,), (3,), C.open_interval(0.0, 1.0)),
    T("Affine", lambda: bij.Affine(1.5, np.array([-2.0, 0.5, 3.0])), (3,), (3,), C.real),
    T("Chain(Affine, Exp)", lambda: bij.Chain([bij.Affine(0.5, 2.0), bij.Exp()]), (3,), (3,), C.positive),
    T("Chain(Affine, Ordered)", lambda: bij.Chain([bij.Affine(1.0, 0.5), bij.Ordered()]), (4,), (4,),
      C.ordered_vector),
    T("Independent(Exp, 1)", lambda: bij.Independent(bij.Exp(), 1), (3,), (3,), C.independent(C.positive, 1)),
    T("Ordered", bij.Ordered, (4,), (4,), C.ordered_vector),
    T("PositiveOrdered", bij.PositiveOrdered, (4,), (4,), C.positive_ordered_vector),
    T("Simplex K=4", bij.Simplex, (3,), (4,), C.simplex, manifold=_drop_last),
    T("Simplex K=2", bij.Simplex, (1,), (2,), C.simplex, manifold=_drop_last),
    # Stan measures sum_to_zero on the hyperplane; the first K-1 coordinates
    # shrink that surface measure by sqrt(K).
    T("SumToZero K=5", bij.SumToZero, (4,), (5,), C.sum_to_zero, manifold=_drop_last,
      ldj_offset=-0.5 * np.log(5.0)),
    T("UnitVector", bij.UnitVector, (3,), (3,), C.unit_vector, bijective=False,
      skip_fd="not a bijection: its 'log Jacobian' is Stan's -|x|^2/2 radial term"),
    T("CholeskyCorr K=2", bij.CholeskyCorr, (1,), (2, 2), C.corr_cholesky, manifold=_strict_lower),
    T("CholeskyCorr K=3", bij.CholeskyCorr, (3,), (3, 3), C.corr_cholesky, manifold=_strict_lower),
    T("CholeskyCorr K=4", bij.CholeskyCorr, (6,), (4, 4), C.corr_cholesky, manifold=_strict_lower),
    T("CholeskyCov K=3", bij.CholeskyCov, (6,), (3, 3), C.lower_cholesky, manifold=_lower),
    # wider x gives correlations of 1 - 1e-16 or eigenvalue ratios past 1e16: singular in float64
    T("CorrMatrix K=4", bij.CorrMatrix, (6,), (4, 4), C.corr_matrix, manifold=_strict_lower, wide=3.0),
    T("CovMatrix K=3", bij.CovMatrix, (6,), (3, 3), C.positive_definite, manifold=_lower, wide=3.0),
    T("StochasticMatrix 3x3", bij.StochasticMatrix, (3, 2), (3, 3), C.row_stochastic, manifold=_drop_last),
    T("StochasticMatrix 2x4", bij.StochasticMatrix, (2, 3), (2, 4), C.row_stochastic, manifold=_drop_last),
]


def _x(row, batch=(), scale=1.0, seed=0):
    return scale * np.random.default_rng(seed).normal(size=tuple(batch) + row.x_shape)


def _fd_jacobian(f, x, h=1e-6):
    """Central differences of ``f: R^n -> R^m`` at flat ``x``: an ``(m, n)`` matrix."""
    cols = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        cols.append((f(x + e) - f(x - e)) / (2 * h))
    return np.stack(cols, axis=-1)


# ---------------------------------------------------------------------------
# Table-driven checks


@pytest.mark.parametrize("row", BIJECTORS, ids=repr)
@pytest.mark.parametrize("batch", [(), (2,), (2, 3)])
def test_shapes(row, batch):
    b = row.make()
    x = _x(row, batch)
    y = b.forward(x)
    assert y.shape == batch + row.y_shape
    assert b.forward_shape(x.shape) == y.shape
    assert b.inverse_shape(y.shape) == x.shape
    assert b.inverse(y).shape == x.shape
    assert b.log_det_jacobian(x).shape == x.shape[: x.ndim - b.domain_event_dim]
    assert b.event_dim - b.domain_event_dim == len(row.y_shape) - len(row.x_shape)


@pytest.mark.parametrize("row", BIJECTORS, ids=repr)
def test_round_trip(row):
    b = row.make()
    x = _x(row, (5,))
    y = b.forward(x)
    np.testing.assert_allclose(b.forward(b.inverse(y)), y, rtol=1e-10, atol=1e-12)
    if row.bijective:
        np.testing.assert_allclose(b.inverse(y), x, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("row", BIJECTORS, ids=repr)
@pytest.mark.parametrize("spread", ["typical", "wide"])
def test_forward_lands_in_support(row, spread):
    b = row.make()
    x = _x(row, (50,), scale=1.0 if spread == "typical" else row.wide, seed=1)
    y = b.forward(x)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(b.log_det_jacobian(x)))
    assert np.all(row.support.check(y))


@pytest.mark.parametrize("row", BIJECTORS, ids=repr)
def test_batch_matches_loop(row):
    b = row.make()
    x = _x(row, (2, 3), seed=2)
    y, ldj = b.forward(x), b.log_det_jacobian(x)
    for idx in np.ndindex(2, 3):
        np.testing.assert_allclose(y[idx], b.forward(x[idx]), rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(ldj[idx], b.log_det_jacobian(x[idx]), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("row", BIJECTORS, ids=repr)
def test_log_det_jacobian_matches_finite_differences(row):
    if row.skip_fd:
        pytest.skip(row.skip_fd)
    b = row.make()
    for seed in range(3):
        x = _x(row, seed=10 + seed)
        jac = _fd_jacobian(lambda v: row.manifold(b.forward(v.reshape(row.x_shape))), x.reshape(-1))
        sign, logdet = np.linalg.slogdet(jac)
        assert sign != 0
        # elementwise maps return one log|J| per element; the event's is their sum
        np.testing.assert_allclose(np.sum(b.log_det_jacobian(x)) + row.ldj_offset, logdet, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("row", BIJECTORS, ids=repr)
def test_log_det_jacobian_matches_autodiff_jacobian(row):
    """The same check with the exact Jacobian of forward from autodiff (forward mode) and the log|det|
    of the Jacobian itself differentiated in reverse mode (so the log-Jacobian gradient is right too)."""
    import autodiff as ad
    import autodiff.numpy as anp
    if row.skip_fd:
        pytest.skip(row.skip_fd)
    b = row.make()

    def manifold_forward(v):
        return row.manifold(b.forward(anp.reshape(v, row.x_shape)))

    x = _x(row, seed=20).reshape(-1)
    jac = np.asarray(ad.jacfwd(manifold_forward)(x))
    np.testing.assert_allclose(jac, ad.jacrev(manifold_forward)(x), rtol=1e-12, atol=1e-12)
    sign, logdet = np.linalg.slogdet(jac)
    assert sign != 0
    np.testing.assert_allclose(np.sum(b.log_det_jacobian(x.reshape(row.x_shape))) + row.ldj_offset, logdet,
                               rtol=1e-10, atol=1e-10)
    ad.check_grads(lambda v: anp.sum(b.log_det_jacobian(anp.reshape(v, row.x_shape))), (x,), order=1)


# ---------------------------------------------------------------------------
# Oracles: Stan's loops, transcribed from stan/math/prim/constraint


def stan_simplex_constrain(y):
    n = y.size
    x, stick, lp = np.zeros(n + 1), 1.0, 0.0
    for k in range(n):
        adj = y[k] - np.log(n - k)
        z = 1.0 / (1.0 + np.exp(-adj))
        x[k] = stick * z
        lp += np.log(stick) - np.log1p(np.exp(-adj)) - np.log1p(np.exp(adj))
        stick -= x[k]
    x[n] = stick
    return x, lp


def stan_sum_to_zero_constrain(y):
    n = y.size
    z, sum_w = np.zeros(n + 1), 0.0
    for i in range(n, 0, -1):
        w = y[i - 1] / np.sqrt(i * (i + 1.0))
        sum_w += w
        z[i - 1] += sum_w
        z[i] -= w * i
    return z, 0.0


def stan_cholesky_corr_constrain(y, K):
    z = np.tanh(y)
    lp = np.sum(np.log1p(-z**2))
    x = np.zeros((K, K))
    x[0, 0] = 1.0
    k = 0
    for i in range(1, K):
        x[i, 0] = z[k]
        k += 1
        sum_sqs = x[i, 0] ** 2
        for j in range(1, i):
            lp += 0.5 * np.log1p(-sum_sqs)
            x[i, j] = z[k] * np.sqrt(1.0 - sum_sqs)
            k += 1
            sum_sqs += x[i, j] ** 2
        x[i, i] = np.sqrt(1.0 - sum_sqs)
    return x, lp


def stan_read_corr_L(cpcs, K):
    L, acc = np.zeros((K, K)), np.ones(K - 1)
    position, pull = 0, K - 1
    L[0, 0] = 1.0
    L[1:, 0] = temp = cpcs[:pull]
    acc[-pull:] = 1.0 - temp**2
    for i in range(1, K - 1):
        position += pull
        pull = K - 1 - i
        temp = cpcs[position : position + pull]
        L[i, i] = np.sqrt(acc[i - 1])
        L[i + 1 :, i] = temp * np.sqrt(acc[-pull:])
        acc[-pull:] *= 1.0 - temp**2
    L[K - 1, K - 1] = np.sqrt(acc[K - 2])
    return L


def stan_corr_matrix_constrain(y, K):
    z = np.tanh(y)
    lp = np.sum(np.log1p(-z**2))
    acc, position = 0.0, 0
    for k in range(1, K - 1):
        for _ in range(k + 1, K + 1):
            acc += (K - k - 1) * np.log1p(-z[position] ** 2)
            position += 1
    L = stan_read_corr_L(z, K)
    return L @ L.T, lp + 0.5 * acc


def stan_cov_matrix_constrain(x, K):
    L, i = np.zeros((K, K)), 0
    for m in range(K):
        L[m, :m] = x[i : i + m]
        i += m
        L[m, m] = np.exp(x[i])
        i += 1
    lp = K * np.log(2.0) + sum((K - k + 1) * x[k * (k + 3) // 2] for k in range(K))
    return L @ L.T, lp


STAN_LOOPS = [
    ("Simplex", bij.Simplex, stan_simplex_constrain, (5,)),
    ("SumToZero", bij.SumToZero, stan_sum_to_zero_constrain, (5,)),
    ("CholeskyCorr", bij.CholeskyCorr, lambda y: stan_cholesky_corr_constrain(y, 5), (10,)),
    ("CorrMatrix K=3", bij.CorrMatrix, lambda y: stan_corr_matrix_constrain(y, 3), (3,)),
    ("CorrMatrix K=5", bij.CorrMatrix, lambda y: stan_corr_matrix_constrain(y, 5), (10,)),
    ("CovMatrix", bij.CovMatrix, lambda y: stan_cov_matrix_constrain(y, 4), (10,)),
]


@pytest.mark.parametrize("name, make, stan, x_shape", STAN_LOOPS, ids=[r[0] for r in STAN_LOOPS])
def test_matches_stan_loop(name, make, stan, x_shape):
    """Same value, same packing order and same log Jacobian as Stan's *_constrain(x, lp)."""
    b = make()
    x = np.random.default_rng(3).normal(size=x_shape)
    y, lp = stan(x)
    np.testing.assert_allclose(b.forward(x), y, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(b.log_det_jacobian(x), lp, rtol=1e-12, atol=1e-12)


def test_cholesky_cov_packs_rows_like_stan():
    # Stan's cholesky_factor_constrain: row m is x[i:i+m] then exp(x[i+m]).
    L = bij.CholeskyCov().forward(np.arange(6.0))
    np.testing.assert_allclose(L, [[1.0, 0, 0], [1.0, np.exp(2.0), 0], [3.0, 4.0, np.exp(5.0)]])


def test_simplex_zero_is_uniform():
    np.testing.assert_allclose(bij.Simplex().forward(np.zeros(6)), np.full(7, 1 / 7))


def test_sum_to_zero_is_an_isometry():
    # Columns of dy/dx are orthonormal, so Stan's zero log Jacobian is exact on the hyperplane.
    V = _fd_jacobian(bij.SumToZero().forward, np.zeros(4))
    np.testing.assert_allclose(V.T @ V, np.eye(4), atol=1e-8)
    np.testing.assert_allclose(V.sum(axis=0), 0.0, atol=1e-8)


def test_unit_vector_inverse_is_the_direction():
    x = np.array([3.0, 0.0, 4.0])
    b = bij.UnitVector()
    np.testing.assert_allclose(b.inverse(b.forward(x)), x / 5.0)
    np.testing.assert_allclose(b.log_det_jacobian(x), -12.5)


def test_chain_sums_log_jacobians_over_event_axes():
    b = bij.Chain([bij.Affine(1.0, 0.5), bij.Ordered()])
    assert (b.domain_event_dim, b.event_dim) == (1, 1)
    x = _x(BIJECTORS[0], (2,))
    expected = 3 * np.log(0.5) + bij.Ordered().log_det_jacobian(1.0 + 0.5 * x)
    np.testing.assert_allclose(b.log_det_jacobian(x), expected)


@pytest.mark.parametrize("n, name", [(4, "CholeskyCorr"), (5, "CholeskyCov")])
def test_wrong_packed_length_names_the_fix(n, name):
    with pytest.raises(ValueError, match=rf"{name} needs K\(K[-+]1\)/2"):
        getattr(bij, name)().forward(np.zeros(n))


# ---------------------------------------------------------------------------
# Monte Carlo: LKJ(1) through the correlation transforms


def _lkj1_weighted_draws(b, K, extra_log_density, n=200_000, seed=4):
    """Importance-sample x with target exp(log|J| + extra) from a proposal making tanh(x) uniform."""
    rng = np.random.default_rng(seed)
    u = rng.uniform(-1.0, 1.0, size=(n, K * (K - 1) // 2))
    x = np.arctanh(u)
    log_q = np.sum(np.log1p(-(u**2)) - np.log(2.0), axis=-1)
    y = b.forward(x)
    log_w = b.log_det_jacobian(x) + extra_log_density(y) - log_q
    w = np.exp(log_w - log_w.max())
    return y, w / w.sum()


def _lkj_cholesky_eta1(L):
    """LKJCholesky(eta=1) log density up to a constant: sum_i (K - 1 - i) log L_ii (Stan's lkj_corr_cholesky)."""
    K = L.shape[-1]
    return np.sum((K - 1 - np.arange(K)) * np.log(np.diagonal(L, axis1=-2, axis2=-1)), axis=-1)


LKJ_CASES = [
    ("CorrMatrix K=3", bij.CorrMatrix, 3, lambda y: 0.0, lambda y: y),
    ("CorrMatrix K=4", bij.CorrMatrix, 4, lambda y: 0.0, lambda y: y),
    ("CholeskyCorr K=3", bij.CholeskyCorr, 3, _lkj_cholesky_eta1, lambda L: L @ np.swapaxes(L, -1, -2)),
    ("CholeskyCorr K=4", bij.CholeskyCorr, 4, _lkj_cholesky_eta1, lambda L: L @ np.swapaxes(L, -1, -2)),
]


@pytest.mark.parametrize("name, make, K, extra, to_corr", LKJ_CASES, ids=[c[0] for c in LKJ_CASES])
def test_lkj1_marginals_are_beta(name, make, K, extra, to_corr):
    """Under LKJ(1) every off-diagonal r has (r + 1) / 2 ~ Beta(K/2, K/2) (LKJ 2009)."""
    y, w = _lkj1_weighted_draws(make(), K, extra)
    corr = to_corr(y)
    assert 1.0 / np.sum(w**2) > 20_000  # effective sample size
    grid = np.linspace(-0.9, 0.9, 13)
    expected = stats.beta.cdf((grid + 1) / 2, K / 2, K / 2)
    for i, j in zip(*np.tril_indices(K, -1)):
        r = corr[:, i, j]
        weighted_cdf = np.array([np.sum(w[r <= t]) for t in grid])
        np.testing.assert_allclose(weighted_cdf, expected, atol=0.01, err_msg=f"r[{i},{j}]")
        np.testing.assert_allclose(np.sum(w * r**2), 1.0 / (K + 1), atol=0.01, err_msg=f"E r[{i},{j}]^2")


# ---------------------------------------------------------------------------
# biject_to and the public names

DEFAULTS = [
    (C.real, bij.Identity),
    (C.positive, bij.Exp),
    (C.greater_than(2.0), bij.LowerBound),
    (C.less_than(-1.0), bij.UpperBound),
    (C.interval(-2.0, 3.0), bij.Interval),
    (C.unit_interval, bij.Interval),
    (C.simplex, bij.Simplex),
    (C.ordered_vector, bij.Ordered),
    (C.positive_ordered_vector, bij.PositiveOrdered),
    (C.corr_cholesky, bij.CholeskyCorr),
    (C.lower_cholesky, bij.CholeskyCov),
    (C.corr_matrix, bij.CorrMatrix),
    (C.positive_definite, bij.CovMatrix),
    (C.unit_vector, bij.UnitVector),
    (C.sum_to_zero, bij.SumToZero),
    (C.row_stochastic, bij.StochasticMatrix),
    (C.real_vector, bij.Independent),
    (C.independent(C.positive, 1), bij.Independent),
]


@pytest.mark.parametrize("constraint, cls", DEFAULTS, ids=[repr(c) for c, _ in DEFAULTS])
def test_biject_to_default_lands_in_support(constraint, cls):
    b = bij.biject_to(constraint)
    assert type(b) is cls
    assert b.event_dim == constraint.event_dim
    x = np.random.default_rng(5).normal(size=(4, 6))  # 6 free values fit every matrix transform at K=3/4
    if b.domain_event_dim == 2:
        x = x.reshape(4, 3, 2)
    assert np.all(constraint.check(b.forward(x)))


def test_biject_to_independent_sums_inner_axes():
    b = bij.biject_to(C.independent(C.positive, 1))
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(b.log_det_jacobian(x), x.sum(-1))


@pytest.mark.parametrize("constraint", [C.integer, C.boolean, C.nonnegative_integer, C.multinomial(5)], ids=repr)
def test_biject_to_discrete_raises(constraint):
    with pytest.raises(ValueError, match="discrete"):
        bij.biject_to(constraint)


def test_biject_to_unknown_constraint_says_how_to_register():
    class Odd(C.Constraint):
        pass

    with pytest.raises(NotImplementedError, match="biject_to.register"):
        bij.biject_to(Odd())


def test_all_lists_every_public_name_once():
    assert len(bij.__all__) == len(set(bij.__all__))
    assert all(hasattr(bij, name) for name in bij.__all__)
    public = {n for n, v in vars(bij).items() if isinstance(v, type) and issubclass(v, bij.Bijector)}
    assert public <= set(bij.__all__)
