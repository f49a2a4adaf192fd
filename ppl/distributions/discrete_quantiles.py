"""``icdf`` of the discrete families: scipy's ``ppf``, the smallest integer ``k`` with ``cdf(k) >= q``.

A family supplies a guess near the answer (a normal or Cornish-Fisher approximation, or a closed
form); ``smallest_k_reaching`` then, on the family's support ``[low, high]``, steps the guess
down while ``cdf(k - 1) >= q`` and up while ``cdf(k) < q``, so the answer is exact for the family's
own ``cdf`` whatever the guess (a good guess only saves steps); the search is autodiff's
``smallest_k``, so the quantile also runs under ``ad.jit``. Edges as scipy's ``rv_discrete.ppf``: ``low - 1`` at
``q = 0``, ``high`` (``inf`` for unbounded support) at ``q = 1``, nan outside ``[0, 1]``. The result
is piecewise constant in the parameters, so it carries no gradient (``stop_gradient``).
"""

import copy

import numpy as np

import autodiff.numpy as anp
from autodiff.custom import stop_gradient
from autodiff.scipy import special
from autodiff.scipy.stats.discrete_search import smallest_k
from ppl.distributions import constraints
from ppl.distributions.base import is_concrete

__all__ = ["smallest_k_reaching", "normal_guess"]


def normal_guess(q, mean, sd, sd_skewness=0.0):
    """The Cornish-Fisher quantile ``mean + sd z + sd * skewness (z**2 - 1) / 6``, ``z = ndtri(q)``."""
    z = special.ndtri(q)
    return mean + sd * z + sd_skewness * (anp.square(z) - 1.0) / 6.0


def _detached(dist):
    """A shallow copy of ``dist`` whose traced attributes are cut from the gradient (``stop_gradient``)."""
    out = copy.copy(dist)
    for name, value in vars(dist).items():
        if not is_concrete(value) and not isinstance(value, (str, bool, type(None))):
            setattr(out, name, stop_gradient(value))
    return out


def _support_bounds(dist):
    support = dist.support
    if support is constraints.boolean:
        return 0.0, 1.0
    return getattr(support, "lower_bound", 0.0), getattr(support, "upper_bound", np.inf)


def smallest_k_reaching(dist, q, guess):
    """The smallest integer ``k`` in ``dist``'s support with ``dist.cdf(k) >= q``, stepping from ``guess(d, q)``.

    ``guess`` is called with ``dist`` cut from the gradient and ``q`` in (0, 1), and broadcasts like ``cdf``.
    """
    d = _detached(dist)
    low, high = _support_bounds(d)
    q = stop_gradient(anp.asarray(q, dtype=np.float64))
    inside = anp.logical_and(q > 0.0, q < 1.0)
    q_in = anp.where(inside, q, 0.5)
    guess_k = guess(d, q_in) + anp.zeros_like(d.cdf(low + anp.zeros_like(q_in)))  # q's and the batch's shape
    # "not below q" rather than ">= q": a nan cdf stops the upward steps (the support may be unbounded)
    k = smallest_k(lambda k: anp.logical_not(d.cdf(k) < q_in), low, high, guess_k)
    edges = anp.where(q == 0.0, low - 1.0, anp.where(q == 1.0, high * 1.0, np.nan))
    return anp.where(inside, k, edges)
