"""Shapes (issue 9, item 10): a multivariate site with the wrong batch shape gives a named error with the
site, its shape and the fix, not numpy's bare IndexError; a latent site that looks like a forgotten
observation (its model argument is None, or it is as large as a data argument) is said so."""
import warnings

import numpy as np
import pytest

import ppl
import ppl.distributions as dist

GROUP = np.arange(20) % 5


def per_group_slopes(group, y):
    beta = ppl.sample("beta", dist.MultivariateNormal(np.zeros(2), np.eye(2)))  # forgot .expand((5,))
    ppl.sample("y", dist.Normal(beta[group, 0], 1.0), obs=y)


def test_multivariate_site_without_batch_shape_names_site_and_fix():
    with pytest.raises(IndexError) as info:
        ppl.log_density(per_group_slopes, GROUP, np.zeros(20))
    text = str(info.value)
    assert 'after site "beta"' in text and "too many indices" in text
    assert 'site "beta" is one MultivariateNormal draw of shape (2,)' in text and ".expand((n_groups,))" in text
    assert "beta[group, 0]" in text  # the model's own line


def regression(x, y=None):
    w = ppl.sample("w", dist.Normal(0.0, 1.0))
    ppl.sample("y", dist.Normal(w * x, 1.0), obs=y)


def test_forgotten_observation_warns_and_shows_in_repr():
    with pytest.warns(UserWarning, match='site "y" is latent .* adding 100 parameter.*forget to pass y='):
        ld = ppl.log_density(regression, np.arange(100.0))
    assert 'latent site "y" (100,): the argument "y" is None' in repr(ld)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ld = ppl.log_density(regression, np.arange(100.0), y=np.zeros(100))
    assert repr(ld) == "LogDensity(regression, dim=1)"


def latent_like_data(x):
    w = ppl.sample("w", dist.Normal(0.0, 1.0))
    ppl.sample("noise", dist.Normal(w * x, 1.0))  # same size as x: maybe an observation without obs=


def test_latent_site_as_large_as_data_shows_in_repr():
    ld = ppl.log_density(latent_like_data, np.arange(50.0))
    assert 'latent site "noise" (50,) is as large as the data argument "x"' in repr(ld)
