"""Differentiable control flow: scan, cond/switch, while_loop and fori_loop.

Without jit these run as ordinary Python loops and branches on concrete values, so every
transform sees plain primitives. While a function is being staged (under jit) they become
primitives holding the body as a Graph, with impl, shape, JVP, VJP and emitter side by side.
"""
import re

import numpy as np

from . import numpy as anp
from .avals import ShapedArray, get_aval, is_float
from .codegen import scalarise
from .codegen.emit import dtype_code, emit_copy, shape_code
from .core import Primitive, concrete_or_none, staging_active
from .errors import ConcretizationError
from .eager_loops import MIN_TRACED_LENGTH, any_tracer, graph_uses, run_scan, run_while, trace_body
from .graph import Graph, Var, eval_graph
from .jvp import jvp_flat
from .staging import make_graph
from .tree import tree_flatten, tree_unflatten
from .vjp import vjp_flat


def _aval(x):
    a = get_aval(x)
    return ShapedArray(a.shape, a.dtype)


def _placed(n, positions, values):
    """A list of n entries holding values at positions and None (a zero) elsewhere."""
    out = [None] * n
    for i, v in zip(positions, values):
        out[i] = v
    return out


def _zeros(aval):
    return np.zeros(aval.shape, aval.dtype) if aval.shape else aval.dtype.type(0)


def _float_zeros_or_none(aval):
    return _zeros(aval) if is_float(aval.dtype) else None


# =============================================================================================
# scan


def scan(f, init, xs=None, length=None, reverse=False):
    """Loop `carry, y = f(carry, x)` over the leading axis of xs; return (carry, stacked ys).

    Same contract as jax.lax.scan: `xs` is a pytree of arrays sharing their leading dimension
    (or None with `length` given); the carry keeps its structure, shapes and dtypes.
    """
    x_leaves, x_tree = tree_flatten(xs)
    lengths = {get_aval(x).shape[0] for x in x_leaves if get_aval(x).shape}
    if any(not get_aval(x).shape for x in x_leaves):
        raise ValueError("scan: every leaf of xs needs a leading axis to scan over")
    if length is None:
        if len(lengths) != 1:
            raise ValueError(f"scan: xs leaves have leading dimensions {sorted(lengths)}; they must agree "
                             "(or pass length= when xs is None)")
        length = lengths.pop()
    elif lengths and lengths != {length}:
        raise ValueError(f"scan: length={length} disagrees with the leading dimension of xs {sorted(lengths)}")
    c_leaves, c_tree = tree_flatten(init)
    eager = not staging_active()
    if eager and 0 < length < MIN_TRACED_LENGTH:  # tracing the body costs more than these steps
        return _python_scan(f, init, x_leaves, x_tree, length, reverse)
    c_avals = [_aval(c) for c in c_leaves]
    x_avals = [ShapedArray(get_aval(x).shape[1:], get_aval(x).dtype) for x in x_leaves]
    y_tree_box = []

    def flat_body(*args):
        carry = tree_unflatten(c_tree, args[:len(c_leaves)])
        new_carry, y = f(carry, tree_unflatten(x_tree, args[len(c_leaves):]))
        nc_leaves, nc_tree = tree_flatten(new_carry)
        if nc_tree != c_tree:
            raise TypeError(f"scan: the body must return a carry with the structure of init {c_tree}, got {nc_tree}")
        y_leaves, y_tree = tree_flatten(y)
        y_tree_box.append(y_tree)
        return list(nc_leaves) + list(y_leaves)

    if eager and length > 0:  # trace the body once, then run it per step (or fall back to Python)
        traced = trace_body(flat_body, c_avals + x_avals, "scan")
        if traced is None or not _eager_graph_keeps_semantics(traced, c_leaves + x_leaves, c_avals):
            return _python_scan(f, init, x_leaves, x_tree, length, reverse)
        graph, consts, _, _ = traced
    else:
        graph, consts, _ = make_graph(flat_body, c_avals + x_avals)
        _check_carry("scan", c_avals, graph.out_avals[:len(c_avals)])
    outs = scan_p.bind(*consts, *c_leaves, *x_leaves, graph=graph, num_consts=len(consts),
                       num_carry=len(c_leaves), length=length, reverse=reverse)
    return tree_unflatten(c_tree, outs[:len(c_leaves)]), tree_unflatten(y_tree_box[0], outs[len(c_leaves):])


def _eager_graph_keeps_semantics(traced, operands, c_avals):
    """Whether binding the once-traced body gives what the Python loop gives. Without tracers it
    does, once the carry keeps its avals (else the Python loop raises its own error). Under eager
    differentiation the Python loop differs in two ways: a custom_jvp / custom_vjp function
    applies its own rule (staging inlines it), and while_loop has reverse mode."""
    graph, consts, _, custom_inlined = traced
    if [ShapedArray(a.shape, a.dtype) for a in graph.out_avals[:len(c_avals)]] != c_avals:
        return False
    if not any_tracer(list(consts) + list(operands)):
        return True
    return not custom_inlined and not graph_uses(graph, (while_p,))


