"""Straight-line scalar code for arrays whose shape is small and known when the graph is built.

Numba spends most of a compile on type inference and lowering, about 12 ms per generated line,
and a loop over a (3,) array (np.empty, a `for`, the body, a store) costs far more than three
scalar assignments: a chain of 60 elementwise operations on (3,) arrays compiled in 1.5-1.9 s as
loops and 0.3 s as scalars. So a value of at most SMALL elements is kept as one scalar local per
element (`v12_0, v12_1, v12_2`), and elementwise operations, reductions, logsumexp, cumsum and the
shape operations (reshape, broadcast, transpose, slice, concatenate, padding, flip) on such values
become scalar assignments or mere renamings, with no allocation and no loop. An array is built
(`materialise`) only where a consumer needs one: a kernel call, an output, a big loop that indexes it.

The context records, per scalarised Var, the code of each element in C order (`ctx.elems`): a
scalar local's name or a literal. Elements of a real array that scalar code reads are loaded once
per scope into locals (`ctx.loaded`).
"""
import numpy as np

from ..graph import Literal, Var
from .code_text import elementwise_code, dtype_code, literal_code, shape_code

# Largest size (in elements) of an array kept as scalars: a (3, 2, 2) covariance stack or a (3, 3)
# transition matrix are scalarised; a (4, 5) matrix stays loops. Vectors longer than SMALL_VECTOR
# (a plate of 8 schools) stay loops too: elementwise chains over them fuse into one loop, which
# compiles faster than a line per element and operation (eight schools: 0.8 s against 1.8 s of CPU).
SMALL = 16
SMALL_VECTOR = 4


def is_small(aval):
    return aval.ndim > 0 and aval.size <= (SMALL_VECTOR if aval.ndim == 1 else SMALL)


def _flat_index(idx, shape):
    flat = 0
    for i, d in zip(idx, shape):
        flat = flat * d + i
    return flat


def _is_atom(code):
    """An identifier or a literal: safe to use as an element without assigning it to a local."""
    return code.isidentifier() or code in ("True", "False", "np.nan", "np.inf", "(-np.inf)") or _is_number(code)


def _is_number(code):
    try:
        float(code.strip("()"))
        return True
    except ValueError:
        return False


def element(ctx, x, idx):
    """Code for element `idx` (a tuple of ints, in x's own shape) of atom x."""
    if isinstance(x, Literal) or not x.aval.shape:
        return ctx.name(x)
    elems = ctx.elems.get(x)
    if elems is not None:
        return elems[_flat_index(idx, x.aval.shape)]
    key = (x, idx)
    code = ctx.loaded.get(key)
    if code is None:
        code = ctx.loaded[key] = f"{ctx.name(x)}_{'_'.join(map(str, idx))}"
        ctx.line(f"{code} = {ctx.name(x)}[{', '.join(map(str, idx))}]")
    return code


def elements(ctx, x):
    """Every element of x, in C order."""
    if isinstance(x, Var) and x in ctx.elems:
        return ctx.elems[x]
    return [element(ctx, x, idx) for idx in np.ndindex(*x.aval.shape)]


def materialise(ctx, v):
    """Build the array of a scalarised Var (once per scope) so that array code can read it; its name."""
    name = ctx.name(v)
    if v not in ctx.elems or v in ctx.arrays:
        return name
    ctx.line(f"{name} = np.empty({shape_code(v.aval.shape)}, {dtype_code(v.aval.dtype)})")
    for idx, code in zip(np.ndindex(*v.aval.shape), ctx.elems[v]):
        ctx.line(f"{name}[{', '.join(map(str, idx))}] = {code}")
    ctx.arrays.add(v)
    return name


def materialise_inputs(ctx, eqn):
    for x in eqn.inputs:
        if isinstance(x, Var):
            materialise(ctx, x)


