"""LogDensity: logp against hand-written scipy.stats sums (with and without the Jacobian), gradients
against finite differences, constrain/unconstrain round trips, names, dims, plain functions, and
the fixed-signature Numba handle called from compiled code.

Each compile costs about a second, so compiled LogDensity objects are module-scoped fixtures.
"""

import numba
import numpy as np
import pytest
from scipy import stats
from scipy.special import expit, log_expit

import autodiff.numpy as anp
import ppl
import ppl.bijectors as bij
import ppl.distributions as dist

Y = np.array([0.3, -0.4, 0.9, 0.1])


def mixed_supports(y):
    """Real, positive, unit-interval, a parameter-dependent interval, and an ordered vector."""
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    sigma = ppl.sample("sigma", dist.HalfNormal(2.0))
    a = ppl.sample("a", dist.Beta(2.0, 3.0))
    b = ppl.sample("b", dist.Uniform(0.0, 1.0 - a))
    c = ppl.sample("c", dist.Normal(0.0, 5.0).expand((3,)).to_event(1), transform=bij.Ordered())
    ppl.deterministic("s", mu + sigma)
    ppl.sample("y", dist.Normal(mu + b + 0.1 * c[0], sigma), obs=y)


def by_hand(x, y=Y):
    """(constrained values, logp without Jacobian, log|J|) for mixed_supports, from scipy and the transforms."""
    mu, sigma, a = x[0], np.exp(x[1]), expit(x[2])
    b = (1.0 - a) * expit(x[3])
    c = x[4] + np.concatenate([[0.0], np.cumsum(np.exp(x[5:7]))])
    values = dict(mu=mu, sigma=sigma, a=a, b=b, c=c, s=mu + sigma)
    lp = (stats.norm(0, 5).logpdf(mu) + stats.halfnorm(scale=2).logpdf(sigma) + stats.beta(2, 3).logpdf(a)
          + stats.uniform(0, 1 - a).logpdf(b) + stats.norm(0, 5).logpdf(c).sum()
          + stats.norm(mu + b + 0.1 * c[0], sigma).logpdf(y).sum())
    log_j = (x[1]                                               # sigma = exp(u)
             + log_expit(x[2]) + log_expit(-x[2])               # a = sigmoid(u)
             + np.log(1 - a) + log_expit(x[3]) + log_expit(-x[3])  # b = (1 - a) sigmoid(u)
             + x[5] + x[6])                                     # ordered: c_k = c_{k-1} + exp(u_k)
    return values, lp, log_j


@pytest.fixture(scope="module")
def ld():
    return ppl.log_density(mixed_supports, Y)


POINTS = np.random.default_rng(0).uniform(-2, 2, (3, 7))


def test_dim_and_param_names(ld):
    assert ld.dim == 7
    assert ld.param_names == ["mu", "sigma", "a", "b", "c[0]", "c[1]", "c[2]"]
    assert list(ld.spec.latent) == ["mu", "sigma", "a", "b", "c"]
    assert list(ld.spec.observed) == ["y"] and list(ld.spec.deterministic) == ["s"]


@pytest.mark.parametrize("i", range(len(POINTS)))
def test_logp_matches_scipy_with_and_without_jacobian(ld, i):
    x = POINTS[i]
    _, lp, log_j = by_hand(x)
    np.testing.assert_allclose(ld.logp(x, jacobian=False), lp, rtol=1e-10)
    np.testing.assert_allclose(ld.logp(x), lp + log_j, rtol=1e-10)
    value, grad = ld.logp_and_grad(x)
    assert isinstance(value, float) and grad.dtype == np.float64 and grad.shape == (7,)
    np.testing.assert_allclose(value, lp + log_j, rtol=1e-10)


def test_site_terms_are_named(ld):
    x = POINTS[0]
    terms = ld.site_terms(x)
    assert [k for k in terms if not k.endswith(" (log|J|)")] == ["mu", "sigma", "a", "b", "c", "y"]
    assert [k[:-len(" (log|J|)")] for k in terms if k.endswith(" (log|J|)")] == ["mu", "sigma", "a", "b", "c"]
    assert float(terms["mu (log|J|)"]) == 0.0
    np.testing.assert_allclose(float(terms["c (log|J|)"]), x[5] + x[6])
    np.testing.assert_allclose(sum(float(v) for v in terms.values()), ld.logp(x), rtol=1e-10)


