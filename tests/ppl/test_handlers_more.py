"""Handlers with NumPyro semantics: mask (and Distribution.mask), scale, do, replay, scope, reparam with
LocScaleReparam. Log densities against hand-written scipy.stats sums, in the eager and compiled paths."""
import numpy as np
import pytest
from scipy import stats

import ppl
import ppl.distributions as dist
from ppl import handlers
from ppl.reparam import LocScaleReparam

Y = np.array([0.5, np.nan, 1.5, -1.0, np.nan, 2.0])
OBSERVED = ~np.isnan(Y)


def masked_normal(y, keep):
    mu = ppl.sample("mu", dist.Normal(0.0, 1.0))
    with ppl.plate("data", len(y)), handlers.mask(mask=keep):
        ppl.sample("y", dist.Normal(mu, 2.0), obs=y)


def test_masked_site_is_the_sum_over_unmasked_rows_with_nan_placeholders():
    ld = ppl.log_density(masked_normal, Y, OBSERVED)
    u = ld.unconstrain({"mu": 0.3})
    expected = stats.norm(0, 1).logpdf(0.3) + stats.norm(0.3, 2).logpdf(Y[OBSERVED]).sum()
    lp, grad = ld.logp_and_grad(u)
    assert lp == pytest.approx(expected, rel=1e-12)
    assert ld.logp(u, jacobian=False) == pytest.approx(expected, rel=1e-12)  # the eager path
    assert grad[0] == pytest.approx(-0.3 + np.sum(Y[OBSERVED] - 0.3) / 4.0, rel=1e-12)


def test_the_mask_travels_as_data_in_the_compiled_log_density():
    ld = ppl.log_density(masked_normal, Y, OBSERVED)
    fdata, idata = ld.data
    assert "if v" in ld.source or "where" in ld.source or " else 0.0" in ld.source
    assert idata.size >= OBSERVED.size  # the bool mask is in the integer data buffer, not in the code


def test_distribution_mask_as_numpyro():
    d = dist.Normal(np.zeros(3), 1.0)
    assert d.mask(True) is d
    x = np.array([0.1, np.nan, -2.0])
    m = np.array([True, False, True])
    lp = d.mask(m).log_prob(x)
    np.testing.assert_allclose(lp, np.where(m, stats.norm.logpdf(np.nan_to_num(x)), 0.0))
    np.testing.assert_array_equal(d.mask(False).log_prob(x), np.zeros(3))
    assert dist.Normal(0.0, 1.0).mask(m).batch_shape == (3,)  # the mask's shape broadcasts in, as NumPyro
    assert d.mask(m).sample(np.random.default_rng(0)).shape == (3,)
    with pytest.raises(ValueError, match=r"mask of shape \(4,\) does not broadcast with .* batch_shape \(3,\)"):
        d.mask(np.ones(4, bool))


def test_mask_errors_name_the_site():
    def wrong_shape():
        with handlers.mask(mask=np.ones(4, bool)):
            ppl.sample("y", dist.Normal(np.zeros(3), 1.0), obs=np.zeros(3))
    with pytest.raises(ValueError, match=r'site "y": mask of shape \(4,\) does not broadcast'):
        handlers.trace(wrong_shape).get_trace()
    with pytest.raises(ValueError, match=r"`mask` should be a bool array"):
        handlers.mask(mask=np.ones(3))
    with pytest.raises(ValueError, match=r'site "y": observed data contains nan at index \(1,\)'):
        ppl.log_density(masked_normal, Y, np.ones(len(Y), bool))  # NaN that counts is still an error


def test_scaled_site_is_scale_times_logpdf():
    def model(y, w):
        mu = ppl.sample("mu", dist.Normal(0.0, 1.0))
        with handlers.scale(scale=w):
            ppl.sample("y", dist.Normal(mu, 1.0), obs=y)
        with handlers.scale(scale=2.0), handlers.scale(scale=1.5):
            ppl.factor("f", -mu ** 2)
    y, w = np.array([0.2, -0.4, 1.1]), np.array([1.0, 3.0, 0.5])
    ld = ppl.log_density(model, y, w)
    u = ld.unconstrain({"mu": -0.6})
    expected = stats.norm(0, 1).logpdf(-0.6) + np.sum(w * stats.norm(-0.6, 1).logpdf(y)) - 3.0 * 0.36
    assert ld.logp(u) == pytest.approx(expected, rel=1e-12)
    assert ld.logp_and_grad(u)[0] == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="'scale' argument should be positive"):
        handlers.scale(scale=0.0)


def causal(y=None):
    s = ppl.sample("s", dist.LogNormal(0.0, 1.0))
    z = ppl.sample("z", dist.Normal(0.0, s))
    ppl.sample("y", dist.Normal(z, 1.0), obs=y)
    return z


