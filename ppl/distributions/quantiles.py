"""Quantile functions that only scipy has: ``icdf`` for concrete arguments, a clear error when traced.

``SkewNormal.icdf`` needs the inverse of Owen's T function, which ``autodiff``
has no differentiable version of, so that quantile is for sampling and plotting
(concrete numbers), never inside a model's log density. (Gamma, Beta, StudentT,
Chi2 and InverseGamma quantiles are autodiff expressions: gammaincinv,
betaincinv, stdtrit.)
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
