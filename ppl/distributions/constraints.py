"""Constraint objects: the set a parameter or a random variable lives in.

A constraint answers one question, ``check(value)``: which events of ``value``
lie in the set. It is written with ``autodiff.numpy`` only, so the check can be
traced. Bijectors (``ppl.bijectors``) register a default transform per
constraint *type*, as NumPyro's ``biject_to`` does, so the class hierarchy is
part of the API: ``positive`` is a ``_GreaterThan``, ``unit_interval`` an
``_Interval``, ``real_vector`` an ``_IndependentConstraint``.

Every constraint has

* ``event_dim``: how many rightmost dimensions form one event (0 for scalars,
  1 for vectors such as ``simplex``, 2 for matrices such as ``corr_cholesky``);
  ``check`` reduces over them and returns a bool array of shape
  ``value.shape[:value.ndim - event_dim]``;
* ``is_discrete``: True for integer-valued supports;
* ``description``: a phrase completing "x must be ...", used in error messages;
* ``feasible_like(prototype)``: a (numpy) point inside the set with the shape of
  ``prototype``, handy for initialisation;
* a readable ``__repr__`` (``greater_than(lower_bound=1.0)``).

Singletons and factories carry NumPyro's names (``positive``, ``interval``,
``corr_cholesky``, ...). Additions: ``unit_vector`` (alias ``sphere``),
``sum_to_zero`` (``zero_sum`` is the factory taking ``event_dim``),
``row_stochastic`` (each row of a matrix is a simplex: HMM transition matrices),
``column_stochastic`` (each column a simplex)
and ``integer``.

Examples
--------
>>> positive.check(np.array([1.0, -1.0]))
array([ True, False])
>>> interval(0.0, 2.0)
interval(lower_bound=0.0, upper_bound=2.0)
"""

import math

import numpy as np

import autodiff.numpy as anp

__all__ = [
    "Constraint",
    "boolean",
    "circular",
    "column_stochastic",
    "corr_cholesky",
    "corr_matrix",
    "dependent",
    "greater_than",
    "greater_than_eq",
    "independent",
    "integer",
    "integer_greater_than",
    "integer_interval",
    "interval",
    "is_dependent",
    "less_than",
    "lower_cholesky",
    "multinomial",
    "nonnegative",
    "nonnegative_integer",
    "open_interval",
    "ordered_vector",
    "positive",
    "positive_definite",
    "positive_integer",
    "positive_ordered_vector",
    "real",
    "real_matrix",
    "real_vector",
    "row_stochastic",
    "simplex",
    "sphere",
    "sum_to_zero",
    "unit_interval",
    "unit_vector",
    "zero_sum",
]

# Tolerance for equality-type constraints (sums, norms, symmetry) on floats.
_TOL = 1e-6


def _fmt(x):
    """Short repr of a bound: a float for scalars, the array otherwise, a tag if traced."""
    if isinstance(x, (int, float, np.generic)) or (isinstance(x, np.ndarray) and x.ndim == 0):
        return np.format_float_positional(float(x), trim="-")
    if isinstance(x, np.ndarray):
        return np.array2string(x, threshold=6, separator=", ")
    return f"<traced {type(x).__name__}>"


def _filled_like(value, prototype, dtype=float):
    """A writable numpy array shaped like ``prototype`` holding ``value`` (broadcast): a ``feasible_like`` point."""
    return np.broadcast_to(np.asarray(value, dtype=dtype), np.shape(prototype)).copy()


def _eye_like(prototype):
    """Identity matrices shaped like ``prototype``: feasible for every matrix constraint below."""
    return _filled_like(np.eye(np.shape(prototype)[-1]), prototype)


def _all_last(x, n):
    """Reduce a bool array with ``all`` over its ``n`` rightmost axes."""
    for _ in range(n):
        x = anp.all(x, axis=-1)
    return x


def _is_integer(x):
    return anp.floor(x) == x


class Constraint:
    """Base class. Subclasses define ``check`` and, if needed, ``event_dim``/``is_discrete``."""

    event_dim = 0
    is_discrete = False
    description = "in the support"

    def __call__(self, value):
        return self.check(value)

    def check(self, value):
        """Bool array of shape ``value.shape[:value.ndim - event_dim]``: True where the event is valid."""
        raise NotImplementedError

    def feasible_like(self, prototype):
        """A numpy value inside the set, shaped like ``prototype``."""
        raise NotImplementedError

    def __repr__(self):
        return type(self).__name__.lstrip("_").lower()


