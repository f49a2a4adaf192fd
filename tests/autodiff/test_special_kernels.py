"""Tests for the scalar Numba special-function kernels in autodiff.codegen.special_kernels.

Each kernel is compared elementwise with ``scipy.special`` / NumPy on dense
grids plus edge values (0, -0, negative integers, +-inf, nan, subnormals).
Where SciPy itself is known to be inaccurate (and the kernel deliberately
is not), the test uses reference values computed with mpmath at 40 digits,
exact identities, or a higher-precision formula instead.
"""

import math

import numba
import numpy as np
import pytest
import scipy.special as sc

from autodiff.codegen import special_kernels as sk

INF = np.inf
NAN = np.nan

EXPECTED_KERNELS = {
    "gammaln", "digamma", "trigamma", "polygamma", "zeta_hurwitz", "betaln",
    "erf", "erfc", "erfinv", "erfcinv", "ndtr", "log_ndtr", "ndtri",
    "i0", "i0e", "i1", "i1e",
    "expit", "logit", "log_expit", "softplus", "log1mexp", "logaddexp",
    "xlogy", "xlog1py", "sign",
}

EDGES = np.array([
    0.0, -0.0, 1.0, -1.0, 2.0, -2.0, -3.0, 0.5, -0.5, -2.5, 10.0, 11.0,
    1e-300, -1e-300, 1e-8, -1e-8, 1e8, -1e8 - 0.5, 1e17, 1e300, -1e300,
    INF, -INF, NAN,
])


def vec(f, *args):
    """Apply the scalar kernel ``f`` elementwise over broadcast arrays."""
    arrs = np.broadcast_arrays(*[np.asarray(a, dtype=np.float64) for a in args])
    flat = [a.ravel() for a in arrs]
    out = np.array([f(*vals) for vals in zip(*flat)], dtype=np.float64)
    return out.reshape(arrs[0].shape)


def assert_close(got, want, rtol=1e-13, atol=0.0, where=None):
    """Assert |got - want| <= rtol*|want| + atol; non-finite values must match exactly."""
    got = np.asarray(got, dtype=np.float64).ravel()
    want = np.asarray(want, dtype=np.float64).ravel()
    assert got.shape == want.shape
    fin = np.isfinite(want)
    bad = np.zeros(got.shape, dtype=bool)
    bad[~fin] = ~((got[~fin] == want[~fin]) | (np.isnan(got[~fin]) & np.isnan(want[~fin])))
    with np.errstate(invalid="ignore"):
        err = np.abs(got[fin] - want[fin])
        bad[fin] = ~(err <= rtol * np.abs(want[fin]) + atol)
    if bad.any():
        idx = np.flatnonzero(bad)[:5]
        pts = [] if where is None else [np.broadcast_to(w, np.shape(where[0])).ravel()[idx]
                                        for w in where]
        lines = [f"{bad.sum()} of {bad.size} values differ; first ones:"]
        for j, i in enumerate(idx):
            at = tuple(float(p[j]) for p in pts)
            lines.append(f"  at {at}: got {got[i]!r}, want {want[i]!r}")
        raise AssertionError("\n".join(lines))


def real_line(n=2001, lo=-50.0, hi=50.0):
    """Dense grid of [lo, hi] plus logarithmic grids on both sides and the edge values."""
    logs = np.logspace(-300, 300, 121)
    return np.concatenate([np.linspace(lo, hi, n), logs, -logs, EDGES])


# ---------------------------------------------------------------------------
# Module surface
# ---------------------------------------------------------------------------
def test_all_kernels_exported_as_cached_float64_njit():
    assert EXPECTED_KERNELS <= set(sk.__all__)
    for name in EXPECTED_KERNELS:
        f = getattr(sk, name)
        assert isinstance(f, numba.core.registry.CPUDispatcher), name
        assert f.targetoptions.get("error_model") == "numpy", name
        assert type(f._cache).__name__ == "FunctionCache", name  # cache=True
        assert len(f.signatures) == 1, name
        sig = f.signatures[0]
        if name == "polygamma":
            assert sig == (numba.int64, numba.float64)
        else:
            assert all(t == numba.float64 for t in sig), name
        assert f.nopython_signatures[0].return_type == numba.float64, name


