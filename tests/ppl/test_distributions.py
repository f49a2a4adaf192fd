"""Distributions against scipy.stats: log densities, moments, sampling, shapes and validation.

The table follows NumPyro's ``test_distributions.py``: each row is a distribution
and its parameters; ``ORACLE`` maps the distribution class to its scipy.stats
twin (a frozen distribution, or a loop over the batch where scipy does not
broadcast). Per-row skips carry their reason in the row.
"""

import math
import zlib
from typing import Callable, NamedTuple

import numpy as np
import pytest
from scipy import integrate, special as sp, stats

import ppl.distributions as dist
from ppl.distributions import constraints


class T(NamedTuple):
    """A table row: ``make(**params)`` builds the distribution."""

    make: Callable
    params: dict
    id: str
    skip_moments: str = ""  # reason to skip the sampling-moments test
    skip_closed_form: str = ""  # reason to skip comparing mean/variance with scipy's
    oracle: Callable = None  # overrides ORACLE[type(d)]: d -> object with logpdf (and maybe mean/var)
    n_samples: int = 20000


def _seed(name):
    return zlib.crc32(name.encode())


def _spd(d, seed, batch=()):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(batch + (d, d))
    return a @ np.swapaxes(a, -1, -2) + d * np.eye(d)


S2, S3 = _spd(2, 0), _spd(3, 1)
S3_BATCH = _spd(3, 2, (2,))
L3 = np.linalg.cholesky(S3)


def logp(oracle, x):
    """scipy calls it logpmf for discrete distributions."""
    f = getattr(oracle, "logpdf", None) or oracle.logpmf
    return f(x)


class Looped:
    """scipy's multivariate frozen distributions do not broadcast parameters: loop over the batch.

    ``make(d, index)`` returns the scipy frozen distribution of batch element ``index``.
    """

    def __init__(self, d, make):
        self.d, self.make = d, make

    def logpdf(self, x):
        d = self.d
        ev = len(d.event_shape)
        x = np.asarray(x, dtype=float)
        batch = np.broadcast_shapes(x.shape[: x.ndim - ev], d.batch_shape)
        x = np.broadcast_to(x, batch + d.event_shape)
        out = np.empty(batch)
        nb = len(d.batch_shape)
        for idx in np.ndindex(*batch):
            bidx = idx[len(batch) - nb :]
            out[idx] = logp(self.make(d, bidx), x[idx])
        return out

    def _moment(self, name):
        d = self.d
        out = np.empty(d.batch_shape + d.event_shape)
        for idx in np.ndindex(*d.batch_shape):
            out[idx] = getattr(self.make(d, idx), name)()
        return out

    def mean(self):
        return self._moment("mean")

    def var(self):
        return self._moment("var")


class Oracle:
    """An oracle written from a density formula where scipy has no twin."""

    def __init__(self, logpdf, mean=None, var=None):
        self.logpdf = logpdf
        if mean is not None:
            self.mean = mean
        if var is not None:
            self.var = var


def _b(d, x, extra=()):
    """Broadcast a parameter to the batch (+ extra trailing dims)."""
    return np.broadcast_to(np.asarray(x, dtype=float), d.batch_shape + extra)


def _halfstudent(d):
    def logpdf(x):
        x = np.asarray(x, dtype=float)
        return np.where(x >= 0, math.log(2) + stats.t.logpdf(x, d.df, scale=d.scale), -np.inf)

    def moment(k):
        # numerical integration of the folded density, independent of the closed forms
        out = np.empty(d.batch_shape)
        for idx in np.ndindex(*d.batch_shape):
            df, sc = _b(d, d.df)[idx], _b(d, d.scale)[idx]
            f = lambda x: x**k * 2 * stats.t.pdf(x, df, scale=sc)  # noqa: E731
            out[idx] = integrate.quad(f, 0, np.inf)[0]
        return out

    return Oracle(logpdf, mean=lambda: moment(1), var=lambda: moment(2) - moment(1) ** 2)


def _mixture_same_family(d):
    w = np.asarray(d.mixing_distribution.probs)
    c = d.component_distribution
    comp = stats.norm(c.loc, c.scale)

    def logpdf(x):
        x = np.asarray(x, dtype=float)[..., None]
        return sp.logsumexp(np.log(w) + comp.logpdf(x), axis=-1)

    return Oracle(logpdf)


def _mixture_general(d):
    w = np.asarray(d.mixing_distribution.probs)
    comps = [ORACLE[type(c)](c) for c in d.component_distributions]

    def logpdf(x):
        x = np.asarray(x, dtype=float)
        lps = np.broadcast_arrays(*[logp(c, x) for c in comps])
        return sp.logsumexp(np.log(w) + np.stack(lps, axis=-1), axis=-1)

    return Oracle(logpdf)


def _mixture_mvn(d):
    w = np.asarray(d.mixing_distribution.probs)
    c = d.component_distribution
    locs, covs = np.asarray(c.mean), np.asarray(c.covariance_matrix)

    def logpdf(x):
        x = np.asarray(x, dtype=float)
        lps = [stats.multivariate_normal(locs[k], covs[k]).logpdf(x) for k in range(len(w))]
        return sp.logsumexp(np.log(w) + np.stack(lps, axis=-1), axis=-1)

    return Oracle(logpdf)


