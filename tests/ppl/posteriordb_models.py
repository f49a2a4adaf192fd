"""The posteriordb reference programs (``/work/shared/posteriordb/*/model.stan``) translated into our DSL.

Each posterior is one ``Posterior`` row of ``POSTERIORS``, with these pieces:

* ``model(**data)``: the Stan program as a DSL model. Sites carry the Stan parameter names;
  transformed parameters that the posteriordb reference reports (``theta`` in the
  non-centred eight schools, ``f`` in gp_pois_regr) are ``ppl.deterministic`` sites.
* ``data(raw)``: ``data.json`` (a dict of lists) -> keyword arguments of ``model``: numpy
  arrays and Stan's ``transformed data`` block computed here (no program in this set indexes
  with data; nes's 1-based age codes are only compared with 2, 3, 4 to build dummies).
* ``direct(v, raw)``: the same log density written independently, from the Stan text, in the
  constrained space with numpy / scipy.stats (Stan loops kept as loops where they are cheap).
  Stan's ``~`` drops constants and our distributions are normalised, so the two agree up to
  an additive constant, the same at every point.
* ``log_jac(v, raw)``: log|det J| of Stan's constraining transforms, at constrained values
  ``v``, in numpy (what ``ld.logp(x) - ld.logp(x, jacobian=False)`` must be).
* ``from_stan(ref, raw)``: a reference draw (a dict ``"theta[3]" -> float``) -> the latent
  site values of ``model``.

Stan's implicit priors.  A parameter without a ``~`` statement has a flat density on its
support: ``Flat`` (real), ``HalfFlat`` (``<lower=0>``), ``ImproperUniform(interval)``
(bounded), ``ImproperUniform(simplex)`` (a simplex: the same as ``Dirichlet(ones)`` up to a
constant; we use ImproperUniform to mirror Stan literally).  A bound that depends on another
parameter (garch's ``beta1 < 1 - alpha1``) must stay an ImproperUniform with that interval:
``Uniform(0, 1 - alpha1)`` would add ``-log(1 - alpha1)``, which is not constant, and would
change the posterior.  ``target += lpdf(param | ...)`` on a constrained parameter (the HMMs'
``positive_ordered`` means) is a proper distribution at a site with ``transform=``; the
density is not renormalised over the constrained set, exactly as in Stan.

lotka_volterra's ``integrate_ode_rk45`` becomes a fixed-step classical RK4 inside ``ad.scan``
(``LV_SUBSTEPS`` steps per year); its row is tested near the reference draws only (see
``Posterior.points``).
"""
import json
import os
import re
from typing import Callable, NamedTuple

import numpy as np
from scipy import integrate, special as sp, stats

import autodiff as ad
import autodiff.numpy as anp
import ppl
import ppl.distributions as dist
from autodiff.scipy.special import logsumexp
from ppl.bijectors import Exp, Ordered, PositiveOrdered
from ppl.distributions import constraints

def _find_posteriordb():
    """shared/posteriordb beside the repository (as CI lays it out), or NUMBAYES_POSTERIORDB."""
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.environ.get("NUMBAYES_POSTERIORDB", ""),
                  os.path.join(here, "..", "..", "..", "shared", "posteriordb"), "/work/shared/posteriordb"]
    for path in candidates:
        if path and os.path.isdir(path):
            return os.path.abspath(path)
    raise FileNotFoundError("posteriordb not found: put shared/posteriordb beside the repository or set "
                            "NUMBAYES_POSTERIORDB")


ROOT = _find_posteriordb()


# =============================================================================================
# helpers shared by the rows


def load_raw(name):
    """(data.json dict, reference names, draws[chains * draws, P], summary means[P]) of one posterior."""
    with open(os.path.join(ROOT, name, "data.json")) as f:
        raw = json.load(f)
    with np.load(os.path.join(ROOT, name, "reference.npz"), allow_pickle=False) as z:
        names = [str(s) for s in z["names"]]
        draws = z["draws"].reshape(-1, len(names))
        means = np.asarray(z["mean"], dtype=float)
    return raw, names, draws, means


def group_stan_names(flat):
    """{"theta[1]": a, "theta[2]": b, "mu": c} -> {"theta": array([a, b]), "mu": c} (1-based -> 0-based)."""
    out, shapes = {}, {}
    for key, val in flat.items():
        m = re.fullmatch(r"(\w+)\[([\d,]+)\]", key)
        if m is None:
            out[key] = float(val)
            continue
        idx = tuple(int(i) - 1 for i in m.group(2).split(","))
        out.setdefault(m.group(1), {})[idx] = float(val)
        shapes[m.group(1)] = tuple(max(a, b + 1) for a, b in zip(shapes.get(m.group(1), (0,) * len(idx)), idx))
    for name, shape in shapes.items():
        arr = np.full(shape, np.nan)
        for idx, val in out[name].items():
            arr[idx] = val
        out[name] = arr
    return out


def as_draw(names, row):
    return dict(zip(names, row))


def _f(x):
    return np.asarray(x, dtype=float)


# log|det J| of Stan's transforms, written from the constrained value (numpy only)

def jac_lower0(y):
    """<lower=0>: y = exp(x), dy/dx = y."""
    return float(np.sum(np.log(y)))


