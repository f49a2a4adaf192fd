"""NumPy names added for issue 10 (statistics, set operations, assembly, convolution, gradient, polynomials,
float parts, array-API aliases) against NumPy itself: values (exact where NumPy's operation order is kept),
derivatives to order 2 in both modes, one jit == eager program, and the exported namespace."""
import warnings

import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp

RNG = np.random.default_rng(11)
A = RNG.normal(size=(4, 7))
NANS = A.copy()
NANS[1, 2] = NANS[2, [0, 5]] = np.nan
NANS[3] = np.nan
V = RNG.normal(size=5)
X = np.cumsum(RNG.random(7)) - 2.0
XS = np.linspace(-1.0, 3.0, 20)
YS = 1 + XS - 0.5 * XS ** 2 + RNG.normal(size=20) * 0.1
W = RNG.random(20) + 0.5
IDX = np.array([[0], [2], [1], [6]])
SPECIAL = np.array([-3.5, -3.0, -0.0, 0.0, 2.25, np.inf, -np.inf, np.nan, 5e-324, 1e308])
Q = np.array([0.0, 0.25, 0.5, 0.999, 1.0])
PW = np.linspace(-2, 2, 9)
WQ = RNG.integers(0, 4, size=A.shape).astype(float)  # ties in the cumulative weights, and zeros
WQ[0, :3] = 0.0


def _fill(a, val, wrap=False):
    a = a.copy()
    np.fill_diagonal(a, val, wrap=wrap)
    return a


def _put(a, idx, val, axis):
    a = a.copy()
    np.put_along_axis(a, idx, val, axis)
    return a


