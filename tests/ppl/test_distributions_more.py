"""The families added for issue 10 against scipy.stats or exact formulas; cdf/icdf; gradients; compiled models.

``ROWS`` pairs each distribution with an oracle log density written from
scipy.stats (or a formula nobody here coded into the class) and, where scipy
has them, oracle moments (else the closed forms are checked against samples).
``CDF_ROWS`` checks ``cdf``/``icdf`` against scipy's ``cdf``/``ppf``.
``COMPILED`` runs a few small models through ``ppl.log_density``'s generated
code, one group of families per model to keep compile time down, and checks
them against the same model evaluated eagerly.
"""

import zlib
from typing import Callable, NamedTuple

import numpy as np
import pytest
import scipy.sparse
from scipy import special as sp, stats

import autodiff as ad
import autodiff.numpy as anp
import ppl
import ppl.bijectors as bij
import ppl.distributions as dist
from ppl.distributions import constraints as C
from ppl.distributions.coverage import coverage_table, format_coverage_table


def _spd(d, seed):
    a = np.random.default_rng(seed).standard_normal((d, d))
    return a @ a.T + d * np.eye(d)


S2, S3 = _spd(2, 0), _spd(3, 1)
L2, L3 = np.linalg.cholesky(S2), np.linalg.cholesky(S3)
W42 = np.random.default_rng(2).standard_normal((4, 2))
D4 = np.array([0.5, 1.0, 2.0, 0.3])
RING = np.roll(np.eye(5), 1, axis=1) + np.roll(np.eye(5), -1, axis=1)  # a cycle of 5 sites
CUTS = np.array([-1.0, 0.5, 2.0])


class R(NamedTuple):
    """A table row: ``make(**params)`` builds the distribution; ``oracle(p, x)`` is its log density at x."""

    id: str
    make: Callable
    params: dict
    oracle: Callable
    grad: tuple = ()  # parameters to differentiate log_prob in (a random perturbation must stay valid:
    #                   scale_tril is differentiated in the compiled vector model instead)
    moments: Callable = None  # p -> (mean, variance) from scipy / an exact formula; None: compare with samples
    n_samples: int = 20000
    skip_moments: str = ""


def _ordered_probs(cdf, p):
    cum = cdf(p["cutpoints"] - np.asarray(p["predictor"])[..., None])
    zero, one = np.zeros(cum.shape[:-1] + (1,)), np.ones(cum.shape[:-1] + (1,))
    return np.diff(np.concatenate([zero, cum, one], axis=-1), axis=-1)


def _ordered_oracle(cdf):
    def logpmf(p, x):
        probs = _ordered_probs(cdf, p)
        x = np.asarray(x, dtype=int)
        return np.log(np.take_along_axis(np.broadcast_to(probs, x.shape + probs.shape[-1:]), x[..., None], -1)[..., 0])
    return logpmf


def _looped(frozen_of):
    """Oracle over the batch of a vector family: ``frozen_of(p, index)`` is scipy's frozen twin of one element."""
    def logpdf(p, x, d):
        ev = len(d.event_shape)
        batch = np.broadcast_shapes(x.shape[: x.ndim - ev], d.batch_shape)
        x = np.broadcast_to(x, batch + d.event_shape)
        out = np.empty(batch)
        for idx in np.ndindex(*batch):
            frozen = frozen_of(p, idx[len(batch) - len(d.batch_shape):])
            out[idx] = (getattr(frozen, "logpdf", None) or frozen.logpmf)(x[idx])
        return out
    return logpdf


def _b(p, name, shape, extra=()):
    return np.broadcast_to(np.asarray(p[name], dtype=float), tuple(shape) + extra)


def _zero_inflated_oracle(base_logpmf, gate_of):
    def logpmf(p, x):
        g = gate_of(p)
        lp = np.log1p(-g) + base_logpmf(p, x)
        return np.where(x == 0, np.log(g + np.exp(lp)), lp)
    return logpmf


def _enumerated_moments(logpmf, p, upper=400):
    """Mean and variance of a count distribution by summing its oracle pmf over 0..upper."""
    k = np.arange(upper + 1.0).reshape((-1,) + (1,) * np.ndim(p.get("gate", p.get("gate_logits", 0.0))))
    w = np.exp(logpmf(p, k))
    mean = (k * w).sum(0)
    return mean, (k**2 * w).sum(0) - mean**2


def _wishart_cholesky_oracle(p, L):
    """scipy's Wishart density of X = L L^T times |dX/dL| = 2^p prod_i L_ii^(p - i) (0-based i)."""
    L = np.asarray(L, dtype=float)
    n = L.shape[-1]
    X = L @ np.swapaxes(L, -1, -2)
    scale = p["scale_matrix"] if "scale_matrix" in p else np.linalg.inv(p["rate_matrix"])
    flat = X.reshape((-1, n, n))
    lp = np.array([stats.wishart(p["concentration"], scale).logpdf(x) for x in flat]).reshape(X.shape[:-2])
    diag = np.diagonal(L, axis1=-2, axis2=-1)
    return lp + n * np.log(2.0) + np.sum((n - np.arange(n)) * np.log(diag), axis=-1)


def _car_oracle(p, x):
    prec = (np.asarray(p["conditional_precision"])[..., None, None]
            * (np.diag(RING.sum(1)) - np.asarray(p["correlation"])[..., None, None] * RING))
    prec = np.broadcast_to(prec, np.broadcast_shapes(prec.shape, (1, 1)))
    batch = np.broadcast_shapes(x.shape[:-1], prec.shape[:-2])
    x, prec = np.broadcast_to(x, batch + (5,)), np.broadcast_to(prec, batch + (5, 5))
    loc = np.broadcast_to(p["loc"], (5,))
    return np.array([stats.multivariate_normal(loc, np.linalg.inv(prec[i])).logpdf(x[i])
                     for i in np.ndindex(*batch)]).reshape(batch)


def _car_moments(p):
    rho = np.asarray(p["correlation"])[..., None, None]
    prec = np.asarray(p["conditional_precision"])[..., None, None] * (np.diag(RING.sum(1)) - rho * RING)
    cov = np.linalg.inv(prec)
    return np.broadcast_to(p["loc"], cov.shape[:-1]), np.diagonal(cov, axis1=-2, axis2=-1)


def _truncated_scipy(frozen, low, high):
    lo = -np.inf if low is None else low
    hi = np.inf if high is None else high

    def logpdf(x):
        x = np.asarray(x, dtype=float)
        inside = (x >= lo) & (x <= hi)
        with np.errstate(divide="ignore"):
            lp = frozen.logpdf(x) - np.log(frozen.cdf(hi) - frozen.cdf(lo))
        return np.where(inside, lp, -np.inf)

    def moments():
        m = frozen.expect(lambda x: x, lb=lo, ub=hi, conditional=True)
        m2 = frozen.expect(lambda x: x**2, lb=lo, ub=hi, conditional=True)
        return m, m2 - m**2

    return logpdf, moments


TRUNC_GAMMA = _truncated_scipy(stats.gamma(2.0, scale=1 / 1.5), 0.5, 3.0)
TRUNC_CAUCHY = _truncated_scipy(stats.cauchy(1.0, 2.0), 0.0, None)
TRUNC_LOGISTIC = _truncated_scipy(stats.logistic(0.0, 1.5), None, 1.0)


def _trunc_normal_scipy(p):
    loc, scale = np.asarray(p["loc"]), np.asarray(p["scale"])
    return stats.truncnorm((p["low"] - loc) / scale, (p["high"] - loc) / scale, loc, scale)


