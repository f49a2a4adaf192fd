"""autodiff.numpy.linalg and autodiff.scipy.linalg: values against NumPy/SciPy, derivatives against finite
differences (order 2, both modes), jit against eager, and NaN (not a crash) from compiled factorisations."""
import itertools

import numpy as np
import pytest
import scipy.linalg as sl

import autodiff as ad
import autodiff.numpy as anp
import autodiff.scipy.linalg as asl
from autodiff.primitives import linalg as pl

SHAPES = [(1, 1), (2, 2), (4, 4), (3, 4, 4)]


def _rng(shape, salt):
    return np.random.default_rng(abs(hash((shape, salt))) % 2**32)


def spd(shape, salt=0):
    """A well-conditioned SPD stack plus a small non-symmetric part (only one triangle is read)."""
    rng, n = _rng(shape, salt), shape[-1]
    x = rng.standard_normal(shape)
    return x @ np.swapaxes(x, -1, -2) / n + np.eye(n) + 0.05 * rng.standard_normal(shape)


def general(shape, salt=1):
    """A well-conditioned non-symmetric stack (dense in both triangles)."""
    rng, n = _rng(shape, salt), shape[-1]
    return rng.standard_normal(shape) / np.sqrt(n) + 2.0 * np.eye(n)


def rhs(shape, k=2, salt=2):
    return _rng(shape, salt).standard_normal(shape[:-1] + (k,))


def vec(shape, salt=3):
    """One right-hand-side vector (n,): with a batched `a` it broadcasts (b.ndim == 1 is never a stack)."""
    return _rng(shape, salt).standard_normal(shape[-1:])


def _sym_lower(a):
    return np.tril(a) + np.swapaxes(np.tril(a, -1), -1, -2)


def _sym_upper(a):
    return np.triu(a) + np.swapaxes(np.triu(a, 1), -1, -2)


def _weights(x):
    """A fixed non-uniform weighting so that sums do not hide wrong derivatives."""
    return np.cos(np.arange(np.size(x)).reshape(np.shape(x)))


class Case:
    """One table row: ours(*args), the NumPy/SciPy reference, and argument makers called with each shape."""

    def __init__(self, name, ours, ref, makers, shapes=SHAPES, rtol=1e-10, order=2):
        self.name, self.ours, self.ref, self.makers = name, ours, ref, makers
        self.shapes, self.rtol, self.order = shapes, rtol, order

    def args(self, shape):
        return tuple(m(shape) for m in self.makers)


def _reconstruct(w, v):
    """V diag(w) V^T: independent of the eigenvectors' signs."""
    return anp.matmul(v * anp.expand_dims(w, -2), anp.swapaxes(v, -1, -2))


