"""The HMM forward algorithm primitive (ppl.distributions.forward_algorithm) against brute-force
enumeration of every state path (scipy's logsumexp), its gradient against the ad.scan formulation and
finite differences in both modes to second order, on the compiled path, and where the normalised
recursion under- or overflows and the kernels switch to log space."""
import itertools

import numpy as np
import pytest
from scipy.special import logsumexp

import autodiff as ad
import autodiff.numpy as anp
from autodiff.check import check_grads
from ppl.distributions.forward_algorithm import forward_by_scan, hmm_log_marginal, hmm_log_marginal_concatenated


def brute_force(log_initial, log_transition, ll):
    T, K = ll.shape
    paths = [log_initial[z[0]] + ll[0, z[0]] + sum(log_transition[z[t - 1], z[t]] + ll[t, z[t]] for t in range(1, T))
             for z in itertools.product(range(K), repeat=T)]
    return logsumexp(paths)


def random_hmm(K, T, seed, spread=3.0):
    rng = np.random.default_rng(seed)
    return (np.log(rng.dirichlet(np.ones(K))), np.log(rng.dirichlet(np.ones(K), size=K)),
            spread * rng.normal(size=(T, K)))


def scan_gradient(*args):
    return ad.grad(lambda a, b, c: forward_by_scan(a[None], b[None], c[None])[0], argnums=(0, 1, 2))(*args)


@pytest.mark.parametrize("K, T", [(1, 4), (2, 1), (3, 5), (4, 4)])
def test_value_equals_the_sum_over_every_state_path(K, T):
    args = random_hmm(K, T, seed=K * 10 + T)
    assert hmm_log_marginal(*args) == pytest.approx(brute_force(*args), abs=1e-12, rel=1e-12)


def test_gradient_is_the_scan_formulations_and_second_derivatives_match_finite_differences():
    args = random_hmm(3, 6, seed=1)
    for g, ref in zip(ad.grad(hmm_log_marginal, argnums=(0, 1, 2))(*args), scan_gradient(*args)):
        np.testing.assert_allclose(g, ref, atol=1e-12)
    check_grads(hmm_log_marginal, args, order=2)


def test_unnormalised_inputs_are_the_log_partition_function():
    log_initial, log_transition, ll = random_hmm(3, 4, seed=2)
    args = (log_initial + 2.0, log_transition - 0.7, ll)
    assert hmm_log_marginal(*args) == pytest.approx(brute_force(*args), rel=1e-12)
    check_grads(hmm_log_marginal, args, order=1)


def test_impossible_transitions_and_far_tails_switch_to_log_space():
    log_initial, log_transition, ll = random_hmm(3, 6, seed=3)
    log_transition[1] = [-np.inf, 0.0, -np.inf]  # state 1 stays in state 1
    log_initial = np.log([1e-300, 1.0 - 1e-300, 1e-300])
    ll[2] = [0.0, -2000.0, 0.0]  # the likely states are unreachable from state 1 ... mostly
    value = hmm_log_marginal(log_initial, log_transition, ll)
    assert np.isfinite(value)
    assert value == pytest.approx(brute_force(log_initial, log_transition, ll), rel=1e-12)
    for g, ref in zip(ad.grad(hmm_log_marginal, argnums=(0, 1, 2))(log_initial, log_transition, ll),
                      scan_gradient(log_initial, log_transition, ll)):
        np.testing.assert_allclose(g, ref, atol=1e-10)


def test_data_no_path_can_explain_is_minus_infinity_with_a_finite_gradient():
    log_initial, log_transition, ll = random_hmm(2, 3, seed=4)
    ll[1] = -np.inf
    value, grads = ad.value_and_grad(hmm_log_marginal, argnums=(0, 1, 2))(log_initial, log_transition, ll)
    assert value == -np.inf
    assert all(np.all(np.isfinite(g)) for g in grads)


def test_batch_dimensions_broadcast():
    rng = np.random.default_rng(5)
    log_initial = np.log(rng.dirichlet(np.ones(3), size=(2, 1)))  # (2, 1, 3)
    _, log_transition, _ = random_hmm(3, 4, seed=6)
    ll = rng.normal(size=(4, 4, 3))  # (4, T=4, 3)
    out = hmm_log_marginal(log_initial, log_transition, ll)
    assert out.shape == (2, 4)
    ref = [[brute_force(log_initial[a, 0], log_transition, ll[b]) for b in range(4)] for a in range(2)]
    np.testing.assert_allclose(out, ref, rtol=1e-12)
    check_grads(lambda a, b, c: anp.sum(hmm_log_marginal(a, b, c) ** 2), (log_initial, log_transition, ll))


def test_compiled_value_and_gradient_equal_the_eager_ones():
    args = random_hmm(3, 7, seed=7)
    value, grads = ad.jit(ad.value_and_grad(hmm_log_marginal, argnums=(0, 1, 2)))(*args)
    assert value == pytest.approx(brute_force(*args), rel=1e-12)
    for g, ref in zip(grads, scan_gradient(*args)):
        np.testing.assert_allclose(g, ref, atol=1e-12)


# -- sequences of different lengths, concatenated ---------------------------------------------------
LENGTHS = [3, 1, 5]


def concatenated_hmm(seed):
    log_initial, log_transition, ll = random_hmm(3, sum(LENGTHS), seed)
    return log_initial, log_transition, ll


def test_concatenated_sequences_each_equal_their_brute_force_sum():
    log_initial, log_transition, ll = concatenated_hmm(11)
    stops = np.cumsum(LENGTHS)
    expected = [brute_force(log_initial, log_transition, ll[b - n:b]) for n, b in zip(LENGTHS, stops)]
    np.testing.assert_allclose(hmm_log_marginal_concatenated(log_initial, log_transition, ll, LENGTHS), expected,
                               rtol=1e-12)


def test_concatenated_gradients_match_finite_differences_to_second_order_and_the_compiled_path():
    args = concatenated_hmm(12)
    weights = np.array([0.5, -1.0, 2.0])  # a cotangent that differs per sequence

    def f(a, b, c):
        return anp.sum(weights * hmm_log_marginal_concatenated(a, b, c, LENGTHS))

    check_grads(f, args, order=2)
    value, grads = ad.jit(ad.value_and_grad(f, argnums=(0, 1, 2)))(*args)
    eager_value, eager_grads = ad.value_and_grad(f, argnums=(0, 1, 2))(*args)
    assert value == pytest.approx(eager_value, rel=1e-12)
    for g, ref in zip(grads, eager_grads):
        np.testing.assert_allclose(g, ref, atol=1e-12)


def test_concatenated_lengths_are_checked():
    args = concatenated_hmm(13)
    with pytest.raises(ValueError, match="summing to the 9 rows"):
        hmm_log_marginal_concatenated(*args, [3, 5])
