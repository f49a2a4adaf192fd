"""User-facing errors from ppl.log_density: every message names the site (and says what to fix).

Errors are raised while the model is first run (no compilation), so these tests are fast.
"""

import numpy as np
import pytest

import autodiff.numpy as anp
import ppl
import ppl.distributions as dist


def normal_obs(y):
    mu = ppl.sample("mu", dist.Normal(0.0, 1.0))
    ppl.sample("y", dist.Normal(mu, 1.0).expand((len(y),)), obs=y)


def poisson_obs(counts):
    lam = ppl.sample("lam", dist.Gamma(2.0, 1.0))
    ppl.sample("counts", dist.Poisson(lam).expand((len(counts),)), obs=counts)


def batch_mismatch(y):
    mu = ppl.sample("mu", dist.Normal(0.0, 1.0).expand((8,)))
    ppl.sample("y", dist.Normal(mu, 1.0), obs=y)


def two_sites_named_x():
    ppl.sample("x", dist.Normal(0.0, 1.0))
    ppl.sample("x", dist.HalfNormal(1.0))


def overflowing_likelihood(y):
    mu = ppl.sample("mu", dist.Normal(0.0, 1.0))
    ppl.sample("y", dist.Normal(mu, 1.0), obs=y)  # (1e200 - mu)^2 overflows: -inf at every point


def nan_factor():
    x = ppl.sample("x", dist.Normal(0.0, 1.0))
    ppl.factor("bad_term", anp.log(-1.0 - x**2))


def unreachable_constraint(y):
    # the initial box u in (-2, 2) gives s = exp(u) < 7.4, so the factor is -inf at every initial point
    s = ppl.sample("s", dist.HalfNormal(1.0))
    ppl.sample("y", dist.Normal(0.0, s), obs=y)
    ppl.factor("constraint", anp.where(s > 100.0, 0.0, -np.inf))


ERRORS = [
    # (id, model, args, message regex: must name the site)
    ("nan_obs", normal_obs, (np.array([1.0, np.nan, 2.0]),), r'site "y": observed data contains nan.*index \(1,\)'),
    ("inf_obs", normal_obs, (np.array([1.0, 2.0, -np.inf]),), r'site "y": observed data contains -inf.*index \(2,\)'),
    ("negative_count", poisson_obs, (np.array([1, -2, 3]),), r'site "counts": .*must be an integer >= 0, got -2'),
    ("fractional_count", poisson_obs, (np.array([1.0, 2.5]),), r'site "counts": .*must be an integer >= 0, got 2.5'),
    ("batch_vs_obs_shape", batch_mismatch, (np.zeros((8, 1)),),
     r'site "y": Normal has batch_shape \(8,\) but the observed value has shape \(8, 1\)'),
    ("obs_does_not_broadcast", batch_mismatch, (np.zeros(5),),
     r'site "y": .*does not broadcast with batch_shape \(8,\)'),
    ("duplicate_names", two_sites_named_x, (), r'two sites named "x"'),
    ("minus_inf_everywhere", overflowing_likelihood, (np.array([1e200]),),
     r'not finite at any of 100 random initial points.*site "y" gives -inf'),
    ("nan_everywhere", nan_factor, (), r'site "bad_term" gives nan'),
    ("factor_minus_inf", unreachable_constraint, (1.0,), r'site "constraint" gives -inf'),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("model, args, match", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_error_names_the_site(model, args, match):
    with pytest.raises(ValueError, match=match):
        ppl.log_density(model, *args)


def test_unobserved_discrete_site_names_the_site_and_the_fix():
    def model():
        ppl.sample("k", dist.Poisson(3.0))

    with pytest.raises(ValueError, match=r'site "k": .*discrete.*(observe it|marginalis)'):
        ppl.log_density(model)


def test_non_distribution_names_the_site():
    def model():
        ppl.sample("w", np.zeros(3))

    with pytest.raises(TypeError, match=r'site "w": ppl.sample needs a distribution, got ndarray'):
        ppl.log_density(model)


def test_sites_must_be_the_same_on_every_run():
    calls = []

    def model():
        calls.append(1)
        name = "a" if len(calls) == 1 else "b"
        ppl.sample(name, dist.Normal(0.0, 1.0))

    with pytest.raises(ValueError, match=r'site "b" did not exist when the model was first run'):
        ppl.log_density(model)


def negative_constant_scale(y):
    ppl.sample("y", dist.Normal(0.0, -1.0), obs=y)


def test_invalid_constant_parameter_names_the_site():
    with pytest.raises(ValueError, match=r'site "y": Normal: scale must be > 0, got -1.0'):
        ppl.log_density(negative_constant_scale, 1.0)


# ---------------------------------------------------------------------------
# Formerly known gaps, fixed since (they were to be strict xfails): regression tests now. Gaps that remain
# are strict xfails with their diagnosis, in tests/ppl/test_bad_input_extremes.py.


def latent_used_as_scale(y):
    x = ppl.sample("x", dist.Normal(0.0, 1.0))
    ppl.sample("y", dist.Normal(0.0, x), obs=y)


def test_initial_points_where_a_latent_makes_a_parameter_invalid_are_rejected():
    # Stan rejects such initial points and draws again; the model is valid where x > 0
    for seed in range(6):
        ld = ppl.log_density(latent_used_as_scale, 1.0, seed=seed)
        assert np.isfinite(ld.logp(ld.initial_point))


def latent_always_invalid_scale(y):
    u = ppl.sample("u", dist.Normal(0.0, 1.0))
    ppl.sample("y", dist.Normal(0.0, -anp.exp(u)), obs=y)


def test_a_parameter_invalid_at_every_initial_point_names_the_site():
    with pytest.raises(ValueError, match='site "y": Normal: scale must be > 0'):
        ppl.log_density(latent_always_invalid_scale, 1.0)


def uniform_with_latent_bound(y):
    w = ppl.sample("w", dist.HalfNormal(1.0))
    ppl.sample("y", dist.Uniform(0.0, w), obs=y)


def test_observed_value_inside_a_latent_dependent_support_is_accepted_for_any_seed():
    for seed in range(8):
        ld = ppl.log_density(uniform_with_latent_bound, 1.0, seed=seed)
        assert np.isfinite(ld.site_terms(ld.initial_point)["y"])


def test_support_error_names_the_distribution_family():
    with pytest.raises(ValueError) as info:
        ppl.log_density(poisson_obs, np.array([1, -2, 3]))
    assert "Poisson value must be" in str(info.value), str(info.value)