CASES = [
    Case("numpy.cholesky", anp.linalg.cholesky, np.linalg.cholesky, [spd]),
    Case("numpy.cholesky upper", lambda a: anp.linalg.cholesky(a, upper=True),
         lambda a: np.linalg.cholesky(a, upper=True), [spd]),
    Case("scipy.cholesky (upper default)", asl.cholesky, sl.cholesky, [spd]),
    Case("scipy.cholesky lower", lambda a: asl.cholesky(a, lower=True), lambda a: sl.cholesky(a, lower=True), [spd]),
    Case("cho_factor+cho_solve", lambda a, b: asl.cho_solve(asl.cho_factor(a), b),
         lambda a, b: sl.cho_solve(sl.cho_factor(a), b), [spd, rhs]),
    Case("cho_factor+cho_solve lower, vector b", lambda a, b: asl.cho_solve(asl.cho_factor(a, lower=True), b),
         lambda a, b: sl.cho_solve(sl.cho_factor(a, lower=True), b), [spd, vec]),
    Case("solve_triangular lower", lambda a, b: asl.solve_triangular(a, b, lower=True),
         lambda a, b: sl.solve_triangular(a, b, lower=True), [general, rhs]),
    Case("solve_triangular upper", asl.solve_triangular, sl.solve_triangular, [general, rhs]),
    Case("solve_triangular lower trans=1", lambda a, b: asl.solve_triangular(a, b, trans=1, lower=True),
         lambda a, b: sl.solve_triangular(a, b, trans=1, lower=True), [general, rhs]),
    Case("solve_triangular upper trans='T' vector", lambda a, b: asl.solve_triangular(a, b, trans="T"),
         lambda a, b: sl.solve_triangular(a, b, trans="T"), [general, vec]),
    Case("solve_triangular unit_diagonal", lambda a, b: asl.solve_triangular(a, b, lower=True, unit_diagonal=True),
         lambda a, b: sl.solve_triangular(a, b, lower=True, unit_diagonal=True), [general, rhs]),
    Case("numpy.solve", anp.linalg.solve, np.linalg.solve, [general, rhs]),
    Case("numpy.solve vector b", anp.linalg.solve, np.linalg.solve, [general, vec]),
    Case("scipy.solve gen transposed", lambda a, b: asl.solve(a, b, transposed=True),
         lambda a, b: sl.solve(a, b, transposed=True), [general, rhs]),
    Case("scipy.solve pos (upper)", lambda a, b: asl.solve(a, b, assume_a="pos"),
         lambda a, b: sl.solve(a, b, assume_a="pos"), [spd, rhs]),
    Case("scipy.solve sym lower", lambda a, b: asl.solve(a, b, assume_a="sym", lower=True),
         lambda a, b: sl.solve(a, b, assume_a="sym", lower=True), [spd, rhs]),
    Case("scipy.solve diagonal", lambda a, b: asl.solve(a, b, assume_a="diagonal"),
         lambda a, b: sl.solve(a, b, assume_a="diagonal"), [general, rhs]),
    Case("scipy.solve lower triangular", lambda a, b: asl.solve(a, b, assume_a="lower triangular"),
         lambda a, b: sl.solve(a, b, assume_a="lower triangular"), [general, rhs]),
    Case("numpy.inv", anp.linalg.inv, np.linalg.inv, [general]),
    Case("scipy.inv pos", lambda a: asl.inv(a, assume_a="pos"), lambda a: sl.inv(a, assume_a="pos"), [spd]),
    Case("scipy.inv upper triangular", lambda a: asl.inv(a, assume_a="upper triangular"),
         lambda a: sl.inv(a, assume_a="upper triangular"), [general]),
    Case("numpy.det", anp.linalg.det, np.linalg.det, [general]),
    Case("scipy.det", asl.det, sl.det, [general]),
    Case("numpy.slogdet", lambda a: tuple(anp.linalg.slogdet(a)), lambda a: tuple(np.linalg.slogdet(a)),
         [lambda s: -general(s)]),
    Case("numpy.eigh eigenvalues", lambda a: anp.linalg.eigh(a)[0], lambda a: np.linalg.eigh(a)[0], [spd]),
    Case("numpy.eigh V diag(w) V^T (sign-invariant)", lambda a: _reconstruct(*anp.linalg.eigh(a)),
         lambda a: _sym_lower(a), [spd]),
    Case("numpy.eigh UPLO='U' |V|^2", lambda a: anp.linalg.eigh(a, UPLO="U")[1] ** 2,
         lambda a: np.linalg.eigh(a, UPLO="U")[1] ** 2, [spd]),
    Case("numpy.eigvalsh", anp.linalg.eigvalsh, np.linalg.eigvalsh, [spd]),
    Case("scipy.eigh lower=False eigenvalues", lambda a: asl.eigh(a, lower=False, eigvals_only=True),
         lambda a: sl.eigh(a, lower=False, eigvals_only=True), [spd]),
    Case("numpy.norm fro (matrix axes)", lambda a: anp.linalg.norm(a, axis=(-2, -1)),
         lambda a: np.linalg.norm(a, axis=(-2, -1)), [general]),
    Case("numpy.norm ord=3 axis=-1 keepdims", lambda a: anp.linalg.norm(a, 3, axis=-1, keepdims=True),
         lambda a: np.linalg.norm(a, 3, axis=-1, keepdims=True), [general]),
    Case("numpy.norm ord=2 matrix", lambda a: anp.linalg.norm(a, 2, axis=(-2, -1)),
         lambda a: np.linalg.norm(a, 2, axis=(-2, -1)), [general], rtol=1e-8),
    Case("numpy.norm nuc", lambda a: anp.linalg.norm(a, "nuc", axis=(-2, -1)),
         lambda a: np.linalg.norm(a, "nuc", axis=(-2, -1)), [general], rtol=1e-8),
    Case("numpy.matrix_power -3", lambda a: anp.linalg.matrix_power(a, -3),
         lambda a: np.linalg.matrix_power(a, -3), [general]),
    Case("numpy.matrix_power 5", lambda a: anp.linalg.matrix_power(a, 5),
         lambda a: np.linalg.matrix_power(a, 5), [general]),
    Case("numpy.multi_dot 1-D ends", lambda x, a, b, y: anp.linalg.multi_dot([x, a, b, y]),
         lambda x, a, b, y: np.linalg.multi_dot([x, a, b, y]),
         [vec, general, lambda s: rhs(s, 3), lambda s: vec((3,))], shapes=[(2, 2), (4, 4)]),
    Case("linalg.trace / diagonal offset", lambda a: (anp.linalg.trace(a, offset=1), anp.linalg.diagonal(a, offset=-1)),
         lambda a: (np.linalg.trace(a, offset=1), np.linalg.diagonal(a, offset=-1)), [general]),
]

