"""HMM distributions against oracles nobody here wrote: brute-force enumeration of every state path
(dynamax's ``big_log_joint``), hmmlearn's ``GaussianHMM.score``, finite differences, and the
stationary distribution of the chain for the sampler."""

import itertools
from typing import Callable, NamedTuple

import numpy as np
import pytest
from scipy import stats
from scipy.special import logsumexp

import autodiff as ad
import autodiff.numpy as anp
import ppl
import ppl.distributions as dist
from ppl.distributions.hmm import DiscreteHMM, GaussianHMM, MarginalHMM, forward_log_marginal


def big_log_joint(initial_probs, transition_matrix, log_likelihoods):
    """log p(y) by summing p(y, z) over all K^T state paths z (dynamax's test oracle)."""
    T, K = log_likelihoods.shape
    with np.errstate(divide="ignore"):
        log_pi, log_A = np.log(initial_probs), np.log(transition_matrix)
    joints = []
    for z in itertools.product(range(K), repeat=T):
        lp = log_pi[z[0]] + log_likelihoods[0, z[0]]
        for t in range(1, T):
            lp += log_A[z[t - 1], z[t]] + log_likelihoods[t, z[t]]
        joints.append(lp)
    return logsumexp(joints)


def _chain(K, seed, concentration=2.0):
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.full(K, concentration)), rng.dirichlet(np.full(K, concentration), size=K)


def _gaussian_params(K, D, seed):
    rng = np.random.default_rng(seed)
    loc = 2.0 * rng.standard_normal((K, D))
    a = rng.standard_normal((K, D, D))
    cov = a @ np.swapaxes(a, -1, -2) / D + 0.3 * np.eye(D)
    return loc, np.linalg.cholesky(cov), cov


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# ---------------------------------------------------------------------------
# log_prob vs enumeration of all K^T paths


class Case(NamedTuple):
    """``make()`` -> (hmm, y, initial_probs, transition_matrix, emission log likelihoods (T, K) from scipy)."""

    make: Callable
    id: str


def _gaussian_case(K=3, T=4, D=2, seed=0):
    pi, A = _chain(K, seed)
    loc, L, cov = _gaussian_params(K, D, seed)
    y = np.random.default_rng(seed + 1).standard_normal((T, D)) * 2
    ll = np.array([[stats.multivariate_normal(loc[k], cov[k]).logpdf(y[t]) for k in range(K)] for t in range(T)])
    return GaussianHMM(pi, A, loc, L, num_steps=T), y, pi, A, ll


def _poisson_case(K=2, T=6, seed=1):
    pi, A = _chain(K, seed)
    rate = np.array([1.0, 6.0])
    y = np.random.default_rng(seed).poisson(3.0, T).astype(float)
    ll = stats.poisson(rate).logpmf(y[:, None])
    return DiscreteHMM(pi, A, dist.Poisson(rate), num_steps=T), y, pi, A, ll


def _logits_case(K=3, T=5, seed=2):
    rng = np.random.default_rng(seed)
    init_logits, trans_logits = rng.standard_normal(K), rng.standard_normal((K, K))
    loc, scale = rng.standard_normal(K), np.array([0.5, 1.0, 2.0])
    y = rng.standard_normal(T)
    ll = stats.norm(loc, scale).logpdf(y[:, None])
    hmm = DiscreteHMM(initial_logits=init_logits, transition_logits=trans_logits,
                      emission_dist=dist.Normal(loc, scale), num_steps=T)
    return hmm, y, _softmax(init_logits), _softmax(trans_logits), ll


def _time_varying_case(K=2, T=4, seed=3):
    # emissions with a (T, K) batch: a per-step mean shift
    pi, A = _chain(K, seed)
    loc = np.array([-1.0, 1.0]) + np.arange(T)[:, None] * 0.5
    y = np.random.default_rng(seed).standard_normal(T)
    ll = stats.norm(loc, 0.7).logpdf(y[:, None])
    return DiscreteHMM(pi, A, dist.Normal(loc, 0.7)), y, pi, A, ll


def _marginal_case(K=3, T=5, seed=4):
    pi, A = _chain(K, seed)
    ll = np.random.default_rng(seed).standard_normal((T, K)) - 2.0
    return MarginalHMM(pi, A, ll), np.zeros(T), pi, A, ll


