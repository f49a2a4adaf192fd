"""numpy.linalg names, differentiable and batched over leading axes (cholesky is LOWER, as in numpy).

Semantics follow NumPy 2: `solve(a, b)` treats `b` as a vector only when b.ndim == 1, otherwise as a
stack of (M, K) matrices, the batch axes broadcasting. `cholesky` and `eigh` read one triangle of
their input (lower by default) and are differentiated as exactly that function.

Errors: outside `jit` these functions raise as NumPy does (LinAlgError for a matrix that is not
positive definite or is singular). Under `ad.jit` nothing raises inside the compiled code: such a
matrix gives NaN results, so a log-density sees NaN (which a sampler treats as a divergence).

Solves, inverses, determinants, cholesky, eigh and norms live in `linalg_solve.py`, decompositions
(svd, qr, eig, lstsq, pinv, matrix_rank, cond, ...) in `linalg_decomp.py`; both are re-exported
here, so this namespace holds every public name of NumPy 2's numpy.linalg.
"""
from . import linalg_decomp as _decomp
from . import linalg_solve as _solve
from .linalg_decomp import *  # noqa: F401,F403
from .linalg_solve import *  # noqa: F401,F403
from .linalg_solve import as_float, as_rhs, drop_vector_axis  # noqa: F401  (shared with autodiff.scipy.linalg)

__all__ = _decomp.__all__ + _solve.__all__
