"""Improper priors: ImproperUniform over any support (log density 0), and the Flat / HalfFlat shorthands."""

import autodiff.numpy as anp
from ppl.distributions import constraints
from ppl.distributions.base import Distribution

__all__ = ["Flat", "HalfFlat", "ImproperUniform"]


class ImproperUniform(Distribution):
    r"""A "uniform" density over ``support`` that does not integrate to 1.

    .. math::

        \log p(x) = 0, \qquad x \in \text{support}

    Useful as a latent-site prior when the density is added separately (with
    ``factor``) or is genuinely flat; the posterior must still be proper.
    It cannot be sampled, so a model using it needs initial values (or a
    different prior) for prior predictive draws.

    Parameters
    ----------
    support : Constraint
        The set the value lives in; its ``event_dim`` must not exceed ``len(event_shape)``.
    batch_shape, event_shape : tuple of int
    """

    arg_constraints = {}

    def __init__(self, support, batch_shape=(), event_shape=(), *, validate_args=True):
        if not isinstance(support, constraints.Constraint):
            raise TypeError(f"{type(self).__name__}: support must be a Constraint, got {support!r}")
        event_shape = tuple(event_shape)
        if support.event_dim > len(event_shape):
            raise ValueError(
                f"{type(self).__name__}: support {support!r} has event_dim {support.event_dim}, "
                f"so event_shape needs at least {support.event_dim} dims, got {event_shape}"
            )
        if support.event_dim < len(event_shape):
            support = constraints.independent(support, len(event_shape) - support.event_dim)
        self.support = support
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def log_prob(self, value):
        return anp.zeros(self._value_batch_shape(value))

    def sample(self, rng, sample_shape=()):
        raise NotImplementedError(
            f"{type(self).__name__} (support {self.support!r}) is an improper prior and cannot be sampled: "
            "it only supplies a log density for MCMC. Give the site initial values, or a proper prior "
            "if you need prior draws."
        )


class Flat(ImproperUniform):
    """``ImproperUniform(real)``: log density 0 on the whole real line (Stan's unbounded parameter)."""

    def __init__(self, batch_shape=(), event_shape=(), *, validate_args=True):
        super().__init__(constraints.real, batch_shape, event_shape, validate_args=validate_args)


class HalfFlat(ImproperUniform):
    """``ImproperUniform(positive)``: log density 0 on the positive half-line."""

    def __init__(self, batch_shape=(), event_shape=(), *, validate_args=True):
        super().__init__(constraints.positive, batch_shape, event_shape, validate_args=validate_args)
