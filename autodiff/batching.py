"""Batching: BatchTrace runs a function once on whole batches, as jax.vmap does.

A `BatchTracer` holds an array with the batch on axis `bdim` (or None: the value is the same for
every example) and shows the per-example shape to the traced function. Each primitive is bound
once on the whole batch through its batching rule; a primitive without a rule falls back to a
loop over the examples (reported once per primitive at debug level). Rules bind primitives on the
values one level down, so vmap composes with grad, jvp and itself.

A rule is rule(values, dims, size, /, **params) -> (out, out_dim), or (outs, out_dims) for a primitive
with multiple results; `dims` holds each operand's batch axis or None, and `size` the batch size.
The rules are grouped by kind: elementwise with broadcasting, reductions and scans along an axis,
shape changes, matmul, gather/scatter, and linear algebra over leading batch dimensions.
"""
import logging

from .avals import ShapedArray, get_aval
from .control_flow import scan_p
from .core import Trace, Tracer, full_lower, new_main
from .graph import eval_graph
from .primitives import indexing, linalg, linalg_decomp, reductions, special
from .primitives import shape as shape_prims
from .primitives.linalg import matmul_p
from .primitives.shape import broadcast_to_p, concatenate_p, reshape_p, transpose_p
from .staging import make_graph

logger = logging.getLogger(__name__)

BATCHING_RULES = {}  # Primitive -> rule
LOOPED = set()  # primitives that have fallen back to a loop over the batch (each reported once)


class BatchTracer(Tracer):
    """A batch of values: `val` holds them along axis `bdim` (None: one value shared by all)."""

    __slots__ = ("val", "bdim")

    def __init__(self, trace, val, bdim):
        self._trace, self.val, self.bdim = trace, val, bdim

    @property
    def aval(self):
        a = get_aval(self.val)
        if self.bdim is None:
            return a
        return ShapedArray(a.shape[:self.bdim] + a.shape[self.bdim + 1:], a.dtype)

    def full_lower(self):
        if self.bdim is None:
            return full_lower(self.val)
        return self


class BatchTrace(Trace):
    """Interprets primitives on batches; the batch size is the MainTrace's global_data."""

    def pure(self, val):
        return BatchTracer(self, val, None)

    lift = pure

    def process_primitive(self, primitive, tracers, params):
        vals = [t.val for t in tracers]
        dims = [t.bdim for t in tracers]
        if all(d is None for d in dims):
            out = primitive.bind(*vals, **params)
            return [BatchTracer(self, o, None) for o in out] if primitive.multiple_results else \
                BatchTracer(self, out, None)
        size = self.main.global_data
        if primitive.inline_when_staging and not any(isinstance(v, Tracer) for v in vals):
            return primitive.impl(*tracers, **params)  # custom_jvp/vjp with nothing to differentiate: run it batched
        rule = batching_rule(primitive)
        if rule is None:
            out, out_dims = _loop_fallback(primitive, vals, dims, size, params)
        else:
            out, out_dims = rule(vals, dims, size, **params)
        if primitive.multiple_results:
            return [BatchTracer(self, o, d) for o, d in zip(out, out_dims)]
        return BatchTracer(self, out, out_dims)


def batching_rule(primitive):
    """The rule for `primitive`: registered, or the elementwise rule for a primitive with a
    scalar template (every elementwise primitive has one), or None."""
    rule = BATCHING_RULES.get(primitive)
    if rule is None and primitive.scalar_template is not None:
        rule = BATCHING_RULES[primitive] = _elementwise(primitive)
    return rule


def _loop_fallback(primitive, vals, dims, size, params):
    """Bind the primitive on each example and stack the results on axis 0."""
    if primitive not in LOOPED:
        LOOPED.add(primitive)
        logger.debug("vmap: no batching rule for %s; looping over the batch in Python", primitive.name)
    per_example = []
    for b in range(size):
        args = [v if d is None else _index(v, d, b) for v, d in zip(vals, dims)]
        per_example.append(primitive.bind(*args, **params))
    if primitive.multiple_results:
        outs = [_stack([r[k] for r in per_example]) for k in range(len(per_example[0]))]
        return outs, [0] * len(outs)
    return _stack(per_example), 0


# -----------------------------------------------------------------------------------------------
# helpers on values one level down (numpy arrays or lower-level tracers), written with primitives


def _ndim(x):
    return len(get_aval(x).shape)


def _shape(x):
    return get_aval(x).shape


def moveaxis(x, src, dst):
    n = _ndim(x)
    src, dst = src % n, dst % n
    if src == dst:
        return x
    perm = [i for i in range(n) if i != src]
    perm.insert(dst, src)
    return transpose_p.bind(x, perm=tuple(perm))


