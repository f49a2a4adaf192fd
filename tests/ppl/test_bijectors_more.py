"""SumToZeroMatrix, ColumnStochasticMatrix and CholeskyFactorCov: round trips, supports, log Jacobians
against finite differences and autodiff's exact Jacobian, and Stan's loops transcribed as oracles."""
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp
import ppl.bijectors as bij
from ppl.distributions import constraints as C


def _drop_last_row_col(y):
    return y[..., :-1, :-1].reshape(-1)


def _drop_last_row(y):
    return y[..., :-1, :].reshape(-1)


def _lower_trapezoid(y):
    m, n = y.shape[-2:]
    return y[np.tril_indices(m, 0, n)]


@dataclass
class T:
    """A bijector under test; ``manifold`` gives the coordinates of one constrained event that
    Stan's density is measured on, and ``ldj_offset`` the known constant between the two measures."""

    name: str
    make: Callable
    x_shape: tuple
    y_shape: tuple
    support: object
    manifold: Callable
    ldj_offset: float = 0.0

    def __repr__(self):
        return self.name


def _sum_to_zero_offset(n, m):
    # y[:-1, :-1] = (V_N' (x) V_M') x with V_K' the first K-1 rows of the Helmert basis: det V_K' = K^(-1/2)
    return -0.5 * ((m - 1) * np.log(n) + (n - 1) * np.log(m))


BIJECTORS = [
    T("SumToZeroMatrix 3x4", bij.SumToZeroMatrix, (2, 3), (3, 4), C.zero_sum(2), _drop_last_row_col,
      _sum_to_zero_offset(3, 4)),
    T("SumToZeroMatrix 2x2", bij.SumToZeroMatrix, (1, 1), (2, 2), C.zero_sum(2), _drop_last_row_col,
      _sum_to_zero_offset(2, 2)),
    T("ColumnStochasticMatrix 3x4", bij.ColumnStochasticMatrix, (2, 4), (3, 4), C.column_stochastic, _drop_last_row),
    T("ColumnStochasticMatrix 2x3", bij.ColumnStochasticMatrix, (1, 3), (2, 3), C.column_stochastic, _drop_last_row),
    T("CholeskyFactorCov 4x2", lambda: bij.CholeskyFactorCov(4, 2), (7,), (4, 2), C.lower_cholesky, _lower_trapezoid),
    T("CholeskyFactorCov 5x1", lambda: bij.CholeskyFactorCov(5, 1), (5,), (5, 1), C.lower_cholesky, _lower_trapezoid),
    T("CholeskyFactorCov 3x3", lambda: bij.CholeskyFactorCov(3, 3), (6,), (3, 3), C.lower_cholesky, _lower_trapezoid),
]


def _x(row, batch=(), scale=1.0, seed=0):
    return scale * np.random.default_rng(seed).normal(size=tuple(batch) + row.x_shape)


def _fd_jacobian(f, x, h=1e-6):
    return np.stack([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)], axis=-1)


@pytest.mark.parametrize("row", BIJECTORS, ids=repr)
@pytest.mark.parametrize("batch", [(), (2,), (2, 3)])
def test_shapes(row, batch):
    b = row.make()
    x = _x(row, batch)
    y = b.forward(x)
    assert y.shape == batch + row.y_shape
    assert b.forward_shape(x.shape) == y.shape and b.inverse_shape(y.shape) == x.shape
    assert b.inverse(y).shape == x.shape
    assert np.shape(b.log_det_jacobian(x)) == batch


