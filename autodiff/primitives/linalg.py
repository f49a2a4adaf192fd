"""Linear-algebra primitives: matmul, triangle masks and diagonals, Cholesky, triangular and general
solves, inverse, determinants and the symmetric eigendecomposition; every one batched over the
leading axes (solves broadcast them, as numpy.matmul does).

Conventions shared by the rules:
  * A factorisation that reads one triangle of its input (cholesky, eigh read the LOWER one, as
    numpy does) is differentiated as exactly that function: the tangent of `a` enters as
    `sym_from_lower(da)` and the cotangent leaves through its adjoint `sym_from_lower_t`, so
    finite differences agree for any perturbation, symmetric or not.
  * `triangular_solve` reads only its triangle (and not the diagonal when `unit_diagonal`), so its
    derivative in `a` is masked to that triangle.
  * Impls are numpy/scipy and raise as they do (LinAlgError); the Numba kernels in
    `codegen/runtime_linalg.py` never raise: they return NaN, so a log-density under `jit` sees NaN.
"""
import numpy as np
from scipy.linalg import solve_triangular

from ..avals import ShapedArray, float_dtype, get_aval
from ..codegen.emit import dtype_code, shape_code
from ..core import Primitive
from ..rules import broadcast_shapes
from .broadcasting import unbroadcast
from .elementwise import add_p, multiply_p, negative_p, reciprocal_p, subtract_p, where_p
from .reductions import reduce_sum_p
from .shape import broadcast_to_p, reshape_p, transpose_p


def _shape(x):
    return get_aval(x).shape


def _matmul_shape(a, b):
    if a.ndim < 2 or b.ndim < 2:
        raise ValueError("matmul_p takes operands with ndim >= 2 (the numpy wrapper promotes vectors)")
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} not aligned: "
                         f"{a.shape[-1]} (dim {a.ndim - 1}) != {b.shape[-2]} (dim {b.ndim - 2})")
    batch = broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return ShapedArray(batch + (a.shape[-2], b.shape[-1]), np.result_type(a.dtype, b.dtype))


def swap_last(x):
    n = len(_shape(x))
    return transpose_p.bind(x, perm=tuple(range(n - 2)) + (n - 1, n - 2))


matmul_p = Primitive("matmul")
matmul_p.def_impl(np.matmul)
matmul_p.def_shape(_matmul_shape)
matmul_p.def_jvp(lambda g, ans, a, b: matmul_p.bind(g, b), lambda g, ans, a, b: matmul_p.bind(a, g))
matmul_p.def_vjp(lambda ct, ans, a, b: unbroadcast(matmul_p.bind(ct, swap_last(b)), _shape(a)),
                 lambda ct, ans, a, b: unbroadcast(matmul_p.bind(swap_last(a), ct), _shape(b)))


def _emit_matmul(ctx, eqn):
    """Float operands call BLAS through np.dot (batched: rl.matmul_into per matrix); others plain loops."""
    a, b = eqn.inputs
    out = eqn.outvars[0]
    if out.aval.dtype.kind != "f":
        emit_call(ctx, eqn, (2, 2), (2,), lambda i, o: [f"rl.matmul_loops_into({i[0]}, {i[1]}, {o[0]})"])
    elif a.aval.ndim == 2 and b.aval.ndim == 2 and b.aval.shape[1] == 1:
        # matrix @ column: a BLAS matrix-vector product (gemv), not a matrix-matrix one
        n, k = a.aval.shape
        ctx.line(f"{ctx.name(out)} = np.dot(as_blas({ctx.name(a)}), "
                 f"np.ascontiguousarray({ctx.name(b)}).reshape({k})).reshape(({n}, 1))")
    elif a.aval.ndim == 2 and b.aval.ndim == 2:
        ctx.line(f"{ctx.name(out)} = np.dot(as_blas({ctx.name(a)}), as_blas({ctx.name(b)}))")
    else:
        emit_call(ctx, eqn, (2, 2), (2,), lambda i, o: [f"rl.matmul_into({i[0]}, {i[1]}, {o[0]})"])


