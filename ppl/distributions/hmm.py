r"""Hidden Markov models with the hidden states summed out by the forward algorithm, in log space.

The chain has ``K`` states: :math:`z_0 \sim \pi`, :math:`z_t \mid z_{t-1} \sim A_{z_{t-1}, \cdot}`,
:math:`y_t \mid z_t = k \sim p_k`. The marginal likelihood of ``T`` observations is

.. math::

    \log\alpha_0 = \log\pi + \log p(y_0 \mid \cdot),\qquad
    \log\alpha_t = \operatorname{logsumexp}_i\left(\log\alpha_{t-1, i} + \log A_{i, \cdot}\right)
                   + \log p(y_t \mid \cdot),\qquad
    \log p(y_{0:T-1}) = \operatorname{logsumexp}_k \log\alpha_{T-1, k}

computed by one primitive with compiled kernels (``forward_algorithm.py``, as Stan's ``hmm_marginal``):
the forward pass in normalised probabilities, and forward-backward for its gradient (the posterior
of the states), one kernel call each; log space where the normalised recursion would under- or
overflow.

* ``DiscreteHMM(initial_probs, transition_matrix, emission_dist, num_steps)``: any per-state
  emission distribution (batch shape ``(K,)``, or ``(T, K)`` for time-varying emissions), as
  Pyro's ``DiscreteHMM``; ``initial_logits`` / ``transition_logits`` instead of the probabilities.
* ``GaussianHMM(initial_probs, transition_matrix, loc, scale_tril, num_steps)``: full-covariance
  Gaussian emissions, value shape ``(T, D)`` (hmmlearn's ``GaussianHMM(covariance_type="full")``).
* ``MarginalHMM(initial_probs, transition_matrix, emission_log_likelihoods)``: the emission
  log likelihoods ``(T, K)`` computed by the model itself (the posteriordb HMM models); it scores
  its observed site and cannot sample.
* ``forward_log_marginal(log_initial, log_transition, log_likelihoods)``: the bare recursion,
  for ``ppl.factor``.

The chain is time-homogeneous (one transition matrix); leading batch dims broadcast.
"""

import math

import numpy as np

import autodiff as ad
import autodiff.numpy as anp
from autodiff.scipy import special
from ppl.distributions import constraints
from ppl.distributions.forward_algorithm import hmm_log_marginal
from ppl.distributions.base import Distribution, as_generator, as_param, concrete, shape_of
from ppl.distributions.multivariate import MultivariateNormal

__all__ = ["DiscreteHMM", "GaussianHMM", "MarginalHMM", "forward_log_marginal"]


# ---------------------------------------------------------------------------
# The forward algorithm


def forward_log_marginal(log_initial, log_transition, log_likelihoods):
    r"""Marginal log likelihood :math:`\log p(y_{0:T-1})` of an HMM by the forward algorithm.

    Parameters
    ----------
    log_initial : array (..., K)
        Log initial state probabilities.
    log_transition : array (..., K, K)
        Log transition probabilities, ``log_transition[i, j] = log p(z_t = j | z_{t-1} = i)``.
    log_likelihoods : array (..., T, K)
        ``log p(y_t | z_t = k)``.

    Returns
    -------
    array (...,): the batch dims of the three inputs broadcast together.

    Examples
    --------
    >>> ll = np.log([[0.5, 0.1], [0.2, 0.4]])
    >>> forward_log_marginal(np.log([0.5, 0.5]), np.log([[0.9, 0.1], [0.2, 0.8]]), ll)  # log(0.073)
    -2.617295837833746
    """
    return hmm_log_marginal(log_initial, log_transition, log_likelihoods)


# ---------------------------------------------------------------------------
# Parameters shared by every HMM: the initial distribution and the transition matrix


def _pick(name, what, probs, logits):
    if (probs is None) == (logits is None):
        raise ValueError(f"{name}: pass exactly one of {what}_probs/{what}_logits" if what == "initial" else
                         f"{name}: pass exactly one of transition_matrix/transition_logits")
    return probs if probs is not None else logits