def _finite_diff(f, x, eps=1e-6):
    out = np.empty_like(x)
    for i in range(len(x)):
        e = np.zeros_like(x)
        e[i] = eps
        out[i] = (f(x + e) - f(x - e)) / (2 * eps)
    return out


@pytest.mark.parametrize("jacobian", [True, False])
def test_gradient_matches_finite_differences(ld, jacobian):
    for x in POINTS:
        _, grad = ld.logp_and_grad(x, jacobian=jacobian)
        fd = _finite_diff(lambda z: sum(by_hand(z)[1:]) if jacobian else by_hand(z)[1], x)
        np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-6)


def test_constrain_gives_latents_and_deterministics(ld):
    x = POINTS[1]
    values, _, _ = by_hand(x)
    got = ld.constrain(x)
    assert set(got) == set(values)
    for name, v in values.items():
        np.testing.assert_allclose(got[name], v, rtol=1e-12, err_msg=name)
    assert np.all(np.diff(got["c"]) > 0) and 0 < got["b"] < 1 - got["a"]


def test_unconstrain_constrain_round_trips(ld):
    for x in POINTS:
        np.testing.assert_allclose(ld.unconstrain(ld.constrain(x)), x, rtol=1e-9, atol=1e-12)
    values = dict(mu=-1.5, sigma=0.2, a=0.9, b=0.05, c=np.array([-3.0, 0.5, 0.51]))
    x = ld.unconstrain(values)
    back = ld.constrain(x)
    for name, v in values.items():
        np.testing.assert_allclose(back[name], v, rtol=1e-10, err_msg=name)
    np.testing.assert_allclose(back["s"], -1.3)


def test_unconstrain_errors_name_the_site(ld):
    good = dict(mu=0.0, sigma=1.0, a=0.5, b=0.1, c=np.array([0.0, 1.0, 2.0]))
    with pytest.raises(KeyError, match="missing \\['c'\\]"):
        ld.unconstrain({k: v for k, v in good.items() if k != "c"})
    with pytest.raises(ValueError, match=r'site "c": value has shape \(2,\), expected \(3,\)'):
        ld.unconstrain(dict(good, c=np.zeros(2)))
    with pytest.raises(ValueError, match=r"expected an unconstrained vector of shape \(7,\)"):
        ld.logp(np.zeros(6))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_unconstrain_rejects_values_outside_the_support(ld):
    good = dict(mu=0.0, sigma=1.0, a=0.5, b=0.1, c=np.array([0.0, 1.0, 2.0]))
    for site, bad in [("c", np.array([2.0, 1.0, 0.0])), ("b", 0.7), ("sigma", -1.0)]:
        try:
            x = ld.unconstrain(dict(good, **{site: bad}))
        except ValueError as e:
            assert f'site "{site}"' in str(e), str(e)
        else:
            raise AssertionError(f"unconstrain accepted {site}={bad} and returned {x}")


def test_initial_point_is_finite_and_seeded(ld):
    x0 = ld.initial_point
    assert x0.shape == (7,) and np.all(np.abs(x0) < 2) and np.isfinite(ld.logp(x0))
    a, b = (ppl.log_density(mixed_supports, Y, seed=11).initial_point for _ in range(2))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, ppl.log_density(mixed_supports, Y, seed=12).initial_point)


# ---------------------------------------------------------------------------
# A plain function of a flat vector

M, S = np.array([1.0, -2.0, 0.5]), np.array([1.0, 2.0, 0.5])


def gaussian(x):
    return -0.5 * anp.sum(((x - M) / S) ** 2)


@pytest.fixture(scope="module")
def ld_plain():
    return ppl.log_density(gaussian, dim=3)


