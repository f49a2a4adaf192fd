"""Distribution base class: batch/event shapes, argument validation, expand, to_event, sample.

A distribution follows NumPyro's contract:

* ``arg_constraints`` maps each parameter name to its constraint, ``support``
  is the constraint the random variable lives in;
* ``batch_shape`` is the shape of independent, not identically distributed
  draws; ``event_shape`` the shape of one draw (``()`` for scalars, ``(d,)`` for
  a ``MultivariateNormal``);
* ``log_prob(value)`` returns an array of shape ``broadcast(value_batch_shape,
  batch_shape)``, fully normalised, written with ``autodiff.numpy`` (``anp``)
  and ``autodiff.scipy.special`` only so it can be traced and differentiated:
  no Python ``if``/``float``/``bool`` on parameters or values, no in-place
  writes;
* ``sample(rng, sample_shape=())`` draws with a ``numpy.random.Generator`` and
  returns a numpy array of shape ``sample_shape + batch_shape + event_shape``.
  Sampling needs concrete (numpy) parameters.

Parameters are validated at construction (``validate_args=True``): a concrete
parameter outside its constraint raises ``ValueError("HalfCauchy: scale must
be > 0, got -1.0")``. Traced parameters (anything that is not a numpy array,
numpy scalar or Python number) are not checked: their values are unknown while
tracing. ``Distribution.check_value`` validates an observed value against the
support and the event shape, naming the site.
"""

import math
import numbers

import numpy as np

import autodiff.numpy as anp
from ppl.distributions import constraints

__all__ = [
    "Distribution",
    "ExpandedDistribution",
    "as_generator",
    "as_param",
    "broadcast_shape",
    "concrete",
    "is_concrete",
    "mask_outside",
    "shape_of",
]

_CONCRETE_TYPES = (np.ndarray, np.generic, numbers.Number)

# While True, invalid parameters are recorded in `invalid_reason` instead of raising. Only ppl's
# diagnostic re-run of a failing model sets it, to find the name of the offending site.
_DEFER_VALIDATION = [False]


def is_concrete(x):
    """True for numpy arrays, numpy scalars and Python numbers; False for traced values."""
    return isinstance(x, _CONCRETE_TYPES)


def as_param(x):
    """Concrete parameters (numbers, lists, arrays) become float64 arrays; traced ones pass through."""
    if isinstance(x, (list, tuple)) or is_concrete(x):
        return np.asarray(x, dtype=float)
    return x


def shape_of(x):
    """Shape of a concrete or traced value (tracers expose a concrete ``.shape``)."""
    shape = getattr(x, "shape", None)
    return tuple(shape) if shape is not None else np.shape(x)


def broadcast_shape(*params):
    """The batch shape of parameters broadcast together (numpy rules)."""
    return tuple(anp.broadcast_shapes(*(shape_of(p) for p in params)))