def _sample_categorical(rng, probs):
    """One draw per row of ``probs`` (..., K) by inverting the cumulative sums."""
    cdf = np.cumsum(probs, axis=-1)
    u = rng.uniform(size=probs.shape[:-1] + (1,)) * cdf[..., -1:]
    return np.minimum((u >= cdf).sum(axis=-1), probs.shape[-1] - 1)


class _HMMBase(Distribution):
    """The chain: ``_log_initial`` (..., K), ``_log_transition`` (..., K, K), state paths, the forward pass.

    Subclasses provide ``_emission_log_likelihoods(value)`` -> (..., T, K) and, to sample,
    ``_sample_emissions(rng, states)`` with states of shape ``sample + batch + (T,)``;
    ``_emission_constraints`` adds their own parameters to ``arg_constraints``.
    """

    _emission_constraints = {}

    def _init_chain(self, name, initial_probs, initial_logits, transition_matrix, transition_logits):
        init = as_param(_pick(name, "initial", initial_probs, initial_logits))
        trans = as_param(_pick(name, "transition", transition_matrix, transition_logits))
        ishape, tshape = shape_of(init), shape_of(trans)
        if len(ishape) < 1:
            raise ValueError(f"{name}: initial probabilities must have shape (..., K), got shape {ishape}")
        k = ishape[-1]
        if len(tshape) < 2 or tshape[-2:] != (k, k):
            what = "transition_matrix" if transition_matrix is not None else "transition_logits"
            raise ValueError(f"{name}: {what} must have shape (..., {k}, {k}) to match the {k} initial "
                             f"probabilities, got shape {tshape}")
        self.arg_constraints = {}
        with np.errstate(divide="ignore", invalid="ignore"):  # a zero probability is a valid -inf log probability
            self._set_chain(initial_probs, init, transition_matrix, trans)
        self.arg_constraints.update(self._emission_constraints)
        self.num_states = k
        return tuple(anp.broadcast_shapes(ishape[:-1], tshape[:-2]))

    def _set_chain(self, initial_probs, init, transition_matrix, trans):
        if initial_probs is not None:
            self.initial_probs = init
            self.arg_constraints["initial_probs"] = constraints.simplex
            self._log_initial = anp.log(init)
        else:
            self.initial_logits = init
            self.arg_constraints["initial_logits"] = constraints.real_vector
            self._log_initial = special.log_softmax(init, axis=-1)
        if transition_matrix is not None:
            self.transition_matrix = trans
            self.arg_constraints["transition_matrix"] = constraints.row_stochastic
            self._log_transition = anp.log(trans)
        else:
            self.transition_logits = trans
            self.arg_constraints["transition_logits"] = constraints.real_matrix
            self._log_transition = special.log_softmax(trans, axis=-1)

    def log_prob(self, value):
        return forward_log_marginal(self._log_initial, self._log_transition, self._emission_log_likelihoods(value))

    def _concrete_chain(self):
        with np.errstate(divide="ignore"):
            log_init = np.asarray(concrete(self._log_initial))
            log_trans = np.asarray(concrete(self._log_transition))
        return np.exp(log_init), np.exp(log_trans)

    def sample_states(self, rng, sample_shape=()):
        """State paths, integer array of shape ``sample_shape + batch_shape + (T,)``."""
        rng = as_generator(rng)
        init, trans = self._concrete_chain()
        k, shape = self.num_states, tuple(sample_shape) + self.batch_shape
        init = np.broadcast_to(init, shape + (k,))
        trans = np.broadcast_to(trans, shape + (k, k))
        states = np.empty(shape + (self.num_steps,), dtype=np.int64)
        z = _sample_categorical(rng, init)
        states[..., 0] = z
        for t in range(1, self.num_steps):
            row = np.take_along_axis(trans, z[..., None, None], axis=-2)[..., 0, :]
            z = _sample_categorical(rng, row)
            states[..., t] = z
        return states

    def sample_with_states(self, rng, sample_shape=()):
        """(observations, states): a draw of both, states shaped ``sample_shape + batch_shape + (T,)``."""
        rng = as_generator(rng)
        states = self.sample_states(rng, sample_shape)
        return self._sample_emissions(rng, states), states

    def sample(self, rng, sample_shape=()):
        return self.sample_with_states(rng, sample_shape)[0]

    def _check_num_steps(self, name, num_steps):
        if isinstance(num_steps, bool) or not isinstance(num_steps, (int, np.integer)) or num_steps < 1:
            raise ValueError(f"{name}: num_steps must be a positive int (the length T of a sequence), "
                             f"got {num_steps!r}")
        return int(num_steps)


