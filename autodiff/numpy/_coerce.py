"""Argument coercion shared by the composite functions: array-likes to arrays, integers to float64."""
import numpy as np

from ..core import Tracer
from . import _util
from ._creation import asarray
from ._elementwise import astype


def _arr(a):
    """a as an array (ndarray or tracer), converting lists and scalars."""
    return a if isinstance(a, (np.ndarray, Tracer)) else asarray(a)


def _float(a):
    """a as a floating array: integer and boolean arrays become float64."""
    a = _arr(a)
    return a if _util.dtype(a).kind == "f" else astype(a, np.float64)


def _scalar(x):
    """A 0-d ndarray as its scalar, as numpy's reductions return; anything else unchanged."""
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x