ROWS = [
    R("ordered-logistic", dist.OrderedLogistic, dict(predictor=np.array([0.3, -1.2, 2.0]), cutpoints=CUTS),
      lambda p, x: _ordered_oracle(sp.expit)(p, x), grad=("predictor", "cutpoints"),
      skip_moments="categorical (mean nan): test_ordinal_frequencies"),
    R("ordered-probit", dist.OrderedProbit,
      dict(predictor=np.array([[0.3], [-4.0]]), cutpoints=np.array([[-1.0, 0.5, 2.0], [-0.5, 0.0, 6.0]])),
      lambda p, x: _ordered_oracle(sp.ndtr)(p, x), grad=("predictor", "cutpoints"),
      skip_moments="categorical (mean nan): test_ordinal_frequencies"),
    R("gaussian-random-walk", lambda scale: dist.GaussianRandomWalk(scale, num_steps=4),
      dict(scale=np.array([0.5, 2.0])),
      lambda p, x: stats.norm(0, p["scale"][:, None]).logpdf(np.diff(x, prepend=0.0, axis=-1)).sum(-1),
      grad=("scale",)),
    R("mvt", dist.MultivariateStudentT, dict(df=np.array([4.0, 9.0]), loc=np.array([1.0, -1.0]), scale_tril=L2),
      lambda p, x, d: _looped(lambda p, i: stats.multivariate_t(p["loc"], S2, df=p["df"][i]))(p, x, d),
      grad=("df", "loc")),
    R("mvt-batch-tril", dist.MultivariateStudentT,
      dict(df=5.0, loc=np.zeros(3), scale_tril=np.stack([L3, 2 * L3])),
      lambda p, x, d: _looped(lambda p, i: stats.multivariate_t(
          p["loc"], p["scale_tril"][i] @ p["scale_tril"][i].T, df=p["df"]))(p, x, d), grad=("df",)),
    R("lowrank-mvn", dist.LowRankMultivariateNormal, dict(loc=np.arange(4.0), cov_factor=W42, cov_diag=D4),
      lambda p, x: stats.multivariate_normal(p["loc"], W42 @ W42.T + np.diag(D4)).logpdf(x),
      grad=("loc", "cov_factor", "cov_diag"),
      moments=lambda p: (p["loc"], np.diag(W42 @ W42.T) + D4)),
    R("dirichlet-multinomial", dist.DirichletMultinomial,
      dict(concentration=np.array([[0.5, 1.0, 2.0], [3.0, 0.2, 1.0]]), total_count=np.array([5, 9])),
      lambda p, x, d: _looped(lambda p, i: stats.dirichlet_multinomial(
          p["concentration"][i], p["total_count"][i]))(p, x, d), grad=("concentration",),
      moments=lambda p: (np.stack([stats.dirichlet_multinomial(a, n).mean() for a, n in
                                   zip(p["concentration"], p["total_count"])]),
                         np.stack([stats.dirichlet_multinomial(a, n).var() for a, n in
                                   zip(p["concentration"], p["total_count"])]))),
    R("gamma-poisson", dist.GammaPoisson, dict(concentration=np.array([2.0, 0.5]), rate=np.array([0.5, 3.0])),
      lambda p, x: stats.nbinom(p["concentration"], p["rate"] / (1 + p["rate"])).logpmf(x),
      grad=("concentration", "rate"),
      moments=lambda p: stats.nbinom(p["concentration"], p["rate"] / (1 + p["rate"])).stats("mv")),
    R("zero-inflated-probs", lambda rate, gate: dist.ZeroInflatedDistribution(dist.Poisson(rate), gate=gate),
      dict(rate=np.array([1.5, 4.0]), gate=np.array([0.2, 0.6])),
      _zero_inflated_oracle(lambda p, x: stats.poisson(p["rate"]).logpmf(x), lambda p: p["gate"]),
      grad=("rate", "gate"),
      moments=lambda p: _enumerated_moments(
          _zero_inflated_oracle(lambda p, x: stats.poisson(p["rate"]).logpmf(x), lambda p: p["gate"]), p)),
    R("zero-inflated-logits",
      lambda rate, gate_logits: dist.ZeroInflatedDistribution(dist.Poisson(rate), gate_logits=gate_logits),
      dict(rate=np.array([1.5, 4.0]), gate_logits=np.array([-1.0, 3.0])),
      _zero_inflated_oracle(lambda p, x: stats.poisson(p["rate"]).logpmf(x), lambda p: sp.expit(p["gate_logits"])),
      grad=("rate", "gate_logits")),
    R("zinb2", lambda mean, concentration, gate: dist.ZeroInflatedNegativeBinomial2(mean, concentration, gate=gate),
      dict(mean=np.array([3.0, 10.0]), concentration=np.array([2.0, 0.7]), gate=np.array([0.3, 0.1])),
      _zero_inflated_oracle(lambda p, x: stats.nbinom(p["concentration"], p["concentration"] / (
          p["concentration"] + p["mean"])).logpmf(x), lambda p: p["gate"]),
      grad=("mean", "concentration", "gate"),
      moments=lambda p: _enumerated_moments(_zero_inflated_oracle(lambda p, x: stats.nbinom(
          p["concentration"], p["concentration"] / (p["concentration"] + p["mean"])).logpmf(x),
          lambda p: p["gate"]), p, upper=2000)),
    R("delta", lambda v, log_density: dist.Delta(v, log_density, event_dim=1),
      dict(v=np.array([[1.0, 2.0], [3.0, 4.0]]), log_density=np.array([0.0, -1.5])),
      lambda p, x: np.where(np.all(x == p["v"], -1), p["log_density"], -np.inf),
      moments=lambda p: (p["v"], np.zeros_like(p["v"]))),
    R("skew-normal", dist.SkewNormal, dict(loc=np.array([0.0, 1.0, -2.0]), scale=np.array([1.0, 2.0, 0.5]),
                                            skewness=np.array([3.0, -2.0, 0.0])),
      lambda p, x: stats.skewnorm(p["skewness"], p["loc"], p["scale"]).logpdf(x), grad=("loc", "scale", "skewness"),
      moments=lambda p: stats.skewnorm(p["skewness"], p["loc"], p["scale"]).stats("mv")),
    R("asymmetric-laplace", dist.AsymmetricLaplace,
      dict(loc=np.array([0.0, 1.0]), scale=np.array([1.0, 2.0]), asymmetry=np.array([0.5, 2.0])),
      lambda p, x: stats.laplace_asymmetric(p["asymmetry"], p["loc"], p["scale"]).logpdf(x),
      grad=("loc", "scale", "asymmetry"),
      moments=lambda p: stats.laplace_asymmetric(p["asymmetry"], p["loc"], p["scale"]).stats("mv")),
    R("log-uniform", dist.LogUniform, dict(low=np.array([0.1, 1.0]), high=np.array([10.0, 3.0])),
      lambda p, x: stats.loguniform(p["low"], p["high"]).logpdf(x), grad=("low", "high"),
      moments=lambda p: stats.loguniform(p["low"], p["high"]).stats("mv")),
    R("discrete-uniform", dist.DiscreteUniform, dict(low=np.array([0, -3]), high=np.array([3, 7])),
      lambda p, x: stats.randint(p["low"], p["high"] + 1).logpmf(x),
      moments=lambda p: stats.randint(p["low"], p["high"] + 1).stats("mv")),
    R("wishart-cholesky", dist.WishartCholesky, dict(concentration=5.0, scale_matrix=S3),
      lambda p, x: _wishart_cholesky_oracle(p, x), grad=("concentration",), n_samples=8000),
    R("wishart-cholesky-rate", dist.WishartCholesky, dict(concentration=3.5, rate_matrix=S2),
      lambda p, x: _wishart_cholesky_oracle(p, x), grad=("concentration",), n_samples=8000),
    R("car", lambda loc, correlation, conditional_precision: dist.CAR(loc, correlation, conditional_precision, RING),
      dict(loc=np.arange(5.0), correlation=0.7, conditional_precision=2.0), _car_oracle,
      grad=("loc", "correlation", "conditional_precision"), moments=_car_moments),
    R("car-sparse-batch", lambda loc, correlation, conditional_precision: dist.CAR(
        loc, correlation, conditional_precision, scipy.sparse.csr_matrix(RING), is_sparse=True),
      dict(loc=0.5, correlation=np.array([0.9, -0.4]), conditional_precision=np.array([1.0, 3.0])), _car_oracle,
      grad=("correlation", "conditional_precision"), moments=_car_moments),
    R("transformed-exp", lambda loc, scale: dist.TransformedDistribution(dist.Normal(loc, scale), bij.Exp()),
      dict(loc=np.array([0.0, 1.0]), scale=np.array([1.0, 0.5])),
      lambda p, x: stats.lognorm(p["scale"], scale=np.exp(p["loc"])).logpdf(x), grad=("loc", "scale"),
      skip_moments="TransformedDistribution has no closed-form moments (NumPyro's convention)"),
    R("transformed-chain", lambda loc, scale: dist.TransformedDistribution(
        dist.Normal(loc, scale), [bij.Affine(1.0, 2.0), bij.Exp()]),
      dict(loc=np.array([0.0, -1.0]), scale=np.array([0.3, 0.5])),
      lambda p, x: stats.lognorm(2 * p["scale"], scale=np.exp(1 + 2 * p["loc"])).logpdf(x), grad=("loc", "scale"),
      skip_moments="TransformedDistribution has no closed-form moments (NumPyro's convention)"),
    R("truncated-normal", lambda loc, scale, low, high: dist.TruncatedDistribution(
        dist.Normal(loc, scale), low=low, high=high),
      dict(loc=np.array([0.0, 1.0]), scale=np.array([1.0, 2.0]), low=-0.5, high=np.array([1.0, 4.0])),
      lambda p, x: _trunc_normal_scipy(p).logpdf(x), grad=("loc", "scale", "low", "high"),
      moments=lambda p: _trunc_normal_scipy(p).stats("mv")),
    R("truncated-gamma", lambda rate: dist.TruncatedDistribution(dist.Gamma(2.0, rate), low=0.5, high=3.0),
      dict(rate=1.5), lambda p, x: TRUNC_GAMMA[0](x), grad=("rate",), moments=lambda p: TRUNC_GAMMA[1]()),
    R("truncated-cauchy-low", lambda loc: dist.TruncatedDistribution(dist.Cauchy(loc, 2.0), low=0.0),
      dict(loc=1.0), lambda p, x: TRUNC_CAUCHY[0](x), grad=("loc",),
      skip_moments="a half Cauchy has no mean"),
    R("truncated-logistic-high", lambda scale: dist.TruncatedDistribution(dist.Logistic(0.0, scale), high=1.0),
      dict(scale=1.5), lambda p, x: TRUNC_LOGISTIC[0](x), grad=("scale",), moments=lambda p: TRUNC_LOGISTIC[1]()),
]
IDS = [r.id for r in ROWS]