ORACLE = {
    dist.Normal: lambda d: stats.norm(d.loc, d.scale),
    dist.StudentT: lambda d: stats.t(d.df, d.loc, d.scale),
    dist.Cauchy: lambda d: stats.cauchy(d.loc, d.scale),
    dist.Laplace: lambda d: stats.laplace(d.loc, d.scale),
    dist.Logistic: lambda d: stats.logistic(d.loc, d.scale),
    dist.TruncatedNormal: lambda d: stats.truncnorm(
        -np.inf if d.low is None else (d.low - d.loc) / d.scale,
        np.inf if d.high is None else (d.high - d.loc) / d.scale,
        d.loc,
        d.scale,
    ),
    dist.VonMises: lambda d: stats.vonmises(d.concentration, d.loc),
    dist.HalfNormal: lambda d: stats.halfnorm(scale=d.scale),
    dist.HalfCauchy: lambda d: stats.halfcauchy(scale=d.scale),
    dist.HalfStudentT: _halfstudent,
    dist.LogNormal: lambda d: stats.lognorm(d.scale, scale=np.exp(d.loc)),
    dist.Exponential: lambda d: stats.expon(scale=1 / d.rate),
    dist.Gamma: lambda d: stats.gamma(d.concentration, scale=1 / d.rate),
    dist.InverseGamma: lambda d: stats.invgamma(d.concentration, scale=d.rate),
    dist.Weibull: lambda d: stats.weibull_min(d.concentration, scale=d.scale),
    dist.Beta: lambda d: stats.beta(d.concentration1, d.concentration0),
    dist.Uniform: lambda d: stats.uniform(d.low, d.high - d.low),
    dist.BernoulliProbs: lambda d: stats.bernoulli(d.probs),
    dist.BernoulliLogits: lambda d: stats.bernoulli(sp.expit(d.logits)),
    dist.BinomialProbs: lambda d: stats.binom(d.total_count, d.probs),
    dist.BinomialLogits: lambda d: stats.binom(d.total_count, sp.expit(d.logits)),
    dist.Poisson: lambda d: stats.poisson(d.rate),
    dist.NegativeBinomial2: lambda d: stats.nbinom(
        d.concentration, d.concentration / (d.concentration + np.asarray(d.mean))
    ),
    dist.NegativeBinomialProbs: lambda d: stats.nbinom(d.total_count, 1 - d.probs),
    dist.NegativeBinomialLogits: lambda d: stats.nbinom(d.total_count, sp.expit(-np.asarray(d.logits))),
    dist.GeometricProbs: lambda d: stats.geom(d.probs, loc=-1),
    dist.GeometricLogits: lambda d: stats.geom(sp.expit(d.logits), loc=-1),
    dist.CategoricalProbs: lambda d: Looped(d, lambda d, i: _OneHot(_b(d, d.probs, (d.num_categories,))[i])),
    dist.CategoricalLogits: lambda d: Looped(
        d, lambda d, i: _OneHot(sp.softmax(_b(d, d.logits, (d.num_categories,))[i]))
    ),
    dist.MultinomialProbs: lambda d: Looped(
        d, lambda d, i: stats.multinomial(_b(d, d.total_count)[i], _b(d, d.probs, d.event_shape)[i])
    ),
    dist.MultinomialLogits: lambda d: Looped(
        d, lambda d, i: stats.multinomial(_b(d, d.total_count)[i], sp.softmax(_b(d, d.logits, d.event_shape)[i]))
    ),
    dist.MultivariateNormal: lambda d: Looped(
        d,
        lambda d, i: stats.multivariate_normal(
            _b(d, d.loc, d.event_shape)[i], _b(d, d.covariance_matrix, d.event_shape * 2)[i]
        ),
    ),
    dist.Dirichlet: lambda d: Looped(d, lambda d, i: stats.dirichlet(_b(d, d.concentration, d.event_shape)[i])),
    dist.Wishart: lambda d: Looped(
        d, lambda d, i: stats.wishart(_b(d, d.df)[i], _b(d, d.scale_matrix, d.event_shape)[i])
    ),
    dist.InverseWishart: lambda d: Looped(
        d, lambda d, i: stats.invwishart(_b(d, d.df)[i], _b(d, d.scale_matrix, d.event_shape)[i])
    ),
}


class _OneHot:
    """Categorical as a one-trial scipy multinomial on one-hot vectors."""

    def __init__(self, probs):
        self.frozen, self.k = stats.multinomial(1, probs), len(probs)

    def logpdf(self, x):
        if not (x == np.floor(x) and 0 <= x < self.k):
            return -np.inf
        return self.frozen.logpmf(np.eye(self.k)[int(x)])


def lkj_oracle(d):
    """LKJ: Lewandowski, Kurowicka and Joe (2009) eq. 16 normaliser, written independently of the code."""
    D = d.dimension

    def log_c(eta):
        log_c = 0.0
        for k in range(1, D):
            b = eta + (D - k - 1) / 2
            log_c += (2 * eta - 2 + D - k) * (D - k) * math.log(2) + (D - k) * sp.betaln(b, b)
        return log_c

    def logpdf(x):
        x = np.asarray(x, dtype=float)
        batch = np.broadcast_shapes(x.shape[:-2], d.batch_shape)
        eta = np.broadcast_to(d.concentration, batch)
        logdet = np.linalg.slogdet(np.broadcast_to(x, batch + (D, D)))[1]
        return (eta - 1) * logdet - np.vectorize(log_c)(eta)

    return Oracle(logpdf)


def lkj_cholesky_oracle(d):
    """LKJ density of C = L L^T plus log|dC/dL| = sum_i (D - i - 1) log L_ii (0-based, LKJ 2009)."""
    D = d.dimension
    corr = lkj_oracle(d)

    def logpdf(L):
        L = np.asarray(L, dtype=float)
        C = L @ np.swapaxes(L, -1, -2)
        diag = np.diagonal(L, axis1=-2, axis2=-1)
        log_jac = np.sum((D - np.arange(D) - 1) * np.log(diag), axis=-1)
        return corr.logpdf(C) + log_jac

    return Oracle(logpdf)


ORACLE[dist.LKJ] = lkj_oracle
ORACLE[dist.LKJCholesky] = lkj_cholesky_oracle