def _python_scan(f, init, x_leaves, x_tree, length, reverse):
    """The scan as a Python loop calling f on every step (eager bodies that cannot be traced)."""
    carry, ys = init, []
    c_leaves0, c_tree = tree_flatten(init)
    steps = range(length - 1, -1, -1) if reverse else range(length)
    for i in steps:
        carry, y = f(carry, tree_unflatten(x_tree, [x[i] for x in x_leaves]))
        if not ys:  # the same contract as under jit: the carry keeps structure, shapes and dtypes
            nc_leaves, nc_tree = tree_flatten(carry)
            if nc_tree != c_tree:
                raise TypeError(f"scan: the body must return a carry with the structure of init {c_tree}, "
                                f"got {nc_tree}")
            _check_carry("scan", [_aval(c) for c in c_leaves0], [_aval(c) for c in nc_leaves])
        ys.append(y)
    if reverse:
        ys.reverse()
    y_leaves0, y_tree = tree_flatten(ys[0])
    stacked = [anp.stack([tree_flatten(y)[0][k] for y in ys]) for k in range(len(y_leaves0))]
    return carry, tree_unflatten(y_tree, stacked)


def _check_carry(what, c_in, c_out):
    for a, b in zip(c_in, c_out):
        if a != b:
            raise TypeError(f"{what}: the carry must keep its shape and dtype across iterations; it enters as "
                            f"{a} and the body returns {b}. Cast the initial value (e.g. 0.0 instead of 0) or "
                            "fix the body.")


def _split_scan(args, num_consts, num_carry):
    return args[:num_consts], args[num_consts:num_consts + num_carry], args[num_consts + num_carry:]


def _scan_impl(*args, graph, num_consts, num_carry, length, reverse):
    consts, carry, xs = _split_scan(list(args), num_consts, num_carry)
    return run_scan(graph, consts, carry, xs, num_carry, length, reverse)


def _scan_shape(*avals, graph, num_consts, num_carry, length, reverse):
    outs = graph.out_avals
    return list(outs[:num_carry]) + [ShapedArray((length,) + a.shape, a.dtype) for a in outs[num_carry:]]


def _scan_jvp(primals, tangents, graph, num_consts, num_carry, length, reverse):
    consts, carry, xs = _split_scan(list(primals), num_consts, num_carry)
    t_consts, t_carry, t_xs = _split_scan(list(tangents), num_consts, num_carry)
    nz_consts = [i for i, t in enumerate(t_consts) if t is not None]
    nz_xs = [i for i, t in enumerate(t_xs) if t is not None]
    c_avals = [_aval(c) for c in carry]
    float_carry = [i for i, a in enumerate(c_avals) if is_float(a.dtype)]
    t_carry = [t_carry[i] if t_carry[i] is not None else _zeros(c_avals[i]) for i in float_carry]
    nc, nk, nx = len(consts), len(carry), len(xs)
    n_out_y = len(graph.outs) - num_carry

    def jvp_body(*args):
        k = 0
        cs, k = list(args[k:k + nc]), k + nc
        dcs, k = list(args[k:k + len(nz_consts)]), k + len(nz_consts)
        cy, k = list(args[k:k + nk]), k + nk
        dcy, k = list(args[k:k + len(float_carry)]), k + len(float_carry)
        x, k = list(args[k:k + nx]), k + nx
        dx = list(args[k:])
        tan_c = _placed(nc, nz_consts, dcs)
        tan_cy = _placed(nk, float_carry, dcy)
        tan_x = _placed(nx, nz_xs, dx)
        outs, douts = jvp_flat(lambda *a: eval_graph(graph, a[:nc], a[nc:]), cs + cy + x, tan_c + tan_cy + tan_x)
        out_avals = graph.out_avals
        d_carry = [douts[i] if douts[i] is not None else _zeros(out_avals[i]) for i in float_carry]
        y_float = [j for j in range(n_out_y) if is_float(out_avals[num_carry + j].dtype)]
        d_y = [douts[num_carry + j] if douts[num_carry + j] is not None else _zeros(out_avals[num_carry + j])
               for j in y_float]
        jvp_body.y_float = y_float
        return outs[:num_carry] + d_carry + outs[num_carry:] + d_y

    in_avals = ([_aval(c) for c in consts] + [_aval(consts[i]) for i in nz_consts] + c_avals
                + [c_avals[i] for i in float_carry] + [ShapedArray(get_aval(x).shape[1:], get_aval(x).dtype) for x in xs]
                + [ShapedArray(get_aval(xs[i]).shape[1:], get_aval(xs[i]).dtype) for i in nz_xs])
    jgraph, jconsts, _ = make_graph(jvp_body, in_avals)
    # body outputs are ordered carry, carry-dot, ys, ys-dot: the carry part is (carry + carry-dot)
    operands = (list(jconsts) + list(consts) + [t_consts[i] for i in nz_consts] + list(carry) + t_carry
                + list(xs) + [t_xs[i] for i in nz_xs])
    outs = scan_p.bind(*operands, graph=jgraph, num_consts=len(jconsts) + nc + len(nz_consts),
                       num_carry=nk + len(float_carry), length=length, reverse=reverse)
    carry_out, d_carry_out = outs[:nk], outs[nk:nk + len(float_carry)]
    rest = outs[nk + len(float_carry):]
    ys, d_ys = rest[:n_out_y], rest[n_out_y:]
    tangents_out = _placed(nk + n_out_y, float_carry, d_carry_out)
    for j, t in zip(jvp_body.y_float, d_ys):
        tangents_out[nk + j] = t
    return list(carry_out) + list(ys), tangents_out


