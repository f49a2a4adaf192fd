"""exp, log and log1p of float64 written without branches, so that LLVM vectorises the loops calling them.

Numba calls libm once per element for ``math.exp``/``math.log``; the llvmlite wheels on PyPI have no
SVML, so a loop over ``exp`` stays scalar (about 5 ns an element here), while XLA vectorises it. These
are the same algorithms as libm's, written as straight-line code: every special case (overflow,
underflow to subnormals, infinities, NaN, zero, negative arguments) is a select at the end rather
than an early return, and the bit manipulations are integer operations on the float's bits. Called
from a loop, LLVM inlines them and turns the loop into vector code (AVX-512 here: exp 3.4x faster per
element than libm's, benchmarks/bench_vector_math.py).

Built on them, for the same loops: ``expit``, ``softplus``, ``log_expit`` and ``logaddexp`` by the
formulas of the scalar kernels of the same names (special_kernels_elementary, runtime), both branches
computed and one selected. Only loops LLVM vectorises gain: called one value at a time, these are
slower than libm's table-driven exp (a division each), so generated code calls them only in loops
over a long innermost axis (code_text.vector_calls).

Sources of the algorithms and their minimax coefficients (both from Sun's fdlibm, as musl carries it,
error below 1 ulp):

* ``exp``: fdlibm ``e_exp.c`` (musl ``src/math/exp.c`` before 1.1.20): Cody-Waite reduction
  x = k ln2 + r with |r| <= ln2/2, the Remez polynomial R(r^2) of degree 5 for
  r (exp(r) + 1)/(exp(r) - 1), exp(r) = 1 + r + r c/(2 - c). The result is scaled by 2^k in two
  steps, so that results in the subnormal range are rounded once.
* ``log``: fdlibm ``e_log.c`` in musl's branch-free form (``src/math/log.c`` before 1.1.20):
  x = 2^k (1 + f) with sqrt(2)/2 <= 1 + f < sqrt(2), s = f/(2 + f), and the Remez polynomial
  Lg1..Lg7 in s^2 for log(1 + f) = f - f^2/2 + s (f^2/2 + R).
* ``log1p``: fdlibm ``s_log1p.c`` in musl's form (``src/math/log1p.c``): the same reduction of
  u = 1 + x, with the rounding error of 1 + x carried as the correction c/u.

They compile without fastmath flags, whatever their caller's: 'reassoc' would undo the hi/lo splits
and the rounding-error corrections, and without 'contract' (no fused multiply-adds) every machine
rounds them alike; LLVM's inlining keeps each instruction's own flags.
"""
import math

import numba
import numpy as np
from numba import types
from numba.extending import intrinsic

from .cephes import own_flags

__all__ = ["exp", "log", "log1p", "expit", "softplus", "log_expit", "logaddexp"]


@intrinsic
def _bits(typingctx, x):
    """The IEEE-754 bits of a float64, as an int64 (a bitcast: one vector instruction or none)."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.int64))
    return types.int64(types.float64), codegen


@intrinsic
def _from_bits(typingctx, n):
    """The float64 whose IEEE-754 bits are the int64 n."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.float64))
    return types.float64(types.int64), codegen


def _kernel(fn, signature="float64(float64)"):
    """Eager, cached, and marked `alwaysinline` for LLVM (Numba's forceinline): the bodies are longer
    than LLVM's inlining threshold, and a loop calling a function that is not inlined stays scalar."""
    with own_flags():
        return numba.njit(signature, cache=True, error_model="numpy", nogil=True, forceinline=True)(fn)


_LN2_HI = 6.93147180369123816490e-01  # ln2's upper 32 bits: k * _LN2_HI is exact for |k| < 2^11
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e+00

# exp: overflow above log(DBL_MAX), 0 below log of half the least subnormal (fdlibm's thresholds)
_EXP_OVERFLOW = 7.09782712893383973096e+02
_EXP_UNDERFLOW = -7.45133219101941108420e+02
_P1 = 1.66666666666666019037e-01
_P2 = -2.77777777770155933842e-03
_P3 = 6.61375632143793436117e-05
_P4 = -1.65339022054652515390e-06
_P5 = 4.13813679705723846039e-08


@_kernel
def exp(x):
    """e^x with numpy's special values: exp(inf) = inf, exp(-inf) = 0, exp(nan) = nan, inf above
    709.78, subnormals and then 0 below -708.4."""
    xc = x if x > -746.0 else -746.0  # NaN too: keeps the integer conversion below defined
    xc = xc if xc < 710.0 else 710.0
    kf = np.rint(xc * _INV_LN2)
    hi = xc - kf * _LN2_HI
    lo = kf * _LN2_LO
    r = hi - lo
    t = r * r
    c = r - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
    y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi)
    k = np.int64(kf)
    k1 = k >> 1  # 2^k as 2^k1 * 2^k2, both normal, for every k in [-1076, 1024]
    k2 = k - k1
    out = y * _from_bits((k1 + 1023) << 52) * _from_bits((k2 + 1023) << 52)
    out = math.inf if x > _EXP_OVERFLOW else out
    out = 0.0 if x < _EXP_UNDERFLOW else out
    return x if x != x else out


