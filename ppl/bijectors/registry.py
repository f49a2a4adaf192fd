"""biject_to: the default bijector for each constraint, registered per constraint type (NumPyro's pattern).

``biject_to(constraint)`` walks ``type(constraint).__mro__`` and calls the
first registered factory, so ``unit_interval`` (an ``_Interval``) gets
``Interval(0, 1)`` unless a more specific factory is registered.  New
constraint types plug in with a decorator::

    @biject_to.register(constraints.positive)   # an instance or a type
    def _(constraint):
        return Exp()
"""
from ppl.distributions import constraints

from .base import Chain, Independent
from .matrix import CholeskyCorr, CholeskyCov, CorrMatrix, CovMatrix, StochasticMatrix
from .stochastic import ColumnStochasticMatrix
from .sum_to_zero import SumToZeroMatrix
from .scalar import Exp, Identity, Interval, LowerBound, UpperBound
from .vector import Ordered, PositiveOrdered, Simplex, SumToZero, UnitVector

__all__ = ["ConstraintRegistry", "biject_to"]


class ConstraintRegistry:
    """Map from constraint type to a factory ``constraint -> Bijector``."""

    def __init__(self):
        self._factories = {}

    def register(self, constraint, factory=None):
        """Register ``factory`` for ``constraint``'s type; usable as a decorator."""
        if factory is None:
            return lambda factory: self.register(constraint, factory)
        key = constraint if isinstance(constraint, type) else type(constraint)
        self._factories[key] = factory
        return factory

    def __call__(self, constraint):
        if getattr(constraint, "is_discrete", False):
            raise ValueError(
                f"biject_to: {constraint!r} is discrete, so it has no bijector to the reals; "
                "HMC/NUTS need continuous parameters: observe it, or marginalise it out "
                "(sum over its values, e.g. with a mixture)"
            )
        for cls in type(constraint).__mro__:
            if cls in self._factories:
                return self._factories[cls](constraint)
        raise NotImplementedError(
            f"biject_to: no default bijector for {constraint!r} ({type(constraint).__name__}); "
            "register one with @biject_to.register(<constraint type>)"
        )


biject_to = ConstraintRegistry()


@biject_to.register(constraints.real)
def _real(constraint):
    return Identity()


@biject_to.register(constraints.positive)
def _positive(constraint):
    return Exp()


@biject_to.register(constraints.greater_than)
def _greater_than(constraint):
    return LowerBound(constraint.lower_bound)


@biject_to.register(constraints.less_than)
def _less_than(constraint):
    return UpperBound(constraint.upper_bound)


@biject_to.register(constraints.interval)
def _interval(constraint):
    return Interval(constraint.lower_bound, constraint.upper_bound)


@biject_to.register(constraints.independent)
def _independent(constraint):
    return Independent(biject_to(constraint.base_constraint), constraint.reinterpreted_batch_ndims)


@biject_to.register(constraints.simplex)
def _simplex(constraint):
    return Simplex()


@biject_to.register(constraints.ordered_vector)
def _ordered_vector(constraint):
    return Ordered()


@biject_to.register(constraints.positive_ordered_vector)
def _positive_ordered_vector(constraint):
    return PositiveOrdered()


@biject_to.register(constraints.unit_vector)
def _unit_vector(constraint):
    return UnitVector()


@biject_to.register(constraints.sum_to_zero)
def _sum_to_zero(constraint):
    if constraint.event_dim == 2:
        return SumToZeroMatrix()
    if constraint.event_dim != 1:
        raise NotImplementedError(
            f"biject_to: {constraint!r} has no bijector yet; only zero_sum with event_dim 1 or 2 is supported"
        )
    return SumToZero()


@biject_to.register(constraints.corr_cholesky)
def _corr_cholesky(constraint):
    return CholeskyCorr()


@biject_to.register(constraints.lower_cholesky)
def _lower_cholesky(constraint):
    return CholeskyCov()


@biject_to.register(constraints.corr_matrix)
def _corr_matrix(constraint):
    return CorrMatrix()


@biject_to.register(constraints.positive_definite)
def _positive_definite(constraint):
    return CovMatrix()


@biject_to.register(constraints.row_stochastic)
def _row_stochastic(constraint):
    return StochasticMatrix()


@biject_to.register(constraints._TransformedSupport)
def _transformed(constraint):
    return Chain([biject_to(constraint.base_constraint), constraint.transform])


@biject_to.register(constraints.column_stochastic)
def _column_stochastic(constraint):
    return ColumnStochasticMatrix()


@biject_to.register(constraints.dependent)
def _dependent(constraint):
    raise ValueError(
        "biject_to: 'dependent' has no default bijector because its set depends on other "
        "parameters; use the distribution's support (e.g. interval(low, high)) instead"
    )
