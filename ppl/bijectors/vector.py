"""Vector bijectors (event_dim 1): Ordered, PositiveOrdered, Simplex, SumToZero, UnitVector.

Each follows Stan's transform of the same name (``stan/math/prim/constraint``,
Stan Reference Manual, "Constraint transforms"), vectorised over leading batch
axes with cumulative sums instead of Stan's loops.
"""
import autodiff.numpy as anp

from .base import Bijector, exp_no_underflow
from .stick_breaking import stick_breaking

__all__ = ["Ordered", "PositiveOrdered", "Simplex", "SumToZero", "UnitVector"]


def _reverse_cumsum(a):
    """``out[k] = sum(a[k:])`` along the last axis."""
    return anp.cumsum(a[..., ::-1], axis=-1)[..., ::-1]


def _check_free_length(name, n, at_least):
    if n < at_least:
        raise ValueError(f"{name} needs at least {at_least} unconstrained values on the last axis, got {n}")


class Ordered(Bijector):
    """Strictly increasing vectors: ``y_0 = x_0``, ``y_k = y_{k-1} + exp(x_k)`` (Stan's ``ordered``).

    .. math::

        \\log |J| = \\sum_{k \\ge 1} x_k
    """

    domain_event_dim = 1
    event_dim = 1

    def forward(self, x):
        head = x[..., :1]
        return anp.concatenate([head, head + anp.cumsum(exp_no_underflow(x[..., 1:]), axis=-1)], axis=-1)

    def inverse(self, y):
        return anp.concatenate([y[..., :1], anp.log(y[..., 1:] - y[..., :-1])], axis=-1)

    def log_det_jacobian(self, x):
        return anp.sum(x[..., 1:], axis=-1)


class PositiveOrdered(Bijector):
    """Strictly increasing positive vectors: ``y = cumsum(exp(x))`` (Stan's ``positive_ordered``).

    .. math::

        \\log |J| = \\sum_k x_k
    """

    domain_event_dim = 1
    event_dim = 1

    def forward(self, x):
        return anp.cumsum(exp_no_underflow(x), axis=-1)

    def inverse(self, y):
        return anp.log(anp.concatenate([y[..., :1], y[..., 1:] - y[..., :-1]], axis=-1))

    def log_det_jacobian(self, x):
        return anp.sum(x, axis=-1)


class Simplex(Bijector):
    """Stan's stick-breaking simplex transform: ``K - 1`` free values -> ``K`` non-negative summing to 1.

    With ``N = K - 1`` and ``k = 0, ..., N - 1``:

    .. math::

        z_k = \\sigma(x_k - \\log(N - k)), \\quad
        y_k = z_k \\prod_{j<k} (1 - z_j), \\quad
        y_N = \\prod_{j<N} (1 - z_j),

        \\log |J| = \\sum_k \\left[ \\log z_k + \\log(1 - z_k)
                    + \\sum_{j<k} \\log(1 - z_j) \\right].

    The offset ``log(N - k)`` makes ``x = 0`` the uniform simplex.  Everything
    runs in log space (``log z = -softplus(-u)``, ``log(1 - z) = -softplus(u)``)
    so no stick length underflows to an exact 0 before the final ``exp``.  The
    Jacobian is that of ``x -> y[:-1]`` (the last coordinate is implied), as in
    Stan's ``simplex_constrain``.
    """

    domain_event_dim = 1
    event_dim = 1

    def forward(self, x):
        # one compiled kernel (stick_breaking.py): the elementwise form, scalarised over every
        # coordinate of every row, was a large part of the compile time of models with a Dirichlet
        return stick_breaking(x)[0]

    def inverse(self, y):
        # Stan's simplex_free: logit(y_k / sum(y[k:])) + log(N - k) = log y_k - log sum(y[k+1:]) + log(N - k)
        n = y.shape[-1] - 1
        rest = _reverse_cumsum(y)[..., 1:]
        return anp.log(y[..., :-1]) - anp.log(rest) + anp.log(anp.arange(n, 0, -1, dtype=float))

    def log_det_jacobian(self, x):
        return stick_breaking(x)[1]

    def forward_shape(self, shape):
        return tuple(shape[:-1]) + (shape[-1] + 1,)

    def inverse_shape(self, shape):
        _check_free_length("Simplex (constrained side)", shape[-1], 1)
        return tuple(shape[:-1]) + (shape[-1] - 1,)


