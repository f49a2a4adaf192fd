"""NumPy 2's array-API names: the short trigonometric aliases, vector and matrix products, permute_dims, bitwise ops.

The aliases are the same functions as their long NumPy names (`acos is arccos`, as in NumPy 2).
vecdot, matvec and vecmat contract the last axis with broadcasting over the others, as
numpy.vecdot/matvec/vecmat (gufuncs with signatures (n),(n)->(), (m,n),(n)->(m), (n),(n,m)->(m)).
"""
import numpy as np

from ..primitives import elementwise as ew
from . import _util
from ._elementwise import arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, conj, logical_not, multiply
from ._products import matmul
from ._reductions import sum
from ._shape import concatenate, expand_dims, squeeze, swapaxes, transpose

acos, asin, atan, atan2 = arccos, arcsin, arctan, arctan2
acosh, asinh, atanh = arccosh, arcsinh, arctanh
concat = concatenate
permute_dims = transpose


def matrix_transpose(x, /):
    """numpy.matrix_transpose: swap the last two axes (x must be at least 2-D)."""
    if _util.ndim(x) < 2:
        raise ValueError("Input array must be at least 2-dimensional")
    return swapaxes(x, -1, -2)


def vecdot(x1, x2, /, *, axis=-1):
    """numpy.vecdot: sum(conj(x1) * x2) over `axis`, broadcasting the other axes."""
    n1, n2 = _util.shape(x1), _util.shape(x2)
    if not n1 or not n2:
        raise ValueError("vecdot: Input operand does not have enough dimensions")
    if n1[axis] != n2[axis]:
        raise ValueError(f"vecdot: Input operand 1 has a mismatch in its core dimension 0 ({n2[axis]} != {n1[axis]})")
    return sum(multiply(conj(x1), x2), axis=axis)


def matvec(x1, x2, /):
    """numpy.matvec: the matrix-vector product over the last axes, (..., m, n) x (..., n) -> (..., m)."""
    if _util.ndim(x1) < 2 or _util.ndim(x2) < 1:
        raise ValueError("matvec: Input operand does not have enough dimensions")
    return squeeze(matmul(x1, expand_dims(x2, -1)), -1)


def vecmat(x1, x2, /):
    """numpy.vecmat: the vector-matrix product conj(x1) @ x2 over the last axes, (..., n) x (..., n, m) -> (..., m)."""
    if _util.ndim(x1) < 1 or _util.ndim(x2) < 2:
        raise ValueError("vecmat: Input operand does not have enough dimensions")
    return squeeze(matmul(expand_dims(conj(x1), -2), x2), -2)


def bitwise_xor(x1, x2, /):
    """numpy.bitwise_xor (integers and booleans; no gradient)."""
    return ew.bitwise_xor_p.bind(x1, x2)


def invert(x, /):
    """numpy.invert (bitwise NOT): logical not on booleans, two's complement ~x on integers."""
    if _util.dtype(x) == np.bool_:
        return logical_not(x)
    if _util.dtype(x).kind not in "iu":
        raise TypeError("ufunc 'invert' not supported for the input types: integers and booleans only")
    return ew.invert_p.bind(x)


def left_shift(x1, x2, /):
    """numpy.left_shift: x1 << x2 on integers."""
    return ew.left_shift_p.bind(x1, x2)


def right_shift(x1, x2, /):
    """numpy.right_shift: x1 >> x2 on integers."""
    return ew.right_shift_p.bind(x1, x2)


bitwise_not = bitwise_invert = invert
bitwise_left_shift, bitwise_right_shift = left_shift, right_shift

__all__ = ["acos", "asin", "atan", "atan2", "acosh", "asinh", "atanh", "concat", "permute_dims", "matrix_transpose",
           "vecdot", "matvec", "vecmat", "bitwise_xor", "invert", "bitwise_not", "bitwise_invert", "left_shift",
           "right_shift", "bitwise_left_shift", "bitwise_right_shift"]