def carriers(ctx, v):
    """The local names holding v's value: its array's name, or its scalar elements' names."""
    if v in ctx.elems:
        return list(dict.fromkeys(e for e in ctx.elems[v] if e.isidentifier()))
    return [ctx.name(v)]


def _define(ctx, out, codes):
    """Record out's elements: atoms are used as they are, expressions get a local each."""
    name = ctx.name(out)
    elems = []
    for k, code in enumerate(codes):
        if _is_atom(code):
            elems.append(code)
        elif code in ctx.computed:  # the same expression of the same locals: computed once
            elems.append(ctx.computed[code])
        else:
            local = f"{name}_{k}"
            ctx.line(f"{local} = {code}")
            ctx.computed[code] = local
            elems.append(local)
    ctx.elems[out] = elems


def _define_scalar(ctx, out, code):
    ctx.line(f"{ctx.name(out)} = {code}")


def _broadcast_element(ctx, x, out_idx, out_shape):
    if isinstance(x, Literal) or not x.aval.shape:
        return ctx.name(x)
    s = x.aval.shape
    lead = len(out_shape) - len(s)
    return element(ctx, x, tuple(0 if d == 1 else out_idx[lead + k] for k, d in enumerate(s)))


# -- the scalar emitters, by kind ---------------------------------------------------------------------
# In straight-line code a conditional expression costs Numba ~5x the compile time of a call (it
# becomes three blocks): these call runtime helpers instead, which LLVM inlines. (Inside a fused
# loop the inline form stays: there a call was measured 17 % slower on gmm.)
_CALLS = {"safe_mul": "rt.safe_mul({0}, {1})", "where": "rt.where({0}, {1}, {2})"}


def _elementwise(ctx, eqn):
    out = eqn.outvars[0]
    template = _CALLS.get(eqn.primitive.name) or elementwise_code(eqn)
    to_float = out.aval.dtype.kind == "f" and all(x.aval.dtype.kind != "f" for x in eqn.inputs)
    same = [x.aval.dtype == out.aval.dtype for x in eqn.inputs]
    codes = []
    for idx in np.ndindex(*out.aval.shape):
        args = [_broadcast_element(ctx, x, idx, out.aval.shape) for x in eqn.inputs]
        expr = _identity(eqn.primitive.name, args, same)
        if expr is None:
            expr = template.format(*args)
            expr = f"float({expr})" if to_float else expr
        codes.append(expr)
    _define(ctx, out, codes)


def _identity(name, args, same):
    """The operand an elementwise operation returns unchanged given a literal operand (x + 0.0,
    x * 1.0, safe_mul(0.0, d), True and b, a fixed where), or None."""
    if name == "add":
        for i in (0, 1):
            if args[i] == "0.0" and same[1 - i]:
                return args[1 - i]
    elif name == "subtract" and args[1] == "0.0" and same[0]:
        return args[0]
    elif name == "multiply":
        for i in (0, 1):
            if args[i] == "1.0" and same[1 - i]:
                return args[1 - i]
    elif name == "divide" and args[1] == "1.0" and same[0]:
        return args[0]
    elif name == "safe_mul" and args[0] == "0.0" and same[0]:
        return "0.0"
    elif name == "logical_and":
        for i in (0, 1):
            if args[i] == "True" and same[1 - i]:
                return args[1 - i]
    elif name == "where" and args[0] in ("True", "False") and same[1] and same[2]:
        return args[1] if args[0] == "True" else args[2]
    return None


def _groups(shape, axes):
    """For each kept index (C order), the flat input indices reduced into it."""
    keep = [a for a in range(len(shape)) if a not in axes]
    groups = {}
    for idx in np.ndindex(*shape):
        groups.setdefault(tuple(idx[a] for a in keep), []).append(idx)
    return [groups[k] for k in sorted(groups)]