def jac_interval(y, lo, hi):
    """<lower=lo, upper=hi>: y = lo + (hi - lo) logistic(x), dy/dx = (y - lo)(hi - y) / (hi - lo)."""
    return float(np.sum(np.log((y - lo) * (hi - y) / (hi - lo))))


def jac_ordered(y):
    """ordered: y_k = y_{k-1} + exp(x_k), so the triangular Jacobian's diagonal is 1, y_2 - y_1, ..."""
    return float(np.sum(np.log(np.diff(y))))


def jac_positive_ordered(y):
    """positive_ordered: y_1 = exp(x_1), y_k = y_{k-1} + exp(x_k)."""
    return float(np.log(y[0]) + np.sum(np.log(np.diff(y))))


def jac_simplex(y):
    """Stan's stick-breaking simplex of K values from K - 1 free ones.

    y_k = stick_k z_k with stick_k = 1 - sum_{j<k} y_j and z_k = logistic(x_k - log(K - 1 - k)):
    the Jacobian of x -> y[:-1] is triangular with diagonal stick_k z_k (1 - z_k).
    """
    total = 0.0
    stick = 1.0
    for k in range(len(y) - 1):
        z = y[k] / stick
        total += np.log(stick) + np.log(z) + np.log1p(-z)
        stick -= y[k]
    return float(total)


def normal_lp(y, mu, sigma):
    return float(np.sum(stats.norm.logpdf(y, mu, sigma)))


# =============================================================================================
# eight_schools: centred and non-centred


def eight_schools_data(raw):
    return dict(y=_f(raw["y"]), sigma=_f(raw["sigma"]))


def eight_schools_centered(y, sigma):
    # Stan's parameters block order is theta, mu, tau; theta's prior needs mu and tau first.
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    tau = ppl.sample("tau", dist.HalfCauchy(5.0))
    theta = ppl.sample("theta", dist.Normal(mu, tau).expand((len(y),)))
    ppl.sample("y", dist.Normal(theta, sigma), obs=y)


def eight_schools_centered_direct(v, raw):
    y, sigma = _f(raw["y"]), _f(raw["sigma"])
    return (stats.cauchy.logpdf(v["tau"], 0, 5) + normal_lp(v["theta"], v["mu"], v["tau"])
            + normal_lp(y, v["theta"], sigma) + stats.norm.logpdf(v["mu"], 0, 5))


def eight_schools_noncentered(y, sigma):
    theta_trans = ppl.sample("theta_trans", dist.Normal(0.0, 1.0).expand((len(y),)))
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    tau = ppl.sample("tau", dist.HalfCauchy(5.0))
    theta = ppl.deterministic("theta", theta_trans * tau + mu)
    ppl.sample("y", dist.Normal(theta, sigma), obs=y)


def eight_schools_noncentered_direct(v, raw):
    y, sigma = _f(raw["y"]), _f(raw["sigma"])
    theta = v["theta_trans"] * v["tau"] + v["mu"]
    return (normal_lp(v["theta_trans"], 0, 1) + normal_lp(y, theta, sigma) + stats.norm.logpdf(v["mu"], 0, 5)
            + stats.cauchy.logpdf(v["tau"], 0, 5))


def eight_schools_noncentered_from_stan(ref, raw):
    g = group_stan_names(ref)
    return {"theta_trans": (g["theta"] - g["mu"]) / g["tau"], "mu": g["mu"], "tau": g["tau"]}


# =============================================================================================
# low_dim_gauss_mix: a two-component normal mixture with log_mix


def gauss_mix_data(raw):
    return dict(y=_f(raw["y"]))


def low_dim_gauss_mix(y):
    mu = ppl.sample("mu", dist.Normal(0.0, 2.0).expand((2,)), transform=Ordered())
    sigma = ppl.sample("sigma", dist.HalfNormal(2.0).expand((2,)))
    theta = ppl.sample("theta", dist.Beta(5.0, 5.0))
    # log_mix(theta, lp1, lp2) = log(theta exp(lp1) + (1 - theta) exp(lp2)), per observation
    mixing = dist.CategoricalProbs(anp.stack([theta, 1.0 - theta]))
    ppl.sample("y", dist.MixtureSameFamily(mixing, dist.Normal(mu, sigma)), obs=y)


def low_dim_gauss_mix_direct(v, raw):
    y = _f(raw["y"])
    mu, sigma, theta = v["mu"], v["sigma"], v["theta"]
    lp = normal_lp(sigma, 0, 2) + normal_lp(mu, 0, 2) + stats.beta.logpdf(theta, 5, 5)
    # for (n in 1:N) target += log_mix(theta, normal_lpdf(y[n] | mu[1], sigma[1]), normal_lpdf(y[n] | mu[2], sigma[2]))
    log_mix = np.logaddexp(np.log(theta) + stats.norm.logpdf(y, mu[0], sigma[0]),
                           np.log1p(-theta) + stats.norm.logpdf(y, mu[1], sigma[1]))
    return lp + float(np.sum(log_mix))


def low_dim_gauss_mix_jac(v, raw):
    return jac_ordered(v["mu"]) + jac_lower0(v["sigma"]) + jac_interval(v["theta"], 0.0, 1.0)


# =============================================================================================
# HMMs: the forward algorithm with ad.scan and logsumexp


