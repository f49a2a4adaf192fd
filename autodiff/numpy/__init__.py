"""NumPy-compatible differentiable functions.

Outside any transform these return plain numpy arrays and scalars; under grad/jvp/vjp/jit they
return tracers that behave like arrays. Names, signatures and semantics follow NumPy; `__all__`
lists exactly the NumPy names provided, plus one addition, `at(x)[idx].set(v)` (JAX's `x.at[idx]`
for any array, including plain numpy arrays, whose type cannot grow an `.at` attribute).
Functions that NumPy defines as in-place (put_along_axis, fill_diagonal) take JAX's functional
form and return the updated array. The submodules are implementation detail; `dir()` shows
only `__all__`.
"""
import sys as _sys

import numpy as _np

from . import _creation, _elementwise, _reductions, _shape, _tracer_methods
from . import arithmetic as _arithmetic
from . import array_api as _array_api
from . import assembly as _assembly
from . import comparison as _comparison
from . import contractions as _contractions
from . import convolution as _convolution
from . import differences as _differences
from . import finite_differences as _finite_differences
from . import float_parts as _float_parts
from . import functional as _functional
from . import linalg  # noqa: F401
from . import manipulation as _manipulation
from . import moments as _moments
from . import polynomial as _polynomial
from . import ranges as _ranges
from . import searching as _searching
from . import selection as _selection
from . import setops as _setops
from . import statistics as _statistics
from ._creation import *  # noqa: F401,F403
from ._elementwise import *  # noqa: F401,F403
from ._products import dot, inner, matmul, outer, vdot  # noqa: F401
from ._reductions import *  # noqa: F401,F403
from ._shape import *  # noqa: F401,F403
from .arithmetic import *  # noqa: F401,F403
from .array_api import *  # noqa: F401,F403
from .assembly import *  # noqa: F401,F403
from .comparison import *  # noqa: F401,F403
from .contractions import *  # noqa: F401,F403
from .convolution import *  # noqa: F401,F403
from .differences import *  # noqa: F401,F403
from .finite_differences import *  # noqa: F401,F403
from .float_parts import *  # noqa: F401,F403
from .functional import *  # noqa: F401,F403
from .indexing import at  # noqa: F401
from .manipulation import *  # noqa: F401,F403
from .moments import *  # noqa: F401,F403
from .polynomial import *  # noqa: F401,F403
from .ranges import *  # noqa: F401,F403
from .searching import *  # noqa: F401,F403
from .selection import *  # noqa: F401,F403
from .setops import *  # noqa: F401,F403
from .statistics import *  # noqa: F401,F403

pi, e, inf, nan, newaxis = _np.pi, _np.e, _np.inf, _np.nan, None
float64, float32, int64, int32, bool_ = _np.float64, _np.float32, _np.int64, _np.int32, _np.bool_
ndarray = _np.ndarray

_MODULES = (_creation, _elementwise, _reductions, _shape, _arithmetic, _array_api, _assembly, _comparison,
            _contractions, _convolution, _differences, _finite_differences, _float_parts, _functional, _manipulation,
            _moments, _polynomial, _ranges, _searching, _selection, _setops, _statistics)
_NOT_NUMPY = {"trapz"}  # removed from NumPy 2.4; kept reachable as an attribute for old code

__all__ = sorted({name for m in _MODULES for name in m.__all__} - _NOT_NUMPY | {
    "dot", "inner", "matmul", "outer", "vdot", "at", "linalg", "pi", "e", "inf", "nan", "newaxis", "float64",
    "float32", "int64", "int32", "bool_", "ndarray"})

# the submodules stay importable (`from autodiff.numpy import contractions`) but are not attributes of the package
for _name in ("arithmetic", "array_api", "assembly", "comparison", "contractions", "convolution", "differences",
              "finite_differences", "float_parts", "functional", "indexing", "manipulation", "moments", "polynomial",
              "ranges", "searching", "selection", "setops", "statistics", "advanced_indexing"):
    globals().pop(_name, None)
del _name

_tracer_methods.attach(_sys.modules[__name__])  # x + y, x.sum(), x[i], np.sin(x) on tracers


def __dir__():
    return __all__
