"""Decompositions and matrix functions of autodiff.numpy.linalg / autodiff.scipy.linalg (svd, qr, lu, pinv,
lstsq, cond, expm, logm, sqrtm, structured matrices): values against NumPy/SciPy, derivatives against finite
differences (order 2, both modes), jit against eager. Singular vectors are compared through functions that do
not depend on their signs (|U|, U diag(s) Vh), and test matrices have well-separated singular values."""
import numpy as np
import pytest
import scipy.linalg as sl

import autodiff as ad
import autodiff.numpy as anp
import autodiff.scipy.linalg as asl

RECT = [(5, 3), (3, 5), (4, 4), (2, 5, 3)]
SQUARE = [(1, 1), (3, 3), (2, 4, 4)]


def _rng(shape, salt):
    return np.random.default_rng(abs(hash((shape, salt))) % 2**32)


def matrix(shape, salt=0):
    """A dense matrix stack with distinct singular values (a fixed spread, random rotations)."""
    rng = _rng(shape, salt)
    m, n = shape[-2:]
    k = min(m, n)
    q1, _ = np.linalg.qr(rng.standard_normal(shape[:-2] + (m, m)))
    q2, _ = np.linalg.qr(rng.standard_normal(shape[:-2] + (n, n)))
    s = np.linspace(2.0, 0.7, k)
    return (q1[..., :, :k] * s) @ np.swapaxes(q2[..., :, :k], -1, -2)


def spd(shape, salt=1):
    """Symmetric positive definite, eigenvalues in [0.5, 2] (logm/sqrtm/hermitian paths)."""
    rng, n = _rng(shape, salt), shape[-1]
    q, _ = np.linalg.qr(rng.standard_normal(shape))
    return (q * np.linspace(2.0, 0.5, n)) @ np.swapaxes(q, -1, -2)


def near_identity(shape, salt=2, scale=0.3):
    """A non-symmetric matrix with eigenvalues near 1 (a real principal log/root exists)."""
    return np.eye(shape[-1]) + scale * _rng(shape, salt).standard_normal(shape) / np.sqrt(shape[-1])


def big_norm(shape, salt=3):
    """Norm ~ 20: expm takes several squarings."""
    return 6.0 * _rng(shape, salt).standard_normal(shape) / np.sqrt(shape[-1])


def rhs(shape, k=2, salt=4):
    return _rng(shape, salt).standard_normal(shape[:-2] + (shape[-2], k))


def vec(shape, salt=5):
    return _rng(shape, salt).standard_normal(shape[-2:-1])


def sym_band(shape, lower=False, salt=11):
    """A symmetric positive definite band matrix in LAPACK's upper (or lower) band storage."""
    ab = 0.3 * _rng(shape, salt).standard_normal(shape)
    ab[0 if lower else -1] += 3.0  # the diagonal
    return ab


class Case:
    """One table row: ours(*args), the NumPy/SciPy reference, argument makers called with each shape;
    order=0 means values only (no derivative exists)."""

    def __init__(self, name, ours, ref, makers, shapes, rtol=1e-10, order=2):
        self.name, self.ours, self.ref, self.makers = name, ours, ref, makers
        self.shapes, self.rtol, self.order = shapes, rtol, order

    def args(self, shape):
        return tuple(m(shape) for m in self.makers)


def sign_free(u, s, vt):
    """|U|, s, |Vh| and U diag(s) Vh: the parts of an SVD that do not depend on the singular vectors' signs."""
    k = s.shape[-1]
    return abs(u), s, abs(vt), ((u[..., :, :k] * s[..., None, :]) @ vt[..., :k, :])


def _tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