def test_kernels_callable_from_njit_loops():
    @numba.njit
    def apply(x):
        out = np.empty_like(x)
        for i in range(x.size):
            out[i] = (sk.digamma(x[i]) + sk.polygamma(2, x[i]) + sk.log_ndtr(-x[i])
                      + sk.betaln(x[i], 2.5) + sk.logaddexp(x[i], 1.0) + sk.i1e(x[i]))
        return out

    x = np.linspace(0.1, 30.0, 50)
    want = (sc.digamma(x) + sc.polygamma(2, x) + sc.log_ndtr(-x) + sc.betaln(x, 2.5)
            + np.logaddexp(x, 1.0) + sc.i1e(x))
    assert_close(apply(x), want, rtol=1e-13)
    # float32 inputs are converted to float64, not evaluated in single precision.
    x32 = np.float32(0.3)
    assert sk.digamma(x32) == sk.digamma(float(x32))


# ---------------------------------------------------------------------------
# Gamma family
# ---------------------------------------------------------------------------
def test_gammaln_matches_scipy():
    x = real_line(lo=-180.0, hi=180.0, n=20001)
    # Absolute tolerance only matters next to the zeros (x = 1, 2, negative
    # roots), where SciPy's Cephes lgam loses relative accuracy.
    assert_close(vec(sk.gammaln, x), sc.gammaln(x), rtol=1e-13, atol=1e-15, where=(x,))


@pytest.mark.parametrize("x, want", [
    # log|Gamma(x)| from mpmath (40 digits); SciPy is off by up to 1e-10
    # relative at some of these, and returns inf for the subnormals.
    (0.9999999990686774, 5.375739798578573e-10),
    (1.000000001, -5.772157118381039e-10),
    (0.99999445, 3.203572274324819e-06),
    (1.9999999, -4.2278430309861296e-08),
    (2.0000000000009095, 3.8452011276491285e-13),
    (-2.4570247382208, 7.292550612674704e-16),
    (-2.7476591326284647, -4.500892570129627e-05),
    (-3.14358088834998, 1.6978655906121085e-15),
    (5e-324, 744.4400719213812),
    (1e-310, 713.8013788281542),
])
def test_gammaln_accurate_near_zeros(x, want):
    assert sk.gammaln(x) == pytest.approx(want, rel=1e-14, abs=0)


def test_digamma_matches_scipy():
    x = real_line()
    assert_close(vec(sk.digamma, x), sc.digamma(x), rtol=1e-13, atol=1e-14, where=(x,))
    # Around the first negative root SciPy uses a Taylor series and is accurate
    # to ~1e-15 relative, so no absolute slack there.
    r0 = -0.504083008264455409
    h = np.concatenate([np.linspace(-0.3, 0.3, 1201), np.logspace(-17, -1, 50)])
    x = np.concatenate([r0 + h, r0 - h])
    assert_close(vec(sk.digamma, x), sc.digamma(x), rtol=1e-13, where=(x,))
    # Near the positive root (Boost's rational form keeps relative accuracy).
    x = 1.4616321449683623 + np.linspace(-1e-3, 1e-3, 201)
    assert_close(vec(sk.digamma, x), sc.digamma(x), rtol=1e-13, where=(x,))