def test_do_fixes_the_value_downstream_without_scoring_it():
    intervened = handlers.do(causal, data={"z": 1.0})
    with handlers.trace() as tr:
        z = handlers.seed(intervened, rng_seed=0)()
    assert z == 1.0
    assert tr["z"]["value"] != 1.0 and not tr["z"]["is_observed"]   # NumPyro: a fresh site named z
    assert "z__CF" not in tr
    ld = ppl.log_density(intervened, y=0.4)
    assert ld.param_names == ["s", "z"]
    point = {"s": 1.7, "z": -0.3}
    expected = (stats.lognorm(1.0).logpdf(1.7) + stats.norm(0, 1.7).logpdf(-0.3)   # the fresh z: its own prior
                + stats.norm(1.0, 1.0).logpdf(0.4))                                  # y sees the intervention
    assert ld.logp(ld.unconstrain(point), jacobian=False) == pytest.approx(expected, rel=1e-12)


def test_replay_gives_latent_sites_the_recorded_values():
    recorded = handlers.trace(handlers.seed(causal, rng_seed=3)).get_trace(y=0.5)
    replayed = handlers.trace(handlers.seed(handlers.replay(causal, trace=recorded), rng_seed=9)).get_trace(y=0.5)
    for name in ("s", "z"):
        assert replayed[name]["value"] == recorded[name]["value"]
    assert replayed["y"]["value"] == 0.5
    observed_s = handlers.trace(handlers.condition(causal, data={"s": 1.0})).get_trace()
    with pytest.raises(RuntimeError, match="Site s must be sampled in trace"):
        handlers.trace(handlers.replay(causal, trace=observed_s)).get_trace()


def group(y):
    loc = ppl.sample("loc", dist.Normal(0.0, 1.0))
    with ppl.plate("member", len(y)):
        ppl.sample("y", dist.Normal(loc, 1.0), obs=y)
    return loc


def test_scope_prefixes_names_so_a_sub_model_can_be_reused():
    def model(a, b):
        with handlers.scope(prefix="a"):
            group(a)
        with handlers.scope(prefix="b"):
            with handlers.scope(prefix="inner", divider="."):
                group(b)
    a, b = np.array([0.1, 0.4]), np.array([2.0, 1.0, 3.0])
    ld = ppl.log_density(model, a, b)
    assert ld.param_names == ["a/loc", "b/inner.loc"]
    assert ld.spec.dims["a/y"] == ("a/member",) and ld.spec.dims["b/inner.y"] == ("b/inner.member",)
    u = ld.unconstrain({"a/loc": 0.2, "b/inner.loc": 1.9})
    expected = (stats.norm(0, 1).logpdf([0.2, 1.9]).sum() + stats.norm(0.2, 1).logpdf(a).sum()
                + stats.norm(1.9, 1).logpdf(b).sum())
    assert ld.logp(u) == pytest.approx(expected, rel=1e-12)


SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
YS = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])


def centred(sigma, y=None):
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    tau = ppl.sample("tau", dist.HalfCauchy(5.0))
    with ppl.plate("school", len(sigma)):
        theta = ppl.sample("theta", dist.Normal(mu, tau))
        ppl.sample("y", dist.Normal(theta, sigma), obs=y)


def non_centred(sigma, y=None):
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    tau = ppl.sample("tau", dist.HalfCauchy(5.0))
    with ppl.plate("school", len(sigma)):
        z = ppl.sample("theta_decentered", dist.Normal(0.0, 1.0))
        theta = ppl.deterministic("theta", mu + tau * z)
        ppl.sample("y", dist.Normal(theta, sigma), obs=y)


REPARAMETRISED = handlers.reparam(centred, config={"theta": LocScaleReparam(0)})


def test_loc_scale_reparam_is_the_non_centred_model():
    ld = ppl.log_density(REPARAMETRISED, SIGMA, y=YS)
    ref = ppl.log_density(non_centred, SIGMA, y=YS)
    assert ld.param_names == ref.param_names
    assert ld.spec.dims["theta"] == ("school",) and "theta" in ld.spec.deterministic
    x = np.random.default_rng(1).normal(size=ld.dim)
    assert ld.logp_and_grad(x)[0] == pytest.approx(ref.logp_and_grad(x)[0], rel=1e-12)
    np.testing.assert_allclose(ld.logp_and_grad(x)[1], ref.logp_and_grad(x)[1], rtol=1e-12)
    np.testing.assert_allclose(ld.constrain(x)["theta"], ref.constrain(x)["theta"], rtol=1e-12)
    np.testing.assert_allclose(ld.constrain_draws(x[None])["theta"][0], ref.constrain(x)["theta"], rtol=1e-12)


@pytest.mark.parametrize("centered", [0.3, None])
def test_partial_and_learned_centring_keep_the_site_distribution(centered):
    model = handlers.reparam(centred, config={"theta": LocScaleReparam(centered)})
    tr = handlers.trace(handlers.seed(model, rng_seed=0)).get_trace(SIGMA)
    assert tr["theta"]["type"] == "deterministic" and tr["theta_decentered"]["type"] == "sample"
    if centered is None:
        assert tr["theta_centered"]["type"] == "sample" and 0 < tr["theta_centered"]["value"] < 1
    # theta given mu and tau is still Normal(mu, tau): moments of many prior draws with mu, tau fixed
    fixed = handlers.substitute(model, data={"mu": 2.0, "tau": 3.0})
    draws = ppl.prior_predictive(fixed, np.ones(4000), draws=1, seed=2)["theta"].ravel()
    assert abs(draws.mean() - 2.0) < 4 * 3.0 / np.sqrt(draws.size)
    assert abs(draws.std() - 3.0) < 4 * 3.0 / np.sqrt(2 * draws.size)


