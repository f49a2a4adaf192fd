"""@njit helpers for generated code (imported as `ri`): gathers, scatters, scans, sorts and reductions.

Every helper sees its array as (P, n, Q): the axis it acts along in the middle, the axes before
and after it flattened (a C-order reshape, no transpose), and reshapes its result itself. The
generated code is then one call per operation: Numba spends about 0.05 s compiling each loop
level (and 0.04 s each reshape) of a generated function, but compiles a helper once per
signature and caches it on disk.
"""
import numba
import math

import numpy as np

from . import vector_math as vm
from .runtime import maximum, minimum

jit = numba.njit(cache=True, error_model="numpy", nogil=True)


@jit
def wrap_index(i, n):
    """i + n for -n <= i < 0, i for 0 <= i < n; IndexError otherwise (numpy's rule for one index)."""
    if i < 0:
        i += n
    if i < 0 or i >= n:
        raise IndexError("index out of bounds")
    return i


# -- gather and scatter along the middle axis ---------------------------------------------------------------
@jit
def as3(x, P, n, Q):
    return np.ascontiguousarray(x).reshape((P, n, Q))


@jit
def flat(idx):
    return np.ascontiguousarray(idx).ravel()


@jit
def gather(x, idx, P, n, Q, out_shape):
    """out[p, k, q] = x[p, idx[k], q], reshaped to out_shape."""
    x3, ii = as3(x, P, n, Q), flat(idx)
    m = ii.shape[0]
    out = np.empty((P, m, Q), x.dtype)
    for k in range(m):
        j = wrap_index(ii[k], n)
        for p in range(P):
            for q in range(Q):
                out[p, k, q] = x3[p, j, q]
    return out.reshape(out_shape)


@jit
def accumulate(u, idx, P, n, Q, out_shape):
    """zeros (P, n, Q) with out[p, idx[k], q] += u[p, k, q] (repeated indices accumulate): gather's adjoint."""
    ii = flat(idx)
    u3 = as3(u, P, ii.shape[0], Q)
    out = np.zeros((P, n, Q), u.dtype)
    for k in range(ii.shape[0]):
        j = wrap_index(ii[k], n)
        for p in range(P):
            for q in range(Q):
                out[p, j, q] += u3[p, k, q]
    return out.reshape(out_shape)


@jit
def scatter_set(x, idx, v, P, n, Q):
    """copy of x with out[p, idx[k], q] = v[p, k, q], in order (the last write wins)."""
    ii = flat(idx)
    out, v3 = as3(x, P, n, Q).copy(), as3(v, P, ii.shape[0], Q)
    for k in range(ii.shape[0]):
        j = wrap_index(ii[k], n)
        for p in range(P):
            for q in range(Q):
                out[p, j, q] = v3[p, k, q]
    return out.reshape(x.shape)


@jit
def scatter_set_scalar(x, idx, v, P, n, Q):
    """copy of x with out[p, idx[k], q] = v."""
    ii = flat(idx)
    out = as3(x, P, n, Q).copy()
    for k in range(ii.shape[0]):
        j = wrap_index(ii[k], n)
        for p in range(P):
            for q in range(Q):
                out[p, j, q] = v
    return out.reshape(x.shape)


@jit
def scatter_add(x, idx, v, P, n, Q):
    """copy of x with out[p, idx[k], q] += v[p, k, q], in order (numpy.add.at)."""
    ii = flat(idx)
    out, v3 = as3(x, P, n, Q).copy(), as3(v, P, ii.shape[0], Q)
    for k in range(ii.shape[0]):
        j = wrap_index(ii[k], n)
        for p in range(P):
            for q in range(Q):
                out[p, j, q] += v3[p, k, q]
    return out.reshape(x.shape)


