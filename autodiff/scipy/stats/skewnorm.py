"""scipy.stats.skewnorm: the skew-normal distribution with shape `a` (logpdf and pdf; its CDF needs Owen's T)."""
import math

from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, exp
from .norm import std_logpdf as norm_logpdf

LOG2 = math.log(2.0)

_spec = Continuous(lambda z, a: LOG2 + norm_logpdf(z) + sc.log_ndtr(a * z), safe=(0.0,), argcheck=anp.isfinite,
                   open_support=True)  # -inf at z = +-inf (a * z would be nan at a = 0)


def logpdf(x, a, loc=0, scale=1):
    """scipy.stats.skewnorm.logpdf: log 2 + log phi(z) + log Phi(a z) - log(scale); differentiable in a too."""
    return _spec.logpdf(x, (a,), loc, scale)


def pdf(x, a, loc=0, scale=1):
    return exp(logpdf(x, a, loc, scale))


__all__ = ["logpdf", "pdf"]
