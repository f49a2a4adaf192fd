"""NumPy names built from other functions (differences, moments, comparison, arithmetic, ranges, searching,
vander, polyval, tri, atleast_3d, dstack) and autodiff.scipy.special_composites against numpy/scipy: values on
several shapes and edge values, derivatives to order 2 in both modes, and small jit == eager programs over a
representative subset."""
import math
import warnings

import numpy as np
import pytest
import scipy.special as ss

import autodiff as ad
import autodiff.numpy as X
from autodiff.scipy import special_composites as S

RNG = np.random.default_rng(7)
A = RNG.normal(size=(3, 5))
B3 = RNG.normal(size=(4, 3))
V = RNG.normal(size=5)
T = RNG.normal(size=(2, 3, 4))
NANS = np.where(RNG.random((4, 6)) < 0.3, np.nan, RNG.normal(size=(4, 6)))
NANS[1] = np.nan
SPECIAL = np.array([1.0, np.nan, np.inf, -np.inf, 1e-9, 2.0, -0.0, 5.0])
SORTED = np.array([-1.0, 0.0, 0.0, 1.5, 3.0, np.nan])
QUERY = np.array([[-2.0, -1.0, 0.0, 0.7], [1.5, 3.0, 4.0, np.nan]])
XP, FP = np.array([-1.0, 0.0, 1.5, 3.0, 3.5]), np.array([2.0, -1.0, 0.5, 0.5, 4.0])
XQ = np.array([-3.0, -1.0, -0.4, 0.0, 1.0, 1.5, 3.2, 3.5, 9.0, np.nan])
EDGE = np.array([-np.inf, -3.5, -1.0, -1e-5, 0.0, 1e-300, 1e-5, 0.3, 1.0, 2.5, 30.0, 800.0, np.inf, np.nan])
PAIR_X = np.array([[-1.0], [0.0], [1e-300], [0.4], [2.0], [np.inf], [np.nan]])
PAIR_Y = np.array([-0.5, 0.0, 0.3, 1.0, 7.0, np.inf, np.nan])

