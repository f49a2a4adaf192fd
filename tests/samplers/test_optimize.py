"""samplers.optimize against closed forms: MLE of a normal sample (flat priors, so MAP = MLE), the
unconstrained-space mode (sigma^2 = S/(N-1)), least squares (np.linalg.lstsq); restarts, seeds,
histories, non-convergence warnings, non-finite regions and bad settings."""
import warnings

import numpy as np
import pytest

import autodiff.numpy as anp
import ppl
import ppl.distributions as dist
import samplers
from samplers import ConvergenceWarning

Y = np.random.default_rng(0).normal(1.5, 2.0, 200)


def normal_model(y):
    mu = ppl.sample("mu", dist.Flat())
    sigma = ppl.sample("sigma", dist.HalfFlat())
    ppl.sample("y", dist.Normal(mu, sigma), obs=y)


@pytest.fixture(scope="module")
def ld():
    return ppl.log_density(normal_model, Y)


METHODS = [  # method, settings, tolerance on the optimum
    ("lbfgs", {}, 2e-4),  # scipy stops on a relative loss change of 2.2e-9: ~1e-4 in mu
    ("adam", {"learning_rate": 0.05, "steps": 5000}, 1e-3),
    ("gd", {"learning_rate": 0.002, "steps": 5000}, 1e-3),
]


@pytest.mark.parametrize("method, settings, tol", METHODS, ids=[m[0] for m in METHODS])
def test_map_with_flat_priors_is_the_mle(ld, method, settings, tol):
    res = samplers.optimize(ld, method=method, **settings)
    assert res.converged, res.message
    np.testing.assert_allclose(res.params["mu"], Y.mean(), atol=tol)
    np.testing.assert_allclose(res.params["sigma"], Y.std(), atol=tol)
    assert res.history.shape == (res.n_iter + 1,)
    assert res.history[0] >= res.history[-1] and np.isclose(res.history[-1], res.fun)
    np.testing.assert_allclose(res.logp, ld.logp(res.x, jacobian=False), rtol=1e-12)


def test_jacobian_true_finds_the_mode_of_the_unconstrained_density(ld):
    # d/d log(sigma) [-N log sigma - S / (2 sigma^2) + log sigma] = 0  =>  sigma^2 = S / (N - 1)
    res = samplers.optimize(ld, jacobian=True)
    np.testing.assert_allclose(res.params["sigma"], Y.std(ddof=1), rtol=1e-4)  # ddof=0 is 2.5e-3 away
    np.testing.assert_allclose(res.logp, ld.logp(res.x), rtol=1e-12)


def test_lbfgs_history_decreases(ld):
    res = samplers.optimize(ld, x0={"mu": -5.0, "sigma": 20.0})
    assert res.n_iter > 3 and np.all(np.diff(res.history) <= 1e-9)


def test_restarts_keep_the_best_and_the_same_seed_gives_the_same_result(ld):
    a = samplers.optimize(ld, restarts=4, seed=3, method="adam", steps=50, warn=False)
    b = samplers.optimize(ld, restarts=4, seed=3, method="adam", steps=50, warn=False)
    assert len(a.runs) == 4 and a.fun == min(r[0] for r in a.runs)
    np.testing.assert_array_equal(a.x, b.x)
    c = samplers.optimize(ld, restarts=4, seed=4, method="adam", steps=50, warn=False)
    assert not np.array_equal(a.x, c.x)


@pytest.mark.parametrize("method", ["lbfgs", "adam"])
def test_the_result_is_the_same_for_any_number_of_cores(ld, method):
    # the starts run side by side on `cores` threads, each with its own buffers; L-BFGS's preconditioner
    # is estimated once, before they start: every run, and so the result, is bit for bit the same
    runs = [samplers.optimize(ld, restarts=5, seed=2, method=method, cores=cores, warn=False) for cores in (1, 2, 3)]
    for other in runs[1:]:
        np.testing.assert_array_equal(other.x, runs[0].x)
        np.testing.assert_array_equal(other.history, runs[0].history)
        assert other.runs == runs[0].runs and other.n_evals == runs[0].n_evals