# -- Numba code generation shared by the batched primitives ---------------------------------------------
# Compile time, not run time, shapes these emitters: per call site, Numba lowers a slice assignment
# `out[i0, :, :] = ...` (with its shape-mismatch error path) in ~0.5 s and an np.ascontiguousarray in
# ~0.04 s, a plain call in ~0.02 s; a function of a few hundred lines then takes minutes. So kernels are
# called on whole matrices `x3[i]` of C-contiguous (batch, rows, cols) stacks, and element loops index
# the N-d operands directly.
class Operand:
    """A batched operand in generated code: str() is the current matrix, .at(i, j) one of its elements."""

    def __init__(self, name, subs):
        self.name, self.subs = name, subs

    def __str__(self):
        return f"{self.name}[{', '.join(self.subs)}]" if self.subs else self.name

    def at(self, *inner):
        return f"{self.name}[{', '.join(self.subs + list(inner))}]"


def _batch_of(eqn, core_out):
    o = eqn.outvars[0]
    return o.aval.shape[:o.aval.ndim - core_out[0]]


def _open_loops(ctx, batch):
    idx = [f"i{k}" for k in range(len(batch))]
    for k, d in enumerate(batch):
        ctx.line(f"for {idx[k]} in range({d}):")
        ctx.depth += 1
    return idx


def _allocate(ctx, o, shape):
    name = ctx.name(o) if shape == o.aval.shape else ctx.tmp("m")
    ctx.line(f"{name} = np.empty({shape_code(shape)}, {dtype_code(o.aval.dtype)})")
    return name


def emit_loop(ctx, eqn, core_in, core_out, body):
    """Element loops: `body(ins, outs)` returns lines run for each batch index, with Operands that index
    the N-d arrays directly (a broadcast axis of size 1 by 0)."""
    batch = _batch_of(eqn, core_out)
    for o in eqn.outvars:
        _allocate(ctx, o, o.aval.shape)
    depth0 = ctx.depth
    idx = _open_loops(ctx, batch)

    def operand(x, core):
        nb = x.aval.ndim - core
        lead = len(idx) - nb
        return Operand(ctx.name(x), [idx[lead + k] if d == batch[lead + k] else "0"
                                     for k, d in enumerate(x.aval.shape[:nb])])

    for text in body([operand(x, c) for x, c in zip(eqn.inputs, core_in)],
                     [operand(o, c) for o, c in zip(eqn.outvars, core_out)]):
        ctx.line(text)
    ctx.depth = depth0


def emit_call(ctx, eqn, core_in, core_out, body):
    """Kernel calls: `body(ins, outs)` returns the lines for one matrix (a 0-d core result is assigned).

    Unbatched: the operands themselves (any layout; kernels compile per layout once, cached). Batched:
    each batched operand is reshaped to a C-contiguous (batch, ...) stack `x3` and the body sees
    `x3[k]` (typed C), k its flat batch index under broadcasting; results are written into fresh stacks
    and reshaped to their shapes.
    """
    batch = _batch_of(eqn, core_out)
    if not batch:
        for o in eqn.outvars:
            if o.aval.ndim:
                _allocate(ctx, o, o.aval.shape)
        for text in body([ctx.name(x) for x in eqn.inputs], [ctx.name(o) for o in eqn.outvars]):
            ctx.line(text)
        return
    size = int(np.prod(batch))
    ins = []
    for x, core in zip(eqn.inputs, core_in):
        xb = x.aval.shape[:x.aval.ndim - core]
        ins.append((ctx.name(x), None) if not xb else
                   (_stack(ctx, x, (int(np.prod(xb)),) + x.aval.shape[len(xb):]), xb))
    outs = [_allocate(ctx, o, (size,) + o.aval.shape[len(batch):]) for o in eqn.outvars]
    depth0 = ctx.depth
    idx = _open_loops(ctx, batch)

    def flat(shape):
        """The flat index of the current batch position in a stack of batch shape `shape` (broadcast)."""
        lead, terms, stride = len(batch) - len(shape), [], 1
        for k in reversed(range(len(shape))):
            if shape[k] != 1:
                terms.append(idx[lead + k] if stride == 1 else f"{idx[lead + k]} * {stride}")
            stride *= shape[k]
        return " + ".join(reversed(terms)) or "0"

    for text in body([name if xb is None else f"{name}[{flat(xb)}]" for name, xb in ins],
                     [f"{name}[{flat(batch)}]" for name in outs]):
        ctx.line(text)
    ctx.depth = depth0
    for o, name in zip(eqn.outvars, outs):
        if name != ctx.name(o):
            ctx.line(f"{ctx.name(o)} = {name}.reshape({shape_code(o.aval.shape)})")


