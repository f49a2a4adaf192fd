"""autodiff.scipy.stats against scipy.stats: values with scipy's argument conventions (broadcasting, support
edges, outside the support, bad parameters), derivatives to order 2 in both modes, and jit == eager."""
from collections import namedtuple

import numpy as np
import pytest
import scipy.stats as ss

import autodiff as ad
import autodiff.numpy as anp
from autodiff.scipy import stats as ast

NAN, INF = np.nan, np.inf
LOC, SCALE = 0.5, 2.0
# points of a standardised grid mapped by x = LOC + SCALE * z: tails, the support edges z = 0 and z = 1, nan
Z = np.array([-INF, -400.0, -30.0, -3.0, -1.0, -0.2, 0.0, 1e-9, 0.3, 0.5, 1.0, 1.0 + 1e-9, 1.7, 5.0, 40.0, 400.0,
              INF, NAN])
X = LOC + SCALE * Z

# shapes: valid shape-parameter arrays; bad: invalid ones (-> nan); finite_tails: why we are finite where scipy's
# log of an underflowed pdf/cdf is -inf (more accurate, so those entries are compared as -inf == -inf)
Fam = namedtuple("Fam", "name shapes bad finite_tails rtol", defaults=(None, 1e-11))
CONTINUOUS = [
    Fam("norm", (), ()),
    Fam("t", (np.array([0.7, 3.0, 30.0, INF]),), (np.array([0.0, -1.0, NAN]),)),
    Fam("cauchy", (), ()),
    Fam("laplace", (), (), finite_tails="scipy has no _logpdf/_logcdf: log(0.5 exp(-|z|)) underflows at |z| > 745"),
    Fam("logistic", (), ()),
    Fam("expon", (), ()),
    Fam("gamma", (np.array([0.5, 1.0, 2.5, 40.0]),), (np.array([0.0, -1.0, NAN]),)),
    Fam("beta", (np.array([0.5, 1.0, 2.5, 30.0]), np.array([0.7, 1.0, 4.0, 1.0])),
        (np.array([0.0, 1.0, -1.0]), np.array([1.0, -2.0, 1.0]))),
    Fam("lognorm", (np.array([0.3, 1.0, 2.5]),), (np.array([0.0, -1.0, NAN]),)),
    Fam("uniform", (), ()),
    Fam("chi2", (np.array([0.5, 1.0, 3.0, 40.0]),), (np.array([0.0, -1.0, NAN]),)),
    Fam("invgamma", (np.array([0.5, 1.0, 2.5, 40.0]),), (np.array([0.0, -1.0, NAN]),)),
    Fam("weibull_min", (np.array([0.5, 1.0, 2.5, 7.0]),), (np.array([0.0, -1.0, NAN]),)),
    # scipy's pareto cdf 1 - z**-b cancels at z = 1 + 1e-9 (4e-9 relative error); ours is log1mexp(-b log z)
    Fam("pareto", (np.array([0.5, 1.0, 2.5, 7.0]),), (np.array([0.0, -1.0, NAN]),), rtol=1e-8),
    Fam("gumbel_r", (), ()), Fam("gumbel_l", (), ()), Fam("halfnorm", (), (), finite_tails="scipy's logsf is log(2 ndtr(-z)), which underflows"), Fam("halfcauchy", (), ()),
    # skewnorm's steep tail (cdf < 1e-6, a > 0): scipy integrates with quad (6e-9 off at z = -5, a = 3, and -inf
    # below ~1e-308); ours is Gauss-Laguerre in log space, held to mpmath in test_stats_methods.py
    Fam("skewnorm", (np.array([-3.0, 0.0, 0.5, 4.0]),), (np.array([NAN]),),
        finite_tails="scipy's quad tail underflows to -inf", rtol=1e-7),
    # vonmises cdf: scipy truncates its series at 21 terms for kappa = 5, we always sum 52: at cdf ~ 6e-6 the two
    # differ by 1e-11 relative, ours 1e-12 from quadrature of the pdf, scipy's 1e-10
    Fam("vonmises", (np.array([0.5, 1.0, 5.0, 300.0]),), (np.array([0.0, -1.0, NAN]),), rtol=1e-9),
    Fam("truncnorm", (np.array([-INF, -1.0, 0.5, -3.0]), np.array([INF, 2.0, 2.5, -1.0])),
        (np.array([1.0, 2.0, NAN]), np.array([1.0, 1.0, 3.0]))),
]
CONT_FUNCS = ("logpdf", "pdf", "logcdf", "cdf", "logsf", "sf")

