"""The negative binomial family with NumPyro's names, against scipy.stats.nbinom (the table in
test_distributions.py covers moments and gradients; here: the factory and the three forms' pmfs)."""
import numpy as np
import pytest
from scipy import special, stats

import ppl.distributions as dist

K = np.arange(0, 40)


@pytest.mark.parametrize("n, p", [(5.0, 0.3), (0.7, 0.9), (12.5, 0.05)])
def test_probs_logits_and_mean_forms_match_scipy(n, p):
    ref = stats.nbinom(n, 1 - p).logpmf(K)
    np.testing.assert_allclose(dist.NegativeBinomialProbs(n, p).log_prob(K), ref, rtol=1e-10)
    np.testing.assert_allclose(dist.NegativeBinomialLogits(n, special.logit(p)).log_prob(K), ref, rtol=1e-10)
    mean = n * p / (1 - p)
    np.testing.assert_allclose(dist.NegativeBinomial2(mean, n).log_prob(K), ref, rtol=1e-10)


def test_negative_binomial_dispatches_as_numpyro():
    d = dist.NegativeBinomial(total_count=5, probs=0.3)
    assert isinstance(d, dist.NegativeBinomialProbs)
    assert isinstance(dist.NegativeBinomial(5.0, 0.3), dist.NegativeBinomialProbs)   # positional: NumPyro's order
    assert isinstance(dist.NegativeBinomial(5.0, logits=0.2), dist.NegativeBinomialLogits)
    old = dist.NegativeBinomial(mean=3.0, concentration=2.0)                         # numbayes' earlier form
    assert isinstance(old, dist.NegativeBinomial2)
    np.testing.assert_allclose(old.log_prob(K), stats.nbinom(2.0, 2.0 / 5.0).logpmf(K), rtol=1e-10)
    assert float(d.mean) == pytest.approx(stats.nbinom(5, 0.7).mean())
    assert float(d.variance) == pytest.approx(stats.nbinom(5, 0.7).var())


@pytest.mark.parametrize("call, pattern", [
    (lambda: dist.NegativeBinomial(5.0), "pass exactly one of probs or logits"),
    (lambda: dist.NegativeBinomial(5.0, probs=0.3, logits=0.1), "pass exactly one of probs or logits"),
    (lambda: dist.NegativeBinomial(5.0, mean=1.0, concentration=2.0), "not both"),
    (lambda: dist.NegativeBinomial(mean=1.0), "go together"),
    (lambda: dist.NegativeBinomial(total_count=-1.0, probs=0.3), "NegativeBinomialProbs: total_count must be > 0"),
    (lambda: dist.NegativeBinomialLogits(2.0, np.nan), "NegativeBinomialLogits: logits must be"),
])
def test_bad_arguments_say_what_to_pass(call, pattern):
    with pytest.raises((ValueError, TypeError), match=pattern):
        call()


def test_samples_follow_scipy():
    rng = np.random.default_rng(0)
    draws = dist.NegativeBinomialLogits(3.0, 0.4).sample(rng, (20000,))
    ref = stats.nbinom(3.0, 1 - special.expit(0.4))
    assert abs(draws.mean() - ref.mean()) < 5 * ref.std() / np.sqrt(draws.size)
    counts = np.bincount(draws, minlength=5)[:5] / draws.size
    np.testing.assert_allclose(counts, ref.pmf(np.arange(5)), atol=0.01)
