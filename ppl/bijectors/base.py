"""Bijector: a smooth map from unconstrained reals onto a constraint's support, its inverse and log Jacobian.

A bijector maps an unconstrained ``x`` (what the sampler moves) to a
constrained ``y`` (what the model sees).  The log density on ``x`` is
``log p(forward(x)) + log_det_jacobian(x)``, as in Stan's
``*_constrain(x, lp)`` functions and NumPyro's ``Transform``.

Every method is written with ``autodiff.numpy`` only, without Python control
flow on array values, so the same code runs eagerly on NumPy arrays and under
``autodiff`` tracing.  Shapes (``.shape``) are concrete and may drive Python.
"""
import numpy as np

import autodiff as ad
import autodiff.numpy as anp

__all__ = ["Bijector", "Chain", "Independent", "at_least", "exp_no_underflow", "sum_rightmost"]

# The smallest value a positive constrained coordinate takes: 1e-300 rather than the smallest
# normal float (2.2e-308), so 1/y in a gradient (a Poisson's y_obs / rate) has 8 orders of
# magnitude of headroom before it overflows.
TINY = 1e-300
LOG_TINY = float(np.log(TINY))  # about -690.8


def at_least(v, floor):
    """``maximum(v, floor)`` in value, but with the gradient of ``v`` (a straight-through clamp).

    Used where a constrained value would round onto the edge of its support (``exp(-800)``
    underflows to 0, ``sigmoid(40)`` rounds to 1): the value is nudged to the nearest
    representable point inside, while the gradient stays that of the exact map, so it keeps
    pointing the way the true density changes.
    """
    return anp.where(v < floor, v + ad.stop_gradient(floor - v), v)  # where: v = inf stays inf


def exp_no_underflow(x):
    """``exp(x)``, but never an exact 0: below ``log(TINY)`` (-690.8) the result is ``TINY``.

    A positive parameter whose free value is -800 is ``exp(-800)``, which float64 cannot hold;
    0 would put it on the edge of its support, where ``log(y)`` is -inf although the log density
    is finite.  ``log`` of the result is ``max(x, -690.8)`` and its derivative is still 1.
    Overflow (``x > 709.8``) is left as ``inf``: there the density is -inf for every proper prior.
    """
    return anp.exp(at_least(x, LOG_TINY))


def sum_rightmost(x, n):
    """Sum ``x`` over its last ``n`` axes (``n = 0`` returns ``x``)."""
    if n == 0:
        return x
    return anp.sum(x, axis=tuple(range(-n, 0)))


class Bijector:
    """Map from unconstrained ``x`` to constrained ``y = forward(x)``.

    Subclasses set two class attributes and override the methods they need.

    Attributes
    ----------
    domain_event_dim : int
        Number of rightmost axes of ``x`` forming one event (0 for scalar
        maps, 1 for ``Simplex``'s ``(..., K-1)`` input).
    event_dim : int
        Number of rightmost axes of ``y`` forming one event (2 for
        ``CholeskyCorr``'s ``(..., K, K)`` output).

    Notes
    -----
    ``log_det_jacobian(x)`` is ``log |det dy/dx|`` summed over the event axes,
    so its shape is the batch shape ``x.shape[:x.ndim - domain_event_dim]``.
    For maps that change dimension (``Simplex``, ``CholeskyCorr``, ...) the
    determinant is taken on the coordinates of the constrained manifold that
    Stan uses, documented on each class.
    """

    domain_event_dim = 0
    event_dim = 0

    def forward(self, x):
        """Unconstrained ``x`` -> constrained ``y``."""
        raise NotImplementedError

    def inverse(self, y):
        """Constrained ``y`` -> unconstrained ``x``."""
        raise NotImplementedError

    def log_det_jacobian(self, x):
        """``log |det dy/dx|`` at unconstrained ``x``, summed over the event axes."""
        raise NotImplementedError

    def forward_shape(self, shape):
        """Shape of ``forward(x)`` for ``x`` of ``shape``."""
        return tuple(shape)

    def inverse_shape(self, shape):
        """Shape of ``inverse(y)`` for ``y`` of ``shape``."""
        return tuple(shape)

    def __repr__(self):
        return f"{type(self).__name__}()"


class Chain(Bijector):
    """Composition ``Chain([b1, b2, ...])``: apply ``b1`` first; log Jacobians add.

    Each part's log Jacobian is summed over the axes that are event axes of
    the chain but batch axes of the part, so an elementwise ``Affine`` followed
    by a vector ``Ordered`` gives one number per vector.

    Examples
    --------
    >>> b = Chain([Affine(0.0, 2.0), Exp()])   # y = exp(2 x)
    """

    def __init__(self, parts):
        self.parts = tuple(parts)
        if not self.parts:
            raise ValueError("Chain needs at least one bijector, got an empty list")
        # Walk backwards to find how many axes of x one chain event spans.
        dim = self.parts[-1].event_dim
        for part in reversed(self.parts):
            dim = max(dim + part.domain_event_dim - part.event_dim, part.domain_event_dim)
        self.domain_event_dim = dim
        for part in self.parts:
            dim += part.event_dim - part.domain_event_dim
        self.event_dim = dim

    def forward(self, x):
        for part in self.parts:
            x = part.forward(x)
        return x

    def inverse(self, y):
        for part in reversed(self.parts):
            y = part.inverse(y)
        return y

    def log_det_jacobian(self, x):
        total = 0.0
        dim = self.domain_event_dim  # event axes of the current intermediate value
        for part in self.parts:
            total = total + sum_rightmost(part.log_det_jacobian(x), dim - part.domain_event_dim)
            dim += part.event_dim - part.domain_event_dim
            x = part.forward(x)
        return total

    def forward_shape(self, shape):
        for part in self.parts:
            shape = part.forward_shape(shape)
        return shape

    def inverse_shape(self, shape):
        for part in reversed(self.parts):
            shape = part.inverse_shape(shape)
        return shape

    def __repr__(self):
        return f"Chain([{', '.join(map(repr, self.parts))}])"


class Independent(Bijector):
    """Treat ``ndims`` more batch axes of ``base`` as event axes (sums their log Jacobian).

    The bijector for ``independent(constraint, ndims)``, as NumPyro's
    ``IndependentTransform``; ``StochasticMatrix`` is ``Independent(Simplex(), 1)``.
    """

    def __init__(self, base, ndims):
        if ndims < 0:
            raise ValueError(f"Independent needs ndims >= 0, got {ndims}")
        self.base = base
        self.ndims = int(ndims)
        self.domain_event_dim = base.domain_event_dim + self.ndims
        self.event_dim = base.event_dim + self.ndims

    def forward(self, x):
        return self.base.forward(x)

    def inverse(self, y):
        return self.base.inverse(y)

    def log_det_jacobian(self, x):
        return sum_rightmost(self.base.log_det_jacobian(x), self.ndims)

    def forward_shape(self, shape):
        return self.base.forward_shape(shape)

    def inverse_shape(self, shape):
        return self.base.inverse_shape(shape)

    def __repr__(self):
        return f"Independent({self.base!r}, {self.ndims})"
