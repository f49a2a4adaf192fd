"""NumPy-named products: matmul, dot, vdot, inner, outer (built on the batched matmul primitive)."""
from ..primitives.linalg import matmul_p
from . import _util
from ._elementwise import multiply
from ._reductions import sum
from ._shape import moveaxis, reshape
from .contractions import tensordot


def matmul(x1, x2):
    """numpy.matmul: vectors are promoted to matrices and the added axis removed afterwards."""
    s1, s2 = _util.shape(x1), _util.shape(x2)
    if not s1 or not s2:
        raise ValueError("matmul: Input operand does not have enough dimensions (use multiply for scalars)")
    a = reshape(x1, (1,) + s1) if len(s1) == 1 else x1
    b = reshape(x2, s2 + (1,)) if len(s2) == 1 else x2
    out = matmul_p.bind(a, b)
    out_shape = _util.shape(out)
    if len(s1) == 1:
        out_shape = out_shape[:-2] + out_shape[-1:]
    if len(s2) == 1:
        out_shape = out_shape[:-1]
    return reshape(out, out_shape)


def dot(a, b):
    """numpy.dot: scalars multiply, 1-D and 2-D as matmul, N-D contracts last of a with second-last of b."""
    sa, sb = _util.shape(a), _util.shape(b)
    if not sa or not sb:
        return multiply(a, b)
    if len(sa) <= 2 and len(sb) <= 2:
        return matmul(a, b)
    return tensordot(a, b, axes=([len(sa) - 1], [max(len(sb) - 2, 0)]))


def vdot(a, b):
    return sum(multiply(reshape(a, (-1,)), reshape(b, (-1,))))


def inner(a, b):
    sa, sb = _util.shape(a), _util.shape(b)
    if not sa or not sb:
        return multiply(a, b)
    if len(sb) == 1:
        return matmul(a, b)
    return matmul(a, moveaxis(b, -1, -2)) if len(sb) == 2 else dot(a, moveaxis(b, -1, 0))


def outer(a, b):
    return multiply(reshape(a, (-1, 1)), reshape(b, (1, -1)))


__all__ = ["matmul", "dot", "vdot", "inner", "outer"]
