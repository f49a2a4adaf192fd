"""Elementwise bijectors: Identity, Exp, Softplus, LowerBound, UpperBound, Interval, Sigmoid, Affine.

Each follows Stan's ``*_constrain`` (``stan/math/prim/constraint``): the same
map and the same log Jacobian, written stably.  Bounds and affine parameters
may be arrays or traced values that depend on other parameters (Stan's garch11
has ``alpha1 ~ interval(0, 1)`` and ``beta1 ~ interval(0, 1 - alpha1)``).
All have ``event_dim = 0``: ``log_det_jacobian`` is elementwise.
"""
import autodiff.numpy as anp
from autodiff.scipy.special import expit

from .base import Bijector

__all__ = ["Identity", "Exp", "Softplus", "LowerBound", "UpperBound", "Interval", "Sigmoid", "Affine"]


def _log_expit(x):
    """``log(sigmoid(x))`` without overflow or cancellation."""
    return -anp.logaddexp(0.0, -x)


class Identity(Bijector):
    """``y = x``; the default for ``real``."""

    def forward(self, x):
        return x

    def inverse(self, y):
        return y

    def log_det_jacobian(self, x):
        return anp.zeros_like(x)


class Exp(Bijector):
    """``y = exp(x)``, ``log|J| = x``; the default for ``positive`` (Stan's ``<lower=0>``)."""

    def forward(self, x):
        return anp.exp(x)

    def inverse(self, y):
        return anp.log(y)

    def log_det_jacobian(self, x):
        return x


class Softplus(Bijector):
    """``y = log(1 + exp(x))``, ``log|J| = log sigmoid(x)``; positive, but linear for large ``x``.

    The inverse is ``y + log(-expm1(-y))``, exact for tiny and large ``y``.
    """

    def forward(self, x):
        return anp.logaddexp(0.0, x)

    def inverse(self, y):
        return y + anp.log(-anp.expm1(-y))

    def log_det_jacobian(self, x):
        return _log_expit(x)


class LowerBound(Bijector):
    """``y = low + exp(x)``, ``log|J| = x`` (Stan's ``lb_constrain``)."""

    def __init__(self, low):
        self.low = low

    def forward(self, x):
        return anp.exp(x) + self.low

    def inverse(self, y):
        return anp.log(y - self.low)

    def log_det_jacobian(self, x):
        return x

    def __repr__(self):
        return f"LowerBound({self.low!r})"


class UpperBound(Bijector):
    """``y = high - exp(x)``, ``log|J| = x`` (Stan's ``ub_constrain``)."""

    def __init__(self, high):
        self.high = high

    def forward(self, x):
        return self.high - anp.exp(x)

    def inverse(self, y):
        return anp.log(self.high - y)

    def log_det_jacobian(self, x):
        return x

    def __repr__(self):
        return f"UpperBound({self.high!r})"


class Interval(Bijector):
    """``y = low + (high - low) * sigmoid(x)`` (Stan's ``lub_constrain``).

    .. math::

        \\log |J| = \\log(\\mathrm{high} - \\mathrm{low})
                    + \\log \\sigma(x) + \\log \\sigma(-x)

    The log Jacobian uses ``log sigmoid(x) = -logaddexp(0, -x)``, finite for
    any finite ``x``; the inverse is ``log(y - low) - log(high - y)``, which
    keeps its precision near either bound.
    """

    def __init__(self, low, high):
        self.low = low
        self.high = high

    def forward(self, x):
        return self.low + (self.high - self.low) * expit(x)

    def inverse(self, y):
        return anp.log(y - self.low) - anp.log(self.high - y)

    def log_det_jacobian(self, x):
        return anp.log(self.high - self.low) + _log_expit(x) + _log_expit(-x)

    def __repr__(self):
        return f"Interval({self.low!r}, {self.high!r})"


class Sigmoid(Interval):
    """``y = sigmoid(x)``: ``Interval(0, 1)``, the default for ``unit_interval``."""

    def __init__(self):
        super().__init__(0.0, 1.0)

    def __repr__(self):
        return "Sigmoid()"


class Affine(Bijector):
    """``y = loc + scale * x``, ``log|J| = log|scale|`` (``scale != 0``).

    Stan's ``offset_multiplier_constrain``; the non-centred parametrisation.
    """

    def __init__(self, loc, scale):
        self.loc = loc
        self.scale = scale

    def forward(self, x):
        return self.loc + self.scale * x

    def inverse(self, y):
        return (y - self.loc) / self.scale

    def log_det_jacobian(self, x):
        # zeros_like(x) + ...: the result has the broadcast shape of x and scale.
        return anp.zeros_like(x) + anp.log(anp.abs(self.scale))

    def __repr__(self):
        return f"Affine({self.loc!r}, {self.scale!r})"
