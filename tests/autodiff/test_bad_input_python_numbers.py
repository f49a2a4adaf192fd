"""Turning a differentiated value into a Python number (float, math.exp, .item, .tolist) would drop
its derivative silently (ad.grad(lambda v: math.exp(v[0])) returned zeros): it raises a named error
saying what to use instead. Comparisons for Python control flow, and stop_gradient, still work."""
import math

import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp
from autodiff.errors import DerivativeDroppedError

CASES = {
    "math.exp": lambda v: math.exp(v[0]),
    "float": lambda v: float(v[0]) * 2.0,
    "item": lambda v: v[0].item() * 2.0,
    "tolist": lambda v: sum(v.tolist()),
    "complex": lambda v: complex(v[0]).real,
}


@pytest.mark.parametrize("name", CASES)
def test_grad_refuses_python_numbers(name):
    with pytest.raises(DerivativeDroppedError, match="anp.exp instead of math.exp"):
        ad.grad(CASES[name])(np.ones(2))


@pytest.mark.parametrize("name", ["math.exp", "float"])
def test_jvp_and_vjp_refuse_too(name):
    with pytest.raises(DerivativeDroppedError):
        ad.jvp(CASES[name], (np.ones(2),), (np.ones(2),))
    with pytest.raises(DerivativeDroppedError):
        ad.vjp(CASES[name], np.ones(2))


def test_control_flow_and_stop_gradient_still_work():
    f = lambda v: anp.sum(v ** 2) if v[0] > 0 else anp.sum(v)  # noqa: E731
    np.testing.assert_allclose(ad.grad(f)(np.ones(2)), [2.0, 2.0])
    g = lambda v: anp.sum(v) * float(ad.stop_gradient(v[0]))  # noqa: E731
    np.testing.assert_allclose(ad.grad(g)(np.full(2, 3.0)), [3.0, 3.0])
    # integers carry no derivative: indexing with them stays allowed
    h = lambda v, i: v[int(i)] * 2.0  # noqa: E731
    np.testing.assert_allclose(ad.grad(h)(np.ones(3), 1), [0.0, 2.0, 0.0])
