"""Delta: a point mass at ``v`` carrying an extra ``log_density`` (NumPyro's ``Delta(v, log_density, event_dim)``)."""

import math

import numpy as np

import autodiff.numpy as anp
from ppl.distributions import constraints
from ppl.distributions.base import Distribution, as_param, shape_of

__all__ = ["Delta"]


class Delta(Distribution):
    r"""Point mass at ``v``; ``log_prob`` is ``log_density`` at ``v`` and :math:`-\infty` elsewhere.

    .. math::

        \log p(x) = \begin{cases} \ell & x = v \\ -\infty & \text{otherwise} \end{cases}

    The ``event_dim`` rightmost dims of ``v`` form one event (all must match).
    Used to place a deterministic value in a trace with a density term
    (NumPyro's use in guides and ``infer_discrete``). ``mean`` is ``v`` and
    ``variance`` 0. Its support is discrete in spirit but real-valued; it
    has no bijector, so it cannot be a latent site of a gradient-based sampler.
    """

    arg_constraints = {"v": constraints.dependent, "log_density": constraints.real}
    reparametrized_params = ["v", "log_density"]

    def __init__(self, v=0.0, log_density=0.0, event_dim=0, *, validate_args=True):
        self.v, self.log_density = as_param(v), as_param(log_density)
        vshape = shape_of(self.v)
        if not (isinstance(event_dim, (int, np.integer)) and 0 <= event_dim <= len(vshape)):
            raise ValueError(f"Delta: event_dim must be an int in [0, {len(vshape)}] (the rank of v), got {event_dim!r}")
        split = len(vshape) - int(event_dim)
        batch = tuple(anp.broadcast_shapes(vshape[:split], shape_of(self.log_density)))
        super().__init__(batch, vshape[split:], validate_args=validate_args)

    @property
    def support(self):
        return constraints.independent(constraints.real, self.event_dim)

    def log_prob(self, value):
        hit = value == self.v
        for _ in range(self.event_dim):
            hit = anp.all(hit, axis=-1)
        return anp.where(hit, self.log_density, -math.inf) + anp.zeros(self._value_batch_shape(value))

    def sample(self, rng, sample_shape=()):
        return np.broadcast_to(np.asarray(self.v, dtype=float), self.shape(sample_shape)).copy()

    @property
    def mean(self):
        return anp.broadcast_to(self.v, self.batch_shape + self.event_shape)

    @property
    def variance(self):
        return anp.zeros(self.batch_shape + self.event_shape)
