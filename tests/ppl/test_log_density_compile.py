"""log_density reports how long its compile took; a second log density of the same model reuses it."""
import numpy as np

import ppl
import ppl.distributions as dist


def model(y):
    mu = ppl.sample("mu", dist.Normal(0.0, 3.0))
    ppl.sample("y", dist.Normal(mu, 1.0), obs=y)


def test_compile_seconds_is_reported_and_reuse_is_fast():
    y = np.array([0.5, -0.2, 1.0])
    ld = ppl.log_density(model, y)
    first = ld.compile_seconds
    assert first > 0
    lp, g = ld.logp_and_grad(np.array([0.3]))
    assert np.isfinite(lp) and g.shape == (1,)
    again = ppl.log_density(model, y)
    assert again.compile_seconds < 0.5
    assert np.allclose(again.logp_and_grad(np.array([0.3]))[1], g)
