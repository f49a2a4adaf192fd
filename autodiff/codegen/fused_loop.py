"""Write one fused group (fuse.py) as a loop nest, with short trailing axes written out in its body.

A group over (N, 3) looped as `for i0: for i1 in range(3)` keeps LLVM from vectorising anything:
its innermost loop has three iterations. So when the trailing axes of the group's shape are short
constants (at most UNROLL_MAX elements together) behind a long loop axis, only the leading axes are
looped and the body is written once per trailing index, with that index as a number: a loop over N
whose body does the work of one row, which LLVM vectorises across rows (and in which exp and log are
the vectorisable ones, code_text.vector_calls). In such a loop, arrays are read and written through
flat views at constant strides (`v57_f[i0 * 3 + 1]`): a 2-D array passed in from another function
has a row stride known only at run time, and LLVM then loads its elements one at a time, which made
a vectorised loop over an (N, 3) array 5x slower than over a contiguous one. Sums over the looped
axes that keep only written-out ones (a gradient summed over data points, per component) accumulate
in one local per kept element, which become the reduction's elements (scalarise.py) when it is small.

In every loop, an expression the body already computed in this iteration (the same template on the
same operands) is not computed again.
"""
import numpy as np

from ..graph import Literal, Var
from . import scalarise
from .code_text import dtype_code, elementwise_code, shape_code, vector_calls, vectorisable_loop
from .fuse import unrolled_axes

