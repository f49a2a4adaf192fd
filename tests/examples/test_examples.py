"""The examples run end to end at small sizes and write their figures (smoke tests with sanity checks)."""
import importlib.util
import pathlib
import sys

import numpy as np
import pytest

import samplers

pytest.importorskip("matplotlib")

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    sys.path.insert(0, str(EXAMPLES))  # the examples import their shared _plotting helper
    try:
        spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(EXAMPLES))


def run(name, tmp_path):
    out = load(name).main(small=True, out_dir=str(tmp_path))
    assert pathlib.Path(out["figure"]).stat().st_size > 10_000
    return out


def test_fit_hmm(tmp_path):
    out = run("fit_hmm", tmp_path)
    assert out["fit"].converged
    # each true state is decoded mostly as one fitted state
    for k in range(3):
        assert np.bincount(out["decoded"][out["states"] == k], minlength=3).max() > 0.9 * np.sum(out["states"] == k)


def test_fit_gmm(tmp_path):
    assert run("fit_gmm", tmp_path)["fit"].converged


def test_logistic_regression(tmp_path):
    assert run("logistic_regression", tmp_path)["fit"].converged


def test_input_design(tmp_path):
    out = run("input_design", tmp_path)
    np.testing.assert_allclose(out["designed"], out["exact"], atol=1e-3)
    np.testing.assert_allclose(out["probability"], 0.95, atol=1e-3)


@pytest.mark.skipif(not hasattr(samplers, "nuts"), reason="samplers.nuts is not on this branch yet")
def test_hmm_posterior(tmp_path):
    run("hmm_posterior", tmp_path)


@pytest.mark.skipif(not hasattr(samplers, "nuts"), reason="samplers.nuts is not on this branch yet")
@pytest.mark.filterwarnings("ignore::samplers.SamplerWarning")  # short chains at the small size
def test_gaussian_process(tmp_path):
    out = run("gaussian_process", tmp_path)
    # averaging over the hyperparameters' posterior moves f's mean at the data little from the
    # exact GP posterior mean (numpy's Cholesky formula) at the posterior-median hyperparameters
    diff = np.abs(out["f_mean_at_data"] - out["exact_mean_at_data"])
    assert np.all(diff < 0.5 * out["f_sd_at_data"] + 0.05), diff.max()
    assert np.sqrt(np.mean((out["f_mean_at_data"] - out["y"]) ** 2)) < 0.5  # the fit follows the data
    noise = out["posterior"]["noise"]
    assert np.quantile(noise, 0.01) < 0.3 < np.quantile(noise, 0.99)  # the simulated noise sd


@pytest.mark.skipif(not hasattr(samplers, "nuts"), reason="samplers.nuts is not on this branch yet")
@pytest.mark.filterwarnings("ignore::samplers.SamplerWarning")  # short chains at the small size
def test_lkj_mvn(tmp_path):
    out = run("lkj_mvn", tmp_path)
    corr = out["corr"]
    np.testing.assert_allclose(np.diagonal(corr, axis1=1, axis2=2), 1.0, atol=1e-8)  # L_corr @ L_corr.T
    # with 100 points the likelihood dominates the LKJ(2) prior: numpy's sample correlations and
    # standard deviations are within a few posterior sds of the posterior means
    mean, sd = corr.mean(axis=0), corr.std(axis=0)
    off = ~np.eye(3, dtype=bool)
    assert np.all(np.abs(mean - out["sample_corr"])[off] < 3 * sd[off])
    sample_sd = out["y"].std(axis=0, ddof=1)
    assert np.all(np.abs(out["scales"].mean(axis=0) - sample_sd) < 3 * out["scales"].std(axis=0))


@pytest.mark.skipif(not hasattr(samplers, "nuts"), reason="samplers.nuts is not on this branch yet")
@pytest.mark.filterwarnings("ignore::samplers.SamplerWarning")  # short chains at the small size
def test_time_series_scan(tmp_path):
    from scipy import stats

    example = load("time_series_scan")
    out = example.main(small=True, out_dir=str(tmp_path))
    assert pathlib.Path(out["figure"]).stat().st_size > 10_000
    # the scan's Kalman log likelihood is the exact marginal: y ~ N(0, LEVEL0_SD^2 + s_level^2 min(s, t) + s_obs^2 I)
    y = out["y"]
    t = np.arange(len(y))
    for sigma_level, sigma_obs in [(0.3, 0.8), (1.5, 0.2)]:
        cov = example.LEVEL0_SD ** 2 + sigma_level ** 2 * np.minimum.outer(t, t) + sigma_obs ** 2 * np.eye(len(y))
        loglik, _, _ = example.kalman_filter(y, sigma_level, sigma_obs)
        np.testing.assert_allclose(loglik, stats.multivariate_normal(np.zeros(len(y)), cov).logpdf(y), rtol=1e-9)
    for name, value in out["truth"].items():  # the scales used to simulate are inside the posterior
        assert np.quantile(out["posterior"][name], 0.005) < value < np.quantile(out["posterior"][name], 0.995)
    lo, hi = np.quantile(out["filtered"], [0.05, 0.95], axis=0)
    assert np.mean((lo < out["level"]) & (out["level"] < hi)) > 0.7  # the true level is mostly in the band
