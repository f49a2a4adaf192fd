"""numpy.linalg's solves, inverses, determinants, Cholesky, eigh, norms and products (re-exported by linalg.py).

Semantics follow NumPy 2: `solve(a, b)` treats `b` as a vector only when b.ndim == 1, otherwise as a
stack of (M, K) matrices, the batch axes broadcasting. `cholesky` and `eigh` read one triangle of
their input (lower by default) and are differentiated as exactly that function.

Errors: outside `jit` these functions raise as NumPy does (LinAlgError for a matrix that is not
positive definite or is singular). Under `ad.jit` nothing raises inside the compiled code: such a
matrix gives NaN results, so a log-density sees NaN (which a sampler treats as a divergence).
"""
import operator
from collections import namedtuple

import numpy as np

from ..primitives import linalg as pl
from ..primitives.shape import static_slice
from . import _creation as _cr
from . import _elementwise as _ew
from . import _products as _prod
from . import _reductions as _red
from . import _shape as _sh
from . import _util

LinAlgError = np.linalg.LinAlgError
SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])
EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])



def as_float(a):
    """a as an array of a floating dtype (integers and booleans become float64, as numpy.linalg does)."""
    a = _cr.asarray(a)
    return a if _util.dtype(a).kind == "f" else _ew.astype(a, np.float64)


def square_stack(a):
    """Check that a is a stack of square matrices, with numpy.linalg's error messages."""
    a = as_float(a)
    shape = _util.shape(a)
    if len(shape) < 2:
        raise LinAlgError(f"{len(shape)}-dimensional array given. Array must be at least two-dimensional")
    if shape[-1] != shape[-2]:
        raise LinAlgError("Last 2 dimensions of the array must be square")
    return a


def matrix_transpose(x, /):
    """numpy.linalg.matrix_transpose: swap the last two axes."""
    if _util.ndim(x) < 2:
        raise ValueError(f"Input array must be at least 2-dimensional, but it is {_util.ndim(x)}")
    return pl.swap_last(x)


def cholesky(a, /, *, upper=False):
    """numpy.linalg.cholesky: the lower factor L (a = L L^T) read from a's lower triangle.

    With upper=True, the upper factor U (a = U^T U) read from a's upper triangle. Raises LinAlgError
    if the matrix is not positive definite; under jit the factor is NaN instead.
    """
    a = square_stack(a)
    if upper:
        return pl.swap_last(pl.cholesky_p.bind(pl.swap_last(a)))
    return pl.cholesky_p.bind(a)


def as_rhs(a, b, name="solve"):
    """(b as a stack of matrices, whether b was a vector): numpy 2's rule, b is a vector iff b.ndim == 1."""
    b = as_float(b)
    sb, n = _util.shape(b), _util.shape(a)[-1]
    if not sb:
        raise ValueError(f"{name}: b must be at least one-dimensional")
    vector = len(sb) == 1
    if (sb[0] if vector else sb[-2]) != n:
        raise ValueError(f"{name}: Input operand 1 has a mismatch in its core dimension 0 "
                         f"(size {sb[0] if vector else sb[-2]} is different from {n})")
    if vector:
        b = _sh.reshape(b, sb + (1,))
    try:
        np.broadcast_shapes(_util.shape(a)[:-2], _util.shape(b)[:-2])
    except ValueError:
        raise ValueError(f"{name}: batch shapes {_util.shape(a)[:-2]} and {_util.shape(b)[:-2]} "
                         "could not be broadcast together") from None
    return b, vector


def drop_vector_axis(x, vector):
    return _sh.reshape(x, _util.shape(x)[:-1]) if vector else x


def solve(a, b):
    """numpy.linalg.solve: x with a @ x == b (LU with partial pivoting). Singular a raises LinAlgError
    (NaN under jit)."""
    a = square_stack(a)
    b, vector = as_rhs(a, b)
    return drop_vector_axis(pl.solve_p.bind(a, b), vector)


