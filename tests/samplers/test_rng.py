"""The chains' normal generator (ziggurat on xoshiro256**) against scipy.stats.norm."""
import numpy as np
import pytest
from scipy import stats

from samplers.rng import _ZIG_R, chain_states, fill_normal

N = 2_000_000


@pytest.fixture(scope="module")
def draws():
    state = chain_states(20240601, 1)[0].copy()
    out = np.empty(N)
    fill_normal(state, out)
    return out


def test_normal_draws_follow_the_standard_normal(draws):
    assert stats.kstest(draws, "norm").pvalue > 1e-3
    # 400 equiprobable bins: a wrong layer or wedge of the ziggurat shows as a few bad bins
    edges = stats.norm.ppf(np.linspace(0.0, 1.0, 401))
    counts = np.histogram(draws, edges)[0]
    assert stats.chisquare(counts).pvalue > 1e-3
    assert abs(draws.mean()) < 5 / np.sqrt(N) and abs(draws.var() - 1.0) < 5 * np.sqrt(2.0 / N)


def test_the_tail_beyond_the_base_layer(draws):
    # draws beyond r come from the tail sampler: their number and their spread past r
    tail = np.abs(draws[np.abs(draws) > _ZIG_R])
    expected = 2 * stats.norm.sf(_ZIG_R) * N
    assert abs(tail.size - expected) < 5 * np.sqrt(expected)
    conditional = stats.truncnorm(_ZIG_R, np.inf)
    assert stats.kstest(tail, conditional.cdf).pvalue > 1e-3
    assert (draws > _ZIG_R).sum() == pytest.approx((draws < -_ZIG_R).sum(), abs=5 * np.sqrt(expected))


def test_streams_are_reproducible():
    a, b = np.empty(1000), np.empty(1000)
    fill_normal(chain_states(3, 2)[1].copy(), a)
    fill_normal(chain_states(3, 2)[1].copy(), b)
    assert np.array_equal(a, b)
