"""Walk a Graph and ask each primitive's emitter for lines of Numba source; assemble one function.

Arrays are numpy arrays inside Numba; 0-d values are plain scalars, and so are the elements of
arrays whose shape is small (scalarise.py): those become one local per element and straight-line
code. Elementwise equations on bigger arrays are fused into loop nests (fuse.py); every other
primitive has an emitter next to its rules.
"""
import re
from contextlib import contextmanager

import numpy as np

from ..graph import Literal, Var
from . import scalarise
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


def dtype_code(dtype):
    dtype = np.dtype(dtype)
    return "np.bool_" if dtype.kind == "b" else f"np.{dtype.name}"


def shape_code(shape):
    return "(" + "".join(f"{int(d)}, " for d in shape).rstrip(" ") + ")" if shape else "()"


class Context:
    """Accumulates source lines with indentation; names Vars and literals."""

    def __init__(self):
        self.lines = []
        self.depth = 1
        self._tmp = 0
        self._names = {}  # Var -> name, numbered in order of appearance so equal graphs give equal source
        self.elems = {}  # scalarised Var -> the code of each of its elements (scalarise.py)
        self.arrays = set()  # scalarised Vars whose array has been built in the current scope
        self.loaded = {}  # (array Var, index) -> the local its element was loaded into, in the current scope
        self.computed = {}  # scalar expression -> the local holding it, in the current scope

    def name(self, atom):
        if isinstance(atom, Literal):
            return literal_code(atom.val)
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

    def emit_graph_inline(self, graph, in_exprs, const_exprs=(), elements=False):
        """Emit a nested graph's equations here, binding its inputs; return its output expressions.

        const_exprs followed by in_exprs bind to the graph's constvars followed by its invars; an
        expression is a code string, or a list of element codes for a small input kept as scalars.
        With elements=True, a scalarised output is returned as its list of element codes (else its
        array is built).
        """
        exprs = list(const_exprs) + list(in_exprs)
        params = list(graph.constvars) + list(graph.invars)
        assert len(exprs) == len(params), (len(exprs), len(params))
        saved_scope = set(self.arrays), dict(self.loaded), dict(self.computed)
        for v, e in zip(params, exprs):
            if isinstance(e, list):
                self.elems[v] = e
            else:
                self.elems.pop(v, None)
                self.line(f"{self.name(v)} = {e}")
        saved = self.live_outs
        self.live_outs = set(o for o in graph.outs if isinstance(o, Var))
        self.emit_eqns(graph.eqns)
        self.live_outs = saved
        outs = []
        for o in graph.outs:
            if elements and isinstance(o, Var) and o in self.elems:
                outs.append(list(self.elems[o]))
            else:
                outs.append(scalarise.materialise(self, o) if isinstance(o, Var) else self.name(o))
        self.arrays, self.loaded, self.computed = saved_scope
        return outs

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
    if scalarise.emit(ctx, eqn):
        return
    if prim.emitter is None:
        raise NotImplementedError(f"no Numba code generation for primitive '{prim.name}'")
    if not getattr(prim.emitter, "reads_elements", False):  # emitters that know scalarised inputs
        scalarise.materialise_inputs(ctx, eqn)
    prim.emitter(ctx, eqn)


def _template(eqn):
    t = eqn.primitive.scalar_template
    return t(**eqn.params) if callable(t) else t


def emit_group(ctx, group, materialised):
    shape = group.shape
    idx = [f"i{k}" if d != 1 else "0" for k, d in enumerate(shape)]  # no `for i in range(1)`
    local = {}

    def subscripts(x):
        s = x.aval.shape
        lead = len(shape) - len(s)
        return [idx[lead + k] if d != 1 or shape[lead + k] == 1 else "0" for k, d in enumerate(s)]

    def elem(x):
        if isinstance(x, Literal):
            return ctx.name(x)
        if x in local:
            return local[x]
        s = x.aval.shape
        if not s:
            return ctx.name(x)
        subs = subscripts(x)
        if x in ctx.elems and x not in ctx.arrays:  # a scalarised value read at a fixed index
            return ctx.elems[x][scalarise._flat_index(tuple(int(i) for i in subs), s)]
        return f"{ctx.name(x)}[{', '.join(subs)}]"

    for eqn in group.members + group.reductions:  # scalarised values the loop indexes: built before it
        for x in eqn.inputs:
            if (isinstance(x, Var) and x in ctx.elems and x not in group.defined
                    and not all(i == "0" for i in subscripts(x))):
                scalarise.materialise(ctx, x)

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
        if d != 1:
            ctx.line(f"for {idx[k]} in range({d}):")
            ctx.depth += 1
    for eqn in group.members:
        v = eqn.outvars[0]
        expr = _template(eqn).format(*[elem(x) for x in eqn.inputs])
        if v not in materialised and scalarise._is_atom(expr):  # a copy or a constant: no line
            local[v] = expr
            continue
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


