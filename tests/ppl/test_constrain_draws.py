"""LogDensity.constrain_draws: the compiled block equals ld.constrain draw by draw (every bijector family,
deterministics of every dtype, constants), observed_data, and errors on bad shapes.

Compiled LogDensity objects are module-scoped fixtures (each compile costs about a second).
"""

import numpy as np
import pytest

import autodiff.numpy as anp
import ppl
import ppl.bijectors as bij
import ppl.distributions as dist

SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])


def eight_schools(sigma, y=None):
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    tau = ppl.sample("tau", dist.HalfCauchy(5.0))
    z = ppl.sample("z", dist.Normal(0.0, 1.0).expand((len(sigma),)), dims=("school",))
    theta = ppl.deterministic("theta", mu + tau * z, dims=("school",))
    ppl.sample("y", dist.Normal(theta, sigma), obs=y, dims=("school",))


def structured(y, counts):
    """Simplex, Cholesky correlation, ordered, positive-ordered, a latent-bounded interval; deterministics
    that are matrices, integers, booleans and a constant."""
    w = ppl.sample("w", dist.Dirichlet(np.ones(4)))
    L = ppl.sample("L", dist.LKJCholesky(3, 2.0))
    c = ppl.sample("c", dist.Normal(0.0, 3.0).expand((3,)).to_event(1), transform=bij.Ordered())
    s = ppl.sample("s", dist.HalfNormal(1.0).expand((2,)).to_event(1), transform=bij.PositiveOrdered())
    a = ppl.sample("a", dist.Beta(2.0, 2.0))
    b = ppl.sample("b", dist.Uniform(0.0, a))
    ppl.deterministic("corr", L @ anp.transpose(L))
    ppl.deterministic("top", anp.argmax(w))
    ppl.deterministic("c_positive", c > 0.0)
    ppl.deterministic("n_obs", anp.asarray(float(len(y))))
    ppl.sample("y", dist.MultivariateNormal(c, scale_tril=s[1] * L).expand((len(y),)), obs=y)
    ppl.sample("counts", dist.Multinomial(int(counts.sum()), w), obs=counts)
    ppl.sample("b_obs", dist.Normal(b, 0.1), obs=np.array([0.2, 0.3]))


Y3 = np.random.default_rng(1).normal(size=(5, 3))
COUNTS = np.array([3, 1, 0, 6])


@pytest.fixture(scope="module")
def schools():
    return ppl.log_density(eight_schools, SIGMA, y=Y, coords={"school": list("ABCDEFGH")})


@pytest.fixture(scope="module")
def struct():
    return ppl.log_density(structured, Y3, COUNTS)


def draws(ld, n, seed=0, scale=2.0):
    return np.random.default_rng(seed).normal(scale=scale, size=(n, ld.dim))


@pytest.mark.parametrize("which, n", [("schools", 200), ("struct", 50)])
def test_block_equals_constrain_draw_by_draw(which, n, request):
    ld = request.getfixturevalue(which)
    X = draws(ld, n)
    got = ld.constrain_draws(X)
    expected = [ld.constrain(x) for x in X]
    assert list(got) == list(expected[0])
    for name, values in got.items():
        ref = np.stack([np.asarray(e[name]) for e in expected])
        assert values.shape == ref.shape, name
        assert values.dtype.kind == ref.dtype.kind, (name, values.dtype, ref.dtype)
        np.testing.assert_allclose(values, ref, rtol=1e-12, atol=1e-13, err_msg=name)


def test_structured_values_lie_in_their_supports(struct):
    out = struct.constrain_draws(draws(struct, 300, seed=2, scale=3.0))
    np.testing.assert_allclose(out["w"].sum(-1), 1.0, rtol=1e-12)
    assert np.all(out["w"] > 0)
    np.testing.assert_allclose(np.einsum("nij,nij->ni", out["L"], out["L"]), 1.0, rtol=1e-12)
    assert np.all(np.triu(out["L"], 1) == 0)
    np.testing.assert_allclose(np.diagonal(out["corr"], axis1=1, axis2=2), 1.0, rtol=1e-12)
    assert np.all(np.diff(out["c"], axis=-1) > 0)
    assert np.all(out["s"][:, 0] > 0) and np.all(np.diff(out["s"], axis=-1) > 0)
    assert np.all((out["b"] > 0) & (out["b"] < out["a"]))
    assert out["top"].dtype.kind == "i" and out["c_positive"].dtype == np.bool_
    np.testing.assert_array_equal(out["n_obs"], 5.0)


def test_empty_block_and_eight_schools_shapes(schools):
    out = schools.constrain_draws(np.zeros((0, schools.dim)))
    assert {k: v.shape for k, v in out.items()} == {"mu": (0,), "tau": (0,), "z": (0, 8), "theta": (0, 8)}


def test_bad_block_shape_names_the_expected_shape(schools):
    with pytest.raises(ValueError, match=r"\(n, 10\)"):
        schools.constrain_draws(np.zeros((5, 9)))
    with pytest.raises(ValueError, match=r"\(n, 10\)"):
        schools.constrain_draws(np.zeros(10))


def test_background_compile_then_call(schools):
    c = schools.prepare_constrain(background=True)
    assert c is schools.prepare_constrain(background=False)  # built once
    X = draws(schools, 7, seed=5)
    np.testing.assert_allclose(c(X)["theta"], schools.constrain_draws(X)["theta"])


def test_observed_data(struct, schools):
    np.testing.assert_array_equal(schools.observed_data["y"], Y)
    obs = struct.observed_data
    assert list(obs) == ["y", "counts", "b_obs"]
    np.testing.assert_array_equal(obs["counts"], COUNTS)


def test_plain_function_density_returns_x():
    ld = ppl.log_density(lambda x: -0.5 * anp.sum(x ** 2), dim=3)
    X = draws(ld, 4)
    np.testing.assert_array_equal(ld.constrain_draws(X)["x"], X)
    assert ld.observed_data == {}