_LG1 = 6.666666666666735130e-01
_LG2 = 3.999999999940941908e-01
_LG3 = 2.857142874366239149e-01
_LG4 = 2.222219843214978396e-01
_LG5 = 1.818357216161805012e-01
_LG6 = 1.531383769920937332e-01
_LG7 = 1.479819860511658591e-01
_TWO54 = 1.80143985094819840000e+16
_DBL_MIN = 2.2250738585072014e-308
_LOW32 = 0xFFFFFFFF


@numba.njit(inline="always", error_model="numpy")
def _log_poly(f):
    """s (f^2/2 + R(s^2)) for s = f/(2 + f): log(1 + f) = f - f^2/2 + this, sqrt(2)/2 <= 1 + f < sqrt(2)."""
    hfsq = 0.5 * f * f
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    return s * (hfsq + t1 + t2)


@_kernel
def log(x):
    """Natural logarithm with numpy's special values: log(0) = -inf, log(x < 0) = nan, log(inf) = inf,
    log(nan) = nan; subnormal x exact to the last bit like any other."""
    sub = x < _DBL_MIN
    xs = x * _TWO54 if sub else x
    bits = _bits(xs)
    hx = bits >> 32
    k = (hx >> 20) - 1023 - (54 if sub else 0)
    hx &= 0x000FFFFF
    hx += 0x3FF00000 - 0x3FE6A09E  # the mantissa in [sqrt(2)/2, sqrt(2)) and its exponent
    k += hx >> 20
    hx = (hx & 0x000FFFFF) + 0x3FE6A09E
    f = _from_bits((hx << 32) | (bits & _LOW32)) - 1.0
    hfsq = 0.5 * f * f
    dk = float(k)
    out = _log_poly(f) + dk * _LN2_LO - hfsq + f + dk * _LN2_HI
    out = -math.inf if x == 0.0 else out
    out = math.nan if x < 0.0 else out
    out = x if x == math.inf else out
    return x if x != x else out


_SQRT2_M1 = 0.41421356237309503  # 1 + x in [sqrt(2)/2, sqrt(2)): f = x itself, exact
_SQRT1_2_M1 = -0.2928932188134524


@_kernel
def log1p(x):
    """log(1 + x), accurate for tiny x, with numpy's special values: log1p(-1) = -inf, nan below -1,
    log1p(inf) = inf, x itself for |x| < 2^-53 (and -0.0)."""
    u = 1.0 + x
    bits = _bits(u)
    hu = (bits >> 32) + (0x3FF00000 - 0x3FE6A09E)
    k = (hu >> 20) - 0x3FF
    # the rounding error of 1 + x, relative to u; musl sets it to 0 for u > 2^54, where it is below
    # 1/1000 ulp of the result: kept, as a select after the division would become a branch again
    c_big = 1.0 - (u - x)
    c_small = x - (u - 1.0)
    c = (c_big if k >= 2 else c_small) / u
    hu = (hu & 0x000FFFFF) + 0x3FE6A09E
    f = _from_bits((hu << 32) | (bits & _LOW32)) - 1.0
    near = (x > _SQRT1_2_M1) & (x < _SQRT2_M1)
    f = x if near else f
    c = 0.0 if near else c
    k = 0 if near else k
    hfsq = 0.5 * f * f
    dk = float(k)
    out = _log_poly(f) + (dk * _LN2_LO + c) - hfsq + f + dk * _LN2_HI
    out = x if abs(x) < 1.1102230246251565e-16 else out
    out = -math.inf if x == -1.0 else out
    out = math.nan if x < -1.0 else out
    out = x if x == math.inf else out
    return x if x != x else out


@_kernel
def expit(x):
    """1/(1 + exp(-x)), scipy.special.expit's formula."""
    return 1.0 / (1.0 + exp(-x))


@_kernel
def softplus(x):
    """log(1 + exp(x)) as x + log1p(exp(-x)) above 0, log1p(exp(x)) below."""
    tail = log1p(exp(-abs(x)))
    return x + tail if x > 0.0 else tail


@_kernel
def log_expit(x):
    """log(expit(x)) as x - log1p(exp(x)) below 0, -log1p(exp(-x)) above."""
    tail = log1p(exp(-abs(x)))
    return x - tail if x < 0.0 else -tail


_LN2 = 0.69314718055994530942


def _logaddexp(a, b):
    """log(exp(a) + exp(b)) with numpy.logaddexp's values: equal arguments (infinities too) a + log 2,
    nan if either is nan."""
    tail = log1p(exp(-abs(a - b)))  # nan when either is nan, or both are the same infinity
    out = (a if a > b else b) + tail
    return a + _LN2 if a == b else out


logaddexp = _kernel(_logaddexp, "float64(float64, float64)")