def _sparse_case(K=3, T=5, seed=5):
    # zero probabilities (a left-to-right chain) give -inf terms that logsumexp must skip
    pi = np.array([1.0, 0.0, 0.0])
    A = np.array([[0.6, 0.4, 0.0], [0.0, 0.7, 0.3], [0.0, 0.0, 1.0]])
    rate = np.array([1.0, 4.0, 9.0])
    y = np.array([0.0, 2.0, 5.0, 8.0, 11.0])
    return DiscreteHMM(pi, A, dist.Poisson(rate), num_steps=T), y, pi, A, stats.poisson(rate).logpmf(y[:, None])


BRUTE_FORCE = [
    Case(_gaussian_case, "gaussian_K3_T4_D2"),
    Case(lambda: _gaussian_case(K=2, T=7, D=3, seed=10), "gaussian_K2_T7_D3"),
    Case(lambda: _gaussian_case(K=4, T=1, D=1, seed=11), "gaussian_T1"),
    Case(_poisson_case, "poisson"),
    Case(_logits_case, "normal_logits"),
    Case(_time_varying_case, "time_varying_emissions"),
    Case(_marginal_case, "marginal"),
    Case(_sparse_case, "left_to_right_zeros"),
]


@pytest.mark.parametrize("case", BRUTE_FORCE, ids=[c.id for c in BRUTE_FORCE])
def test_log_prob_matches_enumeration_of_all_paths(case):
    hmm, y, pi, A, ll = case.make()
    np.testing.assert_allclose(hmm._emission_log_likelihoods(y), ll, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(hmm.log_prob(y), big_log_joint(pi, A, ll), rtol=1e-10)


def test_batched_log_prob_matches_each_element():
    K, T, D = 2, 4, 2
    pis, As = zip(*(_chain(K, s) for s in (20, 21)))
    loc, L, cov = _gaussian_params(K, D, 22)
    y = np.random.default_rng(23).standard_normal((2, T, D))
    hmm = GaussianHMM(np.stack(pis), np.stack(As), loc, L, num_steps=T)
    assert hmm.batch_shape == (2,) and hmm.event_shape == (T, D)
    lp = hmm.log_prob(y)
    for b in range(2):
        ll = np.array([[stats.multivariate_normal(loc[k], cov[k]).logpdf(y[b, t]) for k in range(K)]
                       for t in range(T)])
        np.testing.assert_allclose(lp[b], big_log_joint(pis[b], As[b], ll), rtol=1e-10)
    # one chain, a batch of sequences
    single = GaussianHMM(pis[0], As[0], loc, L, num_steps=T)
    np.testing.assert_allclose(single.log_prob(y), [single.log_prob(y[0]), single.log_prob(y[1])], rtol=1e-12)


def test_forward_log_marginal_is_the_bare_recursion():
    pi, A = _chain(3, 30)
    ll = np.random.default_rng(30).standard_normal((6, 3))
    np.testing.assert_allclose(forward_log_marginal(np.log(pi), np.log(A), ll), big_log_joint(pi, A, ll), rtol=1e-10)


# ---------------------------------------------------------------------------
# hmmlearn


def test_gaussian_hmm_matches_hmmlearn_score():
    hmmlearn = pytest.importorskip("hmmlearn.hmm")
    K, T, D = 3, 300, 2
    pi, A = _chain(K, 40, concentration=5.0)
    loc, L, cov = _gaussian_params(K, D, 41)
    hmm = GaussianHMM(pi, A, loc, L, num_steps=T)
    y = hmm.sample(np.random.default_rng(42))
    ref = hmmlearn.GaussianHMM(n_components=K, covariance_type="full")
    ref.n_features = D
    ref.startprob_, ref.transmat_, ref.means_, ref.covars_ = pi, A, loc, cov
    np.testing.assert_allclose(hmm.log_prob(y), ref.score(y), rtol=1e-10)


# ---------------------------------------------------------------------------
# Derivatives and compilation


K_G, T_G, D_G = 3, 5, 2
PI_G, _ = _chain(K_G, 50)
LOC_G, L_G, _ = _gaussian_params(K_G, D_G, 51)
LOGITS_G = np.random.default_rng(52).standard_normal((K_G, K_G))
Y_G = np.random.default_rng(53).standard_normal((T_G, D_G)) * 2


def _gaussian_log_prob(loc, transition_logits):
    return GaussianHMM(PI_G, loc=loc, scale_tril=L_G, num_steps=T_G,
                       transition_logits=transition_logits).log_prob(Y_G)


def test_gradients_wrt_loc_and_transition_logits():
    ad.check_grads(_gaussian_log_prob, (LOC_G, LOGITS_G), order=1, modes=("fwd", "rev"))


def test_jit_matches_eager():
    eager = _gaussian_log_prob(LOC_G, LOGITS_G)
    np.testing.assert_allclose(ad.jit(_gaussian_log_prob)(LOC_G, LOGITS_G), eager, rtol=1e-12)
    np.testing.assert_allclose(eager, big_log_joint(PI_G, _softmax(LOGITS_G), GaussianHMM(
        PI_G, _softmax(LOGITS_G), LOC_G, L_G, num_steps=T_G)._emission_log_likelihoods(Y_G)), rtol=1e-10)


def _hmm_model(y, K):
    """The posteriordb pattern: the model computes emission log likelihoods, MarginalHMM sums the states.
    (Transition logits with a normal prior rather than Dirichlet rows: the same scan, a cheaper compile.)"""
    logits = ppl.sample("logits", dist.Normal(0.0, 1.0).expand((K, K)))
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0).expand((K,)))
    ll = dist.Normal(mu, 1.0).log_prob(y[:, None])
    ppl.sample("y", MarginalHMM(np.full(K, 1.0 / K), transition_logits=logits, emission_log_likelihoods=ll), obs=y)