# -- values: (id, f(module), exact); f is called with X (ours) and np (numpy's) ----------------------------
NUMPY_CASES = [
    ("diff", lambda m: m.diff(A), True), ("diff_n2_axis0", lambda m: m.diff(T, 2, axis=0), True),
    ("diff_pre_app", lambda m: m.diff(A, prepend=0.5, append=A[:, :2]), True),
    ("diff_bool", lambda m: m.diff(A > 0), True), ("diff_n0", lambda m: m.diff(V, 0), True),
    ("ediff1d", lambda m: m.ediff1d(A, to_end=[7, 8], to_begin=-1), True),
    ("ediff1d_plain", lambda m: m.ediff1d(T), True),
    ("cov", lambda m: m.cov(A), False), ("cov_cols_bias", lambda m: m.cov(A, rowvar=False, bias=True), False),
    ("cov_1d", lambda m: m.cov(V), False), ("cov_y_ddof", lambda m: m.cov(A, A[::-1] ** 2, ddof=2), False),
    ("corrcoef", lambda m: m.corrcoef(A), False), ("corrcoef_1d", lambda m: m.corrcoef(V), False),
    ("corrcoef_y", lambda m: m.corrcoef(V, V ** 3, rowvar=False), False),
    ("isclose", lambda m: m.isclose(SPECIAL, SPECIAL[::-1] * (1 + 1e-6)), True),
    ("isclose_nan", lambda m: m.isclose(SPECIAL, SPECIAL, equal_nan=True), True),
    ("isclose_scalar", lambda m: m.isclose(1.0, 1.0 + 1e-9), True),
    ("allclose", lambda m: m.allclose(A, A + 1e-9), True), ("allclose_no", lambda m: m.allclose(A, A + 1e-3), True),
    ("allclose_nan", lambda m: m.allclose(SPECIAL, SPECIAL, equal_nan=True), True),
    ("array_equal", lambda m: m.array_equal(A, A.copy()), True),
    ("array_equal_no", lambda m: m.array_equal(A, A.T), True),
    ("array_equal_nan", lambda m: m.array_equal(SPECIAL, SPECIAL, equal_nan=True), True),
    ("nan_to_num", lambda m: m.nan_to_num(SPECIAL), True),
    ("nan_to_num_args", lambda m: m.nan_to_num(SPECIAL, nan=-1.0, posinf=9.0, neginf=-9.0), True),
    ("nan_to_num_int", lambda m: m.nan_to_num(np.arange(3)), True),
    ("copysign", lambda m: m.copysign(A, V), True), ("copysign_signed_zero", lambda m: m.copysign(2.0, SPECIAL), True),
    ("fmod", lambda m: m.fmod(7 * A, V), False), ("fmod_int", lambda m: m.fmod(np.arange(-7, 8), 3), True),
    ("float_power", lambda m: m.float_power(np.abs(A), V), False),
    ("float_power_int", lambda m: m.float_power(2, 3), True),
    ("i0", lambda m: m.i0(T * 3), False),
    ("logspace", lambda m: m.logspace(0, 2, 7), True),
    ("logspace_base", lambda m: m.logspace(1, -1, 4, False, 2.0), True),
    ("geomspace", lambda m: m.geomspace(-1, -1000, 5), True),
    ("cross", lambda m: m.cross(B3, B3[::-1]), True), ("cross_bcast", lambda m: m.cross(B3, V[:3]), True),
    ("cross_axis0", lambda m: m.cross(B3.T, B3[::-1].T, axis=0), True),
    ("cross_axes", lambda m: m.cross(B3, B3[:, ::-1].T, axisb=0, axisc=0), True),
    ("trapezoid", lambda m: m.trapezoid(A), True), ("trapezoid_x1d", lambda m: m.trapezoid(A, np.cumsum(V ** 2)), True),
    ("trapezoid_xnd_axis0", lambda m: m.trapezoid(T, T ** 2, axis=0), True),
    ("trapezoid_dx_1d", lambda m: m.trapezoid(V, dx=0.3), True),
    ("vander", lambda m: m.vander(V), True), ("vander_N_inc", lambda m: m.vander(V, 3, increasing=True), True),
    ("vander_int", lambda m: m.vander(np.arange(4), 6), True), ("vander_N0", lambda m: m.vander(V, 0), True),
    ("polyval", lambda m: m.polyval(V, A), True), ("polyval_scalar", lambda m: m.polyval([1, 2, 3], 2), True),
    ("tri", lambda m: m.tri(3, 5, -1), True), ("tri_int", lambda m: m.tri(4, dtype=int), True),
    ("atleast_3d_0d", lambda m: m.atleast_3d(2.0), True), ("atleast_3d_1d", lambda m: m.atleast_3d(V), True),
    ("atleast_3d_2d", lambda m: m.atleast_3d(A), True), ("atleast_3d_3d", lambda m: m.atleast_3d(T), True),
    ("atleast_3d_many", lambda m: m.atleast_3d(V, A), True),
    ("dstack", lambda m: m.dstack([A, A ** 2]), True), ("dstack_1d", lambda m: m.dstack([V, V]), True),
    ("nanvar", lambda m: m.nanvar(NANS), False), ("nanvar_axis_ddof", lambda m: m.nanvar(NANS, axis=1, ddof=1), False),
    ("nanvar_keepdims", lambda m: m.nanvar(NANS, axis=0, keepdims=True), False),
    ("nanvar_int", lambda m: m.nanvar(np.arange(6).reshape(2, 3), axis=1), False),
    ("nanstd", lambda m: m.nanstd(NANS, axis=(0, 1)), False), ("nanstd_axis", lambda m: m.nanstd(NANS, axis=1), False),
    ("searchsorted", lambda m: m.searchsorted(SORTED, QUERY), True),
    ("searchsorted_right", lambda m: m.searchsorted(SORTED, QUERY, side="right"), True),
    ("searchsorted_scalar", lambda m: m.searchsorted(SORTED, 0.0), True),
    ("searchsorted_sorter", lambda m: m.searchsorted(V, V[:3], sorter=np.argsort(V)), True),
    ("interp", lambda m: m.interp(XQ, XP, FP), True),
    ("interp_left_right", lambda m: m.interp(XQ.reshape(2, 5), XP, FP, left=-7.0, right=8.0), True),
    ("interp_scalar", lambda m: m.interp(0.5, XP, FP), True),
    ("interp_one_point", lambda m: m.interp(XQ, [1.0], [2.0]), True),
    ("digitize", lambda m: m.digitize(QUERY, SORTED[:5]), True),
    ("digitize_right", lambda m: m.digitize(QUERY, SORTED[:5], right=True), True),
    ("digitize_decreasing", lambda m: m.digitize(QUERY, SORTED[4::-1]), True),
]


@pytest.mark.parametrize("f, exact", [c[1:] for c in NUMPY_CASES], ids=[c[0] for c in NUMPY_CASES])
def test_numpy_values(f, exact):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ours, ref = f(X), f(np)
    for o, r in zip(ours, ref) if isinstance(ref, tuple) else [(ours, ref)]:
        assert type(o) is type(r) or (isinstance(r, np.generic) and isinstance(o, np.generic)), (type(o), type(r))
        assert np.shape(o) == np.shape(r) and np.result_type(o) == np.result_type(r)
        if exact:
            np.testing.assert_array_equal(o, r)
        else:
            np.testing.assert_allclose(o, r, rtol=1e-12, atol=1e-15)


