"""What the special-function kernels share: Cephes' polynomial and Chebyshev evaluators, its constants, and the
njit decorators every `special_kernels*` module compiles with (disk-cached, NumPy's error model).

Cephes (Moshier) writes its rational approximations as coefficient tables evaluated by `polevl` / `p1evl`
and its Chebyshev expansions as tables summed by `chbevl`; the kernels keep those tables, so these three
loops are written once here.
"""
from contextlib import contextmanager

import numba
from numba.core.targetconfig import ConfigStack

MACHEP = 2.0 ** -53  # Cephes' MACHEP: half an ulp of 1
MAXLOG = 7.09782712893383996843e2  # log(DBL_MAX)


def kernel(signature):
    """The njit decorator of a kernel with a fixed signature (compiled eagerly, cached on disk).

    Eager on purpose: typed lazily, a kernel is first compiled wherever it is first called, and when
    that is inside generated code (compiled with fastmath) Numba cached a fastmath variant that then
    served direct calls too (i1e overflowed near 709 and bessel values moved by ulps). For the same
    reason it compiles with `own_flags`: a kernel module is imported when first needed, which may be
    while Numba compiles generated code.
    """
    def decorate(fn):
        with own_flags():
            return numba.njit(signature, cache=True, error_model="numpy")(fn)
    return decorate


@contextmanager
def own_flags():
    """Compile in this block with no caller's flags to inherit.

    Numba keeps, per thread, a stack of the flags of the functions being compiled, and a function
    compiled while it is not empty inherits its top's unset flags (fastmath among them) and caches
    the result under the same key as a plain compile. A module of kernels imported while Numba
    types generated code (the special-kernel façade, or a cached caller's environment naming the
    module) would otherwise compile its kernels with the generated code's fastmath.
    """
    stack = ConfigStack()._stk._stack  # Numba's thread-local list; no public way to set it aside
    outer = stack[:]
    del stack[:]
    try:
        yield
    finally:
        stack[:] = outer


def lazy_ufunc(signatures, py_func):
    """numba.vectorize(signatures)(py_func), built at its first call rather than at import."""
    built = []

    def ufunc(*args, **kwargs):
        if not built:
            built.append(numba.vectorize(signatures, cache=True)(py_func))
        return built[0](*args, **kwargs)

    ufunc.__name__ = ufunc.__qualname__ = py_func.__name__ + "_ufunc"
    ufunc.__doc__ = f"Elementwise {py_func.__name__} over arrays (a Numba ufunc)."
    return ufunc


def helper(fn):
    """The njit decorator of an internal helper (typed lazily at its first call, cached on disk)."""
    return numba.njit(cache=True, error_model="numpy")(fn)


@helper
def polevl(x, coef):
    """Evaluate the polynomial with coefficients ``coef`` (highest first) at x."""
    ans = coef[0]
    for i in range(1, coef.shape[0]):
        ans = ans * x + coef[i]
    return ans


@helper
def p1evl(x, coef):
    """Like ``polevl`` with an implicit leading coefficient of 1."""
    ans = x + coef[0]
    for i in range(1, coef.shape[0]):
        ans = ans * x + coef[i]
    return ans


@helper
def chbevl(x, coef):
    """Sum coef[i] T_i(x/2) (Clenshaw; zeroth-order coefficient last), Cephes-style."""
    b0 = coef[0]
    b1 = 0.0
    b2 = 0.0
    for i in range(1, coef.shape[0]):
        b2 = b1
        b1 = b0
        b0 = x * b1 - b2 + coef[i]
    return 0.5 * (b0 - b2)
