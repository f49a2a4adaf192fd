"""Elementwise bijectors: Identity, Exp, Softplus, LowerBound, UpperBound, Interval, Sigmoid, Affine.

Each follows Stan's ``*_constrain`` (``stan/math/prim/constraint``): the same
map and the same log Jacobian, written stably.  Bounds and affine parameters
may be arrays or traced values that depend on other parameters (Stan's garch11
has ``alpha1 ~ interval(0, 1)`` and ``beta1 ~ interval(0, 1 - alpha1)``).
All have ``event_dim = 0``: ``log_det_jacobian`` is elementwise.
"""
import autodiff.numpy as anp
from autodiff.scipy.special import expit

from .base import TINY, Bijector, at_least, exp_no_underflow

__all__ = ["Identity", "Exp", "Softplus", "LowerBound", "UpperBound", "Interval", "Sigmoid", "Affine"]


_HALF_ULP = 1.2e-16  # just above 2**-53: |b| * _HALF_ULP exceeds half the spacing of floats at b


def _off(bound):
    """The smallest step that moves a float strictly off ``bound`` (TINY past 0)."""
    return anp.abs(bound) * _HALF_ULP + TINY


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
        return exp_no_underflow(x)

    def inverse(self, y):
        return anp.log(y)

    def log_det_jacobian(self, x):
        return x


class Softplus(Bijector):
    """``y = log(1 + exp(x))``, ``log|J| = log sigmoid(x)``; positive, but linear for large ``x``.

    The inverse is ``y + log(-expm1(-y))``, exact for tiny and large ``y``.
    """

    def forward(self, x):
        return at_least(anp.logaddexp(0.0, x), TINY)

    def inverse(self, y):
        return y + anp.log(-anp.expm1(-y))

    def log_det_jacobian(self, x):
        return _log_expit(x)


class LowerBound(Bijector):
    """``y = low + exp(x)``, ``log|J| = x`` (Stan's ``lb_constrain``).

    Where ``exp(x)`` is below float64's resolution at ``low``, ``y`` is the nearest float
    strictly above ``low`` (as ``Interval``), not ``low`` itself.
    """

    def __init__(self, low):
        self.low = low

    def forward(self, x):
        return self.low + at_least(exp_no_underflow(x), _off(self.low))

    def inverse(self, y):
        return anp.log(y - self.low)

    def log_det_jacobian(self, x):
        return x

    def __repr__(self):
        return f"LowerBound({self.low!r})"


class UpperBound(Bijector):
    """``y = high - exp(x)``, ``log|J| = x`` (Stan's ``ub_constrain``); strictly below ``high`` as ``LowerBound``."""

    def __init__(self, high):
        self.high = high

    def forward(self, x):
        return self.high - at_least(exp_no_underflow(x), _off(self.high))

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

    ``forward`` measures from the nearer bound (``high - d sigmoid(-x)`` for
    ``x > 0``), so ``y`` keeps its precision near ``high`` as near ``low``, and
    where the exact ``y`` is closer to a bound than float64 can resolve it is
    nudged to the nearest representable point strictly inside (gradient of the
    exact map kept): a Beta latent at ``x = 37`` has a finite log density
    (about -108.5) instead of sitting on the bound at -inf.
    """

    def __init__(self, low, high):
        self.low = low
        self.high = high

    def forward(self, x):
        width = self.high - self.low
        from_low = self.low + at_least(width * expit(x), _off(self.low))
        from_high = self.high - at_least(width * expit(-x), _off(self.high))
        return anp.where(x > 0, from_high, from_low)

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
