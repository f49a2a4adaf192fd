"""Write one fused group (fuse.py) as a loop nest, with short trailing axes written out in its body.

A group over (N, 3) looped as `for i0: for i1 in range(3)` keeps LLVM from vectorising anything:
its innermost loop has three iterations. So when the trailing axes of the group's shape are short
constants behind a long loop axis (fuse.unrolled_axes), only the leading axes are looped and the body
is written once per trailing index, with that index as a number: a loop over N whose body does the
work of one row, which LLVM vectorises across rows (exp and log are then the vectorisable ones,
code_text.vector_calls). In such a loop:

- arrays are read and written through flat views at constant strides (`v57_f[i0 * 3 + 1]`): a 2-D
  array passed in from another function has a row stride known only at run time, and LLVM then
  loads its elements one at a time, which made a vectorised loop over an (N, 3) array 5x slower
  than over a contiguous one; elements read at the same index in every iteration are loaded once,
  before the loop;
- reductions over the written-out axes (a mixture's logsumexp over components), elementwise work on
  their values and their keepdims reshapes are computed in the body (fuse.is_row_reduction), so the
  members after them read them in the same iteration, and logsumexp's derivative exp(x - logsumexp)
  reuses the exponentials the logsumexp computed (`_softmax_weight`);
- sums over the looped axes that keep only written-out ones (a gradient summed over data points, per
  component) accumulate in one local per kept element, which become the reduction's elements
  (scalarise.py) when it is small;
- a division by a value that is the same in every iteration is a multiplication by its reciprocal,
  computed before the loop (what fastmath's 'arcp' allows, which LLVM does not do itself here).

In every loop, an expression the body already computed in this iteration is not computed again.
"""
import numpy as np

from ..graph import Literal, Var
from . import scalarise
from .code_text import dtype_code, elementwise_code, shape_code, vector_calls, vectorisable_loop
from .fuse import unrolled_axes


def emit_group(ctx, group, materialised):
    """Emit the group's loop: members' values as locals, `materialised` ones also stored to arrays,
    and its reductions accumulated (full sums, or sums keeping some axes)."""
    _LoopWriter(ctx, group, materialised).write()


