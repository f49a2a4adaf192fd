"""Pytrees: flatten and unflatten nested dicts, lists, tuples and None (and registered types)."""
from collections import namedtuple

import numpy as np

_registry = {}


class TreeDef:
    """The structure of a pytree: node kind, auxiliary data and child structures."""

    __slots__ = ("kind", "aux", "children", "num_leaves", "_key", "_hash")

    def __init__(self, kind, aux, children):
        self.kind, self.aux, self.children = kind, aux, tuple(children)
        self.num_leaves = 1 if kind == "leaf" else sum(c.num_leaves for c in self.children)
        self._key = (kind, aux, tuple(c._key for c in self.children))
        self._hash = hash(self._key)

    def __eq__(self, other):
        return isinstance(other, TreeDef) and self._hash == other._hash and self._key == other._key

    def __hash__(self):
        return self._hash

    def __repr__(self):
        if self.kind == "leaf":
            return "*"
        if self.kind is type(None):
            return "None"
        return f"{getattr(self.kind, '__name__', self.kind)}({', '.join(map(repr, self.children))})"


LEAF = TreeDef("leaf", None, ())


def register_pytree_node(cls, flatten, unflatten):
    """Register `cls`: flatten(obj) -> (children, aux); unflatten(aux, children) -> obj."""
    _registry[cls] = (flatten, unflatten)


register_pytree_node(tuple, lambda t: (t, None), lambda _, c: tuple(c))
register_pytree_node(list, lambda t: (t, None), lambda _, c: list(c))
register_pytree_node(type(None), lambda _: ((), None), lambda _, c: None)
register_pytree_node(dict, lambda d: ([d[k] for k in sorted(d)], tuple(sorted(d))),
                     lambda keys, c: dict(zip(keys, c)))


def _node_type(x):
    t = type(x)
    if t in _registry:
        return t
    if isinstance(x, tuple) and hasattr(x, "_fields"):  # namedtuple
        return "namedtuple"
    return None


def tree_flatten(tree):
    """(leaves, treedef) for any nesting of dict, list, tuple, namedtuple, None and registered types."""
    leaves = []

    def rec(x):
        t = _node_type(x)
        if t is None:
            leaves.append(x)
            return LEAF
        if t == "namedtuple":
            return TreeDef(type(x), None, [rec(c) for c in x])
        children, aux = _registry[t][0](x)
        return TreeDef(t, aux, [rec(c) for c in children])

    treedef = rec(tree)
    return leaves, treedef


def tree_unflatten(treedef, leaves):
    leaves = list(leaves)
    if len(leaves) != treedef.num_leaves:
        raise ValueError(f"tree_unflatten: the structure {treedef} has {treedef.num_leaves} leaves, "
                         f"got {len(leaves)}")
    it = iter(leaves)

    def rec(td):
        if td.kind == "leaf":
            return next(it)
        children = [rec(c) for c in td.children]
        if td.kind in _registry:
            return _registry[td.kind][1](td.aux, children)
        return td.kind(*children)  # namedtuple

    out = rec(treedef)
    return out


def tree_leaves(tree):
    return tree_flatten(tree)[0]


def tree_map(f, tree, *rest):
    leaves, treedef = tree_flatten(tree)
    others = [treedef_flatten_like(treedef, r) for r in rest]
    return tree_unflatten(treedef, [f(*xs) for xs in zip(leaves, *others)])


def treedef_flatten_like(treedef, tree):
    leaves, td = tree_flatten(tree)
    if td != treedef:
        raise ValueError(f"pytree structure mismatch: expected {treedef}, got {td}")
    return leaves


def ravel_pytree(tree):
    """(flat, unravel): the leaves of ``tree`` as one float64 vector, and the inverse, as ``jax.flatten_util``.

    Leaves are raveled in ``tree_flatten`` order and concatenated; ``unravel(flat)`` cuts a vector
    of the same length back into the tree, each leaf reshaped to its original shape (as float64).
    ``unravel`` only slices and reshapes, so it traces: optimise any pytree through a flat vector.

    Examples
    --------
    >>> flat, unravel = ravel_pytree({"w": np.ones((2, 2)), "b": 0.5})
    >>> flat
    array([0.5, 1. , 1. , 1. , 1. ])
    >>> unravel(flat)["w"].shape
    (2, 2)
    """
    leaves, treedef = tree_flatten(tree)
    arrays = [np.asarray(leaf, dtype=np.float64) for leaf in leaves]
    shapes = [a.shape for a in arrays]
    offsets = np.cumsum([0] + [a.size for a in arrays])
    flat = np.concatenate([a.ravel() for a in arrays]) if arrays else np.zeros(0)
    size = int(offsets[-1])

    def unravel(flat):
        if tuple(np.shape(flat)) != (size,):
            raise ValueError(f"unravel: expected a flat vector of shape ({size},) for {treedef}, "
                             f"got shape {tuple(np.shape(flat))}")
        parts = []
        for start, stop, shape in zip(offsets[:-1], offsets[1:], shapes):
            part = flat[int(start):int(stop)]
            parts.append(part.reshape(shape) if shape != (stop - start,) else part)
        return tree_unflatten(treedef, parts)

    return flat, unravel


__all__ = ["tree_flatten", "tree_unflatten", "tree_leaves", "tree_map", "register_pytree_node", "TreeDef",
           "ravel_pytree"]
_ = namedtuple  # namedtuples are handled structurally
