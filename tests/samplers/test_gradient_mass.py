"""adapt_mass="gradient" (nutpie's diagonal metric from the variances of draws and gradients): exact
posteriors within MCSE bounds, Stan's posteriordb reference draws, the adapted metric against the
exact one, reproducibility, and its argument errors. The default adaptation's own tests are in
test_conjugate.py and test_nuts_behaviour.py."""
import os
import sys

import numpy as np
import pytest
from scipy import stats

import ppl
import ppl.distributions as dist
import samplers
from samplers import adaptation as adapt
from test_conjugate import _mcse_checks, gamma_poisson, linear_regression

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "benchmarks"))
sys.path.insert(0, os.path.join(HERE, "..", "ppl"))

RNG = np.random.default_rng(20261205)


def _run(ld, sampler="nuts", **kw):
    kw = dict(draws=1000, tune=1000, chains=4, seed=1, progressbar=False, adapt_mass="gradient") | kw
    return getattr(samplers, sampler)(ld, **kw)


def _feed(draws, grads, num_warmup):
    """Run the adaptation kernel over given (draw, gradient) pairs as warmup iterations; returns the
    metric and what each call returned."""
    dim = draws.shape[1]
    state = adapt.initial_state(num_warmup)
    est, inv_diag = np.zeros((adapt.ESTIMATE_ROWS, dim)), np.ones(dim)
    adapt.start_gradient_metric(state, draws[0], grads[0], est, inv_diag)
    moves = [adapt.learn_gradient_metric(state, draws[i], grads[i], False, est, inv_diag)
             for i in range(1, num_warmup + 1)]
    return inv_diag, moves


def test_metric_of_a_gaussian_is_sqrt_of_variance_over_precision():
    # For x ~ N(0, S), grad log p = -P x with P = S^-1, so var(grad_i) = P_ii and the estimate tends
    # to sqrt(S_ii / P_ii) (Seyboldt et al. 2024); independent coordinates give exactly S_ii.
    d = 5
    a = np.random.default_rng(0).normal(size=(d, d))
    cov = a @ a.T + d * np.diag(np.geomspace(0.01, 100.0, d))
    prec = np.linalg.inv(cov)
    x = np.random.default_rng(1).multivariate_normal(np.zeros(d), cov, size=1001)
    inv_diag, moves = _feed(x, -x @ prec, 1000)
    np.testing.assert_allclose(inv_diag, np.sqrt(np.diag(cov) / np.diag(prec)), rtol=0.3)
    scales = np.geomspace(0.01, 100.0, d)
    z = np.random.default_rng(2).normal(size=(101, d)) * scales
    inv_diag, _ = _feed(z, -z / scales ** 2, 100)
    np.testing.assert_allclose(inv_diag, scales ** 2, rtol=1e-12)
    # the metric first moves once the window holds 3 draws; the last 15 % of warmup leaves it alone
    assert moves[:2] == [adapt.UNCHANGED, adapt.FIRST_CHANGE]
    assert set(moves[2:850]) == {adapt.CHANGED} and set(moves[850:]) == {adapt.UNCHANGED}


def test_a_chain_that_does_not_move_keeps_its_metric():
    # every proposal rejected: the same draw and gradient again, zero variances (0/0 must not raise)
    x = np.tile([1.0, -2.0], (31, 1))
    inv_diag, moves = _feed(x, -x, 30)
    np.testing.assert_array_equal(inv_diag, [1.0, 0.5])  # 1/|gradient| at the start, kept
    assert moves[1] == adapt.FIRST_CHANGE


@pytest.mark.parametrize("sampler", ["nuts", "hmc"])
def test_gamma_poisson(sampler):
    y = RNG.poisson(4.0, size=15)
    idata = _run(ppl.log_density(gamma_poisson, y), sampler=sampler)
    post = stats.gamma(3.0 + y.sum(), scale=1 / (0.5 + len(y)))
    _mcse_checks(np.asarray(idata.posterior["lam"]), post.mean(), post.var(), f"lam ({sampler})")