@jit
def scatter_add_scalar(x, idx, v, P, n, Q):
    """copy of x with out[p, idx[k], q] += v."""
    ii = flat(idx)
    out = as3(x, P, n, Q).copy()
    for k in range(ii.shape[0]):
        j = wrap_index(ii[k], n)
        for p in range(P):
            for q in range(Q):
                out[p, j, q] += v
    return out.reshape(x.shape)


@jit
def scatter_multiply(x, idx, v, P, n, Q):
    """copy of x with out[p, idx[k], q] *= v[p, k, q] (numpy.multiply.at)."""
    ii = flat(idx)
    out, v3 = as3(x, P, n, Q).copy(), as3(v, P, ii.shape[0], Q)
    for k in range(ii.shape[0]):
        j = wrap_index(ii[k], n)
        for p in range(P):
            for q in range(Q):
                out[p, j, q] *= v3[p, k, q]
    return out.reshape(x.shape)


@jit
def scatter_min(x, idx, v, P, n, Q):
    """copy of x with out[p, idx[k], q] = minimum(out[p, idx[k], q], v[p, k, q]) (numpy.minimum.at)."""
    ii = flat(idx)
    out, v3 = as3(x, P, n, Q).copy(), as3(v, P, ii.shape[0], Q)
    for k in range(ii.shape[0]):
        j = wrap_index(ii[k], n)
        for p in range(P):
            for q in range(Q):
                out[p, j, q] = minimum(out[p, j, q], v3[p, k, q])
    return out.reshape(x.shape)


@jit
def scatter_max(x, idx, v, P, n, Q):
    """copy of x with out[p, idx[k], q] = maximum(out[p, idx[k], q], v[p, k, q]) (numpy.maximum.at)."""
    ii = flat(idx)
    out, v3 = as3(x, P, n, Q).copy(), as3(v, P, ii.shape[0], Q)
    for k in range(ii.shape[0]):
        j = wrap_index(ii[k], n)
        for p in range(P):
            for q in range(Q):
                out[p, j, q] = maximum(out[p, j, q], v3[p, k, q])
    return out.reshape(x.shape)


# -- scans along the middle axis ------------------------------------------------------------------------------
@jit
def cumsum(x, P, n, Q, reverse):
    x3 = as3(x, P, n, Q)
    out = np.empty_like(x3)
    for p in range(P):
        for q in range(Q):
            acc = np.zeros(1, x.dtype)[0]
            for t in range(n):
                k = n - 1 - t if reverse else t
                acc += x3[p, k, q]
                out[p, k, q] = acc
    return out.reshape(x.shape)


@jit
def cumprod(x, P, n, Q, reverse):
    x3 = as3(x, P, n, Q)
    out = np.empty_like(x3)
    for p in range(P):
        for q in range(Q):
            acc = np.ones(1, x.dtype)[0]
            for t in range(n):
                k = n - 1 - t if reverse else t
                acc *= x3[p, k, q]
                out[p, k, q] = acc
    return out.reshape(x.shape)


@jit
def linrec(a, b, P, n, Q, reverse):
    """h_k = a_k h_{k-1} + b_k from h = 0 (reverse: h_k = a_k h_{k+1} + b_k)."""
    a3, b3 = as3(a, P, n, Q), as3(b, P, n, Q)
    out = np.empty_like(b3)
    for p in range(P):
        for q in range(Q):
            acc = np.zeros(1, b.dtype)[0]
            for t in range(n):
                k = n - 1 - t if reverse else t
                acc = a3[p, k, q] * acc + b3[p, k, q]
                out[p, k, q] = acc
    return out.reshape(b.shape)


# -- sorting --------------------------------------------------------------------------------------------------
@jit
def _before(a, b):
    """a sorts before b: numpy's order, with nan after every number."""
    return a < b or (b != b and a == a)