class _SingletonConstraint(Constraint):
    """A parameter-free constraint; its module-level instance is its name."""

    _name = None

    def __repr__(self):
        return self._name or super().__repr__()


# ---------------------------------------------------------------------------
# Real-valued scalars


class _Real(_SingletonConstraint):
    _name = "real"
    description = "finite (not nan or +-inf)"

    def check(self, value):
        return anp.isfinite(value)

    def feasible_like(self, prototype):
        return np.zeros(np.shape(prototype))


class _GreaterThan(Constraint):
    """``value > lower_bound``; the bound may be an array or a traced value."""

    def __init__(self, lower_bound):
        self.lower_bound = lower_bound

    @property
    def description(self):
        return f"> {_fmt(self.lower_bound)}"

    def check(self, value):
        return value > self.lower_bound

    def feasible_like(self, prototype):
        return _filled_like(np.asarray(self.lower_bound, float) + 1.0, prototype)

    def __repr__(self):
        return f"greater_than(lower_bound={_fmt(self.lower_bound)})"


class _Positive(_SingletonConstraint, _GreaterThan):
    _name = "positive"

    def __init__(self):
        super().__init__(0.0)


class _GreaterThanEq(_GreaterThan):
    """``value >= lower_bound``."""

    @property
    def description(self):
        return f">= {_fmt(self.lower_bound)}"

    def check(self, value):
        return value >= self.lower_bound

    def __repr__(self):
        return f"greater_than_eq(lower_bound={_fmt(self.lower_bound)})"


class _Nonnegative(_SingletonConstraint, _GreaterThanEq):
    _name = "nonnegative"

    def __init__(self):
        super().__init__(0.0)


class _LessThan(Constraint):
    """``value < upper_bound``."""

    def __init__(self, upper_bound):
        self.upper_bound = upper_bound

    @property
    def description(self):
        return f"< {_fmt(self.upper_bound)}"

    def check(self, value):
        return value < self.upper_bound

    def feasible_like(self, prototype):
        return _filled_like(np.asarray(self.upper_bound, float) - 1.0, prototype)

    def __repr__(self):
        return f"less_than(upper_bound={_fmt(self.upper_bound)})"


class _Interval(Constraint):
    """``lower_bound <= value <= upper_bound`` (closed, as scipy's supports)."""

    def __init__(self, lower_bound, upper_bound):
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound

    @property
    def description(self):
        return f"in [{_fmt(self.lower_bound)}, {_fmt(self.upper_bound)}]"

    def check(self, value):
        return (value >= self.lower_bound) & (value <= self.upper_bound)

    def feasible_like(self, prototype):
        mid = (np.asarray(self.lower_bound, float) + np.asarray(self.upper_bound, float)) / 2
        return _filled_like(mid, prototype)

    def __repr__(self):
        return f"interval(lower_bound={_fmt(self.lower_bound)}, upper_bound={_fmt(self.upper_bound)})"


class _OpenInterval(_Interval):
    """``lower_bound < value < upper_bound``."""

    @property
    def description(self):
        return f"in ({_fmt(self.lower_bound)}, {_fmt(self.upper_bound)})"

    def check(self, value):
        return (value > self.lower_bound) & (value < self.upper_bound)

    def __repr__(self):
        return f"open_interval(lower_bound={_fmt(self.lower_bound)}, upper_bound={_fmt(self.upper_bound)})"


class _UnitInterval(_SingletonConstraint, _Interval):
    _name = "unit_interval"

    def __init__(self):
        super().__init__(0.0, 1.0)


class _Circular(_SingletonConstraint, _Interval):
    """``[-pi, pi]``: the support of VonMises."""

    _name = "circular"

    def __init__(self):
        super().__init__(-math.pi, math.pi)


# ---------------------------------------------------------------------------
# Discrete scalars


class _Boolean(_SingletonConstraint):
    _name = "boolean"
    is_discrete = True
    description = "0 or 1"

    def check(self, value):
        return (value == 0) | (value == 1)

    def feasible_like(self, prototype):
        return np.zeros(np.shape(prototype), dtype=np.int64)


class _Integer(_SingletonConstraint):
    _name = "integer"
    is_discrete = True
    description = "an integer"

    def check(self, value):
        return _is_integer(value)

    def feasible_like(self, prototype):
        return np.zeros(np.shape(prototype), dtype=np.int64)