def _forward(log_theta, log_emit):
    """log p(observations) for transition matrix exp(log_theta) (rows: from) and log_emit[t, k]."""

    def step(gamma, emit_t):
        # gamma[t, k] = log_sum_exp_j(gamma[t-1, j] + log theta[j, k]) + emission[t, k]
        new = logsumexp(gamma[:, None] + log_theta, axis=0) + emit_t
        return new, None

    gamma, _ = ad.scan(step, log_emit[0], log_emit[1:])
    return logsumexp(gamma)


def hmm_example_data(raw):
    return dict(y=_f(raw["y"]), K=int(raw["K"]))


def hmm_example(y, K):
    theta1 = ppl.sample("theta1", dist.ImproperUniform(constraints.simplex, (), (K,)))
    theta2 = ppl.sample("theta2", dist.ImproperUniform(constraints.simplex, (), (K,)))
    # target += normal_lpdf(mu[1] | 3, 1) + normal_lpdf(mu[2] | 10, 1) on a positive_ordered mu
    mu = ppl.sample("mu", dist.Normal(np.array([3.0, 10.0]), 1.0), transform=PositiveOrdered())
    theta = ppl.deterministic("theta", anp.stack([theta1, theta2]))
    log_emit = dist.Normal(mu, 1.0).log_prob(y[:, None])  # [N, K]
    ppl.factor("forward", _forward(anp.log(theta), log_emit))


def hmm_example_direct(v, raw):
    y, K = _f(raw["y"]), int(raw["K"])
    theta = np.stack([v["theta1"], v["theta2"]])
    mu = v["mu"]
    lp = stats.norm.logpdf(mu[0], 3, 1) + stats.norm.logpdf(mu[1], 10, 1)
    emit = stats.norm.logpdf(y[:, None], mu[None, :], 1)
    gamma = np.zeros((len(y), K))
    gamma[0] = emit[0]
    for t in range(1, len(y)):
        for k in range(K):
            acc = [gamma[t - 1, j] + np.log(theta[j, k]) + emit[t, k] for j in range(K)]
            gamma[t, k] = sp.logsumexp(acc)
    return lp + sp.logsumexp(gamma[-1])


def hmm_example_jac(v, raw):
    return jac_simplex(v["theta1"]) + jac_simplex(v["theta2"]) + jac_positive_ordered(v["mu"])


def hmm_drive_data(raw):
    return dict(u=_f(raw["u"]), v=_f(raw["v"]), alpha=_f(raw["alpha"]), K=int(raw["K"]))


def hmm_drive_0(u, v, alpha, K):
    theta1 = ppl.sample("theta1", dist.Dirichlet(alpha[0]))
    theta2 = ppl.sample("theta2", dist.Dirichlet(alpha[1]))
    phi = ppl.sample("phi", dist.Normal(np.array([0.0, 3.0]), 1.0), transform=PositiveOrdered())
    lam = ppl.sample("lambda", dist.Normal(np.array([0.0, 3.0]), 1.0), transform=PositiveOrdered())
    theta = ppl.deterministic("theta", anp.stack([theta1, theta2]))
    log_emit = dist.Exponential(phi).log_prob(u[:, None]) + dist.Exponential(lam).log_prob(v[:, None])
    ppl.factor("forward", _forward(anp.log(theta), log_emit))


def hmm_drive_0_direct(vals, raw):
    u, v, alpha, K = _f(raw["u"]), _f(raw["v"]), _f(raw["alpha"]), int(raw["K"])
    theta = np.stack([vals["theta1"], vals["theta2"]])
    phi, lam = vals["phi"], vals["lambda"]
    lp = sum(stats.dirichlet.logpdf(theta[k], alpha[k]) for k in range(K))
    lp += stats.norm.logpdf(phi[0], 0, 1) + stats.norm.logpdf(phi[1], 3, 1)
    lp += stats.norm.logpdf(lam[0], 0, 1) + stats.norm.logpdf(lam[1], 3, 1)
    emit = (stats.expon.logpdf(u[:, None], scale=1 / phi[None, :])
            + stats.expon.logpdf(v[:, None], scale=1 / lam[None, :]))
    gamma = np.zeros((len(u), K))
    gamma[0] = emit[0]
    for t in range(1, len(u)):
        for k in range(K):
            acc = [gamma[t - 1, j] + np.log(theta[j, k]) + emit[t, k] for j in range(K)]
            gamma[t, k] = sp.logsumexp(acc)
    return lp + sp.logsumexp(gamma[-1])


def hmm_drive_0_jac(v, raw):
    return (jac_simplex(v["theta1"]) + jac_simplex(v["theta2"]) + jac_positive_ordered(v["phi"])
            + jac_positive_ordered(v["lambda"]))


# =============================================================================================
# time series: garch11, arK, arma11


def garch_data(raw):
    return dict(y=_f(raw["y"]), sigma1=float(raw["sigma1"]))


def garch11(y, sigma1):
    mu = ppl.sample("mu", dist.Flat())
    alpha0 = ppl.sample("alpha0", dist.HalfFlat())
    alpha1 = ppl.sample("alpha1", dist.ImproperUniform(constraints.unit_interval))
    # real<lower=0, upper=(1 - alpha1)>: flat on a parameter-dependent interval (NOT Uniform, see module doc)
    beta1 = ppl.sample("beta1", dist.ImproperUniform(constraints.interval(0.0, 1.0 - alpha1)))

    def step(sigma2_prev, y_prev):
        sigma2 = alpha0 + alpha1 * anp.square(y_prev - mu) + beta1 * sigma2_prev
        return sigma2, sigma2

    _, sigma2 = ad.scan(step, anp.asarray(sigma1 ** 2), y[:-1])
    sigma = anp.concatenate([anp.asarray([sigma1]), anp.sqrt(sigma2)])
    ppl.sample("y", dist.Normal(mu, sigma), obs=y)


