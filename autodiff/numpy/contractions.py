"""NumPy-named contractions and diagonals: einsum, tensordot, kron, trace, diagonal, diag, tril, triu.

einsum is compiled, at trace time, into transposes, reshapes, sums, elementwise products and
batched matmuls (BLAS under jit), so its derivatives are those of these primitives:
`einsum('ij,jk->ik', a, b)` is exactly one matmul, `'bij,bjk->bik'` one batched matmul. Operands
are contracted pairwise in the order numpy's greedy `einsum_path` chooses.
"""
import numpy as np

from ..primitives.indexing import gather_p, scatter_add_p
from ..primitives.linalg import matmul_p
from . import _util
from ._creation import asarray
from ._elementwise import astype, multiply, where
from ._reductions import sum as _sum
from ._shape import broadcast_to, expand_dims, moveaxis, reshape, transpose

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


# -- einsum -------------------------------------------------------------------------------------------------
def _parse_term(term, nd, k):
    """Labels of one operand: letters, and ints 0..e-1 (right-aligned ellipsis axes, resolved later)."""
    if term.count("...") > 1 or "." in term.replace("...", ""):
        raise ValueError("einstein sum subscripts string contains a '.' that is not part of an ellipsis ('...')")
    for c in term.replace("...", ""):
        if c not in _LETTERS:
            raise ValueError(f"invalid subscript '{c}' in einstein sum subscripts string, subscripts must be "
                             "letters")
    if "..." not in term:
        if len(term) != nd:
            raise ValueError(f"einstein sum subscripts string contains too many subscripts for operand {k}"
                             if len(term) > nd else
                             f"operand has more dimensions than subscripts given in einstein sum, but no '...' "
                             f"ellipsis provided to broadcast the extra dimensions.")
        return list(term), 0
    left, right = term.split("...")
    e = nd - len(left) - len(right)
    if e < 0:
        raise ValueError(f"einstein sum subscripts string contains too many subscripts for operand {k}")
    return list(left) + [("...", e)] + list(right), e


def _parse(subscripts, shapes):
    subscripts = subscripts.replace(" ", "")
    ins, arrow, out = subscripts.partition("->")
    terms = ins.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"{'more' if len(shapes) > len(terms) else 'fewer'} operands provided to einstein sum "
                         "function than specified in the subscripts string")
    parsed = [_parse_term(t, len(s), k) for k, (t, s) in enumerate(zip(terms, shapes))]
    n_ell = max([e for _, e in parsed] + [0])
    labels = []
    for lab, e in parsed:
        expanded = []
        for x in lab:
            expanded.extend(range(n_ell - e, n_ell) if isinstance(x, tuple) else [x])
        labels.append(expanded)
    letters = [c for lab in labels for c in lab if isinstance(c, str)]
    if arrow:
        if "..." in out:
            left, right = out.split("...", 1)
            out_lab = list(left) + list(range(n_ell)) + list(right)
        elif n_ell:
            raise ValueError("output has more dimensions than subscripts given in einstein sum, but no '...' "
                             "ellipsis provided to broadcast the extra dimensions.")
        else:
            out_lab = list(out)
        for c in out_lab:
            if isinstance(c, str) and c not in _LETTERS:
                raise ValueError(f"invalid subscript '{c}' in einstein sum subscripts string, subscripts must be "
                                 "letters")
            if isinstance(c, str) and c not in letters:
                raise ValueError(f"einstein sum subscripts string included output subscript '{c}' which never "
                                 "appeared in an input")
            if out_lab.count(c) > 1:
                raise ValueError(f"einstein sum subscripts string includes output subscript '{c}' multiple times")
    else:
        out_lab = list(range(n_ell)) + sorted(c for c in set(letters) if letters.count(c) == 1)
    return labels, out_lab


def _label_sizes(labels, shapes):
    sizes = {}
    for lab, shape in zip(labels, shapes):
        for c, d in zip(lab, shape):
            old = sizes.get(c, 1)
            if old != d and old != 1 and d != 1:
                raise ValueError(f"operands could not be broadcast together: subscript {c!r} has sizes {old} and {d}")
            sizes[c] = max(old, d)
    return sizes


def _prepare(x, lab, sizes, needed):
    """Take repeated-label diagonals, broadcast size-1 axes, and sum out labels nobody else needs."""
    while len(set(lab)) != len(lab):
        c = next(c for c in lab if lab.count(c) > 1)
        i = lab.index(c)
        j = lab.index(c, i + 1)
        shape = _util.shape(x)
        if shape[i] != shape[j]:
            raise ValueError(f"dimensions in single operand for collapsing index '{c}' don't match "
                             f"({shape[i]} != {shape[j]})")
        x = diagonal(x, 0, i, j)
        lab = [d for k, d in enumerate(lab) if k not in (i, j)] + [c]
    full = tuple(sizes[c] for c in lab)
    if _util.shape(x) != full:
        x = broadcast_to(x, full)
    drop = tuple(k for k, c in enumerate(lab) if c not in needed)
    if drop:
        x = _sum(x, axis=drop)
        lab = [c for k, c in enumerate(lab) if k not in drop]
    return x, lab