def _stack(ctx, x, shape):
    """A C-contiguous (batch, ...) view or copy of x, emitted once per value at the function's top level."""
    stacks = ctx.linalg_stacks
    key = (ctx.name(x), shape)
    if ctx.depth == 1 and key in stacks:  # top-level lines always run before later ones
        return stacks[key]
    name = ctx.tmp("m")
    ctx.line(f"{name} = np.ascontiguousarray({ctx.name(x)}).reshape({shape_code(shape)})")
    if ctx.depth == 1:
        stacks[key] = name
    return name


matmul_p.def_emit(_emit_matmul)


def _flag(b):
    """A flag argument: np.bool_(...) is typed `bool`; a literal True/False would make Numba compile one
    specialisation of the kernel per value."""
    return f"np.bool_({bool(b)})"


# -- triangle masks, symmetrisation and diagonals: linear, each one loop nest in generated code ----------
def _tri_impl(x, k, lower, diag):
    out = np.tril(x, k) if lower else np.triu(x, k)
    if diag != 1.0 and (k >= 0 if lower else k <= 0):
        out = out.copy()
        n = min(out.shape[-2:])
        out[..., np.arange(n), np.arange(n)] *= diag
    return out


tri_p = Primitive("tri")  # tril(x, k) (lower) or triu(x, k), the main diagonal (if kept) scaled by `diag`
tri_p.routes_zeros = True  # its outputs may hold zeros moved from its operands
tri_p.def_impl(_tri_impl)
tri_p.def_shape(lambda x, k, lower, diag: ShapedArray(x.shape, x.dtype))
tri_p.def_jvp(lambda g, ans, x, **p: tri_p.bind(g, **p))
tri_p.def_vjp(lambda ct, ans, x, **p: tri_p.bind(ct, **p))  # a 0/1/diag mask is its own adjoint


def _emit_tri(ctx, eqn):
    """Per row: copy the kept run of columns, zero the rest (two branch-free, vectorisable loops)."""
    (x,), out = eqn.inputs, eqn.outvars[0]
    k, lower, diag = eqn.params["k"], eqn.params["lower"], eqn.params["diag"]
    n, m = x.aval.shape[-2:]
    scale_diag = diag != 1.0 and (k >= 0 if lower else k <= 0)

    def body(i, o):
        x_, o_ = i[0], o[0]
        edge = f"min(max(i + {k + 1 if lower else k}, 0), {m})"
        kept, zero = ("range(e)", f"range(e, {m})") if lower else (f"range(e, {m})", "range(e)")
        lines = [f"for i in range({n}):", f"    e = {edge}",
                 f"    for j in {kept}:", f"        {o_.at('i', 'j')} = {x_.at('i', 'j')}",
                 f"    for j in {zero}:", f"        {o_.at('i', 'j')} = 0.0"]
        if scale_diag:
            lines += [f"    if i < {m}:", f"        {o_.at('i', 'i')} = {x_.at('i', 'i')} * {diag!r}"]
        return lines
    emit_loop(ctx, eqn, (2,), (2,), body)


tri_p.def_emit(_emit_tri)


def tril(x, k=0):
    return tri_p.bind(x, k=k, lower=True, diag=1.0)


def triu(x, k=0):
    return tri_p.bind(x, k=k, lower=False, diag=1.0)


def phi(x):
    """Murray's Phi: the strict lower triangle plus half the diagonal."""
    return tri_p.bind(x, k=0, lower=True, diag=0.5)


def _sym_impl(x):
    return np.tril(x) + np.swapaxes(np.tril(x, -1), -1, -2)


def _sym_t_impl(ct):
    return np.tril(ct) + np.tril(np.swapaxes(ct, -1, -2), -1)