def garch11_direct(v, raw):
    y, sigma1 = _f(raw["y"]), float(raw["sigma1"])
    mu, alpha0, alpha1, beta1 = v["mu"], v["alpha0"], v["alpha1"], v["beta1"]
    sigma = np.zeros(len(y))
    sigma[0] = sigma1
    for t in range(1, len(y)):
        sigma[t] = np.sqrt(alpha0 + alpha1 * (y[t - 1] - mu) ** 2 + beta1 * sigma[t - 1] ** 2)
    return normal_lp(y, mu, sigma)


def garch11_jac(v, raw):
    return (jac_lower0(v["alpha0"]) + jac_interval(v["alpha1"], 0.0, 1.0)
            + jac_interval(v["beta1"], 0.0, 1.0 - v["alpha1"]))


def ark_data(raw):
    K, y = int(raw["K"]), _f(raw["y"])
    T = len(y)
    # lags[t - K, k - 1] = y[t - k] (0-based t = K .. T-1): Stan's inner loop as a matrix
    lags = np.stack([y[K - k:T - k] for k in range(1, K + 1)], axis=1)
    return dict(y=y, K=K, lags=lags)


def arK(y, K, lags):
    alpha = ppl.sample("alpha", dist.Normal(0.0, 10.0))
    beta = ppl.sample("beta", dist.Normal(0.0, 10.0).expand((K,)))
    sigma = ppl.sample("sigma", dist.HalfCauchy(2.5))
    ppl.sample("y", dist.Normal(alpha + lags @ beta, sigma), obs=y[K:])


def arK_direct(v, raw):
    K, y = int(raw["K"]), _f(raw["y"])
    alpha, beta, sigma = v["alpha"], v["beta"], v["sigma"]
    lp = stats.norm.logpdf(alpha, 0, 10) + normal_lp(beta, 0, 10) + stats.cauchy.logpdf(sigma, 0, 2.5)
    for t in range(K, len(y)):
        mu = alpha
        for k in range(1, K + 1):
            mu = mu + beta[k - 1] * y[t - k]
        lp += stats.norm.logpdf(y[t], mu, sigma)
    return lp


def arma_data(raw):
    return dict(y=_f(raw["y"]))


def arma11(y):
    mu = ppl.sample("mu", dist.Normal(0.0, 10.0))
    phi = ppl.sample("phi", dist.Normal(0.0, 2.0))
    theta = ppl.sample("theta", dist.Normal(0.0, 2.0))
    sigma = ppl.sample("sigma", dist.HalfCauchy(2.5))

    def step(nu_prev, y_prev):
        nu = mu + phi * y_prev + theta * (y_prev - nu_prev)  # err[t-1] = y[t-1] - nu[t-1]
        return nu, nu

    nu1 = mu + phi * mu  # assume err[0] == 0
    _, nus = ad.scan(step, nu1, y[:-1])
    nu = anp.concatenate([anp.reshape(nu1, (1,)), nus])
    # err ~ normal(0, sigma) with err = y - nu is y ~ normal(nu, sigma)
    ppl.sample("y", dist.Normal(nu, sigma), obs=y)


def arma11_direct(v, raw):
    y = _f(raw["y"])
    mu, phi, theta, sigma = v["mu"], v["phi"], v["theta"], v["sigma"]
    T = len(y)
    nu, err = np.zeros(T), np.zeros(T)
    nu[0] = mu + phi * mu
    err[0] = y[0] - nu[0]
    for t in range(1, T):
        nu[t] = mu + phi * y[t - 1] + theta * err[t - 1]
        err[t] = y[t] - nu[t]
    return (stats.norm.logpdf(mu, 0, 10) + stats.norm.logpdf(phi, 0, 2) + stats.norm.logpdf(theta, 0, 2)
            + stats.cauchy.logpdf(sigma, 0, 2.5) + normal_lp(err, 0, sigma))


# =============================================================================================
# Gaussian processes


def _exp_quad(x, alpha, rho):
    """Stan's gp_exp_quad_cov: alpha^2 exp(-(x_i - x_j)^2 / (2 rho^2))."""
    d2 = anp.square(x[:, None] - x[None, :])
    return anp.square(alpha) * anp.exp(-0.5 * d2 / anp.square(rho))


def gp_data(raw):
    return dict(x=_f(raw["x"]), k=np.asarray(raw["k"], dtype=np.int64), y=_f(raw["y"]))


def gp_pois_regr(x, k, y=None):
    rho = ppl.sample("rho", dist.Gamma(25.0, 4.0))
    alpha = ppl.sample("alpha", dist.HalfNormal(2.0))
    f_tilde = ppl.sample("f_tilde", dist.Normal(0.0, 1.0).expand((len(x),)))
    cov = _exp_quad(x, alpha, rho) + 1e-10 * np.eye(len(x))
    f = ppl.deterministic("f", anp.linalg.cholesky(cov) @ f_tilde)
    ppl.sample("k", dist.Poisson(anp.exp(f)), obs=k)  # poisson_log(f)


