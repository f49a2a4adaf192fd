"""autodiff.codegen.vector_math against numpy: at most 1 ulp over the whole range, numpy's special
values exactly, the same bits whether LLVM vectorises the calling loop or not, and vector code."""
import math
import zlib

import numba
import numpy as np
import pytest

from autodiff.codegen import vector_math as vm

FASTMATH = {"reassoc", "contract", "arcp"}  # what generated code compiles with


def _loop(fn):
    @numba.njit(fastmath=FASTMATH, error_model="numpy")
    def loop(a, out):
        for i in range(a.shape[0]):
            out[i] = fn(a[i])
    return loop


LOOPS = {"exp": _loop(vm.exp), "log": _loop(vm.log), "log1p": _loop(vm.log1p)}
REFERENCE = {"exp": np.exp, "log": np.log, "log1p": np.log1p}


def _run(name, a):
    out = np.empty_like(a)
    LOOPS[name](a, out)
    return out


def _max_ulps(got, ref):
    finite = np.isfinite(ref) & (ref != 0)
    return float(np.max(np.abs(got[finite] - ref[finite]) / np.spacing(np.abs(ref[finite]))))


RANGES = {
    "exp": [(-745.2, 709.8), (-1.0, 1.0), (-1e-8, 1e-8), (-746.0, -700.0), (700.0, 709.8)],
    "log": [(0.0, 10.0), (0.5, 2.0), (1 - 1e-8, 1 + 1e-8), (0.0, 1e-300), (0.0, 1e-310), (0.0, 1e300)],
    "log1p": [(-1.0, 1.0), (-0.3, 0.42), (-1e-10, 1e-10), (-1.0, -0.99), (-1.0, 1e10), (0.0, 1e300)],
}


@pytest.mark.parametrize("name,lo,hi", [(n, lo, hi) for n, rs in RANGES.items() for lo, hi in rs])
def test_within_one_ulp_of_numpy(name, lo, hi):
    a = np.random.default_rng(zlib.crc32(f"{name} {lo} {hi}".encode())).uniform(lo, hi, 1_000_000)
    with np.errstate(all="ignore"):
        ref = REFERENCE[name](a)
    got = _run(name, a)
    assert _max_ulps(got, ref) <= 1.0
    # zeros, infinities and overflow/underflow thresholds agree exactly
    special = ~np.isfinite(ref) | (ref == 0)
    np.testing.assert_array_equal(got[special], ref[special])


def test_log_of_every_binade_and_powers_of_two():
    """Exact at powers of two (log(2^k) = k ln 2 rounded once), subnormals included."""
    a = np.ldexp(1.0, np.arange(-1074, 1024)).astype(np.float64)
    a = np.concatenate([a, a * 1.5, np.nextafter(a, np.inf)])
    assert _max_ulps(_run("log", a), np.log(a)) <= 1.0


SPECIAL = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -1.0, 1.0, -2.0, 2.0, 5e-324, -5e-324, 1e-310,
                    2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308,
                    709.782712893384, 709.7827128933841, -745.1332191019411, -745.1332191019412,
                    -708.4, -708.39, 1e-20, -1e-20, 1.1102230246251565e-16, -1.1102230246251565e-16,
                    -0.9999999999999999, 0.41421356237309503, -0.2928932188134524, 1e300])


@pytest.mark.parametrize("name", ["exp", "log", "log1p"])
def test_special_values_exactly(name):
    with np.errstate(all="ignore"):
        ref = REFERENCE[name](SPECIAL)
    got = _run(name, SPECIAL)
    nan = np.isnan(ref)
    np.testing.assert_array_equal(np.isnan(got), nan)
    exact = ~nan & (~np.isfinite(ref) | (ref == 0) | (np.abs(SPECIAL) < 1e-15))
    np.testing.assert_array_equal(got[exact], ref[exact])
    np.testing.assert_array_equal(np.signbit(got[exact]), np.signbit(ref[exact]))  # log1p(-0.0) = -0.0
    assert _max_ulps(got[~nan], ref[~nan]) <= 1.0


@pytest.mark.parametrize("name", ["exp", "log", "log1p"])
def test_vector_loop_and_scalar_calls_give_the_same_bits(name):
    """The vectorised loop body and a call on one value (from Python, or the loop's scalar remainder)
    round identically: a value's result does not depend on where it sits in an array."""
    a = np.random.default_rng(3).uniform(-20.0, 20.0, 1003)
    a = np.abs(a) if name == "log" else a
    a = np.maximum(a, -0.999) if name == "log1p" else a
    fn = getattr(vm, name)
    got = _run(name, a)
    np.testing.assert_array_equal(got, [fn(v) for v in a])
    np.testing.assert_array_equal(_run(name, a[1:])[-7:], got[-7:])  # other remainder split


