"""What a value looks like under jit: ShapedArray (shape, dtype), get_aval and dtype promotion."""
import numpy as np


class ShapedArray:
    """The abstract value of an array: its shape and dtype, nothing else."""

    __slots__ = ("shape", "dtype", "weak")

    def __init__(self, shape, dtype, weak=False):
        self.shape = tuple(int(d) for d in shape)
        self.dtype = np.dtype(dtype)
        self.weak = weak  # a Python scalar: defers to the other operand's dtype (NumPy's NEP 50)

    ndim = property(lambda self: len(self.shape))
    size = property(lambda self: int(np.prod(self.shape, dtype=np.int64)))

    def __eq__(self, other):
        return isinstance(other, ShapedArray) and (self.shape, self.dtype) == (other.shape, other.dtype)

    def __hash__(self):
        return hash((self.shape, self.dtype))

    def __repr__(self):
        return f"{short_dtype(self.dtype)}{list(self.shape)}"


def short_dtype(dtype):
    dtype = np.dtype(dtype)
    return {"f": "f", "i": "i", "u": "u", "b": "bool"}.get(dtype.kind, dtype.kind) + (
        "" if dtype.kind == "b" else str(dtype.itemsize * 8))


def get_aval(x):
    """The ShapedArray of a concrete value (numpy array, numpy scalar or Python number)."""
    aval = getattr(x, "aval", None)
    if aval is not None:
        return aval
    if isinstance(x, np.ndarray):
        return ShapedArray(x.shape, x.dtype)
    if isinstance(x, (bool, np.bool_)):
        return ShapedArray((), np.bool_, weak=isinstance(x, bool))
    if isinstance(x, (int, np.integer)):
        return ShapedArray((), np.int64, weak=True) if isinstance(x, int) else ShapedArray((), x.dtype)
    if isinstance(x, (float, np.floating)):
        return ShapedArray((), np.float64, weak=True) if isinstance(x, float) else ShapedArray((), x.dtype)
    arr = np.asarray(x)
    if arr.dtype == object:
        raise TypeError(f"autodiff cannot use a value of type {type(x).__name__}: {x!r}")
    return ShapedArray(arr.shape, arr.dtype)


def is_float(dtype):
    return np.dtype(dtype).kind == "f"


def float_dtype(dtype):
    """The floating dtype a float-valued function returns for inputs of `dtype` (ints -> float64)."""
    dtype = np.dtype(dtype)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


_WEAK_PROTOTYPE = {"b": False, "i": 0, "u": 0, "f": 0.0}


def promote_avals(*avals):
    """The result dtype of a NumPy operation on these operands: Python scalars (weak) defer."""
    return np.result_type(*[_WEAK_PROTOTYPE[a.dtype.kind] if a.weak else a.dtype for a in avals])