def test_marginal_hmm_in_a_compiled_model():
    K, y = 2, np.array([-1.2, -0.8, 1.1, 0.9, 1.3, -1.0])
    ld = ppl.log_density(_hmm_model, y, K)
    assert ld.dim == K * K + K
    x = np.random.default_rng(60).uniform(-1, 1, ld.dim)
    v = ld.constrain(x)
    ll = stats.norm(v["mu"], 1.0).logpdf(y[:, None])
    prior = stats.norm(0, 1).logpdf(v["logits"]).sum() + stats.norm(0, 5).logpdf(v["mu"]).sum()
    expected = prior + big_log_joint(np.full(K, 1.0 / K), _softmax(v["logits"]), ll)
    np.testing.assert_allclose(ld.logp(x), expected, rtol=1e-10)
    _, g = ld.logp_and_grad(x)
    eps, fd = 1e-6, np.empty(ld.dim)
    for i in range(ld.dim):
        e = np.zeros(ld.dim)
        e[i] = eps
        fd[i] = (ld.logp(x + e) - ld.logp(x - e)) / (2 * eps)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-7)


def test_marginal_hmm_must_be_observed():
    def model():
        ppl.sample("y", MarginalHMM(np.array([0.5, 0.5]), np.eye(2), np.zeros((3, 2))))

    with pytest.raises(ValueError, match='site "y".*must be observed'):
        ppl.log_density(model)


# ---------------------------------------------------------------------------
# Sampling


@pytest.mark.parametrize("sample_shape", [(), (5,), (2, 3)])
def test_sample_shapes(sample_shape):
    rng = np.random.default_rng(70)
    K, T, D = 3, 6, 2
    pi, A = _chain(K, 70)
    loc, L, _ = _gaussian_params(K, D, 71)
    gauss = GaussianHMM(pi, A, loc, L, num_steps=T)
    assert gauss.sample(rng, sample_shape).shape == sample_shape + (T, D)
    batched = GaussianHMM(np.stack([pi, pi]), A, loc, L, num_steps=T)
    y, z = batched.sample_with_states(rng, sample_shape)
    assert y.shape == sample_shape + (2, T, D) and z.shape == sample_shape + (2, T)
    assert z.dtype.kind == "i" and z.min() >= 0 and z.max() < K
    pois = DiscreteHMM(pi, A, dist.Poisson(np.array([1.0, 5.0, 20.0])), num_steps=T)
    assert pois.sample(rng, sample_shape).shape == sample_shape + (T,)
    mvn = DiscreteHMM(pi, A, dist.MultivariateNormal(loc, scale_tril=L), num_steps=T)
    assert mvn.sample(rng, sample_shape).shape == sample_shape + (T, D)
    assert MarginalHMM(pi, A, np.zeros((T, K))).sample_states(rng, sample_shape).shape == sample_shape + (T,)