K = np.array([-INF, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 2.5, 3.0, 5.0, 9.0, 10.0, 11.0, 40.0, INF, NAN])
DISCRETE = [
    Fam("poisson", (np.array([0.0, 0.4, 3.0, 25.0]),), (np.array([-1.0, NAN]),)),
    Fam("binom", (np.array([0, 1, 5, 10, 10]), np.array([0.3, 0.0, 1.0, 0.25, 0.9])),
        (np.array([2.5, -1.0, 5.0, 5.0]), np.array([0.3, 0.3, 1.5, -0.1]))),
    Fam("nbinom", (np.array([0.5, 1.0, 3.0, 12.5]), np.array([0.2, 1.0, 0.5, 0.9])),
        (np.array([0.0, -1.0, 2.0, 2.0]), np.array([0.5, 0.5, 0.0, 1.5]))),
    Fam("bernoulli", (np.array([0.0, 0.3, 1.0]),), (np.array([-0.1, 1.5, NAN]),)),
    Fam("geom", (np.array([0.1, 0.5, 1.0]),), (np.array([0.0, 1.5, NAN]),)),
    Fam("betabinom", (np.array([0, 5, 10, 10]), np.array([0.5, 1.0, 2.0, 30.0]), np.array([0.7, 1.0, 4.0, 0.5])),
        (np.array([2.5, -1.0, 5.0, 5.0]), np.array([1.0, 1.0, 0.0, 1.0]), np.array([1.0, 1.0, 1.0, -1.0]))),
]
DISC_FUNCS = ("logpmf", "pmf", "logcdf", "cdf", "logsf", "sf")


def _compare(got, expected, rtol=1e-11, finite_tails=False):
    assert np.shape(got) == np.shape(expected) and type(got) is type(expected)
    if finite_tails:
        got = np.where((expected == -INF) & (got < -700), -INF, got)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=1e-300)


def _cases(families, funcs):
    return [(f, fn) for f in families for fn in funcs if hasattr(getattr(ast, f.name), fn)]


@pytest.mark.parametrize("fam, fn", _cases(CONTINUOUS, CONT_FUNCS), ids=lambda v: getattr(v, "name", v))
def test_continuous_values_match_scipy(fam, fn):
    ours, theirs = getattr(getattr(ast, fam.name), fn), getattr(getattr(ss, fam.name), fn)
    x = X[:, None] if fam.shapes else X
    with np.errstate(all="ignore"):
        _compare(ours(x, *fam.shapes, loc=LOC, scale=SCALE), theirs(x, *fam.shapes, loc=LOC, scale=SCALE),
                 rtol=fam.rtol, finite_tails=bool(fam.finite_tails))
        _compare(ours(x, *fam.bad, loc=LOC, scale=SCALE), theirs(x, *fam.bad, loc=LOC, scale=SCALE),
                 finite_tails=bool(fam.finite_tails))
        # defaults, scalars, bad scales (and positional loc, scale)
        args = [s[1] for s in fam.shapes]
        _compare(ours(0.7, *args), theirs(0.7, *args))
        scales = np.array([-1.0, 0.0, 0.5, 3.0, NAN])
        _compare(ours(X[:, None], *args, LOC, scales), theirs(X[:, None], *args, LOC, scales),
                 finite_tails=bool(fam.finite_tails))


@pytest.mark.parametrize("fam, fn", _cases(DISCRETE, DISC_FUNCS), ids=lambda v: getattr(v, "name", v))
def test_discrete_values_match_scipy(fam, fn):
    ours, theirs = getattr(getattr(ast, fam.name), fn), getattr(getattr(ss, fam.name), fn)
    # betabinom's log tails near 0: scipy's log(1 - other tail) loses digits (see test_betabinom_log_tails...)
    rtol = 1e-5 if fam.name == "betabinom" and fn in ("logcdf", "logsf") else 1e-11
    with np.errstate(all="ignore"):
        for params in (fam.shapes, fam.bad):
            _compare(ours(K[:, None], *params), theirs(K[:, None], *params), rtol=rtol)
        _compare(ours(K[:, None], *fam.shapes, loc=1), theirs(K[:, None], *fam.shapes, loc=1), rtol=rtol)
        _compare(ours(3, *[s[-1] for s in fam.shapes]), theirs(3, *[s[-1] for s in fam.shapes]), rtol=rtol)


PPF_FAMILIES = [("gamma", (np.array([0.5, 3.0, -1.0]),)), ("beta", (np.array([0.5, 3.0, -1.0]), 2.0)),
                ("t", (np.array([0.5, 3.0, -1.0]),)), ("chi2", (np.array([0.5, 3.0, -1.0]),)),
                ("invgamma", (np.array([0.5, 3.0, -1.0]),)), ("norm", ())]


@pytest.mark.parametrize("name, shapes", PPF_FAMILIES, ids=[f[0] for f in PPF_FAMILIES])
def test_ppf_matches_scipy_and_is_differentiable(name, shapes):
    """ppf on q in and outside [0, 1], bad shapes and scales (nan), scalars; d/dq (order 2), d/dshape (order 1)."""
    q = np.array([-0.1, 0.0, 1e-10, 0.01, 0.3, 0.5, 0.9, 1 - 1e-9, 1.0, 1.2, NAN])[:, None]
    ours, theirs = getattr(ast, name).ppf, getattr(ss, name).ppf
    # invgamma's upper-tail inverse is gammaincinv(a, 1 - q): at q = 1e-10 the rounding of 1 - q costs ~1e-9
    rtol = 1e-8 if name == "invgamma" else 1e-10
    with np.errstate(all="ignore"):
        _compare(ours(q, *shapes, loc=LOC, scale=SCALE), theirs(q, *shapes, loc=LOC, scale=SCALE), rtol=rtol)
        one = [s[1] if np.ndim(s) else s for s in shapes]
        _compare(ours(0.3, *one), theirs(0.3, *one), rtol=1e-10)
        _compare(ours(0.3, *one, 0.0, -1.0), theirs(0.3, *one, 0.0, -1.0))
    qs = np.array([0.05, 0.4, 0.8])
    ad.check_grads(lambda u, loc, scale: ours(u, *one, loc, scale), (qs, L, S), order=2)
    if shapes:
        ad.check_grads(lambda s0: ours(qs, s0, *one[1:]), (np.array(one[0]),), order=1)


