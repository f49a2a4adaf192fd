"""prior_predictive and posterior_predictive: moments against the model's distributions, shapes, seeds."""

import math

import arviz as az
import numpy as np
import pytest
import xarray as xr

import ppl
import ppl.distributions as dist

DRAWS = 4000


def model(n, y=None):
    mu = ppl.sample("mu", dist.Normal(1.0, 2.0))
    sigma = ppl.sample("sigma", dist.HalfNormal(3.0))
    rate = ppl.sample("rate", dist.Gamma(2.0, 4.0))  # concentration, rate
    ppl.deterministic("mu_plus_rate", mu + rate)
    return ppl.sample("y", dist.Normal(mu, sigma).expand((n,)), obs=y)


@pytest.fixture(scope="module")
def prior():
    return ppl.prior_predictive(model, 3, draws=DRAWS, seed=0)


HALF_NORMAL_VAR = 9.0 * (1 - 2 / math.pi)

# site -> (mean, variance, excess kurtosis) of its prior (marginal) distribution
MOMENTS = {
    "mu": (1.0, 4.0, 0.0),
    "sigma": (3.0 * math.sqrt(2 / math.pi), HALF_NORMAL_VAR, 8 * (math.pi - 3) / (math.pi - 2) ** 2),
    "rate": (0.5, 2.0 / 16.0, 3.0),                 # Gamma(a, b): a/b, a/b^2, 6/a
    "mu_plus_rate": (1.5, 4.0 + 2.0 / 16.0, None),  # independent sum
}


@pytest.mark.parametrize("site", sorted(MOMENTS))
def test_prior_moments_match_the_model(prior, site):
    mean, var, kurt = MOMENTS[site]
    x = prior[site]
    assert x.shape == (DRAWS,)
    se_mean = math.sqrt(var / DRAWS)
    assert abs(x.mean() - mean) < 4 * se_mean, (x.mean(), mean)
    if kurt is None:  # a sum: its kurtosis is not needed to this precision
        kurt = 3.0
    se_var = var * math.sqrt(2 / (DRAWS - 1) + kurt / DRAWS)
    assert abs(x.var(ddof=1) - var) < 4 * se_var, (x.var(ddof=1), var)


def test_prior_predictive_observations(prior):
    y = prior["y"]
    assert y.shape == (DRAWS, 3)
    # y | mu, sigma ~ Normal(mu, sigma): E y = E mu, Var y = Var mu + E sigma^2
    np.testing.assert_allclose(y.mean(), 1.0, atol=4 * math.sqrt(13.0 / DRAWS))
    np.testing.assert_allclose(y.var(), 4.0 + 9.0, rtol=0.1)
    # given the draw's own parameters, standardised observations are standard normal
    z = (y - prior["mu"][:, None]) / prior["sigma"][:, None]
    np.testing.assert_allclose([z.mean(), z.std()], [0.0, 1.0], atol=0.05)


def test_prior_predictive_redraws_observed_sites_and_keeps_names(prior):
    with_obs = ppl.prior_predictive(model, 3, y=np.zeros(3), draws=10, seed=0)
    assert set(with_obs) == {"mu", "sigma", "rate", "mu_plus_rate", "y"} == set(prior)
    assert not np.all(with_obs["y"] == 0)


def test_prior_predictive_is_reproducible_by_seed():
    a = ppl.prior_predictive(model, 2, draws=20, seed=7)
    b = ppl.prior_predictive(model, 2, draws=20, seed=7)
    c = ppl.prior_predictive(model, 2, draws=20, seed=8)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    assert not np.array_equal(a["mu"], c["mu"])


# ---------------------------------------------------------------------------
# posterior_predictive

CHAINS, N_DRAWS, N = 2, 50, 4


def _posterior():
    # mu distinct per (chain, draw) and sigma tiny, so each y draw shows which posterior draw it came from
    mu = 100.0 * np.arange(CHAINS)[:, None] + np.arange(N_DRAWS)[None, :]
    return {"mu": mu, "sigma": np.full((CHAINS, N_DRAWS), 1e-3), "rate": np.full((CHAINS, N_DRAWS), 0.5)}