@pytest.mark.parametrize("row", BIJECTORS, ids=repr)
def test_round_trip(row):
    b = row.make()
    x = _x(row, (5,))
    y = b.forward(x)
    np.testing.assert_allclose(b.inverse(y), x, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(b.forward(b.inverse(y)), y, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("row", BIJECTORS, ids=repr)
@pytest.mark.parametrize("scale", [1.0, 8.0])
def test_forward_lands_in_support(row, scale):
    b = row.make()
    x = _x(row, (50,), scale=scale, seed=1)
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
    b = row.make()
    for seed in range(3):
        x = _x(row, seed=10 + seed)
        jac = _fd_jacobian(lambda v: row.manifold(b.forward(v.reshape(row.x_shape))), x.reshape(-1))
        sign, logdet = np.linalg.slogdet(jac)
        assert sign != 0
        np.testing.assert_allclose(b.log_det_jacobian(x) + row.ldj_offset, logdet, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("row", BIJECTORS, ids=repr)
def test_log_det_jacobian_matches_autodiff_jacobian(row):
    """jacfwd of the unconstrained -> constrained map (equal to jacrev), its log|det|, and the gradient
    of log_det_jacobian itself in both modes."""
    b = row.make()

    def manifold_forward(v):
        return row.manifold(b.forward(anp.reshape(v, row.x_shape)))

    x = _x(row, seed=20).reshape(-1)
    jac = np.asarray(ad.jacfwd(manifold_forward)(x))
    np.testing.assert_allclose(jac, ad.jacrev(manifold_forward)(x), rtol=1e-12, atol=1e-12)
    sign, logdet = np.linalg.slogdet(jac)
    assert sign != 0
    np.testing.assert_allclose(b.log_det_jacobian(x.reshape(row.x_shape)) + row.ldj_offset, logdet,
                               rtol=1e-10, atol=1e-10)
    ad.check_grads(lambda v: anp.sum(b.log_det_jacobian(anp.reshape(v, row.x_shape))), (x,), order=1)


# ---------------------------------------------------------------------------
# Oracles


def helmert(k):
    """The K x (K-1) orthonormal basis of {sum = 0} used by Stan's sum_to_zero: column n has n ones, then -n."""
    V = np.zeros((k, k - 1))
    for n in range(1, k):
        V[:n, n - 1] = 1.0
        V[n, n - 1] = -n
        V[:, n - 1] /= np.sqrt(n * (n + 1.0))
    return V


def test_sum_to_zero_matrix_is_the_two_sided_helmert_map():
    x = np.random.default_rng(3).normal(size=(3, 4))
    np.testing.assert_allclose(bij.SumToZeroMatrix().forward(x), helmert(4) @ x @ helmert(5).T, atol=1e-13)


def test_sum_to_zero_matrix_is_an_isometry():
    """J^T J = I for the full (N M) x ((N-1)(M-1)) Jacobian: Stan's zero log Jacobian is exact on the subspace."""
    b = bij.SumToZeroMatrix()
    J = np.asarray(ad.jacfwd(lambda v: anp.reshape(b.forward(anp.reshape(v, (2, 3))), (-1,)))(np.zeros(6)))
    np.testing.assert_allclose(J.T @ J, np.eye(6), atol=1e-12)


def test_column_stochastic_is_the_row_stochastic_transposed():
    x = np.random.default_rng(4).normal(size=(2, 3, 4))
    col = bij.ColumnStochasticMatrix()
    row = bij.StochasticMatrix()
    np.testing.assert_allclose(col.forward(x), np.swapaxes(row.forward(np.swapaxes(x, -1, -2)), -1, -2), rtol=1e-14)
    np.testing.assert_allclose(col.log_det_jacobian(x), row.log_det_jacobian(np.swapaxes(x, -1, -2)), rtol=1e-14)


def stan_cholesky_factor_constrain(x, M, N):
    """Stan's cholesky_factor_constrain(x, M, N) and its log Jacobian, as loops."""
    y, pos, lp = np.zeros((M, N)), 0, 0.0
    for m in range(N):
        y[m, :m] = x[pos:pos + m]
        pos += m
        y[m, m] = np.exp(x[pos])
        lp += x[pos]
        pos += 1
    for m in range(N, M):
        y[m, :] = x[pos:pos + N]
        pos += N
    return y, lp


@pytest.mark.parametrize("M, N", [(4, 2), (3, 3), (6, 3), (2, 1)])
def test_cholesky_factor_cov_matches_stan_loop(M, N):
    b = bij.CholeskyFactorCov(M, N)
    x = np.random.default_rng(5).normal(size=b.free_size)
    y, lp = stan_cholesky_factor_constrain(x, M, N)
    np.testing.assert_allclose(b.forward(x), y, rtol=1e-14)
    np.testing.assert_allclose(b.log_det_jacobian(x), lp, rtol=1e-14)


def test_biject_to_defaults():
    assert type(bij.biject_to(C.zero_sum(2))) is bij.SumToZeroMatrix
    assert type(bij.biject_to(C.column_stochastic)) is bij.ColumnStochasticMatrix
    with pytest.raises(NotImplementedError, match="event_dim 1 or 2"):
        bij.biject_to(C.zero_sum(3))


@pytest.mark.parametrize("make, message", [
    (lambda: bij.CholeskyFactorCov(2, 3), "M >= N >= 1"),
    (lambda: bij.CholeskyFactorCov(4, 2).forward(np.zeros(6)), "needs N(N+1)/2 + (M-N)N = 7"),
    (lambda: bij.CholeskyFactorCov(4, 2).inverse_shape((3, 2)), "needs 4 x 2 matrices"),
    (lambda: bij.SumToZeroMatrix().inverse_shape((1, 3)), "at least 2 x 2"),
    (lambda: bij.ColumnStochasticMatrix().inverse_shape((1, 3)), "at least 2 rows"),
])
def test_bad_shapes_name_the_fix(make, message):
    with pytest.raises(ValueError) as err:
        make()
    assert message in str(err.value)


def test_constraint_checks():
    assert C.column_stochastic.check(np.array([[0.2, 1.0], [0.8, 0.0]]))
    assert not C.column_stochastic.check(np.array([[0.5, 0.5], [0.1, 0.9]]))
    assert C.column_stochastic.check(C.column_stochastic.feasible_like(np.zeros((3, 2))))
    assert "column_stochastic" in C.__all__
