"""Chains, fits and calibration runs on a Dask LocalCluster (two worker processes) and on
concurrent.futures executors: the same draws, fits and ranks as the local run for the same seed,
a worker killed mid-task, a chain that raises, the progress bar and the dashboard link."""
import multiprocessing
import os
import subprocess
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

import ppl
import ppl.distributions as dist
import samplers
from models import GaussianHMM
from samplers.distributed import ChainsFailed

from sampler_models import SIGMA, Y, eight_schools

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # short runs: low-ESS sampler warnings

RUN = dict(draws=60, tune=60, chains=4, seed=7, progressbar=False)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=50) as c:
        yield c


@pytest.fixture(scope="module")
def client(cluster):
    with distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def schools():
    return ppl.log_density(eight_schools, SIGMA, y=Y)


@pytest.fixture(scope="module")
def local_run(schools):
    return samplers.nuts(schools, **RUN)


def _same_draws(a, b, chains=None):
    """Every posterior and sample_stats variable of b equal, bit for bit, to a's (chains: a's
    chains to compare with b's, in order)."""
    for group in ("posterior", "sample_stats"):
        for name in getattr(a, group).data_vars:
            x, y = np.asarray(getattr(a, group)[name]), np.asarray(getattr(b, group)[name])
            if chains is not None:
                x = x[chains]
            np.testing.assert_array_equal(x, y, err_msg=f"{group}.{name}")


# -- models that misbehave on a worker, the first time only (an atomically created marker file) --------
def _on_dask_worker():
    try:
        distributed.get_worker()
        return True
    except ValueError:
        return False


def _first_time(marker):
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
        return True
    except FileExistsError:
        return False


def schools_killing_a_worker(sigma, y=None, marker=""):
    if _on_dask_worker() and _first_time(marker):
        os._exit(1)  # the worker process dies in the middle of its task
    eight_schools(sigma, y)


def schools_failing_once(sigma, y=None, marker=""):
    if _on_dask_worker() and _first_time(marker):
        raise RuntimeError("injected failure")
    eight_schools(sigma, y)


# -- chains ------------------------------------------------------------------------------------------
def test_chains_on_dask_equal_the_threaded_run(client, schools, local_run):
    remote = samplers.nuts(schools, executor=client, **RUN)
    _same_draws(local_run, remote)
    compile_report = remote.posterior.attrs["timing_worker_compile_s"]
    assert any(address in compile_report for address in client.scheduler_info()["workers"]), compile_report


def test_model_function_and_hmc_on_dask(client):
    kwargs = dict(RUN, chains=3, seed=2)
    local = samplers.hmc(eight_schools, SIGMA, y=Y, path_length=1.5, **kwargs)
    remote = samplers.hmc(eight_schools, SIGMA, y=Y, path_length=1.5, executor=client, **kwargs)
    _same_draws(local, remote)


def test_worker_killed_mid_chain_gives_the_same_draws(client, tmp_path):
    marker = str(tmp_path / "killed")
    ld = ppl.log_density(schools_killing_a_worker, SIGMA, y=Y, marker=marker)
    local = samplers.nuts(ld, **RUN)
    remote = samplers.nuts(ld, executor=client, **RUN)
    assert os.path.exists(marker)  # a worker did die
    _same_draws(local, remote)


def test_raising_chain_is_named_and_the_others_are_kept(client, tmp_path, local_run):
    ld = ppl.log_density(schools_failing_once, SIGMA, y=Y, marker=str(tmp_path / "failed"))
    with pytest.raises(ChainsFailed, match=r"1 of 4 chains failed: chain \d: RuntimeError: injected failure") as e:
        samplers.nuts(ld, executor=client, **RUN)
    (failed,) = e.value.failures
    assert e.value.chains == [c for c in range(4) if c != failed]
    assert isinstance(e.value, samplers.driver.ChainError)  # caught like a local chain failure
    _same_draws(local_run, e.value.idata, chains=e.value.chains)


def test_progress_bar_over_chains_and_dashboard_link_once(cluster, schools, capfd):
    with distributed.Client(cluster) as fresh:
        samplers.nuts(schools, executor=fresh, **dict(RUN, progressbar=True))
        samplers.nuts(schools, executor=fresh, **dict(RUN, progressbar=True))
        err = capfd.readouterr().err
        assert err.count(fresh.dashboard_link) == 1, err
    assert "NUTS 4 chains" in err and "4/4" in err


# -- concurrent.futures ------------------------------------------------------------------------------
def test_thread_pool_executor_equals_the_threaded_run(schools, local_run):
    with ThreadPoolExecutor(max_workers=2) as pool:
        _same_draws(local_run, samplers.nuts(schools, executor=pool, **RUN))


def test_spawned_process_pool_rebuilds_the_model_and_gives_the_same_draws(schools, local_run):
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        remote = samplers.nuts(schools, executor=pool, **RUN)
    _same_draws(local_run, remote)
    report = remote.posterior.attrs["timing_worker_compile_s"]  # {"host:pid": seconds} of the child process
    assert report != "{}" and f":{os.getpid()}'" not in report, report


def test_executor_of_the_wrong_type_is_named(schools):
    with pytest.raises(TypeError, match="dask.distributed.Client or a concurrent.futures.Executor, got str"):
        samplers.nuts(schools, executor="tcp://scheduler:8786", **RUN)


# -- fits and calibration ----------------------------------------------------------------------------
def test_fit_many_on_dask_equals_fitting_one_by_one(client):
    rng = np.random.default_rng(3)
    datasets = [np.concatenate([rng.normal(-2, 1, (25, 1)), rng.normal(2, 0.5, (25, 1))]) for _ in range(4)]
    hmm = GaussianHMM(n_states=2, covariance="diag", priors=None)  # one compiled log density for every dataset
    fits = hmm.fit_many(datasets, executor=client, seed=1, restarts=2, progressbar=False)
    for X, fit in zip(datasets, fits):
        alone = GaussianHMM(n_states=2, covariance="diag", priors=None).fit(X, seed=1, restarts=2)
        assert fit.log_likelihood == alone.log_likelihood
        for k in alone.params:
            np.testing.assert_array_equal(fit.params[k], alone.params[k])


def normal_model(n, y=None):
    mu = ppl.sample("mu", dist.Normal(0.0, 1.0))
    sigma = ppl.sample("sigma", dist.HalfNormal(1.0))
    ppl.sample("y", dist.Normal(mu, sigma).expand((n,)), obs=y)


def test_sbc_on_dask_gives_the_local_ranks(client):
    kwargs = dict(prior_draws=4, draws=60, tune=60, thin=4, bins=4, seed=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        local = samplers.sbc(normal_model, 5, y=np.zeros(5), **kwargs)
    remote = samplers.sbc(normal_model, 5, y=np.zeros(5), executor=client, progressbar=False, **kwargs)
    assert set(remote.ranks) == {"mu", "sigma"}
    for k in local.ranks:
        np.testing.assert_array_equal(local.ranks[k], remote.ranks[k])
    assert remote.p_values == local.p_values


def test_the_core_does_not_import_dask():
    code = "import sys, samplers, models; print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