# A step's residuals (values of the forward pass its backward pass reads) are stored per step when
# they hold at most this many elements; otherwise the backward pass recomputes them from the carry.
RESIDUAL_LIMIT = 4096


def _scan_vjp_fwd(*args, graph, num_consts, num_carry, length, reverse):
    """Forward pass for reverse mode: the scan's outputs plus, as residuals, the carry entering
    each step and the intermediate values of each step that the backward pass reads (so the
    backward pass neither runs the loop forward again nor recomputes those values)."""
    consts, carry, xs = _split_scan(list(args), num_consts, num_carry)
    nc, nk, nx = len(consts), len(carry), len(xs)
    back = _BackwardStep(graph, consts, carry, xs)
    primal, kept, saved = back.split()
    if not saved or sum(v.aval.size for v in saved) > RESIDUAL_LIMIT:
        primal, kept, saved = None, None, []
    inv = back.graph.invars
    step_graph = Graph(back.graph.constvars, inv[:nc] + back.carry_in_vars + back.x_vars, primal or [], saved)

    def fwd_body(*a):
        out = eval_graph(graph, a[:nc], a[nc:])
        carry_in, x = list(a[nc:nc + nk]), list(a[nc + nk:])
        return out + carry_in + eval_graph(step_graph, back.consts, list(a[:nc]) + carry_in + x)

    c_avals = [_aval(c) for c in carry]
    x_avals = [ShapedArray(get_aval(x).shape[1:], get_aval(x).dtype) for x in xs]
    fgraph, fconsts, _ = make_graph(fwd_body, [_aval(c) for c in consts] + c_avals + x_avals)
    fouts = scan_p.bind(*fconsts, *consts, *carry, *xs, graph=fgraph, num_consts=len(fconsts) + nc,
                        num_carry=nk, length=length, reverse=reverse)
    n_out = len(graph.outs)
    carries_in, stacked = fouts[n_out:n_out + nk], fouts[n_out + nk:]
    if not saved:
        return fouts[:n_out], (carries_in, None, back)
    bgraph = Graph(back.graph.constvars, list(inv) + saved, kept, back.graph.outs)
    return fouts[:n_out], (carries_in, (bgraph, stacked), back)


class _BackwardStep:
    """One step of the backward scan as a Graph: (consts, ct_carry, acc_ct_consts, carry_in, x, ct_y)
    -> (ct_carry_in, acc_ct_consts + ct_consts, ct_x), recomputing the step's forward values."""

    def __init__(self, graph, consts, carry, xs):
        nc, nk, nx = len(consts), len(carry), len(xs)
        out_avals = graph.out_avals
        self.y_avals = y_avals = out_avals[nk:]
        self.c_avals = c_avals = [_aval(c) for c in carry]
        self.x_avals = x_avals = [ShapedArray(get_aval(x).shape[1:], get_aval(x).dtype) for x in xs]
        self.float_consts = float_consts = [i for i, c in enumerate(consts) if is_float(get_aval(c).dtype)]
        self.float_xs = float_xs = [i for i, x in enumerate(xs) if is_float(get_aval(x).dtype)]
        self.float_carry = float_carry = [i for i, a in enumerate(c_avals) if is_float(a.dtype)]

        def bwd_body(*a):
            k = 0
            cs, k = list(a[:nc]), nc
            ctc, k = list(a[k:k + nk]), k + nk
            acc, k = list(a[k:k + len(float_consts)]), k + len(float_consts)
            c_t, k = list(a[k:k + nk]), k + nk
            x_t, k = list(a[k:k + nx]), k + nx
            cty = list(a[k:])
            _, pullback = vjp_flat(lambda *z: eval_graph(graph, z[:nc], z[nc:]), cs + c_t + x_t)
            y_cts = [c if is_float(av.dtype) else None for c, av in zip(cty, y_avals)]
            grads = pullback([ctc[i] if i in float_carry else None for i in range(nk)] + y_cts)
            g_consts, g_carry, g_x = grads[:nc], grads[nc:nc + nk], grads[nc + nk:]
            new_ctc = [g_carry[i] if g_carry[i] is not None else _zeros(c_avals[i]) if i in float_carry else ctc[i]
                       for i in range(nk)]
            new_acc = [anp.add(acc[j], g_consts[i]) if g_consts[i] is not None else acc[j]
                       for j, i in enumerate(float_consts)]
            gx = [g_x[i] if g_x[i] is not None else _zeros(x_avals[i]) for i in float_xs]
            return new_ctc + new_acc + gx

        b_in_avals = ([_aval(c) for c in consts] + c_avals + [_aval(consts[i]) for i in float_consts] + c_avals
                      + x_avals + [ShapedArray(a.shape, a.dtype if is_float(a.dtype) else np.float64) for a in y_avals])
        self.graph, self.consts, _ = make_graph(bwd_body, b_in_avals)
        inv = self.graph.invars
        start = nc + nk + len(float_consts)
        self.const_vars, self.carry_in_vars, self.x_vars = inv[:nc], inv[start:start + nk], inv[start + nk:start + nk + nx]

    def split(self):
        """(primal eqns, the other eqns, saved vars): the equations computing the step's forward
        values from (consts, carry_in, x) alone; the rest, which read cotangents; and the values of
        the first the second read. Equations reading only constants stay in both."""
        step_inputs = set(self.carry_in_vars) | set(self.x_vars)
        known = set(self.const_vars) | set(self.graph.constvars) | step_inputs
        per_step, primal, kept = set(step_inputs), [], []
        for e in self.graph.eqns:
            ins = [x for x in e.inputs if isinstance(x, Var)]
            if all(x in known for x in ins):
                primal.append(e)
                known.update(e.outvars)
                if any(x in per_step for x in ins):
                    per_step.update(e.outvars)
                    continue
            kept.append(e)
        saved = []
        for x in [x for e in kept for x in e.inputs] + list(self.graph.outs):
            if isinstance(x, Var) and x in per_step and x not in step_inputs and x not in saved:
                saved.append(x)
        return primal, kept, saved