HEAVY = "infinite or undefined variance"
ROWS = [
    # real line
    T(dist.Normal, dict(loc=0.0, scale=1.0), "normal-scalar"),
    T(dist.Normal, dict(loc=[-1.0, 0.0, 2.5], scale=[0.5, 1.0, 3.0]), "normal-vector"),
    T(dist.Normal, dict(loc=[[0.0], [1.0]], scale=[0.5, 1.0, 2.0]), "normal-broadcast"),
    T(dist.StudentT, dict(df=5.0, loc=0.5, scale=2.0), "studentt-scalar"),
    T(dist.StudentT, dict(df=[0.8, 1.5, 3.0], loc=0.0, scale=1.0), "studentt-heavy", skip_moments=HEAVY,
      skip_closed_form="mean for df <= 1: scipy says inf, we say nan (as NumPyro); see test_undefined_moments"),
    T(dist.StudentT, dict(df=[1.2, 1.5, 3.0], loc=0.0, scale=1.0), "studentt-infinite-variance", skip_moments=HEAVY),
    T(dist.StudentT, dict(df=[[6.0], [30.0]], loc=[0.0, 1.0], scale=2.0), "studentt-broadcast"),
    T(dist.Cauchy, dict(loc=0.0, scale=1.0), "cauchy-scalar", skip_moments=HEAVY),
    T(dist.Cauchy, dict(loc=[0.0, 2.0], scale=[[1.0], [0.5]]), "cauchy-broadcast", skip_moments=HEAVY),
    T(dist.Laplace, dict(loc=0.0, scale=1.0), "laplace-scalar"),
    T(dist.Laplace, dict(loc=[-1.0, 3.0], scale=[[0.5], [2.0]]), "laplace-broadcast"),
    T(dist.Logistic, dict(loc=0.0, scale=1.0), "logistic-scalar"),
    T(dist.Logistic, dict(loc=[-1.0, 3.0, 0.0], scale=[0.5, 2.0, 1.0]), "logistic-vector"),
    T(dist.TruncatedNormal, dict(loc=0.0, scale=1.0, low=-1.0, high=2.0), "truncnorm-both"),
    T(dist.TruncatedNormal, dict(loc=[0.0, 1.0, -1.0], scale=[1.0, 2.0, 0.5], low=0.5), "truncnorm-low"),
    T(dist.TruncatedNormal, dict(loc=0.0, scale=1.0, high=[-3.0, 0.0, 1.0]), "truncnorm-high"),
    T(dist.TruncatedNormal, dict(loc=0.0, scale=1.0, low=4.0, high=6.0), "truncnorm-far-tail"),
    T(dist.TruncatedNormal, dict(loc=[[1.0], [-2.0]], scale=2.0, low=[-1.0, 0.0], high=3.0), "truncnorm-broadcast"),
    T(dist.TruncatedNormal, dict(loc=1.0, scale=2.0), "truncnorm-none"),
    T(dist.VonMises, dict(loc=0.5, concentration=2.0), "vonmises-scalar",
      skip_moments="circular: test_vonmises_moments"),
    T(dist.VonMises, dict(loc=[-1.0, 0.0, 1.0], concentration=[0.1, 1.0, 10.0]), "vonmises-vector",
      skip_moments="circular: test_vonmises_moments"),
    # positive
    T(dist.HalfNormal, dict(scale=1.0), "halfnormal-scalar"),
    T(dist.HalfNormal, dict(scale=[0.5, 2.0, 4.0]), "halfnormal-vector"),
    T(dist.HalfCauchy, dict(scale=1.0), "halfcauchy-scalar", skip_moments=HEAVY),
    T(dist.HalfCauchy, dict(scale=[0.5, 2.0]), "halfcauchy-vector", skip_moments=HEAVY),
    T(dist.HalfStudentT, dict(df=10.0, scale=1.0), "halfstudentt-scalar"),
    T(dist.HalfStudentT, dict(df=[6.0, 30.0], scale=[[1.0], [2.0]]), "halfstudentt-broadcast"),
    T(dist.HalfStudentT, dict(df=[0.7, 1.5], scale=1.0), "halfstudentt-heavy", skip_moments=HEAVY,
      skip_closed_form="the quadrature oracle cannot integrate divergent moments"),
    T(dist.LogNormal, dict(loc=0.0, scale=0.5), "lognormal-scalar"),
    T(dist.LogNormal, dict(loc=[0.0, 1.0], scale=[[0.25], [0.5]]), "lognormal-broadcast"),
    T(dist.Exponential, dict(rate=1.0), "exponential-scalar"),
    T(dist.Exponential, dict(rate=[0.5, 2.0, 10.0]), "exponential-vector"),
    T(dist.Gamma, dict(concentration=2.0, rate=1.0), "gamma-scalar"),
    T(dist.Gamma, dict(concentration=[0.5, 1.0, 5.0], rate=[2.0, 1.0, 0.5]), "gamma-vector"),
    T(dist.Gamma, dict(concentration=[[0.3], [3.0]], rate=[1.0, 4.0]), "gamma-broadcast"),
    T(dist.InverseGamma, dict(concentration=6.0, rate=2.0), "invgamma-scalar"),
    T(dist.InverseGamma, dict(concentration=[7.0, 10.0], rate=[1.0, 3.0]), "invgamma-vector"),
    T(dist.InverseGamma, dict(concentration=[0.5, 1.5, 3.0], rate=1.0), "invgamma-heavy", skip_moments=HEAVY),
    T(dist.Weibull, dict(scale=1.0, concentration=1.5), "weibull-scalar"),
    T(dist.Weibull, dict(scale=[1.0, 2.0], concentration=[[0.7], [3.0]]), "weibull-broadcast"),
    # unit interval
    T(dist.Beta, dict(concentration1=2.0, concentration0=3.0), "beta-scalar"),
    T(dist.Beta, dict(concentration1=[0.5, 1.0, 5.0], concentration0=[0.5, 2.0, 1.0]), "beta-vector"),
    T(dist.Beta, dict(concentration1=[[0.3], [4.0]], concentration0=[1.0, 7.0]), "beta-broadcast"),
    T(dist.Uniform, dict(low=0.0, high=1.0), "uniform-scalar"),
    T(dist.Uniform, dict(low=[-1.0, 0.0], high=[1.0, 5.0]), "uniform-vector"),
    T(dist.Uniform, dict(low=[[0.0], [2.0]], high=3.0), "uniform-broadcast"),
    # discrete
    T(dist.Bernoulli, dict(probs=0.3), "bernoulli-probs"),
    T(dist.Bernoulli, dict(probs=[0.1, 0.5, 0.9]), "bernoulli-probs-vector"),
    T(dist.Bernoulli, dict(logits=[-2.0, 0.0, 3.0]), "bernoulli-logits"),
    T(dist.Binomial, dict(total_count=10, probs=0.3), "binomial-probs"),
    T(dist.Binomial, dict(total_count=[5, 20], probs=[[0.2], [0.7]]), "binomial-broadcast"),
    T(dist.Binomial, dict(total_count=7, logits=[-1.0, 1.0]), "binomial-logits"),
    T(dist.Poisson, dict(rate=3.0), "poisson-scalar"),
    T(dist.Poisson, dict(rate=[0.5, 5.0, 50.0]), "poisson-vector"),
    T(dist.NegativeBinomial, dict(mean=3.0, concentration=2.0), "negbinom2-scalar"),
    T(dist.NegativeBinomial, dict(mean=[1.0, 10.0], concentration=[[0.5], [5.0]]), "negbinom2-broadcast"),
    T(dist.NegativeBinomialProbs, dict(total_count=5.0, probs=0.3), "negbinom-probs"),
    T(dist.NegativeBinomialProbs, dict(total_count=[2.0, 10.0], probs=[0.5, 0.2]), "negbinom-probs-vector"),
    T(dist.NegativeBinomialLogits, dict(total_count=[2.5, 10.0], logits=[-0.5, 1.2]), "negbinom-logits-vector"),
    T(dist.Geometric, dict(probs=0.3), "geometric-probs"),
    T(dist.Geometric, dict(probs=[0.1, 0.9]), "geometric-probs-vector"),
    T(dist.Geometric, dict(logits=[-1.0, 2.0]), "geometric-logits"),
    T(dist.Categorical, dict(probs=[0.2, 0.3, 0.5]), "categorical-probs",
      skip_moments="mean is nan: test_categorical_frequencies"),
    T(dist.Categorical, dict(probs=[[0.1, 0.9], [0.5, 0.5]]), "categorical-probs-batch",
      skip_moments="mean is nan: test_categorical_frequencies"),
    T(dist.Categorical, dict(logits=[[1.0, 2.0, 3.0, 0.0], [0.0, 0.0, 0.0, 0.0]]), "categorical-logits",
      skip_moments="mean is nan: test_categorical_frequencies"),
    T(dist.Multinomial, dict(total_count=10, probs=[0.2, 0.3, 0.5]), "multinomial-probs"),
    T(dist.Multinomial, dict(total_count=[3, 8], probs=[[0.1, 0.9], [0.5, 0.5]]), "multinomial-batch"),
    T(dist.Multinomial, dict(total_count=5, logits=[0.0, 1.0, 2.0]), "multinomial-logits"),
    # multivariate
    T(dist.MultivariateNormal, dict(loc=[1.0, -1.0], covariance_matrix=S2), "mvn-cov"),
    T(dist.MultivariateNormal, dict(loc=np.arange(6.0).reshape(3, 2), scale_tril=np.linalg.cholesky(S2)),
      "mvn-tril-batch"),
    T(dist.MultivariateNormal, dict(loc=[0.0, 1.0, 2.0], precision_matrix=S3), "mvn-precision"),
    T(dist.MultivariateNormal, dict(loc=0.0, covariance_matrix=S3_BATCH), "mvn-cov-batch"),
    T(dist.MultivariateNormal, dict(loc=np.ones((2, 1, 3)), precision_matrix=S3_BATCH), "mvn-precision-broadcast"),
    T(dist.Dirichlet, dict(concentration=[1.0, 2.0, 3.0]), "dirichlet"),
    T(dist.Dirichlet, dict(concentration=[[0.5, 0.5], [5.0, 2.0]]), "dirichlet-batch"),
    T(dist.Dirichlet, dict(concentration=[0.3, 0.4, 0.5, 2.0]), "dirichlet-small"),
    # matrices
    T(dist.Wishart, dict(df=5.0, scale_matrix=S3), "wishart", n_samples=8000),
    T(dist.Wishart, dict(df=[4.0, 7.0], scale_tril=np.linalg.cholesky(S2)), "wishart-tril-batch", n_samples=8000),
    T(dist.Wishart, dict(df=6.0, scale_matrix=S3_BATCH), "wishart-scale-batch", n_samples=8000),
    T(dist.InverseWishart, dict(df=12.0, scale_matrix=S3), "invwishart", n_samples=8000),
    T(dist.InverseWishart, dict(df=[9.0, 14.0], scale_matrix=S2), "invwishart-batch", n_samples=8000),
    T(dist.InverseWishart, dict(df=4.0, scale_tril=L3), "invwishart-heavy", skip_moments=HEAVY,
      skip_closed_form="scipy returns nan for the infinite mean and variance; see test_undefined_moments"),
    T(dist.LKJ, dict(dimension=3, concentration=1.0), "lkj-uniform", n_samples=8000),
    T(dist.LKJ, dict(dimension=4, concentration=[0.5, 2.0]), "lkj-batch", n_samples=8000),
    T(dist.LKJCholesky, dict(dimension=2, concentration=1.5), "lkjchol-2", skip_moments="no mean (as NumPyro)"),
    T(dist.LKJCholesky, dict(dimension=4, concentration=[[0.5], [1.0], [3.0]]), "lkjchol-batch",
      skip_moments="no mean (as NumPyro)"),
    # mixtures
    T(lambda w, loc, scale: dist.MixtureSameFamily(dist.Categorical(probs=w), dist.Normal(loc, scale)),
      dict(w=[0.3, 0.7], loc=[-1.0, 2.0], scale=[0.5, 1.0]), "mixture-same-family", oracle=_mixture_same_family),
    T(lambda w, loc, scale: dist.MixtureSameFamily(dist.Categorical(probs=w), dist.Normal(loc, scale)),
      dict(w=[[0.3, 0.7], [0.9, 0.1]], loc=[[-1.0, 2.0]], scale=[[0.5, 1.0], [2.0, 0.3]]), "mixture-same-family-batch",
      oracle=_mixture_same_family),
    T(lambda w: dist.Mixture(dist.Categorical(probs=w),
                             [dist.Normal(-2.0, 1.0), dist.StudentT(8.0, 1.0, 0.5), dist.Laplace([3.0, 0.0], 2.0)]),
      dict(w=[0.2, 0.3, 0.5]), "mixture-general", oracle=_mixture_general),
    T(lambda w, loc: dist.MixtureSameFamily(dist.Categorical(probs=w),
                                            dist.MultivariateNormal(loc, covariance_matrix=S3_BATCH)),
      dict(w=[0.4, 0.6], loc=[[0.0, 1.0, 2.0], [-3.0, 0.0, 3.0]]), "mixture-mvn", oracle=_mixture_mvn),
]
IDS = [r.id for r in ROWS]


