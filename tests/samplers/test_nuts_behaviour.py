"""What users rely on besides correctness: reproducible draws, divergences instead of crashes,
initial values, named errors for bad arguments, warmup groups, and Ctrl-C."""
import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import ppl
import samplers

from sampler_models import SIGMA, Y, eight_schools, nan_wall, never_finite, two_modes

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def schools():
    return ppl.log_density(eight_schools, SIGMA, y=Y, coords={"school": list("ABCDEFGH")})


def _draws(idata):
    return np.concatenate([np.asarray(idata.posterior[k]).reshape(4, 200, -1) for k in ("mu", "tau", "z")], axis=-1)


def test_same_draws_for_any_number_of_cores(schools):
    a = samplers.nuts(schools, draws=200, tune=200, chains=4, seed=11, cores=1, progressbar=False)
    b = samplers.nuts(schools, draws=200, tune=200, chains=4, seed=11, cores=2, progressbar=False)
    np.testing.assert_array_equal(_draws(a), _draws(b))
    np.testing.assert_array_equal(np.asarray(a.sample_stats["n_steps"]), np.asarray(b.sample_stats["n_steps"]))
    c = samplers.nuts(schools, draws=200, tune=200, chains=4, seed=12, cores=2, progressbar=False)
    assert not np.array_equal(_draws(a), _draws(c))
    # chains are independent streams: no two chains repeat each other
    d = _draws(a)
    assert len({d[i].tobytes() for i in range(4)}) == 4