class _LoopWriter:
    def __init__(self, ctx, group, materialised):
        self.ctx, self.group, self.materialised = ctx, group, materialised
        shape = self.shape = group.shape
        self.looped = len(shape) - unrolled_axes(shape)
        self.flat = self.looped < len(shape)
        self.loop_idx = [f"i{k}" if d != 1 else "0" for k, d in enumerate(shape[:self.looped])]  # no range(1)
        self.steps = list(np.ndindex(*shape[self.looped:]))  # the written-out trailing indices; [()] if none
        self.local = {}     # (Var, step) -> its code in this iteration
        self.computed = {}  # expression -> the local holding it in this iteration
        self.views = {}     # array Var -> its flat view (flat mode)
        self.reciprocals = {}  # (eqn, step) -> the local holding 1 / its divisor, the same in every iteration
        self.lse_parts = {}  # a row logsumexp's local -> (its operand, {terms, sum, finite})
        self.definer = {e.outvars[0]: e for e in group.members}

    # -- indexing -----------------------------------------------------------------------------------------
    def subscripts(self, x, step):
        """x's subscripts at this iteration and written-out index: its shape aligned with the group's
        trailing axes, or with the looped axes for values of the loop's shape (row values)."""
        shape, s = self.shape, x.aval.shape
        ref = shape[:self.looped] if x in self.group.rows else shape
        lead = len(ref) - len(s)
        subs = []
        for k, d in enumerate(s):
            axis = lead + k
            if d == 1 or ref[axis] == 1:
                subs.append("0")
            elif axis < self.looped:
                subs.append(self.loop_idx[axis])
            else:
                subs.append(str(step[axis - self.looped]))
        return subs

    def read_varies(self, x, row):
        """Does x's element read by a member (`row`: a row member) change from one iteration to the next?"""
        subs = self.row_subscripts(x) if row else self.subscripts(x, self.steps[0])
        return any(not i.isdigit() for i in subs)

    @staticmethod
    def flat_index(x, subs):
        """C-order flat index of subscripts `subs` of x: loop indices times constant strides plus a number."""
        terms, const, stride = [], 0, 1
        for d, sub in reversed(list(zip(x.aval.shape, subs))):
            if sub.isdigit():
                const += int(sub) * stride
            else:
                terms.append(sub if stride == 1 else f"{sub} * {stride}")
            stride *= d
        terms = terms[::-1] + ([str(const)] if const or not terms else [])
        return " + ".join(terms)

    def elem(self, x, step, row=False):
        """Code of x's element at this iteration and written-out index (`row`: for a row member, whose
        operands align with the looped axes)."""
        ctx = self.ctx
        if isinstance(x, Literal):
            return ctx.name(x)
        if (x, step) in self.local:
            return self.local[(x, step)]
        s = x.aval.shape
        if not s:
            return ctx.name(x)
        subs = self.row_subscripts(x) if row else self.subscripts(x, step)
        if x in ctx.elems and x not in ctx.arrays:  # a scalarised value read at a fixed index
            return ctx.elems[x][scalarise._flat_index(tuple(int(i) for i in subs), s)]
        if not self.flat:
            return f"{ctx.name(x)}[{', '.join(subs)}]"
        if all(i.isdigit() for i in subs):  # the same element in every iteration: loaded before the loop
            return scalarise.element(ctx, x, tuple(int(i) for i in subs))
        return self.assign(f"{self.views[x]}[{self.flat_index(x, subs)}]", "e")

    def row_subscripts(self, x):
        """Subscripts of an operand of a row member (an elementwise equation of the loop's shape)."""
        loop_shape = self.shape[:self.looped]
        lead = self.looped - len(x.aval.shape)
        return ["0" if d == 1 or loop_shape[lead + k] == 1 else self.loop_idx[lead + k]
                for k, d in enumerate(x.aval.shape)]

    def assign(self, expr, prefix):
        """A local holding expr in this iteration (computed once)."""
        name = self.computed.get(expr)
        if name is None:
            name = self.computed[expr] = _local(self.ctx, prefix, expr)
        return name

    def inputs(self):
        """{Var: [whether each reading is by a row member]} of the Vars the loop reads from outside the group."""
        seen = {}
        for eqn in self.group.members + self.group.reductions:
            row = eqn.outvars[0] in self.group.rows and eqn.primitive.scalar_template is not None
            for x in eqn.inputs:
                if isinstance(x, Var) and x not in self.group.defined:
                    seen.setdefault(x, []).append(row)
        return seen

    # -- before, in and after the loop --------------------------------------------------------------------
    def write(self):
        ctx, group = self.ctx, self.group
        outside = self.inputs()
        for x, rows in outside.items():  # scalarised values the loop indexes: built before it
            if x in ctx.elems and x.aval.shape and any(self.read_varies(x, row) for row in rows):
                scalarise.materialise(ctx, x)
        for eqn in group.members:
            v = eqn.outvars[0]
            if v in self.materialised:
                ctx.line(f"{ctx.name(v)} = np.empty({shape_code(v.aval.shape)}, {dtype_code(v.aval.dtype)})")
        if self.flat:
            self.prepare_flat(outside)
        accumulators = _start_reductions(ctx, group, self.shape, self.looped, self.steps)
        depth0 = ctx.depth
        for k, d in enumerate(self.shape[:self.looped]):
            if d != 1:
                ctx.line(f"for {self.loop_idx[k]} in range({d}):")
                ctx.depth += 1
        self.vector = vectorisable_loop(self.shape[:self.looped])
        for eqn in group.members:
            if eqn.primitive.scalar_template is None:
                self.write_row_reduction(eqn)
            elif eqn.outvars[0] in group.rows:
                self.write_row_member(eqn)
            else:
                self.write_member(eqn)
        for red, acc_of in zip(group.reductions, accumulators):
            x = red.inputs[0]
            for step in _distinct_steps(x, group, self.steps):
                ctx.line(red.primitive.reduction[1].format(acc=acc_of(step, self.loop_idx), x=self.elem(x, step)))
        ctx.depth = depth0
        _finish_reductions(ctx, group, self.shape, self.looped, self.steps)

    def prepare_flat(self, outside):
        """Flat views of the arrays the loop indexes, loads of the elements it reads at fixed indices,
        and the reciprocals of its divisors that are the same in every iteration."""
        ctx = self.ctx
        for x, rows in outside.items():
            if not x.aval.shape or (x in ctx.elems and x not in ctx.arrays):
                continue
            for row in dict.fromkeys(rows):
                if self.read_varies(x, row):
                    if x not in self.views:
                        self.views[x] = f"{ctx.name(x)}_f"
                        ctx.line(f"{self.views[x]} = ri.flat({ctx.name(x)})")
                else:
                    for step in self.steps:
                        self.elem(x, step, row)
        for eqn in self.group.members:
            v = eqn.outvars[0]
            if v in self.materialised and v not in self.group.rows:
                self.views[v] = f"{ctx.name(v)}_f"
                ctx.line(f"{self.views[v]} = ri.flat({ctx.name(v)})")
        by_code = {}
        for eqn in self.group.members:
            if (eqn.primitive.name == "divide" and eqn.outvars[0] not in self.group.rows
                    and self.is_invariant(eqn.inputs[1])
                    and all(x.aval.dtype == np.float64 for x in [*eqn.inputs, *eqn.outvars])):
                for step in self.steps:
                    code = self.elem(eqn.inputs[1], step)
                    if code not in by_code:
                        by_code[code] = _local(ctx, "rcp", f"(1.0 / {code})")
                    self.reciprocals[(eqn, step)] = by_code[code]

    def is_invariant(self, x):
        """Is x the same in every iteration: a literal, a scalar, or an element at a fixed index?"""
        if isinstance(x, Literal) or not x.aval.shape:
            return True
        return x not in self.group.defined and not self.read_varies(x, False)

    def store(self, v, step, name):
        if v not in self.materialised:
            return
        if v in self.group.rows:
            self.ctx.line(f"{self.ctx.name(v)}[{', '.join(self.loop_idx)}] = {name}")
        elif self.flat:
            self.ctx.line(f"{self.views[v]}[{self.flat_index(v, self.subscripts(v, step))}] = {name}")
        else:
            self.ctx.line(f"{self.ctx.name(v)}[{', '.join(self.loop_idx)}] = {name}")

    def define(self, v, step, expr):
        """Bind v's element at `step` to expr: a local (computed once), or the expression itself if
        it is a name or a literal and v is not stored."""
        if v not in self.materialised and scalarise._is_atom(expr):  # a copy or a constant: no line
            self.local[(v, step)] = expr
            return
        name = self.computed.get(expr)
        if name is None:
            name = "s" + self.ctx.name(v)[1:] + "".join(f"_{i}" for i in step)
            self.ctx.line(f"{name} = {expr}")
            self.computed[expr] = name
        self.local[(v, step)] = name
        self.store(v, step, name)

    def template(self, eqn):
        template = elementwise_code(eqn)
        if self.vector and all(x.aval.dtype == np.float64 for x in [*eqn.inputs, *eqn.outvars]):
            template = vector_calls(template)
        return template

    def write_member(self, eqn):
        v, template = eqn.outvars[0], self.template(eqn)
        for step in self.steps:
            weight = self.softmax_weight(eqn, step) if self.flat else None
            if weight is not None:  # exp(x - logsumexp(x)): the row's exp(x - max) over their sum
                expr = weight
            elif (eqn, step) in self.reciprocals:  # x * (1 / c): a multiply in the loop, not a division
                expr = f"({self.elem(eqn.inputs[0], step)} * {self.reciprocals[(eqn, step)]})"
            else:
                expr = template.format(*[self.elem(x, step) for x in eqn.inputs])
            self.define(v, step, expr)

    def write_row_member(self, eqn):
        """An elementwise equation on row values: once per iteration, the same at every written-out index."""
        v, step = eqn.outvars[0], self.steps[0]
        self.define(v, step, self.template(eqn).format(*[self.elem(x, step, row=True) for x in eqn.inputs]))
        for other in self.steps[1:]:
            self.local[(v, other)] = self.local[(v, step)]

    def write_row_reduction(self, eqn):
        """A reduction over the written-out axes, or a keepdims reshape of one: one local per iteration."""
        v = eqn.outvars[0]
        if eqn.primitive.name == "reshape":
            name = self.elem(eqn.inputs[0], self.steps[0])
        else:
            name, parts = _row_reduction(self.ctx, eqn.primitive.name,
                                         [self.elem(eqn.inputs[0], step) for step in self.steps])
            if parts is not None:
                self.lse_parts[name] = (eqn.inputs[0], parts)
        for step in self.steps:
            self.local[(v, step)] = name
        self.store(v, self.steps[0], name)

    def softmax_weight(self, eqn, step):
        """Code for exp(x - w) with w = where(L == -inf, 0, L) and L the row logsumexp of x in this loop
        (logsumexp's derivative, reductions._lse_weights), from the terms the logsumexp computed:
        exp(x - max) times 1 / their sum. Where the max is not finite, x - w is -inf or NaN, so
        exp(x - w) is 0 or NaN: written as such. None if eqn is not that exp."""
        if eqn.primitive.name != "exp" or eqn.outvars[0].aval.dtype != np.float64:
            return None
        sub = self.definer.get(eqn.inputs[0])
        if sub is None or sub.primitive.name != "subtract":
            return None
        x, w = sub.inputs
        guard = self.definer.get(w)
        if guard is None or guard.primitive.name != "where" or not _is_literal(guard.inputs[1], 0.0):
            return None
        test = self.definer.get(guard.inputs[0])
        if test is None or test.primitive.name != "equal" or not _is_literal(test.inputs[1], -np.inf):
            return None
        lse = self.elem(guard.inputs[2], step)
        if lse not in self.lse_parts or self.elem(test.inputs[0], step) != lse or self.lse_parts[lse][0] is not x:
            return None
        parts = self.lse_parts[lse][1]
        if "inverse" not in parts:
            parts["inverse"] = _local(self.ctx, "rse", f"(1.0 / {parts['sum']})")
        term = parts["terms"][self.steps.index(step)]
        diff = self.elem(eqn.inputs[0], step)
        return f"({term} * {parts['inverse']} if {parts['finite']} else (0.0 if {diff} == (-np.inf) else {diff}))"


