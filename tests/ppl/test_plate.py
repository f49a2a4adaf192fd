"""ppl.plate: NumPyro's broadcasting and dim allocation, subsampling and its scale, errors naming the
site and the plate, and the plate's name as the ArviZ dimension. Log densities against scipy.stats."""
import numpy as np
import pytest
from scipy import stats

import ppl
import ppl.distributions as dist
from ppl import handlers

RNG = np.random.default_rng(0)
Y = RNG.normal(1.0, 2.0, size=10)


def site_shapes(model, *args):
    tr = handlers.trace(handlers.seed(model, rng_seed=0)).get_trace(*args)
    return {name: np.shape(msg["value"]) for name, msg in tr.items() if msg["type"] == "sample"}


def test_sites_get_the_plate_batch_shape_and_nested_plates_take_dims_as_numpyro():
    def model():
        ppl.sample("a", dist.Normal(0.0, 1.0))
        with ppl.plate("outer", 3):
            ppl.sample("b", dist.Normal(0.0, 1.0))
            with ppl.plate("inner", 4):
                ppl.sample("c", dist.Normal(0.0, 1.0))               # outer took dim -1, inner dim -2
                ppl.sample("d", dist.Normal(np.zeros(3), 1.0))       # broadcasts with (4, 3)
            with ppl.plate("left", 2, dim=-3):
                ppl.sample("e", dist.Normal(0.0, 1.0))
        with ppl.plate("vec", 5):
            ppl.sample("f", dist.Normal(np.zeros(5), 1.0).to_event(1))  # event dims stay on the right
    shapes = site_shapes(model)
    assert shapes == {"a": (), "b": (3,), "c": (4, 3), "d": (4, 3), "e": (2, 1, 3), "f": (5, 5)}


def test_plate_indices_and_the_default_when_not_subsampling():
    with ppl.plate("N", 4) as idx:
        np.testing.assert_array_equal(idx, np.arange(4))
        x = ppl.sample("x", dist.Normal(0.0, 1.0))
    assert np.shape(x) == (4,)


def plated_regression(x, y):
    alpha = ppl.sample("alpha", dist.Normal(0.0, 1.0))
    sigma = ppl.sample("sigma", dist.HalfNormal(1.0))
    with ppl.plate("data", len(y)):
        ppl.sample("y", dist.Normal(alpha * x, sigma), obs=y)


def test_plated_log_density_matches_scipy_in_both_paths():
    x = np.linspace(-1, 1, 10)
    ld = ppl.log_density(plated_regression, x, Y)
    point = {"alpha": 0.7, "sigma": 1.3}
    u = ld.unconstrain(point)
    expected = (stats.norm(0, 1).logpdf(0.7) + stats.halfnorm(scale=1).logpdf(1.3)
                + stats.norm(0.7 * x, 1.3).logpdf(Y).sum())
    assert ld.logp(u, jacobian=False) == pytest.approx(expected, rel=1e-12)
    lp, _ = ld.logp_and_grad(u)
    assert lp == pytest.approx(expected + np.log(1.3), rel=1e-12)  # + log|J| of sigma = exp(u)


def subsampled(y, indices=None, subsample_size=None):
    mu = ppl.sample("mu", dist.Normal(0.0, 3.0))
    with ppl.plate("data", len(y), subsample_size=subsample_size, subsample=indices) as idx:
        ppl.sample("y", dist.Normal(mu, 2.0), obs=y[idx])


def test_subsampled_plate_scales_the_likelihood_by_size_over_subsample_size():
    idx = np.array([1, 4, 7, 8])
    ld = ppl.log_density(subsampled, Y, indices=idx)
    u = ld.unconstrain({"mu": 0.4})
    expected = stats.norm(0, 3).logpdf(0.4) + 10 / 4 * stats.norm(0.4, 2).logpdf(Y[idx]).sum()
    assert ld.logp(u) == pytest.approx(expected, rel=1e-12)
    assert ld.logp_and_grad(u)[0] == pytest.approx(expected, rel=1e-12)
    # the same through substitute, NumPyro's way to fix a plate's indices
    ld2 = ppl.log_density(handlers.substitute(subsampled, data={"data": idx}), Y, subsample_size=4)
    assert ld2.logp(u) == pytest.approx(expected, rel=1e-12)


