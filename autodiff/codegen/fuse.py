"""Group elementwise equations (and full reductions of them) into single loop nests.

A linear scan keeps one open group of elementwise equations with the same output shape.
Equations that read the group's values but cannot join it (a matmul of a group value, a
scalar that uses a reduction) are deferred until the group is emitted; equations independent
of the group are emitted before it. So a forward pass and its backward pass over the same
shape usually share one loop, and values that never leave the loop are never stored.

When the loop writes its short trailing axes out in the body (an (N, 3) group looped over N only,
fused_loop.py), reductions over exactly those axes join it as row values, one per iteration, and so
do elementwise equations on row values and keepdims reshapes of them: a mixture's logsumexp over
components and its gradient are then one loop over data points.
"""
import numpy as np

from ..graph import Var
from . import scalarise
from .code_text import vectorisable_loop

# Largest product of the trailing axes a loop body writes out instead of looping over (fused_loop.py).
UNROLL_MAX = 8
# Reductions over the written-out axes computed in the loop body, one value per iteration.
ROW_REDUCTIONS = ("reduce_sum", "reduce_max", "reduce_min", "reduce_logsumexp")


def _is_int(d):
    return isinstance(d, (int, np.integer))


def unrolled_axes(shape):
    """How many trailing axes of a loop nest over `shape` are written out in its body: the short
    constant ones behind a long looped axis, when the innermost axis is too short to vectorise."""
    n, size = 0, 1
    for d in reversed(shape):
        if not _is_int(d) or size * d > UNROLL_MAX:
            break
        size *= d
        n += 1
    if size == 1 or n == len(shape) or vectorisable_loop(shape):
        return 0
    return n if vectorisable_loop(shape[:len(shape) - n]) else 0


class FusedGroup:
    def __init__(self, shape):
        self.shape = shape
        self.members = []       # elementwise eqns, row reductions and their reshapes, in order
        self.reductions = []    # reductions over a member's value: full, or sums over some axes
        self.defined = set()
        self.rows = set()       # row values (row reductions, elementwise work on them): one per iteration

    def add(self, eqn):
        self.members.append(eqn)
        self.defined.update(eqn.outvars)

    def add_row(self, eqn):
        """A row reduction, an elementwise equation on row values, or a keepdims reshape of a row value."""
        self.add(eqn)
        if eqn.primitive.name != "reshape":
            self.rows.update(eqn.outvars)

    def add_reduction(self, eqn):
        self.reductions.append(eqn)

    def outvars(self):
        return set(self.defined) | {e.outvars[0] for e in self.reductions}


def is_elementwise(eqn):
    """An elementwise equation on an array too big to be kept as scalars (scalarise.py)."""
    aval = eqn.outvars[0].aval
    return eqn.primitive.scalar_template is not None and aval.ndim > 0 and not scalarise.is_small(aval)


def is_partial_sum(eqn, shape):
    """A float sum over some axes of a value of the group's shape, keeping the others (accumulated
    in the group's loop, e.g. a gradient summed over data points for each component)."""
    if eqn.primitive.name != "reduce_sum" or eqn.outvars[0].aval.dtype.kind != "f":
        return False
    axes = eqn.params["axes"]
    return eqn.outvars[0].aval.shape == tuple(d for i, d in enumerate(shape) if i not in axes)


def is_row_reduction(eqn, group):
    """A float reduction of a group value over exactly the axes its loop writes out (a mixture's
    logsumexp over components in a loop over data points): computed in the loop body, so that
    later members can read it in the same iteration."""
    if eqn.primitive.name not in ROW_REDUCTIONS or eqn.outvars[0].aval.dtype != np.float64:
        return False
    x, shape = eqn.inputs[0], group.shape
    if not (isinstance(x, Var) and x in group.defined and x.aval.shape == shape and x.aval.dtype == np.float64):
        return False
    n = unrolled_axes(shape)
    return n > 0 and tuple(sorted(eqn.params["axes"])) == tuple(range(len(shape) - n, len(shape)))


def is_row_reshape(eqn, group):
    """A reshape of a row reduction's value that puts unit axes in place of the written-out ones
    (logsumexp's keepdims for its gradient): the same local, broadcast by the members that read it."""
    if eqn.primitive.name != "reshape" or not (isinstance(eqn.inputs[0], Var) and eqn.inputs[0] in group.rows):
        return False
    shape = group.shape
    looped = len(shape) - unrolled_axes(shape)
    return eqn.outvars[0].aval.shape == tuple(shape[:looped]) + (1,) * (len(shape) - looped)


def is_row_member(eqn, group):
    """An elementwise equation of the loop's shape on row values (a row reduction's value times a
    weight per data point): computed once per iteration of the loop."""
    n = unrolled_axes(group.shape)
    if not n or not is_elementwise(eqn) or eqn.outvars[0].aval.shape != tuple(group.shape[:len(group.shape) - n]):
        return False
    read = [x for x in eqn.inputs if isinstance(x, Var) and x in group.defined]
    return bool(read) and all(x in group.rows for x in read)


def _size(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def _reads(eqn, vars_):
    return any(isinstance(x, Var) and x in vars_ for x in eqn.inputs)


def schedule(eqns):
    """Order eqns into a list of Eqn | FusedGroup items."""
    items, group, deferred, blocked, side = [], None, [], set(), None

    def flush_side():
        nonlocal side
        if side is not None:
            items.append(side)
            side = None

    def close():
        nonlocal group, deferred, blocked
        flush_side()
        if group is not None:
            items.append(group)
        items.extend(deferred)
        group, deferred, blocked = None, [], set()

    for eqn in eqns:
        if group is not None:
            reads_group = _reads(eqn, group.defined)
            reads_blocked = _reads(eqn, blocked)
            if (is_elementwise(eqn) and eqn.outvars[0].aval.shape == group.shape and not reads_blocked):
                group.add(eqn)
                continue
            if not reads_blocked and (is_row_reduction(eqn, group) or is_row_reshape(eqn, group)
                                      or is_row_member(eqn, group)):
                group.add_row(eqn)
                continue
            if (eqn.primitive.reduction is not None and not reads_blocked
                    and isinstance(eqn.inputs[0], Var) and eqn.inputs[0] in group.defined
                    and (eqn.outvars[0].aval.ndim == 0 or is_partial_sum(eqn, group.shape))):
                group.add_reduction(eqn)
                blocked.update(eqn.outvars)
                continue
            if (is_elementwise(eqn) and not reads_group and not reads_blocked
                    and eqn.outvars[0].aval.size < _size(group.shape)):
                # smaller work independent of the open loop (1/sigma beside a loop over data points):
                # a side loop emitted before it, so the open loop stays open for what follows
                shape = eqn.outvars[0].aval.shape
                if side is None or side.shape != shape:
                    flush_side()
                    side = FusedGroup(shape)
                side.add(eqn)
                continue
            if is_elementwise(eqn):
                close()  # it needs a value only available after the loop
            elif reads_group or reads_blocked:
                deferred.append(eqn)
                blocked.update(eqn.outvars)
                continue
            else:
                flush_side()
                items.append(eqn)
                continue
        if is_elementwise(eqn):
            group = FusedGroup(eqn.outvars[0].aval.shape)
            group.add(eqn)
        else:
            items.append(eqn)
    close()
    return items