def _is_literal(x, value):
    return isinstance(x, Literal) and bool((np.asarray(x.val) == value).all())


def _local(ctx, prefix, expr):
    name = ctx.tmp(prefix)
    ctx.line(f"{name} = {expr}")
    return name


def _row_reduction(ctx, name, xs):
    """(a local holding the reduction `name` of the codes xs (one row's elements), written for a loop
    LLVM vectorises; for logsumexp, also {terms, sum, finite}: the locals exp(x - max) per element,
    their sum and whether the max is finite). logsumexp as ri.reduce_logsumexp computes it (the same
    maximum, shift and sum)."""
    if name == "reduce_sum":
        return _local(ctx, "r", "(" + " + ".join(xs) + ")"), None
    fn = "rt.minimum" if name == "reduce_min" else "rt.maximum"
    acc = xs[0]
    for x in xs[1:]:
        acc = f"{fn}({acc}, {x})"
    m = _local(ctx, "m", acc)
    if name != "reduce_logsumexp":
        return m, None
    finite = _local(ctx, "fin", f"({m} - {m} == 0.0)")  # a NaN or infinite maximum is the result itself (scipy)
    shift = _local(ctx, "sh", f"({m} if {finite} else 0.0)")
    terms = [_local(ctx, "t", f"rt.vexp({x} - {shift})") for x in xs]
    total = _local(ctx, "se", "(" + " + ".join(terms) + ")")
    lse = _local(ctx, "lse", f"({m} + rt.vlog({total}) if {finite} else {m})")
    return lse, dict(terms=terms, sum=total, finite=finite)


# -- reductions accumulated across the loop ---------------------------------------------------------------
def _distinct_steps(x, group, steps):
    """The written-out indices at which x's elements differ: all of them for a value of the group's
    shape, one for a row value or a value broadcast along those axes."""
    if x in group.rows:
        return steps[:1]
    s = x.aval.shape
    lead = len(group.shape) - len(s)
    looped = len(group.shape) - len(steps[0])
    unit = [j for j in range(len(steps[0])) if looped + j < lead or s[looped + j - lead] == 1]
    return [step for step in steps if all(step[j] == 0 for j in unit)]


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
        elif _kept_in_body(red, shape, looped):
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
        if not out.aval.ndim or not _kept_in_body(red, shape, looped):
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
