"""Distributions over K categories: Categorical (one draw) and Multinomial (counts of n draws).

As in NumPyro each comes as a ``...Probs`` and a ``...Logits`` class, and a
factory of the family's name picks one. Log-mass functions are -inf off the
support, as scipy's ``logpmf``.
"""

import math

import numpy as np

import autodiff.numpy as anp
from autodiff.scipy import special
from ppl.distributions import constraints
from ppl.distributions.base import (
    Distribution,
    as_generator,
    as_param,
    concrete,
    is_concrete,
    mask_outside,
    shape_of,
)
from ppl.distributions.discrete import _enumerate, _is_integer, _pick

__all__ = [
    "Categorical",
    "CategoricalLogits",
    "CategoricalProbs",
    "Multinomial",
    "MultinomialLogits",
    "MultinomialProbs",
]


# ---------------------------------------------------------------------------
# Categorical


def _as_index(value, n):
    """An integer index array for ``take_along_axis``; out-of-range values are clipped (and masked by the caller)."""
    if is_concrete(value) or isinstance(value, (list, tuple)):
        v = np.nan_to_num(np.asarray(value, dtype=float))
        return np.clip(v, 0, n - 1).astype(np.int64)
    return anp.clip(value, 0, n - 1)


class _CategoricalBase(Distribution):
    """Shared code: ``_log_probs()`` returns the normalised log probabilities, shape ``batch + (K,)``."""

    has_enumerate_support = True

    @property
    def num_categories(self):
        return shape_of(self._param)[-1]

    @property
    def support(self):
        return constraints.integer_interval(0, self.num_categories - 1)

    def log_prob(self, value):
        n = self.num_categories
        batch = tuple(anp.broadcast_shapes(shape_of(value), self.batch_shape))
        log_p = anp.broadcast_to(self._log_probs(), batch + (n,))
        idx = anp.expand_dims(anp.broadcast_to(_as_index(value, n), batch), -1)
        lp = anp.take_along_axis(log_p, idx, axis=-1)[..., 0]
        ok = _is_integer(value) & (value >= 0) & (value <= n - 1)
        return mask_outside(lp, ok)

    def sample(self, rng, sample_shape=()):
        shape = self.shape(sample_shape)
        probs = np.exp(np.asarray(self._concrete_log_probs()))
        cdf = np.cumsum(probs, axis=-1)
        u = as_generator(rng).uniform(size=shape + (1,)) * cdf[..., -1:]
        return np.minimum((u >= cdf).sum(axis=-1), self.num_categories - 1).astype(np.int64)

    @property
    def mean(self):
        return anp.full(self.batch_shape, math.nan)

    @property
    def variance(self):
        return anp.full(self.batch_shape, math.nan)

    def enumerate_support(self, expand=True):
        return _enumerate(self.num_categories, self.batch_shape, expand)


class CategoricalProbs(_CategoricalBase):
    r"""Categorical distribution over :math:`\{0, \dots, K-1\}` with ``probs`` :math:`p` (last axis).

    .. math::

        \log p(k \mid p) = \log p_k
    """

    arg_constraints = {"probs": constraints.simplex}

    def __init__(self, probs, *, validate_args=True):
        self.probs = as_param(probs)
        shape = shape_of(self.probs)
        if len(shape) < 1:
            raise ValueError(f"Categorical: probs must have at least one dimension, got shape {shape}")
        super().__init__(shape[:-1], validate_args=validate_args)

    @property
    def _param(self):
        return self.probs

    @property
    def logits(self):
        return anp.log(self.probs)

    def _log_probs(self):
        return anp.log(self.probs)

    def _concrete_log_probs(self):
        with np.errstate(divide="ignore"):
            return np.log(concrete(self.probs))


class CategoricalLogits(_CategoricalBase):
    r"""Categorical distribution with unnormalised log probabilities ``logits`` :math:`\ell` (last axis).

    .. math::

        \log p(k \mid \ell) = \ell_k - \log\sum_j e^{\ell_j}
    """

    arg_constraints = {"logits": constraints.real_vector}

    def __init__(self, logits, *, validate_args=True):
        self.logits = as_param(logits)
        shape = shape_of(self.logits)
        if len(shape) < 1:
            raise ValueError(f"Categorical: logits must have at least one dimension, got shape {shape}")
        super().__init__(shape[:-1], validate_args=validate_args)

    @property
    def _param(self):
        return self.logits

    @property
    def probs(self):
        return special.softmax(self.logits, axis=-1)

    def _log_probs(self):
        return special.log_softmax(self.logits, axis=-1)

    def _concrete_log_probs(self):
        logits = concrete(self.logits)
        return logits - np.logaddexp.reduce(logits, axis=-1, keepdims=True)


