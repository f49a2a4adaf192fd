"""Copies into preallocated buffers as plain loops: inside the NUTS tree, Numba's slice assignment
(`a[:] = b`, `m[i, :] = b`) cost about ten times more than the leapfrog step it surrounds."""
import numba


@numba.njit(cache=True, nogil=True, inline="always")
def copy_into(dst, src):
    for i in range(dst.shape[0]):
        dst[i] = src[i]


@numba.njit(cache=True, nogil=True, inline="always")
def fill(dst, value):
    for i in range(dst.shape[0]):
        dst[i] = value