def _np_exp_quad(x, alpha, rho):
    return alpha ** 2 * np.exp(-((x[:, None] - x[None, :]) ** 2) / (2 * rho ** 2))


def gp_pois_regr_direct(v, raw):
    x, k = _f(raw["x"]), np.asarray(raw["k"])
    cov = _np_exp_quad(x, v["alpha"], v["rho"]) + 1e-10 * np.eye(len(x))
    f = np.linalg.cholesky(cov) @ v["f_tilde"]
    return (stats.gamma.logpdf(v["rho"], 25, scale=1 / 4) + stats.norm.logpdf(v["alpha"], 0, 2)
            + normal_lp(v["f_tilde"], 0, 1) + float(np.sum(stats.poisson.logpmf(k, np.exp(f)))))


def gp_pois_regr_from_stan(ref, raw):
    g = group_stan_names(ref)
    x = _f(raw["x"])
    L = np.linalg.cholesky(_np_exp_quad(x, g["alpha"], g["rho"]) + 1e-10 * np.eye(len(x)))
    return {"rho": g["rho"], "alpha": g["alpha"], "f_tilde": np.linalg.solve(L, g["f"])}


def gp_regr_data(raw):
    return dict(x=_f(raw["x"]), y=_f(raw["y"]))


def gp_regr(x, y):
    rho = ppl.sample("rho", dist.Gamma(25.0, 4.0))
    alpha = ppl.sample("alpha", dist.HalfNormal(2.0))
    sigma = ppl.sample("sigma", dist.HalfNormal(1.0))
    cov = _exp_quad(x, alpha, rho) + sigma * np.eye(len(x))  # sigma, not sigma^2: literal translation
    ppl.sample("y", dist.MultivariateNormal(np.zeros(len(x)), scale_tril=anp.linalg.cholesky(cov)), obs=y)


def gp_regr_direct(v, raw):
    x, y = _f(raw["x"]), _f(raw["y"])
    cov = _np_exp_quad(x, v["alpha"], v["rho"]) + v["sigma"] * np.eye(len(x))
    return (stats.gamma.logpdf(v["rho"], 25, scale=1 / 4) + stats.norm.logpdf(v["alpha"], 0, 2)
            + stats.norm.logpdf(v["sigma"], 0, 1) + stats.multivariate_normal.logpdf(y, np.zeros(len(x)), cov))


# =============================================================================================
# regressions


def diamonds_data(raw):
    X = _f(raw["X"])
    means_X = X[:, 1:].mean(axis=0)
    return dict(Y=_f(raw["Y"]), Xc=X[:, 1:] - means_X, means_X=means_X, prior_only=bool(raw["prior_only"]))


def diamonds(Y, Xc, means_X, prior_only):
    b = ppl.sample("b", dist.Normal(0.0, 1.0).expand((Xc.shape[1],)))
    intercept = ppl.sample("Intercept", dist.StudentT(3.0, 8.0, 10.0))
    # student_t_lpdf(sigma | 3, 0, 10) - student_t_lccdf(0 | 3, 0, 10): the half-t, normalised
    sigma = ppl.sample("sigma", dist.HalfStudentT(3.0, 10.0))
    if not prior_only:
        ppl.sample("Y", dist.Normal(intercept + Xc @ b, sigma), obs=Y)  # normal_id_glm_lpdf
    ppl.deterministic("b_Intercept", intercept - anp.dot(means_X, b))  # generated quantity


def diamonds_direct(v, raw):
    X, Y = _f(raw["X"]), _f(raw["Y"])
    K = int(raw["K"])
    Xc = np.empty((X.shape[0], K - 1))
    for i in range(1, K):
        Xc[:, i - 1] = X[:, i] - np.mean(X[:, i])
    lp = normal_lp(v["b"], 0, 1) + stats.t.logpdf(v["Intercept"], 3, 8, 10)
    lp += stats.t.logpdf(v["sigma"], 3, 0, 10) - stats.t.logsf(0, 3, 0, 10)
    if not raw["prior_only"]:
        lp += normal_lp(Y, v["Intercept"] + Xc @ v["b"], v["sigma"])
    return lp


def dogs_data(raw):
    y = np.asarray(raw["y"], dtype=np.int64)
    n_dogs, n_trials = y.shape
    # Stan's transformed parameters n_avoid / n_shock depend on the data only
    n_avoid = np.zeros((n_dogs, n_trials))
    n_shock = np.zeros((n_dogs, n_trials))
    n_avoid[:, 1:] = np.cumsum(1 - y[:, :-1], axis=1)
    n_shock[:, 1:] = np.cumsum(y[:, :-1], axis=1)
    return dict(y=y, n_avoid=n_avoid, n_shock=n_shock)


def dogs(y, n_avoid, n_shock):
    beta = ppl.sample("beta", dist.Normal(0.0, 100.0).expand((3,)))
    p = beta[0] + beta[1] * n_avoid + beta[2] * n_shock
    ppl.sample("y", dist.BernoulliLogits(p), obs=y)


