"""One-dimensional discrete convolution and cross-correlation: numpy.convolve and numpy.correlate.

Both are computed as the full cross-correlation `c[k] = sum_n a[n + k] v[n]` (a gather of a
zero-padded `a` into a (len(a) + len(v) - 1, len(v)) window matrix times v), then sliced to NumPy's
'full', 'same' or 'valid' window, with NumPy's offsets also when v is longer than a. Differentiable
in both arguments; O(len(a) len(v)) work, no FFT. Real inputs only.
"""
import numpy as np

from ..core import Tracer
from . import _util
from ._creation import asarray
from ._elementwise import multiply
from ._reductions import sum
from ._shape import concatenate, expand_dims, reshape
from .manipulation import flip, take

_MODES = {"full": "full", "same": "same", "valid": "valid", 2: "full", 1: "same", 0: "valid"}


def _vector(x, name):
    x = x if isinstance(x, (np.ndarray, Tracer)) else asarray(x)
    if _util.ndim(x) == 0:
        x = reshape(x, (1,))
    if _util.ndim(x) != 1:
        raise ValueError(f"object too deep for desired array: {name} must be 1-D")
    if _util.shape(x)[0] == 0:
        raise ValueError(f"{name} cannot be empty")
    return x


def _full_correlation(a, v):
    n, m = _util.shape(a)[0], _util.shape(v)[0]
    zeros = np.zeros(m - 1, _util.dtype(a))
    padded = concatenate([zeros, a, zeros]) if m > 1 else a
    windows = take(padded, np.arange(n + m - 1)[:, None] + np.arange(m)[None, :])
    return sum(multiply(windows, expand_dims(v, 0)), axis=1)


def _window(full, n, m, mode):
    mode = _MODES.get(mode)
    if mode is None:
        raise ValueError("mode must be one of 'full', 'same', or 'valid'")
    if mode == "full":
        return full
    lo, hi = min(n, m), max(n, m)
    if mode == "valid":
        return full[lo - 1:lo - 1 + hi - lo + 1]
    offset = (m - 1) // 2 if n >= m else n - 1 - (n - 1) // 2
    return full[offset:offset + hi]


def correlate(a, v, mode="valid"):
    """numpy.correlate: c[k] = sum_n a[n + k] v[n] (mode 'valid' by default, also 'same' and 'full')."""
    a, v = _vector(a, "a"), _vector(v, "v")
    return _window(_full_correlation(a, v), _util.shape(a)[0], _util.shape(v)[0], mode)


def convolve(a, v, mode="full"):
    """numpy.convolve: (a * v)[k] = sum_n a[n] v[k - n] (mode 'full' by default, also 'same' and 'valid')."""
    a, v = _vector(a, "a"), _vector(v, "v")
    if _util.shape(v)[0] > _util.shape(a)[0]:
        a, v = v, a
    return correlate(a, flip(v), mode)


__all__ = ["convolve", "correlate"]