def test_subsample_indices_come_from_the_seed():
    def indices(seed):
        tr = handlers.trace(handlers.seed(subsampled, rng_seed=seed)).get_trace(Y, subsample_size=3)
        return tr["data"]["value"], tr["y"]["value"]
    a, ya = indices(1)
    b, _ = indices(1)
    c, _ = indices(2)
    np.testing.assert_array_equal(a, b)
    assert len(a) == 3 and len(set(a.tolist())) == 3 and not np.array_equal(a, c)
    np.testing.assert_array_equal(ya, Y[a])


def test_random_subsampling_inside_a_compiled_log_density_says_what_to_do():
    with pytest.raises(ValueError, match=r'plate "data": subsample_size=4 .*subsample=indices'):
        ppl.log_density(subsampled, Y, subsample_size=4)


def test_factor_inside_a_plate_is_broadcast_and_scaled_as_numpyro():
    def model():
        mu = ppl.sample("mu", dist.Normal(0.0, 1.0))
        with ppl.plate("data", 6, subsample=np.array([0, 2, 3])):
            ppl.factor("f", -0.5 * mu ** 2)        # one term per plate element, times 6/3
    ld = ppl.log_density(model)
    u = ld.unconstrain({"mu": 0.8})
    assert ld.logp(u) == pytest.approx(stats.norm(0, 1).logpdf(0.8) + 2 * 3 * (-0.5 * 0.64), rel=1e-12)


def _wide_site():
    with ppl.plate("N", 3):
        ppl.sample("x", dist.Normal(np.zeros(5), 1.0))


def _wrong_obs():
    with ppl.plate("N", 3):
        ppl.sample("y", dist.Normal(0.0, 1.0), obs=np.zeros(4))


def _nested_same_name():
    with ppl.plate("N", 3), ppl.plate("N", 3):
        pass


def _taken_dim():
    with ppl.plate("N", 3), ppl.plate("M", 2, dim=-1):
        pass


@pytest.mark.parametrize("model, pattern", [
    (_wide_site, r'site "x": batch shape \(5,\) does not fit plate "N" \(size 3 at dim -1\)'),
    (_wrong_obs, r'site "y": observed value of shape \(4,\) does not fit plate "N" \(size 3'),
    (_nested_same_name, r'plate "N" is nested inside a plate of the same name'),
    (_taken_dim, r'plate "M": dim=-1 is already used by the enclosing plate "N"'),
    (lambda: ppl.plate("N", 3, subsample_size=5), r'plate "N": subsample_size=5 is larger than size=3'),
    (lambda: ppl.plate("N", 0), r'plate "N": size must be a positive integer'),
    (lambda: ppl.plate("N", 3, dim=0), r'plate "N": dim must be a negative integer'),
    (lambda: ppl.plate("N", 3, subsample=np.array([0, 3])), r'plate "N": subsample must be .* indices in \[0, 3\)'),
])
def test_plate_errors_name_the_site_and_the_plate(model, pattern):
    with pytest.raises(ValueError, match=pattern):
        handlers.trace(model).get_trace()
    from ppl.effects import _stack
    assert _stack() == []  # handlers left by the error are gone


def test_two_plates_of_one_name_and_different_sizes_and_a_site_named_like_a_plate_are_errors():
    def sizes():
        with ppl.plate("N", 3):
            ppl.sample("a", dist.Normal(0.0, 1.0))
        with ppl.plate("N", 4):
            ppl.sample("b", dist.Normal(0.0, 1.0))

    def clash():
        with ppl.plate("y", 3):
            ppl.sample("y", dist.Normal(0.0, 1.0))
    with pytest.raises(ValueError, match=r'two plates named "N" with different sizes \(3 and 4\)'):
        handlers.trace(sizes).get_trace()
    with pytest.raises(ValueError, match=r'two sites named "y"'):
        handlers.trace(clash).get_trace()

    def reused():  # the same plate entered twice is fine
        data = ppl.plate("N", 3)
        with data:
            ppl.sample("a", dist.Normal(0.0, 1.0))
        with data:
            ppl.sample("b", dist.Normal(0.0, 1.0))
    assert site_shapes(reused) == {"a": (3,), "b": (3,)}