def _arrange(x, lab, order, sizes):
    """x transposed so its labels follow `order` (labels of `order` missing from x become size-1 axes)."""
    own = [c for c in order if c in lab]
    x = transpose(x, [lab.index(c) for c in own])
    return reshape(x, tuple(sizes[c] if c in lab else 1 for c in order))


def _contract_pair(a, la, b, lb, keep, sizes):
    """Contract two prepared operands, keeping the labels in `keep`; returns (result, labels)."""
    batch = [c for c in la if c in lb and c in keep]
    summed = [c for c in la if c in lb and c not in keep]
    fa = [c for c in la if c not in lb]
    fb = [c for c in lb if c not in la]
    out_lab = batch + fa + fb
    if not summed:
        return multiply(_arrange(a, la, out_lab, sizes), _arrange(b, lb, out_lab, sizes)), out_lab

    def size(labels):
        return int(np.prod([sizes[c] for c in labels], dtype=np.int64))

    lead = (size(batch),) if batch else ()
    a2 = reshape(transpose(a, [la.index(c) for c in batch + fa + summed]), lead + (size(fa), size(summed)))
    b2 = reshape(transpose(b, [lb.index(c) for c in batch + summed + fb]), lead + (size(summed), size(fb)))
    res = matmul_p.bind(a2, b2)
    return reshape(res, tuple(sizes[c] for c in out_lab)), out_lab


def _contraction_path(ops, out_lab, sizes):
    """numpy's greedy pairwise contraction order (positions in the shrinking list of operands)."""
    if len(ops) <= 2:
        return [tuple(range(len(ops)))]
    names = {}
    for c in [c for _, lab in ops for c in lab] + list(out_lab):
        names.setdefault(c, _LETTERS[len(names)] if len(names) < len(_LETTERS) else None)
    if None in names.values():
        return [(0, 1)] * (len(ops) - 1)
    spec = ",".join("".join(names[c] for c in lab) for _, lab in ops) + "->" + "".join(names[c] for c in out_lab)
    dummies = [np.broadcast_to(np.zeros(()), tuple(sizes[c] for c in lab)) for _, lab in ops]
    return np.einsum_path(spec, *dummies, optimize="greedy")[0][1:]


def contract(operands, labels, out_lab):
    """The einsum of `operands` whose axes carry `labels` (any hashable labels), output axes `out_lab`."""
    shapes = [_util.shape(x) for x in operands]
    sizes = _label_sizes(labels, shapes)
    counts = {}
    for lab in labels:
        for c in set(lab):
            counts[c] = counts.get(c, 0) + 1
    ops = []
    for x, lab in zip(operands, labels):
        needed = set(out_lab) | {c for c in lab if counts[c] > 1}
        ops.append(_prepare(x, list(lab), sizes, needed))
    for positions in _contraction_path(ops, out_lab, sizes):
        picked = [ops[p] for p in positions]
        ops = [op for k, op in enumerate(ops) if k not in positions]
        keep = set(out_lab) | {c for _, lab in ops for c in lab}
        x, lab = picked[0]
        for n, (y, ly) in enumerate(picked[1:], start=2):
            rest = keep | {c for _, later in picked[n:] for c in later}
            x, lab = _contract_pair(x, lab, y, ly, rest, sizes)
        ops.append((x, lab))
    (x, lab), = ops
    drop = tuple(k for k, c in enumerate(lab) if c not in out_lab)
    if drop:
        x = _sum(x, axis=drop)
        lab = [c for k, c in enumerate(lab) if k not in drop]
    return transpose(x, [lab.index(c) for c in out_lab])


def _sublist_subscripts(args):
    """einsum(op0, sublist0, op1, sublist1, ..., [sublistout]) -> ("subscripts", operands)."""
    def term(sub):
        return "".join("..." if s is Ellipsis else _LETTERS[int(s)] for s in sub)
    operands, terms = list(args[0::2]), [term(s) for s in args[1::2]]
    if len(args) % 2:
        operands = operands[:-1]
        return ",".join(terms) + "->" + term(args[-1]), operands
    return ",".join(terms), operands


def einsum(*operands, out=None, dtype=None, order="K", casting="safe", optimize=False):
    """numpy.einsum: subscripts with '...', implicit output (ellipsis axes then letters used once, sorted),
    repeated subscripts (diagonals), size-1 broadcasting, and the interleaved (operand, sublist) form."""
    if out is not None:
        raise TypeError("out= is not supported: autodiff arrays are immutable, use the return value")
    if isinstance(operands[0], str):
        subscripts, arrays = operands[0], list(operands[1:])
    else:
        subscripts, arrays = _sublist_subscripts(operands)
    arrays = [asarray(a) if isinstance(a, (list, tuple, int, float)) else a for a in arrays]
    if dtype is not None:
        arrays = [astype(a, dtype) for a in arrays]
    labels, out_lab = _parse(subscripts, [_util.shape(a) for a in arrays])
    return contract(arrays, labels, out_lab)