def test_aliases_and_errors():
    assert X.trapz is X.trapezoid
    np.testing.assert_array_equal(X.row_stack([V, V]), np.vstack([V, V]))
    for bad, err in [(lambda: X.diff(V, -1), ValueError), (lambda: X.diff(3.0), ValueError),
                     (lambda: X.cross(A, A), ValueError), (lambda: X.vander(A), ValueError),
                     (lambda: X.digitize(V, [0, 2, 1]), ValueError), (lambda: X.interp(V, XP, FP[:3]), ValueError),
                     (lambda: X.cov(A, aweights=V), NotImplementedError)]:
        with pytest.raises(err):
            bad()
    assert X.array_equal(A, A[:2]) is False


# -- scipy.special: (name, args), compared with scipy.special's function of the same name ----------------
SPECIAL_CASES = [
    ("entr", (EDGE,)), ("exprel", (EDGE,)), ("cosm1", (EDGE,)), ("cosm1", (np.linspace(-3, 3, 13),)),
    ("loggamma", (EDGE,)), ("rgamma", (EDGE,)), ("rgamma", (np.array([-3.0, -2.5, -1.0, 0.5, 171.5, 180.0]),)),
    ("log1p", (EDGE,)), ("expm1", (EDGE,)),
    ("rel_entr", (PAIR_X, PAIR_Y)), ("kl_div", (PAIR_X, PAIR_Y)), ("huber", (PAIR_X, PAIR_Y - 0.6)),
    ("pseudo_huber", (PAIR_X, PAIR_Y - 0.6)),
    ("powm1", (PAIR_X[[0, 1, 3, 4, 5, 6]], PAIR_Y - 0.6)),  # scipy: powm1(1e-300, -1.1) = 0 on overflow
   
    ("powm1", (np.array([[-2.0], [0.0], [0.5], [1.0], [1.1]]), np.array([-1.0, 0.0, 2.0, 3.0, 1e-3, 100.0]))),
    ("binom", (np.array([[0.0], [1.0], [4.0], [7.5], [20.0]]), np.array([0.0, 1.0, 2.3, 3.0, 4.0]))),
    ("entr", (0.5,)), ("huber", (1.0, 3.0)),
]


def test_binom_exact_on_integers():
    """Integer arguments give the exact integer (scipy's product is within an ulp or two)."""
    n, k = np.arange(40.0)[:, None], np.arange(-2.0, 42.0)
    exact = np.array([[math.comb(int(a), int(b)) if 0 <= b <= a else 0 for b in k] for a in n[:, 0]], float)
    np.testing.assert_array_equal(S.binom(n, k), exact)
    np.testing.assert_allclose(S.binom(n, k), ss.binom(n, k), rtol=1e-15)


@pytest.mark.parametrize("name, args", SPECIAL_CASES, ids=[c[0] for c in SPECIAL_CASES])
def test_special_values(name, args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ours, ref = getattr(S, name)(*args), getattr(ss, name)(*args)
    assert np.shape(ours) == np.shape(ref) and np.isscalar(ours) == np.isscalar(ref)
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-300)