def build(row):
    return row.make(**{k: (np.asarray(v) if isinstance(v, list) else v) for k, v in row.params.items()})


def oracle_of(row, d):
    return (row.oracle or ORACLE[type(d)])(d)


def rng_for(row, salt=""):
    return np.random.default_rng(_seed(row.id + salt))


# ---------------------------------------------------------------------------
# log densities


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_log_prob_matches_scipy(row):
    d = build(row)
    x = d.sample(rng_for(row), (5,))
    lp = np.asarray(d.log_prob(x))
    assert lp.shape == (5,) + d.batch_shape
    np.testing.assert_allclose(lp, logp(oracle_of(row, d), x), rtol=1e-10, atol=1e-10)


SCALAR_ROWS = [r for r in ROWS if not build(r).event_shape]
# points on and off every scalar support, including boundaries and non-integers
GRID = np.array([-3.5, -1.0, -0.0, 0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 7.0])


@pytest.mark.parametrize("row", SCALAR_ROWS, ids=[r.id for r in SCALAR_ROWS])
def test_log_prob_on_grid_matches_scipy(row):
    """Fixed points, off the support too: scipy's -inf (and +inf at singular boundaries) must match."""
    d = build(row)
    x = GRID.reshape((-1,) + (1,) * len(d.batch_shape))
    with np.errstate(all="ignore"):
        ours = np.asarray(d.log_prob(x))
        ref = np.broadcast_to(logp(oracle_of(row, d), x), ours.shape)
    np.testing.assert_array_equal(np.isfinite(ours), np.isfinite(ref))
    np.testing.assert_array_equal(ours[~np.isfinite(ours)], ref[~np.isfinite(ref)])
    fin = np.isfinite(ref)
    np.testing.assert_allclose(ours[fin], ref[fin], rtol=1e-10, atol=1e-10)


def test_log_prob_extreme_values():
    """Numerically hard regimes stay accurate: far-tail truncation, large logits, tiny probabilities."""
    d = dist.TruncatedNormal(0.0, 1.0, low=30.0, high=31.0)
    ref = stats.truncnorm(30.0, 31.0).logpdf(30.01)
    np.testing.assert_allclose(d.log_prob(30.01), ref, rtol=1e-9)
    d = dist.TruncatedNormal(0.0, 1.0, low=-31.0, high=-30.0)
    np.testing.assert_allclose(d.log_prob(-30.01), ref, rtol=1e-9)
    d = dist.TruncatedNormal(0.0, 1.0, low=-1e-4, high=1e-4)  # narrow: Z = Phi(b) - Phi(a) cancels
    np.testing.assert_allclose(d.log_prob(0.0), stats.truncnorm(-1e-4, 1e-4).logpdf(0.0), rtol=1e-10)
    np.testing.assert_allclose(dist.Bernoulli(logits=-800.0).log_prob(1), -800.0, rtol=1e-12)
    np.testing.assert_allclose(dist.Bernoulli(logits=800.0).log_prob(1), 0.0, atol=1e-12)
    np.testing.assert_allclose(dist.Logistic(0.0, 1.0).log_prob(-800.0), -800.0, rtol=1e-12)
    np.testing.assert_allclose(dist.VonMises(0.0, 1e4).log_prob(0.0), stats.vonmises(1e4).logpdf(0.0), rtol=1e-10)
    np.testing.assert_allclose(
        dist.Categorical(logits=np.array([0.0, -1000.0])).log_prob(1), -1000.0, rtol=1e-12
    )


# ---------------------------------------------------------------------------
# moments: closed forms against scipy, and samples against closed forms


def _scipy_moments(row, d):
    o = oracle_of(row, d)
    if not (hasattr(o, "mean") and hasattr(o, "var")):
        return None
    with np.errstate(all="ignore"):
        return np.asarray(o.mean(), dtype=float), np.asarray(o.var(), dtype=float)


# scipy has no usable closed-form moments for these (circular, nan, absent, or not per batch element)
NO_SCIPY_MOMENTS = (dist.VonMises, dist.CategoricalProbs, dist.CategoricalLogits, dist.LKJ, dist.LKJCholesky,
                    dist.MixtureSameFamily, dist.MixtureGeneral, dist.MultivariateNormal, dist.MultinomialProbs,
                    dist.MultinomialLogits)
MOMENT_ROWS = [r for r in ROWS if not r.skip_closed_form and not isinstance(build(r), NO_SCIPY_MOMENTS)]