# -- tensordot and kron ---------------------------------------------------------------------------------------
def tensordot(a, b, axes=2):
    """numpy.tensordot: sum over axes_a of a and axes_b of b (axes: an int N or a pair of sequences)."""
    try:
        iter(axes)
    except TypeError:
        axes_a, axes_b = list(range(-int(axes), 0)), list(range(0, int(axes)))
    else:
        axes_a, axes_b = axes
    axes_a = list(axes_a) if isinstance(axes_a, (list, tuple, range, np.ndarray)) else [axes_a]
    axes_b = list(axes_b) if isinstance(axes_b, (list, tuple, range, np.ndarray)) else [axes_b]
    sa, sb = _util.shape(a), _util.shape(b)
    if len(axes_a) != len(axes_b):
        raise ValueError("shape-mismatch for sum")
    axes_a = [int(x) + len(sa) if int(x) < 0 else int(x) for x in axes_a]
    axes_b = [int(x) + len(sb) if int(x) < 0 else int(x) for x in axes_b]
    if any(x >= len(sa) for x in axes_a) or any(x >= len(sb) for x in axes_b):
        raise IndexError("tuple index out of range")
    if any(sa[i] != sb[j] for i, j in zip(axes_a, axes_b)):
        raise ValueError("shape-mismatch for sum")
    la = [("a", i) for i in range(len(sa))]
    lb = [("b", j) for j in range(len(sb))]
    for i, j in zip(axes_a, axes_b):
        lb[j] = la[i]
    out_lab = [c for k, c in enumerate(la) if k not in axes_a] + [c for k, c in enumerate(lb) if k not in axes_b]
    return contract([a, b], [la, lb], out_lab)


def kron(a, b):
    """numpy.kron, as numpy computes it: interleave the axes of a and b, multiply, merge pairs of axes."""
    sa, sb = _util.shape(a), _util.shape(b)
    nda, ndb = len(sa), len(sb)
    if nda == 0 or ndb == 0:
        return multiply(a, b)
    nd = max(nda, ndb)
    sa, sb = (1,) * (nd - nda) + sa, (1,) * (nd - ndb) + sb
    a = reshape(a, sa)
    b = reshape(b, sb)
    a = expand_dims(a, tuple(range(1, 2 * nd, 2)))
    b = expand_dims(b, tuple(range(0, 2 * nd, 2)))
    return reshape(multiply(a, b), tuple(x * y for x, y in zip(sa, sb)))


# -- diagonals and triangles ----------------------------------------------------------------------------------
def diagonal(a, offset=0, axis1=0, axis2=1):
    """numpy.diagonal: the diagonal over axis1, axis2 becomes the last axis (a gather of flat positions)."""
    shape = _util.shape(a)
    nd = len(shape)
    if nd < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    i, j = _util.normalize_axis(axis1, nd), _util.normalize_axis(axis2, nd)
    if i == j:
        raise ValueError("axis1 and axis2 cannot be the same")
    n1, n2 = shape[i], shape[j]
    r0, c0 = max(0, -offset), max(0, offset)
    length = max(0, min(n1 - r0, n2 - c0))
    k = np.arange(length, dtype=np.intp)
    x = moveaxis(a, (i, j), (-2, -1))
    x = reshape(x, _util.shape(x)[:-2] + (n1 * n2,))
    return gather_p.bind(x, (k + r0) * n2 + (k + c0), axis=nd - 2)


def diag(v, k=0):
    """numpy.diag: a 1-D v becomes a square matrix with v on diagonal k; a 2-D v gives its k-th diagonal."""
    shape = _util.shape(v)
    if len(shape) == 2:
        return diagonal(v, k)
    if len(shape) != 1:
        raise ValueError("Input must be 1- or 2-d.")
    m = shape[0]
    n = m + abs(k)
    i = np.arange(m, dtype=np.intp)
    flat = (i + max(0, -k)) * n + (i + max(0, k))
    return reshape(scatter_add_p.bind(v, flat, axis=0, size=n * n), (n, n))


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """numpy.trace: the sum of diagonal(a, offset, axis1, axis2) over its last axis."""
    if out is not None:
        raise TypeError("out= is not supported: autodiff arrays are immutable, use the return value")
    return _sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


def tril(m, k=0):
    """numpy.tril: zeros above diagonal k of the last two axes (a 1-D m is broadcast, as numpy does)."""
    mask = np.tri(*_util.shape(m)[-2:], k=k, dtype=bool)
    return where(mask, m, np.zeros((), _util.dtype(m))[()])


def triu(m, k=0):
    """numpy.triu: zeros below diagonal k of the last two axes."""
    mask = np.tri(*_util.shape(m)[-2:], k=k - 1, dtype=bool)
    return where(mask, np.zeros((), _util.dtype(m))[()], m)


__all__ = ["einsum", "tensordot", "kron", "diagonal", "diag", "trace", "tril", "triu"]