def test_digamma_accurate_near_negative_poles():
    # SciPy evaluates pi/tan(pi x) with x next to a multiple of pi and loses up
    # to ~1e-11 relative there.  Reference: digamma(x) = digamma(x + n) -
    # sum_{k<n} 1/(x + k), with x + n in (0, 0.01] computed exactly.
    d = np.concatenate([np.logspace(-12, -2, 41), -np.logspace(-12, -2, 41)])
    for n in (1, 2, 5, 8, 30):
        x = -n + d
        m = np.where(x > -n, n, n - 1)  # x + m in (0, 1)
        want = np.array([sc.digamma(xi + mi) - math.fsum(1.0 / (xi + k) for k in range(mi))
                         for xi, mi in zip(x, m)])
        assert_close(vec(sk.digamma, x), want, rtol=2e-15, where=(x,))


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 7, 30, 170, 171])
def test_polygamma_matches_scipy(n):
    x = np.concatenate([np.linspace(-30.3, 30.3, 1001), np.logspace(-300, 300, 61),
                        -np.logspace(-300, 1.5, 31), EDGES])
    x = x[np.abs(x) < 1e7]  # SciPy's summation takes O(|x|) steps for x < 0
    if n == 0:  # see test_digamma_accurate_near_negative_poles
        x = x[~((x < 0) & (np.abs(x - np.round(x)) < 1e-2) & (x != np.round(x)))]
    with np.errstate(over="ignore"):
        want = sc.polygamma(n, x)
    assert_close(vec(lambda t: sk.polygamma(n, t), x), want, rtol=1e-13, atol=1e-14, where=(x,))


def test_polygamma_negative_order_and_trigamma():
    assert math.isnan(sk.polygamma(-1, 2.0))
    x = real_line(lo=-40.0, hi=40.0)
    x = x[np.abs(x) < 1e7]
    assert_close(vec(sk.trigamma, x), sc.polygamma(1, x), rtol=1e-13, where=(x,))


def test_polygamma_far_left_uses_exact_shift():
    # trigamma(x) + trigamma(1 - x) = pi^2 / sin^2(pi x) (reflection); SciPy
    # would need ~|x| loop iterations here.
    x = np.array([-1e6 + 0.3, -123456.75, -4.5e15 - 0.5, -1e8 - 0.25, -60.1])
    frac = x - np.floor(x)
    want = np.pi ** 2 / np.sin(np.pi * frac) ** 2 - sc.polygamma(1, 1.0 - x)
    assert_close(vec(sk.trigamma, x), want, rtol=1e-13, where=(x,))
    # Odd derivative: psi''(x) - psi''(1 - x) = -2 pi^3 cos(pi x)/sin^3(pi x).
    x = np.array([-1e6 + 0.3, -123456.75, -60.1])
    frac = x - np.floor(x)
    want = (-2 * np.pi ** 3 * np.cos(np.pi * frac) / np.sin(np.pi * frac) ** 3
            + sc.polygamma(2, 1.0 - x))
    assert_close(vec(lambda t: sk.polygamma(2, t), x), want, rtol=1e-12, where=(x,))
    # Around the switch-over point (x = -50) both routes agree with SciPy when
    # n is odd (all terms of SciPy's sum have one sign).
    x = np.linspace(-80.3, -20.3, 301)
    x = x[x != np.round(x)]
    for n in (1, 3, 5):
        assert_close(vec(lambda t: sk.polygamma(n, t), x), sc.polygamma(n, x),
                     rtol=1e-13, where=(x,))


@pytest.mark.parametrize("n, x, want", [
    # mpmath (60 digits).  For even n, SciPy's sum cancels between the terms
    # left and right of 0 (e.g. 2e-5 relative error at n = 4, x = -50.5).
    (2, -79.5, -0.0001562438970405888),
    (2, -50.5, -0.00038443056696236074),
    (2, -60.1, 1998.6593880485402),
    (2, -1234.567, -13.853842770835499),
    (4, -50.5, -8.866075918728956e-07),
    (4, -99.25, 24481.574782761916),
    (4, -999999.7, -9738.76029413981),
    (6, -70.5, -9.364410075555904e-10),
])
def test_polygamma_even_order_negative_x_against_mpmath(n, x, want):
    assert sk.polygamma(n, x) == pytest.approx(want, rel=1e-14)


def test_zeta_hurwitz_matches_scipy():
    s = np.array([1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 7.0, 50.0, 200.0, 0.5, -1.0, INF, NAN])
    q = np.concatenate([np.linspace(-10.25, 10.25, 83), np.logspace(-300, 300, 61),
                        [0.0, -0.0, 1e8, 1.5e8, INF, -INF, NAN]])
    S, Q = np.meshgrid(s, q)
    assert_close(vec(sk.zeta_hurwitz, S, Q), sc.zeta(S, Q), rtol=1e-13, where=(S, Q))


