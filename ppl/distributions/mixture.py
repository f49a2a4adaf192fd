r"""Finite mixtures with the component indicator marginalised out: MixtureSameFamily and MixtureGeneral.

.. math::

    \log p(x) = \log\sum_k w_k\, p_k(x) = \operatorname{logsumexp}_k\left(\log w_k + \log p_k(x)\right)

``Mixture(mixing, components)`` picks the class as NumPyro does: one batched
component distribution -> ``MixtureSameFamily``, a list -> ``MixtureGeneral``.
"""

import numpy as np

import autodiff.numpy as anp
from autodiff.scipy import special
from ppl.distributions.base import Distribution, as_generator
from ppl.distributions.categorical import _CategoricalBase

__all__ = ["Mixture", "MixtureGeneral", "MixtureSameFamily"]


def _check_mixing(name, mixing, n_components):
    if not isinstance(mixing, _CategoricalBase):
        raise TypeError(f"{name}: mixing_distribution must be a Categorical, got {type(mixing).__name__}")
    if mixing.num_categories != n_components:
        raise ValueError(
            f"{name}: mixing_distribution has {mixing.num_categories} categories "
            f"but there are {n_components} components"
        )


def _gather(draws, idx, axis):
    """Pick ``draws[..., idx, ...]`` along ``axis`` (numpy; for sampling)."""
    idx = idx.reshape(idx.shape + (1,) * (draws.ndim - idx.ndim))
    return np.take_along_axis(draws, idx, axis=axis).squeeze(axis)


class _MixtureBase(Distribution):
    """Shared by both mixtures: subclasses give ``_component_log_probs(value)`` -> (..., K),
    ``_component_moments()`` -> (means, variances) stacked on axis ``-1 - event_dim``, and
    ``_component_draws(rng, sample_shape)`` stacked on the same axis."""

    @property
    def support(self):
        return self._support

    @property
    def mixture_size(self):
        return self.mixing_distribution.num_categories

    def _log_weights(self):
        return self.mixing_distribution._log_probs()

    def log_prob(self, value):
        return special.logsumexp(self._component_log_probs(value) + self._log_weights(), axis=-1)

    def sample(self, rng, sample_shape=()):
        rng = as_generator(rng)
        sample_shape = tuple(sample_shape)
        draws = self._component_draws(rng, sample_shape)  # sample + batch + (K,) + event
        idx = self.mixing_distribution.expand(self.batch_shape).sample(rng, sample_shape)
        return _gather(draws, idx, axis=len(sample_shape) + len(self.batch_shape))

    def _weights(self):
        w = anp.exp(self._log_weights())
        for _ in range(self.event_dim):
            w = anp.expand_dims(w, -1)
        return w

    @property
    def mean(self):
        means, _ = self._component_moments()
        return anp.sum(self._weights() * means, axis=-1 - self.event_dim)

    @property
    def variance(self):
        # law of total variance: E[Var] + E[mean^2] - E[mean]^2
        means, variances = self._component_moments()
        w = self._weights()
        axis = -1 - self.event_dim
        mean = anp.sum(w * means, axis=axis)
        return anp.sum(w * (variances + anp.square(means)), axis=axis) - anp.square(mean)


