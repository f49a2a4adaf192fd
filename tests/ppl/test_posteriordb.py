"""The posteriordb programs in our DSL against log densities written independently with scipy.stats.

One row per posterior (``posteriordb_models.POSTERIORS``); each compiled ``LogDensity`` is shared
by that posterior's tests through a module-scoped fixture. At five points (the LogDensity's
initial point and four uniform(-2, 2) unconstrained draws, or draws near the reference where the
row says so) we check that

* ``ld.logp(x, jacobian=False)`` minus the direct scipy log density is one constant (Stan's
  ``~`` drops constants, our distributions keep them),
* ``ld.logp(x) - ld.logp(x, jacobian=False)`` is the log-Jacobian of Stan's transforms,
  computed in numpy from the constrained values,
* the gradient matches a five-point central difference of ``ld.logp``,

and, with the reference draws (an oracle nobody here wrote), that ``constrain(unconstrain(v))``
returns the first draw (and the transformed parameters the reference reports), and that the log
density is finite at the reference posterior mean.
"""
import zlib
from typing import NamedTuple

import numpy as np
import pytest

import ppl

from posteriordb_models import POSTERIORS, Posterior, as_draw, default_from_stan, group_stan_names, load_raw


class Case(NamedTuple):
    row: Posterior
    raw: dict
    names: list
    draws: np.ndarray
    means: np.ndarray
    ld: ppl.LogDensity
    xs: list  # the five test points (unconstrained)
    values: list  # ld.constrain at each point (computed once: eager model runs are slow for long scans)


def _points(row, ld, draws, names, raw):
    rng = np.random.default_rng(zlib.crc32(row.name.encode()))
    if row.points == "random":
        return [ld.initial_point] + [rng.uniform(-2.0, 2.0, ld.dim) for _ in range(4)]
    to_latent = default_from_stan(row)  # "reference": near the posterior (see Posterior.points)
    return [ld.unconstrain(to_latent(as_draw(names, draws[i]), raw)) + rng.normal(0.0, 0.1, ld.dim)
            for i in rng.choice(len(draws), 5, replace=False)]


def _param(row):
    marks = [pytest.mark.skip(reason=row.skip)] if row.skip else []
    return pytest.param(row, id=row.name, marks=marks)


@pytest.fixture(scope="module", params=[_param(r) for r in POSTERIORS])
def case(request):
    row = request.param
    raw, names, draws, means = load_raw(row.name)
    ld = ppl.log_density(row.model, **row.data(raw))
    xs = _points(row, ld, draws, names, raw)
    return Case(row, raw, names, draws, means, ld, xs, [ld.constrain(x) for x in xs])


def test_logp_is_direct_plus_constant(case):
    row, ld = case.row, case.ld
    diffs, scale = [], []
    for x, v in zip(case.xs, case.values):
        lp = ld.logp(x, jacobian=False)
        direct = row.direct(v, case.raw)
        assert np.isfinite(lp) and np.isfinite(direct), (x, lp, direct)
        diffs.append(lp - direct)
        scale.append(max(abs(lp), abs(direct), 1.0))
    diffs = np.array(diffs)
    assert np.all(np.abs(diffs - diffs[0]) <= 1e-8 * max(scale)), diffs


def test_log_jacobian(case):
    row, ld = case.row, case.ld
    for x, v in zip(case.xs, case.values):
        got = ld.logp(x) - ld.logp(x, jacobian=False)
        want = row.log_jac(v, case.raw)
        # the difference of two logps carries their rounding error
        tol = 1e-9 * max(abs(ld.logp(x)), 1.0)
        assert abs(got - want) <= tol, (x, got, want)


def _central_difference(f, x, i, h):
    """Five-point stencil: error O(h^4) + O(eps |f| / h)."""
    e = np.zeros_like(x)
    e[i] = h
    return (-f(x + 2 * e) + 8 * f(x + e) - 8 * f(x - e) + f(x - 2 * e)) / (12 * h)


def test_gradient_matches_finite_differences(case):
    ld = case.ld
    for x in case.xs:
        lp, g = ld.logp_and_grad(x)
        assert lp == pytest.approx(ld.logp(x), rel=1e-14, abs=1e-12)
        # step: 1e-3, or less where logp changes on a shorter scale |logp / g_i| (arma11 at |theta| > 1:
        # the MA recursion explodes and logp ~ -1e95 varies like theta^400)
        steps = 1e-3 * np.minimum(1.0, max(abs(lp), 1.0) / np.maximum(np.abs(g), 1e-300))
        fd = np.array([_central_difference(ld.logp, x, i, steps[i]) for i in range(ld.dim)])
        # atol relative to the largest component: a coordinate whose derivative is ~0 has no relative scale
        np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-6 * max(1.0, np.max(np.abs(g))), err_msg=str(x))


def test_reference_draw_round_trip(case):
    row, ld = case.row, case.ld
    draw = as_draw(case.names, case.draws[0])
    v = default_from_stan(row)(draw, case.raw)
    latent = {name: v[name] for name in ld.spec.latent}
    back = ld.constrain(ld.unconstrain(latent))
    for name, value in latent.items():
        np.testing.assert_allclose(back[name], value, rtol=1e-9, atol=1e-12, err_msg=name)
    # every quantity the reference reports is a site of ours with the Stan name and shape (theta, f:
    # transformed parameters, recomputed from the latent values)
    for name, value in group_stan_names(draw).items():
        assert name in back, f"reference quantity {name!r} is not a site of {row.model.__name__}"
        np.testing.assert_allclose(back[name], value, rtol=1e-7, atol=1e-9, err_msg=name)


def test_logp_finite_at_reference_mean(case):
    row, ld = case.row, case.ld
    v = default_from_stan(row)(as_draw(case.names, case.means), case.raw)
    x = ld.unconstrain({name: v[name] for name in ld.spec.latent})
    lp, g = ld.logp_and_grad(x)
    assert np.isfinite(lp) and np.all(np.isfinite(g)), (lp, g)