def test_scalar_calls_match_math():
    assert vm.exp(0.0) == 1.0 and vm.log(1.0) == 0.0 and vm.log1p(0.0) == 0.0
    assert abs(vm.exp(1.0) - math.e) <= np.spacing(math.e)
    assert vm.log(math.e) == pytest.approx(1.0, rel=2.3e-16)


@pytest.mark.parametrize("name", ["exp", "log", "log1p", "softplus"])
def test_a_loop_calling_it_is_vectorised(name):
    """What the module is for: LLVM inlines the function into a loop and emits vector instructions."""
    fn = getattr(vm, name)

    @numba.njit(fastmath=FASTMATH, error_model="numpy")
    def loop(a, out):
        for i in range(a.shape[0]):
            out[i] = fn(a[i])

    a = np.ones(16)
    loop(a, a.copy())
    ir = loop.inspect_llvm(loop.signatures[0])
    assert "x double>" in ir, f"no vector instructions in a loop over {name}"


# -- built on them: what loops in generated code call instead of sk.expit & co. ------------------------

_WIDE = np.concatenate([np.random.default_rng(7).uniform(-800, 800, 200_000),
                        np.random.default_rng(8).uniform(-40, 40, 200_000),
                        np.random.default_rng(9).normal(0, 1e-8, 1000),
                        [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-300, -1e-300, 36.0, -36.0, 709.8, -745.2]])


@pytest.mark.parametrize("name", ["expit", "softplus", "log_expit"])
def test_logistic_functions_against_scipy(name):
    import scipy.special as sc
    ref_fn = {"expit": sc.expit, "log_expit": sc.log_expit, "softplus": lambda x: np.logaddexp(0.0, x)}[name]
    out = np.empty_like(_WIDE)
    _loop(getattr(vm, name))(_WIDE, out)
    with np.errstate(invalid="ignore"):
        ref = ref_fn(_WIDE)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(ref))
    ok = ~np.isnan(ref)
    np.testing.assert_array_equal(out[ok & ~np.isfinite(ref)], ref[ok & ~np.isfinite(ref)])
    # 4: near expit(-36.8) = 1.04e-16 scipy (glibc's exp) and we (numpy's exp, to the bit) are 2 ulp
    # off the true value (mpmath), on either side
    assert _max_ulps(out[ok], ref[ok]) <= 4.0


def test_logaddexp_against_numpy():
    @numba.njit(fastmath=FASTMATH, error_model="numpy")
    def loop(a, b, out):
        for i in range(a.shape[0]):
            out[i] = vm.logaddexp(a[i], b[i])

    rng = np.random.default_rng(11)
    a, b = _WIDE, rng.permutation(_WIDE)
    special = np.array([np.inf, -np.inf, np.nan, 0.0, 1.0, -np.inf, np.inf, np.nan])
    a = np.concatenate([a, special, special, [np.inf, -np.inf, 3.0]])
    b = np.concatenate([b, special, special[::-1], [np.inf, -np.inf, 3.0]])
    out = np.empty_like(a)
    loop(a, b, out)
    with np.errstate(invalid="ignore"):
        ref = np.logaddexp(a, b)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(ref))
    ok = ~np.isnan(ref)
    np.testing.assert_array_equal(out[ok & ~np.isfinite(ref)], ref[ok & ~np.isfinite(ref)])
    # m + log1p(exp(-|a - b|)) as numpy computes it: where m and the log1p term (<= log 2) cancel, both
    # are off by ulps of the terms, not of the result
    fin = ok & np.isfinite(ref)
    scale = np.abs(np.maximum(a[fin], b[fin])) + np.log(2.0)
    assert np.all(np.abs(out[fin] - ref[fin]) <= 2 * np.spacing(scale))


def test_logsumexp_over_many_short_rows_matches_scipy():
    """runtime_indexing.reduce_logsumexp's row-vectorised pass (P >= n) with scipy's edge cases."""
    from scipy.special import logsumexp

    from autodiff.codegen import runtime_indexing as ri
    x = np.random.default_rng(2).normal(0, 30, (500, 3))
    x[1] = -np.inf
    x[2, 1] = np.inf
    x[3, 0] = np.nan
    x[4, 2] = np.nan
    x[5] = [np.inf, -np.inf, 0.0]
    x[6] = [-800.0, -800.0, -900.0]
    out = np.empty(500)
    ri.reduce_logsumexp(x, 500, 3, 1, out)
    with np.errstate(all="ignore"):
        ref = logsumexp(x, axis=1)
    np.testing.assert_allclose(out, ref, rtol=4e-16, atol=0)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(ref))
    xt = np.ascontiguousarray(x[:, :, None].transpose(1, 0, 2))  # reduce the leading axis of (3, 500)
    out2 = np.empty(500)
    ri.reduce_logsumexp(xt, 1, 3, 500, out2)  # P < n: one row at a time, libm's exp
    np.testing.assert_allclose(out2, out, rtol=4e-16, atol=0)