CASES = [
    Case("numpy.svd reduced", lambda a: sign_free(*anp.linalg.svd(a, full_matrices=False)),
         lambda a: sign_free(*np.linalg.svd(a, full_matrices=False)), [matrix], RECT),
    Case("numpy.svd full (square: differentiable)", lambda a: sign_free(*anp.linalg.svd(a)),
         lambda a: sign_free(*np.linalg.svd(a)), [matrix], [(4, 4), (2, 3, 3)]),
    Case("numpy.svd full, non-square (values only)", lambda a: sign_free(*anp.linalg.svd(a)),
         lambda a: sign_free(*np.linalg.svd(a)), [matrix], [(5, 3), (3, 5)], order=0),
    Case("numpy.svd compute_uv=False", lambda a: anp.linalg.svd(a, compute_uv=False),
         lambda a: np.linalg.svd(a, compute_uv=False), [matrix], RECT),
    Case("numpy.svd hermitian", lambda a: sign_free(*anp.linalg.svd(a, hermitian=True)),
         lambda a: sign_free(*np.linalg.svd(a, hermitian=True)), [lambda s: spd(s) - 1.2 * np.eye(s[-1])],
         [(4, 4), (2, 3, 3)]),
    Case("numpy.svdvals", anp.linalg.svdvals, np.linalg.svdvals, [matrix], RECT),
    Case("scipy.svd", lambda a: sign_free(*asl.svd(a, full_matrices=False)),
         lambda a: sign_free(*sl.svd(a, full_matrices=False)), [matrix], [(5, 3), (3, 5)]),
    Case("scipy.svdvals", asl.svdvals, sl.svdvals, [matrix], [(5, 3)]),
    Case("numpy.qr reduced", lambda a: tuple(anp.linalg.qr(a)), lambda a: tuple(np.linalg.qr(a)), [matrix], RECT),
    Case("numpy.qr complete (square or wide: differentiable)", lambda a: tuple(anp.linalg.qr(a, mode="complete")),
         lambda a: tuple(np.linalg.qr(a, mode="complete")), [matrix], [(4, 4), (3, 5)]),
    Case("numpy.qr complete tall (values only)", lambda a: tuple(anp.linalg.qr(a, mode="complete")),
         lambda a: tuple(np.linalg.qr(a, mode="complete")), [matrix], [(5, 3), (2, 5, 3)], order=0),
    Case("numpy.qr mode r", lambda a: anp.linalg.qr(a, mode="r"), lambda a: np.linalg.qr(a, mode="r"),
         [matrix], RECT),
    Case("scipy.qr economic", lambda a: asl.qr(a, mode="economic"), lambda a: sl.qr(a, mode="economic"),
         [matrix], [(5, 3), (3, 5)]),
    Case("scipy.qr full / mode r", lambda a: asl.qr(a) + asl.qr(a, mode="r"), lambda a: sl.qr(a) + sl.qr(a, mode="r"),
         [matrix], [(4, 4)]),
    Case("scipy.qr mode r (M x N R)", lambda a: asl.qr(a, mode="r"), lambda a: sl.qr(a, mode="r"),
         [matrix], [(5, 3), (2, 3, 5)]),
    Case("scipy.qr pivoting economic / r (Q, R, P)",
         lambda a: asl.qr(a, mode="economic", pivoting=True) + asl.qr(a, mode="r", pivoting=True),
         lambda a: sl.qr(a, mode="economic", pivoting=True) + sl.qr(a, mode="r", pivoting=True),
         [matrix], [(5, 3), (3, 5), (2, 5, 3)]),
    Case("scipy.qr pivoting full", lambda a: asl.qr(a, pivoting=True), lambda a: sl.qr(a, pivoting=True),
         [matrix], [(4, 4), (3, 5)]),
    Case("numpy.pinv", anp.linalg.pinv, np.linalg.pinv, [matrix], RECT),
    Case("numpy.pinv hermitian (lower triangle)", lambda a: anp.linalg.pinv(a, hermitian=True),
         lambda a: np.linalg.pinv(a, hermitian=True), [lambda s: spd(s) + np.triu(matrix(s), 1)], [(4, 4)],
         rtol=1e-9),
    Case("scipy.polar right / left", lambda a: asl.polar(a) + asl.polar(a, "left"),
         lambda a: sl.polar(a) + sl.polar(a, "left"), [matrix], [(5, 3), (3, 5), (4, 4)]),
    Case("scipy.orthogonal_procrustes", asl.orthogonal_procrustes, sl.orthogonal_procrustes,
         [matrix, lambda s: matrix(s, 13)], [(5, 3)]),
    Case("scipy.norm", lambda a: (asl.norm(a), asl.norm(a, 1), asl.norm(a, axis=0)),
         lambda a: (sl.norm(a), sl.norm(a, 1), sl.norm(a, axis=0)), [matrix], [(5, 3)]),
    Case("scipy.khatri_rao", asl.khatri_rao, sl.khatri_rao, [matrix, lambda s: matrix((2, 3))], [(4, 3)]),
    Case("scipy.pinv atol/rtol, return_rank", lambda a: asl.pinv(a, atol=0.1, rtol=1e-3, return_rank=True),
         lambda a: sl.pinv(a, atol=0.1, rtol=1e-3, return_rank=True), [matrix], [(5, 3), (3, 5)]),
    Case("scipy.lstsq vector b (scalar residue)", lambda a, b: asl.lstsq(a, b)[:2], lambda a, b: sl.lstsq(a, b)[:2],
         [matrix, vec], [(5, 3)]),
    Case("scipy.lstsq matrix b, wide", lambda a, b: asl.lstsq(a, b)[0], lambda a, b: sl.lstsq(a, b)[0],
         [matrix, rhs], [(5, 3), (3, 5)]),
    Case("numpy.lstsq tall, vector b", lambda a, b: anp.linalg.lstsq(a, b)[:2],
         lambda a, b: np.linalg.lstsq(a, b)[:2], [matrix, vec], [(5, 3)]),
    Case("numpy.lstsq tall, matrix b", lambda a, b: anp.linalg.lstsq(a, b)[:2],
         lambda a, b: np.linalg.lstsq(a, b)[:2], [matrix, rhs], [(5, 3)]),
    Case("numpy.lstsq wide (minimum norm)", lambda a, b: anp.linalg.lstsq(a, b)[0],
         lambda a, b: np.linalg.lstsq(a, b)[0], [matrix, rhs], [(3, 5)]),
    Case("numpy.cond 2 / -2", lambda a: (anp.linalg.cond(a), anp.linalg.cond(a, -2)),
         lambda a: (np.linalg.cond(a), np.linalg.cond(a, -2)), [matrix], RECT),
    Case("numpy.cond fro / nuc / 1 / inf", lambda a: tuple(anp.linalg.cond(a, p) for p in ("fro", "nuc", 1, np.inf)),
         lambda a: tuple(np.linalg.cond(a, p) for p in ("fro", "nuc", 1, np.inf)), [matrix], [(4, 4)], order=1),
    Case("numpy.matrix_rank", anp.linalg.matrix_rank, np.linalg.matrix_rank,
         [lambda s: matrix(s) @ np.diag([1.0] * (s[-1] - 1) + [0.0])], RECT, order=0),
    Case("numpy.linalg.tensorsolve", anp.linalg.tensorsolve, np.linalg.tensorsolve,
         [lambda s: matrix((6, 6)).reshape(6, 2, 3), lambda s: vec((6, 1))], [(6, 6)]),
    Case("numpy.linalg.tensorsolve axes", lambda a, b: anp.linalg.tensorsolve(a, b, axes=(0,)),
         lambda a, b: np.linalg.tensorsolve(a, b, axes=(0,)),
         [lambda s: matrix((6, 6)).reshape(6, 2, 3).transpose(2, 0, 1), lambda s: vec((6, 1))], [(6, 6)]),
    Case("numpy.linalg.tensorinv", lambda a: anp.linalg.tensorinv(a, ind=1), lambda a: np.linalg.tensorinv(a, ind=1),
         [lambda s: matrix((6, 6)).reshape(6, 2, 3)], [(6, 6)]),
    Case("numpy.linalg.tensordot", lambda a, b: anp.linalg.tensordot(a, b, axes=1),
         lambda a, b: np.linalg.tensordot(a, b, axes=1), [matrix, lambda s: matrix(s[::-1])], [(5, 3)]),
    Case("numpy.linalg.cross", lambda a, b: anp.linalg.cross(a, b, axis=0), lambda a, b: np.linalg.cross(a, b, axis=0),
         [matrix, lambda s: matrix(s, 9)], [(3, 5)]),
    Case("scipy.expm", asl.expm, sl.expm, [lambda s: _rng(s, 6).standard_normal(s) / 2], SQUARE),
    Case("scipy.expm large norm", asl.expm, sl.expm, [big_norm], [(3, 3)], rtol=1e-9),
    Case("scipy.expm_frechet", asl.expm_frechet, sl.expm_frechet, [near_identity, lambda s: matrix(s, 7)],
         [(3, 3)]),
    Case("scipy.logm (SPD and non-symmetric)", asl.logm, sl.logm, [spd], SQUARE, rtol=1e-9),
    Case("scipy.logm non-symmetric", asl.logm, sl.logm, [near_identity], [(3, 3)], rtol=1e-9),
    Case("scipy.sqrtm", asl.sqrtm, sl.sqrtm, [spd], SQUARE, rtol=1e-9),
    Case("scipy.sqrtm non-symmetric", asl.sqrtm, sl.sqrtm, [near_identity], [(3, 3)], rtol=1e-9),
    Case("scipy.cosm / sinm / tanm", lambda a: (asl.cosm(a), asl.sinm(a), asl.tanm(a)),
         lambda a: (sl.cosm(a), sl.sinm(a), sl.tanm(a)), [lambda s: _rng(s, 6).standard_normal(s) / 2], SQUARE),
    Case("scipy.coshm / sinhm / tanhm", lambda a: (asl.coshm(a), asl.sinhm(a), asl.tanhm(a)),
         lambda a: (sl.coshm(a), sl.sinhm(a), sl.tanhm(a)), [lambda s: _rng(s, 6).standard_normal(s) / 2], SQUARE),
    Case("scipy.fractional_matrix_power 0.5 / -1.3", lambda a: (asl.fractional_matrix_power(a, 0.5),
                                                               asl.fractional_matrix_power(a, -1.3)),
         lambda a: (sl.fractional_matrix_power(a, 0.5), sl.fractional_matrix_power(a, -1.3)), [spd], [(3, 3)],
         rtol=1e-9),
    Case("scipy.solve_sylvester", asl.solve_sylvester, sl.solve_sylvester,
         [near_identity, lambda s: near_identity((2, 2), 12), lambda s: rhs(s)], [(3, 3)]),
    Case("scipy.solve_continuous_lyapunov", asl.solve_continuous_lyapunov, sl.solve_continuous_lyapunov,
         [near_identity, lambda s: spd(s)], [(3, 3)]),
    Case("scipy.lu_factor", asl.lu_factor, sl.lu_factor, [matrix], RECT),
    Case("scipy.lu", asl.lu, sl.lu, [matrix], RECT),
    Case("scipy.lu permute_l / p_indices", lambda a: asl.lu(a, permute_l=True) + asl.lu(a, p_indices=True),
         lambda a: sl.lu(a, permute_l=True) + sl.lu(a, p_indices=True), [matrix], [(4, 4), (5, 3), (3, 5)]),
    Case("scipy.lu_solve", lambda a, b: asl.lu_solve(asl.lu_factor(a), b),
         lambda a, b: sl.lu_solve(sl.lu_factor(a), b), [matrix, rhs], [(4, 4)]),
    Case("scipy.lu_solve trans=1, vector b", lambda a, b: asl.lu_solve(asl.lu_factor(a), b, trans=1),
         lambda a, b: sl.lu_solve(sl.lu_factor(a), b, trans=1), [matrix, vec], [(4, 4)]),
    Case("scipy.block_diag", lambda a, b, c: asl.block_diag(a, b, c), lambda a, b, c: sl.block_diag(a, b, c),
         [matrix, lambda s: vec(s), lambda s: matrix((2, 2))], [(3, 2)]),
    Case("scipy.block_diag batched", lambda a, b: asl.block_diag(a, b), lambda a, b: sl.block_diag(a, b),
         [matrix, lambda s: matrix((2, 1))], [(2, 3, 2)]),
    Case("scipy.toeplitz", asl.toeplitz, sl.toeplitz, [lambda s: vec(s), lambda s: vec(s[::-1], 8)], [(3, 4)]),
    Case("scipy.toeplitz symmetric, batched", asl.toeplitz, sl.toeplitz, [lambda s: matrix(s)], [(2, 3)]),
    Case("scipy.circulant", asl.circulant, sl.circulant, [lambda s: matrix(s)], [(2, 3)]),
    Case("scipy.hankel", asl.hankel, sl.hankel, [lambda s: vec(s), lambda s: vec(s[::-1], 8)], [(3, 4)]),
    Case("scipy.hankel r=None", asl.hankel, sl.hankel, [lambda s: vec(s)], [(3, 4)]),
    Case("scipy.solveh_banded upper", asl.solveh_banded, sl.solveh_banded, [sym_band, lambda s: rhs((s[1], s[1]))],
         [(3, 5)]),
    Case("scipy.solveh_banded lower, vector b", lambda ab, b: asl.solveh_banded(ab, b, lower=True),
         lambda ab, b: sl.solveh_banded(ab, b, lower=True), [lambda s: sym_band(s, True), lambda s: vec((s[1], 1))],
         [(3, 5)]),
    Case("scipy.cholesky_banded + cho_solve_banded",
         lambda ab, b: (asl.cholesky_banded(ab), asl.cho_solve_banded((asl.cholesky_banded(ab), False), b)),
         lambda ab, b: (sl.cholesky_banded(ab), sl.cho_solve_banded((sl.cholesky_banded(ab), False), b)),
         [sym_band, lambda s: rhs((s[1], s[1]))], [(3, 5)]),
    Case("scipy.cholesky_banded lower", lambda ab: asl.cholesky_banded(ab, lower=True),
         lambda ab: sl.cholesky_banded(ab, lower=True), [lambda s: sym_band(s, True)], [(3, 5)]),
    Case("scipy.solve_banded (l=1, u=2)", lambda ab, b: asl.solve_banded((1, 2), ab, b),
         lambda ab, b: sl.solve_banded((1, 2), ab, b), [lambda s: _rng(s, 9).standard_normal(s) + 4 * (np.arange(
             s[0]) == 2)[:, None], lambda s: rhs((s[1], s[1]))], [(4, 5)]),
]