def _scan_vjp_bwd(cts, residuals, args, graph, num_consts, num_carry, length, reverse):
    consts, carry, xs = _split_scan(list(args), num_consts, num_carry)
    carries_in, plan, back = residuals
    nc, nk, nx = len(consts), len(carry), len(xs)
    out_avals = graph.out_avals
    ct_carry = [c if c is not None else _zeros(a) for c, a in zip(cts[:nk], out_avals[:nk])]
    ct_ys = [c if c is not None else np.zeros((length,) + a.shape, a.dtype if is_float(a.dtype) else np.float64)
             for c, a in zip(cts[nk:], back.y_avals)]
    float_consts, float_xs, float_carry = back.float_consts, back.float_xs, back.float_carry
    c_avals = back.c_avals

    # the backward pass: a scan in the opposite direction carrying (ct_carry, accumulated ct_consts)
    bgraph, stacked = plan if plan is not None else (back.graph, [])
    ct_carry_in = [ct_carry[i] if i in float_carry else _zeros(c_avals[i]) for i in range(nk)]
    acc0 = [_zeros(_aval(consts[i])) for i in float_consts]
    bouts = scan_p.bind(*back.consts, *consts, *ct_carry_in, *acc0, *carries_in, *xs, *ct_ys, *stacked,
                        graph=bgraph, num_consts=len(back.consts) + nc, num_carry=nk + len(float_consts),
                        length=length, reverse=not reverse)
    ct_init = bouts[:nk]
    ct_consts_acc = bouts[nk:nk + len(float_consts)]
    ct_xs_stacked = bouts[nk + len(float_consts):]
    ct_consts = _placed(nc, float_consts, ct_consts_acc)
    ct_xs = _placed(nx, float_xs, ct_xs_stacked)
    ct_init = [c if i in float_carry else None for i, c in enumerate(ct_init)]
    return ct_consts + ct_init + ct_xs


def _emit_scan(ctx, eqn):
    """A for loop over the body's inlined code. Small carries (codegen/scalarise.py) are scalar
    locals updated together at the end of each step; array carries live in buffers allocated once
    and updated by copying, so the body's own arrays can be allocated once, before the loop (an
    allocation per step costs more than the small-array work of an HMM step)."""
    p = eqn.params
    graph, nc, nk, length = p["graph"], p["num_consts"], p["num_carry"], p["length"]
    consts, carry, xs = _split_scan(eqn.inputs, nc, nk)
    outs = eqn.outvars
    carry_names = [ctx.name(v) for v in outs[:nk]]
    carry_exprs = []
    for name, c in zip(carry_names, carry):
        if scalarise.is_small(c.aval):
            init = scalarise.elements(ctx, c)
            locals_ = [f"{name}_{k}" for k in range(c.aval.size)]
            ctx.line(f"{', '.join(locals_)} = {', '.join(init)}")
            carry_exprs.append(locals_)
        elif c.aval.shape:
            src = scalarise.materialise(ctx, c)
            ctx.line(f"{name} = np.empty({shape_code(c.aval.shape)}, {dtype_code(c.aval.dtype)})")
            emit_copy(ctx, name, lambda idx: idx, src, c.aval.shape)
            carry_exprs.append(name)
        else:
            ctx.line(f"{name} = {ctx.name(c)}")
            carry_exprs.append(name)
    const_exprs = [list(ctx.elems[c]) if isinstance(c, Var) and c in ctx.elems else ctx.name(c) for c in consts]
    xs_names = [scalarise.materialise(ctx, x) if isinstance(x, Var) else ctx.name(x) for x in xs]
    for v in outs[nk:]:
        ctx.line(f"{ctx.name(v)} = np.empty({shape_code(v.aval.shape)}, {dtype_code(v.aval.dtype)})")
    t = ctx.tmp("t")
    header = f"for {t} in range({length - 1}, -1, -1):" if p["reverse"] else f"for {t} in range({length}):"
    outer_lines, depth0 = ctx.lines, ctx.depth
    ctx.lines, ctx.depth = [], depth0 + 1
    x_exprs = []
    for x, name in zip(xs, xs_names):
        if scalarise.is_small(ShapedArray(x.aval.shape[1:], x.aval.dtype)):
            locals_ = []
            for idx in np.ndindex(*x.aval.shape[1:]):
                local = f"{name}_t_{'_'.join(map(str, idx))}"
                ctx.line(f"{local} = {name}[{', '.join([t] + [str(i) for i in idx])}]")
                locals_.append(local)
            x_exprs.append(locals_)
        else:
            x_exprs.append(f"{name}[{t}]")
    body_outs = ctx.emit_graph_inline(graph, carry_exprs + x_exprs, const_exprs, elements=True)
    for v, out in zip(outs[nk:], body_outs[nk:]):
        if isinstance(out, list):
            for idx, code in zip(np.ndindex(*v.aval.shape[1:]), out):
                ctx.line(f"{ctx.name(v)}[{', '.join([t] + [str(i) for i in idx])}] = {code}")
        else:
            emit_copy(ctx, ctx.name(v), lambda idx: [t] + idx, out, v.aval.shape[1:])
    _emit_scalar_carry_update(ctx, carry_exprs, body_outs[:nk], carry)
    arrays = [k for k, c in enumerate(carry) if c.aval.shape and not scalarise.is_small(c.aval)]
    _emit_carry_update(ctx, graph, [carry_names[k] for k in arrays], [body_outs[k] for k in arrays],
                       [outs[k] for k in arrays], [graph.outs[k] for k in arrays])
    body, ctx.lines, ctx.depth = ctx.lines, outer_lines, depth0
    top = "    " * (depth0 + 1)
    kept = []
    for ln in body:
        m = _ALLOC.match(ln.strip()) if ln.startswith(top) and not ln.startswith(top + " ") else None
        if m is None:
            kept.append(ln)
            continue
        name, fn, rest = m.groups()
        ctx.line(f"{name} = np.empty{rest}")
        if fn == "zeros":  # an accumulator: zeroed in place on every step
            kept.append(f"{top}{name}.fill(0)")
    ctx.line(header)
    ctx.lines += kept
    for v, c, e in zip(outs[:nk], carry, carry_exprs):
        if isinstance(e, list):
            ctx.elems[v] = e