def test_betaln_matches_scipy():
    # Range where SciPy is accurate (a + b below Gamma's overflow point).
    g = np.concatenate([np.linspace(-20.25, 20.25, 82), np.logspace(-300, 1.9, 40),
                        [-3.0, -2.0, -1.0, 0.0, -0.0, 1.0, 2.0, 3.0, -1e300, -INF, NAN]])
    A, B = np.meshgrid(g, g)
    assert_close(vec(sk.betaln, A, B), sc.betaln(A, B), rtol=1e-13, atol=1e-14, where=(A, B))
    # Both arguments large (SciPy adds three lgamma values: fine up to ~1e30),
    # and a >> b (SciPy's asymptotic branch).
    g = np.logspace(2.5, 30, 30)
    A, B = np.meshgrid(g, g)
    A, B = A[np.abs(np.log(A / B)) < 1.0], B[np.abs(np.log(A / B)) < 1.0]
    assert_close(vec(sk.betaln, A, B), sc.betaln(A, B), rtol=1e-13, where=(A, B))
    a = np.logspace(7, 300, 40)
    for b in (1e-3, 0.5, 3.0, 9.5):
        assert_close(vec(sk.betaln, a, b), sc.betaln(a, b), rtol=1e-13, where=(a,))


@pytest.mark.parametrize("k", [1, 2, 3, 5, 10, 40])
def test_betaln_large_first_argument_exact(k):
    # For integer k, B(a, k) = (k-1)! / (a (a+1) ... (a+k-1)), so
    # log B = lgamma(k) - sum log(a + i) is a reference accurate to ~1e-16.
    # SciPy subtracts two huge lgamma values here (relative error up to ~1e-9).
    a = np.concatenate([np.logspace(0.5, 12, 60), [171.0, 172.5, 1e5 + 0.5]])
    want = np.array([math.lgamma(k) - math.fsum(math.log(t + i) for i in range(k)) for t in a])
    got = vec(sk.betaln, a, float(k))
    assert_close(got, want, rtol=2e-15 * k ** 0.5 + 1e-15, where=(a,))
    assert_close(vec(sk.betaln, float(k), a), got, rtol=0.0)  # symmetric


@pytest.mark.parametrize("a, b, want", [
    # mpmath (60 digits); SciPy: relative errors 2e-14 .. 2e-10, and nan for
    # (1e200, 1e150).
    (1e50, 1e50, -1.3862943611198908e+50),
    (1.5475873545579415e+228, 1.5475873545579415e+228, -2.1454116229641232e+228),
    (1e300, 3e299, -7.022653851055192e+299),
    (1e200, 1e150, -1.1612925464970228e+152),
    (1e40, 1e35, -1.2512930464953561e+36),
])
def test_betaln_huge_arguments_against_mpmath(a, b, want):
    assert sk.betaln(a, b) == pytest.approx(want, rel=1e-15)
    assert sk.betaln(b, a) == sk.betaln(a, b)


def test_betaln_documented_deviations_from_scipy():
    # Subnormal argument: B(tiny, b) ~ 1/tiny is finite (SciPy overflows to inf).
    assert sk.betaln(5e-324, 1.0) == pytest.approx(744.4400719213812, rel=1e-15)
    assert sk.betaln(1e-308, 1e-308) == pytest.approx(math.log(2.0) - math.log(1e-308),
                                                      rel=1e-15)
    # b -> inf limit is -inf for any positive a (SciPy: nan when a is huge or subnormal).
    assert sk.betaln(INF, 1e300) == -INF
    assert sk.betaln(5e-324, INF) == -INF
    assert math.isnan(sk.betaln(INF, INF))


# ---------------------------------------------------------------------------
# Error function / normal family
# ---------------------------------------------------------------------------
def test_erf_erfc_match_scipy():
    x = real_line(lo=-40.0, hi=40.0, n=8001)
    assert_close(vec(sk.erf, x), sc.erf(x), rtol=1e-15, atol=0.0, where=(x,))
    # SciPy's erfc loses ~6e-14 relative for x > 20 and flushes to 0 where the
    # result is subnormal (x > 26.55); glibc's erfc keeps full accuracy.
    assert_close(vec(sk.erfc, x), sc.erfc(x), rtol=1e-13, atol=1e-300, where=(x,))