sym_from_lower_p = Primitive("sym_from_lower")  # the symmetric matrix whose lower triangle is x's
sym_from_lower_p.def_impl(_sym_impl)
sym_from_lower_p.def_shape(lambda x: ShapedArray(x.shape, x.dtype))
sym_from_lower_p.def_jvp(lambda g, ans, x: sym_from_lower_p.bind(g))
sym_from_lower_p.def_vjp(lambda ct, ans, x: sym_from_lower_t_p.bind(ct))

sym_from_lower_t_p = Primitive("sym_from_lower_t")  # its adjoint: tril(ct) + tril(ct^T, -1)
sym_from_lower_t_p.def_impl(_sym_t_impl)
sym_from_lower_t_p.def_shape(lambda x: ShapedArray(x.shape, x.dtype))
sym_from_lower_t_p.def_jvp(lambda g, ans, x: sym_from_lower_t_p.bind(g))
sym_from_lower_t_p.def_vjp(lambda ct, ans, x: sym_from_lower_p.bind(ct))


def _sym_body(transpose_adds):
    def emit(ctx, eqn):
        n = eqn.inputs[0].aval.shape[-1]

        def body(i, o):
            x, y = i[0], o[0]
            lower_ij = f"{x.at('i', 'j')} + {x.at('j', 'i')}" if transpose_adds else x.at("i", "j")
            upper_ij = "0.0" if transpose_adds else x.at("i", "j")  # mirror the lower triangle
            return [f"for i in range({n}):", f"    for j in range(i):", f"        {y.at('i', 'j')} = {lower_ij}",
                    f"        {y.at('j', 'i')} = {upper_ij}", f"    {y.at('i', 'i')} = {x.at('i', 'i')}"]
        emit_loop(ctx, eqn, (2,), (2,), body)
    return emit


sym_from_lower_p.def_emit(_sym_body(False))
sym_from_lower_t_p.def_emit(_sym_body(True))


def sym_from_lower(x):
    """What LAPACK reads with uplo='L': tril(x) + tril(x, -1)^T."""
    return sym_from_lower_p.bind(x)


def sym_from_lower_t(ct):
    """Adjoint of sym_from_lower: tril(ct) + tril(ct^T, -1)."""
    return sym_from_lower_t_p.bind(ct)


diag_part_p = Primitive("diag_part")  # (..., n, n) -> (..., n): the main diagonal
diag_part_p.def_impl(lambda x: np.diagonal(x, 0, -2, -1).copy())
diag_part_p.def_shape(lambda x: ShapedArray(x.shape[:-1], x.dtype))
diag_part_p.def_jvp(lambda g, ans, x: diag_part_p.bind(g))
diag_part_p.def_vjp(lambda ct, ans, x: diag_embed_p.bind(ct))


def _diag_embed_impl(v):
    v = np.asarray(v)
    n = v.shape[-1]
    out = np.zeros(v.shape + (n,), v.dtype)
    out[..., np.arange(n), np.arange(n)] = v
    return out


diag_embed_p = Primitive("diag_embed")  # (..., n) -> (..., n, n): diagonal matrices
diag_embed_p.routes_zeros = True  # its outputs may hold zeros moved from its operands
diag_embed_p.def_impl(_diag_embed_impl)
diag_embed_p.def_shape(lambda v: ShapedArray(v.shape + v.shape[-1:], v.dtype))
diag_embed_p.def_jvp(lambda g, ans, v: diag_embed_p.bind(g))
diag_embed_p.def_vjp(lambda ct, ans, v: diag_part_p.bind(ct))

diag_part_p.def_emit(lambda ctx, eqn: emit_loop(
    ctx, eqn, (2,), (1,), lambda i, o: [f"for j in range({eqn.outvars[0].aval.shape[-1]}):",
                                        f"    {o[0].at('j')} = {i[0].at('j', 'j')}"]))
diag_embed_p.def_emit(lambda ctx, eqn: emit_loop(
    ctx, eqn, (1,), (2,), lambda i, o: [f"for j in range({eqn.inputs[0].aval.shape[-1]}):",
                                        f"    for l in range({eqn.inputs[0].aval.shape[-1]}):",
                                        f"        {o[0].at('j', 'l')} = 0.0",
                                        f"    {o[0].at('j', 'j')} = {i[0].at('j')}"]))