def as_generator(rng):
    """Accept a ``numpy.random.Generator``, a seed or a ``SeedSequence``."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def _fmt_value(x):
    x = np.asarray(x)
    if x.ndim == 0:
        return repr(x.item()) if x.dtype.kind in "biu" else repr(float(x))
    return np.array2string(x, threshold=8, separator=", ", max_line_width=10**6).replace("\n", "")


def _describe_bad(value, ok, event_dim):
    """Format the offending part of ``value`` given the bool mask ``ok`` over its batch dims."""
    value = np.asarray(value)
    ok = np.broadcast_to(np.asarray(ok), value.shape[: value.ndim - event_dim])
    if ok.ndim == 0:
        return _fmt_value(value)
    bad_idx = np.argwhere(~ok)
    first = tuple(int(i) for i in bad_idx[0])
    bad = value[first]
    where = f" at index {first}" if len(first) > 0 else ""
    more = f" ({len(bad_idx)} of {ok.size} invalid)" if len(bad_idx) > 1 else ""
    return f"{_fmt_value(bad)}{where}{more}"


class Distribution:
    """Base class for probability distributions.

    Parameters
    ----------
    batch_shape : tuple of int
    event_shape : tuple of int
    validate_args : bool, default True
        Check concrete parameters against ``arg_constraints`` at construction.
    """

    arg_constraints = {}
    support = None
    has_enumerate_support = False
    reparametrized_params = []

    def __init__(self, batch_shape=(), event_shape=(), *, validate_args=True):
        self._batch_shape = tuple(int(n) for n in batch_shape)
        self._event_shape = tuple(int(n) for n in event_shape)
        self._validate_args = bool(validate_args)
        self.invalid_reason = None
        if self._validate_args:
            try:
                self._validate_params()
            except ValueError as e:
                if not _DEFER_VALIDATION[0]:
                    raise
                self.invalid_reason = str(e)

    # -- shapes ---------------------------------------------------------------

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def event_shape(self):
        return self._event_shape

    @property
    def event_dim(self):
        return len(self._event_shape)

    @property
    def is_discrete(self):
        return self.support.is_discrete

    def shape(self, sample_shape=()):
        """Shape of ``sample(rng, sample_shape)``: ``sample_shape + batch_shape + event_shape``."""
        return tuple(sample_shape) + self.batch_shape + self.event_shape

    # -- validation -----------------------------------------------------------

    def _validate_params(self):
        name = type(self).__name__
        for param, constraint in self.arg_constraints.items():
            if constraints.is_dependent(constraint):
                continue
            value = getattr(self, param, None)
            if value is None or not is_concrete(value):
                continue
            ok = np.asarray(constraint.check(np.asarray(value)))
            if not ok.all():
                got = _describe_bad(value, ok, constraint.event_dim)
                raise ValueError(f"{name}: {param} must be {constraint.description}, got {got}")
        self._validate_extra()

    def _validate_extra(self):
        """Hook for checks that involve several parameters (e.g. ``Uniform``: low < high)."""

    def check_value(self, value, site=None):
        """Raise ``ValueError`` if a concrete ``value`` is not a valid observation.

        Checks the event shape, broadcasting against ``batch_shape`` and the
        support. Traced values are not checked. ``site`` names the sample site
        in the message: ``site "y": Poisson value must be an integer >= 0, got -1.0``.
        """
        if not (is_concrete(value) or isinstance(value, (list, tuple))):
            return
        value = np.asarray(value)
        prefix = f'site "{site}": ' if site is not None else ""
        name = self.family_name
        ev = self.event_dim
        if value.ndim < ev or value.shape[value.ndim - ev :] != self.event_shape:
            raise ValueError(
                f"{prefix}{name} value must have event shape {self.event_shape} in its "
                f"rightmost dims, got shape {value.shape}"
            )
        try:
            np.broadcast_shapes(value.shape[: value.ndim - ev], self.batch_shape)
        except ValueError:
            raise ValueError(
                f"{prefix}{name} value of shape {value.shape} does not broadcast with "
                f"batch_shape {self.batch_shape} + event_shape {self.event_shape}"
            ) from None
        support = self.support
        ok = support.check(value)
        if not is_concrete(ok):  # the support depends on traced parameters (e.g. Uniform(low, high))
            return
        ok = np.asarray(ok)
        if not ok.all():
            got = _describe_bad(value, ok, support.event_dim)
            raise ValueError(f"{prefix}{name} value must be {support.description}, got {got}")

    @property
    def family_name(self):
        """The name users wrote: the base family of expanded and Independent wrappers."""
        base = getattr(self, "base_dist", None)
        return base.family_name if base is not None else type(self).__name__

    # -- the interface subclasses implement ------------------------------------

    def log_prob(self, value):
        raise NotImplementedError

    def sample(self, rng, sample_shape=()):
        raise NotImplementedError

    @property
    def mean(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement mean")

    @property
    def variance(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement variance")

    @property
    def stddev(self):
        return anp.sqrt(self.variance)

    def enumerate_support(self, expand=True):
        """All values of a finite discrete support, along a new leading axis."""
        raise NotImplementedError(f"{type(self).__name__} does not have an enumerable support")

    # -- reshaping --------------------------------------------------------------

    def expand(self, batch_shape):
        """The same distribution broadcast to a larger ``batch_shape`` (independent copies)."""
        batch_shape = tuple(batch_shape)
        if batch_shape == self.batch_shape:
            return self
        return ExpandedDistribution(self, batch_shape)

    def expand_by(self, sample_shape):
        """Prepend ``sample_shape`` to the batch shape."""
        return self.expand(tuple(sample_shape) + self.batch_shape)

    def to_event(self, reinterpreted_batch_ndims=None):
        """Treat the ``reinterpreted_batch_ndims`` rightmost batch dims as event dims (all if None)."""
        from ppl.distributions.independent import Independent

        if reinterpreted_batch_ndims is None:
            reinterpreted_batch_ndims = len(self.batch_shape)
        if reinterpreted_batch_ndims == 0:
            return self
        return Independent(self, reinterpreted_batch_ndims)

    def mask(self, mask):
        """This distribution with log_prob set to 0 where the bool array `mask` is False (NumPyro's
        ``Distribution.mask``): ``MaskedDistribution``; ``mask=True`` returns self."""
        from ppl.distributions.masked import MaskedDistribution

        if mask is True:
            return self
        return MaskedDistribution(self, mask)

    def __repr__(self):
        return f"{type(self).__name__}(batch_shape={self.batch_shape}, event_shape={self.event_shape})"

    # -- helpers for subclasses ----------------------------------------------------

    def _value_batch_shape(self, value):
        shape = shape_of(value)
        return anp.broadcast_shapes(shape[: max(len(shape) - self.event_dim, 0)], self.batch_shape)


def mask_outside(log_prob, ok):
    """``log_prob`` where ``ok`` and -inf elsewhere (values outside the support)."""
    return anp.where(ok, log_prob, -math.inf)


def concrete(x, dtype=float):
    """A parameter as a numpy array for sampling; traced parameters cannot be sampled from."""
    if not (is_concrete(x) or isinstance(x, (list, tuple))):
        raise TypeError(f"cannot sample with a traced parameter ({type(x).__name__}); sample outside a transform")
    return np.asarray(x, dtype=dtype)


class ExpandedDistribution(Distribution):
    """``base_dist`` broadcast to ``batch_shape``; new and size-1 dims hold independent draws.

    ``log_prob`` broadcasts the base log density; ``sample`` draws the extra
    dims from the base distribution (NumPyro's ``ExpandedDistribution``).
    """

    def __init__(self, base_dist, batch_shape=()):
        batch_shape = tuple(batch_shape)
        if isinstance(base_dist, ExpandedDistribution):
            _check_expandable(base_dist, batch_shape)
            base_dist = base_dist.base_dist
        _check_expandable(base_dist, batch_shape)
        base = base_dist.batch_shape
        n_new = len(batch_shape) - len(base)
        self.base_dist = base_dist
        self._expanded_sizes = batch_shape[:n_new]
        # base dims of size 1 expanded to n > 1: (position within batch_shape, n)
        self._interstitial = [
            (n_new + i, n) for i, (b, n) in enumerate(zip(base, batch_shape[n_new:])) if b == 1 and n != 1
        ]
        super().__init__(batch_shape, base_dist.event_shape, validate_args=False)

    @property
    def arg_constraints(self):
        return self.base_dist.arg_constraints

    @property
    def support(self):
        return self.base_dist.support

    @property
    def has_enumerate_support(self):
        return self.base_dist.has_enumerate_support

    def log_prob(self, value):
        return anp.broadcast_to(self.base_dist.log_prob(value), self._value_batch_shape(value))

    def sample(self, rng, sample_shape=()):
        sample_shape = tuple(sample_shape)
        inter_sizes = tuple(n for _, n in self._interstitial)
        draws = self.base_dist.sample(rng, sample_shape + self._expanded_sizes + inter_sizes)
        # draws: sample + expanded + interstitial + base_batch (with 1s) + event.
        # Drop the size-1 base dims, then move the interstitial axes into their place.
        k = len(sample_shape) + len(self._expanded_sizes)
        n_inter = len(inter_sizes)
        base_start = k + n_inter
        drop = {base_start + pos - len(self._expanded_sizes) for pos, _ in self._interstitial}
        draws = draws.reshape(tuple(n for ax, n in enumerate(draws.shape) if ax not in drop))
        source = list(range(k, k + n_inter))
        dest = [len(sample_shape) + pos for pos, _ in self._interstitial]
        return np.moveaxis(draws, source, dest)

    @property
    def mean(self):
        return anp.broadcast_to(self.base_dist.mean, self.batch_shape + self.event_shape)

    @property
    def variance(self):
        return anp.broadcast_to(self.base_dist.variance, self.batch_shape + self.event_shape)

    def enumerate_support(self, expand=True):
        values = self.base_dist.enumerate_support(expand=False)
        values = values.reshape(values.shape[:1] + (1,) * len(self.batch_shape) + self.event_shape)
        if expand:
            values = np.broadcast_to(values, values.shape[:1] + self.batch_shape + self.event_shape)
        return values

    def __repr__(self):
        return f"ExpandedDistribution({self.base_dist!r}, batch_shape={self.batch_shape})"


def _check_expandable(dist, batch_shape):
    base = dist.batch_shape
    ok = len(batch_shape) >= len(base) and all(
        b == 1 or b == n for b, n in zip(base[::-1], batch_shape[::-1])
    )
    if not ok:
        raise ValueError(
            f"{type(dist).__name__}: cannot expand batch_shape {base} to {batch_shape}; "
            "each existing dim must equal the new one or be 1"
        )