class SumToZero(Bijector):
    """Stan's isometric sum-to-zero transform (Stan 2.36): ``K - 1`` free values -> ``K`` summing to 0.

    ``y = V x`` where the columns of the ``K x (K-1)`` matrix ``V`` are the
    orthonormal Helmert basis of ``{y : sum(y) = 0}``: column ``n = 1..K-1`` is
    ``(1, ..., 1, -n, 0, ..., 0) / sqrt(n (n + 1))`` with ``n`` leading ones.
    Written as Stan's ``sum_to_zero_constrain`` loop, vectorised:

    .. math::

        w_n = x_{n-1} / \\sqrt{n (n + 1)}, \\quad
        y_k = \\sum_{n > k} w_n - k\\, w_k \\quad (w_0 = 0).

    ``log_det_jacobian`` is 0, as Stan adds nothing: ``V`` is an isometry onto
    the hyperplane, so the density is with respect to its surface measure.
    (Measured against the first ``K - 1`` coordinates of ``y`` instead, the
    log Jacobian would be the constant ``-log(K) / 2``.)  The inverse is
    ``x = V^T y``, which also projects any ``y`` onto the hyperplane.
    """

    domain_event_dim = 1
    event_dim = 1

    def forward(self, x):
        n = anp.arange(1, x.shape[-1] + 1, dtype=float)
        w = x / anp.sqrt(n * (n + 1.0))
        zero = anp.zeros(x.shape[:-1] + (1,))
        return anp.concatenate([_reverse_cumsum(w), zero], axis=-1) - anp.concatenate([zero, w * n], axis=-1)

    def inverse(self, y):
        n = anp.arange(1, y.shape[-1], dtype=float)
        return (anp.cumsum(y[..., :-1], axis=-1) - y[..., 1:] * n) / anp.sqrt(n * (n + 1.0))

    def log_det_jacobian(self, x):
        return anp.zeros(x.shape[:-1])

    def forward_shape(self, shape):
        return tuple(shape[:-1]) + (shape[-1] + 1,)

    def inverse_shape(self, shape):
        _check_free_length("SumToZero (constrained side)", shape[-1], 1)
        return tuple(shape[:-1]) + (shape[-1] - 1,)


class UnitVector(Bijector):
    """Stan's unit-vector transform: ``y = x / |x|``, ``K`` free values -> ``K`` on the sphere.

    Not a bijection: every ray ``{c x : c > 0}`` maps to one point, which is
    why it keeps all ``K`` dimensions.  ``log_det_jacobian`` is not a Jacobian
    but Stan's ``lp -= 0.5 * dot_self(x)``: a standard normal on the radius
    that makes the target proper, and, since the normal is rotation-invariant,
    leaves the marginal of ``y`` equal to the model's density on the sphere.
    ``inverse(y) = y`` (Stan's ``unit_vector_free``), the representative of
    radius 1, so ``forward(inverse(y)) == y`` but ``inverse(forward(x)) == x / |x|``.
    The sampler struggles if ``|x|`` nears 0; Stan has the same hazard.
    """

    domain_event_dim = 1
    event_dim = 1

    def forward(self, x):
        return x / anp.sqrt(anp.sum(x * x, axis=-1, keepdims=True))

    def inverse(self, y):
        return y

    def log_det_jacobian(self, x):
        return -0.5 * anp.sum(x * x, axis=-1)