_emit_scan.reads_elements = True  # takes scalarised consts and carries as they are


def _emit_scalar_carry_update(ctx, carry_exprs, body_outs, carry):
    """Scalar and small carries <- the body's outputs, in one tuple assignment (every right-hand
    side is read before any carry changes)."""
    lhs, rhs = [], []
    for e, out, c in zip(carry_exprs, body_outs, carry):
        if isinstance(e, list):
            lhs += e
            rhs += out if isinstance(out, list) else [
                f"{out}[{', '.join(map(str, idx))}]" for idx in np.ndindex(*c.aval.shape)]
        elif not c.aval.shape:
            lhs.append(e)
            rhs.append(out)
    pairs = [(a, b) for a, b in zip(lhs, rhs) if a != b]
    if pairs:
        ctx.line(f"{', '.join(a for a, _ in pairs)} = {', '.join(b for _, b in pairs)}")


# `name = np.empty((3, 2,), np.float64)` (or np.zeros): a fixed-shape allocation that can move out of a loop
_ALLOC = re.compile(r"^(\w+) = np\.(empty|zeros)(\(\((?:\d+, ?)*\), np\.\w+\))$")


def _emit_carry_update(ctx, graph, names, body_outs, out_vars, atoms):
    """Array carries <- the body's outputs. An output that is a fresh array of this step is copied
    in directly; any other (an input or a view that may alias a carry buffer) goes through its own
    buffer first, so that every old carry value is read before any carry is overwritten."""
    fresh = {v for e in graph.eqns if e.primitive.scalar_template is not None for v in e.outvars}
    direct = []
    for name, out, v, atom in zip(names, body_outs, out_vars, atoms):
        if not v.aval.shape or out == name:
            direct.append((name, out, v))
        elif atom in fresh:
            direct.append((name, out, v))
        else:
            tmp = ctx.tmp("c")
            ctx.line(f"{tmp} = np.empty({shape_code(v.aval.shape)}, {dtype_code(v.aval.dtype)})")
            emit_copy(ctx, tmp, lambda idx: idx, out, v.aval.shape)
            direct.append((name, tmp, v))
    for name, src, v in direct:
        if not v.aval.shape:
            ctx.line(f"{name} = {src}")
        elif src != name:
            emit_copy(ctx, name, lambda idx: idx, src, v.aval.shape)


scan_p = Primitive("scan", multiple_results=True)
scan_p.def_impl(_scan_impl)
scan_p.def_shape(_scan_shape)
scan_p.def_jvp_full(_scan_jvp)
scan_p.def_vjp_residuals(_scan_vjp_fwd, _scan_vjp_bwd)
scan_p.def_emit(_emit_scan)


# =============================================================================================
# cond / switch