def test_several_given_starts_are_used_first(ld):
    x0 = np.stack([ld.unconstrain({"mu": m, "sigma": 1.0}) for m in (-3.0, 0.0, 3.0)])
    res = samplers.optimize(ld, x0=x0, restarts=2, method="gd", steps=1, warn=False)
    assert len(res.runs) == 3


def test_not_converging_warns_and_says_so(ld):
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        res = samplers.optimize(ld, method="adam", steps=3)
    assert not res.converged and res.n_iter == 3 and "steps=3" in res.message
    with pytest.warns(ConvergenceWarning):
        assert not samplers.optimize(ld, method="lbfgs", steps=1).converged


def test_a_plain_function_of_a_pytree_matches_lstsq():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3 + 0.1 * rng.normal(size=50)
    expected = np.linalg.lstsq(np.column_stack([X, np.ones(50)]), y, rcond=None)[0]

    def sse(p, X, y):
        return anp.sum((X @ p["w"] + p["b"] - y) ** 2)

    x0 = {"w": np.zeros(3), "b": 0.0}
    for method, settings in [("lbfgs", {}), ("adam", {"learning_rate": 0.05, "steps": 5000})]:
        res = samplers.optimize(sse, x0=x0, args=(X, y), method=method, **settings)
        np.testing.assert_allclose(res.params["w"], expected[:3], atol=1e-4)
        np.testing.assert_allclose(res.params["b"], expected[3], atol=1e-4)


@pytest.mark.parametrize("method", ["lbfgs", "adam", "gd"])
def test_a_non_finite_region_slows_down_and_does_not_crash(method):
    # log(p) is NaN for p < 0; the optimum p = e sits next to a region the first steps overshoot into
    def loss(p):
        return anp.sum((anp.log(p) - 1.0) ** 2)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = samplers.optimize(loss, x0=np.array([0.05, 0.1]), method=method, learning_rate=0.5, steps=20000)
    np.testing.assert_allclose(res.params, np.e, rtol=1e-3)


@pytest.mark.parametrize("kwargs, match", [
    ({"method": "newton"}, "method must be one of"),
    ({"restarts": 0}, "restarts must be an int >= 1"),
    ({"steps": 0}, "steps must be an int >= 1"),
    ({"method": "adam", "learning_rate": -0.1}, "learning_rate must be a finite number > 0"),
    ({"x0": np.zeros(3)}, r"expected \(2,\)"),
    ({"cores": 0}, "cores must be None"),
])
def test_bad_settings_raise(ld, kwargs, match):
    with pytest.raises(ValueError, match=match):
        samplers.optimize(ld, **kwargs)


def test_a_function_needs_x0_and_other_targets_are_refused():
    with pytest.raises(ValueError, match="pass x0="):
        samplers.optimize(lambda p: anp.sum(p ** 2))
    with pytest.raises(TypeError, match="ppl.LogDensity or a differentiable function"):
        samplers.optimize(3.0)


@pytest.mark.parametrize("dim", [2, 10])
def test_lbfgs_reaches_scipys_minimum_of_the_rosenbrock_function(dim):
    from scipy.optimize import minimize, rosen, rosen_der

    def rosenbrock(x):
        return anp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)

    x0 = np.full(dim, -1.2) + 0.1 * np.arange(dim)
    reference = minimize(rosen, x0, jac=rosen_der, method="L-BFGS-B", options=dict(gtol=1e-10, ftol=1e-15))
    res = samplers.optimize(rosenbrock, x0=x0, gtol=1e-10, ftol=1e-15, precondition=False)
    assert res.converged, res.message
    np.testing.assert_allclose(res.params, reference.x, atol=1e-6)
    np.testing.assert_allclose(res.params, np.ones(dim), atol=1e-6)
    assert res.fun == pytest.approx(rosen(res.params), abs=1e-14)
