"""Group elementwise equations (and full reductions of them) into single loop nests.

A linear scan keeps one open group of elementwise equations with the same output shape.
Equations that read the group's values but cannot join it (a matmul of a group value, a
scalar that uses a reduction) are deferred until the group is emitted; equations independent
of the group are emitted before it. So a forward pass and its backward pass over the same
shape usually share one loop, and values that never leave the loop are never stored.
"""
from ..graph import Var
from . import scalarise


class FusedGroup:
    def __init__(self, shape):
        self.shape = shape
        self.members = []       # elementwise eqns, in order
        self.reductions = []    # reductions over a member's value: full, or sums over some axes
        self.defined = set()

    def add(self, eqn):
        self.members.append(eqn)
        self.defined.update(eqn.outvars)

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