# ---------------------------------------------------------------------------
# Emissions from a distribution per state


class DiscreteHMM(_HMMBase):
    r"""HMM with ``K`` discrete hidden states and emissions from ``emission_dist``; states summed out.

    .. math::

        \log p(y_{0:T-1}) = \log\sum_{z_{0:T-1}} \pi_{z_0}\, p_{z_0}(y_0)
                            \prod_{t \ge 1} A_{z_{t-1} z_t}\, p_{z_t}(y_t)

    computed by :func:`forward_log_marginal` in :math:`O(T K^2)`.

    Parameters
    ----------
    initial_probs : array (..., K), or ``initial_logits``
        Distribution of the first state (``initial_logits`` are normalised by ``log_softmax``).
    transition_matrix : array (..., K, K), or ``transition_logits``
        Row-stochastic: ``transition_matrix[i, j] = p(z_t = j | z_{t-1} = i)``.
    emission_dist : Distribution
        The emissions of the ``K`` states along its rightmost batch dim: batch shape ``(K,)``,
        or ``(..., T, K)`` / ``(..., 1, K)`` when they vary over time (Pyro's convention).
    num_steps : int
        ``T``, the sequence length (inferred from a time-varying ``emission_dist`` if omitted).

    The value has shape ``batch_shape + (T,) + emission_dist.event_shape``.

    Examples
    --------
    >>> hmm = DiscreteHMM(np.array([0.5, 0.5]), np.array([[0.9, 0.1], [0.2, 0.8]]),
    ...                   Normal(np.array([-1.0, 1.0]), 0.5), num_steps=100)
    >>> y = hmm.sample(np.random.default_rng(0))      # shape (100,)
    >>> hmm.log_prob(y)
    """

    def __init__(self, initial_probs=None, transition_matrix=None, emission_dist=None, num_steps=None, *,
                 initial_logits=None, transition_logits=None, validate_args=True):
        name = type(self).__name__
        batch = self._init_chain(name, initial_probs, initial_logits, transition_matrix, transition_logits)
        if not isinstance(emission_dist, Distribution):
            raise TypeError(f"{name}: emission_dist must be a Distribution with batch shape (..., K), "
                            f"got {type(emission_dist).__name__}")
        eb = emission_dist.batch_shape
        if len(eb) < 1 or eb[-1] != self.num_states:
            raise ValueError(f"{name}: emission_dist must have the {self.num_states} states on its rightmost batch "
                             f"dim, got batch_shape {eb}")
        time_len = eb[-2] if len(eb) >= 2 else 1
        if num_steps is None:
            if time_len == 1:
                raise ValueError(f"{name}: pass num_steps= (the length T of a sequence); it cannot be inferred "
                                 f"from an emission_dist with batch_shape {eb}")
            num_steps = time_len
        self.num_steps = self._check_num_steps(name, num_steps)
        if time_len not in (1, self.num_steps):
            raise ValueError(f"{name}: emission_dist batch_shape {eb} has {time_len} time steps (axis -2) but "
                             f"num_steps={self.num_steps}")
        self.emission_dist = emission_dist
        batch = tuple(anp.broadcast_shapes(batch, eb[:-2]))
        super().__init__(batch, (self.num_steps,) + emission_dist.event_shape, validate_args=validate_args)

    def _validate_extra(self):
        # an emission built while validation is deferred (ppl's search for the bad site) keeps its reason
        reason = getattr(self.emission_dist, "invalid_reason", None)
        if reason:
            raise ValueError(f"{type(self).__name__}: emission_dist: {reason}")

    @property
    def support(self):
        return constraints.independent(self.emission_dist.support, 1)

    def _emission_log_likelihoods(self, value):
        # y[..., t, None, event] against the states on the emission's last batch dim -> (..., T, K)
        return self.emission_dist.log_prob(anp.expand_dims(value, -1 - self.emission_dist.event_dim))

    def _sample_emissions(self, rng, states):
        # draw every state's emission at every step, then keep the one of the visited state
        n_sample = states.ndim - len(self.batch_shape) - 1
        sample_shape = states.shape[:n_sample]
        full = self.batch_shape + (self.num_steps, self.num_states)
        draws = self.emission_dist.expand(full).sample(rng, sample_shape)  # sample + batch + (T, K) + event
        axis = states.ndim
        idx = states.reshape(states.shape + (1,) * (draws.ndim - states.ndim))
        return np.take_along_axis(draws, idx, axis=axis).squeeze(axis)


