"""Diagnostics: quiet on well-behaved chains, each warning fires on a chain built to fail it (from RawChains and
from the ArviZ output alike), and the vectorised R-hat / ESS equal ArviZ's per-parameter functions."""

import re
import warnings

import arviz as az
import numpy as np
import pytest

from samplers import convergence
from samplers.diagnostics import CORRELATION_CONDITION_MAX, SamplerWarning, ebfmi, report, warn
from samplers.to_arviz import to_arviz
from synthetic_chains import diverge, eight_schools_density, synthetic_raw


@pytest.fixture(scope="module")
def ld():
    return eight_schools_density()


def good(ld, **kw):
    return synthetic_raw(ld.dim, chains=4, draws=1000, tune=10, seed=11, **kw)


def random_walk(rng, chains, draws, dim, step=0.05):
    return np.cumsum(rng.normal(scale=step, size=(chains, draws, dim)), axis=1)


def with_divergences(raw):
    return diverge(raw, chain=2, draws=[3, 40, 41, 500])


def with_tree_depth_hits(raw):
    raw.stats["tree_depth"][0, :25] = raw.settings["max_tree_depth"]
    return raw


def with_low_ebfmi(raw):
    raw.stats["energy"][1] = 50 + np.cumsum(np.random.default_rng(2).normal(size=raw.draws.shape[1]))
    return raw


def with_a_shifted_chain(raw):
    raw.draws[3] += 2.0
    return raw


def with_sticky_draws(raw):
    raw.draws[:] = random_walk(np.random.default_rng(5), *raw.draws.shape)
    return raw


def interrupted(raw):
    raw.complete = False
    return raw


# case -> (how to spoil good chains, text every message about it contains)
CASES = {
    "divergences": (with_divergences, "4 of 4000 transitions after warmup (0.1%) were divergent"),
    "tree depth": (with_tree_depth_hits, "25 of 4000 transitions after warmup (0.6%) reached the maximum tree depth 10"),
    "E-BFMI": (with_low_ebfmi, "E-BFMI below 0.3 (chain 1: "),
    "R-hat": (with_a_shifted_chain, "R-hat above 1.01 for"),
    "bulk ESS": (with_sticky_draws, "bulk ESS below 100 per chain (400 for 4 chains)"),
    "tail ESS": (with_sticky_draws, "tail ESS below 100 per chain"),
    "interrupted": (interrupted, "The run was interrupted"),
}


STATS_ONLY = {"divergences", "tree depth", "E-BFMI", "interrupted"}


def test_quiet_on_good_chains(ld):
    raw = good(ld)
    assert report(raw) == []
    assert report(to_arviz(raw, ld)) == []


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("source", ["raw", "arviz"])
def test_each_warning_fires(ld, case, source):
    spoil, text = CASES[case]
    raw = spoil(good(ld))
    messages = report(raw if source == "raw" else to_arviz(raw, ld))
    assert any(text in m for m in messages), messages
    if case in STATS_ONLY:  # the draws are untouched: nothing else may fire
        assert len(messages) == 1, messages


def test_messages_say_what_to_do(ld):
    messages = report(with_a_shifted_chain(with_divergences(good(ld))))
    assert "Increase target_accept (now 0.8" in messages[0] and "reparameterise" in messages[0]
    rhat_message = next(m for m in messages if m.startswith("R-hat"))
    assert "Run longer" in rhat_message and ("for mu" in rhat_message or "for z[" in rhat_message)


def correlated(raw, condition):
    """Draws mixed so that coordinates 1 and 2 are correlated with condition number `condition` of the
    correlation matrix (eigenvalues 1 +- rho), every other coordinate independent."""
    rho = (condition - 1) / (condition + 1)
    a, b = np.sqrt((1 + rho) / 2), np.sqrt((1 - rho) / 2)
    x1, x2 = raw.draws[..., 1].copy(), raw.draws[..., 2].copy()
    raw.draws[..., 1], raw.draws[..., 2] = a * x1 + b * x2, a * x1 - b * x2
    return raw


@pytest.mark.parametrize("source", ["raw", "arviz"])
def test_dense_metric_suggested_for_a_correlated_posterior_that_mixed_badly(ld, source):
    raw = with_a_shifted_chain(correlated(good(ld), condition=5 * CORRELATION_CONDITION_MAX))
    if source == "raw":
        messages = report(raw)
    else:
        messages = report(to_arviz(raw, ld), unconstrained=(raw.draws, ld.param_names))
    hint = [m for m in messages if 'mass="dense"' in m]
    assert len(hint) == 1, messages
    condition = float(re.search(r"condition number (\d+)", hint[0]).group(1))
    assert 0.8 < condition / (5 * CORRELATION_CONDITION_MAX) < 1.25, hint  # to sampling noise
    names = ld.param_names[1:3] if source == "arviz" else ["unconstrained coordinate 1", "unconstrained coordinate 2"]
    assert all(name in hint[0] for name in names), hint