class MixtureSameFamily(_MixtureBase):
    r"""Mixture of the components along the rightmost batch dim of ``component_distribution``.

    .. math::

        \log p(x) = \operatorname{logsumexp}_k\left(\log w_k + \log p(x \mid \theta_k)\right)

    Parameters
    ----------
    mixing_distribution : Categorical
        Weights :math:`w`, batch shape broadcastable to the mixture's batch shape.
    component_distribution : Distribution
        Batch shape ``batch_shape + (K,)``.

    Examples
    --------
    >>> mix = MixtureSameFamily(Categorical(probs=np.array([0.3, 0.7])),
    ...                         Normal(np.array([-1.0, 2.0]), np.array([0.5, 1.0])))
    >>> mix.batch_shape, mix.event_shape
    ((), ())
    """

    def __init__(self, mixing_distribution, component_distribution, *, validate_args=True):
        name = "MixtureSameFamily"
        if not isinstance(component_distribution, Distribution):
            raise TypeError(f"{name}: component_distribution must be a Distribution")
        cshape = component_distribution.batch_shape
        if len(cshape) < 1:
            raise ValueError(f"{name}: component_distribution needs a batch dim for the components, got batch_shape ()")
        _check_mixing(name, mixing_distribution, cshape[-1])
        self.mixing_distribution = mixing_distribution
        self.component_distribution = component_distribution
        self._support = component_distribution.support
        batch = tuple(anp.broadcast_shapes(mixing_distribution.batch_shape, cshape[:-1]))
        super().__init__(batch, component_distribution.event_shape, validate_args=validate_args)

    def _component_log_probs(self, value):
        return self.component_distribution.log_prob(anp.expand_dims(value, -1 - self.event_dim))

    def _component_moments(self):
        c = self.component_distribution
        return c.mean, c.variance

    def _component_draws(self, rng, sample_shape):
        comp = self.component_distribution.expand(self.batch_shape + (self.mixture_size,))
        return comp.sample(rng, sample_shape)


class MixtureGeneral(_MixtureBase):
    r"""Mixture of a list of distributions, possibly of different families, sharing a support.

    .. math::

        \log p(x) = \operatorname{logsumexp}_k\left(\log w_k + \log p_k(x)\right)

    Parameters
    ----------
    mixing_distribution : Categorical
        ``K`` categories.
    component_distributions : list of Distribution
        ``K`` distributions with the same event shape and the same type of support.
    """

    def __init__(self, mixing_distribution, component_distributions, *, validate_args=True):
        name = "MixtureGeneral"
        comps = list(component_distributions)
        if not comps or not all(isinstance(c, Distribution) for c in comps):
            raise TypeError(f"{name}: component_distributions must be a non-empty list of Distributions")
        _check_mixing(name, mixing_distribution, len(comps))
        event_shapes = {c.event_shape for c in comps}
        if len(event_shapes) != 1:
            raise ValueError(f"{name}: components must share an event shape, got {sorted(event_shapes)}")
        supports = [c.support for c in comps]
        if len({type(s) for s in supports}) != 1:
            raise ValueError(f"{name}: components must share a support, got {supports}")
        self.mixing_distribution = mixing_distribution
        self.component_distributions = comps
        self._support = supports[0]
        batch = tuple(anp.broadcast_shapes(mixing_distribution.batch_shape, *(c.batch_shape for c in comps)))
        super().__init__(batch, comps[0].event_shape, validate_args=validate_args)

    def _component_log_probs(self, value):
        shape = self._value_batch_shape(value)
        return anp.stack([anp.broadcast_to(c.log_prob(value), shape) for c in self.component_distributions], axis=-1)

    def _component_moments(self):
        full = self.batch_shape + self.event_shape
        axis = -1 - self.event_dim
        means = anp.stack([anp.broadcast_to(c.mean, full) for c in self.component_distributions], axis=axis)
        variances = anp.stack([anp.broadcast_to(c.variance, full) for c in self.component_distributions], axis=axis)
        return means, variances

    def _component_draws(self, rng, sample_shape):
        axis = len(sample_shape) + len(self.batch_shape)
        draws = [c.expand(self.batch_shape).sample(rng, sample_shape) for c in self.component_distributions]
        return np.stack(draws, axis=axis)


def Mixture(mixing_distribution, component_distributions, *, validate_args=True):
    """A finite mixture: ``MixtureSameFamily`` for one batched component distribution, ``MixtureGeneral`` for a list."""
    if isinstance(component_distributions, Distribution):
        return MixtureSameFamily(mixing_distribution, component_distributions, validate_args=validate_args)
    return MixtureGeneral(mixing_distribution, component_distributions, validate_args=validate_args)
