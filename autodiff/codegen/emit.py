"""Walk a Graph and ask each primitive's emitter for lines of Numba source; assemble one function.

Arrays are numpy arrays inside Numba; 0-d values are plain scalars. Elementwise equations are
fused into loop nests (fuse.py); every other primitive has an emitter next to its rules.
"""
import re
from contextlib import contextmanager

import numpy as np

from ..graph import Literal, Var
from .compile import DECORATOR
from .fuse import FusedGroup, schedule


def literal_code(val):
    val = np.asarray(val)[()]
    kind = np.asarray(val).dtype.kind
    if kind == "b":
        return "True" if val else "False"
    if kind in "iu":
        return str(int(val))
    f = float(val)
    if np.isnan(f):
        return "np.nan"
    if np.isinf(f):
        return "np.inf" if f > 0 else "(-np.inf)"
    code = repr(f)
    if np.asarray(val).dtype == np.float32:
        return f"np.float32({code})"
    return code if f >= 0 else f"({code})"


# Floats that stay numbers in the generated source: the values simplification and the emitters
# treat specially (identities, halves, squares) and the non-finite ones. Every other float literal
# (a prior's scale, a data-derived constant) is read from the `lits` buffer passed at run time, so
# the source, and the machine code cached under its hash, depends only on the program.
STRUCTURAL_FLOATS = frozenset([0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0])
LITERAL_BUFFER = "lits"
_LIFTED_NAME = re.compile(r"\blit(\d+)\b")


def is_lifted(val):
    """Is this literal read from the run-time buffer (a float64 that is not structural)?"""
    val = np.asarray(val)
    if val.dtype != np.float64 or val.ndim:
        return False
    f = float(val)
    return np.isfinite(f) and f not in STRUCTURAL_FLOATS


def dtype_code(dtype):
    dtype = np.dtype(dtype)
    return "np.bool_" if dtype.kind == "b" else f"np.{dtype.name}"


def shape_code(shape):
    return "(" + "".join(f"{int(d)}, " for d in shape).rstrip(" ") + ")" if shape else "()"


class Context:
    """Accumulates source lines with indentation; names Vars and literals."""

    def __init__(self, lifted=None):
        self.lines = []
        self.depth = 1
        self._tmp = 0
        self._names = {}  # Var -> name, numbered in order of appearance so equal graphs give equal source
        self.linalg_stacks = {}  # (name, shape) -> contiguous batch view made by a linalg emitter in this item
        self.lifted = lifted  # None: literals inline; a list: values of the lifted literals, lits[k]

    def name(self, atom):
        if isinstance(atom, Literal):
            if self.lifted is None or not is_lifted(atom.val):
                return literal_code(atom.val)
            # one slot per use, so the source does not depend on which constants happen to be equal
            self.lifted.append(float(atom.val))
            return f"lit{len(self.lifted) - 1}"
        name = self._names.get(atom)
        if name is None:
            name = self._names[atom] = f"v{len(self._names)}"
        return name

    def line(self, text):
        self.lines.append("    " * self.depth + text)

    @contextmanager
    def block(self, header):
        self.line(header)
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def tmp(self, prefix="t"):
        self._tmp += 1
        return f"{prefix}_{self._tmp}"

    def emit_eqns(self, eqns):
        for item in schedule(eqns):
            if isinstance(item, FusedGroup):
                emit_group(self, item, _uses_outside(item, eqns, self.live_outs))
            else:
                emit_eqn(self, item)

    def emit_graph_inline(self, graph, in_exprs, const_exprs=()):
        """Emit a nested graph's equations here, binding its inputs; return its output expressions.

        const_exprs followed by in_exprs bind to the graph's constvars followed by its invars.
        """
        exprs = list(const_exprs) + list(in_exprs)
        params = list(graph.constvars) + list(graph.invars)
        assert len(exprs) == len(params), (len(exprs), len(params))
        for v, e in zip(params, exprs):
            self.line(f"{self.name(v)} = {e}")
        saved = self.live_outs
        self.live_outs = set(o for o in graph.outs if isinstance(o, Var))
        self.emit_eqns(graph.eqns)
        self.live_outs = saved
        return [self.name(o) for o in graph.outs]

    live_outs = frozenset()