def _combine(ctx, name, dtype, codes):
    """Code reducing `codes` with reduction `name`, or None when not handled here."""
    if name in ("reduce_sum", "reduce_prod"):
        if dtype.kind == "b":
            return None
        op = " + " if name == "reduce_sum" else " * "
        return "(" + op.join(codes) + ")" if len(codes) > 1 else codes[0]
    if name in ("reduce_max", "reduce_min"):
        fn = "rt.maximum" if name == "reduce_max" else "rt.minimum"
        acc = codes[0]
        for c in codes[1:]:
            acc = f"{fn}({acc}, {c})"
        return acc
    if name in ("reduce_and", "reduce_or"):
        op = " and " if name == "reduce_and" else " or "
        return "(" + op.join(f"({c} != 0)" for c in codes) + ")"
    return None


def _reduction(ctx, eqn):
    (x,), out = eqn.inputs, eqn.outvars[0]
    name, axes = eqn.primitive.name, tuple(eqn.params["axes"])
    codes = []
    for group in _groups(x.aval.shape, axes):
        elems = [element(ctx, x, idx) for idx in group]
        if name == "reduce_logsumexp":
            codes.append(_logsumexp(ctx, elems))
            continue
        code = _combine(ctx, name, x.aval.dtype, elems)
        if code is None:
            return False
        codes.append(code)
    if out.aval.shape:
        _define(ctx, out, codes)
    else:
        _define_scalar(ctx, out, codes[0])
    return True


def _logsumexp(ctx, elems):
    """log(sum(exp(elems))) as scipy computes it: the max is subtracted; a NaN, +inf or -inf max is the result."""
    m = ctx.tmp("m")
    acc = elems[0]
    for c in elems[1:]:
        acc = f"rt.maximum({acc}, {c})"
    ctx.line(f"{m} = {acc}")
    terms = " + ".join(f"math.exp({c} - {m})" for c in elems)
    r = ctx.tmp("lse")
    ctx.line(f"{r} = rt.logsumexp_finish({m}, {terms})")
    return r


def _reshape(ctx, eqn):
    x, out = eqn.inputs[0], eqn.outvars[0]
    elems = elements(ctx, x)
    if out.aval.shape:
        ctx.elems[out] = list(elems)
    else:
        _define_scalar(ctx, out, elems[0])
    return True


def _transpose(ctx, eqn):
    x, out, perm = eqn.inputs[0], eqn.outvars[0], eqn.params["perm"]
    inv = [int(i) for i in np.argsort(perm)]
    codes = [element(ctx, x, tuple(idx[inv[k]] for k in range(len(idx)))) for idx in np.ndindex(*out.aval.shape)]
    ctx.elems[out] = codes
    return True


def _slice(ctx, eqn):
    x, out, p = eqn.inputs[0], eqn.outvars[0], eqn.params
    codes = [element(ctx, x, tuple(a + c * i for a, c, i in zip(p["starts"], p["steps"], idx)))
             for idx in np.ndindex(*out.aval.shape)]
    ctx.elems[out] = codes
    return True


def _rev(ctx, eqn):
    x, out, axes = eqn.inputs[0], eqn.outvars[0], eqn.params["axes"]
    shape = x.aval.shape
    ctx.elems[out] = [element(ctx, x, tuple(d - 1 - i if k in axes else i for k, (i, d) in enumerate(zip(idx, shape))))
                      for idx in np.ndindex(*shape)]
    return True


def _concatenate(ctx, eqn):
    out, axis = eqn.outvars[0], eqn.params["axis"]
    if any(x.aval.dtype != out.aval.dtype for x in eqn.inputs):
        return False
    owner = []  # along the axis: (input, offset)
    for x in eqn.inputs:
        owner += [(x, j) for j in range(x.aval.shape[axis])]
    codes = []
    for idx in np.ndindex(*out.aval.shape):
        x, j = owner[idx[axis]]
        codes.append(element(ctx, x, idx[:axis] + (j,) + idx[axis + 1:]))
    ctx.elems[out] = codes
    return True