def test_linear_regression_known_noise():
    X = RNG.normal(size=(50, 3))
    X[:, 2] = X[:, 1] + 0.3 * X[:, 2]
    y = X @ np.array([1.0, -2.0, 0.5]) + RNG.normal(0, 0.8, 50)
    cov = np.linalg.inv(X.T @ X / 0.8 ** 2 + np.eye(3) / 3.0 ** 2)
    mean = cov @ X.T @ y / 0.8 ** 2
    beta = np.asarray(_run(ppl.log_density(linear_regression, X, y, 0.8, 3.0)).posterior["beta"])
    for j in range(3):
        _mcse_checks(beta[..., j], mean[j], cov[j, j], f"beta[{j}]")


def gaussian_by_precision(P):
    """N(0, P^-1) written as -x'Px/2 (one matrix-vector product per gradient: the MultivariateNormal
    form of test_conjugate costs ~50x more per gradient, which the test suite's time cannot afford twice)."""
    x = ppl.sample("x", dist.ImproperUniform(dist.constraints.real_vector, (), (P.shape[0],)))
    ppl.factor("lp", -0.5 * x @ (P @ x))


def test_correlated_gaussian_100d():
    d = 100
    q, _ = np.linalg.qr(np.random.default_rng(3).normal(size=(d, d)))
    cov = q @ np.diag(np.geomspace(1.0, 100.0, d)) @ q.T  # condition number 100, as test_conjugate's
    idata = _run(ppl.log_density(gaussian_by_precision, np.ascontiguousarray(np.linalg.inv(cov))), seed=4)
    x = np.asarray(idata.posterior["x"])
    for j in (0, 37, 99):
        _mcse_checks(x[..., j], 0.0, cov[j, j], f"x[{j}]")
    est = np.cov(x.reshape(-1, d).T)
    assert np.linalg.norm(est - cov) / np.linalg.norm(cov) < 0.2


@pytest.mark.parametrize("name", ["eight_schools-eight_schools_noncentered", "kidiq-kidscore_interaction"])
def test_posteriordb_reference(name):
    from posteriordb_models import POSTERIORS
    from validate_posteriordb import validate
    row = next(r for r in POSTERIORS if r.name == name)
    result = validate(row, seed=1, chains=4, tune=500, draws=500, adapt_mass="gradient")
    bad = [q for q in result["quantities"] if not q["ok"]]
    assert result["passed"], "\n".join(
        f"{q['name']}: mean {q['mean']:.4g} vs {q['ref_mean']:.4g} ({q['z_mean']:.1f} MCSE), "
        f"sd {q['sd']:.4g} vs {q['ref_sd']:.4g}" for q in bad)


def test_same_draws_for_any_number_of_cores_and_differs_from_windowed():
    ld = ppl.log_density(gamma_poisson, RNG.poisson(4.0, size=15))
    one = _run(ld, draws=100, tune=150, cores=1)
    two = _run(ld, draws=100, tune=150, cores=2)
    np.testing.assert_array_equal(np.asarray(one.posterior["lam"]), np.asarray(two.posterior["lam"]))
    windowed = _run(ld, draws=100, tune=150, adapt_mass="windowed")
    assert not np.array_equal(np.asarray(one.posterior["lam"]), np.asarray(windowed.posterior["lam"]))
    assert one.posterior.attrs["setting_adapt_mass"] == "gradient"


@pytest.mark.parametrize("tune", [0, 1, 5, 30])
def test_short_warmups_run(tune):
    ld = ppl.log_density(gamma_poisson, RNG.poisson(4.0, size=15))
    idata = _run(ld, draws=20, tune=tune, chains=1)
    assert np.all(np.isfinite(np.asarray(idata.posterior["lam"])))


@pytest.mark.parametrize("kwargs, match", [
    (dict(adapt_mass="nutpie"), 'adapt_mass must be "windowed" or "gradient"'),
    (dict(adapt_mass="gradient", mass="dense"), "diagonal metric only"),
])
def test_bad_arguments_are_named(kwargs, match):
    ld = ppl.log_density(gamma_poisson, np.array([3, 4]))
    with pytest.raises(ValueError, match=match):
        samplers.nuts(ld, progressbar=False, **kwargs)
