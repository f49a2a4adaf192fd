"""The array interface of `Tracer`: operators, methods, indexing and numpy ufuncs, as autodiff.numpy functions.

`core.Tracer` knows only `bind`; like JAX, which attaches its tracer's operators when `jax.numpy`
is imported, `autodiff.numpy` calls `attach(namespace)` at the end of its import, so `x + y` under
a transform is `autodiff.numpy.add(x, y)` and the core does not import the NumPy layer.
"""
import numpy as np

from ..avals import get_aval
from ..core import Tracer
from ..errors import NumpyOnTracerError
from .indexing import IndexUpdateHelper, getitem


def _no_out(out, what):
    if out is not None:
        raise TypeError(f"{what}(out=...) cannot write into an array under a transform: arrays are not mutated")


def _is_bool(a, b):
    da = get_aval(a).dtype
    db = get_aval(b).dtype
    return da == np.bool_ and db == np.bool_


def attach(anp):
    """Give `Tracer` its operators and methods, each calling the function of the same name in `anp`."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """numpy ufuncs on tracers (np.sin(x), np_array @ x) run the autodiff.numpy function of the
        same name; anything else would silently drop the derivative, so it raises."""
        fn = getattr(anp, ufunc.__name__, None)
        if method != "__call__" or fn is None or kwargs.get("out") is not None:
            raise NumpyOnTracerError(f"numpy.{ufunc.__name__}" + (f".{method}" if method != "__call__" else ""))
        kwargs.pop("out", None)
        return fn(*inputs, **kwargs)

    def sum(self, axis=None, dtype=None, out=None, keepdims=False, **kw):
        _no_out(out, "sum")
        return anp.sum(self, axis=axis, dtype=dtype, keepdims=keepdims, **kw)

    def mean(self, axis=None, dtype=None, out=None, keepdims=False, **kw):
        _no_out(out, "mean")
        return anp.mean(self, axis=axis, dtype=dtype, keepdims=keepdims, **kw)

    def prod(self, axis=None, keepdims=False):
        return anp.prod(self, axis=axis, keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        return anp.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        return anp.min(self, axis=axis, keepdims=keepdims)

    def var(self, axis=None, ddof=0, keepdims=False):
        return anp.var(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def std(self, axis=None, ddof=0, keepdims=False):
        return anp.std(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def cumsum(self, axis=None):
        return anp.cumsum(self, axis=axis)

    def argmax(self, axis=None):
        return anp.argmax(self, axis=axis)

    def argmin(self, axis=None):
        return anp.argmin(self, axis=axis)

    def all(self, axis=None, keepdims=False):
        return anp.all(self, axis=axis, keepdims=keepdims)

    def any(self, axis=None, keepdims=False):
        return anp.any(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape, order="C"):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        return anp.reshape(self, shape, order=order)

    def ravel(self):
        return anp.ravel(self)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = axes[0]
        return anp.transpose(self, axes or None)

    def swapaxes(self, a, b):
        return anp.swapaxes(self, a, b)

    def squeeze(self, axis=None):
        return anp.squeeze(self, axis=axis)

    def dot(self, other):
        return anp.dot(self, other)

    def clip(self, a_min=None, a_max=None):
        return anp.clip(self, a_min, a_max)

    def astype(self, dtype):
        return anp.astype(self, dtype)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        return anp.diagonal(self, offset, axis1, axis2)

    def trace(self, offset=0, axis1=0, axis2=1):
        return anp.trace(self, offset, axis1, axis2)

    methods = dict(
        __array_ufunc__=__array_ufunc__, sum=sum, mean=mean, prod=prod, max=max, min=min, var=var, std=std,
        cumsum=cumsum, argmax=argmax, argmin=argmin, all=all, any=any, reshape=reshape, ravel=ravel,
        flatten=ravel, transpose=transpose, swapaxes=swapaxes, squeeze=squeeze, dot=dot, clip=clip,
        astype=astype, diagonal=diagonal, trace=trace,
        T=property(lambda self: anp.transpose(self)),
        mT=property(lambda self: anp.swapaxes(self, -1, -2)),
        at=property(lambda self: IndexUpdateHelper(self)),
        __getitem__=lambda self, idx: getitem(self, idx),
        # arithmetic
        __add__=lambda self, o: anp.add(self, o),
        __radd__=lambda self, o: anp.add(o, self),
        __sub__=lambda self, o: anp.subtract(self, o),
        __rsub__=lambda self, o: anp.subtract(o, self),
        __mul__=lambda self, o: anp.multiply(self, o),
        __rmul__=lambda self, o: anp.multiply(o, self),
        __truediv__=lambda self, o: anp.divide(self, o),
        __rtruediv__=lambda self, o: anp.divide(o, self),
        __floordiv__=lambda self, o: anp.floor_divide(self, o),
        __rfloordiv__=lambda self, o: anp.floor_divide(o, self),
        __mod__=lambda self, o: anp.mod(self, o),
        __rmod__=lambda self, o: anp.mod(o, self),
        __pow__=lambda self, o: anp.power(self, o),
        __rpow__=lambda self, o: anp.power(o, self),
        __matmul__=lambda self, o: anp.matmul(self, o),
        __rmatmul__=lambda self, o: anp.matmul(o, self),
        __neg__=lambda self: anp.negative(self),
        __abs__=lambda self: anp.abs(self),
        # comparisons (no gradient)
        __lt__=lambda self, o: anp.less(self, o),
        __le__=lambda self, o: anp.less_equal(self, o),
        __gt__=lambda self, o: anp.greater(self, o),
        __ge__=lambda self, o: anp.greater_equal(self, o),
        __eq__=lambda self, o: anp.equal(self, o),
        __ne__=lambda self, o: anp.not_equal(self, o),
        __and__=lambda self, o: anp.logical_and(self, o) if _is_bool(self, o) else anp.bitwise_and(self, o),
        __rand__=lambda self, o: anp.logical_and(o, self) if _is_bool(self, o) else anp.bitwise_and(o, self),
        __or__=lambda self, o: anp.logical_or(self, o) if _is_bool(self, o) else anp.bitwise_or(self, o),
        __ror__=lambda self, o: anp.logical_or(o, self) if _is_bool(self, o) else anp.bitwise_or(o, self),
        __invert__=lambda self: anp.logical_not(self),
    )
    for name, fn in methods.items():
        setattr(Tracer, name, fn)
