"""NumPy-compatible differentiable functions.

Outside any transform these return plain numpy arrays and scalars; under grad/jvp/vjp/jit they
return tracers that behave like arrays. Names, signatures and semantics follow NumPy.
"""
import numpy as _np

from ._creation import *  # noqa: F401,F403
from ._elementwise import *  # noqa: F401,F403
from ._products import dot, inner, matmul, outer, vdot  # noqa: F401
from ._reductions import *  # noqa: F401,F403
from ._shape import *  # noqa: F401,F403
from .indexing import at  # noqa: F401
from . import linalg  # noqa: F401,E402

pi, e, inf, nan, newaxis = _np.pi, _np.e, _np.inf, _np.nan, None
float64, float32, int64, int32, bool_ = _np.float64, _np.float32, _np.int64, _np.int32, _np.bool_
ndarray = _np.ndarray

from .extra import *  # noqa: F401,F403,E402

try:  # families added by separate modules
    from .more import *  # noqa: F401,F403
except ImportError:  # pragma: no cover
    pass
try:
    from .linalg_ops import einsum, tensordot, trace, diagonal, diag, tril, triu, kron  # noqa: F401
except ImportError:  # pragma: no cover
    pass
