"""Copies into preallocated buffers as plain loops: inside the NUTS tree, Numba's slice assignment
(`a[:] = b`, `m[i, :] = b`) cost about ten times more than the leapfrog step it surrounds."""
import numba

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