def _add(x, y):
    return add_p.bind(x, y)


def _mul(x, y):
    return multiply_p.bind(x, y)


def _neg(x):
    return negative_p.bind(x)


def _expand_last2(x):
    """(...,) -> (..., 1, 1), to scale a batch of matrices by a batch of scalars."""
    return reshape_p.bind(x, new_shape=_shape(x) + (1, 1))


def _float_square_shape(a, **params):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"expected a stack of square matrices, got shape {a.shape}")
    return ShapedArray(a.shape, float_dtype(a.dtype))


def _solve_shape(a, b, **params):
    _float_square_shape(a)
    if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
        raise ValueError(f"solve: shapes {a.shape} and {b.shape} are incompatible")
    batch = broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return ShapedArray(batch + b.shape[-2:], float_dtype(np.result_type(a.dtype, b.dtype)))


def _batched(fn, a, b):
    """Apply fn(a2, b2) to each pair of matrices after broadcasting the batch axes."""
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim == 2 and b.ndim == 2:
        return fn(a, b)
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, batch + a.shape[-2:])
    b = np.broadcast_to(b, batch + b.shape[-2:])
    out = np.empty(batch + b.shape[-2:], np.result_type(a, b, 1.0))
    for i in np.ndindex(*batch):
        out[i] = fn(a[i], b[i])
    return out


# -- triangular_solve: x = op(a)^{-1} b, op = transpose if trans -----------------------------------------
def _triangular_solve_impl(a, b, lower, trans, unit_diagonal):
    return _batched(lambda a2, b2: solve_triangular(a2, b2, trans=int(trans), lower=lower,
                                                    unit_diagonal=unit_diagonal, check_finite=False), a, b)


def triangular_solve(a, b, lower, trans=False, unit_diagonal=False):
    return triangular_solve_p.bind(a, b, lower=bool(lower), trans=bool(trans), unit_diagonal=bool(unit_diagonal))


def _read_triangle(x, lower, unit_diagonal):
    """The part of x a triangular solve reads: its triangle, without the diagonal if unit."""
    k = -1 if unit_diagonal else 0
    return tril(x, k) if lower else triu(x, -k)


def _triangular_solve_jvp(primals, tangents, lower, trans, unit_diagonal):
    a, b = primals
    da, db = tangents
    x = triangular_solve(a, b, lower, trans, unit_diagonal)
    rhs = db
    if da is not None:
        da = _read_triangle(da, lower, unit_diagonal)
        term = matmul_p.bind(swap_last(da) if trans else da, x)
        rhs = _neg(term) if rhs is None else _add(rhs, _neg(term))
    if _shape(rhs) != _shape(x):
        rhs = broadcast_to_p.bind(rhs, shape=_shape(x))
    return x, triangular_solve(a, rhs, lower, trans, unit_diagonal)


def _triangular_solve_vjp(ct, x, args, lower, trans, unit_diagonal):
    a, b = args
    b_bar = triangular_solve(a, ct, lower, not trans, unit_diagonal)  # op(a)^{-T} ct
    b_neg = _neg(b_bar)  # negate the (n, k) factor, not the (n, n) product
    a_bar = matmul_p.bind(x, swap_last(b_neg)) if trans else matmul_p.bind(b_neg, swap_last(x))
    a_bar = _read_triangle(unbroadcast(a_bar, _shape(a)), lower, unit_diagonal)
    return [a_bar, unbroadcast(b_bar, _shape(b))]


triangular_solve_p = Primitive("triangular_solve")
triangular_solve_p.def_impl(_triangular_solve_impl)
triangular_solve_p.def_shape(_solve_shape)
triangular_solve_p.def_jvp_full(_triangular_solve_jvp)
triangular_solve_p.def_vjp_full(_triangular_solve_vjp)
triangular_solve_p.def_emit(lambda ctx, eqn: emit_call(ctx, eqn, (2, 2), (2,), lambda i, o: [
    f"rl.triangular_solve_into({i[0]}, {i[1]}, {o[0]}, {_flag(eqn.params['lower'])}, {_flag(eqn.params['trans'])}, "
    f"{_flag(eqn.params['unit_diagonal'])})"]))