def to_front(x, d, size):
    """x with its batch on axis 0: moved there, or broadcast when x is unbatched (d None)."""
    if d is None:
        return broadcast_to_p.bind(x, shape=(size,) + tuple(_shape(x)))
    return moveaxis(x, d, 0)


def _expand(x, axis):
    s = list(_shape(x))
    s.insert(axis % (len(s) + 1), 1)
    return reshape_p.bind(x, new_shape=tuple(s))


def _index(x, d, b):
    s = _shape(x)
    starts = tuple(b if i == d else 0 for i in range(len(s)))
    stops = tuple(b + 1 if i == d else n for i, n in enumerate(s))
    one = shape_prims.slice_p.bind(x, starts=starts, stops=stops, steps=(1,) * len(s))
    return reshape_p.bind(one, new_shape=s[:d] + s[d + 1:])


def _stack(xs):
    return concatenate_p.bind(*[_expand(x, 0) for x in xs], axis=0)


def _shift_axis(axis, per_example_ndim):
    """A per-example axis (possibly negative) as an axis of the batched array (batch on axis 0)."""
    return axis % per_example_ndim + 1


# -----------------------------------------------------------------------------------------------
# elementwise, with numpy broadcasting


def _elementwise(primitive):
    """Batch on axis 0; a batched operand of lower per-example rank gets singleton axes after the
    batch so numpy's right-aligned broadcasting matches the per-example broadcasting."""
    return lambda vals, dims, size, /, **params: (primitive.bind(*_aligned(vals, dims), **params), 0)


def _aligned(vals, dims):
    ranks = [_ndim(v) - (d is not None) for v, d in zip(vals, dims)]
    rank = max(ranks)
    args = []
    for v, d, r in zip(vals, dims, ranks):
        if d is None:
            args.append(v)
            continue
        v = moveaxis(v, d, 0)
        if r < rank:
            v = reshape_p.bind(v, new_shape=(_shape(v)[0],) + (1,) * (rank - r) + tuple(_shape(v)[1:]))
        args.append(v)
    return args


def _broadcast_to_rule(vals, dims, size, /, shape):
    (x,), (d,) = vals, dims
    x = moveaxis(x, d, 0)
    r = _ndim(x) - 1
    x = reshape_p.bind(x, new_shape=(size,) + (1,) * (len(shape) - r) + tuple(_shape(x)[1:]))
    return broadcast_to_p.bind(x, shape=(size,) + tuple(shape)), 0


# -----------------------------------------------------------------------------------------------
# reductions, scans and sorts along axes


def _over_axes(primitive):
    def rule(vals, dims, size, /, axes, **params):
        (x,), (d,) = vals, dims
        n = _ndim(x) - 1
        return primitive.bind(moveaxis(x, d, 0), axes=tuple(_shift_axis(a, n) for a in axes), **params), 0
    return rule


def _along_axis(primitive):
    """Primitives of every operand (broadcast to the batch) along one `axis` (None: fallback)."""
    def rule(vals, dims, size, /, axis, **params):
        if axis is None:
            return _loop_fallback(primitive, vals, dims, size, dict(params, axis=axis))
        n = next(_ndim(v) - 1 for v, d in zip(vals, dims) if d is not None)
        args = [to_front(v, d, size) for v, d in zip(vals, dims)]
        return primitive.bind(*args, axis=_shift_axis(axis, n), **params), 0
    return rule


# -----------------------------------------------------------------------------------------------
# shape changes


def _reshape_rule(vals, dims, size, /, new_shape):
    return reshape_p.bind(moveaxis(vals[0], dims[0], 0), new_shape=(size,) + tuple(new_shape)), 0


def _transpose_rule(vals, dims, size, /, perm):
    return transpose_p.bind(moveaxis(vals[0], dims[0], 0), perm=(0,) + tuple(p + 1 for p in perm)), 0


def _concatenate_rule(vals, dims, size, /, axis):
    n = _ndim(vals[0]) - (dims[0] is not None)
    args = [to_front(v, d, size) for v, d in zip(vals, dims)]
    return concatenate_p.bind(*args, axis=_shift_axis(axis, n)), 0


def _slice_rule(vals, dims, size, /, starts, stops, steps):
    x = moveaxis(vals[0], dims[0], 0)
    return shape_prims.slice_p.bind(x, starts=(0,) + tuple(starts), stops=(size,) + tuple(stops),
                              steps=(1,) + tuple(steps)), 0


