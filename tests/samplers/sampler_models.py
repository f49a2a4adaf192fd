"""Small models shared by the sampler tests."""
import numpy as np

import autodiff.numpy as anp
import ppl
import ppl.distributions as dist

SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])


def eight_schools(sigma, y=None):
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    tau = ppl.sample("tau", dist.HalfCauchy(5.0))
    z = ppl.sample("z", dist.Normal(0.0, 1.0).expand((len(sigma),)), dims=("school",))
    ppl.deterministic("theta", mu + tau * z, dims=("school",))
    ppl.sample("y", dist.Normal(mu + tau * z, sigma), obs=y, dims=("school",))


def nan_wall(limit):
    """A standard normal whose log density is NaN beyond `limit`: every step past it diverges."""
    x = ppl.sample("x", dist.Normal(0.0, 1.0))
    ppl.factor("wall", anp.where(x > limit, np.nan, 0.0))


def never_finite():
    x = ppl.sample("x", dist.Normal(0.0, 1.0))
    ppl.factor("broken", anp.log(-anp.exp(x)))


def two_modes():
    """0.2 N(-10, 1) + 0.8 N(10, 1): chains started in (-2, 2) fall into either mode."""
    from autodiff.scipy.special import logsumexp
    x = ppl.sample("x", dist.ImproperUniform(dist.constraints.real, (), ()))
    ppl.factor("mix", logsumexp(anp.stack([np.log(0.2) + dist.Normal(-10.0, 1.0).log_prob(x),
                                           np.log(0.8) + dist.Normal(10.0, 1.0).log_prob(x)])))