def test_betabinom_log_tails_keep_their_digits():
    """logsf and logcdf near 0 equal log1p(-the other tail), that tail summed from scipy's pmf; scipy's own
    log(1 - cdf) loses ~1e-6 relative there, so test_discrete_values compares those entries at a looser rtol."""
    k, n = np.arange(3.0), 9
    pmf = ss.betabinom.pmf(np.arange(10), n, 30.0, 0.5)  # mass near n: cdf(0..2) tiny
    np.testing.assert_allclose(ast.betabinom.logsf(k, n, 30.0, 0.5), np.log1p(-np.cumsum(pmf)[:3]), rtol=1e-13)
    pmf = ss.betabinom.pmf(np.arange(10), n, 0.5, 30.0)  # mass near 0: sf(6..8) tiny
    above = pmf[::-1].cumsum()[::-1][1:]  # above[k] = sf(k)
    np.testing.assert_allclose(ast.betabinom.logcdf(k + 6, n, 0.5, 30.0), np.log1p(-above[6:9]), rtol=1e-13)


def test_public_names():
    assert sorted(ast.__all__) == sorted(set(ast.__all__))
    for name in ast.__all__:
        module = getattr(ast, name)
        assert module.__all__ and all(callable(getattr(module, f)) for f in module.__all__)
        assert all(hasattr(getattr(ss, name), f) for f in module.__all__), name


# -- derivatives: check_grads order 2 (both modes) in the interior of each domain --------------------------------
XR = np.array([-2.1, -0.4, 0.9, 3.5])       # z = (x - 0.3) / 1.7 anywhere on the line (never 0: laplace's kink)
XP = np.array([0.5, 1.1, 2.9, 6.0])         # z > 0
XU = np.array([0.45, 0.9, 1.4, 1.9])        # 0 < z < 1
L, S = 0.3, 1.7
COL = np.array([[0.8], [2.5]])              # a shape parameter broadcasting against x: results are (2, 4)
KS = np.array([0.0, 1.0, 3.0, 7.0])
A_CONST, B_CONST, DF_CONST = np.array([[0.8], [2.5]]), np.array([[1.5], [0.6]]), np.array([[1.5], [7.0]])