ROWS = [(c, s) for c in CASES for s in c.shapes]
IDS = [f"{c.name}-{'x'.join(map(str, s))}" for c, s in ROWS]


@pytest.mark.parametrize("case,shape", ROWS, ids=IDS)
def test_values_match_numpy_scipy(case, shape):
    args = case.args(shape)
    ours, ref = _tuple(case.ours(*args)), _tuple(case.ref(*args))
    assert len(ours) == len(ref)
    for o, r in zip(ours, ref):
        assert np.shape(o) == np.shape(r)
        assert np.asarray(o).dtype.kind == np.asarray(r).dtype.kind
        np.testing.assert_allclose(o, r, rtol=case.rtol, atol=case.rtol)


DIFF_ROWS = [(c, s) for c, s in ROWS if c.order]


@pytest.mark.parametrize("case,shape", DIFF_ROWS, ids=[f"{c.name}-{'x'.join(map(str, s))}" for c, s in DIFF_ROWS])
def test_grads_both_modes(case, shape):
    ad.check_grads(case.ours, case.args(shape), order=case.order)


def test_lstsq_rank_singular_values_and_rank_deficient_residuals():
    a, b = matrix((5, 3)), rhs((5, 3))
    x, res, rank, s = anp.linalg.lstsq(a, b)
    x0, res0, rank0, s0 = np.linalg.lstsq(a, b)
    assert rank == rank0 == 3 and isinstance(rank, int)
    np.testing.assert_allclose(s, s0, rtol=1e-12)
    deficient = a @ np.diag([1.0, 1.0, 0.0])
    out, ref = anp.linalg.lstsq(deficient, b), np.linalg.lstsq(deficient, b)
    assert out[2] == ref[2] == 2 and np.shape(out[1]) == np.shape(ref[1]) == (0,)
    np.testing.assert_allclose(out[0], ref[0], atol=1e-12)