# (id, f(module) -> value, exact); `m` is autodiff.numpy or numpy (functional forms of in-place calls differ)
CASES = [
    *[(f"quantile_{m}", lambda n, m=m: n.quantile(A, Q, axis=1, method=m), True) for m in
      ("linear", "lower", "higher", "nearest", "midpoint", "inverted_cdf", "averaged_inverted_cdf",
       "closest_observation", "interpolated_inverted_cdf", "hazen", "weibull", "median_unbiased",
       "normal_unbiased")],
    ("quantile_scalar", lambda n: n.quantile(A, 0.3), True),
    ("quantile_keepdims", lambda n: n.quantile(A, [[0.1], [0.7]], axis=0, keepdims=True), True),
    ("quantile_nan", lambda n: n.quantile(NANS, 0.4, axis=1), True),
    ("percentile", lambda n: n.percentile(A, [33, 50, 90], axis=(0, 1)), True),
    ("nanquantile", lambda n: n.nanquantile(NANS, Q, axis=1), True),
    ("nanquantile_hazen", lambda n: n.nanquantile(NANS, 0.3, axis=0, method="hazen"), True),
    ("nanpercentile", lambda n: n.nanpercentile(NANS, [10, 60]), True),
    # weights= (NumPy 2: method="inverted_cdf" only): full shape, along one axis, several axes, zero weights, nan
    ("quantile_weights", lambda n: n.quantile(A, Q, axis=1, weights=WQ, method="inverted_cdf"), True),
    ("quantile_weights_1d", lambda n: n.quantile(A, [0.1, 0.6], axis=0, weights=WQ[:, 0], method="inverted_cdf",
                                                 keepdims=True), True),
    ("quantile_weights_axes", lambda n: n.quantile(A, 0.3, axis=(1, 0), weights=WQ.T, method="inverted_cdf"), True),
    ("quantile_weights_nan", lambda n: n.quantile(NANS, Q, axis=1, weights=WQ, method="inverted_cdf"), True),
    ("percentile_weights", lambda n: n.percentile(A, [5, 50], weights=WQ, method="inverted_cdf"), True),
    ("nanquantile_weights", lambda n: n.nanquantile(NANS, Q, axis=1, weights=WQ, method="inverted_cdf"), True),
    ("nanpercentile_weights", lambda n: n.nanpercentile(NANS, 40, axis=0, weights=WQ + 1, method="inverted_cdf"),
     True),
    ("nanmedian", lambda n: n.nanmedian(NANS, axis=1), True), ("nanmedian_all", lambda n: n.nanmedian(NANS), True),
    ("median", lambda n: n.median(A, axis=0), True),
    ("histogram", lambda n: n.histogram(A), True), ("histogram_bins", lambda n: n.histogram(A, bins=[-1, 0, 0.5, 2]), True),
    ("histogram_range", lambda n: n.histogram(A, 3, range=(-1, 1)), True),
    ("histogram_density_w", lambda n: n.histogram(A, 4, weights=A ** 2, density=True), False),
    ("histogram_auto", lambda n: n.histogram(A, "auto"), True),
    ("bincount", lambda n: n.bincount(np.array([0, 3, 3, 1, 7])), True),
    ("bincount_w", lambda n: n.bincount(np.array([0, 3, 3, 1]), V[:4], minlength=9), True),
    ("unique", lambda n: n.unique(NANS, return_index=True, return_inverse=True, return_counts=True), True),
    ("unique_axis", lambda n: n.unique(np.array([[1.0, 2], [0, 1], [1, 2]]), axis=0), True),
    ("unique_all", lambda n: tuple(n.unique_all(np.array([3, 1, 3, 0]))), True),
    ("unique_counts", lambda n: tuple(n.unique_counts(np.array([3.0, 1, 3]))), True),
    ("isin", lambda n: n.isin(NANS, [A[0, 0], A[1, 1], np.nan]), True),
    ("isin_invert", lambda n: n.isin(np.arange(6), [1, 4], invert=True), True),
    ("partition_kth", lambda n: n.partition(A, 3, axis=1)[:, 3], True),
    ("argpartition_kth", lambda n: np.take_along_axis(A, n.argpartition(A, 2, axis=0), 0)[2], True),
    ("nanargmax", lambda n: n.nanargmax(NANS[:3], axis=1), True), ("nanargmin", lambda n: n.nanargmin(NANS), True),
    ("nanargmax_keepdims", lambda n: n.nanargmax(NANS[:3], axis=0, keepdims=True), True),
    ("copy", lambda n: n.copy(A), True), ("concat", lambda n: n.concat([A, A], axis=1), True),
    ("block", lambda n: n.block([[A, A[:, :1]], [np.ones((1, 7)), np.zeros((1, 1))]]), True),
    ("block_1d", lambda n: n.block([V, 1.0, V]), True),
    ("insert", lambda n: n.insert(A, 1, 5.0), True), ("insert_axis", lambda n: n.insert(A, [1, 3], V[:2], axis=1), True),
    ("insert_bcast", lambda n: n.insert(A, 2, [[1, 2, 3, 4, 5, 6, 7]], axis=0), True),
    ("insert_slice", lambda n: n.insert(A, slice(0, 2), [[1.0], [2.0], [3.0], [4.0]], axis=1), True),
    ("put_along_axis", lambda n: n.put_along_axis(A, IDX, V[:4, None], 1) if n is anp
     else _put(A, IDX, V[:4, None], 1), True),
    ("fill_diagonal", lambda n: n.fill_diagonal(A, V) if n is anp else _fill(A, V), True),
    ("fill_diagonal_wrap", lambda n: n.fill_diagonal(np.zeros((9, 3)), V[:2], wrap=True) if n is anp
     else _fill(np.zeros((9, 3)), V[:2], wrap=True), True),
    ("diagflat", lambda n: n.diagflat([[1, 2], [3, 4]], -1), True),
    ("convolve", lambda n: n.convolve(A[0], V[:3]), False), ("convolve_same", lambda n: n.convolve(V[:2], A[0], "same"), False),
    ("correlate", lambda n: n.correlate(A[0], V[:3]), False), ("correlate_same", lambda n: n.correlate(V[:2], A[0], "same"), False),
    ("correlate_full", lambda n: n.correlate(V[:4], A[1], "full"), False),
    ("gradient", lambda n: n.gradient(A), True), ("gradient_dx", lambda n: n.gradient(A, 0.3, edge_order=2), True),
    ("gradient_coords", lambda n: n.gradient(A, np.arange(4.0) * 0.5, X), True),
    ("gradient_axis_edge2", lambda n: n.gradient(A, X, axis=1, edge_order=2), True),
    ("polyfit", lambda n: n.polyfit(XS, YS, 2), False), ("polyfit_w_cov", lambda n: n.polyfit(XS, YS, 3, w=W, cov=True), False),
    ("polyfit_2d", lambda n: n.polyfit(XS, np.stack([YS, 2 * YS], 1), 1, cov="unscaled"), False),
    ("polyfit_full", lambda n: n.polyfit(XS, YS, 2, full=True), False), ("polyval", lambda n: n.polyval(V, A), True),
    ("piecewise", lambda n: n.piecewise(PW, [PW < 0, PW >= 0], [lambda v: -v, lambda v: v ** 2]), True),
    ("piecewise_otherwise", lambda n: n.piecewise(PW, [PW < -1, PW > 1], [0.5, lambda v: v * 3, lambda v: v.sum() + v]),
     True),
    ("piecewise_int", lambda n: n.piecewise(np.arange(5), [np.arange(5) > 2], [7]), True),
    ("apply_along_axis", lambda n: n.apply_along_axis(lambda v: np.outer(v, v), 1, A[:2, :3]), True),
    ("apply_along_axis_sum", lambda n: n.apply_along_axis(np.sum, 0, A), True),
    ("divmod", lambda n: n.divmod(7.5 * A, V[:1] + 2), True), ("modf", lambda n: n.modf(SPECIAL), True),
    ("frexp", lambda n: n.frexp(SPECIAL), True), ("ldexp", lambda n: n.ldexp(SPECIAL, np.arange(10)), True),
    ("acos", lambda n: n.acos(A / 4), True), ("atan2", lambda n: n.atan2(A, V[:1]), True),
    ("asin", lambda n: n.asin(A / 4), True), ("atan", lambda n: n.atan(A), True),
    ("asinh", lambda n: n.asinh(A), True), ("atanh", lambda n: n.atanh(A / 4), True),
    ("vecdot", lambda n: n.vecdot(A, A[0]), False), ("matvec", lambda n: n.matvec(A, A[0]), False),
    ("vecmat", lambda n: n.vecmat(A[:, 0], A), False), ("matrix_transpose", lambda n: n.matrix_transpose(A[None]), True),
    ("permute_dims", lambda n: n.permute_dims(A[None], (2, 0, 1)), True),
    ("bitwise", lambda n: (n.bitwise_xor(np.arange(6), 3), n.invert(np.arange(-2, 3)), n.invert(np.arange(3) > 0),
                           n.left_shift(np.arange(4), 2), n.right_shift(np.arange(8, 12), 1)), True),
]