def build(row, **override):
    return row.make(**dict(row.params, **override))


def rng_for(row, salt):
    return np.random.default_rng(zlib.crc32((row.id + salt).encode()))


def oracle_log_prob(row, d, x):
    try:
        return row.oracle(row.params, x, d)
    except TypeError:
        return row.oracle(row.params, x)


# ---------------------------------------------------------------------------
# log densities, shapes, moments


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_log_prob_matches_oracle(row):
    d = build(row)
    x = np.asarray(d.sample(np.random.default_rng(0), (5,)))
    assert x.shape == (5,) + d.batch_shape + d.event_shape
    lp = np.asarray(d.log_prob(x))
    assert lp.shape == (5,) + d.batch_shape
    np.testing.assert_allclose(lp, oracle_log_prob(row, d, x), rtol=1e-9, atol=1e-9)
    assert np.all(np.asarray(d.support.check(x)))


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_moments(row):
    if row.skip_moments:
        pytest.skip(row.skip_moments)
    d = build(row)
    shape = d.batch_shape + d.event_shape
    mean, var = np.asarray(d.mean), np.asarray(d.variance)
    assert mean.shape == shape and var.shape == shape
    if row.moments is not None:
        ref_mean, ref_var = row.moments(row.params)
        np.testing.assert_allclose(mean, np.broadcast_to(ref_mean, shape), rtol=1e-7, atol=1e-10)
        np.testing.assert_allclose(var, np.broadcast_to(ref_var, shape), rtol=1e-6, atol=1e-10)
    if row.id == "delta":
        return
    # and the draws agree with the closed forms (5 standard errors, fixed seed)
    n = row.n_samples
    x = np.asarray(d.sample(np.random.default_rng(1), (n,)), dtype=float)
    m, s2 = x.mean(0), x.var(0)
    se_var = np.sqrt(np.maximum(((x - m) ** 4).mean(0) - s2**2, 0) / n)
    assert np.all(np.abs(m - mean) <= 5 * np.sqrt(var / n) + 1e-12), (m, mean)
    assert np.all(np.abs(s2 - var) <= 5 * se_var + 1e-12), (s2, var)


def test_ordinal_frequencies():
    for cls, cdf in [(dist.OrderedLogistic, sp.expit), (dist.OrderedProbit, sp.ndtr)]:
        p = dict(predictor=np.array([0.3, -1.2]), cutpoints=CUTS)
        d = cls(**p)
        x = d.sample(np.random.default_rng(3), (20000,))
        probs = _ordered_probs(cdf, p)
        freq = (x[..., None] == np.arange(4)).mean(0)
        assert np.all(np.abs(freq - probs) <= 5 * np.sqrt(probs * (1 - probs) / 20000) + 1e-12)
        np.testing.assert_allclose(np.exp(d.log_prob(d.enumerate_support())).sum(0), 1.0, rtol=1e-12)


def test_ordinal_far_tails_stay_finite():
    """A predictor far beyond the cutpoints: the logistic tail is log-linear, never log(0)."""
    lp = dist.OrderedLogistic(60.0, CUTS).log_prob(np.arange(4))
    np.testing.assert_allclose(lp[:3], np.log(np.diff(sp.expit(np.concatenate([[-np.inf], CUTS]) - 60.0))),
                               rtol=1e-9)
    assert np.isfinite(dist.OrderedProbit(-40.0, CUTS).log_prob(3))


def test_zero_inflated_probs_and_logits_agree():
    g = np.array([0.05, 0.5, 0.95])
    k = np.arange(6)[:, None]
    a = dist.ZeroInflatedDistribution(dist.GammaPoisson(2.0, 0.5), gate=g).log_prob(k)
    b = dist.ZeroInflatedDistribution(dist.GammaPoisson(2.0, 0.5), gate_logits=sp.logit(g)).log_prob(k)
    np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(dist.ZeroInflatedDistribution(dist.Poisson(2.0), gate=0.3).log_prob(k[:, 0]),
                               dist.ZeroInflatedPoisson(0.3, 2.0).log_prob(k[:, 0]), rtol=1e-12)