def _uses_outside(group, eqns, live_outs):
    """The group's values that later equations or the graph outputs read (these become arrays)."""
    inside = set(id(e) for e in group.members) | set(id(e) for e in group.reductions)
    used = set()
    for e in eqns:
        if id(e) in inside:
            continue
        used.update(x for x in e.inputs if isinstance(x, Var))
    used |= set(live_outs)
    return {v for v in group.defined if v in used}


def emit_eqn(ctx, eqn):
    prim = eqn.primitive
    if prim.scalar_template is not None and eqn.outvars[0].aval.ndim == 0:
        out = eqn.outvars[0]
        expr = _template(eqn).format(*[ctx.name(x) for x in eqn.inputs])
        if out.aval.dtype.kind == "f" and all(x.aval.dtype.kind != "f" for x in eqn.inputs):
            expr = f"float({expr})"
        ctx.line(f"{ctx.name(out)} = {expr}")
        return
    if prim.emitter is None:
        raise NotImplementedError(f"no Numba code generation for primitive '{prim.name}'")
    prim.emitter(ctx, eqn)


def _template(eqn):
    t = eqn.primitive.scalar_template
    return t(**eqn.params) if callable(t) else t


def emit_group(ctx, group, materialised):
    shape = group.shape
    idx = [f"i{k}" for k in range(len(shape))]
    local = {}

    def elem(x):
        if isinstance(x, Literal):
            return ctx.name(x)
        if x in local:
            return local[x]
        s = x.aval.shape
        if not s:
            return ctx.name(x)
        lead = len(shape) - len(s)
        subs = [idx[lead + k] if d != 1 or shape[lead + k] == 1 else "0" for k, d in enumerate(s)]
        return f"{ctx.name(x)}[{', '.join(subs)}]"

    for eqn in group.members:
        v = eqn.outvars[0]
        if v in materialised:
            ctx.line(f"{ctx.name(v)} = np.empty({shape_code(shape)}, {dtype_code(v.aval.dtype)})")
    for red in group.reductions:
        out = red.outvars[0]
        if out.aval.ndim:  # a partial sum: one accumulator per kept index
            ctx.line(f"{ctx.name(out)} = np.zeros({shape_code(out.aval.shape)}, {dtype_code(out.aval.dtype)})")
            continue
        ctx.line(f"{ctx.name(out)} = {red.primitive.reduction[0]}")
        if out.aval.dtype.kind == "f" and red.primitive.reduction[0] == "0":
            ctx.lines[-1] += ".0"
    depth0 = ctx.depth
    for k, d in enumerate(shape):
        ctx.line(f"for {idx[k]} in range({d}):")
        ctx.depth += 1
    for eqn in group.members:
        v = eqn.outvars[0]
        expr = _template(eqn).format(*[elem(x) for x in eqn.inputs])
        name = "s" + ctx.name(v)[1:]
        ctx.line(f"{name} = {expr}")
        local[v] = name
        if v in materialised:
            ctx.line(f"{ctx.name(v)}[{', '.join(idx)}] = {name}")
    for red in group.reductions:
        acc = ctx.name(red.outvars[0])
        if red.outvars[0].aval.ndim:
            axes = red.params["axes"]
            acc += "[" + ", ".join(i for k, i in enumerate(idx) if k not in axes) + "]"
        ctx.line(red.primitive.reduction[1].format(acc=acc, x=elem(red.inputs[0])))
    ctx.depth = depth0


# Numba's compile time grows roughly quadratically with a function's length (its SSA and
# reaching-definition passes), so long graphs are emitted as a chain of part functions of about
# this many lines each, called in order by the main function.
PART_LINES = 120


def _item_vars(item, materialised):
    """(vars the item defines for others, vars it reads from outside itself)."""
    if isinstance(item, FusedGroup):
        defined = set(materialised) | {r.outvars[0] for r in item.reductions}
        inside = set(item.defined) | defined
        reads = [x for e in item.members + item.reductions for x in e.inputs
                 if isinstance(x, Var) and x not in inside]
        return defined, reads
    return set(item.outvars), [x for x in item.inputs if isinstance(x, Var)]