def dogs_direct(v, raw):
    y = np.asarray(raw["y"])
    n_dogs, n_trials = int(raw["n_dogs"]), int(raw["n_trials"])
    beta = v["beta"]
    lp = normal_lp(beta, 0, 100)
    for j in range(n_dogs):
        n_avoid = n_shock = 0.0
        for t in range(n_trials):
            if t > 0:
                n_avoid += 1 - y[j, t - 1]
                n_shock += y[j, t - 1]
            p = beta[0] + beta[1] * n_avoid + beta[2] * n_shock
            # bernoulli_logit: log P(y = 1) = log expit(p), log P(y = 0) = log expit(-p)
            lp += sp.log_expit(p) if y[j, t] == 1 else sp.log_expit(-p)
    return float(lp)


def logearn_height_data(raw):
    return dict(log_earn=np.log(_f(raw["earn"])), height=_f(raw["height"]))


def logearn_height(log_earn, height):
    beta = ppl.sample("beta", dist.Flat((2,)))
    sigma = ppl.sample("sigma", dist.HalfFlat())
    ppl.sample("log_earn", dist.Normal(beta[0] + beta[1] * height, sigma), obs=log_earn)


def logearn_height_direct(v, raw):
    log_earn, height = np.log(_f(raw["earn"])), _f(raw["height"])
    return normal_lp(log_earn, v["beta"][0] + v["beta"][1] * height, v["sigma"])


def logearn_interaction_z_data(raw):
    height, male = _f(raw["height"]), _f(raw["male"])
    z_height = (height - height.mean()) / height.std(ddof=1)  # Stan's sd divides by N - 1
    return dict(log_earn=np.log(_f(raw["earn"])), z_height=z_height, male=male, inter=z_height * male)


def logearn_interaction_z(log_earn, z_height, male, inter):
    beta = ppl.sample("beta", dist.Flat((4,)))
    sigma = ppl.sample("sigma", dist.HalfFlat())
    mu = beta[0] + beta[1] * z_height + beta[2] * male + beta[3] * inter
    ppl.sample("log_earn", dist.Normal(mu, sigma), obs=log_earn)


def logearn_interaction_z_direct(v, raw):
    height, male = _f(raw["height"]), _f(raw["male"])
    n = len(height)
    sd = np.sqrt(np.sum((height - np.sum(height) / n) ** 2) / (n - 1))
    z = (height - np.sum(height) / n) / sd
    b = v["beta"]
    return normal_lp(np.log(_f(raw["earn"])), b[0] + b[1] * z + b[2] * male + b[3] * z * male, v["sigma"])


def kidiq_data(raw):
    mom_hs, mom_iq = _f(raw["mom_hs"]), _f(raw["mom_iq"])
    return dict(kid_score=_f(raw["kid_score"]), mom_hs=mom_hs, mom_iq=mom_iq, inter=mom_hs * mom_iq)


def kidscore_interaction(kid_score, mom_hs, mom_iq, inter):
    beta = ppl.sample("beta", dist.Flat((4,)))
    sigma = ppl.sample("sigma", dist.HalfCauchy(2.5))
    mu = beta[0] + beta[1] * mom_hs + beta[2] * mom_iq + beta[3] * inter
    ppl.sample("kid_score", dist.Normal(mu, sigma), obs=kid_score)


def kidscore_interaction_direct(v, raw):
    hs, iq, b = _f(raw["mom_hs"]), _f(raw["mom_iq"]), v["beta"]
    return (stats.cauchy.logpdf(v["sigma"], 0, 2.5)
            + normal_lp(_f(raw["kid_score"]), b[0] + b[1] * hs + b[2] * iq + b[3] * hs * iq, v["sigma"]))


def kilpisjarvi_data(raw):
    return dict(x=_f(raw["x"]), y=_f(raw["y"]), pmualpha=float(raw["pmualpha"]), psalpha=float(raw["psalpha"]),
                pmubeta=float(raw["pmubeta"]), psbeta=float(raw["psbeta"]))


def kilpisjarvi(x, y, pmualpha, psalpha, pmubeta, psbeta):
    alpha = ppl.sample("alpha", dist.Normal(pmualpha, psalpha))
    beta = ppl.sample("beta", dist.Normal(pmubeta, psbeta))
    sigma = ppl.sample("sigma", dist.HalfFlat())
    ppl.sample("y", dist.Normal(alpha + beta * x, sigma), obs=y)


def kilpisjarvi_direct(v, raw):
    return (stats.norm.logpdf(v["alpha"], raw["pmualpha"], raw["psalpha"])
            + stats.norm.logpdf(v["beta"], raw["pmubeta"], raw["psbeta"])
            + normal_lp(_f(raw["y"]), v["alpha"] + v["beta"] * _f(raw["x"]), v["sigma"]))


def mesquite_data(raw):
    d = {k: _f(raw[k]) for k in ("weight", "diam1", "diam2", "canopy_height", "total_height", "density", "group")}
    X = np.stack([np.ones_like(d["weight"]), np.log(d["diam1"] * d["diam2"] * d["canopy_height"]),
                  np.log(d["diam1"] * d["diam2"]), np.log(d["diam1"] / d["diam2"]), np.log(d["total_height"]),
                  np.log(d["density"]), d["group"]], axis=1)
    return dict(log_weight=np.log(d["weight"]), X=X)


def logmesquite_logvas(log_weight, X):
    beta = ppl.sample("beta", dist.Flat((7,)))
    sigma = ppl.sample("sigma", dist.HalfFlat())
    ppl.sample("log_weight", dist.Normal(X @ beta, sigma), obs=log_weight)


