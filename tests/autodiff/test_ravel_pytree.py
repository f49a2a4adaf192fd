"""ravel_pytree: round trips (shapes, leaf order as tree_flatten), a traceable unravel, bad lengths."""
import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp


def test_round_trip_and_leaf_order():
    tree = {"w": np.arange(6.0).reshape(2, 3), "b": 0.5, "layers": [np.array([7.0, 8.0]), (np.ones(1),)]}
    flat, unravel = ad.ravel_pytree(tree)
    np.testing.assert_array_equal(flat, np.concatenate([np.ravel(x) for x in ad.tree_leaves(tree)]))
    back = unravel(flat)
    assert ad.tree_flatten(back)[1] == ad.tree_flatten(tree)[1]
    for a, b in zip(ad.tree_leaves(back), ad.tree_leaves(tree)):
        np.testing.assert_array_equal(a, b)
        assert np.shape(a) == np.shape(b)


def test_unravel_traces_under_grad_and_jit():
    flat, unravel = ad.ravel_pytree({"w": np.ones((2, 2)), "b": np.array(0.5)})

    def f(v):
        p = unravel(v)
        return anp.sum(p["w"] ** 2) + 3.0 * p["b"]

    np.testing.assert_allclose(ad.grad(f)(flat), [3.0, 2.0, 2.0, 2.0, 2.0])
    np.testing.assert_allclose(ad.jit(f)(flat), 5.5)


def test_wrong_length_is_refused():
    _, unravel = ad.ravel_pytree([np.zeros(3)])
    with pytest.raises(ValueError, match=r"expected a flat vector of shape \(3,\)"):
        unravel(np.zeros(4))