@jit
def argsort1(a):
    """Stable argsort of a 1-D array (bottom-up merge sort, nan last), as numpy's kind='stable'.

    Used instead of np.argsort / np.sort, which Numba takes seconds to compile in every function.
    """
    n = a.shape[0]
    idx = np.arange(n)
    tmp = np.empty(n, np.int64)
    width = 1
    while width < n:
        for lo in range(0, n, 2 * width):
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if _before(a[idx[j]], a[idx[i]]):
                    tmp[k] = idx[j]
                    j += 1
                else:
                    tmp[k] = idx[i]
                    i += 1
                k += 1
            while i < mid:
                tmp[k] = idx[i]
                i += 1
                k += 1
            while j < hi:
                tmp[k] = idx[j]
                j += 1
                k += 1
        idx, tmp = tmp, idx
        width *= 2
    return idx


@jit
def argsort(x, P, n, Q):
    """Stable argsort along the middle axis."""
    x3 = as3(x, P, n, Q)
    out = np.empty((P, n, Q), np.int64)
    buf = np.empty(n, x.dtype)
    for p in range(P):
        for q in range(Q):
            for k in range(n):
                buf[k] = x3[p, k, q]
            perm = argsort1(buf)
            for k in range(n):
                out[p, k, q] = perm[k]
    return out.reshape(x.shape)


@jit
def sort(x, P, n, Q):
    """Sort along the middle axis (nan last)."""
    x3 = as3(x, P, n, Q)
    out = np.empty_like(x3)
    buf = np.empty(n, x.dtype)
    for p in range(P):
        for q in range(Q):
            for k in range(n):
                buf[k] = x3[p, k, q]
            perm = argsort1(buf)
            for k in range(n):
                out[p, k, q] = buf[perm[k]]
    return out.reshape(x.shape)


# -- reductions over the middle axis: (P, n, Q) -> (P, Q), reshaped to out_shape -------------------------------
@jit
def argmax(x, P, n, Q, out_shape):
    """First index of the maximum (a nan wins, as in numpy)."""
    x3 = as3(x, P, n, Q)
    out = np.zeros((P, Q), np.int64)
    for p in range(P):
        for q in range(Q):
            best = x3[p, 0, q]
            for k in range(1, n):
                v = x3[p, k, q]
                if best == best and (v > best or v != v):
                    best = v
                    out[p, q] = k
    return out.reshape(out_shape)


@jit
def argmin(x, P, n, Q, out_shape):
    """First index of the minimum (a nan wins, as in numpy)."""
    x3 = as3(x, P, n, Q)
    out = np.zeros((P, Q), np.int64)
    for p in range(P):
        for q in range(Q):
            best = x3[p, 0, q]
            for k in range(1, n):
                v = x3[p, k, q]
                if best == best and (v < best or v != v):
                    best = v
                    out[p, q] = k
    return out.reshape(out_shape)


# Reductions write into an output array the caller allocates (in a loop body the generated code
# allocates it once, before the loop); `*_all` reduce every element to a scalar without allocating.
@jit
def out2(out, P, Q):
    return out.reshape((P, Q))


@jit
def reduce_sum(x, P, n, Q, out):
    x3, o = as3(x, P, n, Q), out2(out, P, Q)
    for p in range(P):
        for q in range(Q):
            o[p, q] = 0
        for k in range(n):
            for q in range(Q):
                o[p, q] += x3[p, k, q]


@jit
def reduce_prod(x, P, n, Q, out):
    x3, o = as3(x, P, n, Q), out2(out, P, Q)
    for p in range(P):
        for q in range(Q):
            o[p, q] = 1
        for k in range(n):
            for q in range(Q):
                o[p, q] *= x3[p, k, q]


@jit
def reduce_max(x, P, n, Q, out):
    x3, o = as3(x, P, n, Q), out2(out, P, Q)
    for p in range(P):
        for q in range(Q):
            o[p, q] = x3[p, 0, q]
        for k in range(1, n):
            for q in range(Q):
                o[p, q] = maximum(o[p, q], x3[p, k, q])