def logmesquite_logvas_direct(v, raw):
    r = {k: _f(x) for k, x in raw.items() if k != "N"}
    b = v["beta"]
    mu = (b[0] + b[1] * np.log(r["diam1"] * r["diam2"] * r["canopy_height"]) + b[2] * np.log(r["diam1"] * r["diam2"])
          + b[3] * np.log(r["diam1"] / r["diam2"]) + b[4] * np.log(r["total_height"]) + b[5] * np.log(r["density"])
          + b[6] * r["group"])
    return normal_lp(np.log(r["weight"]), mu, v["sigma"])


def nes_data(raw):
    age = np.asarray(raw["age_discrete"], dtype=np.int64)  # Stan codes 1..4; 1 is the baseline
    cols = [np.ones(len(age)), _f(raw["real_ideo"]), _f(raw["race_adj"]), (age == 2) * 1.0, (age == 3) * 1.0,
            (age == 4) * 1.0, _f(raw["educ1"]), _f(raw["gender"]), _f(raw["income"])]
    return dict(partyid7=_f(raw["partyid7"]), X=np.stack(cols, axis=1))


def nes(partyid7, X):
    beta = ppl.sample("beta", dist.Flat((9,)))
    sigma = ppl.sample("sigma", dist.HalfFlat())
    ppl.sample("partyid7", dist.Normal(X @ beta, sigma), obs=partyid7)


def nes_direct(v, raw):
    b = v["beta"]
    age = np.asarray(raw["age_discrete"])
    mu = np.array([b[0] + b[1] * raw["real_ideo"][n] + b[2] * raw["race_adj"][n] + b[3] * (age[n] == 2)
                   + b[4] * (age[n] == 3) + b[5] * (age[n] == 4) + b[6] * raw["educ1"][n]
                   + b[7] * raw["gender"][n] + b[8] * raw["income"][n] for n in range(len(age))])
    return normal_lp(_f(raw["partyid7"]), mu, v["sigma"])


def blr_data(raw):
    return dict(X=_f(raw["X"]), y=_f(raw["y"]))


def blr(X, y):
    beta = ppl.sample("beta", dist.Normal(0.0, 10.0).expand((X.shape[1],)))
    sigma = ppl.sample("sigma", dist.HalfNormal(10.0))  # target += normal_lpdf(sigma | 0, 10), sigma > 0
    ppl.sample("y", dist.Normal(X @ beta, sigma), obs=y)


def blr_direct(v, raw):
    X, y = _f(raw["X"]), _f(raw["y"])
    return normal_lp(v["beta"], 0, 10) + stats.norm.logpdf(v["sigma"], 0, 10) + normal_lp(y, X @ v["beta"], v["sigma"])


# =============================================================================================
# lotka_volterra: integrate_ode_rk45 replaced by a fixed-step classical RK4 in ad.scan

# RK4 steps per unit of time (the observations are one year apart). Near the posterior, 50 steps give
# logp within ~5e-7 (relative 3e-9) of DOP853 at rtol 1e-12, far closer than Stan's own rk45 at
# rtol 1e-5 / atol 1e-3. Each step costs ~40 primitive calls when the model runs eagerly
# (ld.constrain, the initial-point search), so the count is kept small.
LV_SUBSTEPS = 50


def _lv_rhs(z, theta):
    u, v = z[0], z[1]
    return anp.stack([(theta[0] - theta[1] * v) * u, (-theta[2] + theta[3] * u) * v])


def lotka_volterra_data(raw):
    ts = _f(raw["ts"])
    if not np.array_equal(ts, np.arange(1, len(ts) + 1)):
        raise ValueError("the fixed-step solver assumes ts = 1, 2, ..., N")
    return dict(n=len(ts), y_init=_f(raw["y_init"]), y=_f(raw["y"]))


def lotka_volterra(n, y_init, y):
    theta = ppl.sample("theta", dist.Normal(np.array([1.0, 0.05, 1.0, 0.05]), np.array([0.5, 0.05, 0.5, 0.05])),
                       transform=Exp())  # array[4] real<lower=0> theta with normal priors
    z_init = ppl.sample("z_init", dist.LogNormal(np.log(10.0), 1.0).expand((2,)))
    sigma = ppl.sample("sigma", dist.LogNormal(-1.0, 1.0).expand((2,)))
    h = 1.0 / LV_SUBSTEPS

    def rk4(z, _):
        k1 = _lv_rhs(z, theta)
        k2 = _lv_rhs(z + 0.5 * h * k1, theta)
        k3 = _lv_rhs(z + 0.5 * h * k2, theta)
        k4 = _lv_rhs(z + h * k3, theta)
        z = z + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        return z, z

    _, path = ad.scan(rk4, z_init, None, length=n * LV_SUBSTEPS)
    z = ppl.deterministic("z", path[LV_SUBSTEPS - 1::LV_SUBSTEPS])  # the states at t = 1, ..., N
    ppl.sample("y_init", dist.LogNormal(anp.log(z_init), sigma), obs=y_init)
    ppl.sample("y", dist.LogNormal(anp.log(z), sigma), obs=y)


