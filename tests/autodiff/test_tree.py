"""Pytrees: flatten/unflatten round trips for dicts, lists, tuples, namedtuples, None and registered
types; leaf order; structure equality; tree_map; and pytrees through grad and jit."""
from collections import namedtuple

import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp

Point = namedtuple("Point", "x y")


class Pair:
    """A user type registered as a pytree node (children a, b; no auxiliary data)."""

    def __init__(self, a, b):
        self.a, self.b = a, b

    def __eq__(self, other):
        return isinstance(other, Pair) and _same(self.a, other.a) and _same(self.b, other.b)


ad.register_pytree_node(Pair, lambda p: ((p.a, p.b), None), lambda _, children: Pair(*children))


def _same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return type(a) is type(b) and np.array_equal(a, b)
    return a == b


def assert_same_tree(a, b):
    """Equal structure (including container types) and equal leaves."""
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, dict):
        assert list(a) == list(b) or sorted(a) == sorted(b)
        for k in a:
            assert_same_tree(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same_tree(x, y)
    else:
        assert _same(a, b)


TREES = [  # (name, tree, leaves in order)
    ("leaf_float", 1.5, [1.5]),
    ("leaf_array", np.arange(3.0), [np.arange(3.0)]),
    ("none", None, []),
    ("empty_containers", ([], (), {}), []),
    ("tuple_with_none", (1.0, None, 2.0), [1.0, 2.0]),
    ("list", [1, 2.0, np.ones(2)], [1, 2.0, np.ones(2)]),
    ("dict_sorted_keys", {"b": 1, "a": 2, "c": None}, [2, 1]),
    ("namedtuple", Point(np.ones(2), 3.0), [np.ones(2), 3.0]),
    ("nested", {"x": [1, (2.0, None)], "y": Point(np.ones(2), {"z": 3}), "w": ((), [None])},
     [1, 2.0, np.ones(2), 3]),  # keys in sorted order: w (no leaves), x, y
    ("namedtuple_of_none", Point(None, [None, 4.0]), [4.0]),
    ("registered", Pair(np.zeros(2), {"k": Pair(1.0, None)}), [np.zeros(2), 1.0]),
]


@pytest.mark.parametrize("name, tree, leaves", TREES, ids=[t[0] for t in TREES])
def test_flatten_unflatten_round_trip(name, tree, leaves):
    got_leaves, treedef = ad.tree_flatten(tree)
    assert len(got_leaves) == len(leaves) == treedef.num_leaves
    for g, e in zip(got_leaves, leaves):
        assert _same(g, e)
    rebuilt = ad.tree_unflatten(treedef, got_leaves)
    if isinstance(tree, Pair):
        assert rebuilt == tree
    else:
        assert_same_tree(rebuilt, tree)
    assert all(_same(a, b) for a, b in zip(ad.tree_leaves(tree), got_leaves))
    # unflatten with new leaves keeps the structure
    replaced = ad.tree_unflatten(treedef, [f"leaf{i}" for i in range(len(leaves))])
    assert ad.tree_flatten(replaced)[1] == treedef


def test_treedef_equality_and_hash():
    d1 = ad.tree_flatten({"b": 1, "a": 2})[1]
    d2 = ad.tree_flatten({"a": 0, "b": 5})[1]
    assert d1 == d2 and hash(d1) == hash(d2)
    assert ad.tree_flatten((1, 2))[1] != ad.tree_flatten([1, 2])[1]
    assert ad.tree_flatten(Point(1, 2))[1] != ad.tree_flatten((1, 2))[1]
    assert ad.tree_flatten((1, None))[1] != ad.tree_flatten((1,))[1]
    assert ad.tree_flatten({"a": 1})[1] != ad.tree_flatten({"b": 1})[1]


def test_tree_map():
    out = ad.tree_map(lambda a, b: a + b, {"a": 1, "b": (2, None, Point(3, 4))},
                      {"a": 10, "b": (20, None, Point(30, 40))})
    assert_same_tree(out, {"a": 11, "b": (22, None, Point(33, 44))})
    with pytest.raises(ValueError, match="structure mismatch"):
        ad.tree_map(lambda a, b: a + b, {"a": 1, "b": (2, 3)}, {"a": 10, "b": [20, 30]})


@pytest.mark.parametrize("n_leaves", [1, 3])
def test_unflatten_with_wrong_number_of_leaves_raises(n_leaves):
    treedef = ad.tree_flatten((1.0, 2.0))[1]
    with pytest.raises(ValueError, match="leaves"):
        ad.tree_unflatten(treedef, [0.0] * n_leaves)


# -- pytrees through transforms ------------------------------------------------------------------

State = namedtuple("State", "position momentum")


def energy(state, extra):
    return 0.5 * anp.sum(state.momentum ** 2) + anp.sum(state.position ** 2) * extra["k"] + extra["c"][0]


S0 = State(np.array([1.0, -2.0]), np.array([0.5, 0.25]))
EXTRA = {"k": 3.0, "c": (1.0, None)}


def test_grad_with_namedtuple_registered_type_and_none():
    g_state, g_extra = ad.grad(energy, argnums=(0, 1))(S0, EXTRA)
    assert type(g_state) is State
    np.testing.assert_array_equal(g_state.position, 2 * 3.0 * S0.position)
    np.testing.assert_array_equal(g_state.momentum, S0.momentum)
    assert g_extra["k"] == np.sum(S0.position ** 2) and g_extra["c"][0] == 1.0 and g_extra["c"][1] is None
    g_pair = ad.grad(lambda p: p.a * p.b["k"].a)(Pair(2.0, {"k": Pair(5.0, None)}))
    assert isinstance(g_pair, Pair) and g_pair.a == 5.0 and g_pair.b["k"].a == 2.0 and g_pair.b["k"].b is None


TREE_JIT = ad.jit(lambda state, extra: (State(state.momentum, -state.position * extra["k"]),
                                        {"e": energy(state, extra), "none": None}))


def test_jit_with_pytree_inputs_and_outputs():
    new_state, out = TREE_JIT(S0, EXTRA)
    assert type(new_state) is State and out["none"] is None
    np.testing.assert_array_equal(new_state.momentum, -S0.position * 3.0)
    assert out["e"] == pytest.approx(energy(S0, EXTRA), rel=1e-15)