@pytest.mark.parametrize("x, want", [
    (10.0, 2.088487583762545e-45),
    (15.0, 7.212994172451207e-100),
    (20.0, 5.395865611607901e-176),
    (25.0, 8.300172571196523e-274),
    (26.0, 5.663192408856143e-296),
])
def test_erfc_far_tail_against_mpmath(x, want):
    assert sk.erfc(x) == pytest.approx(want, rel=1e-15)


def test_ndtr_and_log_ndtr_match_scipy():
    x = real_line(lo=-60.0, hi=60.0, n=12001)
    assert_close(vec(sk.ndtr, x), sc.ndtr(x), rtol=1e-13, atol=1e-300, where=(x,))
    assert_close(vec(sk.log_ndtr, x), sc.log_ndtr(x), rtol=1e-13, atol=1e-300, where=(x,))


@pytest.mark.parametrize("x, want", [
    (-20.0, -203.91715537109727),
    (-30.0, -454.3212439563432),
    (-37.5, -707.6689893175072),
    (-38.0, -726.5572160188201),
    (-40.0, -804.6084420137538),
    (-100.0, -5005.524208694205),
    (-100000.0, -5000000012.431864),
])
def test_log_ndtr_far_left_tail_against_mpmath(x, want):
    assert sk.log_ndtr(x) == pytest.approx(want, rel=1e-15)


def test_ndtri_erfinv_erfcinv_match_scipy():
    p = np.concatenate([np.linspace(0.0, 1.0, 20001), np.logspace(-323, -0.01, 1000),
                        1.0 - np.logspace(-16.5, -0.01, 300),
                        [-0.1, 1.1, -0.0, INF, -INF, NAN, 0.13533528323661269189]])
    assert_close(vec(sk.ndtri, p), sc.ndtri(p), rtol=1e-15, where=(p,))
    y = np.concatenate([np.linspace(-1.0, 1.0, 20001), np.logspace(-323, -0.001, 1000),
                        -np.logspace(-323, -0.001, 1000), 1.0 - np.logspace(-16.5, -0.01, 300),
                        [-1.1, 1.1, 2.0, 0.0, -0.0, INF, -INF, NAN, 0.7293294335267746]])
    # (atol: Boost's erfinv is off by one unit for some subnormal y.)
    assert_close(vec(sk.erfinv, y), sc.erfinv(y), rtol=2e-15, atol=1e-322, where=(y,))
    y = np.concatenate([np.linspace(0.0, 2.0, 20001), np.logspace(-323, 0.3, 1000),
                        [2.0, -0.1, 2.1, INF, NAN]])
    assert_close(vec(sk.erfcinv, y), sc.erfcinv(y), rtol=1e-15, where=(y,))
    # Round trips.
    y = np.linspace(-0.999, 0.999, 1999)
    assert_close(sc.erf(vec(sk.erfinv, y)), y, rtol=1e-15, atol=1e-16)
    p = np.logspace(-300, -1, 300)
    assert_close(sc.ndtr(vec(sk.ndtri, p)), p, rtol=1e-12)


# ---------------------------------------------------------------------------
# Modified Bessel functions
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["i0", "i0e", "i1", "i1e"])
def test_bessel_matches_scipy(name):
    x = np.concatenate([np.linspace(-700.0, 700.0, 14001), np.linspace(-9.0, 9.0, 1801),
                        np.logspace(-300, 300, 121), -np.logspace(-300, 300, 121),
                        [8.0, -8.0, 0.0, -0.0, INF, -INF, NAN]])
    if name in ("i0", "i1"):
        # SciPy's installed version overflows exp(x) early for 709.78 < |x| < 713.99.
        x = x[~((np.abs(x) > 709.78) & (np.abs(x) < 714.0))]
    assert_close(vec(getattr(sk, name), x), getattr(sc, name)(x), rtol=1e-15, where=(x,))