def test_sampled_states_follow_the_stationary_distribution():
    A = np.array([[0.8, 0.15, 0.05], [0.1, 0.7, 0.2], [0.2, 0.2, 0.6]])
    evals, evecs = np.linalg.eig(A.T)
    stationary = np.real(evecs[:, np.argmin(np.abs(evals - 1))])
    stationary /= stationary.sum()
    T = 20000
    loc = np.array([[-5.0, 0.0], [0.0, 5.0], [5.0, 0.0]])
    hmm = GaussianHMM(np.array([1.0, 0.0, 0.0]), A, loc, np.tile(0.5 * np.eye(2), (3, 1, 1)), num_steps=T)
    y, z = hmm.sample_with_states(np.random.default_rng(80))
    freq = np.bincount(z, minlength=3) / T
    np.testing.assert_allclose(freq, stationary, atol=0.03)  # autocorrelated chain: ~5 standard errors
    # transitions and emissions given the visited states
    counts = np.zeros((3, 3))
    np.add.at(counts, (z[:-1], z[1:]), 1)
    np.testing.assert_allclose(counts / counts.sum(axis=1, keepdims=True), A, atol=0.03)
    for k in range(3):
        np.testing.assert_allclose(y[z == k].mean(axis=0), loc[k], atol=0.05)
        np.testing.assert_allclose(y[z == k].std(axis=0), [0.5, 0.5], rtol=0.05)


def test_sampling_is_reproducible_by_seed():
    pi, A = _chain(3, 90)
    hmm = DiscreteHMM(pi, A, dist.Normal(np.array([-2.0, 0.0, 2.0]), 1.0), num_steps=10)
    first, again = (hmm.sample(np.random.default_rng(1), (4,)) for _ in range(2))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(hmm.sample(np.random.default_rng(1)), hmm.sample(np.random.default_rng(2)))


def test_marginal_hmm_cannot_sample_observations():
    pi, A = _chain(2, 95)
    with pytest.raises(NotImplementedError, match="DiscreteHMM or GaussianHMM"):
        MarginalHMM(pi, A, np.zeros((4, 2))).sample(np.random.default_rng(0))


# ---------------------------------------------------------------------------
# Validation: parameters are checked when concrete, with messages naming the parameter

PI2, A2 = np.array([0.5, 0.5]), np.array([[0.9, 0.1], [0.2, 0.8]])
LOC2, L2 = np.zeros((2, 2)), np.tile(np.eye(2), (2, 1, 1))