@pytest.mark.parametrize("row", MOMENT_ROWS, ids=[r.id for r in MOMENT_ROWS])
def test_mean_variance_match_scipy(row):
    d = build(row)
    ref = _scipy_moments(row, d)
    assert ref is not None, "every row here has scipy moments"
    shape = d.batch_shape + d.event_shape
    mean, var = np.asarray(d.mean), np.asarray(d.variance)
    assert mean.shape == shape and var.shape == shape
    np.testing.assert_allclose(mean, np.broadcast_to(ref[0], shape), rtol=1e-7, equal_nan=True)
    np.testing.assert_allclose(var, np.broadcast_to(ref[1], shape), rtol=1e-7, equal_nan=True)


SAMPLE_ROWS = [r for r in ROWS if not r.skip_moments]


@pytest.mark.parametrize("row", SAMPLE_ROWS, ids=[r.id for r in SAMPLE_ROWS])
def test_sample_moments(row):
    """Sample mean and variance within 5 standard errors of ``mean`` and ``variance`` (fixed seed)."""
    d = build(row)
    n = row.n_samples
    x = np.asarray(d.sample(rng_for(row, "moments"), (n,)), dtype=float)
    assert x.shape == (n,) + d.batch_shape + d.event_shape
    mean, var = np.asarray(d.mean), np.asarray(d.variance)
    m, s2 = x.mean(0), x.var(0)
    mu4 = ((x - m) ** 4).mean(0)
    se_mean = np.sqrt(var / n)
    se_var = np.sqrt(np.maximum(mu4 - s2**2, 0) / n)
    assert np.all(np.abs(m - mean) <= 5 * se_mean + 1e-12), (m, mean, se_mean)
    assert np.all(np.abs(s2 - var) <= 5 * se_var + 1e-12), (s2, var, se_var)


def test_undefined_moments():
    """Undefined moments are nan and divergent ones inf (NumPyro's conventions)."""
    t = dist.StudentT(np.array([0.8, 1.5, 3.0]))
    np.testing.assert_array_equal(t.mean, [np.nan, 0.0, 0.0])
    np.testing.assert_array_equal(t.variance, [np.nan, np.inf, 3.0])
    h = dist.HalfStudentT(np.array([0.7, 1.5]))
    assert np.isinf(h.mean[0]) and np.isfinite(h.mean[1]) and np.all(np.isinf(h.variance))
    iw = dist.InverseWishart(4.0, scale_tril=L3)
    assert np.all(np.isinf(iw.mean)) and np.all(np.isinf(iw.variance))
    assert np.all(np.isfinite(dist.InverseWishart(5.0, scale_tril=L3).mean))
    assert np.all(np.isnan(dist.Cauchy().mean)) and np.all(np.isinf(dist.HalfCauchy().variance))


def test_vonmises_moments():
    """Circular mean and circular variance 1 - |E exp(ix)| from samples; draws lie in [-pi, pi]."""
    d = dist.VonMises(np.array([-3.0, 0.0, 1.0]), np.array([0.5, 1.0, 10.0]))
    n = 20000
    x = d.sample(np.random.default_rng(0), (n,))
    assert np.all(np.abs(x) <= np.pi)
    z = np.exp(1j * x)
    r = z.mean(0)
    # standard errors of the real and imaginary parts of the mean resultant
    se = np.sqrt(np.maximum(z.real.var(0), z.imag.var(0)) / n)
    expected = (1 - np.asarray(d.variance)) * np.exp(1j * np.asarray(d.mean))
    assert np.all(np.abs(r - expected) <= 5 * np.sqrt(2) * se)


@pytest.mark.parametrize(
    "d",
    [
        dist.Categorical(probs=np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])),
        dist.Categorical(logits=np.array([1.0, 2.0, 3.0, 0.0])),
    ],
    ids=["probs", "logits"],
)
def test_categorical_frequencies(d):
    n = 20000
    x = d.sample(np.random.default_rng(1), (n,))
    assert x.dtype.kind == "i"
    freq = (x[..., None] == np.arange(d.num_categories)).mean(0)
    p = np.asarray(d.probs)
    assert np.all(np.abs(freq - p) <= 5 * np.sqrt(p * (1 - p) / n) + 1e-12)


def test_mvn_sample_covariance():
    d = dist.MultivariateNormal(np.array([1.0, 2.0, 3.0]), precision_matrix=S3)
    x = d.sample(np.random.default_rng(2), (40000,))
    cov = np.linalg.inv(S3)
    emp = np.cov(x, rowvar=False)
    # se of a sample covariance entry: sqrt((S_ii S_jj + S_ij^2) / n) for Gaussian data
    se = np.sqrt((np.outer(np.diag(cov), np.diag(cov)) + cov**2) / 40000)
    assert np.all(np.abs(emp - cov) <= 5 * se)
    np.testing.assert_allclose(d.covariance_matrix, cov, rtol=1e-10)
    np.testing.assert_allclose(d.scale_tril @ d.scale_tril.T, cov, rtol=1e-10)


# ---------------------------------------------------------------------------
# LKJ normalisation: independent oracles


@pytest.mark.parametrize("eta", [0.5, 1.0, 2.5])
def test_lkj_dimension_2_is_a_scaled_beta(eta):
    """For D = 2, (r + 1) / 2 ~ Beta(eta, eta), so p(r) = Beta(eta, eta).pdf((r + 1) / 2) / 2."""
    r = np.array([-0.9, -0.3, 0.0, 0.5, 0.99])
    ref = stats.beta(eta, eta).logpdf((r + 1) / 2) - math.log(2)
    L = np.zeros((len(r), 2, 2))
    L[:, 0, 0], L[:, 1, 0], L[:, 1, 1] = 1.0, r, np.sqrt(1 - r**2)
    C = L @ np.swapaxes(L, -1, -2)
    np.testing.assert_allclose(dist.LKJCholesky(2, eta).log_prob(L), ref, rtol=1e-10)
    np.testing.assert_allclose(dist.LKJ(2, eta).log_prob(C), ref, rtol=1e-10)


@pytest.mark.parametrize("eta", [0.8, 1.0, 3.0])
def test_lkj_cholesky_dimension_3_integrates_to_one(eta):
    """Quadrature of exp(log_prob) over the free entries (L10, L20, L21) of a 3x3 factor.

    L10 = sin(t), t in (-pi/2, pi/2); (L20, L21) = sin(s) (cos th, sin th), s in (0, pi/2):
    dL10 dL20 dL21 = cos(t) sin(s) cos(s) dt ds dth. Gauss-Legendre in t and s, and the
    trapezoid rule (exact for trigonometric polynomials) in the periodic th.
    """
    n = 80
    u, w = np.polynomial.legendre.leggauss(n)
    t, wt = u * np.pi / 2, w * np.pi / 2
    s, ws = (u + 1) * np.pi / 4, w * np.pi / 4
    th = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    T_, S_, H_ = np.meshgrid(t, s, th, indexing="ij")
    a, rho = np.sin(T_), np.sin(S_)
    b, c = rho * np.cos(H_), rho * np.sin(H_)
    L = np.zeros(T_.shape + (3, 3))
    L[..., 0, 0] = 1.0
    L[..., 1, 0], L[..., 1, 1] = a, np.cos(T_)
    L[..., 2, 0], L[..., 2, 1], L[..., 2, 2] = b, c, np.sqrt(np.maximum(1 - b**2 - c**2, 0))
    dens = np.exp(dist.LKJCholesky(3, eta).log_prob(L))
    jac = np.cos(T_) * np.sin(S_) * np.cos(S_)
    weights = wt[:, None, None] * ws[None, :, None] * (2 * np.pi / len(th))
    total = np.sum(dens * jac * weights)
    np.testing.assert_allclose(total, 1.0, rtol=2e-4)


