"""Simulation-based calibration: quiet on a correct model, loud on a miscalibrated one."""
import warnings

import numpy as np
import pytest

import ppl
import ppl.distributions as dist
from samplers import sbc


def normal_model(n, y=None, penalty=0.0):
    mu = ppl.sample("mu", dist.Normal(0.0, 1.0))
    sigma = ppl.sample("sigma", dist.HalfNormal(1.0))
    if penalty:  # a factor changes the posterior but not the prior draws: the ranks must notice
        ppl.factor("penalty", -penalty * mu ** 2)
    ppl.sample("y", dist.Normal(mu, sigma).expand((n,)), obs=y)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_correct_model_has_uniform_ranks():
    result = sbc(normal_model, 8, y=np.zeros(8), prior_draws=100, draws=400, tune=300, thin=4, bins=10, seed=3)
    assert set(result.ranks) == {"mu", "sigma"}
    assert all(0 <= r.min() and r.max() <= result.n_ranked for r in result.ranks.values())
    assert result.min_p_value > 1e-3, result.p_values


def test_miscalibrated_posterior_is_detected():
    result = sbc(normal_model, 8, y=np.zeros(8), penalty=8.0, prior_draws=100, draws=400, tune=300, thin=4,
                 bins=10, seed=3)
    assert result.p_values["mu"] < 1e-4, result.p_values


def test_needs_observed_data():
    with pytest.raises(ValueError, match="observes data"):
        sbc(normal_model, 8, prior_draws=5)