def inv(a):
    """numpy.linalg.inv. Singular a raises LinAlgError (NaN under jit)."""
    return pl.inv_p.bind(square_stack(a))


def det(a):
    """numpy.linalg.det (LU); the gradient is det(a) inv(a)^T."""
    return pl.det_p.bind(square_stack(a))


def slogdet(a):
    """numpy.linalg.slogdet -> (sign, logabsdet); the sign has no gradient."""
    sign, logabsdet = pl.slogdet_p.bind(square_stack(a))
    return SlogdetResult(sign, logabsdet)


def _uplo(a, UPLO):
    if UPLO not in ("L", "U"):
        raise ValueError("UPLO argument must be 'L' or 'U'")
    return a if UPLO == "L" else pl.swap_last(a)  # the upper triangle of a is the lower one of a^T


def eigh(a, UPLO="L"):
    """numpy.linalg.eigh -> (eigenvalues ascending, eigenvectors as columns), reading triangle UPLO.

    Eigenvector gradients assume distinct eigenvalues (they contain 1/(w_j - w_i)); an eigenvector's
    sign is arbitrary, so differentiate functions that do not depend on it.
    """
    w, v = pl.eigh_p.bind(_uplo(square_stack(a), UPLO))
    return EighResult(w, v)


def eigvalsh(a, UPLO="L"):
    """numpy.linalg.eigvalsh: the eigenvalues, ascending."""
    return eigh(a, UPLO)[0]


def diagonal(x, /, *, offset=0):
    """numpy.linalg.diagonal: the `offset` diagonal of each matrix of the stack (last two axes)."""
    shape = _util.shape(x)
    if len(shape) < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    n, m = shape[-2:]
    offset = operator.index(offset)
    r0, c0 = (0, offset) if offset >= 0 else (-offset, 0)
    size = max(0, min(n - r0, m - c0))
    if (r0, c0, size) != (0, 0, n) or n != m:
        x = static_slice(static_slice(x, len(shape) - 2, r0, r0 + size), len(shape) - 1, c0, c0 + size)
    return pl.diag_part_p.bind(x)


def trace(x, /, *, offset=0, dtype=None):
    """numpy.linalg.trace: the sum of the `offset` diagonal of each matrix (last two axes)."""
    return _red.sum(diagonal(x, offset=offset), axis=-1, dtype=dtype)


def outer(x1, x2, /):
    """numpy.linalg.outer: outer product of two vectors."""
    if _util.ndim(x1) != 1 or _util.ndim(x2) != 1:
        raise ValueError("Input arrays must be one-dimensional")
    return _prod.outer(x1, x2)


def matmul(x1, x2, /):
    """numpy.linalg.matmul."""
    return _prod.matmul(x1, x2)


def vecdot(x1, x2, /, *, axis=-1):
    """numpy.linalg.vecdot: sum(x1 * x2, axis) with broadcasting."""
    return _red.sum(_ew.multiply(x1, x2), axis=axis)


# -- norms -------------------------------------------------------------------------------------------
def _safe_sqrt_sum_sq(x, axis, keepdims):
    """sqrt(sum(x**2)) whose gradient at 0 is 0 (not NaN): sqrt only ever sees positive values."""
    s = _red.sum(_ew.square(x), axis=axis, keepdims=keepdims)
    zero = _ew.equal(s, 0.0)
    return _ew.where(zero, 0.0, _ew.sqrt(_ew.where(zero, 1.0, s)))


def _safe_root(s, p):
    """s ** (1/p) for s >= 0, with gradient 0 (not inf/NaN) at s == 0."""
    zero = _ew.equal(s, 0.0)
    return _ew.where(zero, 0.0, _ew.power(_ew.where(zero, 1.0, s), 1.0 / p))