def test_loc_scale_reparam_samples_centred_eight_schools_as_well_as_the_non_centred_form():
    import arviz as az

    import samplers
    kw = dict(draws=1000, tune=1000, chains=4, seed=4, progressbar=False)
    runs = {name: samplers.nuts(model, SIGMA, y=YS, **kw)
            for name, model in [("reparam", REPARAMETRISED), ("non_centred", non_centred), ("centred", centred)]}

    def stat(idata, var):
        post = idata["posterior"].to_dataset() if hasattr(idata, "children") else idata.posterior
        v = post[var]
        sd = float(v.std())
        ess_mean = float(az.ess(post, var_names=[var], method="mean")[var])
        ess_sd = float(az.ess(post, var_names=[var], method="sd")[var])
        return float(v.mean()), sd, sd / np.sqrt(ess_mean), sd / np.sqrt(2 * ess_sd)  # MCSEs of mean and sd

    for var in ("mu", "tau"):
        m1, s1, e1, es1 = stat(runs["reparam"], var)
        m2, s2, e2, es2 = stat(runs["non_centred"], var)
        assert abs(m1 - m2) < 4 * np.hypot(e1, e2), (var, m1, m2, e1, e2)
        assert abs(s1 - s2) < 4 * np.hypot(es1, es2), (var, s1, s2, es1, es2)

    def divergences(idata):
        stats_ = idata["sample_stats"].to_dataset() if hasattr(idata, "children") else idata.sample_stats
        return int(stats_["diverging"].sum())
    assert divergences(runs["reparam"]) < divergences(runs["centred"])
    assert divergences(runs["reparam"]) <= 5


def test_reparam_errors():
    def observed():
        ppl.sample("x", dist.Normal(0.0, 1.0), obs=0.5)
    with pytest.raises(ValueError, match='site "x": LocScaleReparam applies to latent sites'):
        handlers.trace(handlers.reparam(observed, config={"x": LocScaleReparam(0)})).get_trace()
    with pytest.raises(ValueError, match="centered must be None or a number in"):
        LocScaleReparam(1.5)


def test_a_mask_inside_a_wider_plate_keeps_nan_placeholders_allowed():
    def model(y, keep):
        mu = ppl.sample("mu", dist.Normal(0.0, 1.0))
        with ppl.plate("rep", 2, dim=-2), handlers.mask(mask=keep):
            ppl.sample("y", dist.Normal(mu, 2.0), obs=y)
    y = np.stack([Y, Y[::-1]])
    ld = ppl.log_density(model, y, OBSERVED)   # mask (6,) broadcast over the plate's (2, 1)
    u = ld.unconstrain({"mu": 0.3})
    keep = np.broadcast_to(OBSERVED, y.shape)
    expected = stats.norm(0, 1).logpdf(0.3) + stats.norm(0.3, 2).logpdf(y[keep]).sum()
    assert ld.logp_and_grad(u)[0] == pytest.approx(expected, rel=1e-12)


def test_predictives_run_reparametrised_and_intervened_models():
    rng = np.random.default_rng(5)
    post = {"mu": rng.normal(size=(2, 3)), "tau": rng.uniform(1, 2, size=(2, 3)),
            "theta_decentered": rng.normal(size=(2, 3, 8))}
    pp = ppl.posterior_predictive(REPARAMETRISED, post, SIGMA, seed=0)
    np.testing.assert_allclose(pp["theta"], post["mu"][..., None] + post["tau"][..., None] * post["theta_decentered"])
    assert pp["y"].shape == (2, 3, 8)
    prior = ppl.prior_predictive(handlers.do(causal, data={"z": 5.0}), draws=400, seed=0)
    assert abs(prior["y"].mean() - 5.0) < 4 / np.sqrt(400)     # y ~ Normal(5, 1): it sees the intervention
    assert abs(prior["z"].mean()) < 1.0                          # the fresh z keeps its own prior


def test_learned_centring_log_density_matches_the_formula():
    loc, scale = np.array([1.0, 2.0, 3.0]), np.array([2.0, 1.0, 0.5])

    def model():
        with ppl.plate("g", 3):
            ppl.sample("x", dist.Normal(loc, scale))
    ld = ppl.log_density(handlers.reparam(model, config={"x": LocScaleReparam(None)}))
    assert ld.param_names == ["x_centered", "x_decentered[0]", "x_decentered[1]", "x_decentered[2]"]
    x = np.array([0.3, 0.1, -0.2, 0.5])
    c, dec = 1 / (1 + np.exp(-0.3)), x[1:]
    expected = np.log(c * (1 - c)) + stats.norm(c * loc, scale ** c).logpdf(dec).sum()  # Uniform prior + log|J|
    assert ld.logp_and_grad(x)[0] == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(ld.constrain(x)["x"], loc + scale ** (1 - c) * (dec - c * loc), rtol=1e-12)