def schools(sigma, y=None):
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    tau = ppl.sample("tau", dist.HalfCauchy(5.0))
    with ppl.plate("school", len(sigma)):
        z = ppl.sample("z", dist.Normal(0.0, 1.0))
        theta = ppl.deterministic("theta", mu + tau * z)
        ppl.sample("y", dist.Normal(theta, sigma), obs=y)


SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
YS = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])


def _posterior(idata):
    return idata["posterior"].to_dataset() if hasattr(idata, "children") else idata.posterior


def test_plate_name_is_the_arviz_dim_of_its_sites():
    import samplers
    idata = samplers.nuts(schools, SIGMA, y=YS, draws=50, tune=50, chains=1, seed=0, progressbar=False)
    post = _posterior(idata)
    for name in ("z", "theta"):
        assert post[name].dims == ("chain", "draw", "school")
    np.testing.assert_array_equal(post["school"].values, np.arange(8))
    obs = idata["observed_data"].to_dataset() if hasattr(idata, "children") else idata.observed_data
    assert obs["y"].dims == ("school",)
    labels = [f"s{i}" for i in range(8)]
    idata = samplers.nuts(schools, SIGMA, y=YS, draws=20, tune=20, chains=1, seed=0, progressbar=False,
                          coords={"school": labels})
    assert list(_posterior(idata)["school"].values) == labels
    with pytest.raises(ValueError, match=r'plate "school" has size 8 but coords\["school"\] has 3 labels'):
        ppl.log_density(schools, SIGMA, y=YS, coords={"school": ["a", "b", "c"]})


def test_subsampled_plate_coords_are_its_indices_and_predictives_run_plates():
    def local(y, idx):
        with ppl.plate("unit", 6, subsample=idx):
            u = ppl.sample("u", dist.Normal(0.0, 1.0))
            ppl.sample("y", dist.Normal(u, 1.0), obs=y[idx])
    idx = np.array([1, 3, 4])
    ld = ppl.log_density(local, np.arange(6.0), idx)
    assert ld.spec.dims["u"] == ("unit",) and ld.spec.plates["unit"][0] == 6
    np.testing.assert_array_equal(ld.spec.plates["unit"][1], idx)
    draws = ld.constrain_draws(np.zeros((2, ld.dim)))
    assert draws["u"].shape == (2, 3)
    from samplers.to_arviz import _Labels
    ds = _Labels(ld).dataset({"u": np.zeros((1, 2, 3))}, {})
    np.testing.assert_array_equal(ds["unit"].values, idx)
    prior = ppl.prior_predictive(schools, SIGMA, draws=5, seed=1)
    assert prior["z"].shape == (5, 8) and prior["y"].shape == (5, 8)
    pp = ppl.posterior_predictive(schools, {"mu": np.zeros(4), "tau": np.ones(4), "z": np.zeros((4, 8))}, SIGMA,
                                  seed=0)
    assert pp["y"].shape == (4, 8)


@pytest.mark.parametrize("build", [
    lambda: ppl.log_density(subsampled, Y, indices=np.array([0, 5, 9])),
    lambda: ppl.log_density(plated_regression, np.linspace(-1, 1, 10), Y),
])
def test_compiled_gradient_matches_central_differences(build):
    ld = build()
    x = np.random.default_rng(2).normal(size=ld.dim) * 0.5
    _, grad = ld.logp_and_grad(x)
    h = 1e-6
    fd = [(ld.logp(x + h * e) - ld.logp(x - h * e)) / (2 * h) for e in np.eye(ld.dim)]
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-6)
