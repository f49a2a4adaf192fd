"""The compiled CholeskyCorr transform (ppl.bijectors.cholesky_corr) against Stan's
cholesky_corr_constrain loop written out in numpy, its pullback against the composite form, and
finite differences in both modes to second order, eagerly and compiled."""
import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp
import ppl.bijectors as bij
from autodiff.check import check_grads
from ppl.bijectors.cholesky_corr import cholesky_corr_forward, forward_by_composite


def stan_cholesky_corr_constrain(y, K):
    """stan/math/prim/constraint/cholesky_corr_constrain.hpp, one factor."""
    z = np.tanh(y)
    x = np.zeros((K, K))
    x[0, 0] = 1.0
    k = 0
    for i in range(1, K):
        x[i, 0] = z[k]
        k += 1
        sum_sqs = x[i, 0] ** 2
        for j in range(1, i):
            x[i, j] = z[k] * np.sqrt(1.0 - sum_sqs)
            k += 1
            sum_sqs += x[i, j] ** 2
        x[i, i] = np.sqrt(1.0 - sum_sqs)
    return x


@pytest.mark.parametrize("batch, K", [((), 2), ((3,), 2), ((2,), 4), ((2, 2), 5), ((), 1)])
def test_value_is_stans_transform(batch, K):
    x = np.random.default_rng(K).normal(size=batch + (K * (K - 1) // 2,)) * 1.5
    L = cholesky_corr_forward(x)
    assert L.shape == batch + (K, K)
    for i in np.ndindex(batch):
        np.testing.assert_allclose(L[i], stan_cholesky_corr_constrain(x[i], K), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(np.einsum("...ij,...kj->...ik", L, L)[..., range(K), range(K)], 1.0, rtol=1e-12)


def test_derivatives_match_finite_differences_to_second_order_in_both_modes():
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(2, 6)), rng.normal(size=(2, 4, 4))
    check_grads(lambda x: anp.sum(w * cholesky_corr_forward(x)), (x,), order=2, modes=("fwd", "rev"))
    check_grads(lambda x: anp.sum(anp.sin(cholesky_corr_forward(x))), (x[0],), order=2, modes=("fwd", "rev"))


def test_pullback_is_the_composite_forms_where_the_stick_length_is_clamped_too():
    x = np.array([[0.3, -1.2, 0.7], [900.0, -2.0, 450.0]])  # the second: a stick below TINY (1e-300)
    w = np.random.default_rng(2).normal(size=(2, 3, 3))
    ours = ad.grad(lambda x: anp.sum(w * cholesky_corr_forward(x)))(x)
    ref = ad.grad(lambda x: anp.sum(w * forward_by_composite(x)))(x)
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(cholesky_corr_forward(x), forward_by_composite(x), rtol=1e-14, atol=1e-300)


def test_compiled_value_and_gradient_equal_the_eager_ones():
    x = np.random.default_rng(3).normal(size=(3, 3))

    def f(x):
        L = bij.CholeskyCorr().forward(x)
        return anp.sum(anp.log(anp.diagonal(L, axis1=-2, axis2=-1))) + anp.sum(L[..., 2, 0] ** 2)

    value, grad = ad.jit(ad.value_and_grad(f))(x)
    ref_value, ref_grad = ad.value_and_grad(f)(x)
    assert value == pytest.approx(ref_value, rel=1e-12)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-10, atol=1e-14)


def test_a_free_length_that_is_no_triangle_is_an_error():
    with pytest.raises(ValueError, match="K\\(K-1\\)/2"):
        cholesky_corr_forward(np.zeros(4))


def test_read_only_inputs_are_accepted():
    x = np.broadcast_to(np.array([0.2, -0.4, 0.1]), (2, 3))  # read-only
    w = np.arange(18.0).reshape(2, 3, 3)
    grad = ad.grad(lambda x: anp.sum(w * cholesky_corr_forward(x)))(x)
    np.testing.assert_allclose(grad, ad.grad(lambda x: anp.sum(w * forward_by_composite(x)))(x), rtol=1e-12)