GRAD_CASES = [
    ("norm.logpdf", ast.norm.logpdf, (XR, L, S)),
    ("norm.logcdf", ast.norm.logcdf, (XR, L, S)),
    ("norm.logsf", ast.norm.logsf, (XR, L, S)),
    ("norm.ppf", ast.norm.ppf, (np.array([0.05, 0.5, 0.9]), L, S)),
    ("t.logpdf", ast.t.logpdf, (XR, COL, L, S)),
    ("t.logcdf", lambda x, loc, scale: ast.t.logcdf(x, DF_CONST, loc, scale), (XR, L, S)),
    ("t.logsf", lambda x, loc, scale: ast.t.logsf(x, DF_CONST, loc, scale), (XR, L, S)),
    ("cauchy.logpdf", ast.cauchy.logpdf, (np.array([-9.0, -0.4, 0.9, 30.0]), L, S)),
    ("cauchy.logcdf", ast.cauchy.logcdf, (XR, L, S)),
    ("cauchy.logsf", ast.cauchy.logsf, (XR, L, S)),
    ("laplace.logpdf", ast.laplace.logpdf, (XR, L, S)),
    ("laplace.logcdf", ast.laplace.logcdf, (XR, L, S)),
    ("laplace.logsf", ast.laplace.logsf, (XR, L, S)),
    ("logistic.logpdf", ast.logistic.logpdf, (XR, L, S)),
    ("logistic.logcdf", ast.logistic.logcdf, (XR, L, S)),
    ("logistic.logsf", ast.logistic.logsf, (XR, L, S)),
    ("expon.logpdf", ast.expon.logpdf, (XP, L, S)),
    ("expon.logcdf", ast.expon.logcdf, (XP, L, S)),
    ("expon.logsf", ast.expon.logsf, (XP, L, S)),
    ("gamma.logpdf", ast.gamma.logpdf, (XP, COL, L, S)),
    ("gamma.logcdf", lambda x, loc, scale: ast.gamma.logcdf(x, A_CONST, loc, scale), (XP, L, S)),
    ("gamma.logsf", lambda x, loc, scale: ast.gamma.logsf(x, A_CONST, loc, scale), (XP, L, S)),
    ("beta.logpdf", ast.beta.logpdf, (XU, COL, np.array([1.5, 0.6, 3.0, 9.0]), L, S)),
    ("beta.logcdf", lambda x, loc, scale: ast.beta.logcdf(x, A_CONST, B_CONST, loc, scale), (XU, L, S)),
    ("beta.logsf", lambda x, loc, scale: ast.beta.logsf(x, A_CONST, B_CONST, loc, scale), (XU, L, S)),
    ("lognorm.logpdf", ast.lognorm.logpdf, (XP, COL, L, S)),
    ("lognorm.logcdf", ast.lognorm.logcdf, (XP, COL, L, S)),
    ("lognorm.logsf", ast.lognorm.logsf, (XP, COL, L, S)),
    ("uniform.logpdf", ast.uniform.logpdf, (XU, L, S)),
    ("uniform.logcdf", ast.uniform.logcdf, (XU, L, S)),
    ("uniform.logsf", ast.uniform.logsf, (XU, L, S)),
    ("poisson.logpmf", lambda mu: ast.poisson.logpmf(KS, mu), (np.array([[0.4], [6.0]]),)),
    ("poisson.logcdf", lambda mu: ast.poisson.logcdf(KS, mu), (np.array([[0.4], [6.0]]),)),
    ("poisson.logsf", lambda mu: ast.poisson.logsf(KS, mu), (np.array([[0.4], [6.0]]),)),
    ("binom.logpmf", lambda p: ast.binom.logpmf(KS, 9, p), (np.array([[0.1], [0.7]]),)),
    ("binom.logcdf", lambda p: ast.binom.logcdf(KS, 9, p), (np.array([[0.1], [0.7]]),)),
    ("binom.logsf", lambda p: ast.binom.logsf(KS, 9, p), (np.array([[0.1], [0.7]]),)),
    ("nbinom.logpmf", lambda n, p: ast.nbinom.logpmf(KS, n, p), (np.array([[0.7], [4.5]]), np.array([[0.2], [0.6]]))),
    ("nbinom.logcdf", lambda p: ast.nbinom.logcdf(KS, 2.5, p), (np.array([[0.2], [0.85]]),)),
    ("nbinom.logsf", lambda p: ast.nbinom.logsf(KS, 2.5, p), (np.array([[0.2], [0.85]]),)),
    ("bernoulli.logpmf", lambda p: ast.bernoulli.logpmf(np.array([0, 1, 1]), p), (np.array([0.2, 0.5, 0.9]),)),
    ("bernoulli.logcdf", lambda p: ast.bernoulli.logcdf(np.array([0.0, 0.5]), p), (np.array([0.2, 0.9]),)),
    ("bernoulli.logsf", lambda p: ast.bernoulli.logsf(np.array([0.0, 0.5]), p), (np.array([0.2, 0.9]),)),
    ("chi2.logpdf", ast.chi2.logpdf, (XP, COL, L, S)),
    ("chi2.logcdf", lambda x, loc, scale: ast.chi2.logcdf(x, DF_CONST, loc, scale), (XP, L, S)),
    ("invgamma.logpdf", ast.invgamma.logpdf, (XP, COL, L, S)),
    ("invgamma.logsf", lambda x, loc, scale: ast.invgamma.logsf(x, A_CONST, loc, scale), (XP, L, S)),
    ("weibull_min.logpdf", ast.weibull_min.logpdf, (XP, COL, L, S)),
    ("weibull_min.logcdf", ast.weibull_min.logcdf, (XP, COL, L, S)),
    ("weibull_min.logsf", ast.weibull_min.logsf, (XP, COL, L, S)),
    ("pareto.logpdf", ast.pareto.logpdf, (XP + 1.8, COL, L, S)),
    ("pareto.logcdf", ast.pareto.logcdf, (XP + 1.8, COL, L, S)),
    ("gumbel_r.logpdf", ast.gumbel_r.logpdf, (XR, L, S)), ("gumbel_r.logcdf", ast.gumbel_r.logcdf, (XR, L, S)),
    ("gumbel_r.logsf", ast.gumbel_r.logsf, (XR, L, S)), ("gumbel_l.logpdf", ast.gumbel_l.logpdf, (XR, L, S)),
    ("gumbel_l.logcdf", ast.gumbel_l.logcdf, (XR, L, S)),
    ("halfnorm.logpdf", ast.halfnorm.logpdf, (XP, L, S)), ("halfnorm.logcdf", ast.halfnorm.logcdf, (XP, L, S)),
    ("halfnorm.logsf", ast.halfnorm.logsf, (XP, L, S)),
    ("halfcauchy.logpdf", ast.halfcauchy.logpdf, (XP, L, S)), ("halfcauchy.logcdf", ast.halfcauchy.logcdf, (XP, L, S)),
    ("halfcauchy.logsf", ast.halfcauchy.logsf, (XP, L, S)),
    ("skewnorm.logpdf", ast.skewnorm.logpdf, (XR, np.array([[-2.0], [0.7]]), L, S)),
    ("vonmises.logpdf", ast.vonmises.logpdf, (XR, COL, L, S)),
    ("vonmises.cdf", ast.vonmises.cdf, (XR, np.array([[0.8], [2.5], [60.0]]), L, S)),
    ("vonmises.logsf", ast.vonmises.logsf, (XR, COL, L, S)),
    ("truncnorm.logpdf", ast.truncnorm.logpdf, (XU, np.array([[-0.5], [0.05]]), np.array([[1.2], [3.0]]), L, S)),
    ("truncnorm.logcdf", ast.truncnorm.logcdf, (XU, np.array([[-0.5], [0.05]]), np.array([[1.2], [3.0]]), L, S)),
    ("truncnorm.logsf", ast.truncnorm.logsf, (XU, np.array([[-0.5], [0.05]]), np.array([[1.2], [3.0]]), L, S)),
    ("geom.logpmf", lambda p: ast.geom.logpmf(KS + 1, p), (np.array([[0.1], [0.7]]),)),
    ("geom.logcdf", lambda p: ast.geom.logcdf(KS + 1, p), (np.array([[0.1], [0.7]]),)),
    ("geom.logsf", lambda p: ast.geom.logsf(KS + 1, p), (np.array([[0.1], [0.7]]),)),
    ("betabinom.logpmf", lambda a, b: ast.betabinom.logpmf(KS, 9, a, b), (np.array([[0.7], [4.5]]), np.array([[1.2], [0.6]]))),
    ("betabinom.logcdf", lambda a, b: ast.betabinom.logcdf(KS + 0.5, 9, a, b), (np.array([[0.7], [4.5]]), np.array([[1.2], [0.6]]))),
    ("betabinom.logsf", lambda a, b: ast.betabinom.logsf(KS, 9, a, b), (np.array([[0.7], [4.5]]), np.array([[1.2], [0.6]]))),
]


