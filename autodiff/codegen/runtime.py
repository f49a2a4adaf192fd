"""Small @njit helpers that generated code calls (scalar math with numpy semantics, BLAS-safe layouts)."""
import math

import numba
import numpy as np
from numba.extending import overload

from . import vector_math as vm

jit = numba.njit(cache=True, error_model="numpy", nogil=True)


@jit
def log(x):
    return np.log(x)


@jit
def log10(x):
    return np.log10(x)


@jit
def log1p(x):
    return np.log1p(x)


@jit
def asin(x):
    return np.arcsin(x)


@jit
def acos(x):
    return np.arccos(x)


@jit
def acosh(x):
    return np.arccosh(x)


@jit
def atanh(x):
    return np.arctanh(x)


@jit
def cbrt(x):
    return np.cbrt(x)


@jit
def rint(x):
    return np.rint(x)


@jit
def sign(x):
    if x > 0:
        return 1.0
    if x < 0:
        return -1.0
    return x * 0.0  # keeps 0.0, -0.0 -> 0.0 and nan -> nan


@jit
def maximum(a, b):
    if a != a or b != b:
        return a + b  # numpy propagates nan
    return a if a >= b else b


@jit
def minimum(a, b):
    if a != a or b != b:
        return a + b
    return a if a <= b else b


@jit
def clip(x, lo, hi):
    return minimum(maximum(x, lo), hi)


@jit
def logaddexp(a, b):
    if a == b:
        return a + math.log(2.0)
    m = maximum(a, b)
    if m == -np.inf:
        return m
    return m + math.log1p(math.exp(-abs(a - b)))


@jit
def logaddexp2(a, b):
    if a == b:
        return a + 1.0
    m = maximum(a, b)
    if m == -np.inf:
        return m
    return m + math.log1p(2.0 ** (-abs(a - b))) / math.log(2.0)


@jit
def mod(a, b):
    return np.mod(a, b)


def as_blas(a):
    """A BLAS-compatible (C or F contiguous) view of `a`, copying only when needed."""
    return a


@overload(as_blas)
def _as_blas_impl(a):
    if a.layout in ("C", "F"):
        return lambda a: a
    return lambda a: np.ascontiguousarray(a)


@jit
def first(a):
    """The single element of a size-1 array, as a scalar."""
    return np.ascontiguousarray(a).reshape(-1)[0]


# Generated code calls these instead of writing a conditional expression inline: Numba compiles a
# conditional expression as branches (three blocks each), which makes its type inference and
# lowering about 5x slower per line than a call (measured: 120 lines, 1.36 s against 0.37 s); LLVM
# inlines the call again, so the machine code is the same.
@jit
def safe_mul(ct, d):
    """ct * d, but exactly 0 where ct == 0 (a zero cotangent times an infinite derivative stays 0)."""
    return 0.0 if ct == 0.0 else ct * d


@jit
def where(c, x, y):
    return x if c else y


@jit
def logsumexp_finish(m, s):
    """m + log(s) for the max m of a set of values and s the sum of their exp(x - m); a NaN or
    infinite max is the result itself (scipy.special.logsumexp)."""
    return m if (m != m or m == np.inf or m == -np.inf) else m + math.log(s)


# Inside a loop over a long axis, generated code calls these float64 kernels instead of math.exp,
# rt.log, sk.expit, ... on float64 operands (code_text.vector_calls): vector_math's branch-free
# functions, which LLVM inlines and vectorises.
vexp, vlog, vlog1p = vm.exp, vm.log, vm.log1p
vexpit, vsoftplus, vlog_expit, vlogaddexp = vm.expit, vm.softplus, vm.log_expit, vm.logaddexp