def test_bessel_finite_just_below_overflow():
    for x in (709.9, 711.0, 713.9):
        half = math.exp(x / 2)
        assert sk.i0(x) == pytest.approx(sk.i0e(x) * half * half, rel=1e-14)
        assert sk.i1(-x) == pytest.approx(-sk.i1e(x) * half * half, rel=1e-14)
    assert sk.i0(714.0) == INF and sk.i1(-714.0) == -INF


# ---------------------------------------------------------------------------
# Elementary log/exp helpers
# ---------------------------------------------------------------------------
def wide_line():
    return np.concatenate([np.linspace(-800.0, 800.0, 16001), np.linspace(-40.0, 40.0, 8001),
                           np.logspace(-300, 308, 301), -np.logspace(-300, 308, 301), EDGES])


def test_logistic_family_matches_scipy():
    x = wide_line()
    assert_close(vec(sk.expit, x), sc.expit(x), rtol=1e-15, where=(x,))
    assert_close(vec(sk.log_expit, x), sc.log_expit(x), rtol=1e-15, where=(x,))
    with np.errstate(invalid="ignore"):
        want = np.logaddexp(0.0, x)
    assert_close(vec(sk.softplus, x), want, rtol=1e-15, where=(x,))
    assert_close(vec(sk.softplus, x), -sc.log_expit(-x), rtol=1e-15, where=(x,))
    p = np.concatenate([np.linspace(-0.5, 1.5, 20001), np.logspace(-320, 0, 1000),
                        1.0 - np.logspace(-17, 0, 1000), [0.5, INF, -INF, NAN]])
    assert_close(vec(sk.logit, p), sc.logit(p), rtol=1e-15, where=(p,))


def test_log1mexp_against_extended_precision():
    x = np.concatenate([-np.logspace(-320, 3, 3000), np.linspace(-50.0, -1e-3, 5001),
                        [-np.log(2.0), np.nextafter(-np.log(2.0), 0.0)]])
    xl = x.astype(np.longdouble)
    with np.errstate(divide="ignore"):
        want = np.where(xl > -np.log(np.longdouble(2.0)),
                        np.log(-np.expm1(xl)), np.log1p(-np.exp(xl))).astype(np.float64)
    assert_close(vec(sk.log1mexp, x), want, rtol=1e-15, where=(x,))
    assert sk.log1mexp(0.0) == -INF and sk.log1mexp(-0.0) == -INF
    assert sk.log1mexp(-INF) == 0.0
    for bad in (5e-324, 1.0, INF, NAN):
        assert math.isnan(sk.log1mexp(bad))


def test_logaddexp_matches_numpy():
    g = np.concatenate([np.linspace(-50.0, 50.0, 201),
                        [0.0, -0.0, 1e-300, -1e-300, 1e308, -1e308, INF, -INF, NAN]])
    A, B = np.meshgrid(g, g)
    with np.errstate(invalid="ignore", over="ignore"):
        want = np.logaddexp(A, B)
    assert_close(vec(sk.logaddexp, A, B), want, rtol=1e-15, where=(A, B))
    assert sk.logaddexp(-INF, -INF) == -INF
    assert sk.logaddexp(INF, -INF) == INF


def test_xlogy_xlog1py_match_scipy():
    g = np.concatenate([np.linspace(-3.0, 3.0, 121),
                        [0.0, -0.0, 1e-300, -1.0, 1e308, INF, -INF, NAN]])
    X, Y = np.meshgrid(g, g)
    assert_close(vec(sk.xlogy, X, Y), sc.xlogy(X, Y), rtol=1e-15, where=(X, Y))
    assert_close(vec(sk.xlog1py, X, Y), sc.xlog1py(X, Y), rtol=1e-15, where=(X, Y))
    assert sk.xlogy(0.0, 0.0) == 0.0 and sk.xlog1py(0.0, -1.0) == 0.0
    assert math.isnan(sk.xlogy(0.0, NAN)) and math.isnan(sk.xlog1py(0.0, NAN))


def test_sign_matches_numpy():
    x = wide_line()
    assert_close(vec(sk.sign, x), np.sign(x), rtol=0.0, where=(x,))
    assert math.copysign(1.0, sk.sign(-0.0)) == 1.0  # numpy.sign(-0.0) is +0.0