# -- derivatives to order 2, both modes, at points away from kinks ---------------------------------------
POS = np.abs(A) + 0.5
GAPS = np.where(np.eye(3, 5, 1) > 0, np.nan, 1.0)
GRAD_CASES = [
    ("diff", lambda a: X.diff(a, 2, prepend=a[:, :1] ** 2), (A,)),
    ("ediff1d", lambda a: X.ediff1d(a, to_begin=a[0]), (V,)),
    ("cov", lambda a, b: X.cov(a, b), (A, A[::-1] ** 2)), ("corrcoef", lambda a: X.corrcoef(a, rowvar=False), (A,)),
    ("nan_to_num", lambda a: X.nan_to_num(a * np.where(SPECIAL[:5] == 1e-9, 1.0, SPECIAL[:5])), (V,)),
    ("copysign", lambda a: X.copysign(a, V), (A,)), ("fmod", lambda a, b: X.fmod(a, b), (7.3 * A, V + 3.1)),
    ("float_power", X.float_power, (POS, V)), ("i0", X.i0, (A,)),
    ("logspace", lambda s, e: X.logspace(s, e, 4, base=3.0), (0.3, 1.2)),
    ("geomspace", lambda s, e: X.geomspace(s, e, 5), (POS[0], POS[1] * 9)),
    ("cross", lambda a, b: X.cross(a, b), (B3, B3[::-1])),
    ("trapezoid", lambda y, x: X.trapezoid(y, x, axis=0), (T, np.cumsum(np.abs(T) + 0.5, axis=0))),
    ("trapezoid_x1d", lambda y, x: X.trapezoid(y, x), (A, np.cumsum(POS[0]))),
    ("vander", lambda x: X.vander(x, 4), (V,)), ("polyval", X.polyval, (V, A)),
    ("dstack", lambda a: X.dstack([a, a ** 2]), (A,)), ("atleast_3d", lambda v: X.atleast_3d(v) ** 2, (V,)),
    ("nanvar", lambda a: X.nanvar(GAPS + a, axis=1, ddof=1), (A,)), ("nanstd", lambda a: X.nanstd(GAPS * a), (A,)),
    ("interp", lambda x, fp: X.interp(x, XP, fp), (XQ[[0, 2, 4, 6, 8]], FP)),
    ("entr", S.entr, (POS,)), ("rel_entr", S.rel_entr, (POS, POS[::-1])), ("kl_div", S.kl_div, (POS, POS[::-1])),
    ("huber", S.huber, (np.full(5, 1.0), V * 2 + 0.05)), ("pseudo_huber", S.pseudo_huber, (POS, A)),
    ("binom", S.binom, (POS * 5 + 3, POS)), ("exprel", S.exprel, (np.concatenate([V, [0.0, 1e-4, -2e-3]]),)),
    ("cosm1", S.cosm1, (A * 2,)), ("powm1", S.powm1, (POS, A)), ("loggamma", S.loggamma, (POS,)),
    ("rgamma", S.rgamma, (A * 2,)),
]


@pytest.mark.parametrize("f, args", [c[1:] for c in GRAD_CASES], ids=[c[0] for c in GRAD_CASES])
def test_grads(f, args):
    ad.check_grads(f, args, order=2)


def test_no_gradient_functions_give_zero_gradient():
    g = ad.grad(lambda x: X.searchsorted(XP, x) * 1.0 + X.isclose(x, 0.5) + X.digitize(x, XP) + x)(0.7)
    assert g == 1.0


# -- jit == eager: small programs over a representative subset (Numba's compile time grows faster than a
# function's length), their values and the gradient of their total --------------------------------------
def numpy_program(a, v, b3, nans, xq, fp):
    return [X.diff(a, 2, axis=0, prepend=v[None]), X.cov(a), X.corrcoef(a), X.nan_to_num(nans), X.cross(b3, v[:3]),
            X.trapezoid(a, v), X.polyval(v, a), X.vander(v, 3), X.interp(xq, XP, fp), X.nanvar(nans, axis=1)]


def more_numpy_program(a, v, b3, nans, xq, fp):
    return [X.logspace(v[0], v[1], 4), X.geomspace(b3[0, 0] ** 2 + 1, 9.0, 4), X.fmod(a, v + 3.0), X.copysign(a, v),
            X.searchsorted(XP, xq) * 1.0, X.isclose(a, v) * 1.0, X.dstack([a, a])]


def special_program(a, v, b3, nans, xq, fp):
    return [S.entr(a ** 2), S.kl_div(a ** 2, v ** 2), S.huber(1.0, a), S.pseudo_huber(0.5, a), S.exprel(a),
            S.cosm1(a), S.powm1(a ** 2 + 0.1, v), S.rgamma(a), S.binom(a ** 2 + 5, v ** 2)]


def numpy_grad_program(a, v, b3, nans, xq, fp):  # smaller sets: the gradient graph is what makes Numba slow
    return [X.cov(a), X.cross(b3, v[:3]), X.trapezoid(a, v), X.interp(xq, XP, fp * v[0]),
            X.nanvar(nans * v[0], axis=1)[[0, 2, 3]]]


def special_grad_program(a, v, b3, nans, xq, fp):
    return [S.exprel(a), S.powm1(a ** 2 + 0.1, v), S.binom(a ** 2 + 5, v ** 2)]


JIT_ARGS = (A, V, B3, NANS, XQ[:-1], FP)


@pytest.mark.parametrize("program", [numpy_program, more_numpy_program, special_program], ids=lambda p: p.__name__)
def test_jit_matches_eager(program):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for c, e in zip(ad.jit(program)(*JIT_ARGS), program(*JIT_ARGS)):
            np.testing.assert_allclose(c, e, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("program", [numpy_grad_program, special_grad_program], ids=lambda p: p.__name__)
def test_jit_gradient_matches_eager(program):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        total = ad.grad(lambda a, v: sum(o.sum() for o in program(a, v, *JIT_ARGS[2:])), argnums=(0, 1))
        for c, e in zip(ad.jit(total)(A, V), total(A, V)):
            np.testing.assert_allclose(c, e, rtol=1e-12, atol=1e-14)