def _zero(dtype):
    return literal_code(np.zeros((), dtype))


def _pad_slice(ctx, eqn):
    src, out, p = eqn.inputs[0], eqn.outvars[0], eqn.params
    codes = [_zero(out.aval.dtype)] * out.aval.size
    for idx in np.ndindex(*src.aval.shape):
        dst = tuple(a + c * i for a, c, i in zip(p["starts"], p["steps"], idx))
        codes[_flat_index(dst, out.aval.shape)] = element(ctx, src, idx)
    ctx.elems[out] = codes
    return True


def _assemble(ctx, eqn):
    out, p = eqn.outvars[0], eqn.params
    terms = [[] for _ in range(out.aval.size)]
    for piece, (starts, stops, steps) in zip(eqn.inputs, p["slices"]):
        if not piece.aval.shape:
            terms[_flat_index(starts, out.aval.shape)].append(ctx.name(piece))
            continue
        for idx in np.ndindex(*piece.aval.shape):
            dst = tuple(a + c * i for a, c, i in zip(starts, steps, idx))
            terms[_flat_index(dst, out.aval.shape)].append(element(ctx, piece, idx))
    zero = _zero(out.aval.dtype)
    codes = [zero if not t else t[0] if len(t) == 1 else "(" + " + ".join(t) + ")" for t in terms]
    _define(ctx, out, codes)
    return True


def _cumsum(ctx, eqn):
    x, out, axis, reverse = eqn.inputs[0], eqn.outvars[0], eqn.params["axis"], eqn.params["reverse"]
    if x.aval.dtype.kind != "f":
        return False
    shape = x.aval.shape
    codes = [None] * out.aval.size
    for idx in np.ndindex(*shape):
        if idx[axis] != 0:
            continue
        order = range(shape[axis] - 1, -1, -1) if reverse else range(shape[axis])
        acc = None
        for j in order:
            at = idx[:axis] + (j,) + idx[axis + 1:]
            e = element(ctx, x, at)
            acc = e if acc is None else f"({acc} + {e})"
            if not _is_atom(acc):  # a running local keeps each line short
                local = ctx.tmp("cs")
                ctx.line(f"{local} = {acc}")
                acc = local
            codes[_flat_index(at, shape)] = acc
    ctx.elems[out] = codes
    return True


_BY_NAME = {"reshape": _reshape, "transpose": _transpose, "slice": _slice, "rev": _rev,
            "concatenate": _concatenate, "pad_slice": _pad_slice, "assemble": _assemble, "cumsum": _cumsum}
_REDUCTIONS = {"reduce_sum", "reduce_prod", "reduce_max", "reduce_min", "reduce_and", "reduce_or", "reduce_logsumexp"}


def emit(ctx, eqn):
    """Emit eqn as scalar code if its result is small (or a reduction of a small value); True if done."""
    if eqn.primitive.multiple_results or len(eqn.outvars) != 1:
        return False
    out = eqn.outvars[0]
    prim = eqn.primitive
    if prim.scalar_template is not None:
        if not is_small(out.aval):
            return False
        _elementwise(ctx, eqn)
        return True
    name = prim.name
    if name in _REDUCTIONS:
        x = eqn.inputs[0]
        if not (is_small(x.aval) and isinstance(x, Var) and x in ctx.elems) and not (
                is_small(out.aval) and is_small(x.aval)):
            return False
        return _reduction(ctx, eqn)
    handler = _BY_NAME.get(name)
    if handler is None or not is_small(out.aval) and not (name == "reshape" and not out.aval.shape):
        return False
    if name == "reshape" and not out.aval.shape and not (isinstance(eqn.inputs[0], Var) and eqn.inputs[0] in ctx.elems):
        return False
    return handler(ctx, eqn)


__all__ = ["SMALL", "is_small", "emit", "element", "elements", "materialise", "materialise_inputs", "carriers"]
