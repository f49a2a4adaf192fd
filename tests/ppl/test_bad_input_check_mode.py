"""Check mode (issue 9, "what to build" and item 8): the log density evaluated term by term in Python
names the first non-finite term with its site, parameters and value, including the failures compiled
code turns silently into NaN (Cholesky of a matrix that is not positive definite, a singular inverse)
and integer division by zero, which numpy and compiled code turn into a silent 0."""
import warnings

import numpy as np
import pytest

import autodiff.numpy as anp
import ppl
import ppl.distributions as dist
from ppl.check_mode import LogDensityCheckError, NonFiniteLogDensityWarning

SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])


def eight_schools(sigma, y=None):
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    tau = ppl.sample("tau", dist.HalfCauchy(5.0))
    z = ppl.sample("z", dist.Normal(0.0, 1.0).expand((len(sigma),)))
    ppl.sample("y", dist.Normal(mu + tau * z, sigma), obs=y)


def latent_scale():
    s = ppl.sample("s", dist.Normal(0.0, 1.0))
    ppl.sample("y", dist.Normal(0.0, s), obs=1.0)


def correlation(kind):
    def model():
        r = ppl.sample("r", dist.Normal(0.0, 1.0))
        S = anp.array([[1.0, r], [r, 1.0]])
        if kind == "cholesky":
            ppl.factor("logdet", 2.0 * anp.sum(anp.log(anp.diagonal(anp.linalg.cholesky(S)))))
        else:
            ppl.factor("trace_inv", -anp.trace(anp.linalg.inv(S)))
    model.__name__ = f"correlation_{kind}"
    return model


def test_check_names_the_overflowing_site_of_eight_schools():
    ld = ppl.log_density(eight_schools, SIGMA, y=Y, check=True)
    x = np.zeros(ld.dim)
    x[1] = 1e10
    with pytest.raises(LogDensityCheckError, match='site "tau": HalfCauchy log_prob is -inf') as info:
        ld.check(x)
    assert "unconstrained value: shape (), 10000000000.0" in str(info.value)
    with pytest.warns(NonFiniteLogDensityWarning, match='site "tau"'):
        lp, grad = ld.logp_and_grad(x)
    assert lp == -np.inf and np.all(grad == 0)
    assert ld.check(np.zeros(ld.dim)) == pytest.approx(ld.logp(np.zeros(ld.dim)))


def test_check_names_invalid_parameter_with_its_values():
    ld = ppl.log_density(latent_scale, check=True)
    report = ld.explain(np.array([-1.0]))
    assert not report.ok and report.site == "y"
    assert "Normal: scale must be > 0, got -1.0" in str(report) and "Normal.scale: shape (), -1.0" in str(report)
    with np.errstate(invalid="ignore"), pytest.warns(NonFiniteLogDensityWarning, match='site "y"'):
        assert ld.logp(np.array([-1.0]), jacobian=False) == -np.inf


@pytest.mark.parametrize("kind, message", [("cholesky", "Matrix is not positive definite"),
                                           ("inverse", "Singular matrix")])
def test_check_catches_linalg_failures_compiled_code_turns_into_nan(kind, message):
    ld = ppl.log_density(correlation(kind))
    x = np.array([1.0])  # r = 1: S is singular
    with np.errstate(all="ignore"):
        lp, grad = ld.logp_and_grad(x)
    assert lp == -np.inf and np.all(grad == 0)  # compiled: NaN, rejected
    with pytest.raises(LogDensityCheckError, match=f"LinAlgError: {message}") as info:
        ld.check(x)
    assert 'after site "r"' in str(info.value) and "anp.linalg" in str(info.value)


def test_check_says_integer_division_by_zero_is_silently_zero():
    def model(k):
        a = ppl.sample("a", dist.Normal(0.0, 1.0))
        ppl.factor("f", a * anp.sum(k // 0))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ld = ppl.log_density(model, np.array([1, 2]))
    with pytest.raises(LogDensityCheckError, match=r'after site "a".*integer // 0 and % 0 give 0'):
        ld.check(np.array([0.5]))


def log_of_latent():
    a = ppl.sample("a", dist.Normal(0.0, 1.0))
    ppl.factor("f", anp.log(a))


def test_compiled_function_records_the_first_nonfinite_point_for_explain():
    """What samplers call: in check mode the first non-finite evaluation is kept for ld.explain()."""
    ld = ppl.log_density(log_of_latent, check=True)
    lpg, (fdata, idata) = ld.logp_and_grad_fn, ld.data
    g = np.empty(1)
    assert np.isfinite(lpg(np.array([0.5]), g, fdata, idata)) and ld.nonfinite_evaluations == 0
    for a in (-1.5, -0.5):
        assert lpg(np.array([a]), g, fdata, idata) == -np.inf
    assert ld.nonfinite_evaluations == 2 and ld.first_nonfinite_point[0] == -1.5
    report = ld.explain()
    assert report.site == "f" and "factor is nan" in str(report)


def test_explain_without_check_mode_or_point_says_how():
    ld = ppl.log_density(log_of_latent)
    with pytest.raises(ValueError, match="check=True"):
        ld.explain()


def test_environment_variable_turns_check_mode_on(monkeypatch):
    monkeypatch.setenv("NUMBAYES_CHECK", "1")
    ld = ppl.log_density(latent_scale)
    assert ld.check_mode and "check=True" in repr(ld)
    monkeypatch.setenv("NUMBAYES_CHECK", "0")
    assert not ppl.log_density(latent_scale).check_mode