# numpy/scipy broadcasting of the batch axes of `a` and `b` (b.ndim == 1 is a vector, else a matrix stack)
BROADCAST = [
    Case("numpy.solve a batched, b matrix", anp.linalg.solve, np.linalg.solve,
         [general, lambda s: rhs(s[-2:])], shapes=[(3, 4, 4)]),
    Case("numpy.solve a batched, b vector", anp.linalg.solve, np.linalg.solve,
         [general, vec], shapes=[(3, 4, 4)]),
    Case("numpy.solve a single, b batched", anp.linalg.solve, np.linalg.solve,
         [lambda s: general(s[-2:]), lambda s: rhs((2, 1) + s[-2:])], shapes=[(3, 4, 4)]),
    Case("solve_triangular (2,1,n,n) with (3,n,k)", lambda a, b: asl.solve_triangular(a, b, lower=True),
         lambda a, b: sl.solve_triangular(a, b, lower=True),
         [lambda s: general((2, 1) + s[-2:]), rhs], shapes=[(3, 4, 4)]),
    Case("cho_solve a batched, b vector", lambda a, b: asl.cho_solve(asl.cho_factor(a), b),
         lambda a, b: sl.cho_solve(sl.cho_factor(a), b), [spd, vec], shapes=[(3, 4, 4)]),
]

ROWS = [(c, s) for c in CASES + BROADCAST for s in c.shapes]
IDS = [f"{c.name}-{'x'.join(map(str, s))}" for c, s in ROWS]


@pytest.mark.parametrize("case,shape", ROWS, ids=IDS)
def test_values_match_numpy_scipy(case, shape):
    args = case.args(shape)
    ours, ref = case.ours(*args), case.ref(*args)
    ours, ref = (ours, ref) if isinstance(ref, tuple) else ((ours,), (ref,))
    for o, r in zip(ours, ref):
        assert np.shape(o) == np.shape(r)
        np.testing.assert_allclose(o, r, rtol=case.rtol, atol=case.rtol)


