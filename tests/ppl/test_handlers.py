"""Effect handlers: trace, seed, substitute, condition, block, unobserve, and the statements outside any handler."""

import numpy as np
import pytest

import ppl
import ppl.distributions as dist
from ppl import handlers
from ppl.effects import _stack


def model(y=None):
    mu = ppl.sample("mu", dist.Normal(0.0, 1.0))
    sigma = ppl.sample("sigma", dist.HalfNormal(1.0))
    z = ppl.sample("z", dist.Normal(0.0, 1.0).expand((3,)), dims=("group",))
    ppl.deterministic("shifted", mu + z)
    ppl.factor("penalty", -0.5 * mu**2)
    return ppl.sample("y", dist.Normal(mu + z, sigma), obs=y)


Y = np.array([0.5, -0.2, 1.0])


@pytest.fixture(autouse=True)
def _no_leftover_handlers():
    yield
    assert not _stack(), "a handler was left on the stack"


def test_trace_records_every_site_in_program_order():
    tr = handlers.trace(handlers.seed(model, 0)).get_trace(Y)
    assert list(tr) == ["mu", "sigma", "z", "shifted", "penalty", "y"]
    assert [m["type"] for m in tr.values()] == ["sample", "sample", "sample", "deterministic", "factor", "sample"]
    assert [m["is_observed"] for m in tr.values()] == [False, False, False, False, False, True]
    np.testing.assert_array_equal(tr["y"]["value"], Y)
    np.testing.assert_allclose(tr["shifted"]["value"], tr["mu"]["value"] + tr["z"]["value"])
    np.testing.assert_allclose(tr["penalty"]["value"], -0.5 * tr["mu"]["value"] ** 2)
    assert np.shape(tr["z"]["value"]) == (3,) and tr["z"]["dims"] == ("group",)
    assert tr["sigma"]["value"] > 0
    assert isinstance(tr["mu"]["fn"], dist.Normal)


def test_trace_as_context_manager():
    with handlers.trace() as tr, handlers.seed(rng_seed=1):
        model()
    assert list(tr) == ["mu", "sigma", "z", "shifted", "penalty", "y"]
    assert not tr["y"]["is_observed"] and np.shape(tr["y"]["value"]) == (3,)


def test_seed_makes_draws_reproducible():
    def draws(seed):
        tr = handlers.trace(handlers.seed(model, seed)).get_trace()
        return np.concatenate([np.ravel(tr[n]["value"]) for n in ("mu", "sigma", "z", "y")])

    np.testing.assert_array_equal(draws(3), draws(3))
    assert not np.allclose(draws(3), draws(4))
    # a Generator is used as given (and advanced)
    rng = np.random.default_rng(5)
    a = handlers.trace(handlers.seed(model, rng)).get_trace()["mu"]["value"]
    b = handlers.trace(handlers.seed(model, rng)).get_trace()["mu"]["value"]
    assert a != b


def test_substitute_replaces_latent_values_only():
    data = {"mu": 2.0, "z": np.array([1.0, 2.0, 3.0]), "y": np.zeros(3)}
    tr = handlers.trace(handlers.seed(handlers.substitute(model, data=data), 0)).get_trace(Y)
    assert tr["mu"]["value"] == 2.0 and not tr["mu"]["is_observed"]
    np.testing.assert_array_equal(tr["shifted"]["value"], [3.0, 4.0, 5.0])
    np.testing.assert_array_equal(tr["y"]["value"], Y)  # observed data win over substitute
    assert tr["sigma"]["value"] > 0  # not in data: still drawn


def test_condition_observes_sites():
    tr = handlers.trace(handlers.seed(handlers.condition(model, data={"sigma": 0.7}), 0)).get_trace(Y)
    assert tr["sigma"]["is_observed"] and tr["sigma"]["value"] == 0.7
    assert not tr["mu"]["is_observed"]
    # a conditioned site is data for log_density: one latent fewer
    ld = ppl.log_density(handlers.condition(model, data={"sigma": 0.7}), Y)
    assert list(ld.spec.latent) == ["mu", "z"] and list(ld.spec.observed) == ["sigma", "y"]


def test_block_hides_sites_from_outer_handlers():
    tr = handlers.trace(handlers.block(handlers.seed(model, 0), hide=["z", "penalty"])).get_trace(Y)
    assert list(tr) == ["mu", "sigma", "shifted", "y"]
    assert handlers.trace(handlers.block(handlers.seed(model, 0))).get_trace(Y) == {}


def test_block_inside_the_model():
    def outer():
        a = ppl.sample("a", dist.Normal(0.0, 1.0))
        with handlers.block():
            ppl.sample("hidden", dist.Normal(a, 1.0))
        ppl.sample("b", dist.Normal(a, 1.0))

    tr = handlers.trace(handlers.seed(outer, 0)).get_trace()
    assert list(tr) == ["a", "b"]


def test_unobserve_redraws_observed_sites():
    tr = handlers.trace(handlers.seed(handlers.unobserve(model), 0)).get_trace(Y)
    assert not tr["y"]["is_observed"]
    assert np.shape(tr["y"]["value"]) == (3,) and not np.array_equal(tr["y"]["value"], Y)


def test_duplicate_site_names_raise():
    def twice():
        ppl.sample("x", dist.Normal(0.0, 1.0))
        ppl.sample("x", dist.Normal(0.0, 1.0))

    with pytest.raises(ValueError, match='two sites named "x"'):
        handlers.trace(handlers.seed(twice, 0)).get_trace()


def test_an_exception_in_the_model_leaves_no_handler_on_the_stack():
    def boom():
        ppl.sample("x", dist.Normal(0.0, 1.0))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        handlers.trace(handlers.seed(boom, 0)).get_trace()
    assert not _stack()


def test_statements_outside_any_handler():
    assert ppl.sample("x", dist.Normal(0.0, 1.0), obs=3.0) == 3.0
    assert np.shape(ppl.sample("x", dist.Normal(0.0, 1.0).expand((2,)))) == (2,)
    assert ppl.deterministic("d", 5.0) == 5.0
    assert ppl.factor("f", -1.0) is None


def test_sample_statement_errors_name_the_site():
    with pytest.raises(TypeError, match='site "x": ppl.sample needs a distribution, got float'):
        ppl.sample("x", 1.0)
    with pytest.raises(ValueError, match='site "x": transform= only applies to latent'):
        ppl.sample("x", dist.Normal(0.0, 1.0), obs=1.0, transform=ppl.bijectors.Exp())
    with pytest.raises(TypeError, match="site names must be non-empty strings"):
        with handlers.trace():
            ppl.sample("", dist.Normal(0.0, 1.0))