class _IntegerGreaterThan(Constraint):
    """Integers ``>= lower_bound`` (NumPyro's name, inclusive bound)."""

    is_discrete = True

    def __init__(self, lower_bound):
        self.lower_bound = lower_bound

    @property
    def description(self):
        return f"an integer >= {_fmt(self.lower_bound)}"

    def check(self, value):
        return _is_integer(value) & (value >= self.lower_bound)

    def feasible_like(self, prototype):
        return _filled_like(self.lower_bound, prototype, np.int64)

    def __repr__(self):
        return f"integer_greater_than(lower_bound={_fmt(self.lower_bound)})"


class _IntegerNonnegative(_SingletonConstraint, _IntegerGreaterThan):
    _name = "nonnegative_integer"

    def __init__(self):
        super().__init__(0)


class _IntegerPositive(_SingletonConstraint, _IntegerGreaterThan):
    _name = "positive_integer"

    def __init__(self):
        super().__init__(1)


class _IntegerInterval(Constraint):
    """Integers in ``[lower_bound, upper_bound]``."""

    is_discrete = True

    def __init__(self, lower_bound, upper_bound):
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound

    @property
    def description(self):
        return f"an integer in [{_fmt(self.lower_bound)}, {_fmt(self.upper_bound)}]"

    def check(self, value):
        return _is_integer(value) & (value >= self.lower_bound) & (value <= self.upper_bound)

    def feasible_like(self, prototype):
        return _filled_like(self.lower_bound, prototype, np.int64)

    def __repr__(self):
        return f"integer_interval(lower_bound={_fmt(self.lower_bound)}, upper_bound={_fmt(self.upper_bound)})"


class _Multinomial(Constraint):
    """Nonnegative integer vectors summing to ``upper_bound`` (the total count)."""

    is_discrete = True
    event_dim = 1

    def __init__(self, upper_bound):
        self.upper_bound = upper_bound

    @property
    def description(self):
        return f"nonnegative integer counts summing to {_fmt(self.upper_bound)}"

    def check(self, value):
        ok = anp.all((value >= 0) & _is_integer(value), axis=-1)
        return ok & (anp.sum(value, axis=-1) == self.upper_bound)

    def feasible_like(self, prototype):
        shape = np.shape(prototype)
        out = np.zeros(shape, dtype=np.int64)
        out[..., 0] = np.broadcast_to(np.asarray(self.upper_bound, dtype=np.int64), shape[:-1])
        return out

    def __repr__(self):
        return f"multinomial(upper_bound={_fmt(self.upper_bound)})"


# ---------------------------------------------------------------------------
# Independent: reinterpret batch dimensions as event dimensions


class _IndependentConstraint(Constraint):
    """``base_constraint`` holding for every element of the ``reinterpreted_batch_ndims`` rightmost dims."""

    def __init__(self, base_constraint, reinterpreted_batch_ndims):
        if not isinstance(base_constraint, Constraint):
            raise TypeError(f"independent: base_constraint must be a Constraint, got {base_constraint!r}")
        if not (isinstance(reinterpreted_batch_ndims, int) and reinterpreted_batch_ndims >= 0):
            raise ValueError(
                f"independent: reinterpreted_batch_ndims must be an int >= 0, got {reinterpreted_batch_ndims!r}"
            )
        self.base_constraint = base_constraint
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims

    @property
    def event_dim(self):
        return self.base_constraint.event_dim + self.reinterpreted_batch_ndims

    @property
    def is_discrete(self):
        return self.base_constraint.is_discrete

    @property
    def description(self):
        return self.base_constraint.description + " elementwise"

    def check(self, value):
        return _all_last(self.base_constraint.check(value), self.reinterpreted_batch_ndims)

    def feasible_like(self, prototype):
        return self.base_constraint.feasible_like(prototype)

    def __repr__(self):
        return f"independent({self.base_constraint!r}, reinterpreted_batch_ndims={self.reinterpreted_batch_ndims})"


class _RealVector(_SingletonConstraint, _IndependentConstraint):
    _name = "real_vector"

    def __init__(self):
        super().__init__(_Real(), 1)


class _RealMatrix(_SingletonConstraint, _IndependentConstraint):
    _name = "real_matrix"

    def __init__(self):
        super().__init__(_Real(), 2)


# ---------------------------------------------------------------------------
# Vectors


class _Simplex(_SingletonConstraint):
    _name = "simplex"
    event_dim = 1
    description = "a simplex (entries >= 0 summing to 1 along the last axis)"

    def check(self, value):
        return anp.all(value >= 0, axis=-1) & (anp.abs(anp.sum(value, axis=-1) - 1) < _TOL)

    def feasible_like(self, prototype):
        shape = np.shape(prototype)
        return np.full(shape, 1.0 / shape[-1])


