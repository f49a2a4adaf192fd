"""A new log density that differs only in a prior constant, data values or data length reuses the
compiled code (checked on the compiled objects, not by timing), with values from scipy and gradients
from finite differences of scipy's log density."""
import numpy as np
import pytest
from scipy import stats

import ppl
import ppl.distributions as dist


def _model(prior_scale):
    def model(y):
        mu = ppl.sample("mu", dist.Normal(1.0, prior_scale))
        sigma = ppl.sample("sigma", dist.HalfNormal(5.0))
        with ppl.plate("data", len(y)):
            ppl.sample("y", dist.Normal(mu, sigma), obs=y)
    return model


def _scipy_logp(x, y, prior_scale):
    mu, sigma = x[0], np.exp(x[1])
    return (stats.norm.logpdf(mu, 1.0, prior_scale) + stats.halfnorm.logpdf(sigma, scale=5.0) + x[1]
            + np.sum(stats.norm.logpdf(y, mu, sigma)))


def _check_against_scipy(ld, y, prior_scale):
    x = np.array([0.4, -0.3])
    lp, grad = ld.logp_and_grad(x)
    assert lp == pytest.approx(_scipy_logp(x, y, prior_scale), rel=1e-10)
    h = 1e-6
    fd = [(_scipy_logp(x + h * e, y, prior_scale) - _scipy_logp(x - h * e, y, prior_scale)) / (2 * h)
          for e in np.eye(2)]
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-6)


def _compiled(ld):
    c = ld._build(True)
    return c.compiled.dispatcher, c.lpg


def test_a_changed_prior_constant_and_new_data_reuse_the_compiled_code():
    rng = np.random.default_rng(0)
    y = rng.normal(0.5, 2.0, size=40)
    first = ppl.log_density(_model(10.0), y)
    _check_against_scipy(first, y, 10.0)
    for scale, data in [(9.0, y), (9.0, y * 3.0 + 1.0), (2.5, y[:33]), (9.0, rng.normal(size=120)), (9.0, y[:17])]:
        ld = ppl.log_density(_model(scale), data)
        _check_against_scipy(ld, data, scale)
        assert _compiled(ld)[0] is _compiled(first)[0] and _compiled(ld)[1] is _compiled(first)[1]
    assert "10.0" not in first.source


def test_short_data_reuses_the_code_from_the_second_length_on():
    """Lengths above the small-array limit (codegen/scalarise.py: vectors of up to 4 elements become
    scalar locals, a program of their own)."""
    rng = np.random.default_rng(1)
    seen = []
    for n in (6, 8, 5, 10):
        y = rng.normal(size=n)
        ld = ppl.log_density(_model(3.0), y)
        _check_against_scipy(ld, y, 3.0)
        seen.append(_compiled(ld))
    assert all(s[0] is seen[1][0] and s[1] is seen[1][1] for s in seen[2:])


def test_the_data_of_another_model_is_refused():
    a = ppl.log_density(_model(2.0), np.ones(30) + np.arange(30))
    b = ppl.log_density(lambda: ppl.sample("z", dist.Normal(0.0, 1.0)))
    with pytest.raises(ValueError, match="must be the data of this function"):
        a.logp_and_grad_fn(np.zeros(2), np.zeros(2), *b.data)


def test_kernel_gives_the_compiled_log_density_with_and_without_the_jacobian():
    y = np.linspace(-1, 2, 25)
    ld = ppl.log_density(_model(4.0), y)
    x = np.array([0.2, 0.1])
    for jacobian in (True, False):
        fn, fdata, idata = ld.kernel(jacobian)
        g = np.empty(2)
        assert fn(x, g, fdata, idata) == pytest.approx(ld.logp(x, jacobian=jacobian), rel=1e-12)
    assert ld.kernel(False).fn is not ld.kernel(True).fn


def test_generated_entry_names_the_sites():
    ld = ppl.log_density(_model(4.0), np.linspace(-1, 2, 25))
    text = ld._build(True).entry.fn.py_func.__globals__["__file__"]
    with open(text) as fh:
        source = fh.read()
    assert '# site "mu"' in source and '# site "sigma"' in source