def generate_source(graph, fn_name, lifted=None, labels=None):
    """Source text of `def fn_name(*invars, *constvars): ... return (outs,)` (plus its part functions).

    lifted: None writes every literal into the source; a list receives the values of the float
    literals that are read at run time instead (see is_lifted), and the function then takes one more
    parameter after the constvars, `lits`, the float64 array of those values.
    labels: {Var: text} (staging.label); the code of an equation whose output has a label other
    than the previous one's starts with the comment `# text`.
    """
    ctx = Context(lifted)
    params = [ctx.name(v) for v in list(graph.invars) + list(graph.constvars)]
    ctx.live_outs = set(o for o in graph.outs if isinstance(o, Var))
    items = []  # (lines, defines, reads) per scheduled item
    labels, shown = labels or {}, None
    for item in schedule(graph.eqns):
        ctx.lines = []
        first = (item.members + item.reductions)[0] if isinstance(item, FusedGroup) else item
        text = labels.get(first.outvars[0])
        if text != shown:
            ctx.line(f"# {text}" if text is not None else "# (unlabelled)")
            shown = text
        ctx.linalg_stacks = {}  # temporaries may not cross items: items can land in parts
        if isinstance(item, FusedGroup):
            materialised = _uses_outside(item, graph.eqns, ctx.live_outs)
            emit_group(ctx, item, materialised)
        else:
            materialised = ()
            emit_eqn(ctx, item)
        items.append((ctx.lines, *_item_vars(item, materialised)))
    outs = [ctx.name(o) for o in graph.outs]
    if lifted is not None and lifted:
        params.append(LITERAL_BUFFER)
    chunks, current = [], []
    for it in items:
        current.append(it)
        if sum(len(i[0]) for i in current) >= PART_LINES:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    ret = f"return ({', '.join(outs)},)" if outs else "return ()"
    if len(chunks) <= 1:
        body = [line for it in items for line in it[0]] + ["    " + ret]
        return "\n".join(_function(fn_name, params, body)) + "\n"
    needed_later = [set(o for o in graph.outs if isinstance(o, Var))]
    for chunk in reversed(chunks[1:]):
        needed_later.insert(0, needed_later[0] | {v for it in chunk for v in it[2]})
    main, parts = [], []
    for k, (chunk, later) in enumerate(zip(chunks, needed_later)):
        defined = set().union(*(it[1] for it in chunk))
        reads = list(dict.fromkeys(v for it in chunk for v in it[2] if v not in defined))
        results = sorted((v for v in defined if v in later), key=ctx.name)
        if not results:
            continue
        part = f"{fn_name}_part{k}"
        body = [line for it in chunk for line in it[0]]
        ins = [ctx.name(v) for v in reads] + ([LITERAL_BUFFER] if _lifted_used(body) else [])
        res = ", ".join(ctx.name(v) for v in results)
        parts += ["", "", DECORATOR] + _function(part, ins, body + [f"    return ({res},)"])
        main.append(f"    ({res},) = {part}({', '.join(ins)})")
    main.append("    " + ret)
    return "\n".join(_function(fn_name, params, main) + parts) + "\n"


def _lifted_used(lines):
    """The indices k of the lifted literals litk the code lines read (comments aside)."""
    return sorted({int(k) for line in lines if not line.lstrip().startswith("#")
                   for k in _LIFTED_NAME.findall(line)})


def _function(fn_name, params, body):
    """Header and body lines of one generated function; the lifted literals it reads are bound to
    locals first (a load from `lits` inside a loop could not be hoisted past stores to arrays)."""
    used = _lifted_used(body)
    unpack = [f"    lit{k} = {LITERAL_BUFFER}[{k}]" for k in used]
    return [f"def {fn_name}({', '.join(params)}):"] + unpack + body


def emit_copy(ctx, dst, dst_subs, src, shape):
    """dst[dst_subs(idx)] = src[idx] for every index of `shape`, as explicit loops.

    Numba's array slice assignment compiles a shape-mismatch error path that costs seconds of
    compile time per function; plain element loops compile in milliseconds and run as fast.
    dst_subs maps the list of loop-index names to the list of subscripts of dst.
    """
    idx = [ctx.tmp("j") for _ in shape]
    depth0 = ctx.depth
    for k, d in enumerate(shape):
        ctx.line(f"for {idx[k]} in range({d}):")
        ctx.depth += 1
    value = f"{src}[{', '.join(idx)}]" if shape else src
    ctx.line(f"{dst}[{', '.join(dst_subs(idx))}] = {value}")
    ctx.depth = depth0