def test_same_draws_in_a_second_process(schools):
    script = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {HERE!r})
        import numpy as np, ppl, samplers
        from sampler_models import SIGMA, Y, eight_schools
        ld = ppl.log_density(eight_schools, SIGMA, y=Y)
        idata = samplers.nuts(ld, draws=200, tune=200, chains=4, seed=11, progressbar=False)
        np.save(sys.argv[1], np.asarray(idata.posterior["z"]))
    """)
    out = os.path.join(HERE, f".z_{os.getpid()}.npy")
    try:
        subprocess.run([sys.executable, "-c", script, out], check=True, timeout=600)
        here = samplers.nuts(schools, draws=200, tune=200, chains=4, seed=11, progressbar=False)
        np.testing.assert_array_equal(np.load(out), np.asarray(here.posterior["z"]))
    finally:
        if os.path.exists(out):
            os.remove(out)


def test_output_groups_dims_and_stats(schools):
    idata = samplers.nuts(schools, draws=100, tune=150, chains=2, seed=3, progressbar=False, save_warmup=True)
    post = idata.posterior
    assert post["theta"].dims == ("chain", "draw", "school")
    assert list(post["theta"].coords["school"].values) == list("ABCDEFGH")
    assert post["mu"].shape == (2, 100)
    assert idata.warmup_posterior["mu"].shape == (2, 150)
    stats = idata.sample_stats
    for name in ("lp", "acceptance_rate", "step_size", "tree_depth", "n_steps", "diverging", "energy",
                 "energy_error", "max_energy_error"):
        assert stats[name].shape == (2, 100), name
    assert np.all(np.asarray(stats["n_steps"]) >= 1)
    assert np.all(np.asarray(stats["tree_depth"]) <= 10)
    # the step size is fixed after warmup, and adapted during it
    step = np.asarray(stats["step_size"])
    assert np.all(step == step[:, :1])
    assert np.ptp(np.asarray(idata.warmup_sample_stats["step_size"])) > 0
    np.testing.assert_array_equal(np.asarray(idata.observed_data["y"]), Y)


def test_model_function_directly_and_posterior_predictive():
    idata = samplers.nuts(eight_schools, SIGMA, y=Y, draws=100, tune=100, chains=2, seed=5, progressbar=False)
    ppc = ppl.posterior_predictive(eight_schools, idata, SIGMA, seed=1)
    assert ppc["y"].shape == (2, 100, 8)


def test_nan_log_density_is_a_divergence_not_a_crash():
    ld = ppl.log_density(nan_wall, 1.0)
    with pytest.warns(samplers.diagnostics.SamplerWarning, match="diverg"):
        idata = samplers.nuts(ld, draws=300, tune=300, chains=2, seed=0, progressbar=False)
    x = np.asarray(idata.posterior["x"])
    assert np.all(np.isfinite(x)) and x.max() <= 1.0
    diverging = np.asarray(idata.sample_stats["diverging"])
    assert diverging.sum() > 0
    points = np.asarray(idata.sample_stats["divergence_point_x"])
    assert np.all(np.isfinite(points[diverging])) and np.all(np.isnan(points[~diverging]))


@pytest.mark.parametrize("sample, executor", [(samplers.nuts, None), (samplers.hmc, None),
                                              (samplers.nuts, ThreadPoolExecutor(2))])
def test_warnings_point_at_the_callers_line(schools, sample, executor):
    with pytest.warns(samplers.diagnostics.SamplerWarning) as caught:  # too few draws: ESS warnings
        sample(schools, draws=30, tune=30, chains=2, seed=0, progressbar=False, executor=executor)
    assert {os.path.abspath(w.filename) for w in caught} == {os.path.abspath(__file__)}


def test_hmc_reports_steps_and_no_tree():
    ld = ppl.log_density(nan_wall, 10.0)
    idata = samplers.hmc(ld, draws=200, tune=200, chains=2, seed=0, path_length=3.0, progressbar=False)
    assert np.all(np.asarray(idata.sample_stats["tree_depth"]) == 0)
    steps = np.asarray(idata.sample_stats["n_steps"])
    assert steps.min() >= 1 and steps.max() > steps.min()  # the path length is jittered
    assert idata.posterior.attrs["sampler"] == "hmc"


def test_init_values_and_their_errors(schools):
    idata = samplers.nuts(schools, draws=50, tune=50, chains=2, seed=0, init={"mu": 0.5, "tau": 2.0},
                          progressbar=False)
    assert idata.posterior["mu"].shape == (2, 50)
    with pytest.raises(ValueError, match='site "tau"'):
        samplers.nuts(schools, init={"tau": -1.0}, progressbar=False)
    with pytest.raises(KeyError, match="nope"):
        samplers.nuts(schools, init={"nope": 1.0}, progressbar=False)


def test_init_map_starts_every_chain_in_the_best_mode():
    ld = ppl.log_density(two_modes)
    random = samplers.nuts(ld, draws=100, tune=100, chains=8, seed=0, progressbar=False)
    assert np.asarray(random.posterior["x"]).mean(axis=1).min() < 0  # some chains stuck in the small mode
    best = samplers.nuts(ld, draws=100, tune=100, chains=8, seed=0, init="map", progressbar=False)
    np.testing.assert_allclose(np.asarray(best.posterior["x"]).mean(axis=1), 10.0, atol=1.0)
    with pytest.raises(ValueError, match="init must be"):
        samplers.nuts(ld, init="mode", progressbar=False)


def test_no_valid_initial_point_names_the_site():
    with pytest.raises(ValueError, match="broken"):
        samplers.nuts(never_finite, progressbar=False)
    with pytest.raises(ValueError, match=r"chain 0: .*not finite at the given init.*wall"):
        samplers.nuts(ppl.log_density(nan_wall, 1.0), init={"x": 1.5}, progressbar=False)


@pytest.mark.parametrize("kwargs, match", [
    (dict(draws=0), "draws"), (dict(chains=1.5), "chains"), (dict(tune=-1), "tune"),
    (dict(mass="full"), "mass"), (dict(target_accept=1.2), "target_accept"), (dict(max_tree_depth=0), "max_tree"),
])
def test_bad_arguments_are_named(schools, kwargs, match):
    with pytest.raises(ValueError, match=match):
        samplers.nuts(schools, progressbar=False, **kwargs)


def test_a_model_without_parameters_is_refused():
    def no_parameters(y=None):
        ppl.sample("y", ppl.distributions.Normal(0.0, 1.0), obs=y)

    with pytest.raises(ValueError, match="no latent parameters"):
        samplers.nuts(no_parameters, y=1.0, progressbar=False)


def test_model_arguments_with_a_log_density_are_refused(schools):
    with pytest.raises(TypeError, match="ppl.log_density"):
        samplers.nuts(schools, SIGMA, progressbar=False)


def test_ctrl_c_returns_the_draws_so_far():
    """SIGINT (what Ctrl-C sends) once both chains of a 500k-draw run have kept 100 draws (sent from a
    chain's thread, so a loaded machine can't deliver it before sampling has started; the output keeps
    the draws every chain has, so a chain still in warmup would leave none)."""
    script = textwrap.dedent(f"""
        import os, signal, sys, warnings; sys.path.insert(0, {HERE!r})
        import numpy as np, ppl, samplers, samplers.driver as driver
        from sampler_models import SIGMA, Y, eight_schools
        ld = ppl.log_density(eight_schools, SIGMA, y=Y)
        samplers.nuts(ld, draws=10, tune=10, chains=2, seed=0, progressbar=False)  # compiled and warm
        run_block, sent, reached = driver.ChainState.run, [], dict()
        def run_and_interrupt(self, lpg, fdata, idata, stop, num_warmup):
            status = run_block(self, lpg, fdata, idata, stop, num_warmup)
            reached[id(self)] = stop
            if len(reached) == 2 and min(reached.values()) > num_warmup + 100 and not sent:
                sent.append(True)
                os.kill(os.getpid(), signal.SIGINT)
            return status
        driver.ChainState.run = run_and_interrupt
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            idata = samplers.nuts(ld, draws=500_000, tune=1000, chains=2, seed=0, progressbar=False)
        print("complete", idata.posterior.attrs["complete"], idata.posterior["mu"].shape[1],
              any("interrupted" in str(w.message) for w in caught), flush=True)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    fields = proc.stdout.split()
    assert fields[:2] == ["complete", "0"], proc.stdout + proc.stderr
    assert 0 < int(fields[2]) < 500_000
    assert fields[3] == "True"