@pytest.mark.parametrize("case,shape", ROWS, ids=IDS)
def test_grads_order2_both_modes(case, shape):
    ad.check_grads(case.ours, case.args(shape), order=case.order)


def test_gradient_is_zero_outside_the_triangle_that_is_read():
    a, b, s = general((4, 4)), rhs((4, 4)), spd((4, 4))
    rows = [  # (gradient, the entries that must get none)
        (ad.grad(lambda a: anp.sum(_weights(a) * anp.linalg.cholesky(a)))(s), np.triu(np.ones((4, 4)), 1)),
        (ad.grad(lambda a: anp.sum(_weights(a) * asl.cholesky(a)))(s), np.tril(np.ones((4, 4)), -1)),
        (ad.grad(lambda a: anp.sum(_weights((4,)) * anp.linalg.eigvalsh(a)))(s), np.triu(np.ones((4, 4)), 1)),
        (ad.grad(lambda a: anp.sum(asl.solve_triangular(a, b, lower=True, unit_diagonal=True)))(a),
         np.triu(np.ones((4, 4)))),
    ]
    for g, unread in rows:
        assert np.all(g[unread == 1] == 0) and np.all(g[unread == 0] != 0)


def test_cho_factor_round_trip_and_factor_triangles():
    a, b = spd((3, 4, 4)), rhs((3, 4, 4))
    for lower in (False, True):
        c, flag = asl.cho_factor(a, lower=lower)
        c_ref, _ = sl.cho_factor(a, lower=lower)
        tri = np.tril if lower else np.triu
        assert flag is lower
        np.testing.assert_allclose(c, tri(c_ref), rtol=1e-12)   # scipy's other triangle is arbitrary: ours is 0
        x = asl.cho_solve((c, flag), b)
        np.testing.assert_allclose(_sym_upper(a) @ x if not lower else _sym_lower(a) @ x, b, atol=1e-10)
    L, U = anp.linalg.cholesky(a), asl.cholesky(a)
    np.testing.assert_allclose(L @ np.swapaxes(L, -1, -2), _sym_lower(a), atol=1e-12)
    np.testing.assert_allclose(np.swapaxes(U, -1, -2) @ U, _sym_upper(a), atol=1e-12)


NORMS = [(o, ax, kd) for o in (None, 2, 1, -1, np.inf, -np.inf, 0, 3, 0.5, "fro", "nuc", -2)
         for ax in (None, 0, -1, (0, 1), (1, 0)) for kd in (False, True)]


@pytest.mark.parametrize("ord_,axis,keepdims", NORMS)
def test_norm_matches_numpy_or_raises_like_it(ord_, axis, keepdims):
    x = _rng((3, 4), 7).standard_normal((3, 4))
    try:
        ref = np.linalg.norm(x, ord_, axis, keepdims)
    except ValueError:
        with pytest.raises(ValueError):
            anp.linalg.norm(x, ord_, axis, keepdims)
        return
    np.testing.assert_allclose(anp.linalg.norm(x, ord_, axis, keepdims), ref, rtol=1e-9)
    assert np.shape(anp.linalg.norm(x, ord_, axis, keepdims)) == np.shape(ref)