def test_lkj_dimension_3_uniform_volume():
    """LKJ(3, 1) is uniform on 3x3 correlation matrices, whose volume is pi^2 / 2."""
    np.testing.assert_allclose(dist.LKJ(3, 1.0).log_prob(np.eye(3)), -math.log(math.pi**2 / 2), rtol=1e-12)


@pytest.mark.parametrize("dim,eta", [(3, 2.0), (4, 0.7), (5, 1.5)])
def test_lkj_marginal_of_samples(dim, eta):
    """Each off-diagonal r of an LKJ(dim, eta) draw has (r + 1) / 2 ~ Beta(eta - 1 + dim / 2, same)."""
    C = dist.LKJ(dim, eta).sample(np.random.default_rng(dim), (4000,))
    np.testing.assert_allclose(np.diagonal(C, axis1=-2, axis2=-1), 1.0, rtol=1e-12)
    beta = eta - 1 + dim / 2
    for i, j in [(1, 0), (dim - 1, 0), (dim - 1, dim - 2)]:
        p = stats.kstest((C[:, i, j] + 1) / 2, stats.beta(beta, beta).cdf).pvalue
        assert p > 1e-3, (i, j, p)


def test_lkj_cholesky_samples_are_in_support():
    d = dist.LKJCholesky(5, np.array([0.3, 1.0, 20.0]))
    L = d.sample(np.random.default_rng(3), (100,))
    assert L.shape == (100, 3, 5, 5)
    assert np.all(constraints.corr_cholesky.check(L))


# ---------------------------------------------------------------------------
# mixtures


def test_mixture_same_family_matches_direct_logsumexp():
    w = np.array([0.2, 0.5, 0.3])
    loc, scale = np.array([-1.0, 0.0, 4.0]), np.array([0.3, 1.0, 2.0])
    d = dist.MixtureSameFamily(dist.Categorical(probs=w), dist.Normal(loc, scale))
    x = np.linspace(-3, 7, 11)
    ref = np.log(np.sum(w * stats.norm(loc, scale).pdf(x[:, None]), axis=-1))
    np.testing.assert_allclose(d.log_prob(x), ref, rtol=1e-10)
    logits = dist.MixtureSameFamily(dist.Categorical(logits=np.log(w) + 3.0), dist.Normal(loc, scale))
    np.testing.assert_allclose(logits.log_prob(x), ref, rtol=1e-10)


def test_mixture_of_discrete_components():
    w = np.array([0.6, 0.4])
    d = dist.Mixture(dist.Categorical(probs=w), dist.Poisson(np.array([1.0, 8.0])))
    assert isinstance(d, dist.MixtureSameFamily) and d.is_discrete
    k = np.arange(15)
    ref = np.log(w[0] * stats.poisson(1.0).pmf(k) + w[1] * stats.poisson(8.0).pmf(k))
    np.testing.assert_allclose(d.log_prob(k), ref, rtol=1e-10)


def test_mixture_general_rejects_mismatched_supports():
    with pytest.raises(ValueError, match="share a support"):
        dist.Mixture(dist.Categorical(probs=np.array([0.5, 0.5])), [dist.Normal(), dist.Gamma(2.0)])
    with pytest.raises(ValueError, match="2 categories but there are 3"):
        dist.Mixture(dist.Categorical(probs=np.array([0.5, 0.5])), [dist.Normal()] * 3)


# ---------------------------------------------------------------------------
# shapes: batch/event, expand, to_event


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_shapes(row):
    d = build(row)
    rng = rng_for(row, "shapes")
    x = d.sample(rng, (2, 3))
    assert x.shape == (2, 3) + d.batch_shape + d.event_shape == d.shape((2, 3))
    assert np.asarray(d.log_prob(x)).shape == (2, 3) + d.batch_shape
    # a single event broadcasts against the batch
    assert np.asarray(d.log_prob(x[0, 0][(0,) * len(d.batch_shape)])).shape == d.batch_shape
    # expand: new leading dims draw independently; log_prob broadcasts
    e = d.expand((4,) + d.batch_shape)
    assert e.batch_shape == (4,) + d.batch_shape and e.event_shape == d.event_shape
    y = e.sample(rng, (2,))
    assert y.shape == (2, 4) + d.batch_shape + d.event_shape
    np.testing.assert_allclose(e.log_prob(y), d.log_prob(y), rtol=1e-12)
    # to_event: sums the log density over the reinterpreted dims
    if d.batch_shape:
        ind = d.to_event(1)
        assert ind.batch_shape == d.batch_shape[:-1]
        assert ind.event_shape == d.batch_shape[-1:] + d.event_shape
        np.testing.assert_allclose(ind.log_prob(x), np.sum(d.log_prob(x), axis=-1), rtol=1e-12)
        assert ind.support.event_dim == d.support.event_dim + 1


def test_expand_interstitial_dims():
    loc = np.array([[0.0], [10.0], [20.0]])
    d = dist.Normal(loc, 0.01).expand((2, 3, 4))
    x = d.sample(np.random.default_rng(0), (5,))
    assert x.shape == (5, 2, 3, 4)
    np.testing.assert_allclose(x.mean(axis=(0, 1, 3)), [0.0, 10.0, 20.0], atol=0.01)
    assert np.all(np.std(x, axis=(0, 1, 3)) > 0.005)  # independent draws along expanded dims
    assert np.asarray(d.log_prob(x)).shape == (5, 2, 3, 4)
    assert d.expand((2, 3, 4)) is d
    assert d.expand((7, 2, 3, 4)).batch_shape == (7, 2, 3, 4)
    with pytest.raises(ValueError, match="cannot expand"):
        d.expand((2, 5, 4))
    np.testing.assert_allclose(d.mean, np.broadcast_to(loc, (2, 3, 4)))


def test_to_event():
    d = dist.Normal(np.zeros((2, 3)), 1.0)
    assert d.to_event(0) is d
    full = d.to_event()
    assert (full.batch_shape, full.event_shape) == ((), (2, 3))
    nested = d.to_event(1).to_event(1)
    assert isinstance(nested, dist.Independent) and nested.reinterpreted_batch_ndims == 2
    x = np.ones((2, 3))
    np.testing.assert_allclose(full.log_prob(x), np.sum(stats.norm.logpdf(x)), rtol=1e-12)
    with pytest.raises(ValueError, match="reinterpreted_batch_ndims"):
        d.to_event(3)


def test_enumerate_support():
    b = dist.Bernoulli(probs=np.array([0.2, 0.4, 0.6]))
    np.testing.assert_array_equal(b.enumerate_support(), np.broadcast_to([[0], [1]], (2, 3)))
    assert b.enumerate_support(expand=False).shape == (2, 1)
    c = dist.Categorical(probs=np.full((2, 4), 0.25))
    assert c.enumerate_support().shape == (4, 2)
    lp = c.log_prob(c.enumerate_support())
    np.testing.assert_allclose(sp.logsumexp(lp, axis=0), 0.0, atol=1e-12)
    assert c.expand((5, 2)).enumerate_support().shape == (4, 5, 2)


