"""Weighted quantiles: numpy.quantile(..., weights=w, method="inverted_cdf") and the nan variants (NumPy 2).

NumPy 2's only weighted method: sort each slice with its weights, take the normalised cumulative
weights c_i, and return the first sorted value whose c_i >= q (numpy's searchsorted(side="left")).
Leading zero weights never win (NumPy sets those c_i to -1, so q = 0 picks the first value with
positive weight). The result is one order statistic, so the gradient flows to that entry of `a`;
the weights only choose it (no gradient). A slice holding nan gives nan; the nan variants drop the
nan entries with their weights (as numpy's _remove_nan_1d), nan if none is left.
"""
import numpy as np

from ..core import concrete_or_none
from ..custom import stop_gradient
from . import _util
from ._creation import asarray
from ._elementwise import astype, isnan, less, minimum, where
from ._reductions import all, cumsum, sum
from ._shape import broadcast_to, expand_dims, reshape, transpose
from .manipulation import argsort, take_along_axis


def check_weights(weights, a, axis, method):
    """numpy's _weights_are_valid: weights shaped like `a`, or like a's `axis` (then broadcast along it); >= 0."""
    if method != "inverted_cdf":
        raise ValueError(f"Only method 'inverted_cdf' supports weights. Got: {method}.")
    a_shape = _util.shape(a)
    w = asarray(weights) if isinstance(weights, (list, tuple)) else weights
    w_shape = _util.shape(w)
    if w_shape != a_shape:
        if axis is None:
            raise TypeError("Axis must be specified when shapes of a and weights differ.")
        _util.normalize_axes(axis, len(a_shape))  # the unweighted path's range checks, before wrapping below
        axes = tuple(ax % len(a_shape) for ax in (axis if isinstance(axis, (tuple, list)) else (axis,)))
        if w_shape != tuple(a_shape[ax] for ax in axes):
            raise ValueError("Shape of weights must be consistent with shape of a along specified axis.")
        w = transpose(w, tuple(int(i) for i in np.argsort(axes)))
        w = broadcast_to(reshape(w, tuple(d if i in axes else 1 for i, d in enumerate(a_shape))), a_shape)
    w_val = concrete_or_none(w)
    if w_val is not None and np.any(np.asarray(w_val) < 0):
        raise ValueError("Weights must be non-negative.")
    return astype(stop_gradient(w), np.float64)


def weighted_inverted_cdf(flat, w, q, skip_nan):
    """Quantiles q (shape Q) of each slice flat[..., :] weighted by w (same shape); result Q + flat.shape[:-1]."""
    nan = isnan(flat)
    if skip_nan:
        w = where(nan, 0.0, w)
    order = argsort(stop_gradient(flat), axis=-1)  # nan last, as numpy's argsort
    s = take_along_axis(flat, order, axis=-1)
    ws = take_along_axis(w, order, axis=-1)
    total = sum(ws, axis=-1, keepdims=True)
    total_val = concrete_or_none(total)
    empty = all(nan, axis=-1) if skip_nan else np.zeros(_util.shape(flat)[:-1], bool)
    if total_val is not None:
        empty_val = np.asarray(concrete_or_none(empty))
        bad = ~np.isfinite(np.asarray(total_val)[..., 0]) | (np.asarray(total_val)[..., 0] == 0)
        if np.any(bad & ~empty_val):
            raise ValueError("Weights included NaN, inf or were all zero.")
    cdf = cumsum(ws, axis=-1) / where(total == 0, 1.0, total)
    cdf = where(cdf == 0, -1.0, cdf)  # leading zero weights: never the answer
    n = _util.shape(flat)[-1]
    lead = _util.ndim(q)
    q_col = reshape(q, _util.shape(q) + (1,) * (_util.ndim(flat) - 1) + (1,))
    index = sum(astype(less(reshape(cdf, (1,) * lead + _util.shape(cdf)), q_col), np.int64), axis=-1)
    index = minimum(index, n - 1)
    s_b = broadcast_to(reshape(s, (1,) * lead + _util.shape(s)), _util.shape(index) + (n,))
    res = take_along_axis(s_b, expand_dims(index, -1), axis=-1)[..., 0]
    return where(empty if skip_nan else isnan(s[..., n - 1]), np.nan, res)