class GaussianHMM(DiscreteHMM):
    r"""HMM with full-covariance Gaussian emissions :math:`y_t \mid z_t = k \sim N(\mu_k, L_k L_k^\top)`.

    .. math::

        \log p(y_t \mid z_t = k) = -\tfrac12\|L_k^{-1}(y_t - \mu_k)\|^2 - \sum_i \log L_{k,ii}
                                   - \tfrac{D}{2}\log 2\pi

    Parameters
    ----------
    initial_probs : array (..., K), or ``initial_logits``
    transition_matrix : array (..., K, K), or ``transition_logits``
    loc : array (..., K, D)
        State means.
    scale_tril : array (..., K, D, D)
        Lower Cholesky factors of the state covariances (``np.linalg.cholesky(covars)``).
    num_steps : int
        ``T``; the value has shape ``batch_shape + (T, D)``.

    Matches hmmlearn's ``GaussianHMM(covariance_type="full").score`` with ``startprob_``,
    ``transmat_``, ``means_`` and ``covars_ = L L^T``.
    """

    _emission_constraints = {"loc": constraints.real_vector, "scale_tril": constraints.lower_cholesky}

    def __init__(self, initial_probs=None, transition_matrix=None, loc=None, scale_tril=None, num_steps=None, *,
                 initial_logits=None, transition_logits=None, validate_args=True):
        name = type(self).__name__
        loc, scale_tril = as_param(loc), as_param(scale_tril)
        lshape, sshape = shape_of(loc), shape_of(scale_tril)
        if len(lshape) < 2:
            raise ValueError(f"{name}: loc must have shape (..., K, D), got shape {lshape}")
        k, d = lshape[-2:]
        if len(sshape) < 3 or sshape[-3:] != (k, d, d):
            raise ValueError(f"{name}: scale_tril must have shape (..., {k}, {d}, {d}) to match loc of shape "
                             f"{lshape}, got shape {sshape}")
        if num_steps is None:
            raise ValueError(f"{name}: pass num_steps= (the length T of a sequence of shape (T, {d}))")
        self.loc, self.scale_tril = loc, scale_tril
        # a size-1 time axis before the states: emissions do not vary over time. loc and scale_tril
        # are validated by this distribution (so errors say GaussianHMM), not by the emission.
        emission = MultivariateNormal(anp.expand_dims(loc, -3), scale_tril=anp.expand_dims(scale_tril, -4),
                                      validate_args=False)
        super().__init__(initial_probs, transition_matrix, emission, num_steps, initial_logits=initial_logits,
                         transition_logits=transition_logits, validate_args=validate_args)

    @property
    def support(self):
        return constraints.independent(constraints.real_vector, 1)


