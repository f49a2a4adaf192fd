"""scipy.linalg names, differentiable and batched over leading axes (cholesky is UPPER by default).

As in SciPy, a right-hand side `b` is a vector when b.ndim == 1 and a stack of (M, K) matrices
otherwise, the batch axes broadcasting; functions that read one triangle of `a` (cholesky, cho_factor,
cho_solve, solve_triangular, solve with assume_a='sym'/'pos', eigh) are differentiated as exactly
that function, so the other triangle gets zero gradient.

Differences from SciPy, all deliberate:
  * `check_finite` is honoured only outside `jit` (where values are concrete); `overwrite_*` is ignored.
  * `cho_factor` returns a factor whose unused triangle is zero (SciPy leaves arbitrary data there).
  * Under `ad.jit` nothing raises inside the compiled code: a matrix that is not positive definite or
    is singular gives NaN results (a sampler sees a NaN log-density, i.e. a divergence).
  * `solve`/`inv` with assume_a=None use the general LU solver (SciPy first detects structure; the
    function computed is the same).
  * `expm`, `logm`, `sqrtm` are differentiated through their Frechet derivatives (the block-triangular
    identity f([[A, E], [0, A]]) = [[f(A), L_f(A, E)], [0, f(A)]]); `logm`/`sqrtm` return the real
    principal logarithm / root and raise where SciPy would return a complex one.
  * `eig`/`eigvals` give values only: they raise under grad/jvp/jit (use eigh for symmetric matrices).
  * `lstsq` computes x = pinv(a) @ b (gelsd's cutoff) whatever `lapack_driver`; under `jit` the residues
    are returned whenever M > N (the rank is not known when tracing).
Not provided: qr's mode='raw'; qr(pivoting=True) needs a concrete `a` (not under jit).
"""
from .linalg_matfun import (coshm, cosm, expm, expm_frechet, fractional_matrix_power, logm, sinhm,  # noqa: F401
                            sinm, solve_continuous_lyapunov, solve_sylvester, sqrtm, tanhm, tanm)
from .linalg_solve import *  # noqa: F401,F403
from .linalg_structured import (block_diag, cho_solve_banded, cholesky_banded, circulant, hankel,  # noqa: F401
                                khatri_rao, solve_banded, solveh_banded, toeplitz)

__all__ = ["LinAlgError", "cholesky", "cho_factor", "cho_solve", "solve_triangular", "solve", "inv", "det",
           "eigh", "eigvalsh", "lu_factor", "lu_solve", "lu", "qr", "svd", "svdvals", "expm", "expm_frechet",
           "logm", "sqrtm", "block_diag", "toeplitz", "solve_banded", "pinv", "lstsq", "eig", "eigvals", "circulant",
           "hankel", "solveh_banded", "cholesky_banded", "cho_solve_banded", "cosm", "sinm", "tanm", "coshm",
           "sinhm", "tanhm", "fractional_matrix_power", "solve_sylvester", "solve_continuous_lyapunov", "polar",
           "orthogonal_procrustes", "norm", "khatri_rao"]