def emit_group(ctx, group, materialised):
    """Emit the group's loop: members' values as locals, `materialised` ones also stored to arrays,
    and its reductions accumulated (full sums, or sums keeping some axes)."""
    shape = group.shape
    n_unrolled = unrolled_axes(shape)
    looped = len(shape) - n_unrolled
    loop_idx = [f"i{k}" if d != 1 else "0" for k, d in enumerate(shape[:looped])]  # no `for i in range(1)`
    steps = list(np.ndindex(*shape[looped:]))  # the written-out trailing indices; [()] when none
    flat = n_unrolled > 0
    local = {}     # (Var, step) -> its local in this iteration
    computed = {}  # expression -> the local holding it in this iteration
    views = {}     # array Var -> its flat view (flat mode)

    def subscripts(x, step):
        s = x.aval.shape
        lead = len(shape) - len(s)
        subs = []
        for k, d in enumerate(s):
            axis = lead + k
            if d == 1 and shape[axis] != 1 or shape[axis] == 1:
                subs.append("0")
            elif axis < looped:
                subs.append(loop_idx[axis])
            else:
                subs.append(str(step[axis - looped]))
        return subs

    def varies_in_loop(x):
        return any(not i.isdigit() for i in subscripts(x, steps[0]))

    def flat_index(x, subs):
        """C-order flat index of subscripts `subs` of x: loop indices times constant strides plus a number."""
        s, terms, const, stride = x.aval.shape, [], 0, 1
        for d, sub in reversed(list(zip(s, subs))):
            if sub.isdigit():
                const += int(sub) * stride
            else:
                terms.append(sub if stride == 1 else f"{sub} * {stride}")
            stride *= d
        terms = terms[::-1] + ([str(const)] if const or not terms else [])
        return " + ".join(terms)

    def view(x):
        if x not in views:
            views[x] = f"{ctx.name(x)}_f"
            ctx.line(f"{views[x]} = ri.flat({ctx.name(x)})")
        return views[x]

    def elem(x, step):
        if isinstance(x, Literal):
            return ctx.name(x)
        if (x, step) in local:
            return local[(x, step)]
        s = x.aval.shape
        if not s:
            return ctx.name(x)
        subs = subscripts(x, step)
        if x in ctx.elems and x not in ctx.arrays:  # a scalarised value read at a fixed index
            return ctx.elems[x][scalarise._flat_index(tuple(int(i) for i in subs), s)]
        if not flat:
            return f"{ctx.name(x)}[{', '.join(subs)}]"
        code = f"{views[x]}[{flat_index(x, subs)}]"
        return assign(code, "e")

    def assign(expr, prefix):
        """A local holding expr in this iteration (computed once)."""
        name = computed.get(expr)
        if name is None:
            name = computed[expr] = ctx.tmp(prefix)
            ctx.line(f"{name} = {expr}")
        return name

    for eqn in group.members + group.reductions:  # scalarised values the loop indexes: built before it
        for x in eqn.inputs:
            if isinstance(x, Var) and x in ctx.elems and x not in group.defined and varies_in_loop(x):
                scalarise.materialise(ctx, x)

    for eqn in group.members:
        v = eqn.outvars[0]
        if v in materialised:
            ctx.line(f"{ctx.name(v)} = np.empty({shape_code(v.aval.shape)}, {dtype_code(v.aval.dtype)})")
    if flat:
        for eqn in group.members + group.reductions:
            for x in eqn.inputs:
                if (isinstance(x, Var) and x.aval.shape and x not in group.defined
                        and not (x in ctx.elems and x not in ctx.arrays)):
                    view(x)
        for eqn in group.members:
            if eqn.outvars[0] in materialised and eqn.outvars[0] not in group.rows:
                view(eqn.outvars[0])
    accumulators = _start_reductions(ctx, group, shape, looped, steps)

    depth0 = ctx.depth
    for k, d in enumerate(shape[:looped]):
        if d != 1:
            ctx.line(f"for {loop_idx[k]} in range({d}):")
            ctx.depth += 1
    vector = vectorisable_loop(shape[:looped] if flat else shape)

    def store(v, step, name):
        if v not in materialised:
            return
        if v in group.rows:
            ctx.line(f"{ctx.name(v)}[{', '.join(loop_idx)}] = {name}")
        elif flat:
            ctx.line(f"{views[v]}[{flat_index(v, subscripts(v, step))}] = {name}")
        else:
            ctx.line(f"{ctx.name(v)}[{', '.join(loop_idx)}] = {name}")

    for eqn in group.members:
        v = eqn.outvars[0]
        if eqn.primitive.scalar_template is None:  # a row reduction, or a reshape of one
            if eqn.primitive.name == "reshape":
                name = elem(eqn.inputs[0], steps[0])
            else:
                name = _row_reduction(ctx, eqn.primitive.name, [elem(eqn.inputs[0], step) for step in steps])
            for step in steps:
                local[(v, step)] = name
            store(v, steps[0], name)
            continue
        template = elementwise_code(eqn)
        if vector and all(x.aval.dtype == np.float64 for x in [*eqn.inputs, *eqn.outvars]):
            template = vector_calls(template)
        for step in steps:
            expr = template.format(*[elem(x, step) for x in eqn.inputs])
            if v not in materialised and scalarise._is_atom(expr):  # a copy or a constant: no line
                local[(v, step)] = expr
                continue
            name = computed.get(expr)
            if name is None:
                name = "s" + ctx.name(v)[1:] + "".join(f"_{i}" for i in step)
                ctx.line(f"{name} = {expr}")
                computed[expr] = name
            local[(v, step)] = name
            store(v, step, name)
    for red, acc_of in zip(group.reductions, accumulators):
        x = red.inputs[0]
        for step in _distinct_steps(x, group, steps):
            ctx.line(red.primitive.reduction[1].format(acc=acc_of(step, loop_idx), x=elem(x, step)))
    ctx.depth = depth0
    _finish_reductions(ctx, group, shape, looped, steps)


def _distinct_steps(x, group, steps):
    """The written-out indices at which x's elements differ: all of them for a value of the group's
    shape, one for a row reduction's value or a value broadcast along those axes."""
    if x in group.rows:
        return steps[:1]
    s = x.aval.shape
    lead = len(group.shape) - len(s)
    looped = len(group.shape) - len(steps[0])
    unit = [j for j in range(len(steps[0])) if looped + j < lead or s[looped + j - lead] == 1]
    return [step for step in steps if all(step[j] == 0 for j in unit)]