def _pad_slice_rule(vals, dims, size, /, shape, starts, stops, steps):
    ct = moveaxis(vals[0], dims[0], 0)
    return shape_prims.pad_slice_p.bind(ct, shape=(size,) + tuple(shape), starts=(0,) + tuple(starts),
                                        stops=(size,) + tuple(stops), steps=(1,) + tuple(steps)), 0


def _rev_rule(vals, dims, size, /, axes):
    n = _ndim(vals[0]) - 1
    return shape_prims.rev_p.bind(moveaxis(vals[0], dims[0], 0), axes=tuple(_shift_axis(a, n) for a in axes)), 0


# -----------------------------------------------------------------------------------------------
# matmul (numpy semantics: 1-D operands are vectors, leading dimensions broadcast)


def _matmul_rule(vals, dims, size, /):
    args, squeeze = [], []
    for k, (v, d) in enumerate(zip(vals, dims)):
        v = v if d is None else moveaxis(v, d, 0)
        if _ndim(v) - (d is not None) == 1:  # a vector: a row (left) or a column (right) matrix
            v = _expand(v, -2 if k == 0 else -1)
            squeeze.append(-2 if k == 0 else -1)
        args.append(v)
    rank = max(_ndim(v) - (d is not None) for v, d in zip(args, dims))
    args = [v if d is None else reshape_p.bind(v, new_shape=(size,) + (1,) * (rank + 1 - _ndim(v))
                                               + tuple(_shape(v)[1:]))
            for v, d in zip(args, dims)]
    out = matmul_p.bind(*args)
    if squeeze:
        s = list(_shape(out))
        keep = [i for i in range(len(s)) if i - len(s) not in squeeze]
        out = reshape_p.bind(out, new_shape=tuple(s[i] for i in keep))
    return out, 0


# -----------------------------------------------------------------------------------------------
# gather and scatter along one axis


def _gather_rule(vals, dims, size, /, axis):
    (x, idx), (dx, di) = vals, dims
    if di is None:
        return indexing.gather_p.bind(moveaxis(x, dx, 0), idx, axis=axis + 1), 0
    if dx is None:  # np.take puts idx's axes (the batch first) where `axis` was
        return indexing.gather_p.bind(x, moveaxis(idx, di, 0), axis=axis), axis
    return _loop_fallback(indexing.gather_p, vals, dims, size, {"axis": axis})


def _scatter_add(vals, dims, size, /, axis, **params):
    (u, idx), (du, di) = vals, dims
    if di is not None:
        return _loop_fallback(indexing.scatter_add_p, vals, dims, size, dict(params, axis=axis))
    return indexing.scatter_add_p.bind(moveaxis(u, du, 0), idx, axis=axis + 1, **params), 0


def _scatter(vals, dims, size, /, axis, mode):
    (x, idx, v), (dx, di, dv) = vals, dims
    if di is not None:
        return _loop_fallback(indexing.scatter_p, vals, dims, size, {"axis": axis, "mode": mode})
    x = to_front(x, dx, size)
    if dv is None and _ndim(v) == 0 and mode in indexing.SCALAR_MODES:
        pass  # one scalar written everywhere
    else:
        target = (size,) + tuple(_shape(x)[1:axis + 1]) + tuple(_shape(idx)) + tuple(_shape(x)[axis + 2:])
        v = to_front(v, dv, size) if dv is not None else broadcast_to_p.bind(v, shape=target)
    return indexing.scatter_p.bind(x, idx, v, axis=axis + 1, mode=mode), 0


# -----------------------------------------------------------------------------------------------
# linear algebra over leading batch dimensions


def _leading_batch(primitive):
    """Primitives whose impl and rules map over leading dimensions: every operand gets the batch
    on axis 0 (broadcast if unbatched); operands of unequal per-example rank fall back to a loop."""
    def rule(vals, dims, size, /, **params):
        ranks = {_ndim(v) - (d is not None) for v, d in zip(vals, dims)}
        if len(ranks) != 1:
            return _loop_fallback(primitive, vals, dims, size, params)
        out = primitive.bind(*[to_front(v, d, size) for v, d in zip(vals, dims)], **params)
        return (out, [0] * len(out)) if primitive.multiple_results else (out, 0)
    return rule


# -----------------------------------------------------------------------------------------------
# scan: the body batched once into a new body graph; a carry is batched if its initial value is or
# if the body makes it so (found by retracing until the batched carries stop changing)