def switch(index, branches, *operands):
    """Apply branches[index](*operands); index is clamped to the valid range, as in jax.lax.switch."""
    branches = list(branches)
    idx = concrete_or_none(index)
    if idx is not None or not staging_active():
        if idx is None:
            raise TypeError("switch: the index must be concrete outside jit")
        k = int(np.clip(int(np.asarray(idx)), 0, len(branches) - 1))
        return branches[k](*operands)
    op_leaves, op_tree = tree_flatten(operands)
    avals = [_aval(x) for x in op_leaves]
    graphs, consts_list, trees = [], [], []
    for br in branches:
        g, c, t = make_graph(lambda *a, br=br: br(*tree_unflatten(op_tree, a)), avals)
        graphs.append(g), consts_list.append(c), trees.append(t)
    for g, t in zip(graphs[1:], trees[1:]):
        if t != trees[0] or g.out_avals != graphs[0].out_avals:
            raise TypeError("cond/switch: all branches must return the same structure, shapes and dtypes; got "
                            f"{trees[0]} {graphs[0].out_avals} and {t} {g.out_avals}")
    index = anp.clip(anp.astype(index, np.int64), 0, len(branches) - 1)
    flat_consts = [c for cs in consts_list for c in cs]
    outs = cond_p.bind(index, *flat_consts, *op_leaves, branches=tuple(graphs),
                       const_counts=tuple(len(c) for c in consts_list))
    return tree_unflatten(trees[0], outs)


def cond(pred, true_fun, false_fun, *operands):
    """true_fun(*operands) if pred else false_fun(*operands); under jit both branches are compiled."""
    p = concrete_or_none(pred)
    if p is not None:
        return true_fun(*operands) if bool(np.asarray(p)) else false_fun(*operands)
    if get_aval(pred).shape != ():
        raise TypeError(f"cond: pred must be a scalar boolean, got shape {get_aval(pred).shape}")
    return switch(anp.astype(pred, np.int64), [false_fun, true_fun], *operands)


def _split_cond(args, const_counts):
    index, rest = args[0], list(args[1:])
    consts, k = [], 0
    for n in const_counts:
        consts.append(rest[k:k + n])
        k += n
    return index, consts, rest[k:]


def _cond_impl(*args, branches, const_counts):
    index, consts, ops = _split_cond(args, const_counts)
    k = int(np.asarray(index))
    return eval_graph(branches[k], consts[k], ops)


def _cond_shape(*avals, branches, const_counts):
    return branches[0].out_avals


def _cond_jvp(primals, tangents, branches, const_counts):
    index, consts, ops = _split_cond(primals, const_counts)
    _, t_consts, t_ops = _split_cond(tangents, const_counts)
    all_consts = [c for cs in consts for c in cs]
    all_t = [t if t is not None else _float_zeros_or_none(_aval(c))
             for ts, cs in zip(t_consts, consts) for t, c in zip(ts, cs)]
    t_ops = [t if t is not None else _float_zeros_or_none(_aval(o)) for t, o in zip(t_ops, ops)]
    nz_c = [i for i, t in enumerate(all_t) if t is not None]
    nz_o = [i for i, t in enumerate(t_ops) if t is not None]
    out_avals = branches[0].out_avals
    float_out = [i for i, a in enumerate(out_avals) if is_float(a.dtype)]
    offsets = np.cumsum([0] + list(const_counts))
    new_branches = []
    in_avals = ([_aval(c) for c in all_consts] + [_aval(all_consts[i]) for i in nz_c] + [_aval(o) for o in ops]
                + [_aval(ops[i]) for i in nz_o])
    for b, g in enumerate(branches):
        def body(*a, g=g, b=b):
            nca = len(all_consts)
            cs, dcs = list(a[:nca]), list(a[nca:nca + len(nz_c)])
            os_ = list(a[nca + len(nz_c):nca + len(nz_c) + len(ops)])
            dos = list(a[nca + len(nz_c) + len(ops):])
            tc = _placed(nca, nz_c, dcs)
            to = _placed(len(ops), nz_o, dos)
            lo, hi = offsets[b], offsets[b + 1]
            outs, douts = jvp_flat(lambda *z: eval_graph(g, z[:hi - lo], z[hi - lo:]), cs[lo:hi] + os_,
                                   tc[lo:hi] + to)
            return outs + [douts[i] if douts[i] is not None else _zeros(out_avals[i]) for i in float_out]
        jg, jc, _ = make_graph(body, in_avals)
        new_branches.append((jg, jc))
    flat_consts = [c for _, jc in new_branches for c in jc]
    outs = cond_p.bind(index, *flat_consts, *all_consts, *[all_t[i] for i in nz_c], *ops, *[t_ops[i] for i in nz_o],
                       branches=tuple(g for g, _ in new_branches),
                       const_counts=tuple(len(jc) for _, jc in new_branches))
    n = len(out_avals)
    tangents_out = _placed(n, float_out, outs[n:])
    return outs[:n], tangents_out