class _OrderedVector(_SingletonConstraint):
    _name = "ordered_vector"
    event_dim = 1
    description = "strictly increasing along the last axis"

    def check(self, value):
        return anp.all(value[..., 1:] > value[..., :-1], axis=-1) & anp.all(anp.isfinite(value), axis=-1)

    def feasible_like(self, prototype):
        shape = np.shape(prototype)
        return np.broadcast_to(np.arange(shape[-1], dtype=float), shape).copy()


class _PositiveOrderedVector(_SingletonConstraint):
    _name = "positive_ordered_vector"
    event_dim = 1
    description = "positive and strictly increasing along the last axis"

    def check(self, value):
        return _OrderedVector().check(value) & anp.all(value > 0, axis=-1)

    def feasible_like(self, prototype):
        shape = np.shape(prototype)
        return np.broadcast_to(np.arange(1, shape[-1] + 1, dtype=float), shape).copy()


class _UnitVector(_SingletonConstraint):
    """Vectors of Euclidean norm 1 (NumPyro calls it ``sphere``)."""

    _name = "unit_vector"
    event_dim = 1
    description = "a unit vector (Euclidean norm 1 along the last axis)"

    def check(self, value):
        return anp.abs(anp.sqrt(anp.sum(anp.square(value), axis=-1)) - 1) < _TOL

    def feasible_like(self, prototype):
        shape = np.shape(prototype)
        return np.full(shape, 1.0 / math.sqrt(shape[-1]))


class _ZeroSum(Constraint):
    """Real arrays summing to zero along each of the ``event_dim`` rightmost axes."""

    def __init__(self, event_dim=1):
        self.event_dim = event_dim

    @property
    def description(self):
        return f"summing to 0 along the last {self.event_dim} axis(es)"

    def check(self, value):
        ok = _all_last(anp.isfinite(value), self.event_dim)
        # the sum along axis -k, for each of the k event axes, must vanish at every other index
        for k in range(1, self.event_dim + 1):
            s = anp.abs(anp.sum(value, axis=-k, keepdims=True)) < _TOL
            ok = ok & _all_last(s, self.event_dim)
        return ok

    def feasible_like(self, prototype):
        return np.zeros(np.shape(prototype))

    def __repr__(self):
        return "sum_to_zero" if self.event_dim == 1 else f"zero_sum(event_dim={self.event_dim})"


# ---------------------------------------------------------------------------
# Matrices


def _is_lower_triangular(value):
    return _all_last(anp.tril(value) == value, 2)


def _diag(value):
    return anp.diagonal(value, axis1=-2, axis2=-1)


def _is_symmetric(value):
    return _all_last(anp.abs(value - anp.swapaxes(value, -2, -1)) < _TOL, 2)


def _leading_minors_positive(value):
    # Sylvester's criterion: a symmetric matrix is positive definite iff every
    # leading principal minor is positive. Uses slogdet's sign only, so it is
    # traceable and never raises (a Cholesky would fail on non-PD input).
    n = value.shape[-1]
    ok = None
    for k in range(1, n + 1):
        sign, _ = anp.linalg.slogdet(value[..., :k, :k])
        pos = sign > 0
        ok = pos if ok is None else ok & pos
    return ok


class _LowerCholesky(_SingletonConstraint):
    _name = "lower_cholesky"
    event_dim = 2
    description = "lower triangular with a positive diagonal"

    def check(self, value):
        return _is_lower_triangular(value) & anp.all(_diag(value) > 0, axis=-1)

    def feasible_like(self, prototype):
        return _eye_like(prototype)


class _CorrCholesky(_SingletonConstraint):
    _name = "corr_cholesky"
    event_dim = 2
    description = "the Cholesky factor of a correlation matrix (lower triangular, positive diagonal, unit-norm rows)"

    def check(self, value):
        row_norm = anp.sqrt(anp.sum(anp.square(value), axis=-1))
        unit_rows = anp.all(anp.abs(row_norm - 1) < _TOL, axis=-1)
        return _is_lower_triangular(value) & anp.all(_diag(value) > 0, axis=-1) & unit_rows

    def feasible_like(self, prototype):
        return _eye_like(prototype)


class _PositiveDefinite(_SingletonConstraint):
    _name = "positive_definite"
    event_dim = 2
    description = "a symmetric positive definite matrix"

    def check(self, value):
        return _is_symmetric(value) & _leading_minors_positive(value)

    def feasible_like(self, prototype):
        return _eye_like(prototype)


