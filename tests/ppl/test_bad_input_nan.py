"""A point where the log density is undefined is rejected as Stan rejects it: -inf with a zero
gradient, never NaN and never a gradient that would mislead an optimiser (issue 9, item 1)."""
import numpy as np

import autodiff.numpy as anp
import ppl
import ppl.distributions as dist


def latent_scale():
    s = ppl.sample("s", dist.Normal(0.0, 1.0))
    ppl.sample("y", dist.Normal(0.0, s), obs=1.0)  # s < 0 is an invalid scale


def log_of_latent():
    a = ppl.sample("a", dist.Normal(0.0, 1.0))
    ppl.factor("f", anp.log(a))


def test_invalid_parameter_gives_minus_inf_and_zero_gradient():
    ld = ppl.log_density(latent_scale)
    lp, grad = ld.logp_and_grad(np.array([-0.5]))
    assert lp == -np.inf and np.all(grad == 0.0)
    lp, grad = ld.logp_and_grad(np.array([0.5]))  # a valid point is untouched
    assert np.isfinite(lp) and np.all(np.isfinite(grad)) and grad[0] != 0.0


def test_nan_factor_gives_minus_inf_in_both_paths():
    ld = ppl.log_density(log_of_latent)
    lp, grad = ld.logp_and_grad(np.array([-2.0]))
    assert lp == -np.inf and np.all(grad == 0.0)
    assert ld.logp(np.array([-2.0])) == -np.inf
    with np.errstate(invalid="ignore"):
        assert ld.logp(np.array([-2.0]), jacobian=False) == -np.inf
    assert np.isfinite(ld.logp(np.array([2.0]), jacobian=False))


def test_compiled_handle_checks_lengths():
    """logp_and_grad_fn (what samplers call) read past x's end or wrote past grad_out's (item 6)."""
    import pytest
    ld = ppl.log_density(latent_scale)
    fdata, idata = ld.data
    good = np.zeros(1)
    for args in ((np.zeros(2), good, fdata, idata), (good, np.zeros(0), fdata, idata),
                 (good, good, np.zeros(fdata.size + 3), idata)):
        with pytest.raises(ValueError, match="must have length 1"):
            ld.logp_and_grad_fn(*args)
    assert np.isfinite(ld.logp_and_grad_fn(np.array([0.5]), good, fdata, idata))