# ---------------------------------------------------------------------------
# improper priors


def test_improper_uniform():
    flat = dist.Flat()
    assert flat.support is constraints.real
    np.testing.assert_array_equal(flat.log_prob(np.array([-1e9, 0.0, 3.0])), np.zeros(3))
    half = dist.HalfFlat(batch_shape=(2,))
    assert half.support is constraints.positive and half.batch_shape == (2,)
    vec = dist.ImproperUniform(constraints.real, (3,), (4,))
    assert vec.support.event_dim == 1
    assert np.asarray(vec.log_prob(np.ones((5, 3, 4)))).shape == (5, 3)
    simplex = dist.ImproperUniform(constraints.simplex, (), (3,))
    assert simplex.support is constraints.simplex
    with pytest.raises(NotImplementedError, match="improper prior and cannot be sampled"):
        flat.sample(np.random.default_rng(0))
    with pytest.raises(ValueError, match="event_dim"):
        dist.ImproperUniform(constraints.simplex, (), ())


# ---------------------------------------------------------------------------
# validation


BAD = [
    (lambda: dist.HalfCauchy(-1.0), "HalfCauchy: scale must be > 0, got -1.0"),
    (lambda: dist.Normal(0.0, np.array([1.0, -2.0])), "Normal: scale must be > 0, got -2.0 at index (1,)"),
    (lambda: dist.Normal(np.nan, 1.0), "Normal: loc must be finite"),
    (lambda: dist.Gamma(0.0, 1.0), "Gamma: concentration must be > 0, got 0.0"),
    (lambda: dist.Beta(1.0, -0.5), "Beta: concentration0 must be > 0"),
    (lambda: dist.Uniform(1.0, 0.0), "Uniform: low must be < high"),
    (lambda: dist.Uniform(0.0, np.inf), "Uniform: high must be finite"),
    (lambda: dist.TruncatedNormal(0.0, 1.0, low=2.0, high=1.0), "TruncatedNormal: low must be < high"),
    (lambda: dist.Bernoulli(probs=1.5), "BernoulliProbs: probs must be in [0, 1], got 1.5"),
    (lambda: dist.Bernoulli(probs=0.5, logits=0.0), "Bernoulli: pass exactly one of probs or logits"),
    (lambda: dist.Binomial(total_count=2.5, probs=0.5), "BinomialProbs: total_count must be an integer >= 0"),
    (lambda: dist.Poisson(-1.0), "Poisson: rate must be >= 0, got -1.0"),
    (lambda: dist.NegativeBinomial(mean=-1.0, concentration=1.0), "NegativeBinomial2: mean must be > 0"),
    (lambda: dist.Categorical(probs=np.array([0.5, 0.6])), "CategoricalProbs: probs must be a simplex"),
    (lambda: dist.Dirichlet(np.array([1.0, 0.0])), "Dirichlet: concentration must be > 0"),
    (lambda: dist.MultivariateNormal(np.zeros(2), np.array([[1.0, 2.0], [2.0, 1.0]])),
     "MultivariateNormal: covariance_matrix must be a symmetric positive definite matrix"),
    (lambda: dist.MultivariateNormal(np.zeros(2), scale_tril=-np.eye(2)),
     "MultivariateNormal: scale_tril must be lower triangular with a positive diagonal"),
    (lambda: dist.MultivariateNormal(np.zeros(3), np.eye(2)), "MultivariateNormal: loc must have last dim 2"),
    (lambda: dist.MultivariateNormal(np.zeros(2)), "pass exactly one of covariance_matrix"),
    (lambda: dist.Wishart(1.5, np.eye(3)), "Wishart: df must be > dimension - 1 = 2, got 1.5"),
    (lambda: dist.LKJCholesky(3, -1.0), "LKJCholesky: concentration must be > 0"),
    (lambda: dist.LKJ(1, 1.0), "LKJ: dimension must be an int >= 2"),
    (lambda: dist.VonMises(0.0, -1.0), "VonMises: concentration must be > 0"),
]


@pytest.mark.parametrize("make,message", BAD, ids=[m.split(":")[0] + str(i) for i, (_, m) in enumerate(BAD)])
def test_bad_parameters_raise(make, message):
    with pytest.raises(ValueError) as err:
        make()
    assert message in str(err.value)


def test_validate_args_false_skips_checks():
    d = dist.HalfCauchy(-1.0, validate_args=False)
    assert d.batch_shape == ()


class _Traced:
    """Stands in for a tracer: not a numpy type, has a concrete shape."""

    shape = ()


def test_traced_parameters_are_not_validated():
    d = dist.HalfCauchy(_Traced())
    assert d.batch_shape == ()
    assert dist.Normal(0.0, _Traced()).batch_shape == ()
    d.check_value(_Traced())  # traced values are not checked either


@pytest.mark.parametrize(
    "d,value,message",
    [
        (dist.Poisson(2.0), np.array([1.0, -1.0]), "Poisson value must be an integer >= 0, got -1.0 at index (1,)"),
        (dist.Poisson(2.0), 2.5, "Poisson value must be an integer >= 0, got 2.5"),
        (dist.HalfNormal(1.0), np.array([1.0, np.nan]), "HalfNormal value must be > 0, got nan"),
        (dist.Beta(2.0, 2.0), 1.5, "Beta value must be in [0, 1], got 1.5"),
        (dist.Normal(np.zeros(3), 1.0), np.zeros(4), "does not broadcast with batch_shape (3,)"),
        (dist.MultivariateNormal(np.zeros(3), np.eye(3)), np.zeros(2), "must have event shape (3,)"),
        (dist.Dirichlet(np.ones(3)), np.array([0.5, 0.6, 0.1]), "Dirichlet value must be a simplex"),
        (dist.Uniform(0.0, 2.0), 3.0, "Uniform value must be in [0, 2], got 3.0"),
    ],
)
def test_check_value(d, value, message):
    with pytest.raises(ValueError) as err:
        d.check_value(value, site="y")
    assert str(err.value).startswith('site "y": ')
    assert message in str(err.value)


def test_check_value_accepts_valid_observations():
    dist.Poisson(np.ones(3)).check_value(np.array([[0, 1, 5]]), site="y")
    dist.Wishart(5.0, S3).check_value(S3)
    dist.LKJCholesky(3).check_value(np.eye(3))


# ---------------------------------------------------------------------------
# constraints


