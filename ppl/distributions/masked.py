"""MaskedDistribution: a distribution whose log density counts only where a boolean mask is True.

NumPyro's `Distribution.mask(mask)` and `handlers.mask` build one; the usual use is missing
observations. Masked-out values are replaced by a point of the support before the log density
is computed, so a NaN placeholder there changes neither the value nor the gradient.
"""
import numpy as np

import autodiff.numpy as anp
from ppl.distributions.base import Distribution, is_concrete, shape_of

__all__ = ["MaskedDistribution"]


class MaskedDistribution(Distribution):
    """`base_dist` with log_prob replaced by 0 where `mask` is False.

    mask: a bool, or a bool array broadcastable with base_dist.batch_shape (the batch shape becomes
    the broadcast shape, as in NumPyro). Sampling is base_dist's.
    """

    def __init__(self, base_dist, mask):
        if isinstance(mask, (bool, np.bool_)):
            self._mask = bool(mask)
            batch_shape = base_dist.batch_shape
        else:
            if isinstance(mask, (list, tuple)) or is_concrete(mask):
                mask = np.asarray(mask)
            dtype = getattr(mask, "dtype", None)
            if dtype is None or np.dtype(dtype) != np.bool_:
                raise ValueError(f"mask must be a bool array, got dtype {dtype}")
            try:
                batch_shape = tuple(np.broadcast_shapes(shape_of(mask), base_dist.batch_shape))
            except ValueError:
                raise ValueError(f"mask of shape {shape_of(mask)} does not broadcast with the distribution's "
                                 f"batch_shape {base_dist.batch_shape}") from None
            if base_dist.batch_shape != batch_shape:
                base_dist = base_dist.expand(batch_shape)
            self._mask = anp.broadcast_to(mask, batch_shape) if shape_of(mask) != batch_shape else mask
        self.base_dist = base_dist
        super().__init__(batch_shape, base_dist.event_shape, validate_args=False)

    @property
    def mask_value(self):
        """The mask: a bool, or a bool array of shape batch_shape."""
        return self._mask

    @property
    def support(self):
        return self.base_dist.support

    @property
    def arg_constraints(self):
        return self.base_dist.arg_constraints

    @property
    def has_enumerate_support(self):
        return self.base_dist.has_enumerate_support

    def enumerate_support(self, expand=True):
        return self.base_dist.enumerate_support(expand)

    def expand(self, batch_shape):
        """Expand the base distribution and keep the mask outermost (so observations stay checked
        through the mask, and masked-out placeholders stay allowed)."""
        batch_shape = tuple(batch_shape)
        if batch_shape == self.batch_shape:
            return self
        return MaskedDistribution(self.base_dist.expand(batch_shape), self._mask)

    def _event_mask(self):
        return anp.reshape(self._mask, shape_of(self._mask) + (1,) * self.event_dim)

    def fill_masked(self, value):
        """value with its masked-out entries replaced by a point of the support (NumPyro's feasible_like)."""
        if isinstance(self._mask, bool):
            return value
        try:
            feasible = self.base_dist.support.feasible_like(value)
        except (NotImplementedError, TypeError, ValueError, AttributeError):
            return value
        if is_concrete(value) and is_concrete(feasible) and is_concrete(self._mask):
            return np.where(np.reshape(self._mask, np.shape(self._mask) + (1,) * self.event_dim), value, feasible)
        return anp.where(self._event_mask(), value, feasible)

    def log_prob(self, value):
        if self._mask is False:
            return anp.zeros(self._value_batch_shape(value))
        if self._mask is True:
            return self.base_dist.log_prob(value)
        return anp.where(self._mask, self.base_dist.log_prob(self.fill_masked(value)), 0.0)

    def check_value(self, value, site=None):
        """Validate the observations that count (masked-out entries may hold anything, e.g. NaN)."""
        if isinstance(value, (list, tuple)):
            value = np.asarray(value)
        if self._mask is False:
            return
        self.base_dist.check_value(self.fill_masked(value) if is_concrete(value) else value, site=site)

    def included(self, value):
        """Bool array shaped like value: True where the entry's log density counts."""
        keep = np.asarray(self._mask) if is_concrete(self._mask) or isinstance(self._mask, bool) else True
        keep = np.reshape(keep, np.shape(keep) + (1,) * self.event_dim)
        return np.broadcast_to(keep, np.shape(value))

    def sample(self, rng, sample_shape=()):
        return self.base_dist.sample(rng, sample_shape)

    @property
    def mean(self):
        return self.base_dist.mean

    @property
    def variance(self):
        return self.base_dist.variance

    def __repr__(self):
        return f"MaskedDistribution({self.base_dist!r}, mask shape {shape_of(self._mask)})"