def test_gradient_reaches_only_the_band_of_solve_banded():
    ab = _rng((4, 5), 9).standard_normal((4, 5)) + 4 * (np.arange(4) == 2)[:, None]
    g = ad.grad(lambda ab: anp.sum(asl.solve_banded((1, 2), ab, np.ones(5))))(ab)
    unused = np.zeros((4, 5), bool)  # ab[u + i - j, j] outside 0 <= i < 5
    unused[0, :2] = unused[1, :1] = unused[3, -1:] = True
    assert np.all(g[unused] == 0) and np.all(g[~unused] != 0)


def test_expm_vjp_is_frechet_at_transpose():
    """The VJP of expm is the Frechet derivative at A^T (SciPy's expm_frechet as the oracle)."""
    a, ct = near_identity((4, 4)), matrix((4, 4))
    _, pullback = ad.vjp(asl.expm, a)
    np.testing.assert_allclose(pullback(ct)[0], sl.expm_frechet(a.T, ct, compute_expm=False), rtol=1e-10)
    np.testing.assert_allclose(ad.jvp(asl.expm, (a,), (ct,))[1], sl.expm_frechet(a, ct, compute_expm=False),
                               rtol=1e-10)


@pytest.mark.filterwarnings("ignore:The `disp` argument is deprecated:DeprecationWarning")
def test_disp_false_returns_error_estimates_like_scipy():
    a = spd((3, 3))
    for ours, ref in [(asl.logm(a, disp=False), sl.logm(a, disp=False)),
                      (asl.sqrtm(a, disp=False), sl.sqrtm(a, disp=False))]:
        np.testing.assert_allclose(ours[0], ref[0], rtol=1e-10)
        assert ours[1] < 1e-12 and ref[1] < 1e-12