class _CorrMatrix(_SingletonConstraint):
    _name = "corr_matrix"
    event_dim = 2
    description = "a correlation matrix (symmetric positive definite, unit diagonal)"

    def check(self, value):
        unit_diag = anp.all(anp.abs(_diag(value) - 1) < _TOL, axis=-1)
        return _is_symmetric(value) & unit_diag & _leading_minors_positive(value)

    def feasible_like(self, prototype):
        return _eye_like(prototype)


class _RowStochastic(_SingletonConstraint):
    """Matrices whose every row is a simplex (e.g. HMM transition matrices)."""

    _name = "row_stochastic"
    event_dim = 2
    description = "row-stochastic (every row >= 0 and summing to 1)"

    def check(self, value):
        return anp.all(_Simplex().check(value), axis=-1)

    def feasible_like(self, prototype):
        return _Simplex().feasible_like(prototype)


class _ColumnStochastic(_SingletonConstraint):
    """Matrices whose every column is a simplex (Stan's ``column_stochastic_matrix``)."""

    _name = "column_stochastic"
    event_dim = 2
    description = "column-stochastic (every column >= 0 and summing to 1)"

    def check(self, value):
        return anp.all(_Simplex().check(anp.swapaxes(value, -1, -2)), axis=-1)

    def feasible_like(self, prototype):
        shape = np.shape(prototype)
        return np.full(shape, 1.0 / shape[-2])


# ---------------------------------------------------------------------------
# The image of a constraint under a bijector: the support of TransformedDistribution


class _TransformedSupport(Constraint):
    """``{transform.forward(x) : x in base_constraint}``; ``biject_to`` composes the base's bijector with ``transform``.

    ``base_constraint.event_dim`` must be at least ``transform.domain_event_dim``.
    """

    def __init__(self, base_constraint, transform):
        self.base_constraint, self.transform = base_constraint, transform
        self.event_dim = transform.event_dim + base_constraint.event_dim - transform.domain_event_dim
        self.is_discrete = base_constraint.is_discrete

    @property
    def description(self):
        return f"in the image of {self.base_constraint!r} under {self.transform!r}"

    def check(self, value):
        with np.errstate(invalid="ignore", divide="ignore"):  # points outside the image invert to nan
            return self.base_constraint.check(self.transform.inverse(value))

    def feasible_like(self, prototype):
        x = self.base_constraint.feasible_like(np.zeros(self.transform.inverse_shape(np.shape(prototype))))
        return np.asarray(self.transform.forward(x))

    def __repr__(self):
        return f"transformed({self.base_constraint!r}, {self.transform!r})"


# ---------------------------------------------------------------------------
# Dependent: the set depends on other parameters; only for arg_constraints


class _Dependent(_SingletonConstraint):
    """Placeholder for a parameter or support whose set depends on other parameters.

    It cannot be checked; validation skips it and distributions compute the real
    support as a property (e.g. ``Uniform.support = interval(low, high)``).
    """

    _name = "dependent"
    description = "consistent with the other parameters"

    def check(self, value):
        raise ValueError("dependent: cannot check a dependent constraint; use the distribution's support")


def is_dependent(constraint):
    """True if ``constraint`` is ``dependent`` (cannot be checked on its own)."""
    return isinstance(constraint, _Dependent)


# ---------------------------------------------------------------------------
# Public names (NumPyro's)

boolean = _Boolean()
circular = _Circular()
column_stochastic = _ColumnStochastic()
corr_cholesky = _CorrCholesky()
corr_matrix = _CorrMatrix()
dependent = _Dependent()
greater_than = _GreaterThan
greater_than_eq = _GreaterThanEq
independent = _IndependentConstraint
integer = _Integer()
integer_greater_than = _IntegerGreaterThan
integer_interval = _IntegerInterval
interval = _Interval
less_than = _LessThan
lower_cholesky = _LowerCholesky()
multinomial = _Multinomial
nonnegative = _Nonnegative()
nonnegative_integer = _IntegerNonnegative()
open_interval = _OpenInterval
ordered_vector = _OrderedVector()
positive = _Positive()
positive_definite = _PositiveDefinite()
positive_integer = _IntegerPositive()
positive_ordered_vector = _PositiveOrderedVector()
real = _Real()
real_matrix = _RealMatrix()
real_vector = _RealVector()
row_stochastic = _RowStochastic()
simplex = _Simplex()
sum_to_zero = _ZeroSum(1)
unit_interval = _UnitInterval()
unit_vector = _UnitVector()
sphere = unit_vector
zero_sum = _ZeroSum
