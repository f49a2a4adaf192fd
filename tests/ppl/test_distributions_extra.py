"""Gumbel, Pareto, Chi2, Kumaraswamy, BetaBinomial, ZeroInflatedPoisson against scipy.stats: densities, moments, gradients."""
import numpy as np
import pytest
from scipy import stats

import autodiff as ad
import autodiff.numpy as anp
import ppl.distributions as dist

# (constructor, params, scipy frozen twin, differentiable parameter names)
ROWS = [
    (dist.Gumbel, dict(loc=[0.0, 1.5], scale=[1.0, 2.0]), lambda p: stats.gumbel_r(p["loc"], p["scale"]),
     ["loc", "scale"]),
    (dist.Pareto, dict(scale=[1.0, 2.0], alpha=[3.0, 5.0]), lambda p: stats.pareto(p["alpha"], scale=p["scale"]),
     ["alpha"]),
    (dist.Chi2, dict(df=[1.5, 4.0, 10.0]), lambda p: stats.chi2(p["df"]), ["df"]),
    (dist.Kumaraswamy, dict(concentration1=[0.7, 2.0], concentration0=[1.5, 3.0]),
     lambda p: stats.kumaraswamy(p["concentration1"], p["concentration0"]) if hasattr(stats, "kumaraswamy")
     else None, ["concentration1", "concentration0"]),
    (dist.BetaBinomial, dict(concentration1=[0.5, 2.0], concentration0=[1.5, 3.0], total_count=[5, 12]),
     lambda p: stats.betabinom(p["total_count"], p["concentration1"], p["concentration0"]),
     ["concentration1", "concentration0"]),
    (dist.ZeroInflatedPoisson, dict(gate=[0.2, 0.6], rate=[1.5, 4.0]), None, ["gate", "rate"]),
]
IDS = [r[0].__name__ for r in ROWS]


def _build(make, params):
    return make(**{k: np.asarray(v) for k, v in params.items()})


def _zip_logpmf(k, gate, rate):
    return np.where(k == 0, np.log(gate + (1 - gate) * np.exp(-rate)),
                    np.log1p(-gate) + stats.poisson(rate).logpmf(k))


def _kumaraswamy_logpdf(x, a, b):
    return np.log(a) + np.log(b) + (a - 1) * np.log(x) + (b - 1) * np.log1p(-x ** a)


@pytest.mark.parametrize("make, params, twin, grad_names", ROWS, ids=IDS)
def test_log_prob_matches_scipy(make, params, twin, grad_names):
    d = _build(make, params)
    x = d.sample(np.random.default_rng(0), (7,))
    ours = np.asarray(d.log_prob(x))
    p = {k: np.asarray(v) for k, v in params.items()}
    if make is dist.ZeroInflatedPoisson:
        ref = _zip_logpmf(x, p["gate"], p["rate"])
    elif make is dist.Kumaraswamy:
        ref = _kumaraswamy_logpdf(x, p["concentration1"], p["concentration0"])
    else:
        frozen = twin(p)
        ref = (frozen.logpmf if hasattr(frozen, "logpmf") else frozen.logpdf)(x)
    np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("make, params, twin, grad_names", ROWS, ids=IDS)
def test_sample_moments(make, params, twin, grad_names):
    d = _build(make, params)
    x = d.sample(np.random.default_rng(1), (40000,))
    se = np.sqrt(np.asarray(d.variance) / x.shape[0])
    assert np.all(np.abs(x.mean(0) - np.asarray(d.mean)) < 5 * se + 1e-12)
    np.testing.assert_allclose(x.var(0), np.asarray(d.variance), rtol=0.08)


@pytest.mark.parametrize("make, params, twin, grad_names", ROWS, ids=IDS)
def test_gradients(make, params, twin, grad_names):
    d = _build(make, params)
    x = np.asarray(d.sample(np.random.default_rng(2), (3,)))
    fixed = {k: np.asarray(v) for k, v in params.items() if k not in grad_names}

    def f(*a):
        return anp.sum(make(**fixed, **dict(zip(grad_names, a))).log_prob(x))

    ad.check_grads(f, tuple(np.asarray(params[n], float) for n in grad_names), order=2, eps=1e-6, atol=1e-5,
                   rtol=1e-4)


def test_outside_support_is_minus_inf():
    assert dist.Pareto(2.0, 3.0).log_prob(1.0) == -np.inf
    assert dist.BetaBinomial(1.0, 1.0, 3).log_prob(4.0) == -np.inf
    assert dist.ZeroInflatedPoisson(0.3, 2.0).log_prob(-1.0) == -np.inf
    assert dist.Kumaraswamy(2.0, 2.0).log_prob(1.5) == -np.inf
