"""Quantile functions that only scipy has: ``icdf`` for concrete arguments, a clear error when traced.

``Gamma.icdf`` needs ``gammaincinv``, ``Beta.icdf`` ``betaincinv`` and
``StudentT.icdf`` ``stdtrit``; ``autodiff`` has no differentiable version of
them, so these quantiles are for sampling and plotting (concrete numbers),
never inside a model's log density.
"""

import numpy as np

from ppl.distributions.base import is_concrete

__all__ = ["concrete_quantile"]


def concrete_quantile(family, scipy_fn, *args):
    """``scipy_fn(*args)`` on float arrays; raise ``TypeError`` naming ``family`` if any argument is traced."""
    for a in args:
        if not (is_concrete(a) or isinstance(a, (list, tuple))):
            raise TypeError(
                f"{family}.icdf needs concrete parameters and q: it calls scipy.special.{scipy_fn.__name__}, "
                "which autodiff cannot differentiate; call icdf outside grad/jit (e.g. for sampling)"
            )
    return scipy_fn(*[np.asarray(a, dtype=float) for a in args])