ERRORS = [
    ("svd full_matrices non-square U derivative", lambda: ad.grad(lambda a: anp.sum(anp.linalg.svd(a)[0]))(
        matrix((4, 3))), NotImplementedError),
    ("qr complete tall Q derivative", lambda: ad.grad(lambda a: anp.sum(anp.linalg.qr(a, "complete")[0]))(
        matrix((4, 3))), NotImplementedError),
    ("qr bad mode", lambda: anp.linalg.qr(np.eye(2), mode="bad"), ValueError),
    ("qr raw", lambda: anp.linalg.qr(np.eye(2), mode="raw"), NotImplementedError),
    ("scipy qr pivoting under jit (P from the values)", lambda: ad.jit(lambda a: asl.qr(a, pivoting=True)[1])(
        matrix((4, 3))), TypeError),
    ("scipy qr raw", lambda: asl.qr(np.eye(2), mode="raw"), NotImplementedError),
    ("svd of a vector", lambda: anp.linalg.svd(np.ones(3)), np.linalg.LinAlgError),
    ("eig under grad", lambda: ad.grad(lambda a: anp.sum(anp.abs(anp.linalg.eigvals(a))))(np.eye(2)),
     NotImplementedError),
    ("lstsq 3-D a", lambda: anp.linalg.lstsq(np.ones((2, 2, 2)), np.ones(2)), np.linalg.LinAlgError),
    ("lstsq mismatch", lambda: anp.linalg.lstsq(np.ones((3, 2)), np.ones(2)), np.linalg.LinAlgError),
    ("pinv rcond and rtol", lambda: anp.linalg.pinv(np.eye(2), rcond=1e-3, rtol=1e-3), ValueError),
    ("cross of 2-vectors", lambda: anp.linalg.cross(np.ones(2), np.ones(2)), ValueError),
    ("tensorinv ind=0", lambda: anp.linalg.tensorinv(np.eye(2), ind=0), ValueError),
    ("tensorsolve shapes", lambda: anp.linalg.tensorsolve(np.ones((2, 3)), np.ones(2)), np.linalg.LinAlgError),
    ("logm with a negative eigenvalue (complex in SciPy)", lambda: asl.logm(-np.eye(2)), ValueError),
    ("lu_solve with a rectangular factor", lambda: asl.lu_solve(asl.lu_factor(np.arange(6.0).reshape(3, 2) ** 2), np.ones(3)),
     ValueError),
    ("solve_banded wrong l+u", lambda: asl.solve_banded((1, 1), np.ones((2, 3)), np.ones(3)), ValueError),
    ("expm_frechet shapes", lambda: asl.expm_frechet(np.eye(2), np.eye(3)), ValueError),
]