def test_posterior_predictive_shapes_and_alignment():
    post = _posterior()
    pp = ppl.posterior_predictive(model, post, N, y=np.zeros(N), seed=0)
    assert set(pp) == {"y", "mu_plus_rate"}
    assert pp["y"].shape == (CHAINS, N_DRAWS, N)
    assert pp["mu_plus_rate"].shape == (CHAINS, N_DRAWS)
    np.testing.assert_allclose(pp["y"], np.broadcast_to(post["mu"][..., None], pp["y"].shape), atol=0.01)
    np.testing.assert_allclose(pp["mu_plus_rate"], post["mu"] + 0.5)


def test_posterior_predictive_with_flat_draws():
    post = {k: v.reshape(-1) for k, v in _posterior().items()}
    pp = ppl.posterior_predictive(model, post, N, seed=0)
    assert pp["y"].shape == (CHAINS * N_DRAWS, N)


def test_posterior_predictive_draws_the_latents_it_is_not_given():
    post = {"mu": _posterior()["mu"]}
    pp = ppl.posterior_predictive(model, post, N, seed=0)
    assert pp["sigma"].shape == (CHAINS, N_DRAWS) and np.all(pp["sigma"] > 0)
    assert pp["y"].shape == (CHAINS, N_DRAWS, N)


def test_posterior_predictive_is_reproducible_by_seed():
    post = _posterior()
    post["sigma"] = np.ones((CHAINS, N_DRAWS))
    a = ppl.posterior_predictive(model, post, N, seed=3)
    b = ppl.posterior_predictive(model, post, N, seed=3)
    c = ppl.posterior_predictive(model, post, N, seed=4)
    np.testing.assert_array_equal(a["y"], b["y"])
    assert not np.array_equal(a["y"], c["y"])


def test_posterior_predictive_rejects_a_posterior_without_model_sites():
    with pytest.raises(KeyError, match="none of the posterior's names"):
        ppl.posterior_predictive(model, {"nope": np.zeros((2, 5))}, N, seed=0)


def test_prior_predictive_rejects_zero_draws():
    with pytest.raises(ValueError, match="draws"):
        ppl.prior_predictive(model, 3, draws=0, seed=0)


# ---------------------------------------------------------------------------
# posterior_predictive on a sampler's ArviZ output

def _as_arviz(kind, post):
    coords = {"chain": np.arange(CHAINS), "draw": np.arange(N_DRAWS)}
    ds = xr.Dataset({k: (("chain", "draw"), v) for k, v in post.items()}, coords=coords)
    ds["mu_plus_rate"] = ds["mu"] + ds["rate"]  # deterministics in the posterior are recomputed, not fed
    if kind == "dataset":
        return ds
    if kind == "datatree":  # arviz 1.x
        if not hasattr(xr, "DataTree"):
            pytest.skip("this xarray has no DataTree (arviz 0.x era)")
        return xr.DataTree.from_dict({"posterior": ds, "observed_data": xr.Dataset({"y": ("y_dim_0", np.zeros(N))})})
    if int(az.__version__.split(".")[0]) >= 1:
        pytest.skip("arviz 1.x has no InferenceData")
    return az.InferenceData(posterior=ds, observed_data=xr.Dataset({"y": ("y_dim_0", np.zeros(N))}))


@pytest.mark.parametrize("kind", ["inferencedata", "datatree", "dataset"])
def test_posterior_predictive_accepts_arviz_results(kind):
    post = _posterior()
    expected = ppl.posterior_predictive(model, post, N, y=np.zeros(N), seed=5)
    got = ppl.posterior_predictive(model, _as_arviz(kind, post), N, y=np.zeros(N), seed=5)
    assert set(got) == {"y", "mu_plus_rate"}
    for k in expected:
        np.testing.assert_array_equal(got[k], expected[k])
    assert got["y"].shape == (CHAINS, N_DRAWS, N)


def test_posterior_predictive_rejects_other_types():
    with pytest.raises(TypeError, match="ArviZ result with a posterior group"):
        ppl.posterior_predictive(model, [1.0, 2.0], N, seed=0)