@jit
def reduce_min(x, P, n, Q, out):
    x3, o = as3(x, P, n, Q), out2(out, P, Q)
    for p in range(P):
        for q in range(Q):
            o[p, q] = x3[p, 0, q]
        for k in range(1, n):
            for q in range(Q):
                o[p, q] = minimum(o[p, q], x3[p, k, q])


@jit
def reduce_and(x, P, n, Q, out):
    x3, o = as3(x, P, n, Q), out2(out, P, Q)
    for p in range(P):
        for q in range(Q):
            o[p, q] = True
        for k in range(n):
            for q in range(Q):
                if x3[p, k, q] == 0:
                    o[p, q] = False


@jit
def reduce_or(x, P, n, Q, out):
    x3, o = as3(x, P, n, Q), out2(out, P, Q)
    for p in range(P):
        for q in range(Q):
            o[p, q] = False
        for k in range(n):
            for q in range(Q):
                if x3[p, k, q] != 0:
                    o[p, q] = True


@jit
def _lse(x3, p, n, q):
    m = -np.inf
    for k in range(n):
        v = x3[p, k, q]
        if v > m or v != v:
            m = v
    if m != m or m == np.inf or m == -np.inf:
        return m
    s = 0.0
    for k in range(n):
        s += math.exp(x3[p, k, q] - m)
    return m + math.log(s)


@jit
def reduce_logsumexp(x, P, n, Q, out):
    """log(sum(exp(x))) over the middle axis of x viewed as (P, n, Q), shifted by the maximum;
    scipy's edge cases: all -inf gives -inf, any +inf gives inf, nan gives nan."""
    x3, o = as3(x, P, n, Q), out2(out, P, Q)
    if n == 0 or P < n:
        for p in range(P):
            for q in range(Q):
                o[p, q] = _lse(x3, p, n, q)
        return
    for q in range(Q):  # many short rows (a mixture's components): p innermost, vectorised across rows
        _lse_rows(x3, P, n, q, o)


@jit
def _lse_rows(x3, P, n, q, o):
    """o[:, q] = logsumexp of x3[p, :, q] for every p, as _lse computes it (the same maximum, the same
    sum in the same order), but each pass a loop over p: the exp of one pass is vector code."""
    for p in range(P):
        o[p, q] = x3[p, 0, q]
    for k in range(1, n):
        for p in range(P):
            v, m = x3[p, k, q], o[p, q]
            o[p, q] = v if (v > m or v != v) else m
    s = np.zeros(P)
    for k in range(n):
        for p in range(P):
            m = o[p, q]
            s[p] += vm.exp(x3[p, k, q] - (m if m - m == 0.0 else 0.0))  # a shift only by a finite max
    for p in range(P):
        m = o[p, q]
        o[p, q] = m + vm.log(s[p]) if m - m == 0.0 else m  # nan, inf, -inf: the max itself


@jit
def reduce_sum_all(x):
    x1 = flat(x)
    acc = 0
    for k in range(x1.shape[0]):
        acc += x1[k]
    return acc


@jit
def reduce_prod_all(x):
    x1 = flat(x)
    acc = 1
    for k in range(x1.shape[0]):
        acc *= x1[k]
    return acc


@jit
def reduce_max_all(x):
    x1 = flat(x)
    acc = x1[0]
    for k in range(1, x1.shape[0]):
        acc = maximum(acc, x1[k])
    return acc


@jit
def reduce_min_all(x):
    x1 = flat(x)
    acc = x1[0]
    for k in range(1, x1.shape[0]):
        acc = minimum(acc, x1[k])
    return acc


@jit
def reduce_and_all(x):
    x1 = flat(x)
    for k in range(x1.shape[0]):
        if x1[k] == 0:
            return False
    return True


@jit
def reduce_or_all(x):
    x1 = flat(x)
    for k in range(x1.shape[0]):
        if x1[k] != 0:
            return True
    return False


@jit
def reduce_logsumexp_all(x):
    x1 = flat(x)
    return _lse(x1.reshape((1, x1.shape[0], 1)), 0, x1.shape[0], 0)