@pytest.mark.parametrize("name,call,exc", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(name, call, exc):
    with pytest.raises(exc):
        call()


def test_eig_values_match_numpy():
    a = matrix((4, 4))
    w, v = anp.linalg.eig(a)
    w0 = np.linalg.eig(a)[0]
    np.testing.assert_allclose(np.sort_complex(w), np.sort_complex(w0), rtol=1e-12)
    np.testing.assert_allclose(a @ v, v * w, atol=1e-12)
    np.testing.assert_allclose(np.sort_complex(anp.linalg.eigvals(a)), np.sort_complex(w0), rtol=1e-12)
    for ours, ref in [(asl.eig(a), sl.eig(a)), (asl.eig(a, left=True), sl.eig(a, left=True)),
                      ((asl.eigvals(a),), (sl.eigvals(a),))]:
        for o, r in zip(ours, ref):
            np.testing.assert_array_equal(o, r)


def test_numpy_linalg_names_all_present():
    missing = {n for n in dir(np.linalg) if not n.startswith("_")} - set(dir(anp.linalg)) - {"test"}
    assert not missing
    assert len(set(anp.linalg.__all__)) == len(anp.linalg.__all__)
    for mod in (anp.linalg, asl):
        for name in mod.__all__:
            assert hasattr(mod, name), name


# -- jit: small programs (Numba's compile time grows faster than a function's length), value_and_grad
# compiled and compared with eager ---------------------------------------------------------------------
def svds(a_tall, a_sq, b, stack):
    u, s, vt = anp.linalg.svd(a_tall, full_matrices=False)
    uw, sw, vtw = anp.linalg.svd(anp.swapaxes(a_tall, 0, 1), full_matrices=False)
    us, ss, vts = anp.linalg.svd(stack, full_matrices=False)
    return [(u * s) @ vt, abs(u), abs(vt), (uw * sw) @ vtw, abs(us), ss, anp.linalg.pinv(a_tall),
            asl.pinv(a_tall, atol=0.1), anp.linalg.cond(a_sq)]


def qrs(a_tall, a_sq, b, stack):
    q, r = anp.linalg.qr(a_tall)
    qw, rw = anp.linalg.qr(anp.swapaxes(a_tall, 0, 1))
    return [q, r, qw, rw, anp.linalg.lstsq(a_tall, b)[0], anp.linalg.qr(stack)[1]]


def lus(a_tall, a_sq, b, stack):
    return [asl.lu_solve(asl.lu_factor(a_sq), b[:4]), asl.lu_solve(asl.lu_factor(a_sq), b[:4], trans=1),
            asl.lu(a_sq)[1], *asl.lu(a_tall), *asl.lu(stack)]


def exponentials(a, p, c, ab):
    return [asl.expm(a), asl.expm(6.0 * a), asl.sinm(a), asl.expm_frechet(a, p, compute_expm=False),
            asl.expm(anp.stack([a, p]))]


def logs_and_roots(a, p, c, ab):
    return [asl.logm(p), asl.sqrtm(p), asl.sqrtm(a + 2 * np.eye(3)), asl.solve_sylvester(a, p, c[:, None] * p)]


def structured(a, p, c, ab):
    return [asl.toeplitz(c, c[::-1]), asl.block_diag(a, c[None, :2]), asl.solve_banded((1, 1), ab, c)]


def _weighted_sum(outs):
    return sum(anp.sum(np.cos(np.arange(np.size(o)).reshape(np.shape(o))) * o) for o in outs)


def _decomposition_args():
    return matrix((5, 3)), matrix((4, 4), 3), rhs((5, 3)), matrix((2, 4, 3), 4)


def _matrix_function_args():
    return (near_identity((3, 3)), spd((3, 3)), vec((3, 1)) + np.arange(3.0),
            _rng((3, 3), 10).standard_normal((3, 3)) + 3 * (np.arange(3) == 1)[:, None])


JIT = [(svds, _decomposition_args), (qrs, _decomposition_args), (lus, _decomposition_args),
       (exponentials, _matrix_function_args), (logs_and_roots, _matrix_function_args),
       (structured, _matrix_function_args)]


@pytest.mark.parametrize("program,make_args", JIT, ids=[program.__name__ for program, _ in JIT])
def test_jit_values_and_grads_match_eager(program, make_args):
    args = make_args()
    ref_outs = program(*args)
    outs = ad.jit(program)(*args)
    for o, r in zip(outs, ref_outs):
        np.testing.assert_allclose(o, r, rtol=1e-9, atol=1e-10)
    vg = ad.value_and_grad(lambda *xs: _weighted_sum(program(*xs)), argnums=tuple(range(len(args))))
    (val, grads), (ref_val, ref_grads) = ad.jit(vg)(*args), vg(*args)
    np.testing.assert_allclose(val, ref_val, rtol=1e-9)
    for g, r in zip(grads, ref_grads):
        np.testing.assert_allclose(g, r, rtol=1e-8, atol=1e-9)


def test_jit_gives_nan_for_non_finite_input():
    f = ad.jit(lambda a: [anp.linalg.svd(a)[1], asl.expm(a), asl.sqrtm(a), anp.linalg.pinv(a)])
    for out in f(np.full((3, 3), np.nan)):
        assert np.all(np.isnan(out))


def test_jit_full_factors_of_non_square_matrices_match_eager():
    """Forward only (these factors have no derivative): full U/Vh of svd and complete Q of qr."""
    def f(a):
        u, s, vt = anp.linalg.svd(a)
        q, r = anp.linalg.qr(a, mode="complete")
        return [abs(u), s, abs(vt), q, r, anp.linalg.svd(anp.swapaxes(a, -1, -2))[0] ** 2]
    a = matrix((2, 5, 3))
    for o, r in zip(ad.jit(f)(a), f(a)):
        np.testing.assert_allclose(o, r, rtol=1e-10, atol=1e-12)