# -- cholesky: the lower factor L of the matrix whose lower triangle is a's --------------------------
def _cholesky_jvp(primals, tangents):
    (a,), (da,) = primals, tangents
    L = cholesky_p.bind(a)
    x = triangular_solve(L, sym_from_lower(da), True)     # L^{-1} dA
    m = triangular_solve(L, swap_last(x), True)           # L^{-1} dA L^{-T}
    return L, matmul_p.bind(L, phi(m))


def _cholesky_vjp(ct, L, args):
    # Murray (2016), "Differentiation of the Cholesky decomposition", eq. 10: S = L^{-T} Phi(L^T Lbar) L^{-1}
    p = phi(matmul_p.bind(swap_last(L), ct))
    x = triangular_solve(L, p, True, trans=True)                       # L^{-T} P
    s = swap_last(triangular_solve(L, swap_last(x), True, trans=True))  # (L^{-T} X^T)^T = X L^{-1}
    return [sym_from_lower_t(s)]


cholesky_p = Primitive("cholesky")
cholesky_p.def_impl(np.linalg.cholesky)
cholesky_p.def_shape(_float_square_shape)
cholesky_p.def_jvp_full(_cholesky_jvp)
cholesky_p.def_vjp_full(_cholesky_vjp)
cholesky_p.def_emit(lambda ctx, eqn: emit_call(ctx, eqn, (2,), (2,), lambda i, o: [
    f"rl.cholesky_into({i[0]}, {o[0]})"]))


# -- solve (LU), inv, det, slogdet -------------------------------------------------------------------
def _solve_jvp(primals, tangents):
    a, b = primals
    da, db = tangents
    x = solve_p.bind(a, b)
    rhs = db
    if da is not None:
        term = _neg(matmul_p.bind(da, x))
        rhs = term if rhs is None else _add(rhs, term)
    if _shape(rhs) != _shape(x):
        rhs = broadcast_to_p.bind(rhs, shape=_shape(x))
    return x, solve_p.bind(a, rhs)


def _solve_vjp(ct, x, args):
    a, b = args
    b_bar = solve_p.bind(swap_last(a), ct)
    a_bar = matmul_p.bind(_neg(b_bar), swap_last(x))
    return [unbroadcast(a_bar, _shape(a)), unbroadcast(b_bar, _shape(b))]


solve_p = Primitive("solve")  # a^{-1} b by LU with partial pivoting; b is (..., n, k)
solve_p.def_impl(lambda a, b: np.linalg.solve(a, b))
solve_p.def_shape(_solve_shape)
solve_p.def_jvp_full(_solve_jvp)
solve_p.def_vjp_full(_solve_vjp)
solve_p.def_emit(lambda ctx, eqn: emit_call(ctx, eqn, (2, 2), (2,), lambda i, o: [
    f"rl.solve_into({i[0]}, {i[1]}, {o[0]})"]))

inv_p = Primitive("inv")
inv_p.def_impl(np.linalg.inv)
inv_p.def_shape(_float_square_shape)
inv_p.def_jvp(lambda g, ans, a: _neg(matmul_p.bind(ans, matmul_p.bind(g, ans))))
inv_p.def_vjp(lambda ct, ans, a: _neg(matmul_p.bind(swap_last(ans), matmul_p.bind(ct, swap_last(ans)))))
inv_p.def_emit(lambda ctx, eqn: emit_call(ctx, eqn, (2,), (2,), lambda i, o: [f"rl.inv_into({i[0]}, {o[0]})"]))


def _batch_shape(a, **params):
    _float_square_shape(a)
    return ShapedArray(a.shape[:-2], float_dtype(a.dtype))


def _trace_of_inv_times(a, g):
    """trace(a^{-1} g) for each matrix of the batch."""
    n = len(_shape(a))
    return reduce_sum_p.bind(_mul(swap_last(inv_p.bind(a)), g), axes=(n - 2, n - 1))