CONSTRAINT_CASES = [
    (constraints.real, [0.0, -1e300], [np.nan, np.inf]),
    (constraints.positive, [1e-300, 2.0], [0.0, -1.0]),
    (constraints.nonnegative, [0.0, 2.0], [-1e-300]),
    (constraints.greater_than(1.0), [1.5], [1.0, 0.0]),
    (constraints.less_than(1.0), [0.5], [1.0]),
    (constraints.interval(-1.0, 2.0), [-1.0, 2.0, 0.0], [2.1, -1.5]),
    (constraints.unit_interval, [0.0, 1.0], [1.1]),
    (constraints.boolean, [0, 1], [0.5, 2]),
    (constraints.nonnegative_integer, [0, 3.0], [-1, 0.5]),
    (constraints.positive_integer, [1, 7], [0, 1.5]),
    (constraints.integer_interval(0, 3), [0, 3], [4, -1, 1.5]),
    (constraints.integer, [-4, 0.0], [0.1]),
    (constraints.simplex, [[0.2, 0.8]], [[0.5, 0.6], [-0.1, 1.1]]),
    (constraints.ordered_vector, [[-1.0, 0.0, 3.0]], [[0.0, 0.0, 1.0]]),
    (constraints.positive_ordered_vector, [[0.1, 2.0]], [[-1.0, 2.0], [2.0, 1.0]]),
    (constraints.unit_vector, [[0.6, 0.8]], [[1.0, 1.0]]),
    (constraints.sum_to_zero, [[1.0, -0.5, -0.5]], [[1.0, 0.0]]),
    (constraints.real_vector, [[1.0, 2.0]], [[1.0, np.nan]]),
    (constraints.row_stochastic, [[[0.5, 0.5], [0.1, 0.9]]], [[[0.5, 0.5], [0.2, 0.9]]]),
    (constraints.lower_cholesky, [[[1.0, 0.0], [5.0, 2.0]]], [[[1.0, 1.0], [0.0, 1.0]], [[-1.0, 0.0], [0.0, 1.0]]]),
    (constraints.corr_cholesky, [[[1.0, 0.0], [0.6, 0.8]]], [[[1.0, 0.0], [0.6, 0.7]]]),
    (constraints.positive_definite, [S3], [-S3, S3 + np.triu(np.ones((3, 3)), 1)]),
    (constraints.corr_matrix, [[[1.0, 0.3], [0.3, 1.0]]], [[[1.0, 1.2], [1.2, 1.0]], [[2.0, 0.0], [0.0, 1.0]]]),
    (constraints.multinomial(4), [[1, 3], [4, 0]], [[1, 2], [-1, 5]]),
    (constraints.independent(constraints.positive, 2), [np.ones((2, 3))], [np.array([[1.0, 1.0], [1.0, -1.0]])]),
]


@pytest.mark.parametrize("c,good,bad", CONSTRAINT_CASES, ids=[repr(c[0]) for c in CONSTRAINT_CASES])
def test_constraint_check(c, good, bad):
    good, bad = np.asarray(good, dtype=float), np.asarray(bad, dtype=float)
    ok = np.asarray(c.check(good))
    assert ok.shape == good.shape[: good.ndim - c.event_dim] and ok.all()
    assert not np.asarray(c.check(bad)).any()
    feasible = c.feasible_like(good)
    assert np.asarray(c.check(feasible)).all()


def test_constraint_metadata():
    assert repr(constraints.interval(0.0, 2.0)) == "interval(lower_bound=0, upper_bound=2)"
    assert repr(constraints.positive) == "positive" and isinstance(constraints.positive, constraints._GreaterThan)
    assert isinstance(constraints.unit_interval, constraints._Interval)
    assert isinstance(constraints.real_vector, constraints._IndependentConstraint)
    assert constraints.sphere is constraints.unit_vector
    assert constraints.zero_sum(2).event_dim == 2 and constraints.sum_to_zero.event_dim == 1
    assert constraints.nonnegative_integer.is_discrete and not constraints.positive.is_discrete
    event_dims = [c.event_dim for c in (constraints.simplex, constraints.corr_cholesky, constraints.row_stochastic)]
    assert event_dims == [1, 2, 2]
    assert constraints.independent(constraints.simplex, 1).event_dim == 2
    assert constraints.is_dependent(constraints.dependent)
    with pytest.raises(ValueError):
        constraints.dependent.check(1.0)


# ---------------------------------------------------------------------------
# the public API


def test_all_is_complete_and_resolvable():
    assert len(dist.__all__) == len(set(dist.__all__))
    for name in dist.__all__:
        assert hasattr(dist, name), name
    for name in constraints.__all__:
        assert hasattr(constraints, name), name


def test_every_distribution_is_in_the_table():
    tested = {type(build(r)) for r in ROWS}
    tested |= {type(c) for r in ROWS for c in getattr(build(r), "component_distributions", [])}
    public = {getattr(dist, n) for n in dist.__all__}
    classes = {c for c in public if isinstance(c, type) and issubclass(c, dist.Distribution)}
    wrappers = {dist.Distribution, dist.ExpandedDistribution, dist.Independent, dist.ImproperUniform, dist.Flat,
                dist.HalfFlat,  # tested by their own tests above
                dist.DiscreteHMM, dist.GaussianHMM, dist.MarginalHMM,  # tests/ppl/test_hmm_distribution.py
                dist.Gumbel, dist.Pareto, dist.Chi2, dist.Kumaraswamy, dist.BetaBinomial,
                dist.ZeroInflatedPoisson,  # tests/ppl/test_distributions_extra.py
                dist.MaskedDistribution,  # tests/ppl/test_handlers_more.py
                dist.OrderedLogistic, dist.OrderedProbit, dist.GaussianRandomWalk, dist.MultivariateStudentT,
                dist.LowRankMultivariateNormal, dist.DirichletMultinomial, dist.GammaPoisson, dist.ZeroInflatedProbs,
                dist.ZeroInflatedLogits, dist.Delta, dist.SkewNormal, dist.AsymmetricLaplace, dist.LogUniform,
                dist.DiscreteUniform, dist.WishartCholesky, dist.CAR, dist.TransformedDistribution,
                dist.TruncatedDistribution}  # tests/ppl/test_distributions_more.py
    assert classes - wrappers - tested == set()


# ---------------------------------------------------------------------------
# gradients: every log_prob is differentiable in its continuous parameters (and continuous values)

def _grad_args(row):
    """(names of the differentiable parameters, their values): float parameters whose constraint is
    elementwise and continuous, so a small perturbation stays valid."""
    d = build(row)
    names = []
    for name, value in row.params.items():
        c = type(d).arg_constraints.get(name) if isinstance(type(d).arg_constraints, dict) else None
        c = c if c is not None else getattr(d, "arg_constraints", {}).get(name)
        v = np.asarray(value)
        if c is None or v.dtype.kind != "f" or c.is_discrete or c.event_dim != 0 or constraints.is_dependent(c):
            continue
        names.append(name)
    return names


GRAD_ROWS = [r for r in ROWS if _grad_args(r)]


@pytest.mark.parametrize("row", GRAD_ROWS, ids=[r.id for r in GRAD_ROWS])
def test_log_prob_gradients(row):
    import autodiff as ad
    import autodiff.numpy as anp
    names = _grad_args(row)
    d = build(row)
    x = np.asarray(d.sample(rng_for(row, "grad"), (3,)))
    fixed = {k: (np.asarray(v) if isinstance(v, list) else v) for k, v in row.params.items() if k not in names}
    continuous_value = not d.is_discrete and not d.event_shape
    args = [np.asarray(row.params[n], dtype=float) for n in names] + ([x] if continuous_value else [])

    def f(*a):
        params = dict(fixed, **dict(zip(names, a[:len(names)])))
        value = a[len(names)] if continuous_value else x
        return anp.sum(row.make(**params).log_prob(value))

    # rtol 1e-4: finite differences lose digits where a density is steep (Beta near 0 with a < 1)
    ad.check_grads(f, tuple(args), order=1, eps=1e-6, atol=1e-5, rtol=1e-4)
