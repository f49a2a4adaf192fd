"""Copies into preallocated buffers as plain loops: inside the NUTS tree, Numba's slice assignment
(`a[:] = b`, `m[i, :] = b`) cost about ten times more than the leapfrog step it surrounds."""
import numba
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

# Numba flags for the kernels' loops over the parameters: 'reassoc' lets LLVM vectorise their sums
# (dot products, kinetic energy), which otherwise run one addition at a time; 'contract' allows
# fused multiply-adds. NaN and infinity keep their meaning (no 'nnan'/'ninf'), so divergence checks
# still see them. Draws stay reproducible: the same machine code runs for every seed and core count.
VECTORISE_SUMS = {"reassoc", "contract"}


@numba.njit(cache=True, nogil=True, inline="always")
def copy_into(dst, src):
    for i in range(dst.shape[0]):
        dst[i] = src[i]


@numba.njit(cache=True, nogil=True, inline="always")
def fill(dst, value):
    for i in range(dst.shape[0]):
        dst[i] = value


@intrinsic
def fmuladd(typingctx, a, b, c):
    """a * b + c as a contracted multiply-add (LLVM's llvm.fmuladd: one rounding where the CPU has FMA).

    The kernels' loops are compiled with 'contract', so `p + h * g` already becomes an FMA when the
    product has no other use; written out, it stays one even when a loop forms h * g twice (which
    the compiler would otherwise compute once and round), so a fused loop gives the same bits as
    the separate loops it replaced."""
    sig = types.float64(types.float64, types.float64, types.float64)

    def codegen(context, builder, signature, args):
        double = ir.DoubleType()
        fn = builder.module.declare_intrinsic("llvm.fmuladd", [double], ir.FunctionType(double, [double] * 3))
        return builder.call(fn, args)
    return sig, codegen
