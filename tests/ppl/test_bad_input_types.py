"""Wrong data types (issue 9, item 8): strings, None, complex values and keys unconstrain cannot use give
a named error with the site or argument, never a raw numpy error, a blame on the wrong site, or a
silently dropped imaginary part or key."""
import numpy as np
import pytest

import ppl
import ppl.distributions as dist


def normal_mean(y):
    mu = ppl.sample("mu", dist.Normal(0.0, 1.0))
    ppl.sample("y", dist.Normal(mu, 1.0), obs=y)


def regression(x, y):
    w = ppl.sample("w", dist.Normal(0.0, 1.0))
    ppl.sample("y", dist.Normal(w * x, 1.0), obs=y)


def scale_argument(s):
    mu = ppl.sample("mu", dist.Normal(0.0, 1.0))
    ppl.sample("y", dist.Normal(mu, s), obs=1.0)


def eight_schools(sigma, y):
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    tau = ppl.sample("tau", dist.HalfCauchy(5.0))
    z = ppl.sample("z", dist.Normal(0.0, 1.0).expand((len(sigma),)))
    ppl.deterministic("theta", mu + tau * z)
    ppl.sample("y", dist.Normal(mu + tau * z, sigma), obs=y)


@pytest.mark.parametrize("y", [np.array(["1.0", "2.0"]), ["a", "b"], np.array([1.0, None])],
                         ids=["string array", "string list", "object with None"])
def test_non_numeric_observed_data_names_the_site(y):
    with pytest.raises(TypeError, match='site "y": observed data must be real numbers'):
        ppl.log_density(normal_mean, y)


def test_string_covariate_names_the_argument_and_model_line():
    with pytest.raises(TypeError, match=r"after site \"w\"; model data must be numbers, but 'x' has dtype <U3") as e:
        ppl.log_density(regression, np.array(["1.0", "2.0"]), np.array([1.0, 2.0]))
    assert 'dist.Normal(w * x, 1.0)' in str(e.value)


def test_none_as_a_scale_names_the_site_and_parameter():
    with pytest.raises(TypeError, match='site "y": Normal parameter scale is None'):
        ppl.log_density(scale_argument, None)


def test_complex_data_argument_is_an_error():
    with pytest.raises(TypeError, match="model argument 'y' is complex"):
        ppl.log_density(normal_mean, np.array([1.0 + 1.0j, 2.0]))


@pytest.fixture(scope="module")
def schools():
    return ppl.log_density(eight_schools, np.ones(3), np.zeros(3))


def test_complex_x_is_an_error_not_a_dropped_imaginary_part(schools):
    with pytest.raises(TypeError, match=r"x \(the unconstrained point\) must be real"):
        schools.logp(np.zeros(schools.dim) + 1j)
    with pytest.raises(TypeError, match='unconstrain: site "mu" must be real'):
        schools.unconstrain({"mu": 1j, "tau": 1.0, "z": np.zeros(3)})


def test_unconstrain_infinite_value_blames_its_own_site(schools):
    """It blamed site "y" (whose mean became NaN), not the infinite tau."""
    with pytest.raises(ValueError, match='site "tau": value inf maps to the unconstrained value inf'):
        schools.unconstrain({"mu": 0.0, "tau": np.inf, "z": np.zeros(3)})


def test_unconstrain_extra_and_observed_keys_are_errors(schools):
    good = {"mu": 0.0, "tau": 1.0, "z": np.zeros(3)}
    with pytest.raises(KeyError, match=r"\['bogus'\], which are not latent sites"):
        schools.unconstrain(dict(good, bogus=1.0))
    with pytest.raises(KeyError, match=r"\['y'\] is an observed site"):
        schools.unconstrain(dict(good, y=np.zeros(3)))


def test_unconstrain_deterministic_must_agree_with_the_latents(schools):
    x = schools.unconstrain({"mu": 0.5, "tau": 2.0, "z": np.arange(3.0)})
    np.testing.assert_allclose(schools.unconstrain(schools.constrain(x)), x)  # constrain's output round-trips
    with pytest.raises(ValueError, match='site "theta" is deterministic'):
        schools.unconstrain({"mu": 0.0, "tau": 1.0, "z": np.zeros(3), "theta": np.ones(3)})