@pytest.mark.parametrize("f, exact", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_values(f, exact):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ours, ref = f(anp), f(np)
    pairs = zip(ours, ref) if isinstance(ref, tuple) else [(ours, ref)]
    for o, r in pairs:
        assert np.shape(o) == np.shape(r) and np.result_type(o) == np.result_type(r), (np.shape(o), np.shape(r))
        assert type(o) is type(r) or (isinstance(r, np.generic) and isinstance(o, np.generic)), (type(o), type(r))
        if exact:
            np.testing.assert_array_equal(o, r)
        else:
            np.testing.assert_allclose(o, r, rtol=1e-11, atol=1e-13)


POS = np.abs(A) + 0.5
GRAD_CASES = [
    ("quantile", lambda a, q: anp.quantile(a, q, axis=1), (A, np.array([0.3, 0.77]))),
    ("quantile_weibull", lambda a: anp.quantile(a, [0.1, 0.5], method="weibull"), (A,)),
    ("nanquantile", lambda a: anp.nanquantile(NANS[:3] * a[:3], [0.3, 0.6], axis=1), (A,)),
    ("nanmedian", lambda a: anp.nanmedian(NANS[:3] * a[:3], axis=1), (A,)),
    ("quantile_weights", lambda a: anp.quantile(a, [0.2, 0.5, 1.0], axis=1, weights=WQ, method="inverted_cdf"), (A,)),
    ("histogram", lambda a, w: anp.histogram(a, 4, weights=w, density=True)[0] + anp.histogram(a, 4)[1][1:],
     (np.array([0.1, 0.35, 0.9, 1.3, 2.0]), V)),  # values well inside their bins
    ("bincount", lambda w: anp.bincount(np.array([0, 3, 3, 1, 7]), w), (V,)),
    ("unique", lambda a: anp.unique(a[np.array([0, 1, 0, 2])]), (np.array([2.0, 1.0, 3.5]),)),
    ("partition", lambda a: anp.partition(a, 2, axis=1), (A,)),
    ("block", lambda a, v: anp.block([[a, v[:4, None]], [v[None, :6]]]), (A[:, :5], np.arange(8.0) + V[0])),
    ("insert", lambda a, v: anp.insert(a, [1, 3], v[:2], axis=1), (A, V)),
    ("put_along_axis", lambda a, v: anp.put_along_axis(a, IDX, v[:4, None], 1), (A, V)),
    ("fill_diagonal", lambda a, v: anp.fill_diagonal(a, v), (A, V)),
    ("diagflat", lambda v: anp.diagflat(v, 1), (V,)),
    ("convolve", lambda a, v: anp.convolve(a, v, "same"), (A[0], V[:3])),
    ("correlate", lambda a, v: anp.correlate(a, v, "full"), (V[:2], A[0])),
    ("gradient", lambda f, x: anp.gradient(f, x, axis=1, edge_order=2), (A, X)),
    ("gradient_2d", lambda f: anp.gradient(f, 0.5), (A,)),
    ("polyfit", lambda x, y, w: anp.polyfit(x, y, 2, w=w), (XS, YS, W)),
    ("polyfit_cov", lambda y: anp.polyfit(XS, y, 1, cov=True)[1], (YS,)),
    ("piecewise", lambda x: anp.piecewise(x, [x < 0, x >= 0], [lambda v: v ** 3, anp.sin]), (PW + 0.1,)),
    ("apply_along_axis", lambda a: anp.apply_along_axis(lambda v: anp.outer(v, v), 1, a), (A[:2, :3],)),
    ("modf_frexp_ldexp", lambda x: anp.modf(x)[0] + anp.frexp(x)[0] + anp.ldexp(x, 3), (np.array([0.3, -5.7, 11.2]),)),
    ("divmod", lambda x, y: anp.divmod(x, y)[1], (7.3 * A, V[:1] + 3.1)),
    ("vecdot_matvec_vecmat", lambda a, v: anp.vecdot(a, v) + anp.matvec(a, v) + anp.vecmat(a[:, 0], a)[:4], (A, A[0])),
    ("acos_atan2", lambda a, b: anp.acos(a / 4) + anp.atan2(a, b), (A, POS)),
    ("asin_atan", lambda a: anp.asin(a / 4) + anp.atan(a), (A,)),
]


@pytest.mark.parametrize("f, args", [c[1:] for c in GRAD_CASES], ids=[c[0] for c in GRAD_CASES])
def test_grads(f, args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ad.check_grads(f, args, order=2)


# a representative few, in two programs: Numba's compile time grows faster than linearly with a function's length
PROGRAMS = [
    lambda a, v, nans, q, x: [anp.quantile(a, q, axis=1), anp.nanquantile(nans, q, axis=0),
                              anp.nanquantile(nans, q, axis=1, weights=WQ, method="inverted_cdf"),
                              anp.histogram(v, 4, weights=v ** 2)[0], anp.isin(a, v),
                              anp.nanargmax(nans[:3], axis=1) * 1.0],
    lambda a, v, nans, q, x: [anp.insert(a, 2, v[:4], axis=1), anp.fill_diagonal(a, v), anp.convolve(a[0], v, "same"),
                              anp.gradient(a, x, axis=1), anp.piecewise(x, [x < 0, x >= 0], [lambda u: u ** 3, anp.sin]),
                              anp.frexp(v)[0], anp.frexp(v)[1] * 1.0],
]


@pytest.mark.parametrize("program", PROGRAMS, ids=["statistics", "assembly"])
def test_jit_values_match_eager(program):
    args = (A, V, NANS, np.array([0.2, 0.9]), X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for c, e in zip(ad.jit(program)(*args), program(*args)):
            np.testing.assert_allclose(c, e, rtol=1e-12, atol=1e-14)


def test_jit_gradient_matches_eager():
    q = np.array([0.2, 0.9])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        total = ad.grad(lambda a, q: anp.sum(anp.quantile(a, q, axis=1) ** 2) + anp.sum(anp.nanmedian(NANS * a)),
                        argnums=(0, 1))
        for c, e in zip(ad.jit(total)(A, q), total(A, q)):
            np.testing.assert_allclose(c, e, rtol=1e-12, atol=1e-14)


def test_errors():
    for bad, err in [(lambda: anp.quantile(A, 1.5), ValueError), (lambda: anp.percentile(A, -1), ValueError),
                     (lambda: anp.quantile(A, 0.5, method="bogus"), ValueError),
                     (lambda: anp.quantile(A, 0.5, weights=WQ), ValueError),  # method must be inverted_cdf
                     (lambda: anp.quantile(A, 0.5, weights=-WQ, method="inverted_cdf"), ValueError),
                     (lambda: anp.quantile(A, 0.5, weights=0 * WQ, method="inverted_cdf"), ValueError),
                     (lambda: anp.quantile(A, 0.5, weights=WQ[0], method="inverted_cdf"), TypeError),
                     (lambda: anp.quantile(A, 0.5, axis=0, weights=WQ[0], method="inverted_cdf"), ValueError),
                     (lambda: anp.fill_diagonal(A, 1.0, inplace=True), ValueError),
                     (lambda: anp.put_along_axis(A, IDX, 0.0, 1, inplace=True), ValueError),
                     (lambda: anp.block([(A, A)]), TypeError), (lambda: anp.block([[A], A]), ValueError),
                     (lambda: anp.nanargmax(np.full(3, np.nan)), ValueError),
                     (lambda: anp.histogram(A, "auto", weights=A), TypeError),
                     (lambda: anp.ldexp(1.0, 2.0), TypeError), (lambda: anp.convolve([], V), ValueError),
                     (lambda: anp.gradient(A, 1.0, 2.0, 3.0), TypeError), (lambda: anp.polyfit(A, A, 1), TypeError),
                     (lambda: anp.piecewise(PW, [PW < 0], [1, 2, 3]), ValueError)]:
        with pytest.raises(err):
            bad()


def test_shape_from_values_is_an_error_under_jit():
    for f, what in [(lambda x: anp.unique(x), "unique"), (lambda x: anp.bincount(anp.astype(x, int)), "bincount"),
                    (lambda x: anp.insert(x, anp.astype(x[0], int), 1.0), "insert")]:
        with pytest.raises(TypeError, match=what):
            ad.jit(f)(V)


def test_namespace_is_numpys():
    names = set(anp.__all__)
    assert names - set(dir(np)) == {"at"}
    assert set(dir(anp)) == names
    assert len(names) == len(anp.__all__)
    for name in ["np", "pl", "operator", "namedtuple", "differences", "searching", "manipulation", "indexing", "contractions", "trapz"]:
        assert name not in names
    for name in anp.__all__:
        assert hasattr(anp, name), name
    np.testing.assert_array_equal(anp.at(np.zeros(3))[1].set(2.0), [0.0, 2.0, 0.0])
