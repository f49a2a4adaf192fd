"""to_arviz on synthetic RawChains: constrained values equal ld.constrain draw by draw, the model's dims and
coords, sample stats with constrained divergence points, observed data, warmup groups, run attrs, and
that ArviZ itself (summary, rhat) reads the result."""

import warnings

import arviz as az
import numpy as np
import pytest

import ppl
import ppl.distributions as dist
from samplers.raw import STAT_DTYPES
from samplers.to_arviz import group, to_arviz
from synthetic_chains import SCHOOLS, SIGMA, Y, diverge, eight_schools, eight_schools_density, synthetic_raw

CHAINS, DRAWS, TUNE = 3, 200, 40


@pytest.fixture(scope="module")
def ld():
    return eight_schools_density()


@pytest.fixture(scope="module")
def raw(ld):
    return diverge(synthetic_raw(ld.dim, chains=CHAINS, draws=DRAWS, tune=TUNE, seed=0), chain=1, draws=[5, 17, 99])


@pytest.fixture(scope="module")
def idata(ld, raw):
    return to_arviz(raw, ld)


def test_posterior_equals_constrain_draw_by_draw(ld, raw, idata):
    post = group(idata, "posterior")
    assert list(post.data_vars) == ["mu", "tau", "z", "theta"]
    for c, d in [(0, 0), (1, 17), (2, DRAWS - 1)]:
        expected = ld.constrain(raw.draws[c, d])
        for name, value in expected.items():
            np.testing.assert_allclose(post[name].values[c, d], value, rtol=1e-12, err_msg=name)


def test_posterior_dims_and_coords(idata):
    post = group(idata, "posterior")
    assert post["mu"].dims == ("chain", "draw")
    assert post["z"].dims == post["theta"].dims == ("chain", "draw", "school")
    assert list(post["school"].values) == SCHOOLS
    np.testing.assert_array_equal(post["chain"].values, np.arange(CHAINS))
    np.testing.assert_array_equal(post["draw"].values, np.arange(DRAWS))


def test_sample_stats_and_divergence_points(ld, raw, idata):
    stats = group(idata, "sample_stats")
    for name, dtype in STAT_DTYPES.items():
        assert stats[name].dims == ("chain", "draw")
        assert stats[name].dtype == dtype, name
        np.testing.assert_array_equal(stats[name].values, raw.stats[name])
    point = stats["divergence_point_theta"]
    assert point.dims == ("chain", "draw", "school")
    diverging = raw.stats["diverging"]
    assert np.all(np.isnan(point.values[~diverging]))
    for d in (5, 17, 99):
        expected = ld.constrain(raw.divergence_points[1, d])
        for name in ("mu", "tau", "z", "theta"):
            np.testing.assert_allclose(stats[f"divergence_point_{name}"].values[1, d], expected[name], rtol=1e-12)



def test_divergence_points_only_where_diverging(ld):
    """The chains write a divergence point only for a divergent transition; the other rows hold whatever
    the memory held (7.0 here) and must come out as NaN, with or without divergences in the run."""
    raw = synthetic_raw(ld.dim, chains=2, draws=20, tune=0, seed=3)
    raw.divergence_points[...] = 7.0
    assert np.all(np.isnan(group(to_arviz(raw, ld), "sample_stats")["divergence_point_theta"].values))
    diverge(raw, chain=0, draws=[3])
    mu = group(to_arviz(raw, ld), "sample_stats")["divergence_point_mu"].values
    assert np.isnan(mu).sum() == mu.size - 1
    np.testing.assert_allclose(mu[0, 3], ld.constrain(raw.divergence_points[0, 3])["mu"], rtol=1e-12)

def test_observed_data(idata):
    obs = group(idata, "observed_data")
    assert obs["y"].dims == ("school",)
    np.testing.assert_array_equal(obs["y"].values, Y)


def test_warmup_groups_only_on_request(ld, raw, idata):
    assert group(idata, "warmup_posterior") is None
    with_warmup = to_arviz(raw, ld, warmup=True)
    wp, ws = group(with_warmup, "warmup_posterior"), group(with_warmup, "warmup_sample_stats")
    assert wp["z"].shape == (CHAINS, TUNE, 8) and ws["tree_depth"].shape == (CHAINS, TUNE)
    np.testing.assert_allclose(wp["tau"].values[2, 3], ld.constrain(raw.warmup_draws[2, 3])["tau"], rtol=1e-12)


def test_attrs_mark_complete_and_incomplete_runs(ld, raw, idata):
    attrs = group(idata, "posterior").attrs
    assert attrs["sampler"] == "nuts" and attrs["complete"] == 1 and attrs["status"] == "complete"
    assert attrs["setting_target_accept"] == 0.8 and attrs["setting_init"] == "None"
    assert attrs["timing_sampling_s"] == 0.2 and attrs["tuning_steps"] == TUNE
    cut = synthetic_raw(ld.dim, chains=2, draws=30, tune=10, complete=False)
    attrs = group(to_arviz(cut, ld), "sample_stats").attrs
    assert attrs["complete"] == 0
    assert "incomplete" in attrs["status"] and "30 draws" in attrs["status"]


def test_arviz_summary_reads_the_result(idata):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = az.summary(idata)
    assert "mu" in summary.index and "theta[Choate]" in summary.index
    assert len(summary) == 2 + 8 + 8
    assert np.all(np.isfinite(summary["ess_bulk"].values))


def matrices(y):
    w = ppl.sample("w", dist.Dirichlet(np.ones(3)))
    L = ppl.sample("L", dist.LKJCholesky(3, 2.0))
    ppl.deterministic("corr", L @ L.T)
    ppl.sample("y", dist.MultivariateNormal(np.zeros(3), scale_tril=L).expand((len(y),)), obs=y)
    ppl.sample("k", dist.Categorical(w), obs=np.array([0, 2, 2]))


def test_default_dims_for_sites_without_dims():
    y = np.random.default_rng(3).normal(size=(4, 3))
    ld = ppl.log_density(matrices, y)
    raw = synthetic_raw(ld.dim, chains=2, draws=20, tune=5, seed=4)
    idata = to_arviz(raw, ld)
    post, obs = group(idata, "posterior"), group(idata, "observed_data")
    assert post["w"].dims == ("chain", "draw", "w_dim_0")
    assert post["L"].dims == ("chain", "draw", "L_dim_0", "L_dim_1") and post["L"].shape == (2, 20, 3, 3)
    assert obs["y"].dims == ("y_dim_0", "y_dim_1") and obs["k"].dtype.kind == "i"
    np.testing.assert_allclose(post["corr"].values[1, 7], ld.constrain(raw.draws[1, 7])["corr"], rtol=1e-12)


def test_posterior_predictive_takes_the_result(idata):
    pp = ppl.posterior_predictive(eight_schools, idata, SIGMA, seed=0)
    post = group(idata, "posterior")
    assert pp["y"].shape == (CHAINS, DRAWS, 8)
    residual = (pp["y"] - post["theta"].values) / SIGMA   # y | theta ~ Normal(theta, sigma)
    np.testing.assert_allclose([residual.mean(), residual.std()], [0.0, 1.0], atol=0.05)
