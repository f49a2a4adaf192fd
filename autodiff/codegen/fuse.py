"""Group chains of elementwise equations (and full reductions of them) into single loop nests.

A linear scan keeps one open group of elementwise equations with the same output shape. An
equation that is not elementwise is emitted before the group unless it reads one of the
group's values, in which case the group is closed (emitted) first. Values that leave a group
are materialised as arrays; the rest live only as scalars inside the loop.
"""
from ..graph import Var


class FusedGroup:
    def __init__(self, shape):
        self.shape = shape
        self.members = []       # elementwise eqns, in order
        self.reductions = []    # full reductions over a member's value
        self.defined = set()

    def add(self, eqn):
        self.members.append(eqn)
        self.defined.update(eqn.outvars)

    def add_reduction(self, eqn):
        self.reductions.append(eqn)

    def outvars(self):
        return set(self.defined) | {e.outvars[0] for e in self.reductions}


def is_elementwise(eqn):
    return eqn.primitive.scalar_template is not None and eqn.outvars[0].aval.ndim > 0


def _reads(eqn, vars_):
    return any(isinstance(x, Var) and x in vars_ for x in eqn.inputs)


def schedule(eqns):
    """Order eqns into a list of Eqn | FusedGroup items."""
    items, group = [], None
    for eqn in eqns:
        if is_elementwise(eqn):
            shape = eqn.outvars[0].aval.shape
            if group is not None and group.shape == shape:
                group.add(eqn)
                continue
            if group is not None:
                items.append(group)
            group = FusedGroup(shape)
            group.add(eqn)
        elif (group is not None and getattr(eqn.primitive, "reduction", None) is not None
              and isinstance(eqn.inputs[0], Var) and eqn.inputs[0] in group.defined
              and eqn.outvars[0].aval.ndim == 0):
            group.add_reduction(eqn)
        else:
            if group is not None and _reads(eqn, group.outvars()):
                items.append(group)
                group = None
            items.append(eqn)
    if group is not None:
        items.append(group)
    return items