def test_wishart_takes_numpyro_arguments():
    X = dist.Wishart(df=5.0, scale_matrix=S3).sample(np.random.default_rng(10), (4,))
    ref = stats.wishart(5.0, S3).logpdf(np.moveaxis(X, 0, -1))
    for d in [dist.Wishart(5.0, S3), dist.Wishart(concentration=5.0, rate_matrix=np.linalg.inv(S3)),
              dist.Wishart(5.0, None, np.linalg.inv(S3)), dist.Wishart(5.0, scale_tril=L3)]:
        np.testing.assert_allclose(d.log_prob(X), ref, rtol=1e-10)
        np.testing.assert_allclose(d.concentration, 5.0)
    np.testing.assert_allclose(dist.Wishart(5.0, scale_tril=L3).rate_matrix, np.linalg.inv(S3), rtol=1e-10)
    with pytest.raises(ValueError, match="once, as concentration"):
        dist.Wishart(5.0, S3, df=5.0)
    with pytest.raises(ValueError, match="exactly one of scale_matrix, rate_matrix or scale_tril"):
        dist.Wishart(5.0, S3, np.eye(3))


def test_wishart_cholesky_matches_wishart_draws():
    """L L^T of WishartCholesky draws has the Wishart mean df * scale."""
    L = dist.WishartCholesky(6.0, scale_tril=L3).sample(np.random.default_rng(4), (20000,))
    assert np.all(C.lower_cholesky.check(L))
    X = L @ np.swapaxes(L, -1, -2)
    se = np.sqrt(6.0 * (S3**2 + np.outer(np.diag(S3), np.diag(S3))) / 20000)
    assert np.all(np.abs(X.mean(0) - 6.0 * S3) <= 5 * se)


def test_transformed_support_and_default_bijector():
    d = dist.TransformedDistribution(dist.Normal(np.zeros(3), 1.0), bij.Simplex())
    assert (d.batch_shape, d.event_shape) == ((), (4,))
    y = d.sample(np.random.default_rng(5), (10,))
    assert np.all(C.simplex.check(y)) and np.all(d.support.check(y))
    b = bij.biject_to(d.support)
    x = np.random.default_rng(6).normal(size=(7, 3))
    assert np.all(C.simplex.check(b.forward(x)))
    # as a latent site: log p(y) + log|J| at y = forward(x) is the base density of x
    np.testing.assert_allclose(d.log_prob(b.forward(x)) + b.log_det_jacobian(x),
                               stats.norm.logpdf(x).sum(-1), rtol=1e-10)
    pos = dist.TransformedDistribution(dist.Normal(0.0, 1.0), bij.Exp())
    assert np.asarray(pos.support.check(np.array([1.0, -1.0]))).tolist() == [True, False]


# ---------------------------------------------------------------------------
# gradients of log_prob in the parameters (and the value, for continuous univariate families)


GRAD_ROWS = [r for r in ROWS if r.grad]


@pytest.mark.parametrize("row", GRAD_ROWS, ids=[r.id for r in GRAD_ROWS])
def test_log_prob_gradients(row):
    d = build(row)
    x = np.asarray(d.sample(rng_for(row, "grad"), (3,)))
    with_value = not d.is_discrete and not d.event_shape and not row.id.startswith("truncated")

    def f(*args):
        params = dict(row.params, **dict(zip(row.grad, args)))
        value = args[len(row.grad)] if with_value else x
        return anp.sum(row.make(**params).log_prob(value))

    args = tuple(np.asarray(row.params[n], dtype=float) for n in row.grad) + ((x,) if with_value else ())
    ad.check_grads(f, args, order=1, eps=1e-6, atol=1e-5, rtol=1e-4)


# ---------------------------------------------------------------------------
# cdf and icdf against scipy


class CdfRow(NamedTuple):
    id: str
    dist: object
    scipy: object  # frozen scipy twin (cdf, ppf)
    grad: tuple = ()  # parameter attributes the cdf is differentiable in
    icdf_grad: bool = True  # icdf is an autodiff expression (not a scipy-only quantile)


def _kumaraswamy_frozen(a, b):
    class K:
        def cdf(self, x):
            x = np.clip(x, 0, 1)
            return 1 - (1 - x**a) ** b

        def ppf(self, q):
            return (1 - (1 - q) ** (1 / b)) ** (1 / a)
    return K()


CDF_ROWS = [
    CdfRow("normal", dist.Normal(np.array([0.0, 1.0]), np.array([1.0, 2.0])), stats.norm([0.0, 1.0], [1.0, 2.0]),
           ("loc", "scale")),
    CdfRow("studentt", dist.StudentT(np.array([3.0, 10.0]), 0.5, 2.0), stats.t([3.0, 10.0], 0.5, 2.0),
           ("loc", "scale", "df")),
    CdfRow("cauchy", dist.Cauchy(1.0, np.array([0.5, 2.0])), stats.cauchy(1.0, [0.5, 2.0]), ("loc", "scale")),
    CdfRow("laplace", dist.Laplace(-1.0, np.array([0.5, 2.0])), stats.laplace(-1.0, [0.5, 2.0]), ("loc", "scale")),
    CdfRow("logistic", dist.Logistic(0.5, np.array([0.5, 2.0])), stats.logistic(0.5, [0.5, 2.0]), ("loc", "scale")),
    CdfRow("truncated-normal", dist.TruncatedNormal(0.5, 2.0, low=-1.0, high=3.0),
           stats.truncnorm(-0.75, 1.25, 0.5, 2.0), ("loc", "scale")),
    CdfRow("halfnormal", dist.HalfNormal(np.array([0.5, 2.0])), stats.halfnorm(scale=[0.5, 2.0]), ("scale",)),
    CdfRow("halfcauchy", dist.HalfCauchy(np.array([0.5, 2.0])), stats.halfcauchy(scale=[0.5, 2.0]), ("scale",)),
    CdfRow("halfstudentt", dist.HalfStudentT(np.array([3.0, 10.0]), 1.5), stats.halfcauchy(),  # oracle below
           ("scale", "df")),
    CdfRow("lognormal", dist.LogNormal(0.5, np.array([0.5, 1.0])), stats.lognorm([0.5, 1.0], scale=np.exp(0.5)),
           ("loc", "scale")),
    CdfRow("exponential", dist.Exponential(np.array([0.5, 2.0])), stats.expon(scale=[2.0, 0.5]), ("rate",)),
    CdfRow("gamma", dist.Gamma(np.array([0.7, 3.0]), 1.5), stats.gamma([0.7, 3.0], scale=1 / 1.5),
           ("rate", "concentration")),
    CdfRow("inverse-gamma", dist.InverseGamma(np.array([2.0, 5.0]), 1.5), stats.invgamma([2.0, 5.0], scale=1.5),
           ("rate", "concentration")),
    CdfRow("weibull", dist.Weibull(np.array([1.0, 2.0]), 1.5), stats.weibull_min(1.5, scale=[1.0, 2.0]),
           ("scale", "concentration")),
    CdfRow("beta", dist.Beta(np.array([0.5, 2.0]), 3.0), stats.beta([0.5, 2.0], 3.0),
           ("concentration1", "concentration0")),
    CdfRow("uniform", dist.Uniform(-1.0, np.array([1.0, 3.0])), stats.uniform(-1.0, [2.0, 4.0]), ("low", "high")),
    CdfRow("gumbel", dist.Gumbel(0.5, np.array([1.0, 2.0])), stats.gumbel_r(0.5, [1.0, 2.0]), ("loc", "scale")),
    CdfRow("pareto", dist.Pareto(np.array([1.0, 2.0]), 3.0), stats.pareto(3.0, scale=[1.0, 2.0]), ("scale", "alpha")),
    CdfRow("chi2", dist.Chi2(np.array([1.5, 4.0])), stats.chi2([1.5, 4.0]), ("df",)),
    CdfRow("kumaraswamy", dist.Kumaraswamy(2.0, np.array([0.7, 3.0])), _kumaraswamy_frozen(2.0, np.array([0.7, 3.0])),
           ("concentration1", "concentration0")),
    CdfRow("asymmetric-laplace", dist.AsymmetricLaplace(0.5, 2.0, np.array([0.5, 2.0])),
           stats.laplace_asymmetric([0.5, 2.0], 0.5, 2.0), ("loc", "scale", "asymmetry")),
    CdfRow("skew-normal", dist.SkewNormal(0.5, 2.0, np.array([-3.0, 0.0, 4.0])), stats.skewnorm([-3.0, 0.0, 4.0], 0.5, 2.0),
           ("loc", "scale", "skewness")),
    CdfRow("log-uniform", dist.LogUniform(0.1, np.array([10.0, 3.0])), stats.loguniform(0.1, [10.0, 3.0]),
           ("low", "high")),
    CdfRow("truncated-gamma", dist.TruncatedDistribution(dist.Gamma(2.0, 1.5), low=0.5, high=3.0),
           None, (), icdf_grad=False),
]
CDF_IDS = [r.id for r in CDF_ROWS]


