"""scipy.stats.vonmises: the von Mises (circular normal) distribution with concentration `kappa`.

As in scipy the density is evaluated for every real x (it is 2 pi periodic, not restricted to an
interval); logpdf and pdf only (scipy's CDF is a dedicated series).
"""
import math

from ... import numpy as anp
from .. import special as sc
from ._dist import Continuous, exp

LOG_2PI = math.log(2.0 * math.pi)

# kappa cos(z) - log(2 pi I0(kappa)) = kappa cosm1(z) - log(2 pi) - log(i0e(kappa)): no overflow for large kappa
_spec = Continuous(lambda z, kappa: kappa * sc.cosm1(z) - LOG_2PI - anp.log(sc.i0e(kappa)),
                   argcheck=lambda kappa: anp.greater_equal(kappa, 0), safe=(1.0,))


def logpdf(x, kappa, loc=0, scale=1):
    """scipy.stats.vonmises.logpdf."""
    return _spec.logpdf(x, (kappa,), loc, scale)


def pdf(x, kappa, loc=0, scale=1):
    return exp(logpdf(x, kappa, loc, scale))


__all__ = ["logpdf", "pdf"]