def _row_reduction(ctx, name, xs):
    """A local holding the reduction `name` of the codes xs (one row's elements), written for a loop
    LLVM vectorises; logsumexp as ri.reduce_logsumexp computes it (the same maximum, shift and sum)."""
    if name == "reduce_sum":
        return _local(ctx, "r", "(" + " + ".join(xs) + ")")
    if name in ("reduce_max", "reduce_min", "reduce_logsumexp"):
        fn = "rt.minimum" if name == "reduce_min" else "rt.maximum"
        acc = xs[0]
        for x in xs[1:]:
            acc = f"{fn}({acc}, {x})"
        m = _local(ctx, "m", acc)
        if name != "reduce_logsumexp":
            return m
    finite = f"{m} - {m} == 0.0"  # a NaN or infinite maximum is the result itself (scipy)
    shift = _local(ctx, "sh", f"({m} if {finite} else 0.0)")
    total = _local(ctx, "se", "(" + " + ".join(f"rt.vexp({x} - {shift})" for x in xs) + ")")
    return _local(ctx, "lse", f"({m} + rt.vlog({total}) if {finite} else {m})")


def _local(ctx, prefix, expr):
    name = ctx.tmp(prefix)
    ctx.line(f"{name} = {expr}")
    return name


def _kept_in_body(red, shape, looped):
    """Does this partial sum keep only written-out (or unit) axes, so that each of its elements can
    accumulate in a local across the loop?"""
    axes = red.params["axes"]
    return looped < len(shape) and all(k in axes or shape[k] == 1 for k in range(looped))


def _accumulator_names(ctx, red, shape, steps):
    """{step: local} of a partial sum kept in locals: one per element of its output, in C order."""
    axes = red.params["axes"]
    out = red.outvars[0]
    keep = [k for k in range(len(shape)) if k not in axes]
    looped = len(shape) - len(steps[0])
    names = {}
    for step in steps:
        full = (0,) * looped + step
        kept = tuple(full[k] for k in keep)
        names[step] = f"{ctx.name(out)}_{scalarise._flat_index(kept, out.aval.shape)}"
    return names


def _start_reductions(ctx, group, shape, looped, steps):
    """Initialise each reduction's accumulator; for each, a function (step, loop indices) -> the
    accumulator's code at that element."""
    out_fns = []
    for red in group.reductions:
        out = red.outvars[0]
        name = ctx.name(out)
        init = red.primitive.reduction[0]
        if out.aval.dtype.kind == "f" and init == "0":
            init = "0.0"
        if not out.aval.ndim:
            ctx.line(f"{name} = {init}")
            out_fns.append(lambda step, idx, name=name: name)
        elif looped < len(shape) and _kept_in_body(red, shape, looped):
            names = _accumulator_names(ctx, red, shape, steps)
            for acc in dict.fromkeys(names.values()):
                ctx.line(f"{acc} = {init}")
            out_fns.append(lambda step, idx, names=names: names[step])
        else:  # one accumulator per kept index, in an array
            ctx.line(f"{name} = np.zeros({shape_code(out.aval.shape)}, {dtype_code(out.aval.dtype)})")
            axes = red.params["axes"]

            def at(step, idx, name=name, axes=axes):
                full = idx[:looped] + [str(i) for i in step] if step else idx
                return name + "[" + ", ".join(i for k, i in enumerate(full) if k not in axes) + "]"
            out_fns.append(at)
    return out_fns


def _finish_reductions(ctx, group, shape, looped, steps):
    """Partial sums kept in locals: their elements (scalarise.py) when small, else stored to an array."""
    for red in group.reductions:
        out = red.outvars[0]
        if not out.aval.ndim or not (looped < len(shape) and _kept_in_body(red, shape, looped)):
            continue
        names = _accumulator_names(ctx, red, shape, steps)
        elems = [None] * out.aval.size
        for step in steps:
            full = (0,) * looped + step
            kept = tuple(full[k] for k in range(len(shape)) if k not in red.params["axes"])
            elems[scalarise._flat_index(kept, out.aval.shape)] = names[step]
        if scalarise.is_small(out.aval):
            ctx.elems[out] = elems
            ctx.arrays.discard(out)
            continue
        name = ctx.name(out)
        ctx.line(f"{name} = np.empty({shape_code(out.aval.shape)}, {dtype_code(out.aval.dtype)})")
        for idx, acc in zip(np.ndindex(*out.aval.shape), elems):
            ctx.line(f"{name}[{', '.join(map(str, idx))}] = {acc}")
