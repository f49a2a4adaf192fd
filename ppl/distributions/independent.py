"""Independent: reinterpret rightmost batch dims of a distribution as event dims (``to_event``)."""

import autodiff.numpy as anp
from ppl.distributions import constraints
from ppl.distributions.base import Distribution

__all__ = ["Independent"]


class Independent(Distribution):
    r"""Sum the base log density over the ``reinterpreted_batch_ndims`` rightmost batch dims.

    .. math::

        \log p(x) = \sum_{i_1, \dots, i_n} \log p_{\text{base}}(x_{i_1 \dots i_n})

    Parameters
    ----------
    base_dist : Distribution
    reinterpreted_batch_ndims : int
        How many rightmost batch dims become event dims.

    Examples
    --------
    >>> d = Normal(np.zeros(3), 1.0).to_event(1)
    >>> d.batch_shape, d.event_shape
    ((), (3,))
    """

    def __init__(self, base_dist, reinterpreted_batch_ndims, *, validate_args=True):
        n = reinterpreted_batch_ndims
        if not (isinstance(n, int) and 0 <= n <= len(base_dist.batch_shape)):
            raise ValueError(
                f"Independent: reinterpreted_batch_ndims must be an int in [0, {len(base_dist.batch_shape)}] "
                f"(the batch rank of {type(base_dist).__name__}), got {n!r}"
            )
        self.base_dist = base_dist
        self.reinterpreted_batch_ndims = n
        shape = base_dist.batch_shape + base_dist.event_shape
        event_dim = n + len(base_dist.event_shape)
        split = len(shape) - event_dim
        super().__init__(shape[:split], shape[split:], validate_args=False)

    @property
    def arg_constraints(self):
        return self.base_dist.arg_constraints

    @property
    def support(self):
        return constraints.independent(self.base_dist.support, self.reinterpreted_batch_ndims)

    def log_prob(self, value):
        # broadcast first so that a parameter-free log density still sums over every event element
        lp = anp.broadcast_to(self.base_dist.log_prob(value), self.base_dist._value_batch_shape(value))
        for _ in range(self.reinterpreted_batch_ndims):
            lp = anp.sum(lp, axis=-1)
        return lp

    def sample(self, rng, sample_shape=()):
        return self.base_dist.sample(rng, sample_shape)

    @property
    def mean(self):
        return self.base_dist.mean

    @property
    def variance(self):
        return self.base_dist.variance

    def to_event(self, reinterpreted_batch_ndims=None):
        if reinterpreted_batch_ndims is None:
            reinterpreted_batch_ndims = len(self.batch_shape)
        if reinterpreted_batch_ndims == 0:
            return self
        return Independent(self.base_dist, self.reinterpreted_batch_ndims + reinterpreted_batch_ndims)

    def __repr__(self):
        return f"Independent({self.base_dist!r}, reinterpreted_batch_ndims={self.reinterpreted_batch_ndims})"
