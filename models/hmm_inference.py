r"""HMM inference as pure compiled functions of (log initial (K,), log transition (K, K), log
likelihoods (T, K)): forward-backward smoothing and Viterbi decoding, in log space.

.. math::

    \log\alpha_t(j) = \log p(y_t \mid j) + \operatorname{logsumexp}_i(\log\alpha_{t-1}(i) + \log A_{ij}),\quad
    \log\beta_t(i) = \operatorname{logsumexp}_j(\log A_{ij} + \log p(y_{t+1} \mid j) + \log\beta_{t+1}(j)),

    p(z_t = k \mid y_{0:T-1}) = \exp(\log\alpha_t(k) + \log\beta_t(k) - \log p(y_{0:T-1})).

These evaluate fitted models (predict, predict_proba, score); fitting differentiates the traced
forward pass in ``ppl.distributions.hmm`` instead.
"""
import numba
import numpy as np

__all__ = ["forward", "forward_backward", "viterbi", "split_sequences"]


@numba.njit(cache=True, nogil=True)
def _logsumexp(a):
    m = -np.inf
    for v in a:
        m = max(m, v)
    if m == -np.inf:
        return m
    s = 0.0
    for v in a:
        s += np.exp(v - m)
    return m + np.log(s)


@numba.njit(cache=True, nogil=True)
def forward(log_initial, log_transition, ll):
    """log p(y) of one sequence (the forward pass alone)."""
    T, K = ll.shape
    log_alpha = log_initial + ll[0]
    new = np.empty(K)
    work = np.empty(K)
    for t in range(1, T):
        for j in range(K):
            for i in range(K):
                work[i] = log_alpha[i] + log_transition[i, j]
            new[j] = _logsumexp(work) + ll[t, j]
        log_alpha[:] = new
    return _logsumexp(log_alpha)


@numba.njit(cache=True, nogil=True)
def forward_backward(log_initial, log_transition, ll):
    """(log p(y), smoothed state probabilities (T, K)) of one sequence."""
    T, K = ll.shape
    log_alpha = np.empty((T, K))
    log_beta = np.zeros((T, K))
    work = np.empty(K)
    log_alpha[0] = log_initial + ll[0]
    for t in range(1, T):
        for j in range(K):
            for i in range(K):
                work[i] = log_alpha[t - 1, i] + log_transition[i, j]
            log_alpha[t, j] = _logsumexp(work) + ll[t, j]
    for t in range(T - 2, -1, -1):
        for i in range(K):
            for j in range(K):
                work[j] = log_transition[i, j] + ll[t + 1, j] + log_beta[t + 1, j]
            log_beta[t, i] = _logsumexp(work)
    log_marginal = _logsumexp(log_alpha[T - 1])
    posteriors = np.empty((T, K))
    for t in range(T):
        # normalise each row (as hmmlearn), which also absorbs rounding in log_marginal
        for k in range(K):
            work[k] = log_alpha[t, k] + log_beta[t, k]
        norm = _logsumexp(work)
        for k in range(K):
            posteriors[t, k] = np.exp(work[k] - norm)
    return log_marginal, posteriors


@numba.njit(cache=True, nogil=True)
def viterbi(log_initial, log_transition, ll):
    """(log p(y, z*), z*): the most probable state path of one sequence (ties: the lowest state)."""
    T, K = ll.shape
    delta = np.empty((T, K))
    back = np.zeros((T, K), dtype=np.int64)
    delta[0] = log_initial + ll[0]
    for t in range(1, T):
        for j in range(K):
            best, arg = -np.inf, 0
            for i in range(K):
                v = delta[t - 1, i] + log_transition[i, j]
                if v > best:
                    best, arg = v, i
            delta[t, j] = best + ll[t, j]
            back[t, j] = arg
    path = np.empty(T, dtype=np.int64)
    path[T - 1] = np.argmax(delta[T - 1])
    for t in range(T - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return delta[T - 1, path[T - 1]], path


def split_sequences(lengths):
    """(start, stop) row ranges of the sequences given hmmlearn's ``lengths``."""
    stops = np.cumsum(lengths)
    return list(zip(stops - lengths, stops))