def _vector_norm(x, ord, axis, keepdims):
    if ord is None or ord == 2:
        return _safe_sqrt_sum_sq(x, axis, keepdims)
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    if ord == np.inf:
        return _red.max(_ew.abs(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return _red.min(_ew.abs(x), axis=axis, keepdims=keepdims)
    if ord == 0:
        return _red.sum(_ew.astype(_ew.not_equal(x, 0), _util.dtype(x)), axis=axis, keepdims=keepdims)
    if ord == 1:
        return _red.sum(_ew.abs(x), axis=axis, keepdims=keepdims)
    return _safe_root(_red.sum(_ew.power(_ew.abs(x), float(ord)), axis=axis, keepdims=keepdims), float(ord))


def _singular_values_sq(x, row_axis, col_axis):
    """Squared singular values (ascending) of the matrices on (row_axis, col_axis): eigenvalues of the
    smaller Gram matrix. Accurate to ~eps * sigma_max**2, so tiny singular values lose precision."""
    nd = _util.ndim(x)
    x = _sh.moveaxis(x, (row_axis, col_axis), (nd - 2, nd - 1))
    n, m = _util.shape(x)[-2:]
    gram = _prod.matmul(pl.swap_last(x), x) if m <= n else _prod.matmul(x, pl.swap_last(x))
    return _ew.maximum(eigvalsh(gram), 0.0)


def _matrix_norm(x, ord, row_axis, col_axis, keepdims):
    if ord in (None, "fro", "f"):
        out = _safe_sqrt_sum_sq(x, (row_axis, col_axis), False)
    elif ord in (1, -1):
        sums = _red.sum(_ew.abs(x), axis=row_axis)
        col = col_axis - 1 if col_axis > row_axis else col_axis
        out = _red.max(sums, axis=col) if ord == 1 else _red.min(sums, axis=col)
    elif ord in (np.inf, -np.inf):
        sums = _red.sum(_ew.abs(x), axis=col_axis)
        row = row_axis - 1 if row_axis > col_axis else row_axis
        out = _red.max(sums, axis=row) if ord == np.inf else _red.min(sums, axis=row)
    elif ord in (2, -2):
        sv2 = _singular_values_sq(x, row_axis, col_axis)
        out = _safe_root(sv2[..., -1] if ord == 2 else sv2[..., 0], 2.0)
    elif ord == "nuc":
        out = _red.sum(_safe_root(_singular_values_sq(x, row_axis, col_axis), 2.0), axis=-1)
    else:
        raise ValueError("Invalid norm order for matrices.")
    if keepdims:
        shape = list(_util.shape(x))
        shape[row_axis] = shape[col_axis] = 1
        out = _sh.reshape(out, tuple(shape))
    return out


def norm(x, ord=None, axis=None, keepdims=False):
    """numpy.linalg.norm: vector norms (axis int) or matrix norms (axis pair), numpy's defaults.

    The 2-norm and Frobenius norm have gradient 0 (not NaN) at the zero vector/matrix. Matrix norms
    ord=2, -2 and 'nuc' use the eigenvalues of the Gram matrix (no SVD here): small singular values are
    accurate only to about sqrt(eps) * the largest one.
    """
    x = as_float(x)
    nd = _util.ndim(x)
    if axis is None:
        if ord is None or (ord in ("f", "fro") and nd == 2) or (ord == 2 and nd == 1):
            out = _safe_sqrt_sum_sq(_sh.ravel(x), None, False)
            return _sh.reshape(out, (1,) * nd) if keepdims else out
        axis = tuple(range(nd))
    elif not isinstance(axis, tuple):
        try:
            axis = (operator.index(axis),)
        except TypeError:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from None
    if len(axis) == 1:
        return _vector_norm(x, ord, _util.normalize_axis(axis[0], nd), keepdims)
    if len(axis) == 2:
        row_axis, col_axis = (_util.normalize_axis(a, nd) for a in axis)
        if row_axis == col_axis:
            raise ValueError("Duplicate axes given.")
        return _matrix_norm(x, ord, row_axis, col_axis, keepdims)
    raise ValueError("Improper number of dimensions to norm.")


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """numpy.linalg.vector_norm: the norm of x flattened over `axis` (None: all axes)."""
    x = as_float(x)
    shape = _util.shape(x)
    axes = _util.normalize_axes(axis, len(shape))
    rest = tuple(i for i in range(len(shape)) if i not in axes)
    flat = _sh.reshape(_sh.transpose(x, rest + axes), tuple(shape[i] for i in rest) + (-1,))
    out = _vector_norm(flat, ord, len(rest), False)
    if keepdims:
        out = _sh.reshape(out, tuple(1 if i in axes else d for i, d in enumerate(shape)))
    return out


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """numpy.linalg.matrix_norm: norm over the last two axes."""
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


# -- products ------------------------------------------------------------------------------------------
def matrix_power(a, n):
    """numpy.linalg.matrix_power: a**n by repeated squaring (n < 0 inverts first)."""
    a = _cr.asarray(a)
    shape = _util.shape(a)
    if len(shape) < 2:
        raise LinAlgError(f"{len(shape)}-dimensional array given. Array must be at least two-dimensional")
    if shape[-1] != shape[-2]:
        raise LinAlgError("Last 2 dimensions of the array must be square")
    try:
        n = operator.index(n)
    except TypeError as e:
        raise TypeError("exponent must be an integer") from e
    if n == 0:
        return np.broadcast_to(np.eye(shape[-1], dtype=_util.dtype(a)), shape).copy()
    if n < 0:
        a, n = inv(a), -n
    mm = _prod.matmul
    result, power = None, a
    while True:
        if n & 1:
            result = power if result is None else mm(result, power)
        n >>= 1
        if not n:
            return result
        power = mm(power, power)


def multi_dot(arrays, *, out=None):
    """numpy.linalg.multi_dot: a chain of matmuls in the cheapest order (first/last may be 1-D)."""
    if out is not None:
        raise NotImplementedError("multi_dot(out=...) cannot write into an array here; use the return value")
    arrays = [_cr.asarray(a) for a in arrays]
    if len(arrays) < 2:
        raise ValueError("Expecting at least two arrays.")
    if len(arrays) == 2:
        return _prod.dot(arrays[0], arrays[1])
    first_1d, last_1d = _util.ndim(arrays[0]) == 1, _util.ndim(arrays[-1]) == 1
    if first_1d:
        arrays[0] = _sh.reshape(arrays[0], (1, -1))
    if last_1d:
        arrays[-1] = _sh.reshape(arrays[-1], (-1, 1))
    for a in arrays:
        if _util.ndim(a) != 2:
            raise LinAlgError(f"{_util.ndim(a)}-dimensional array given. Array must be two-dimensional")
    dims = [_util.shape(a)[0] for a in arrays] + [_util.shape(arrays[-1])[1]]
    result = _chain(arrays, _chain_order(dims), 0, len(arrays) - 1)
    if first_1d and last_1d:
        return _sh.reshape(result, ())
    if first_1d or last_1d:
        return _sh.ravel(result)
    return result


def _chain_order(dims):
    """The classic O(n^3) matrix-chain dynamic programme (as numpy's multi_dot): split points s[i][j]."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = float("inf")
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(arrays, split, i, j):
    if i == j:
        return arrays[i]
    k = split[i][j]
    return _prod.matmul(_chain(arrays, split, i, k), _chain(arrays, split, k + 1, j))



__all__ = ["LinAlgError", "cholesky", "solve", "inv", "det", "slogdet", "eigh", "eigvalsh", "norm",
           "vector_norm", "matrix_norm", "matrix_power", "multi_dot", "matrix_transpose", "diagonal",
           "trace", "outer", "matmul", "vecdot", "SlogdetResult", "EighResult"]