def test_norm_gradient_at_zero_is_finite_and_vector_matrix_norms():
    zero = np.zeros((3, 4))
    for f in (lambda x: anp.linalg.norm(x), lambda x: anp.linalg.norm(x, axis=1),
              lambda x: anp.linalg.norm(x, 3, axis=0), lambda x: anp.linalg.vector_norm(x),
              lambda x: anp.linalg.matrix_norm(x)):
        g = ad.grad(lambda x: anp.sum(f(x)))(zero)
        h = ad.hessian(lambda x: anp.sum(f(x)))(zero)
        assert np.all(g == 0) and np.all(np.isfinite(h))
    x = _rng((2, 3, 4), 7).standard_normal((2, 3, 4))
    np.testing.assert_allclose(anp.linalg.vector_norm(x, axis=(0, 2), ord=3, keepdims=True),
                               np.linalg.vector_norm(x, axis=(0, 2), ord=3, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(anp.linalg.matrix_norm(x, ord=1), np.linalg.matrix_norm(x, ord=1), rtol=1e-12)
    ad.check_grads(lambda x: anp.linalg.vector_norm(x, axis=(0, 2), ord=3), (x,), order=2)


ERRORS = [
    ("1-D to cholesky", lambda: anp.linalg.cholesky(np.ones(3)), np.linalg.LinAlgError),
    ("non-square to inv", lambda: anp.linalg.inv(np.ones((2, 3))), np.linalg.LinAlgError),
    ("non-PD eager cholesky (numpy semantics)", lambda: anp.linalg.cholesky(-np.eye(2)), np.linalg.LinAlgError),
    ("singular eager solve", lambda: anp.linalg.solve(np.zeros((2, 2)), np.ones(2)), np.linalg.LinAlgError),
    ("solve shape mismatch", lambda: anp.linalg.solve(np.eye(3), np.ones(2)), ValueError),
    ("bad UPLO", lambda: anp.linalg.eigh(np.eye(2), UPLO="X"), ValueError),
    ("scipy check_finite", lambda: asl.cholesky(np.full((2, 2), np.nan)), ValueError),
    ("scipy bad trans", lambda: asl.solve_triangular(np.eye(2), np.ones(2), trans=3), ValueError),
    ("scipy bad assume_a", lambda: asl.solve(np.eye(2), np.ones(2), assume_a="weird"), ValueError),
    ("scipy non-square", lambda: asl.cholesky(np.ones((2, 3))), ValueError),
    ("matrix_power non-integer", lambda: anp.linalg.matrix_power(np.eye(2), 1.5), TypeError),
    ("multi_dot one array", lambda: anp.linalg.multi_dot([np.eye(2)]), ValueError),
    ("norm 3 axes", lambda: anp.linalg.norm(np.ones((2, 2, 2)), axis=(0, 1, 2)), ValueError),
]


@pytest.mark.parametrize("name,call,exc", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_like_numpy_scipy(name, call, exc):
    with pytest.raises(exc):
        call()


def test_small_exponents_pairs_and_integer_input():
    a, stack = general((3, 3)), general((2, 3, 3))
    for n in (0, 1, 2, -1):
        np.testing.assert_allclose(anp.linalg.matrix_power(stack, n), np.linalg.matrix_power(stack, n), rtol=1e-12)
    np.testing.assert_allclose(anp.linalg.multi_dot([a, a]), a @ a, rtol=1e-12)
    ints = np.array([[4, 2], [2, 3]])
    for ours, ref in [(anp.linalg.cholesky(ints), np.linalg.cholesky(ints)),
                      (anp.linalg.det(ints), np.linalg.det(ints)),
                      (anp.linalg.norm(ints, 1), np.linalg.norm(ints, 1)), (asl.inv(ints), sl.inv(ints))]:
        assert np.asarray(ours).dtype == np.asarray(ref).dtype
        np.testing.assert_allclose(ours, ref, rtol=1e-12)


def test_public_names_exist():
    for mod in (anp.linalg, asl):
        for name in mod.__all__:
            assert hasattr(mod, name), name
    assert len(set(anp.linalg.__all__)) == len(anp.linalg.__all__)


# -- jit: one compilation per row group, compared with eager to 1e-12 -----------------------------------
# (a generated function compiles in time superlinear in its length: several small groups, not one big one)
def every_primitive(a_spd, a_gen, b, a_stack, b_stack):
    """Each linalg primitive and parameter combination once, forward only: emitters against impls."""
    outs = {f"tri k={k} lower={lower} diag={d}": pl.tri_p.bind(a_gen, k=k, lower=lower, diag=d)
            for k, lower, d in [(0, True, 1.0), (-1, True, 1.0), (1, False, 1.0), (0, True, 0.5), (0, False, 0.5)]}
    outs.update({f"triangular_solve {flags}": pl.triangular_solve(a_gen, b, *flags)
                 for flags in itertools.product((True, False), repeat=3)})
    w, v = pl.eigh_p.bind(a_spd)
    ws, vs = pl.eigh_p.bind(a_stack)
    outs.update({
        "sym_from_lower": pl.sym_from_lower(a_gen), "sym_from_lower_t": pl.sym_from_lower_t(a_gen),
        "diag_part": pl.diag_part_p.bind(a_gen), "diag_embed": pl.diag_embed_p.bind(a_gen[0]),
        "cholesky": pl.cholesky_p.bind(a_spd), "solve": pl.solve_p.bind(a_gen, b), "inv": pl.inv_p.bind(a_gen),
        "det": pl.det_p.bind(a_gen), "slogdet": pl.slogdet_p.bind(a_gen), "eigh values": w, "eigh |vectors|": v,
        # stacks: (2, 1, n, n) broadcast against (3, n, k)
        "stack matmul": pl.matmul_p.bind(a_stack, b_stack), "stack solve": pl.solve_p.bind(a_stack, b),
        "stack triangular_solve": pl.triangular_solve(a_stack, b_stack, True, True),
        "stack cholesky": pl.cholesky_p.bind(a_stack), "stack tri": pl.tri_p.bind(a_stack, k=0, lower=False, diag=0.5),
        "wide tril": pl.tri_p.bind(b_stack, k=1, lower=True, diag=0.5),
        "wide triu": pl.tri_p.bind(b_stack, k=-1, lower=False, diag=0.5),
        "stack sym_from_lower": pl.sym_from_lower(a_stack), "stack diag_part": pl.diag_part_p.bind(a_stack),
        "stack slogdet": pl.slogdet_p.bind(a_stack), "stack det": pl.det_p.bind(a_stack),
        "stack eigh values": ws, "stack eigh |vectors|": vs})
    return outs


def test_jit_emitters_match_impls():
    n = 4
    args = (spd((n, n)), general((n, n)), rhs((n, n)), spd((2, 1, n, n)), rhs((3, n, n)))
    ours, ref = ad.jit(every_primitive)(*args), every_primitive(*args)
    assert ours.keys() == ref.keys()
    for name in ref:
        o, r = ad.tree_leaves(ours[name]), ad.tree_leaves(ref[name])
        if "|vectors|" in name:  # eigenvector columns agree up to sign
            o, r = np.abs(o), np.abs(r)
        for x, y in zip(o, r):
            assert np.shape(x) == np.shape(y), name
            np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12, err_msg=name)


def cholesky_group(a, b, bv):
    L, U = anp.linalg.cholesky(a), asl.cholesky(a)
    return [asl.solve_triangular(L, b, lower=True), asl.solve_triangular(U, b, trans=1),
            asl.solve_triangular(a, bv, lower=True, unit_diagonal=True), asl.cho_solve((U, False), bv),
            asl.solve(a, b, assume_a="pos"), _reconstruct(*anp.linalg.eigh(a)), anp.linalg.norm(L, axis=(-2, -1))]


def lu_group(a, b, bv):
    sign, logdet = anp.linalg.slogdet(a)
    return [anp.linalg.solve(a, b), anp.linalg.solve(a, bv), anp.linalg.inv(a), anp.linalg.det(a), sign * logdet,
            anp.linalg.norm(bv)]


def batched_group(a, b, bv):
    """(3, n, n) stacks with an unbatched b and vector bv (broadcast), numpy and scipy conventions."""
    L = anp.linalg.cholesky(a)
    return [asl.solve_triangular(L, b, lower=True), asl.cho_solve((L, True), bv), anp.linalg.slogdet(a)[1],
            anp.linalg.eigvalsh(a), anp.linalg.solve(a, bv)]


@pytest.mark.parametrize("group,batch", [(cholesky_group, ()), (lu_group, ()), (batched_group, (3,))],
                         ids=["cholesky-2D", "lu-2D", "batched"])
def test_jit_value_and_grad_matches_eager(group, batch):
    n = 4
    a = spd(batch + (n, n)) if group is not lu_group else general((n, n))
    args = (a, rhs((n, n)), vec((n, n)))
    vg = ad.value_and_grad(lambda *xs: sum(anp.sum(_weights(t) * t) for t in group(*xs)), argnums=(0, 1, 2))
    val, grads = ad.jit(vg)(*args)
    ref_val, ref_grads = vg(*args)
    np.testing.assert_allclose(val, ref_val, rtol=1e-12, atol=1e-12)
    for g, r in zip(grads, ref_grads):
        np.testing.assert_allclose(g, r, rtol=1e-12, atol=1e-12)


def test_jit_second_order_matches_eager():
    """A Hessian-vector product (forward over reverse) of a Gaussian log-density in (x, Sigma) under jit."""
    def logpdf(x, cov):
        L = anp.linalg.cholesky(cov)
        z = asl.solve_triangular(L, x, lower=True)
        return -0.5 * anp.sum(z ** 2) - anp.sum(anp.log(anp.linalg.diagonal(L))) + anp.linalg.eigvalsh(cov)[0]

    def hvp(x, cov, dx, dcov):
        return ad.jvp(ad.grad(logpdf, argnums=(0, 1)), (x, cov), (dx, dcov))[1]
    args = (vec((3, 3)), spd((3, 3)), vec((3, 3), salt=5), general((3, 3), salt=6))
    for o, r in zip(ad.jit(hvp)(*args), hvp(*args)):
        np.testing.assert_allclose(o, r, rtol=1e-12, atol=1e-12)


def test_jit_gives_nan_not_a_crash_for_bad_matrices():
    """Under jit a non-PD Cholesky / singular solve gives NaN (a divergence), det/slogdet follow numpy."""
    def f(a, b):
        L = anp.linalg.cholesky(a)
        logp = -0.5 * anp.sum(asl.solve_triangular(L, b, lower=True) ** 2) - anp.sum(anp.log(anp.linalg.diagonal(L)))
        return (logp, ad.grad(lambda a: anp.sum(asl.cholesky(a)))(a), anp.linalg.solve(a, b), anp.linalg.inv(a),
                anp.linalg.det(a), anp.linalg.slogdet(a), anp.linalg.eigvalsh(a))
    jf = ad.jit(f)
    n = 13
    assert n > pl.JACOBI_MAX_N  # also runs the LAPACK eigh kernel
    good, b = spd((n, n)), rhs((n, n), k=1)
    for o, r in zip(ad.tree_leaves(jf(good, b)), ad.tree_leaves(f(good, b))):
        np.testing.assert_allclose(o, r, rtol=1e-10, atol=1e-10)
    not_pd = np.diag(np.r_[1.0, -1.0, np.ones(n - 2)])
    logp, grad, _, _, det, (sign, logdet), w = jf(not_pd, b)
    assert np.isnan(logp) and np.all(np.isnan(grad[np.triu_indices(n)])) and np.all(np.tril(grad, -1) == 0)
    assert det == -1.0 and sign == -1.0 and logdet == 0.0
    np.testing.assert_allclose(w, np.sort(np.diag(not_pd)))
    singular = np.zeros((n, n))
    _, _, x, inv, det, (sign, logdet), _ = jf(singular, b)
    assert np.all(np.isnan(x)) and np.all(np.isnan(inv))
    assert det == 0.0 and sign == 0.0 and logdet == -np.inf
    with pytest.raises(np.linalg.LinAlgError):  # eager keeps numpy's behaviour
        f(not_pd, b)