# An assignment's target names, and the names a line reads (attributes after a '.' excluded).
_ASSIGNED = re.compile(r"^\s*([A-Za-z_]\w*(?:, [A-Za-z_]\w*)*) = ")
_NAME = re.compile(r"(?<![\w.])[A-Za-z_]\w*")


def generate_source(graph, fn_name):
    """Source text of `def fn_name(*invars, *constvars): ... return (outs,)` (plus its part functions)."""
    from .compile import DECORATOR
    ctx = Context()
    params = [ctx.name(v) for v in list(graph.invars) + list(graph.constvars)]
    ctx.live_outs = set(o for o in graph.outs if isinstance(o, Var))
    items = []  # the lines of each scheduled item
    for item in schedule(graph.eqns):
        ctx.lines = []
        ctx.__dict__.pop("linalg_stacks", None)  # temporaries may not cross items: items can land in parts
        if isinstance(item, FusedGroup):
            emit_group(ctx, item, _uses_outside(item, graph.eqns, ctx.live_outs))
        else:
            emit_eqn(ctx, item)
        items.append(ctx.lines)
    ctx.lines = []
    outs = [scalarise.materialise(ctx, o) if isinstance(o, Var) else ctx.name(o) for o in graph.outs]
    ret_lines = ctx.lines + ["    " + (f"return ({', '.join(outs)},)" if outs else "return ()")]
    header = f"def {fn_name}({', '.join(params)}):"
    chunks, current = [], []
    for lines in items:
        current += lines
        if len(current) >= PART_LINES:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    if len(chunks) <= 1:
        return "\n".join([header] + [line for lines in items for line in lines] + ret_lines) + "\n"
    # Parts pass values by name: a part reads the names earlier parts assigned, and returns the
    # names it assigns that later code reads.
    assigned = [{n for line in chunk for m in [_ASSIGNED.match(line)] if m for n in m.group(1).split(", ")}
                for chunk in chunks]
    used = [{n for line in chunk for n in _NAME.findall(line)} for chunk in chunks]
    needed_later = [{n for line in ret_lines for n in _NAME.findall(line)}]
    for u in reversed(used[1:]):
        needed_later.insert(0, needed_later[0] | u)
    main, parts, available = [header], [], set(params)
    for k, chunk in enumerate(chunks):
        results = sorted(assigned[k] & needed_later[k])
        reads = sorted(used[k] & available)
        available |= assigned[k]
        if not results:
            continue
        ins, res = ", ".join(reads), ", ".join(results)
        part = f"{fn_name}_part{k}"
        parts += ["", "", DECORATOR, f"def {part}({ins}):"] + chunk + [f"    return ({res},)"]
        main.append(f"    ({res},) = {part}({ins})")
    main += ret_lines
    return "\n".join(main + parts) + "\n"


def emit_copy(ctx, dst, dst_subs, src, shape):
    """dst[dst_subs(idx)] = src[idx] for every index of `shape`, as explicit loops.

    Numba's array slice assignment compiles a shape-mismatch error path that costs seconds of
    compile time per function; plain element loops compile in milliseconds and run as fast.
    dst_subs maps the list of loop-index names to the list of subscripts of dst.
    """
    idx = [ctx.tmp("j") if d != 1 else "0" for d in shape]  # no `for j in range(1)`
    depth0 = ctx.depth
    for k, d in enumerate(shape):
        if d != 1:
            ctx.line(f"for {idx[k]} in range({d}):")
            ctx.depth += 1
    value = f"{src}[{', '.join(idx)}]" if shape else src
    ctx.line(f"{dst}[{', '.join(dst_subs(idx))}] = {value}")
    ctx.depth = depth0
