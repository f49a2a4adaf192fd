"""NUTS and HMC against exact conjugate posteriors: each posterior mean and variance must lie
within 4.5 Monte Carlo standard errors (estimated from the run's own ESS) of the exact value."""
import warnings

import arviz as az
import numpy as np
import pytest
from scipy import stats

import ppl
import ppl.distributions as dist
import samplers

RNG = np.random.default_rng(20261204)


def _mcse_checks(draws, mean, var, label):
    """draws (chain, draw); fail when mean or variance is off by more than 4.5 MCSE."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ess = float(np.ravel(az.ess(draws, method="mean"))[0])
        dev2 = (draws - draws.mean()) ** 2
        ess2 = float(np.ravel(az.ess(dev2, method="mean"))[0])
    est_var = draws.var()
    mcse_mean = np.sqrt(est_var / ess)
    mcse_var = np.sqrt(dev2.var() / ess2)
    assert abs(draws.mean() - mean) < 4.5 * mcse_mean, \
        f"{label}: mean {draws.mean()} vs exact {mean} (mcse {mcse_mean})"
    assert abs(est_var - var) < 4.5 * mcse_var, f"{label}: variance {est_var} vs exact {var} (mcse {mcse_var})"


def normal_normal(y, sigma):
    mu = ppl.sample("mu", dist.Normal(1.0, 2.0))
    ppl.sample("y", dist.Normal(mu, sigma), obs=y)


def beta_binomial(k, n):
    p = ppl.sample("p", dist.Beta(2.0, 3.0))
    ppl.sample("k", dist.Binomial(total_count=n, probs=p), obs=k)


def gamma_poisson(y):
    lam = ppl.sample("lam", dist.Gamma(3.0, 0.5))
    ppl.sample("y", dist.Poisson(lam), obs=y)


def linear_regression(X, y, sigma, tau):
    beta = ppl.sample("beta", dist.Normal(0.0, tau).expand((X.shape[1],)))
    ppl.sample("y", dist.Normal(X @ beta, sigma), obs=y)


def correlated_gaussian(scale_tril):
    ppl.sample("x", dist.MultivariateNormal(np.zeros(scale_tril.shape[0]), scale_tril=scale_tril))


def _run(ld, **kw):
    kw = dict(draws=1000, tune=1000, chains=4, seed=1, progressbar=False) | kw
    return samplers.nuts(ld, **kw)


@pytest.mark.parametrize("sampler", ["nuts", "hmc"])
def test_normal_normal(sampler):
    y = RNG.normal(3.0, 1.5, size=20)
    prec = 1 / 2.0 ** 2 + len(y) / 1.5 ** 2
    mean = (1.0 / 2.0 ** 2 + y.sum() / 1.5 ** 2) / prec
    ld = ppl.log_density(normal_normal, y=y, sigma=1.5)
    run = samplers.nuts if sampler == "nuts" else samplers.hmc
    idata = run(ld, draws=1000, tune=1000, chains=4, seed=2, progressbar=False)
    _mcse_checks(np.asarray(idata.posterior["mu"]), mean, 1 / prec, sampler)


def test_beta_binomial():
    idata = _run(ppl.log_density(beta_binomial, 7, 30))
    post = stats.beta(2.0 + 7, 3.0 + 23)
    _mcse_checks(np.asarray(idata.posterior["p"]), post.mean(), post.var(), "p")


def test_gamma_poisson():
    y = RNG.poisson(4.0, size=15)
    idata = _run(ppl.log_density(gamma_poisson, y))
    post = stats.gamma(3.0 + y.sum(), scale=1 / (0.5 + len(y)))
    _mcse_checks(np.asarray(idata.posterior["lam"]), post.mean(), post.var(), "lam")


def test_linear_regression_known_noise():
    X = RNG.normal(size=(50, 3))
    X[:, 2] = X[:, 1] + 0.3 * X[:, 2]  # correlated coefficients
    y = X @ np.array([1.0, -2.0, 0.5]) + RNG.normal(0, 0.8, 50)
    cov = np.linalg.inv(X.T @ X / 0.8 ** 2 + np.eye(3) / 3.0 ** 2)
    mean = cov @ X.T @ y / 0.8 ** 2
    idata = _run(ppl.log_density(linear_regression, X, y, 0.8, 3.0))
    beta = np.asarray(idata.posterior["beta"])
    for j in range(3):
        _mcse_checks(beta[..., j], mean[j], cov[j, j], f"beta[{j}]")


@pytest.mark.parametrize("mass", ["dense", "diag"])
def test_correlated_gaussian_100d(mass):
    d = 100
    q, _ = np.linalg.qr(np.random.default_rng(3).normal(size=(d, d)))
    cov = q @ np.diag(np.geomspace(1.0, 100.0, d)) @ q.T  # condition number 100
    ld = ppl.log_density(correlated_gaussian, np.linalg.cholesky(cov))
    idata = _run(ld, mass=mass, seed=4)
    x = np.asarray(idata.posterior["x"])
    for j in (0, 37, 99):
        _mcse_checks(x[..., j], 0.0, cov[j, j], f"x[{j}] ({mass})")
    # the whole covariance: relative Frobenius error of the estimate is small
    est = np.cov(x.reshape(-1, d).T)
    assert np.linalg.norm(est - cov) / np.linalg.norm(cov) < 0.2
