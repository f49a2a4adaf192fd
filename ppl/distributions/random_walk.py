r"""GaussianRandomWalk: a Gaussian random walk of ``num_steps`` steps started at 0 (NumPyro's arguments).

.. math::

    x_0 \sim \mathcal{N}(0, \sigma), \qquad x_t \mid x_{t-1} \sim \mathcal{N}(x_{t-1}, \sigma)

so :math:`x = \sigma\,\mathrm{cumsum}(\varepsilon)` with :math:`\varepsilon` standard
normal; the event is the whole walk (``event_shape == (num_steps,)``).
"""

import math

import numpy as np

import autodiff.numpy as anp
from ppl.distributions import constraints
from ppl.distributions.base import Distribution, as_generator, as_param, broadcast_shape, concrete, shape_of

__all__ = ["GaussianRandomWalk"]

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


class GaussianRandomWalk(Distribution):
    r"""Random walk with Gaussian steps of standard deviation ``scale`` :math:`\sigma`.

    .. math::

        \log p(x \mid \sigma) = \sum_{t=0}^{T-1} \left[-\frac{(x_t - x_{t-1})^2}{2\sigma^2}
            - \log\sigma - \tfrac12\log(2\pi)\right], \qquad x_{-1} = 0

    Mean 0; variance :math:`\sigma^2 (t + 1)` at step :math:`t`.
    """

    arg_constraints = {"scale": constraints.positive}
    support = constraints.real_vector
    reparametrized_params = ["scale"]

    def __init__(self, scale=1.0, num_steps=1, *, validate_args=True):
        if not (isinstance(num_steps, (int, np.integer)) and num_steps > 0):
            raise ValueError(f"GaussianRandomWalk: num_steps must be a positive int, got {num_steps!r}")
        self.scale = as_param(scale)
        self.num_steps = int(num_steps)
        super().__init__(broadcast_shape(self.scale), (self.num_steps,), validate_args=validate_args)

    def log_prob(self, value):
        zero = anp.zeros(shape_of(value)[:-1] + (1,))
        steps = value - anp.concatenate([zero, value[..., :-1]], axis=-1)
        scale = anp.expand_dims(self.scale, -1)
        lp = -0.5 * anp.square(steps / scale) - anp.log(scale) - _HALF_LOG_2PI
        return anp.sum(lp, axis=-1)

    def sample(self, rng, sample_shape=()):
        eps = as_generator(rng).standard_normal(self.shape(sample_shape))
        return np.cumsum(eps, axis=-1) * np.expand_dims(concrete(self.scale), -1)

    @property
    def mean(self):
        return anp.zeros(self.batch_shape + self.event_shape)

    @property
    def variance(self):
        steps = anp.arange(1, self.num_steps + 1, dtype=float)
        return anp.broadcast_to(anp.expand_dims(anp.square(self.scale), -1) * steps, self.batch_shape + self.event_shape)

