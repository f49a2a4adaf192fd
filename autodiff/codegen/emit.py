"""Walk a Graph and ask each primitive's emitter for lines of Numba source; assemble one function.

Arrays are numpy arrays inside Numba; 0-d values are plain scalars, and so are the elements of
arrays whose shape is small (scalarise.py): those become one local per element and straight-line
code. Elementwise equations on bigger arrays are fused into loop nests (fuse.py); every other
primitive has an emitter next to its rules.
"""
import re
from contextlib import contextmanager

from ..graph import Literal, Var
from . import scalarise
from .code_text import (LITERAL_BUFFER, STRUCTURAL_FLOATS, _LIFTED_NAME, elementwise_code, dtype_code,  # noqa: F401
                        is_lifted, literal_code, shape_code, vector_calls, vectorisable_loop)
from .compile import DECORATOR
from .fuse import FusedGroup, schedule
from .fused_loop import emit_group


class Context:
    """Accumulates source lines with indentation; names Vars and literals."""

    def __init__(self, lifted=None):
        self.lines = []
        self.depth = 1
        self._tmp = 0
        self._names = {}  # Var -> name, numbered in order of appearance so equal graphs give equal source
        self.linalg_stacks = {}  # (name, shape) -> contiguous batch view made by a linalg emitter in this item
        self.lifted = lifted  # None: literals inline; a list: values of the lifted literals, lits[k]
        self.elems = {}  # scalarised Var -> the code of each of its elements (scalarise.py)
        self.arrays = set()  # scalarised Vars whose array has been built in the current scope
        self.loaded = {}  # (array Var, index) -> the local its element was loaded into, in the current scope
        self.computed = {}  # scalar expression -> the local holding it, in the current scope

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
        readers = _readers(eqns)
        for item in schedule(eqns):
            if isinstance(item, FusedGroup):
                emit_group(self, item, _uses_outside(item, readers, self.live_outs))
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


def _readers(eqns):
    """{Var: ids of the equations reading it}, built once per equation list: each group then checks
    only the readers of its own values, so emitting a program is linear in its length (a scan of
    every equation per group was quadratic and showed in every new model's codegen time)."""
    readers = {}
    for e in eqns:
        for x in e.inputs:
            if isinstance(x, Var):
                readers.setdefault(x, []).append(id(e))
    return readers


def _uses_outside(group, readers, live_outs):
    """The group's values that later equations or the graph outputs read (these become arrays)."""
    inside = set(id(e) for e in group.members) | set(id(e) for e in group.reductions)
    return {v for v in group.defined
            if v in live_outs or any(r not in inside for r in readers.get(v, ()))}


def emit_eqn(ctx, eqn):
    prim = eqn.primitive
    if prim.scalar_template is not None and eqn.outvars[0].aval.ndim == 0:
        out = eqn.outvars[0]
        expr = elementwise_code(eqn).format(*[ctx.name(x) for x in eqn.inputs])
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


# Numba's compile time grows roughly quadratically with a function's length (its SSA and
# reaching-definition passes), so long graphs are emitted as a chain of part functions of about
# this many lines each, called in order by the main function.
PART_LINES = 120


# An assignment's target names, and the names a line reads (attributes after a '.' excluded).
_ASSIGNED = re.compile(r"^\s*([A-Za-z_]\w*(?:, [A-Za-z_]\w*)*) = ")
_NAME = re.compile(r"(?<![\w.])[A-Za-z_]\w*")


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
    items = []  # the lines of each scheduled item
    labels, shown = labels or {}, None
    readers = _readers(graph.eqns)
    for item in schedule(graph.eqns):
        ctx.lines = []
        first = (item.members + item.reductions)[0] if isinstance(item, FusedGroup) else item
        text = labels.get(first.outvars[0])
        if text != shown:
            ctx.line(f"# {text}" if text is not None else "# (unlabelled)")
            shown = text
        ctx.linalg_stacks = {}  # temporaries may not cross items: items can land in parts
        if isinstance(item, FusedGroup):
            emit_group(ctx, item, _uses_outside(item, readers, ctx.live_outs))
        else:
            emit_eqn(ctx, item)
        items.append(ctx.lines)
    ctx.lines = []
    outs = [scalarise.materialise(ctx, o) if isinstance(o, Var) else ctx.name(o) for o in graph.outs]
    ret_lines = ctx.lines + ["    " + (f"return ({', '.join(outs)},)" if outs else "return ()")]
    if lifted:
        params.append(LITERAL_BUFFER)
    chunks, current = [], []
    for lines in items:
        current += lines
        if len(current) >= PART_LINES:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    if len(chunks) <= 1:
        return "\n".join(_function(fn_name, params, [line for lines in items for line in lines] + ret_lines)) + "\n"
    # Parts pass values by name: a part reads the names earlier parts assigned, and returns the
    # names it assigns that later code reads.
    assigned = [{n for line in chunk for m in [_ASSIGNED.match(line)] if m for n in m.group(1).split(", ")}
                for chunk in chunks]
    used = [_names_read(chunk) for chunk in chunks]
    needed_later = [_names_read(ret_lines)]
    for u in reversed(used[1:]):
        needed_later.insert(0, needed_later[0] | u)
    main, parts, available = [], [], set(params)
    for k, chunk in enumerate(chunks):
        results = sorted(assigned[k] & needed_later[k])
        reads = sorted(used[k] & available)
        available |= assigned[k]
        if not results:
            continue
        if _lifted_used(chunk):
            reads.append(LITERAL_BUFFER)
        ins, res = ", ".join(reads), ", ".join(results)
        part = f"{fn_name}_part{k}"
        parts += ["", "", DECORATOR] + _function(part, reads, chunk + [f"    return ({res},)"])
        main.append(f"    ({res},) = {part}({ins})")
    main += ret_lines
    return "\n".join(_function(fn_name, params, main) + parts) + "\n"


def _names_read(lines):
    """The names the code lines mention (comments aside)."""
    return {n for line in lines if not line.lstrip().startswith("#") for n in _NAME.findall(line)}


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
    idx = [ctx.tmp("j") if d != 1 else "0" for d in shape]  # no `for j in range(1)`
    depth0 = ctx.depth
    for k, d in enumerate(shape):
        if d != 1:
            ctx.line(f"for {idx[k]} in range({d}):")
            ctx.depth += 1
    value = f"{src}[{', '.join(idx)}]" if shape else src
    ctx.line(f"{dst}[{', '.join(dst_subs(idx))}] = {value}")
    ctx.depth = depth0