def _cond_vjp(cts, ans, args, branches, const_counts):
    index, consts, ops = _split_cond(args, const_counts)
    all_consts = [c for cs in consts for c in cs]
    out_avals = branches[0].out_avals
    cts = [c if c is not None else _float_zeros_or_none(a) for c, a in zip(cts, out_avals)]
    float_out = [i for i, c in enumerate(cts) if c is not None]
    float_c = [i for i, c in enumerate(all_consts) if is_float(get_aval(c).dtype)]
    float_o = [i for i, o in enumerate(ops) if is_float(get_aval(o).dtype)]
    offsets = np.cumsum([0] + list(const_counts))
    in_avals = [_aval(c) for c in all_consts] + [_aval(o) for o in ops] + [out_avals[i] for i in float_out]
    new_branches = []
    for b, g in enumerate(branches):
        def body(*a, g=g, b=b):
            nca = len(all_consts)
            cs, os_, ct = list(a[:nca]), list(a[nca:nca + len(ops)]), list(a[nca + len(ops):])
            lo, hi = offsets[b], offsets[b + 1]
            _, pullback = vjp_flat(lambda *z: eval_graph(g, z[:hi - lo], z[hi - lo:]), cs[lo:hi] + os_)
            full_ct = _placed(len(out_avals), float_out, ct)
            grads = pullback(full_ct)
            gc = [None] * nca
            gc[lo:hi] = grads[:hi - lo]
            go = grads[hi - lo:]
            return ([gc[i] if gc[i] is not None else _zeros(_aval(all_consts[i])) for i in float_c]
                    + [go[i] if go[i] is not None else _zeros(_aval(ops[i])) for i in float_o])
        jg, jc, _ = make_graph(body, in_avals)
        new_branches.append((jg, jc))
    flat_consts = [c for _, jc in new_branches for c in jc]
    outs = cond_p.bind(index, *flat_consts, *all_consts, *ops, *[cts[i] for i in float_out],
                       branches=tuple(g for g, _ in new_branches),
                       const_counts=tuple(len(jc) for _, jc in new_branches))
    ct_consts = _placed(len(all_consts), float_c, outs[:len(float_c)])
    ct_ops = _placed(len(ops), float_o, outs[len(float_c):])
    return [None] + ct_consts + ct_ops


def _emit_cond(ctx, eqn):
    p = eqn.params
    index, consts, ops = _split_cond(eqn.inputs, p["const_counts"])
    outs = [ctx.name(v) for v in eqn.outvars]
    for b, g in enumerate(p["branches"]):
        if b == 0:
            header = f"if {ctx.name(index)} <= 0:"
        elif b == len(p["branches"]) - 1:
            header = "else:"
        else:
            header = f"elif {ctx.name(index)} == {b}:"
        with ctx.block(header):
            res = ctx.emit_graph_inline(g, [ctx.name(o) for o in ops], [ctx.name(c) for c in consts[b]])
            for name, r in zip(outs, res):
                ctx.line(f"{name} = {r}")


cond_p = Primitive("cond", multiple_results=True)
cond_p.def_impl(_cond_impl)
cond_p.def_shape(_cond_shape)
cond_p.def_jvp_full(_cond_jvp)
cond_p.def_vjp_full(_cond_vjp)
cond_p.def_emit(_emit_cond)


# =============================================================================================
# while_loop and fori_loop


def while_loop(cond_fun, body_fun, init_val):
    """while cond_fun(val): val = body_fun(val); return val. Forward-mode differentiable under jit;
    reverse mode works without jit (the loop runs in Python) but not under jit."""
    leaves, tree = tree_flatten(init_val)
    if not staging_active():
        return _eager_while(cond_fun, body_fun, init_val, leaves, tree)
    avals = [_aval(x) for x in leaves]
    cgraph, cconsts, _ = make_graph(lambda *a: cond_fun(tree_unflatten(tree, a)), avals)
    if cgraph.out_avals[0].shape != () or cgraph.out_avals[0].dtype != np.bool_:
        raise TypeError(f"while_loop: cond_fun must return a scalar boolean, got {cgraph.out_avals[0]}")

    def body(*a):
        out_leaves, out_tree = tree_flatten(body_fun(tree_unflatten(tree, a)))
        if out_tree != tree:
            raise TypeError(f"while_loop: body_fun must return the structure of init_val {tree}, got {out_tree}")
        return out_leaves

    bgraph, bconsts, _ = make_graph(body, avals)
    _check_carry("while_loop", avals, bgraph.out_avals)
    outs = while_p.bind(*cconsts, *bconsts, *leaves, cond_graph=cgraph, body_graph=bgraph,
                        num_cond_consts=len(cconsts), num_body_consts=len(bconsts))
    return tree_unflatten(tree, outs)


def _eager_while(cond_fun, body_fun, init_val, leaves, tree):
    """while_loop outside jit. On concrete values the condition and body are traced once and run
    per step; with tracers (eager grad/jvp, where reverse mode must work) or a body that cannot be
    traced, the loop calls the Python functions on every step."""
    if not any_tracer(leaves):
        avals = [_aval(x) for x in leaves]
        cond = trace_body(lambda *a: cond_fun(tree_unflatten(tree, a)), avals, "while_loop cond_fun")
        body = trace_body(lambda *a: _same_tree(body_fun(tree_unflatten(tree, a)), tree), avals,
                          "while_loop body_fun") if cond is not None else None
        if (body is not None and not any_tracer(cond[1]) and not any_tracer(body[1])
                and cond[0].out_avals[0].shape == () and cond[0].out_avals[0].dtype == np.bool_
                and [ShapedArray(a.shape, a.dtype) for a in body[0].out_avals] == avals):
            return tree_unflatten(tree, run_while(cond[0], body[0], cond[1], body[1], leaves))
    val = init_val
    while True:
        pred = cond_fun(val)
        concrete = concrete_or_none(pred)
        if concrete is None:  # e.g. a batch of predicates under vmap: there is no one answer
            raise ConcretizationError("while_loop: cond_fun returned an abstract value", get_aval(pred))
        if not bool(np.asarray(concrete)):
            return val
        val = body_fun(val)


