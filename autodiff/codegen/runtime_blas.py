"""as_blas, the one name generated modules import from the codegen runtime by name
(``from autodiff.codegen.runtime import as_blas``): in its own module, so that the import does not
run ``runtime`` (whose loading is deferred to its first use: ``autodiff/codegen/__init__.py``)."""
import numpy as np
from numba.extending import overload

__all__ = ["as_blas"]


def as_blas(a):
    """A BLAS-compatible (C or F contiguous) view of `a`, copying only when needed."""
    return a


@overload(as_blas)
def _as_blas_impl(a):
    if a.layout in ("C", "F"):
        return lambda a: a
    return lambda a: np.ascontiguousarray(a)