@pytest.mark.parametrize("spoil, condition", [
    (with_a_shifted_chain, 0.5 * CORRELATION_CONDITION_MAX),   # mixed badly, but correlations are mild
    (lambda raw: raw, 5 * CORRELATION_CONDITION_MAX),         # strongly correlated, but sampled well
])
def test_no_dense_hint_unless_correlated_and_mixing_badly(ld, spoil, condition):
    messages = report(spoil(correlated(good(ld), condition)))
    assert not any('mass="dense"' in m for m in messages), messages


def test_no_dense_hint_when_the_metric_is_dense(ld):
    raw = with_a_shifted_chain(correlated(good(ld), condition=5 * CORRELATION_CONDITION_MAX))
    raw.settings["mass"] = "dense"
    assert not any('mass="dense"' in m for m in report(raw))


def test_hmc_has_no_tree_depth_check(ld):
    raw = with_tree_depth_hits(good(ld))
    raw.sampler = "hmc"
    assert report(raw) == []


def test_warn_emits_sampler_warnings(ld):
    with pytest.warns(SamplerWarning, match="divergent"):
        messages = warn(with_divergences(good(ld)))
    assert len(messages) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert warn(good(ld)) == []


def test_ebfmi_matches_arviz():
    energy = np.random.default_rng(0).normal(size=(3, 300)).cumsum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = az.bfmi(energy)
    np.testing.assert_allclose(ebfmi(energy), expected, rtol=1e-12)


def ar1(rng, chains, draws, dim, phi):
    x = rng.normal(size=(chains, draws, dim))
    for t in range(1, draws):
        x[:, t] += phi * x[:, t - 1]
    return x


def _arviz_columns(fn, x, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.array([float(fn(x[:, :, j], **kw)) for j in range(x.shape[-1])])


@pytest.mark.parametrize("chains, draws, phi", [(4, 500, 0.0), (4, 400, 0.9), (2, 51, 0.5), (3, 200, -0.6),
                                                (4, 300, 0.99), (3, 7, 0.3)])
def test_rhat_and_ess_equal_arviz(chains, draws, phi):
    x = ar1(np.random.default_rng(int(100 * phi) + draws), chains, draws, 5, phi)
    x[1] += 0.3                           # chains that disagree
    x[..., 2] = np.exp(x[..., 2])         # skewed
    x[..., 3] = np.round(x[..., 3])       # ties
    x[..., 4] = 1.5                       # constant
    r, bulk, tail = convergence.rhat_and_ess(x)
    np.testing.assert_allclose(r, _arviz_columns(az.rhat, x, method="rank"), rtol=1e-10, equal_nan=True)
    np.testing.assert_allclose(bulk, _arviz_columns(az.ess, x, method="bulk"), rtol=1e-10)
    np.testing.assert_allclose(tail, _arviz_columns(az.ess, x, method="tail", prob=(0.05, 0.95)), rtol=1e-10)


def test_a_run_interrupted_during_warmup_converts_and_reports():
    """Ctrl-C before the first kept draw: zero draws per chain, still an ArviZ object and a report."""
    import ppl
    from sampler_models import SIGMA, Y, eight_schools
    from samplers.raw import STAT_DTYPES, RawChains

    ld = ppl.log_density(eight_schools, SIGMA, y=Y)
    empty = lambda n: np.zeros((2, n, ld.dim))  # noqa: E731
    stats = lambda n: {k: np.zeros((2, n), d) for k, d in STAT_DTYPES.items()}  # noqa: E731
    raw = RawChains(empty(0), stats(0), empty(0), empty(5), stats(5), empty(5), np.zeros(2, np.int64),
                    np.array([5, 5]), False, "nuts", dict(draws=10, tune=10), dict(sampling_s=0.1))
    idata = to_arviz(raw, ld)
    assert idata.posterior["mu"].shape == (2, 0)
    messages = report(idata)
    assert len(messages) == 1 and "interrupted" in messages[0]


def test_rhat_and_ess_on_threads_equal_one_block(monkeypatch):
    x = ar1(np.random.default_rng(5), 4, 300, 40, 0.7)
    x[2] += 0.2
    one_block = convergence.rhat_and_ess(x)
    monkeypatch.setattr(convergence, "PARALLEL_MIN_VALUES", 1)
    monkeypatch.setattr(convergence, "_available_cores", lambda: 3)
    assert len(convergence._parameter_blocks(x.size, x.shape[-1])) == 3
    for a, b in zip(convergence.rhat_and_ess(x), one_block):
        np.testing.assert_array_equal(a, b)
