"""What the samplers' inner loops share: copies into preallocated buffers as plain loops (inside the
NUTS tree, Numba's slice assignment `a[:] = b` cost about ten times more than the leapfrog step it
surrounds), the compiler flags of those loops, and an explicit multiply-add."""
import numba
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

# Numba flags for the kernels' loops over the parameters: 'reassoc' lets LLVM vectorise their sums
# (dot products, kinetic energy), which otherwise run one addition at a time; 'contract' allows
# fused multiply-adds. NaN and infinity keep their meaning (no 'nnan'/'ninf'), so divergence checks
# still see them. Draws stay reproducible: the same machine code runs for every seed and core count.
VECTORISE_SUMS = {"reassoc", "contract"}

# Numba option for kernels that allocate nothing and return no array (the NUTS tree): no reference
# counting of the arrays they receive and slice. With it, each such function call and each view
# like pool[slot, Q] incremented and decremented the array's counter through a call to the runtime
# (48 in one leapfrog step's function): about 0.25 us of a NUTS step, at any dimension. The arrays
# stay alive because their owner (the chain's compiled loop) holds them. `_nrt` is Numba's own
# (underscored) flag, used by its test suite. A function with it cannot allocate, and the functions
# it calls inherit it unless they set the flag themselves: one that allocates says ALLOCATES.
NO_REFCOUNTS = {"_nrt": False}
ALLOCATES = {"_nrt": True}


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
