"""The quantile search of the discrete families: the smallest integer where a monotone test first holds.

scipy's ``rv_discrete.ppf(q)`` is the smallest ``k`` with ``cdf(k) >= q`` and ``isf(q)`` the smallest
``k`` with ``sf(k) <= q``. ``smallest_k`` finds such a ``k`` by steps of one from a guess (a normal or
Cornish-Fisher approximation, or a closed form): down while the test holds at ``k - 1``, up while it
fails at ``k``. The answer is exact for the family's own cdf whatever the guess (a good one only saves
steps), and the steps are ``while_loop``s, so the search also runs under ``jit``.
"""
from ... import numpy as anp
from ...control_flow import while_loop

__all__ = ["smallest_k"]


def smallest_k(holds, lo, hi, guess):
    """The smallest integer k in [lo, hi] where holds(k) (False below some k, True from it on), stepping from guess.

    A nan guess starts the search at lo.
    """
    k = anp.clip(anp.floor(guess), lo, hi)
    k = anp.where(anp.isnan(k), lo, k)

    def too_high(k):
        return anp.logical_and(anp.greater(k, lo), holds(k - 1.0))

    def too_low(k):
        return anp.logical_and(anp.less(k, hi), anp.logical_not(holds(k)))

    k = while_loop(lambda k: anp.any(too_high(k)), lambda k: anp.where(too_high(k), k - 1.0, k), k)
    return while_loop(lambda k: anp.any(too_low(k)), lambda k: anp.where(too_low(k), k + 1.0, k), k)
