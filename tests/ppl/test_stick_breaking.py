"""The compiled stick-breaking simplex transform (ppl.bijectors.stick_breaking) against Stan's
simplex_constrain loop written out in numpy, its pullback against the composite form, and finite
differences in both modes to second order, eagerly and compiled."""
import numpy as np
import pytest
from scipy.special import expit

import autodiff as ad
import autodiff.numpy as anp
import ppl.bijectors as bij
from autodiff.check import check_grads
from ppl.bijectors.stick_breaking import forward_by_composite, log_det_jacobian_by_composite, stick_breaking


def stan_simplex_constrain(y):
    """stan/math/prim/constraint/simplex_constrain.hpp (the stick-breaking version), with lp."""
    N = y.size
    x, stick_len, lp = np.empty(N + 1), 1.0, 0.0
    for k in range(N):
        adj = y[k] - np.log(N - k)
        z = expit(adj)
        x[k] = stick_len * z
        lp += np.log(stick_len) - np.log1p(np.exp(-adj)) - np.log1p(np.exp(adj))
        stick_len -= x[k]
    x[N] = stick_len
    return x, lp


@pytest.mark.parametrize("batch, N", [((), 1), ((3,), 2), ((2, 3), 4), ((), 6)])
def test_value_and_log_jacobian_are_stans(batch, N):
    x = np.random.default_rng(N).normal(size=batch + (N,)) * 2.0
    y, log_det = stick_breaking(x)
    assert y.shape == batch + (N + 1,) and log_det.shape == batch
    for i in np.ndindex(batch):
        ref_y, ref_lp = stan_simplex_constrain(x[i])
        np.testing.assert_allclose(y[i], ref_y, rtol=1e-12)
        assert log_det[i] == pytest.approx(ref_lp, rel=1e-12, abs=1e-12)


def test_derivatives_match_finite_differences_to_second_order_in_both_modes():
    rng = np.random.default_rng(1)
    x, w, v = rng.normal(size=(3, 2)), rng.normal(size=(3, 3)), rng.normal(size=3)

    def f(x):
        y, log_det = stick_breaking(x)
        return anp.sum(w * y) + anp.sum(v * log_det)

    check_grads(f, (x,), order=2, modes=("fwd", "rev"))
    check_grads(lambda x: anp.sum(anp.sin(stick_breaking(x)[0])), (x[0],), order=2, modes=("fwd", "rev"))


def test_pullback_is_the_composite_forms_where_a_coordinate_is_clamped_too():
    x = np.array([[0.3, -1.2, 0.7], [-800.0, 3.0, 900.0]])  # the second: coordinates below TINY (1e-300)
    rng = np.random.default_rng(2)
    w, v = rng.normal(size=(2, 4)), rng.normal(size=2)
    ours = ad.grad(lambda x: anp.sum(w * stick_breaking(x)[0]) + anp.sum(v * stick_breaking(x)[1]))(x)
    ref = ad.grad(lambda x: anp.sum(w * forward_by_composite(x)) + anp.sum(v * log_det_jacobian_by_composite(x)))(x)
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-14)


def test_compiled_value_and_gradient_equal_the_eager_ones():
    x = np.random.default_rng(3).normal(size=(3, 2))

    def f(x):
        b = bij.Simplex()
        return anp.sum(anp.log(b.forward(x)) * np.arange(3.0)) + anp.sum(b.log_det_jacobian(x))

    value, grad = ad.jit(ad.value_and_grad(f))(x)
    ref_value, ref_grad = ad.value_and_grad(f)(x)
    assert value == pytest.approx(ref_value, rel=1e-12)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-10, atol=1e-14)


def test_the_one_point_simplex_has_no_free_values():
    y, log_det = stick_breaking(np.zeros((2, 0)))
    np.testing.assert_array_equal(y, np.ones((2, 1)))
    np.testing.assert_array_equal(log_det, np.zeros(2))


def test_read_only_inputs_and_an_unused_output_are_accepted():
    x = np.broadcast_to(np.array([0.2, -0.4]), (3, 2))  # read-only
    grad = ad.grad(lambda x: anp.sum(bij.Simplex().forward(x) ** 2))(x)
    ref = ad.grad(lambda x: anp.sum(forward_by_composite(x) ** 2))(x)
    np.testing.assert_allclose(grad, ref, rtol=1e-12, atol=1e-15)