def _scan_rule(vals, dims, size, /, graph, num_consts, num_carry, length, reverse):
    nc, nk = num_consts, num_carry
    consts, carry, xs = vals[:nc], vals[nc:nc + nk], vals[nc + nk:]
    d_consts, d_carry, d_xs = dims[:nc], dims[nc:nc + nk], dims[nc + nk:]
    carry_batched = [d is not None for d in d_carry]
    for _ in range(nk + 1):
        in_batched = [d is not None for d in d_consts] + carry_batched + [d is not None for d in d_xs]
        body, body_consts, out_batched = _batched_body(graph, in_batched, size, force=carry_batched)
        if out_batched[:nk] == carry_batched:
            break
        carry_batched = [a or b for a, b in zip(carry_batched, out_batched[:nk])]
    consts = [v if d is None else moveaxis(v, d, 0) for v, d in zip(consts, d_consts)]
    carry = [to_front(v, d, size) if b else v for v, d, b in zip(carry, d_carry, carry_batched)]
    xs = [v if d is None else moveaxis(v, d, 1) for v, d in zip(xs, d_xs)]  # scan on axis 0, batch on 1
    outs = scan_p.bind(*body_consts, *consts, *carry, *xs, graph=body, num_consts=len(body_consts) + nc,
                       num_carry=nk, length=length, reverse=reverse)
    out_dims = [0 if b else None for b in carry_batched] + [1 if b else None for b in out_batched[nk:]]
    return outs, out_dims


def _batched_body(graph, in_batched, size, force):
    """The body graph run on batches (batch on axis 0 of each batched input and output): its graph,
    its captured constants and which outputs are batched. Carry outputs listed in `force` are
    batched even where the body leaves them alone."""
    in_avals = [v.aval for v in list(graph.constvars) + list(graph.invars)]
    n_out_carry, out_batched = len(force), []

    def fn(*args):
        with new_main(BatchTrace, size) as main:
            trace = BatchTrace(main)
            ins = [BatchTracer(trace, a, 0) if b else a for a, b in zip(args, in_batched)]
            outs = eval_graph(graph, [], ins)
            result = []
            for k, o in enumerate(outs):
                d = o.bdim if isinstance(o, BatchTracer) and o._trace.main is main else None
                v = o.val if isinstance(o, BatchTracer) and o._trace.main is main else o
                if d is None and k < n_out_carry and force[k]:
                    v, d = to_front(v, None, size), 0
                out_batched.append(d is not None)
                result.append(v if d is None else moveaxis(v, d, 0))
        return result

    avals = [ShapedArray((size,) + a.shape, a.dtype) if b else a for a, b in zip(in_avals, in_batched)]
    body, consts, _ = make_graph(fn, avals)
    return body, consts, out_batched


def _register():
    for p in (broadcast_to_p,):
        BATCHING_RULES[p] = _broadcast_to_rule
    BATCHING_RULES[special.hyp2f1_p] = _elementwise(special.hyp2f1_p)
    for p in (reductions.reduce_sum_p, reductions.reduce_max_p, reductions.reduce_min_p, reductions.reduce_and_p,
              reductions.reduce_or_p, reductions.reduce_prod_p, reductions.reduce_logsumexp_p):
        BATCHING_RULES[p] = _over_axes(p)
    for p in (reductions.cumsum_p, reductions.cumprod_p, reductions.argmax_p, reductions.argmin_p,
              reductions.argsort_p, reductions.sort_p, reductions.linrec_p):
        BATCHING_RULES[p] = _along_axis(p)
    BATCHING_RULES[reshape_p] = _reshape_rule
    BATCHING_RULES[transpose_p] = _transpose_rule
    BATCHING_RULES[concatenate_p] = _concatenate_rule
    BATCHING_RULES[shape_prims.slice_p] = _slice_rule
    BATCHING_RULES[shape_prims.pad_slice_p] = _pad_slice_rule
    BATCHING_RULES[shape_prims.rev_p] = _rev_rule
    BATCHING_RULES[matmul_p] = _matmul_rule
    BATCHING_RULES[scan_p] = _scan_rule
    BATCHING_RULES[indexing.gather_p] = _gather_rule
    BATCHING_RULES[indexing.scatter_add_p] = _scatter_add
    BATCHING_RULES[indexing.scatter_p] = _scatter
    for p in (linalg.cholesky_p, linalg.inv_p, linalg.det_p, linalg.slogdet_p, linalg.eigh_p, linalg.solve_p,
              linalg.triangular_solve_p, linalg.tri_p, linalg.sym_from_lower_p, linalg.sym_from_lower_t_p,
              linalg.diag_part_p, linalg.diag_embed_p, linalg_decomp.svd_p, linalg_decomp.qr_p,
              linalg_decomp.pinv_p, linalg_decomp.pivot_matrix_p):
        BATCHING_RULES[p] = _leading_batch(p)


_register()