def lotka_volterra_direct(v, raw):
    theta, z_init, sigma = v["theta"], v["z_init"], v["sigma"]
    ts, y_init, y = _f(raw["ts"]), _f(raw["y_init"]), _f(raw["y"])

    def dz_dt(t, z):
        u, w = z
        return [(theta[0] - theta[1] * w) * u, (-theta[2] + theta[3] * u) * w]

    sol = integrate.solve_ivp(dz_dt, (0.0, ts[-1]), z_init, t_eval=ts, method="DOP853", rtol=1e-12, atol=1e-12)
    z = sol.y.T
    lp = (normal_lp(theta[[0, 2]], 1, 0.5) + normal_lp(theta[[1, 3]], 0.05, 0.05)
          + float(np.sum(stats.lognorm.logpdf(sigma, 1, scale=np.exp(-1))))
          + float(np.sum(stats.lognorm.logpdf(z_init, 1, scale=10))))
    for k in range(2):
        lp += stats.lognorm.logpdf(y_init[k], sigma[k], scale=z_init[k])
        lp += float(np.sum(stats.lognorm.logpdf(y[:, k], sigma[k], scale=z[:, k])))
    return lp


def lotka_volterra_jac(v, raw):
    return jac_lower0(v["theta"]) + jac_lower0(v["z_init"]) + jac_lower0(v["sigma"])


# =============================================================================================
# the table


class Posterior(NamedTuple):
    """One posteriordb posterior: its DSL translation and the independent numpy/scipy oracle."""

    name: str
    model: Callable
    data: Callable  # data.json dict -> model kwargs
    direct: Callable  # (constrained values, data.json dict) -> log density up to a constant
    log_jac: Callable  # (constrained values, data.json dict) -> log|det J| of Stan's transforms
    from_stan: Callable = None  # (reference draw dict, data.json dict) -> latent values; default: regroup names
    # "random": ld.initial_point and four uniform(-2, 2) draws; "reference": five reference draws plus
    # N(0, 0.1) noise on the unconstrained scale, for models that a fixed-step ODE solver cannot follow
    # at arbitrary parameters (lotka_volterra at theta ~ e^2 needs h << 1/200 for 1e-8 agreement)
    points: str = "random"
    skip: str = ""


def _sigma_only(v, raw):
    return jac_lower0(v["sigma"])


def _tau_only(v, raw):
    return jac_lower0(v["tau"])


def _rho_alpha(v, raw):
    return jac_lower0(v["rho"]) + jac_lower0(v["alpha"])


def _rho_alpha_sigma(v, raw):
    return jac_lower0(v["rho"]) + jac_lower0(v["alpha"]) + jac_lower0(v["sigma"])


def _none(v, raw):
    return 0.0


P = Posterior
POSTERIORS = [
    P("eight_schools-eight_schools_noncentered", eight_schools_noncentered, eight_schools_data,
      eight_schools_noncentered_direct, _tau_only, eight_schools_noncentered_from_stan),
    P("eight_schools-eight_schools_centered", eight_schools_centered, eight_schools_data,
      eight_schools_centered_direct, _tau_only),
    P("low_dim_gauss_mix-low_dim_gauss_mix", low_dim_gauss_mix, gauss_mix_data, low_dim_gauss_mix_direct,
      low_dim_gauss_mix_jac),
    P("hmm_example-hmm_example", hmm_example, hmm_example_data, hmm_example_direct, hmm_example_jac),
    P("bball_drive_event_0-hmm_drive_0", hmm_drive_0, hmm_drive_data, hmm_drive_0_direct, hmm_drive_0_jac),
    P("garch-garch11", garch11, garch_data, garch11_direct, garch11_jac),
    P("arK-arK", arK, ark_data, arK_direct, _sigma_only),
    P("arma-arma11", arma11, arma_data, arma11_direct, _sigma_only),
    P("gp_pois_regr-gp_pois_regr", gp_pois_regr, gp_data, gp_pois_regr_direct, _rho_alpha,
      gp_pois_regr_from_stan),
    P("gp_pois_regr-gp_regr", gp_regr, gp_regr_data, gp_regr_direct, _rho_alpha_sigma),
    P("diamonds-diamonds", diamonds, diamonds_data, diamonds_direct, _sigma_only),
    P("kidiq-kidscore_interaction", kidscore_interaction, kidiq_data, kidscore_interaction_direct, _sigma_only),
    P("mesquite-logmesquite_logvas", logmesquite_logvas, mesquite_data, logmesquite_logvas_direct, _sigma_only),
    P("earnings-logearn_height", logearn_height, logearn_height_data, logearn_height_direct, _sigma_only),
    P("earnings-logearn_interaction_z", logearn_interaction_z, logearn_interaction_z_data,
      logearn_interaction_z_direct, _sigma_only),
    P("nes2000-nes", nes, nes_data, nes_direct, _sigma_only),
    P("sblri-blr", blr, blr_data, blr_direct, _sigma_only),
    P("sblrc-blr", blr, blr_data, blr_direct, _sigma_only),
    P("kilpisjarvi_mod-kilpisjarvi", kilpisjarvi, kilpisjarvi_data, kilpisjarvi_direct, _sigma_only),
    P("hudson_lynx_hare-lotka_volterra", lotka_volterra, lotka_volterra_data, lotka_volterra_direct,
      lotka_volterra_jac, points="reference"),
    P("dogs-dogs_historical2020", dogs, dogs_data, dogs_direct, _none),
]


def default_from_stan(row):
    """The row's map from a reference draw to latent values (regrouped Stan names unless overridden)."""
    return row.from_stan or (lambda ref, raw: group_stan_names(ref))