def _scipy_cdf(row):
    if row.id == "halfstudentt":
        df = np.array([3.0, 10.0])
        return (lambda x: np.where(x > 0, 2 * stats.t(df, scale=1.5).cdf(x) - 1, 0.0),
                lambda q: stats.t(df, scale=1.5).ppf((q + 1) / 2))
    if row.id == "truncated-gamma":
        g = stats.gamma(2.0, scale=1 / 1.5)
        z = g.cdf(3.0) - g.cdf(0.5)
        return (lambda x: np.clip((g.cdf(x) - g.cdf(0.5)) / z, 0, 1), lambda q: g.ppf(g.cdf(0.5) + q * z))
    return row.scipy.cdf, row.scipy.ppf


X_GRID = np.array([-3.0, -0.5, 0.05, 0.3, 0.9, 1.7, 4.0])[:, None]
Q_GRID = np.array([0.01, 0.2, 0.5, 0.77, 0.99])[:, None]


@pytest.mark.parametrize("row", CDF_ROWS, ids=CDF_IDS)
def test_cdf_and_icdf_match_scipy(row):
    cdf, ppf = _scipy_cdf(row)
    d = row.dist
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(d.cdf(X_GRID), np.broadcast_to(cdf(X_GRID), d.cdf(X_GRID).shape),
                                   rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(d.icdf(Q_GRID), np.broadcast_to(ppf(Q_GRID), d.icdf(Q_GRID).shape), rtol=1e-8)
    x = np.asarray(d.sample(np.random.default_rng(7), (5,)))
    np.testing.assert_allclose(d.icdf(d.cdf(x)), x, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("row", CDF_ROWS, ids=CDF_IDS)
def test_cdf_gradients(row):
    """cdf in the value and the named parameters, icdf in q and the parameters, both modes vs finite differences."""
    d = row.dist
    x = np.asarray(d.sample(np.random.default_rng(8), (3,)))
    names = row.grad

    def with_params(args):
        new = type(d).__new__(type(d))
        new.__dict__.update(d.__dict__)
        for n, a in zip(names, args):
            setattr(new, n, a)
        return new

    ad.check_grads(lambda v, *p: anp.sum(with_params(p).cdf(v)), (x,) + tuple(getattr(d, n) for n in names),
                   order=1, eps=1e-6, atol=1e-6, rtol=1e-5)
    if row.icdf_grad:
        q = np.array([0.1, 0.45, 0.7])[:, None]  # away from AsymmetricLaplace's kink at asymmetry**2 / (1 + asymmetry**2)
        ad.check_grads(lambda u, *p: anp.sum(with_params(p).icdf(u)), (q,) + tuple(getattr(d, n) for n in names),
                       order=1, eps=1e-7, atol=1e-5, rtol=1e-5)


DISCRETE_CDF = [
    ("poisson", lambda r: dist.Poisson(r), np.array([0.5, 4.0]), lambda r: stats.poisson(r)),
    ("binomial-probs", lambda p: dist.Binomial(10, probs=p), np.array([0.2, 0.7]), lambda p: stats.binom(10, p)),
    ("binomial-logits", lambda l: dist.Binomial(10, logits=l), np.array([-1.0, 1.0]),
     lambda l: stats.binom(10, sp.expit(l))),
    ("geometric", lambda p: dist.Geometric(probs=p), np.array([0.2, 0.7]), lambda p: stats.geom(p, loc=-1)),
    ("bernoulli", lambda p: dist.Bernoulli(probs=p), np.array([0.2, 0.7]), lambda p: stats.bernoulli(p)),
    ("beta-binomial", lambda a: dist.BetaBinomial(a, 2.5, 10), np.array([0.6, 4.0]),
     lambda a: stats.betabinom(10, a, 2.5)),
    ("negative-binomial-probs", lambda p: dist.NegativeBinomialProbs(3.5, p), np.array([0.2, 0.7]),
     lambda p: stats.nbinom(3.5, 1 - p)),
    ("negative-binomial-logits", lambda l: dist.NegativeBinomialLogits(3.5, l), np.array([-1.0, 1.5]),
     lambda l: stats.nbinom(3.5, sp.expit(-l))),
    ("negative-binomial-2", lambda m: dist.NegativeBinomial2(m, 2.5), np.array([0.7, 6.0]),
     lambda m: stats.nbinom(2.5, 2.5 / (2.5 + m))),
    ("gamma-poisson", lambda r: dist.GammaPoisson(2.5, r), np.array([0.4, 3.0]), lambda r: stats.nbinom(2.5, r / (1 + r))),
]


@pytest.mark.parametrize("make, param, twin", [r[1:] for r in DISCRETE_CDF], ids=[r[0] for r in DISCRETE_CDF])
def test_discrete_cdf_matches_scipy(make, param, twin):
    k = np.arange(-2.0, 13.0, 0.5)[:, None]  # integers, half-integers and points off the support
    np.testing.assert_allclose(make(param).cdf(k), twin(param).cdf(k), rtol=1e-10, atol=1e-14)
    ad.check_grads(lambda p: anp.sum(make(p).cdf(np.array([[0.0], [1.0], [3.5]]))), (param,), order=1,
                   eps=1e-6, atol=1e-6, rtol=1e-5)


def test_von_mises_cdf_is_the_integral_of_its_density():
    """P(X <= x) on [-pi, pi] against quadrature of scipy's pdf; gradients in value, loc and concentration."""
    from scipy import integrate
    locs, kappas = np.array([0.5, -2.0, 3.0]), np.array([2.0, 60.0, 0.3])
    d = dist.VonMises(locs, kappas)
    x = np.array([-4.0, -3.0, -1.0, 0.0, 1.5, 3.1, 4.0])[:, None]
    ref = [[integrate.quad(stats.vonmises(k, loc=m).pdf, -np.pi, np.clip(v, -np.pi, np.pi), epsabs=1e-14)[0]
            for m, k in zip(locs, kappas)] for v in x[:, 0]]
    np.testing.assert_allclose(d.cdf(x), ref, rtol=1e-10, atol=1e-13)
    ad.check_grads(lambda v, m, k: anp.sum(dist.VonMises(m, k).cdf(v)), (x[1:-1], locs, kappas), order=1,
                   eps=1e-6, atol=1e-6, rtol=1e-5)


DISCRETE_Q = np.array([0.0, 1e-12, 0.01, 0.2, 0.5, 0.77, 0.99, 1 - 1e-12, 1.0, -0.1, 1.5, np.nan])[:, None]


@pytest.mark.parametrize("make, param, twin", [r[1:] for r in DISCRETE_CDF], ids=[r[0] for r in DISCRETE_CDF])
def test_discrete_icdf_matches_scipy_ppf(make, param, twin):
    """scipy's ppf: the smallest k with cdf(k) >= q; low - 1 at q = 0, the top of the support at 1, nan outside."""
    d = make(param)
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(d.icdf(DISCRETE_Q), twin(param).ppf(DISCRETE_Q))
    k = np.arange(0.0, 6.0)[:, None]
    at_cdf = d.cdf(k)  # ties: q exactly the cdf at k gives k back (where cdf(k) is below 1)
    below_one = at_cdf < 1
    np.testing.assert_array_equal(d.icdf(at_cdf)[below_one], np.broadcast_to(k, at_cdf.shape)[below_one])
    np.testing.assert_array_equal(ad.grad(lambda p: anp.sum(make(p).icdf(np.array([0.3, 0.9])[:, None])))(param), 0.0)


def test_discrete_icdf_wide_and_compiled():
    """Far tails and large parameters (many steps from the guess), DiscreteUniform, and the ad.jit path."""
    q = np.array([1e-30, 1e-9, 0.3, 1 - 1e-9])[:, None]
    for d, twin in [(dist.Poisson(np.array([1e-3, 7.0, 1e5])), stats.poisson([1e-3, 7.0, 1e5])),
                    (dist.Binomial(1000, probs=np.array([1e-4, 0.5, 0.999])), stats.binom(1000, [1e-4, 0.5, 0.999])),
                    (dist.Geometric(probs=np.array([1e-6, 0.5])), stats.geom([1e-6, 0.5], loc=-1)),
                    (dist.DiscreteUniform(np.array([0, -3]), np.array([3, 7])),
                     stats.randint(np.array([0, -3]), np.array([4, 8]))),
                    (dist.BetaBinomial(np.array([0.3, 50.0]), 0.4, 200), stats.betabinom(200, [0.3, 50.0], 0.4))]:
        np.testing.assert_array_equal(d.icdf(q), twin.ppf(q))
    icdf = ad.jit(lambda rate, q: dist.Poisson(rate).icdf(q))
    np.testing.assert_array_equal(icdf(np.array([0.5, 4.0, 300.0]), q), stats.poisson([0.5, 4.0, 300.0]).ppf(q))


def test_discrete_uniform_cdf_and_enumeration():
    d = dist.DiscreteUniform(np.array([0, -3]), np.array([3, 7]))
    k = np.arange(-5.0, 9.0)[:, None]
    np.testing.assert_allclose(d.cdf(k), stats.randint(np.array([0, -3]), np.array([4, 8])).cdf(k), rtol=1e-12)
    np.testing.assert_array_equal(dist.DiscreteUniform(2, 5).enumerate_support(), [2, 3, 4, 5])


def test_numpyro_truncation_names():
    x = np.array([0.5, 1.0, 2.5])
    ref = TRUNC_CAUCHY[0](x)
    for d in [dist.TruncatedCauchy(1.0, 2.0, low=0.0), dist.LeftTruncatedDistribution(dist.Cauchy(1.0, 2.0), 0.0)]:
        np.testing.assert_allclose(d.log_prob(x), ref, rtol=1e-12)
    np.testing.assert_allclose(dist.RightTruncatedDistribution(dist.Logistic(0.0, 1.5), 1.0).log_prob(x),
                               TRUNC_LOGISTIC[0](x), rtol=1e-12)
    two = dist.TwoSidedTruncatedDistribution(dist.Gamma(2.0, 1.5), 0.5, 3.0)
    np.testing.assert_allclose(two.log_prob(x), TRUNC_GAMMA[0](x), rtol=1e-12)


def test_numeric_quantiles_are_differentiable_and_compile():
    """SkewNormal and VonMises invert their CDFs by Newton's method; icdf is differentiable to order 2 in q and the
    parameters (implicit function theorem) in both modes, and compiles."""
    q = np.array([0.05, 0.4, 0.9])
    ad.check_grads(lambda u, m, s, a: dist.SkewNormal(m, s, a).icdf(u),
                   (q, np.array([0.5, -1.0, 0.0]), np.array([2.0, 0.7, 1.0]), np.array([-3.0, 0.5, 6.0])), order=2)
    ad.check_grads(lambda u, m, k: dist.VonMises(m, k).icdf(u),
                   (q, np.array([0.3, -2.0, 2.9]), np.array([0.5, 3.0, 70.0])), order=2)
    icdf = ad.jit(lambda u, a, k: dist.SkewNormal(0.5, 2.0, a).icdf(u) + dist.VonMises(1.0, k).icdf(u))
    np.testing.assert_allclose(icdf(q, -3.0, 2.0), stats.skewnorm(-3.0, 0.5, 2.0).ppf(q) + dist.VonMises(1.0, 2.0).icdf(q),
                               rtol=1e-12)


def test_von_mises_icdf_inverts_its_cdf():
    """scipy's vonmises.ppf where the two agree (loc = 0: scipy's support is the real line, ours [-pi, pi]); for any
    loc, cdf(icdf(q)) = q and icdf(cdf(x)) = x, with the ends -pi, pi at q = 0, 1."""
    q = np.array([0.0, 1e-6, 0.01, 0.3, 0.5, 0.9, 0.999, 1.0])[:, None]
    kappas = np.array([0.0, 0.5, 2.0, 49.0, 60.0, 300.0])
    got = dist.VonMises(0.0, np.where(kappas == 0, 1e-300, kappas)).icdf(q)
    np.testing.assert_allclose(got[1:-1], stats.vonmises.ppf(q[1:-1], kappas), rtol=1e-8, atol=1e-14)
    np.testing.assert_array_equal(got[[0, -1]], np.broadcast_to([[-np.pi], [np.pi]], (2, 6)))
    d = dist.VonMises(np.array([[-3.0], [0.4], [2.5]]), np.array([0.5, 2.0, 80.0]))
    x = d.icdf(q[:, None])
    np.testing.assert_allclose(d.cdf(x), np.broadcast_to(q[:, None], x.shape), atol=1e-14)
    inner = np.broadcast_to(np.array([-3.0, -1.0, 0.2, 2.0, 3.1])[:, None, None], (5, 3, 3))
    invertible = np.exp(d.log_prob(inner)) > 1e-3  # where the CDF is not flat to double precision
    np.testing.assert_allclose(d.icdf(d.cdf(inner))[invertible], inner[invertible], rtol=1e-9, atol=1e-9)


def test_shape_parameter_quantiles_compile_and_match_scipy_differences():
    """Gamma/Beta/StudentT/Chi2 icdf under ad.jit, and d icdf / d shape against central differences of scipy's ppf."""
    q, h = np.array([0.05, 0.4, 0.9]), 1e-5
    cases = [(lambda a: dist.Gamma(a, 1.5).icdf(q), lambda a: stats.gamma(a, scale=1 / 1.5).ppf(q), 2.5),
             (lambda a: dist.Beta(a, 3.0).icdf(q), lambda a: stats.beta(a, 3.0).ppf(q), 0.7),
             (lambda df: dist.StudentT(df, 0.5, 2.0).icdf(q), lambda df: stats.t(df, 0.5, 2.0).ppf(q), 4.0),
             (lambda df: dist.Chi2(df).icdf(q), lambda df: stats.chi2(df).ppf(q), 3.0)]
    for ours, ppf, a in cases:
        np.testing.assert_allclose(ad.jit(ours)(a), ppf(a), rtol=1e-10)
        expected = (ppf(a + h) - ppf(a - h)) / (2 * h)
        np.testing.assert_allclose(ad.jit(ad.jacrev(ours))(a), expected, rtol=1e-6)
        np.testing.assert_allclose(ad.jacfwd(ours)(a), expected, rtol=1e-6)


def test_truncation_is_differentiable_in_the_base_shape():
    """Truncating a Gamma with a latent concentration needs d gammainc / d a: against scipy and
    central differences of scipy's truncated log density."""
    def scipy_logp(a):
        return stats.gamma(a).logpdf(1.0) - stats.gamma(a).logcdf(2.0)

    a, h = 2.0, 1e-5
    logp = lambda a: dist.TruncatedDistribution(dist.Gamma(a, 1.0), high=2.0).log_prob(1.0)  # noqa: E731
    np.testing.assert_allclose(logp(a), scipy_logp(a), rtol=1e-12)
    np.testing.assert_allclose(ad.grad(logp)(a), (scipy_logp(a + h) - scipy_logp(a - h)) / (2 * h), rtol=1e-6)


# ---------------------------------------------------------------------------
# bad input


BAD = [
    (lambda: dist.OrderedLogistic(0.0, np.array([1.0, 0.5])), "OrderedLogistic: cutpoints must be strictly increasing"),
    (lambda: dist.OrderedProbit(0.0, 1.0), "OrderedProbit: cutpoints must be a vector"),
    (lambda: dist.GaussianRandomWalk(1.0, num_steps=0), "GaussianRandomWalk: num_steps must be a positive int"),
    (lambda: dist.MultivariateStudentT(3.0, np.zeros(2)), "MultivariateStudentT: scale_tril"),
    (lambda: dist.MultivariateStudentT(-1.0, np.zeros(2), L2), "MultivariateStudentT: df must be > 0"),
    (lambda: dist.LowRankMultivariateNormal(np.zeros(3), W42, D4), "cov_factor must have shape (..., 3, m)"),
    (lambda: dist.LowRankMultivariateNormal(np.zeros(4), W42, -D4), "cov_diag must be > 0"),
    (lambda: dist.DirichletMultinomial(np.array([1.0, -1.0]), 3), "DirichletMultinomial: concentration must be > 0"),
    (lambda: dist.GammaPoisson(0.0, 1.0), "GammaPoisson: concentration must be > 0"),
    (lambda: dist.ZeroInflatedDistribution(dist.Poisson(1.0)), "pass exactly one of gate or gate_logits"),
    (lambda: dist.ZeroInflatedDistribution(dist.Normal(), gate=0.2), "base_dist must be discrete"),
    (lambda: dist.ZeroInflatedDistribution(dist.Poisson(1.0), gate=1.5), "ZeroInflatedProbs: gate must be in [0, 1]"),
    (lambda: dist.Delta(np.zeros(2), event_dim=2), "Delta: event_dim must be an int in [0, 1]"),
    (lambda: dist.SkewNormal(0.0, -1.0, 1.0), "SkewNormal: scale must be > 0"),
    (lambda: dist.AsymmetricLaplace(0.0, 1.0, 0.0), "AsymmetricLaplace: asymmetry must be > 0"),
    (lambda: dist.LogUniform(2.0, 1.0), "LogUniform: low must be < high"),
    (lambda: dist.LogUniform(0.0, 1.0), "LogUniform: low must be > 0"),
    (lambda: dist.DiscreteUniform(3, 1), "DiscreteUniform: low must be <= high"),
    (lambda: dist.DiscreteUniform(0.5, 1), "DiscreteUniform: low must be an integer"),
    (lambda: dist.WishartCholesky(1.5, S3), "WishartCholesky: concentration must be > dimension - 1 = 2"),
    (lambda: dist.WishartCholesky(5.0), "pass exactly one of scale_matrix, rate_matrix or scale_tril"),
    (lambda: dist.CAR(0.0, 0.5, 1.0, np.triu(RING)), "CAR: adj_matrix must be symmetric"),
    (lambda: dist.CAR(0.0, 0.5, 1.0, np.zeros((3, 3))), "CAR: every site needs a neighbour"),
    (lambda: dist.CAR(0.0, 1.5, 1.0, RING), "CAR: correlation must be in (-1, 1)"),
    (lambda: dist.CAR(0.0, 0.5, 1.0, scipy.sparse.csr_matrix(RING)), "pass is_sparse=True"),
    (lambda: dist.CAR(np.zeros(4), 0.5, 1.0, RING), "CAR: loc must have last dim 5"),
    (lambda: dist.TransformedDistribution(dist.Normal(), np.exp), "transforms must be ppl.bijectors.Bijector"),
    (lambda: dist.TruncatedDistribution(dist.Poisson(1.0), low=1.0), "continuous univariate"),
    (lambda: dist.TruncatedDistribution(dist.TransformedDistribution(dist.Normal(), bij.Exp()), low=1.0),
     "TransformedDistribution has no cdf"),
    (lambda: dist.TruncatedDistribution(dist.Normal(), low=2.0, high=1.0), "low must be < high"),
    (lambda: dist.TruncatedDistribution(dist.Normal()), "pass low, high or both"),
]


@pytest.mark.parametrize("make,message", BAD, ids=[f"{m.split(':')[0]}-{i}" for i, (_, m) in enumerate(BAD)])
def test_bad_input_raises_a_named_error(make, message):
    with pytest.raises((ValueError, TypeError)) as err:
        make()
    assert message in str(err.value)


def test_every_new_family_is_in_the_table():
    modules = {"ordinal", "random_walk", "elliptical", "conjugate", "zero_inflated", "delta", "skewed", "uniforms",
               "wishart_cholesky", "car", "transformed", "truncated"}
    public = [getattr(dist, n) for n in dist.__all__]
    new = {c for c in public if isinstance(c, type) and c.__module__.rsplit(".", 1)[-1] in modules}
    new -= {dist.Gumbel, dist.BetaBinomial, dist.ZeroInflatedPoisson}  # tests/ppl/test_distributions_extra.py
    assert new - {type(build(r)) for r in ROWS} == set()


# ---------------------------------------------------------------------------
# the coverage table


def test_coverage_table_lists_every_new_family():
    rows = {r["name"]: r for r in coverage_table()}
    for name in ["OrderedLogistic", "OrderedProbit", "GaussianRandomWalk", "MultivariateStudentT",
                 "LowRankMultivariateNormal", "DirichletMultinomial", "GammaPoisson", "ZeroInflatedProbs",
                 "ZeroInflatedLogits", "Delta", "SkewNormal", "AsymmetricLaplace", "LogUniform", "DiscreteUniform",
                 "WishartCholesky", "CAR", "TransformedDistribution", "TruncatedDistribution"]:
        assert name in rows, name
    assert rows["Normal"]["cdf"] and rows["Normal"]["icdf"] and rows["Normal"]["mean"]
    assert not rows["TransformedDistribution"]["mean"] and not rows["TransformedDistribution"]["cdf"]
    for row in CDF_ROWS:  # every family whose cdf is tested says so in the table
        assert rows[type(row.dist).__name__]["cdf"], row.id
    assert "| Normal | real | yes | yes | yes | yes |  |" in format_coverage_table()


# ---------------------------------------------------------------------------
# compiled models: the jit codegen path of ppl.log_density


def _latent(name, value, constraint):
    """A latent parameter with a flat prior on ``constraint``, shaped like ``value``."""
    value = np.asarray(value, dtype=float)
    ev = constraint.event_dim
    return ppl.sample(name, dist.ImproperUniform(constraint, value.shape[: value.ndim - ev], value.shape[value.ndim - ev:]))


def counts_model(y_ord, y_probit, y_dm, y_gp, y_zip, y_zil, y_zinb, y_du):
    eta = _latent("eta", np.zeros(3), C.real)
    cuts = _latent("cuts", CUTS, C.ordered_vector)
    ppl.sample("y_ord", dist.OrderedLogistic(eta, cuts), obs=y_ord)
    ppl.sample("y_probit", dist.OrderedProbit(eta, cuts), obs=y_probit)
    alpha = _latent("alpha", np.ones(3), C.positive)
    ppl.sample("y_dm", dist.DirichletMultinomial(alpha, 6), obs=y_dm)
    rate = _latent("rate", np.ones(2), C.positive)
    ppl.sample("y_gp", dist.GammaPoisson(alpha[:2], rate), obs=y_gp)
    gate = _latent("gate", 0.5, C.unit_interval)
    ppl.sample("y_zip", dist.ZeroInflatedDistribution(dist.Poisson(rate), gate=gate), obs=y_zip)
    ppl.sample("y_zil", dist.ZeroInflatedDistribution(dist.Poisson(rate), gate_logits=eta[0]), obs=y_zil)
    ppl.sample("y_zinb", dist.ZeroInflatedNegativeBinomial2(rate, alpha[1], gate=gate), obs=y_zinb)
    ppl.sample("y_du", dist.DiscreteUniform(0, 4), obs=y_du)
    ppl.sample("d", dist.Delta(1.5, -0.25), obs=1.5)


COUNTS_DATA = (np.array([0, 2, 3]), np.array([1, 1, 0]), np.array([[1, 2, 3], [0, 0, 6]]), np.array([0, 4]),
               np.array([[0, 3], [0, 1]]), np.array([2, 0]), np.array([0, 7]), np.array([0, 4, 2]))


def vector_model(y_mvt, y_lr, y_car, y_car_sparse):
    df = _latent("df", 4.0, C.positive)
    loc = _latent("loc", np.zeros(2), C.real_vector)
    tril = _latent("tril", L2, C.lower_cholesky)
    ppl.sample("y_mvt", dist.MultivariateStudentT(df, loc, tril), obs=y_mvt)
    diag = _latent("diag", D4, C.independent(C.positive, 1))
    ppl.sample("y_lr", dist.LowRankMultivariateNormal(np.zeros(4), W42 * df, diag), obs=y_lr)
    rho = _latent("rho", 0.3, C.interval(-1.0, 1.0))
    ppl.sample("y_car", dist.CAR(0.0, rho, df, RING), obs=y_car)
    ppl.sample("y_car_sparse", dist.CAR(loc[0], rho, 2.0, scipy.sparse.csr_matrix(RING), is_sparse=True),
               obs=y_car_sparse)
    ppl.sample("walk", dist.GaussianRandomWalk(df, num_steps=3))
    ppl.sample("z_mvt", dist.MultivariateStudentT(df, loc, L2))
    ppl.sample("z_car", dist.CAR(0.0, rho, 1.0, RING))
    ppl.sample("L_w", dist.WishartCholesky(df + 2.0, scale_tril=tril))
    # the matrix bijectors of test_bijectors_more.py, as defaults and as transform=
    Z = ppl.sample("Z", dist.ImproperUniform(C.zero_sum(2), (), (3, 4)))
    P = ppl.sample("P", dist.ImproperUniform(C.column_stochastic, (), (3, 2)))
    Lr = ppl.sample("Lr", dist.Normal(0.0, 1.0).expand((4, 2)).to_event(2), transform=bij.CholeskyFactorCov(4, 2))
    ppl.sample("y_mat", dist.Normal(Z[:, :2] + P + Lr[1:], 1.0), obs=np.zeros((3, 2)))


VECTOR_DATA = (np.array([[0.5, -1.0], [2.0, 0.1]]), np.arange(4.0) - 1.5, np.linspace(-1, 1, 5),
               np.array([[0.3, -0.2, 0.1, 0.0, 0.5]]))


def univariate_model(y_sn, y_al, y_lu, y_tn, y_tg):
    loc = _latent("loc", 0.0, C.real)
    scale = _latent("scale", 1.0, C.positive)
    ppl.sample("y_sn", dist.SkewNormal(loc, scale, loc + 1.0), obs=y_sn)
    ppl.sample("y_al", dist.AsymmetricLaplace(loc, scale, 2.0), obs=y_al)
    ppl.sample("y_lu", dist.LogUniform(scale * 0.1, 10.0), obs=y_lu)
    ppl.sample("y_tn", dist.TruncatedDistribution(dist.Normal(loc, scale), low=-1.0, high=2.0), obs=y_tn)
    ppl.sample("y_tg", dist.TruncatedDistribution(dist.Gamma(2.0, scale), high=3.0), obs=y_tg)
    ppl.sample("z_sn", dist.SkewNormal(loc, scale, -2.0))
    ppl.sample("z_lu", dist.LogUniform(0.5, 4.0))
    ppl.sample("z_exp", dist.TransformedDistribution(dist.Normal(loc, scale), [bij.Affine(1.0, 0.5), bij.Exp()]))
    ppl.sample("z_simplex", dist.TransformedDistribution(dist.Normal(np.zeros(3), scale), bij.Simplex()))
    ppl.sample("z_trunc", dist.TruncatedDistribution(dist.Logistic(loc, 1.0), low=0.0))
    ppl.sample("z_trunc_gamma", dist.TruncatedDistribution(dist.Gamma(3.0, scale), high=4.0))


UNIVARIATE_DATA = (np.array([0.5, 2.0, -0.3]), np.array([-1.0, 0.2]), np.array([0.5, 3.0]),
                   np.array([0.0, 1.9, -0.9]), np.array([0.4, 2.5]))

COMPILED = [
    ("counts: ordinal, DirichletMultinomial, GammaPoisson, zero-inflated, DiscreteUniform, Delta",
     counts_model, COUNTS_DATA),
    ("vectors: MultivariateStudentT, LowRankMVN, CAR, GaussianRandomWalk, WishartCholesky, matrix bijectors",
     vector_model,
     VECTOR_DATA),
    ("univariate: SkewNormal, AsymmetricLaplace, LogUniform, Transformed, Truncated", univariate_model,
     UNIVARIATE_DATA),
]


@pytest.fixture(scope="module", params=COMPILED, ids=[c[0].split(":")[0] for c in COMPILED])
def compiled(request):
    _, model, data = request.param
    return ppl.log_density(model, *data), model, data


def test_compiled_log_density_matches_eager_evaluation(compiled):
    """logp_and_grad from the generated @njit code equals the model run eagerly on numpy (value, autodiff
    gradient) at random points, and the compiled gradient is the derivative of the compiled value."""
    ld, model, data = compiled
    eager = lambda x: anp.sum(anp.stack([anp.asarray(t) for t in ld.site_terms(x).values()]))  # noqa: E731
    rng = np.random.default_rng(9)
    for _ in range(2):
        x = rng.uniform(-1, 1, ld.dim)
        lp, g = ld.logp_and_grad(x)
        ref_lp, ref_g = ad.value_and_grad(eager)(x)
        assert np.isfinite(lp)
        np.testing.assert_allclose(lp, ref_lp, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(g, ref_g, rtol=1e-8, atol=1e-8)
    # the gradient is the derivative of the compiled value (central differences)
    x = rng.uniform(-1, 1, ld.dim)
    _, g = ld.logp_and_grad(x)
    h = 1e-6
    fd = np.array([(ld.logp_and_grad(x + h * e)[0] - ld.logp_and_grad(x - h * e)[0]) / (2 * h)
                   for e in np.eye(ld.dim)])
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-5)