# ---------------------------------------------------------------------------
# Emissions computed by the model


class _ObservedOnly(constraints.Constraint):
    """Any real array: the support of a distribution that only scores its observed value."""

    def __init__(self, event_dim, owner):
        self.event_dim, self.owner = event_dim, owner

    description = "a real array"

    def check(self, value):
        ok = anp.isfinite(value)
        for _ in range(self.event_dim):
            ok = anp.all(ok, axis=-1)
        return ok

    def __repr__(self):
        return (f"observed_only({self.owner} scores the data its emission log likelihoods came from; "
                "it must be observed (pass obs=))")


class MarginalHMM(_HMMBase):
    r"""The marginal likelihood of a sequence whose emission log likelihoods the model computed.

    .. math::

        \log p(y_{0:T-1}) = \operatorname{logsumexp}_k \log\alpha_{T-1, k},\qquad
        \ell_{tk} = \log p(y_t \mid z_t = k)\ \text{given}

    For the posteriordb-style models that build ``emission_log_likelihoods`` (T, K) from their
    own parameters and the data ``y``, then write ``ppl.sample("y", MarginalHMM(pi, A, ll), obs=y)``.
    ``log_prob`` ignores its argument (the log likelihoods already hold the data), so the site
    must be observed; nothing can be sampled from it.

    Parameters
    ----------
    initial_probs : array (..., K), or ``initial_logits``
    transition_matrix : array (..., K, K), or ``transition_logits``
    emission_log_likelihoods : array (..., T, K)
    event_shape : tuple, optional
        Shape of one observed sequence, starting with ``T``; default ``(T,)``. Give ``(T, D)``
        for vector observations.
    """

    def __init__(self, initial_probs=None, transition_matrix=None, emission_log_likelihoods=None, *,
                 initial_logits=None, transition_logits=None, event_shape=None, validate_args=True):
        name = type(self).__name__
        batch = self._init_chain(name, initial_probs, initial_logits, transition_matrix, transition_logits)
        ll = as_param(emission_log_likelihoods)
        llshape = shape_of(ll)
        if len(llshape) < 2 or llshape[-1] != self.num_states:
            raise ValueError(f"{name}: emission_log_likelihoods must have shape (..., T, {self.num_states}) for "
                             f"{self.num_states} states, got shape {llshape}")
        self.num_steps = llshape[-2]
        event_shape = (self.num_steps,) if event_shape is None else tuple(int(n) for n in event_shape)
        if not event_shape or event_shape[0] != self.num_steps:
            raise ValueError(f"{name}: event_shape must start with the {self.num_steps} time steps of "
                             f"emission_log_likelihoods, got {event_shape}")
        self.emission_log_likelihoods = ll
        batch = tuple(anp.broadcast_shapes(batch, llshape[:-2]))
        super().__init__(batch, event_shape, validate_args=validate_args)

    def _validate_extra(self):
        ll = self.emission_log_likelihoods
        if isinstance(ll, np.ndarray) and np.any(np.isnan(ll) | (ll == math.inf)):
            raise ValueError("MarginalHMM: emission_log_likelihoods must be < +inf and not NaN")

    @property
    def support(self):
        return _ObservedOnly(len(self.event_shape), type(self).__name__)

    def _emission_log_likelihoods(self, value):
        return self.emission_log_likelihoods

    def log_prob(self, value):
        lp = super().log_prob(value)
        return anp.broadcast_to(lp, self._value_batch_shape(value))

    def _sample_emissions(self, rng, states):
        raise NotImplementedError("MarginalHMM has no emission model to sample from; use DiscreteHMM or "
                                  "GaussianHMM (sample_states draws the hidden states)")