def _same_tree(out, tree):
    out_leaves, out_tree = tree_flatten(out)
    if out_tree != tree:
        raise TypeError(f"while_loop: body_fun must return the structure of init_val {tree}, got {out_tree}")
    return out_leaves


def _split_while(args, nc, nb):
    return list(args[:nc]), list(args[nc:nc + nb]), list(args[nc + nb:])


def _while_impl(*args, cond_graph, body_graph, num_cond_consts, num_body_consts):
    cc, bc, val = _split_while(args, num_cond_consts, num_body_consts)
    return run_while(cond_graph, body_graph, cc, bc, val)


def _while_jvp(primals, tangents, cond_graph, body_graph, num_cond_consts, num_body_consts):
    cc, bc, val = _split_while(primals, num_cond_consts, num_body_consts)
    _, tbc, tval = _split_while(tangents, num_cond_consts, num_body_consts)
    avals = [_aval(v) for v in val]
    fl = [i for i, a in enumerate(avals) if is_float(a.dtype)]
    tval = [tval[i] if tval[i] is not None else _zeros(avals[i]) for i in fl]
    nz_b = [i for i, t in enumerate(tbc) if t is not None]
    nv, nb = len(val), len(bc)

    def cond_fn(*a):
        return eval_graph(cond_graph, a[:len(cc)], a[len(cc):len(cc) + nv])

    def body_fn(*a):
        bcs, dbcs = list(a[:nb]), list(a[nb:nb + len(nz_b)])
        v, dv = list(a[nb + len(nz_b):nb + len(nz_b) + nv]), list(a[nb + len(nz_b) + nv:])
        tb = _placed(nb, nz_b, dbcs)
        tv = _placed(nv, fl, dv)
        outs, douts = jvp_flat(lambda *z: eval_graph(body_graph, z[:nb], z[nb:]), bcs + v, tb + tv)
        return outs + [douts[i] if douts[i] is not None else _zeros(avals[i]) for i in fl]

    state_avals = avals + [avals[i] for i in fl]
    cg, ccs, _ = make_graph(cond_fn, [_aval(c) for c in cc] + state_avals)
    bg, bcs2, _ = make_graph(body_fn, [_aval(c) for c in bc] + [_aval(bc[i]) for i in nz_b] + state_avals)
    outs = while_p.bind(*ccs, *cc, *bcs2, *bc, *[tbc[i] for i in nz_b], *val, *tval, cond_graph=cg, body_graph=bg,
                        num_cond_consts=len(ccs) + len(cc), num_body_consts=len(bcs2) + nb + len(nz_b))
    t_out = _placed(nv, fl, outs[nv:])
    return outs[:nv], t_out


def _while_vjp(*_, **__):
    raise NotImplementedError(
        "reverse-mode differentiation of ad.while_loop under jit is not supported: the number of iterations "
        "is not known when the gradient program is built. Use ad.scan (or ad.fori_loop with constant bounds), "
        "forward mode (ad.jvp / ad.jacfwd), or differentiate without jit.")


def _emit_while(ctx, eqn):
    p = eqn.params
    cc, bc, val = _split_while(eqn.inputs, p["num_cond_consts"], p["num_body_consts"])
    names = [ctx.name(v) for v in eqn.outvars]
    for name, v in zip(names, val):
        ctx.line(f"{name} = " + (f"np.ascontiguousarray({ctx.name(v)})" if v.aval.shape else ctx.name(v)))
    with ctx.block("while True:"):
        (pred,) = ctx.emit_graph_inline(p["cond_graph"], names, [ctx.name(c) for c in cc])
        with ctx.block(f"if not {pred}:"):
            ctx.line("break")
        outs = ctx.emit_graph_inline(p["body_graph"], names, [ctx.name(c) for c in bc])
        for name, o, v in zip(names, outs, val):
            ctx.line(f"{name} = " + (f"np.ascontiguousarray({o})" if v.aval.shape else o))


while_p = Primitive("while_loop", multiple_results=True)
while_p.def_impl(_while_impl)
while_p.def_shape(lambda *avals, body_graph, **_: body_graph.out_avals)
while_p.def_jvp_full(_while_jvp)
while_p.def_vjp_full(_while_vjp)
while_p.def_emit(_emit_while)


def fori_loop(lower, upper, body_fun, init_val):
    """for i in range(lower, upper): val = body_fun(i, val). Constant bounds lower to scan (reverse-mode
    differentiable under jit); traced bounds lower to while_loop."""
    lo, hi = concrete_or_none(lower), concrete_or_none(upper)
    if lo is not None and hi is not None:
        lo, hi = int(lo), int(hi)
        carry, _ = scan(lambda c, i: (body_fun(i, c), None), init_val, np.arange(lo, hi, dtype=np.int64)
                        if hi > lo else np.zeros(0, np.int64))
        return carry
    i0 = anp.astype(lower, np.int64)
    _, val = while_loop(lambda s: s[0] < upper, lambda s: (s[0] + 1, body_fun(s[0], s[1])), (i0, init_val))
    return val


__all__ = ["scan", "cond", "switch", "while_loop", "fori_loop"]