det_p = Primitive("det")
det_p.def_impl(np.linalg.det)
det_p.def_shape(_batch_shape)
det_p.def_jvp(lambda g, ans, a: _mul(ans, _trace_of_inv_times(a, g)))
det_p.def_vjp(lambda ct, ans, a: _mul(_expand_last2(_mul(ct, ans)), swap_last(inv_p.bind(a))))
det_p.def_emit(lambda ctx, eqn: emit_call(ctx, eqn, (2,), (0,), lambda i, o: [f"{o[0]} = rl.det({i[0]})"]))


def _slogdet_jvp(primals, tangents):
    (a,), (da,) = primals, tangents
    sign, logabsdet = slogdet_p.bind(a)
    return [sign, logabsdet], [None, _trace_of_inv_times(a, da)]


def _slogdet_vjp(cts, ans, args):
    ct = cts[1]  # the sign is piecewise constant: no gradient
    if ct is None:
        return [None]
    return [_mul(_expand_last2(ct), swap_last(inv_p.bind(args[0])))]


def _emit_slogdet(ctx, eqn):
    t = ctx.tmp()
    emit_call(ctx, eqn, (2,), (0, 0), lambda i, o: [f"{t} = rl.slogdet({i[0]})", f"{o[0]} = {t}[0]",
                                                       f"{o[1]} = {t}[1]"])


slogdet_p = Primitive("slogdet", multiple_results=True)  # [sign, log|det|]
slogdet_p.def_impl(lambda a: list(np.linalg.slogdet(a)))
slogdet_p.def_shape(lambda a: [_batch_shape(a)] * 2)
slogdet_p.def_jvp_full(_slogdet_jvp)
slogdet_p.def_vjp_full(_slogdet_vjp)
slogdet_p.def_emit(_emit_slogdet)


# -- eigh: eigenvalues (ascending) and eigenvectors of the matrix whose lower triangle is a's ----------
def _inverse_gaps(w):
    """F[..., i, j] = 1 / (w_j - w_i) off the diagonal, 0 on it."""
    batch, n = _shape(w)[:-1], _shape(w)[-1]
    diff = subtract_p.bind(reshape_p.bind(w, new_shape=batch + (1, n)), reshape_p.bind(w, new_shape=batch + (n, 1)))
    eye = np.eye(n, dtype=bool)
    return where_p.bind(eye, 0.0, reciprocal_p.bind(where_p.bind(eye, 1.0, diff)))


def _eigh_jvp(primals, tangents):
    (a,), (da,) = primals, tangents
    w, v = eigh_p.bind(a)
    m = matmul_p.bind(swap_last(v), matmul_p.bind(sym_from_lower(da), v))  # V^T dA V
    dv = matmul_p.bind(v, _mul(_inverse_gaps(w), m))
    return [w, v], [diag_part_p.bind(m), dv]


def _eigh_vjp(cts, ans, args):
    w_bar, v_bar = cts
    w, v = ans
    g = None if w_bar is None else diag_embed_p.bind(w_bar)
    if v_bar is not None:
        term = _mul(_inverse_gaps(w), matmul_p.bind(swap_last(v), v_bar))
        g = term if g is None else _add(g, term)
    if g is None:
        return [None]
    return [sym_from_lower_t(matmul_p.bind(v, matmul_p.bind(g, swap_last(v))))]


eigh_p = Primitive("eigh", multiple_results=True)  # [w (..., n), v (..., n, n)], UPLO='L'
eigh_p.def_impl(lambda a: list(np.linalg.eigh(a, UPLO="L")))
eigh_p.def_shape(lambda a: [ShapedArray(a.shape[:-1], float_dtype(a.dtype)), _float_square_shape(a)])
eigh_p.def_jvp_full(_eigh_jvp)
eigh_p.def_vjp_full(_eigh_vjp)

JACOBI_MAX_N = 12  # measured: Jacobi beats the LAPACK call up to n ~ 10 and compiles in 1 s instead of 10 s


def _emit_eigh(ctx, eqn):
    kernel = "eigh_jacobi_into" if eqn.inputs[0].aval.shape[-1] <= JACOBI_MAX_N else "eigh_into"
    emit_call(ctx, eqn, (2,), (1, 2), lambda i, o: [f"rl.{kernel}({i[0]}, {o[0]}, {o[1]})"])


eigh_p.def_emit(_emit_eigh)