@pytest.mark.parametrize("name, f, args", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_grads_order_2(name, f, args):
    ad.check_grads(f, args, order=2)


@np.errstate(divide="ignore")
def test_gradients_are_zero_outside_the_support_and_nan_free():
    x = np.array([-1.0, 0.5, 0.8, 3.0, 2.5])  # support [0.5, 2.5] or [0.5, inf): below, edge, inside, (above), edge
    for f, outside in [(lambda x, a, b: ast.beta.logpdf(x, a, b, 0.5, 2.0), [0, 3]),
                       (lambda x, a, b: ast.gamma.logpdf(x, a, 0.5, 2.0), [0]),
                       (lambda x, a, b: ast.lognorm.logpdf(x, a, 0.5, 2.0), [0, 1]),
                       (lambda x, a, b: ast.uniform.logpdf(x, 0.5, 2.0 * b), [0, 3])]:
        grads = ad.grad(lambda x, a, b: anp.sum(anp.where(anp.isfinite(f(x, a, b)), f(x, a, b), 0.0)),
                        argnums=(0, 1, 2))(x, 2.0, 3.0)
        assert all(np.all(np.isfinite(g)) for g in grads)
        np.testing.assert_array_equal(grads[0][outside], 0.0)
    # invalid parameters: nan value, zero gradient
    g = ad.grad(lambda s: anp.sum(anp.where(anp.isnan(ast.norm.logpdf(1.0, 0.0, s)), 0.0, 1.0)))(np.array([-1.0, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 0.0])


def test_cdfs_are_differentiable_in_their_shape_parameters():
    """Censored models need d/d(shape) of the CDFs: first order in a, b, df, both modes, against finite differences."""
    x = np.array([0.4, 1.7, 6.0])
    ad.check_grads(lambda a: ast.gamma.logcdf(x, a, 0.1, 1.3) + ast.gamma.logsf(x, a, 0.1, 1.3),
                   (np.array([0.7, 2.5, 9.0]),), order=1)
    ad.check_grads(lambda df: ast.t.logcdf(x - 2.0, df) + ast.t.logsf(x - 2.0, df), (np.array([0.7, 3.5, 40.0]),),
                   order=1)
    ad.check_grads(lambda a, b: ast.beta.logcdf(x / 7, a, b) + ast.beta.logsf(x / 7, a, b),
                   (np.array([0.7, 2.5, 9.0]), np.array([1.5, 0.6, 3.0])), order=1)
    ad.check_grads(lambda df: ast.chi2.logcdf(x, df), (np.array([0.7, 2.5, 9.0]),), order=1)
    with pytest.raises(NotImplementedError, match="second order"):
        ad.hessian(lambda a: ast.gamma.logcdf(1.0, a))(2.0)


# -- multivariate_normal -------------------------------------------------------------------------------------------
RNG = np.random.default_rng(7)
FACTOR = RNG.standard_normal((3, 3))
COV = FACTOR @ FACTOR.T + 0.5 * np.eye(3)
MVN_CASES = [
    (RNG.standard_normal((5, 3)), dict(mean=np.array([0.1, -0.3, 2.0]), cov=COV)),
    (RNG.standard_normal((2, 4, 3)), dict(mean=[0.1, -0.3, 2.0], cov=COV)),
    (RNG.standard_normal(3), dict(mean=np.zeros(3), cov=2.0)),
    (RNG.standard_normal(3), dict(mean=np.ones(3), cov=np.array([0.5, 1.0, 4.0]))),
    (RNG.standard_normal(3), dict(cov=COV)),
    (np.array([1.0, 2.0, 3.0]), {}),
    (0.7, dict(cov=2.0)),
    (np.array([0.3, 1.0, -2.0, 4.0]), dict(mean=[1.0], cov=[[2.5]])),
    (np.array([[0.3], [1.0]]), dict(mean=1.0, cov=0.5)),
]


@pytest.mark.parametrize("x, kw", MVN_CASES)
def test_multivariate_normal_matches_scipy(x, kw):
    _compare(ast.multivariate_normal.logpdf(x, **kw), ss.multivariate_normal.logpdf(x, **kw), rtol=1e-13)
    _compare(ast.multivariate_normal.pdf(x, **kw), ss.multivariate_normal.pdf(x, **kw), rtol=1e-13)


def test_multivariate_normal_entropy():
    for kw in [{}, dict(cov=2.0), dict(mean=[0.0, 1.0], cov=[1.0, 2.0]), dict(mean=np.zeros(3), cov=COV)]:
        _compare(ast.multivariate_normal.entropy(**kw), ss.multivariate_normal.entropy(**kw), rtol=1e-13)
    ad.check_grads(lambda f: ast.multivariate_normal.entropy(None, f @ f.T + 0.5 * np.eye(3)), (FACTOR,), order=2)


def test_multivariate_normal_errors_and_grads():
    with pytest.raises(ValueError, match="mean"):
        ast.multivariate_normal.logpdf(np.zeros(3), mean=np.zeros((3, 1)), cov=COV)
    with pytest.raises(ValueError, match="Dimension mismatch"):
        ast.multivariate_normal.logpdf(np.zeros(2), mean=np.zeros(2), cov=COV)
    with pytest.raises(np.linalg.LinAlgError):
        ast.multivariate_normal.logpdf(np.zeros(3), mean=np.zeros(3), cov=-COV)

    def f(x, mean, factor):
        return ast.multivariate_normal.logpdf(x, mean, factor @ factor.T + 0.5 * np.eye(3))
    ad.check_grads(f, (RNG.standard_normal((4, 3)), np.array([0.1, -0.3, 2.0]), FACTOR), order=2)


# -- the multivariate families added with issue 10 -----------------------------------------------------------
WISH = np.stack([g @ g.T + 2.0 * np.eye(3) for g in RNG.standard_normal((4, 3, 5))], -1)
MV_CASES = [
    ("dirichlet", lambda m: m.dirichlet.logpdf(np.array([0.2, 0.3, 0.5]), [1.0, 2.0, 3.0])),
    ("dirichlet_points", lambda m: m.dirichlet.pdf(np.array([[0.2, 0.3], [0.3, 0.4], [0.5, 0.3]]), np.array([0.5, 2, 3]))),
    ("dirichlet_k_minus_1", lambda m: m.dirichlet.logpdf(np.array([0.2, 0.3]), [1.0, 2.0, 3.0])),
    ("multinomial", lambda m: m.multinomial.logpmf([[1, 2, 3], [1, 1, 1], [0, 0, 6], [7, 0, -1]], 6, [0.2, 0.3, 0.5])),
    ("multinomial_bad", lambda m: m.multinomial.pmf([1, 2, 3], [6, -1], [[0.2, 0.3, 0.5], [0.2, 0.3, 0.5]])),
    ("multivariate_t", lambda m: m.multivariate_t.logpdf(WISH[0].T, [0.1, 0.2, 0.3], COV, 4.5)),
    ("multivariate_t_1d", lambda m: m.multivariate_t.pdf(np.array([0.3, 1.0, 2.0]), 1.0, 2.0, 3.0)),
    ("multivariate_t_default", lambda m: m.multivariate_t.logpdf(np.array([0.3, 1.0]))),
    ("wishart", lambda m: m.wishart.logpdf(WISH, 5.5, COV)), ("wishart_one", lambda m: m.wishart.pdf(WISH[..., 0], 4, COV)),
    ("wishart_scalar", lambda m: m.wishart.logpdf(2.0, 3.0, 1.5)),
    # the moments and entropies scipy has for them
    ("dirichlet_mean", lambda m: m.dirichlet.mean([0.5, 2.0, 3.5])),
    ("dirichlet_var", lambda m: m.dirichlet.var(np.array([0.5, 2.0, 3.5]))),
    ("dirichlet_cov", lambda m: m.dirichlet.cov([0.5, 2.0, 3.5])),
    ("dirichlet_entropy", lambda m: m.dirichlet.entropy([0.5, 2.0, 3.5])),
    ("multinomial_mean", lambda m: m.multinomial.mean(np.array([3, 7, -1]), [[0.1, 0.9], [0.5, 0.5], [0.5, 0.5]])),
    ("multinomial_cov", lambda m: m.multinomial.cov(10, np.array([0.2, 0.3, 0.5]))),
    ("multinomial_cov_batch", lambda m: m.multinomial.cov(np.array([[0], [4]]), np.array([[0.3, 0.7], [1.2, -0.2]]))),
    ("multinomial_entropy", lambda m: m.multinomial.entropy(np.array([[0], [4], [25]]), [0.2, 0.3, 0.5])),
    ("multinomial_entropy_bad", lambda m: m.multinomial.entropy(np.array([3, -1, 3]),
                                                                [[0.2, 0.8], [0.2, 0.8], [1.2, -0.2]])),
    ("multivariate_t_entropy", lambda m: [m.multivariate_t.entropy([0, 0, 0], COV, df)
                                          for df in (0.5, 3.0, 50.0, 300.0, 1e4, np.inf)]),
    ("multivariate_t_entropy_default", lambda m: [m.multivariate_t.entropy()]),
    ("multivariate_t_entropy_1d", lambda m: [m.multivariate_t.entropy(None, 2.0, 4.0)]),
    ("wishart_mean", lambda m: m.wishart.mean(5.0, COV)), ("wishart_mean_1d", lambda m: m.wishart.mean(3.0, 2.0)),
    ("wishart_mode", lambda m: m.wishart.mode(5.0, COV)), ("wishart_mode_none", lambda m: m.wishart.mode(2.5, COV)),
    ("wishart_var", lambda m: m.wishart.var(4.0, np.array([1.0, 2.0]))),
    ("wishart_entropy", lambda m: [m.wishart.entropy(df, COV) for df in (2.5, 5.0, 40.0)]),
]


@pytest.mark.parametrize("f", [c[1] for c in MV_CASES], ids=[c[0] for c in MV_CASES])
def test_multivariate_families_match_scipy(f):
    with np.errstate(all="ignore"):
        ours, theirs = f(ast), f(ss)
    if theirs is None:  # wishart.mode below df = dim + 1
        assert ours is None
    elif isinstance(theirs, list):  # values only: scipy's multivariate_t.entropy is a 0-d array or a float by df
        np.testing.assert_allclose(np.array(ours, dtype=float), np.array(theirs, dtype=float), rtol=1e-11)
    else:
        _compare(ours, theirs, rtol=1e-12)


def _sym(f):
    return f @ f.T + np.eye(3)


MV_METHOD_GRADS = [
    ("dirichlet", lambda a: [ast.dirichlet.mean(a), ast.dirichlet.var(a), ast.dirichlet.cov(a), ast.dirichlet.entropy(a)],
     (np.array([0.5, 2.0, 3.5]),), 2),
    ("multinomial", lambda p: [ast.multinomial.mean(7, p), ast.multinomial.cov(7, p), ast.multinomial.entropy(7, p)],
     (np.array([0.2, 0.3, 0.5]),), 2),
    ("multivariate_t", lambda f, df: [ast.multivariate_t.entropy(None, _sym(f), df),
                                      ast.multivariate_t.entropy(None, _sym(f), df * 1e3)], (FACTOR, 4.5), 2),
    ("wishart", lambda f, df: [ast.wishart.mean(df, _sym(f)), ast.wishart.mode(df, _sym(f)), ast.wishart.var(df, _sym(f)),
                               ast.wishart.entropy(df, _sym(f))], (FACTOR, 5.5), 2),
]


@pytest.mark.parametrize("f, args, order", [c[1:] for c in MV_METHOD_GRADS], ids=[c[0] for c in MV_METHOD_GRADS])
def test_multivariate_methods_grads(f, args, order):
    ad.check_grads(lambda *a: sum(anp.sum(o) for o in f(*a)), args, order=order)


def test_multivariate_methods_compile():
    def f(a, p, fac, df):
        out = ast.dirichlet.entropy(a) + anp.sum(ast.dirichlet.cov(a)) + anp.sum(ast.multinomial.cov(7, p))
        out = out + ast.multinomial.entropy(7, p) + ast.multivariate_t.entropy(None, _sym(fac), df)
        return out + ast.wishart.entropy(df, _sym(fac)) + anp.sum(ast.wishart.var(df, _sym(fac)))
    _compiled_vs_eager(f, (np.array([0.5, 2.0, 3.5]), np.array([0.2, 0.3, 0.5]), FACTOR, 5.5))


def test_multivariate_methods_errors():
    with pytest.raises(ValueError, match="greater than 0"):
        ast.dirichlet.mean([1.0, -1.0])
    with pytest.raises(ValueError, match="one dimensional"):
        ast.dirichlet.entropy(np.ones((2, 2)))
    with pytest.raises(ValueError, match="Degrees of freedom must be greater"):
        ast.wishart.mean(1.5, COV)
    with pytest.raises(ValueError, match="must be square"):
        ast.wishart.entropy(5.0, np.ones((2, 3)))
    with pytest.raises(TypeError, match="n must be concrete"):
        ad.jit(lambda n: ast.multinomial.entropy(n, [0.2, 0.8]))(3.0)


def test_multivariate_families_grads_and_errors():
    ad.check_grads(lambda x, a: ast.dirichlet.logpdf(x / anp.sum(x), a), (np.array([0.2, 0.3, 0.5]), np.array([0.5, 2, 3])),
                   order=2)
    ad.check_grads(lambda p: ast.multinomial.logpmf([1.0, 2.0, 3.0], 6, p), (np.array([0.2, 0.3, 0.5]),), order=2)
    ad.check_grads(lambda x, loc, f, df: ast.multivariate_t.logpdf(x, loc, f @ f.T + np.eye(3), df),
                   (WISH[0].T, np.array([0.1, 0.2, 0.3]), FACTOR, 4.5), order=2)
    ad.check_grads(lambda x, df, f: ast.wishart.logpdf(x, df, f @ f.T + np.eye(3)), (WISH, 5.5, FACTOR), order=1)
    with pytest.raises(ValueError, match="simplex"):
        ast.dirichlet.logpdf(np.array([0.2, 0.3, 0.6]), [1.0, 2.0, 3.0])


def _added_shape_families(x, c, p):
    total = 0.0
    for name in ("chi2", "invgamma", "weibull_min", "pareto", "vonmises", "skewnorm"):
        total = total + _finite_sum(getattr(ast, name).logpdf(x, c, 0.3, 1.7))
    return total


def _added_other_families(x, c, p):
    total = 0.0
    for name in ("gumbel_r", "gumbel_l", "halfnorm", "halfcauchy"):
        total = total + _finite_sum(getattr(ast, name).logpdf(x, 0.3, 1.7) + getattr(ast, name).logsf(x, 0.3, 1.7))
    total = total + _finite_sum(ast.truncnorm.logpdf(x, -0.5, c, 0.3, 1.7) + ast.truncnorm.logcdf(x, -0.5, c))
    k = np.array([0.0, 1.0, 2.0, 3.0, 5.0, 9.0])
    return total + _finite_sum(ast.geom.logpmf(k, p) + ast.betabinom.logpmf(k, 9, c, 2.0)
                               + ast.betabinom.logcdf(k, 9, c, 2.0) + ast.vonmises.logcdf(x, c, 0.3, 1.7))


@pytest.mark.parametrize("f", [_added_shape_families, _added_other_families], ids=["shapes", "others"])
def test_jit_added_families(f):
    # two programs: Numba's compile time grows faster than linearly with a function's length
    _compiled_vs_eager(f, (np.array([-3.0, 0.2, 0.7, 1.4, 2.9, 8.0]), np.array([0.5, 1.0, 2.5, 7.0, 1.5, 3.0]),
                           np.array([0.1, 0.2, 0.5, 0.7, 0.9, 1.0])))


# -- jit == eager: one compiled function per group of families (values and gradients) -------------------------
def _compiled_vs_eager(f, args):
    program = ad.value_and_grad(f, argnums=tuple(range(len(args))))
    with np.errstate(all="ignore"):
        for c, e in zip(ad.tree_leaves(ad.jit(program)(*args)), ad.tree_leaves(program(*args))):
            np.testing.assert_allclose(c, e, rtol=1e-12, atol=1e-300)


def _finite_sum(v):
    """Sum of the finite entries (gradients through the -inf ones must be exactly zero)."""
    return anp.sum(anp.where(anp.isfinite(v), v, 0.0))


@pytest.mark.parametrize("families, tail", [(("norm", "cauchy", "laplace"), "logcdf"),
                                           (("logistic", "expon", "uniform", "lognorm"), "logsf")])
def test_jit_location_scale_families(families, tail):
    # logpdf and one tail per family (the eager tests cover the rest); two groups keep each function small,
    # since Numba's compile time grows faster than linearly with its length
    def f(x, loc, scale, s):
        total = 0.0
        for name in families:
            shapes = (s,) if name == "lognorm" else ()
            m = getattr(ast, name)
            total = total + _finite_sum(m.logpdf(x, *shapes, loc, scale) + getattr(m, tail)(x, *shapes, loc, scale))
        return total
    x, s = np.array([-3.0, 0.2, 0.7, 1.4, 2.9, 8.0]), np.array([0.4, 1.2, 2.0, 0.8, 1.0, 3.0])
    _compiled_vs_eager(f, (x, 0.3, 1.7, s))


def test_jit_shape_families():
    def f(x, df, a, b, loc, scale):
        return _finite_sum(ast.t.logpdf(x, df, loc, scale) + ast.gamma.logpdf(x, a, loc, scale)
                           + ast.beta.logpdf(x, a, b, loc, scale))
    _compiled_vs_eager(f, (np.array([-3.0, 0.2, 0.7, 1.4, 1.9, 8.0]), np.array([0.8, 3.0, 40.0, np.inf, 2.0, 1.0]),
                           np.array([0.5, 1.0, 2.5, 7.0, 1.5, 3.0]), 1.3, 0.3, 1.7))


def test_jit_discrete_families():
    k = np.array([-1.0, 0.0, 1.0, 2.5, 3.0, 7.0, 12.0])

    def f(mu, p, n):
        return _finite_sum(ast.poisson.logpmf(k, mu) + ast.binom.logpmf(k, 10, p) + ast.nbinom.logpmf(k, n, p)
                           + ast.bernoulli.logpmf(k, p) + ast.bernoulli.logcdf(k, p) + ast.bernoulli.logsf(k, p))
    _compiled_vs_eager(f, (np.array([0.3, 1.0, 2.0, 4.0, 0.0, 9.0, 12.0]),
                           np.array([0.1, 0.2, 0.5, 0.7, 0.9, 1.0, 0.0]), 2.5))


def test_jit_multivariate_normal():
    def f(x, mean, factor):
        return anp.sum(ast.multivariate_normal.logpdf(x, mean, factor @ factor.T + 0.5 * np.eye(3)))
    _compiled_vs_eager(f, (RNG.standard_normal((4, 3)), np.array([0.1, -0.3, 2.0]), FACTOR))


def test_jit_incomplete_gamma_beta_cdfs():
    def f(x, k, p, mu):
        out = ast.t.logcdf(x, 3.5) + ast.t.logsf(x, 3.5) + ast.gamma.logcdf(x, 2.5) + ast.gamma.logsf(x, 2.5)
        out = out + ast.beta.logcdf(x, 2.0, 0.5, 0.0, 10.0) + ast.beta.logsf(x, 2.0, 0.5, 0.0, 10.0)
        out = out + ast.poisson.logcdf(k, mu) + ast.poisson.logsf(k, mu) + ast.binom.logcdf(k, 9, p)
        return _finite_sum(out + ast.binom.logsf(k, 9, p) + ast.nbinom.logcdf(k, 2.5, p) + ast.nbinom.logsf(k, 2.5, p))
    _compiled_vs_eager(f, (np.array([-3.0, 0.2, 0.7, 1.4, 2.9, 8.0]), np.array([-1.0, 0.0, 1.0, 3.0, 9.0, 12.0]),
                           np.array([0.1, 0.2, 0.5, 0.7, 0.9, 0.95]), 2.5))