BAD = [
    (lambda: GaussianHMM(np.array([0.5, 0.6]), A2, LOC2, L2, num_steps=3), "initial_probs must be a simplex"),
    (lambda: GaussianHMM(np.array([1.5, -0.5]), A2, LOC2, L2, num_steps=3), "initial_probs must be a simplex"),
    (lambda: GaussianHMM(PI2, np.array([[0.9, 0.2], [0.2, 0.8]]), LOC2, L2, num_steps=3),
     "transition_matrix must be row-stochastic"),
    (lambda: GaussianHMM(PI2, np.full((2, 3), 1 / 3), LOC2, L2, num_steps=3), r"shape \(\.\.\., 2, 2\)"),
    (lambda: GaussianHMM(PI2, A2, np.zeros((3, 2)), L2, num_steps=3),
     r"scale_tril must have shape \(\.\.\., 3, 2, 2\)"),
    (lambda: GaussianHMM(PI2, A2, LOC2, -L2, num_steps=3), r"GaussianHMM: scale_tril must be .*at index \(0,\)"),
    (lambda: GaussianHMM(PI2, A2, np.array([[0.0, np.nan], [0.0, 0.0]]), L2, num_steps=3), "GaussianHMM: loc must be"),
    (lambda: GaussianHMM(PI2, A2, LOC2, L2), "pass num_steps="),
    (lambda: GaussianHMM(PI2, A2, LOC2, L2, num_steps=0), "num_steps must be a positive int"),
    (lambda: GaussianHMM(PI2, A2, LOC2, L2, num_steps=3, transition_logits=np.zeros((2, 2))),
     "exactly one of transition_matrix/transition_logits"),
    (lambda: DiscreteHMM(PI2, A2, dist.Normal(np.zeros(3), 1.0), num_steps=3), "2 states on its rightmost batch dim"),
    (lambda: DiscreteHMM(PI2, A2, dist.Normal(np.zeros((4, 2)), 1.0), num_steps=3), "has 4 time steps"),
    (lambda: DiscreteHMM(PI2, A2, "normal", num_steps=3), "emission_dist must be a Distribution"),
    (lambda: DiscreteHMM(initial_logits=np.zeros(2), emission_dist=dist.Normal(np.zeros(2), 1.0), num_steps=3),
     "exactly one of transition_matrix/transition_logits"),
    (lambda: MarginalHMM(PI2, A2, np.zeros((4, 3))), r"shape \(\.\.\., T, 2\)"),
    (lambda: MarginalHMM(PI2, A2, np.full((4, 2), np.nan)), "must be < \\+inf and not NaN"),
    (lambda: MarginalHMM(PI2, A2, np.zeros((4, 2)), event_shape=(3, 2)), "must start with the 4 time steps"),
]


@pytest.mark.parametrize("make, match", BAD, ids=[m for _, m in BAD])
def test_invalid_parameters_raise_with_a_clear_message(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


def test_probabilities_are_checked_within_a_tolerance():
    # a row summing to 1 - 1e-9 (rounding in user code) is accepted
    A = np.array([[0.9, 0.1 - 1e-9], [0.2, 0.8]])
    GaussianHMM(PI2, A, LOC2, L2, num_steps=3)


def _gaussian_hmm_site(transition_matrix, scale_tril):
    def model(y):
        mu = ppl.sample("mu", dist.Normal(0.0, 1.0).expand((2, 2)))
        ppl.sample("y", GaussianHMM(PI2, transition_matrix, mu, scale_tril, num_steps=3), obs=y)
    return model


@pytest.mark.parametrize("A, L, match", [
    (np.array([[0.9, 0.2], [0.2, 0.8]]), L2, "GaussianHMM: transition_matrix must be row-stochastic"),
    (A2, -L2, "GaussianHMM: scale_tril must be"),
], ids=["transition_matrix", "scale_tril"])
def test_invalid_constant_parameters_name_the_site(A, L, match):
    with pytest.raises(ValueError, match=f'site "y": {match}'):
        ppl.log_density(_gaussian_hmm_site(A, L), np.zeros((3, 2)))


def test_invalid_emission_dist_names_the_site():
    def model(y):
        ppl.sample("y", DiscreteHMM(PI2, A2, dist.Normal(np.zeros(2), -1.0), num_steps=3), obs=y)

    with pytest.raises(ValueError, match='site "y": .*scale must be > 0'):
        ppl.log_density(model, np.zeros(3))


def test_observed_sequence_of_the_wrong_length_names_the_site():
    def model(y):
        ppl.sample("y", GaussianHMM(PI2, A2, LOC2, L2, num_steps=4), obs=y)

    with pytest.raises(ValueError, match=r'site "y": GaussianHMM value must have event shape \(4, 2\)'):
        ppl.log_density(model, np.zeros((5, 2)))


def test_stop_gradient_inside_a_jitted_scan():
    def f(x):
        carry, _ = ad.scan(lambda c, xi: (c + ad.stop_gradient(anp.max(xi)) * anp.sum(xi), None), 0.0, x)
        return carry

    x = np.array([[1.0, 3.0], [2.0, 0.5]])
    np.testing.assert_allclose(ad.grad(f)(x), [[3.0, 3.0], [2.0, 2.0]])
    np.testing.assert_allclose(ad.jit(ad.grad(f))(x), [[3.0, 3.0], [2.0, 2.0]])