def Categorical(probs=None, logits=None, *, validate_args=True):
    """Categorical distribution: ``CategoricalProbs`` if ``probs`` is given, ``CategoricalLogits`` if ``logits``."""
    if _pick("Categorical", probs, logits):
        return CategoricalProbs(probs, validate_args=validate_args)
    return CategoricalLogits(logits, validate_args=validate_args)


# ---------------------------------------------------------------------------
# Multinomial


class _MultinomialBase(Distribution):
    """Shared code: ``_log_probs()`` returns normalised log probabilities, shape ``batch + (K,)``."""

    def __init__(self, param, total_count, validate_args):
        self.total_count = as_param(total_count)
        shape = shape_of(param)
        if len(shape) < 1:
            raise ValueError(f"Multinomial: probs/logits must have at least one dimension, got shape {shape}")
        batch = tuple(anp.broadcast_shapes(shape[:-1], shape_of(self.total_count)))
        super().__init__(batch, shape[-1:], validate_args=validate_args)

    @property
    def support(self):
        return constraints.multinomial(self.total_count)

    def log_prob(self, value):
        n = self.total_count
        lp = special.gammaln(n + 1) - anp.sum(special.gammaln(value + 1), axis=-1) + self._weighted(value)
        return mask_outside(lp, self.support.check(value))

    def sample(self, rng, sample_shape=()):
        shape = tuple(sample_shape) + self.batch_shape
        n = np.broadcast_to(concrete(self.total_count, np.int64), shape)
        probs = np.broadcast_to(np.asarray(self._concrete_probs()), shape + self.event_shape)
        probs = probs / probs.sum(axis=-1, keepdims=True)
        return as_generator(rng).multinomial(n, probs, size=shape)

    @property
    def mean(self):
        return anp.broadcast_to(anp.expand_dims(self.total_count, -1) * self.probs, self.batch_shape + self.event_shape)

    @property
    def variance(self):
        p = self.probs
        var = anp.expand_dims(self.total_count, -1) * p * (1 - p)
        return anp.broadcast_to(var, self.batch_shape + self.event_shape)


class MultinomialProbs(_MultinomialBase):
    r"""Counts of ``total_count`` :math:`n` draws from a categorical with ``probs`` :math:`p`.

    .. math::

        \log p(x \mid n, p) = \log n! - \sum_k \log x_k! + \sum_k x_k\log p_k, \qquad \sum_k x_k = n
    """

    arg_constraints = {"probs": constraints.simplex, "total_count": constraints.nonnegative_integer}

    def __init__(self, probs, total_count=1, *, validate_args=True):
        self.probs = as_param(probs)
        super().__init__(self.probs, total_count, validate_args)

    @property
    def logits(self):
        return anp.log(self.probs)

    def _weighted(self, value):
        return anp.sum(special.xlogy(value, self.probs), axis=-1)

    def _concrete_probs(self):
        return concrete(self.probs)


class MultinomialLogits(_MultinomialBase):
    r"""Multinomial distribution with unnormalised log probabilities ``logits`` :math:`\ell`.

    .. math::

        \log p(x \mid n, \ell) = \log n! - \sum_k \log x_k! + \sum_k x_k\left(\ell_k - \log\sum_j e^{\ell_j}\right)
    """

    arg_constraints = {"logits": constraints.real_vector, "total_count": constraints.nonnegative_integer}

    def __init__(self, logits, total_count=1, *, validate_args=True):
        self.logits = as_param(logits)
        super().__init__(self.logits, total_count, validate_args)

    @property
    def probs(self):
        return special.softmax(self.logits, axis=-1)

    def _weighted(self, value):
        return anp.sum(value * special.log_softmax(self.logits, axis=-1), axis=-1)

    def _concrete_probs(self):
        logits = concrete(self.logits)
        return np.exp(logits - np.logaddexp.reduce(logits, axis=-1, keepdims=True))


def Multinomial(total_count=1, probs=None, logits=None, *, validate_args=True):
    """Multinomial distribution: ``MultinomialProbs`` if ``probs`` is given, ``MultinomialLogits`` if ``logits``."""
    if _pick("Multinomial", probs, logits):
        return MultinomialProbs(probs, total_count, validate_args=validate_args)
    return MultinomialLogits(logits, total_count, validate_args=validate_args)