def test_plain_function(ld_plain):
    assert ld_plain.dim == 3 and ld_plain.param_names == ["x[0]", "x[1]", "x[2]"]
    x = np.array([0.3, 0.1, -0.7])
    lp, grad = ld_plain.logp_and_grad(x)
    np.testing.assert_allclose(lp, -0.5 * np.sum(((x - M) / S) ** 2), rtol=1e-12)
    np.testing.assert_allclose(grad, -(x - M) / S**2, rtol=1e-12)
    np.testing.assert_array_equal(ld_plain.constrain(x)["x"], x)
    np.testing.assert_array_equal(ld_plain.unconstrain(x), x)


# ---------------------------------------------------------------------------
# The Numba handle: one compiled caller serves every model


def poisson_regression(x, counts):
    alpha = ppl.sample("alpha", dist.Normal(0.0, 2.0))
    beta = ppl.sample("beta", dist.Normal(0.0, 1.0))
    ppl.sample("counts", dist.Poisson(anp.exp(alpha + beta * x)), obs=counts)


X_P = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
COUNTS = np.array([0, 1, 1, 3, 7])


@pytest.fixture(scope="module")
def ld_poisson():
    return ppl.log_density(poisson_regression, X_P, COUNTS)


def test_poisson_model_matches_scipy(ld_poisson):
    x = np.array([0.2, 0.8])
    lp = stats.norm(0, 2).logpdf(x[0]) + stats.norm(0, 1).logpdf(x[1]) + stats.poisson(
        np.exp(x[0] + x[1] * X_P)).logpmf(COUNTS).sum()
    np.testing.assert_allclose(ld_poisson.logp(x), lp, rtol=1e-12)
    fdata, idata = ld_poisson.data
    assert fdata.dtype == np.float64 and idata.dtype == np.int64
    assert fdata.flags.c_contiguous and idata.flags.c_contiguous
    assert set(COUNTS.tolist()) <= set(idata.tolist())  # integer data travel in idata


@numba.njit(numba.float64(ppl.LPG_TYPE, numba.float64[:, ::1], numba.float64[:, ::1], numba.float64[::1],
                          numba.int64[::1]), cache=True)
def _sum_logp(lpg, xs, grads, fdata, idata):
    total = 0.0
    for i in range(xs.shape[0]):
        total += lpg(xs[i], grads[i], fdata, idata)
    return total


@pytest.mark.parametrize("which", ["ld", "ld_plain", "ld_poisson"])
def test_logp_and_grad_fn_called_from_njit(which, request):
    target = request.getfixturevalue(which)
    xs = np.ascontiguousarray(np.random.default_rng(1).uniform(-1, 1, (4, target.dim)))
    grads = np.zeros_like(xs)
    fdata, idata = target.data
    total = _sum_logp(target.logp_and_grad_fn, xs, grads, fdata, idata)
    expected = [target.logp_and_grad(x) for x in xs]
    np.testing.assert_allclose(total, sum(v for v, _ in expected), rtol=1e-12)
    np.testing.assert_allclose(grads, np.stack([g for _, g in expected]), rtol=1e-12)
    assert len(_sum_logp.signatures) == 1  # the FunctionType argument: no recompilation per model


# ---------------------------------------------------------------------------
# dims and coords


def schools(sigma):
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    z = ppl.sample("z", dist.Normal(0.0, 1.0).expand((len(sigma),)), dims=("school",))
    ppl.deterministic("theta", mu + z, dims=("school",))


def test_dims_and_coords_are_recorded():
    coords = {"school": ["a", "b", "c"]}
    ld = ppl.log_density(schools, np.ones(3), coords=coords)
    assert ld.spec.dims == {"z": ("school",), "theta": ("school",)}
    assert ld.coords == coords
    assert ld.param_names == ["mu", "z[0]", "z[1]", "z[2]"]


def test_coords_of_the_wrong_length_name_the_site():
    with pytest.raises(ValueError, match='site "z": dimension "school" has 3 entries but coords\\["school"\\] has 2'):
        ppl.log_density(schools, np.ones(3), coords={"school": ["a", "b"]})


def test_dims_of_the_wrong_rank_name_the_site():
    def model():
        ppl.sample("w", dist.Normal(0.0, 1.0).expand((2, 3)), dims=("row",))

    with pytest.raises(ValueError, match=r'site "w": dims=\(\'row\',\) names 1 axes but the value has shape \(2, 3\)'):
        ppl.log_density(model)
