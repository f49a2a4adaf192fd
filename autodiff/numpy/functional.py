"""Applying Python functions piece by piece: numpy.piecewise and numpy.apply_along_axis.

piecewise with concrete conditions is NumPy's algorithm exactly: each function receives only the
elements its condition selects, `x[cond]`, and the results are written back with `at(...).set`.
With conditions traced under jit (where `x[cond]` has no fixed shape) each function receives all of
x and the pieces are chosen with `where`, later conditions winning as in NumPy; a function must
then work elementwise. apply_along_axis runs func1d once per 1-D slice, in a Python loop (unrolled
under jit), and stacks the results where NumPy puts them. Both are differentiable through the functions.
"""
import numpy as np

from ..core import Tracer, concrete_or_none
from . import _util
from ._creation import asarray, zeros_like
from ._elementwise import astype, logical_not, logical_or, where
from ._shape import broadcast_to, reshape, stack, transpose
from .indexing import at


def _arr(x):
    return x if isinstance(x, (np.ndarray, Tracer)) else asarray(x)


def _conditions(x, condlist):
    if np.isscalar(condlist) or (not isinstance(condlist[0], (list, np.ndarray, Tracer)) and _util.ndim(x) != 0):
        condlist = [condlist]
    conds = [_arr(c) for c in condlist]
    return [c if _util.dtype(c) == np.bool_ else astype(c, np.bool_) for c in conds]


def piecewise(x, condlist, funclist, *args, **kw):
    """numpy.piecewise: funclist[i](x[condlist[i]], *args, **kw) (or the constant funclist[i]) where condlist[i].

    One function more than conditions is the "otherwise" piece; elsewhere the result is 0 (x's dtype).
    """
    x = _arr(x)
    conds = _conditions(x, condlist)
    n, n_fun = len(conds), len(funclist)
    if n == n_fun - 1:
        anything = conds[0]
        for c in conds[1:]:
            anything = logical_or(anything, c)
        conds.append(logical_not(anything))
    elif n != n_fun:
        raise ValueError(f"with {n} condition(s), either {n} or {n + 1} functions are expected")
    conds = [broadcast_to(c, _util.shape(x)) if _util.shape(c) != _util.shape(x) else c for c in conds]
    concrete = [concrete_or_none(c) for c in conds]
    y = zeros_like(x)
    dtype = _util.dtype(x)
    if _util.ndim(x) > 0 and all(c is not None for c in concrete):
        for cond, func in zip(concrete, funclist):
            cond = np.asarray(cond)
            if not callable(func):
                y = at(y)[cond].set(astype(_arr(func), dtype))
            elif cond.any():
                y = at(y)[cond].set(astype(_arr(func(x[cond], *args, **kw)), dtype))
        return y
    for cond, func in zip(conds, funclist):
        piece = func(x, *args, **kw) if callable(func) else func
        y = where(cond, astype(_arr(piece), dtype), y)
    return y


def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """numpy.apply_along_axis: func1d on every 1-D slice along axis; its result's axes replace that axis."""
    arr = _arr(arr)
    nd = _util.ndim(arr)
    axis = _util.normalize_axis(axis, nd)
    dims = list(range(nd))
    view = transpose(arr, dims[:axis] + dims[axis + 1:] + [axis])
    outer = _util.shape(view)[:-1]
    if 0 in outer:
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0")
    results = [_arr(func1d(view[ind], *args, **kwargs)) for ind in np.ndindex(*outer)]
    res_nd = _util.ndim(results[0])
    buff = reshape(stack(results), outer + _util.shape(results[0]))
    bdims = list(range(len(outer) + res_nd))
    return transpose(buff, bdims[:axis] + bdims[len(bdims) - res_nd:] + bdims[axis:len(bdims) - res_nd])


__all__ = ["piecewise", "apply_along_axis"]
