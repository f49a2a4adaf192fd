"""scipy.linalg's matrix functions: expm (and expm_frechet), logm, sqrtm, the trigonometric and
hyperbolic functions and fractional_matrix_power, and the Sylvester/Lyapunov equations,
differentiable to any order and under `ad.jit`.

expm, logm and sqrtm are primitives differentiated through their Frechet derivatives (see
primitives/linalg_matfun.py); the others are exact identities over them, so they need no rules:
    expm([[0, A], [-A, 0]]) = [[cos A, sin A], [-sin A, cos A]],  cosh A = (e^A + e^-A) / 2, ...
    A^t = expm(t logm(A))  (the real principal power).
"""
import warnings

import numpy as np

from .. import numpy as anp
from ..numpy import _util
from ..numpy import linalg as nla
from ..primitives import linalg_matfun as pm
from . import linalg_solve as sla


def _anp():
    return anp


_DISP = object()  # SciPy's marker for the deprecated `disp`, never passed


def expm(A):
    """scipy.linalg.expm: the matrix exponential of each (..., n, n) matrix (scaling and squaring);
    its JVP and VJP are Frechet derivatives (expm_frechet at A, and at A^T for the adjoint)."""
    return pm.expm_p.bind(sla._square(A, False))


def expm_frechet(A, E, method=None, compute_expm=True, check_finite=True):
    """scipy.linalg.expm_frechet -> (expm(A), L(A, E)) (just L if compute_expm=False), the Frechet
    derivative of expm at A in direction E, by the block method for either `method`."""
    if method not in (None, "SPS", "blockEnlarge"):
        raise ValueError(f"Unknown implementation {method}")
    A, E = sla._square(A, check_finite), sla._square(E, check_finite)
    if _util.shape(A) != _util.shape(E):
        raise ValueError("expected A and E to be the same shape")
    L = pm.frechet(pm.expm_p, A, E)
    return (expm(A), L) if compute_expm else L


def _with_errest(p, A, disp, residual):
    """p(A), or (p(A), residual(p(A))) for SciPy's deprecated disp=False (with SciPy's warning)."""
    if disp is not _DISP:
        warnings.warn("The `disp` argument is deprecated and will be removed in SciPy 1.18.0.", DeprecationWarning,
                      stacklevel=3)
    X = p.bind(A)
    return X if disp is _DISP or disp else (X, residual(X))


def logm(A, disp=_DISP):
    """scipy.linalg.logm: the principal matrix logarithm (real here; raises where SciPy's is complex).
    With disp=False returns (logm, errest), errest = ||expm(logm) - A||_1 / ||A||_1 as SciPy does."""
    A = sla._square(A, True)
    return _with_errest(pm.logm_p, A, disp, lambda X: (
        nla.norm(expm(X) - A, 1, axis=(-2, -1)) / nla.norm(A, 1, axis=(-2, -1))))


def sqrtm(A, disp=_DISP, blocksize=_DISP):
    """scipy.linalg.sqrtm: the principal square root (real here; raises where SciPy's is complex).
    With disp=False returns (sqrtm, errest), errest = ||X X - A||_F^2 / ||A||_F as SciPy does."""
    A = sla._square(A, True)
    return _with_errest(pm.sqrtm_p, A, disp, lambda X: (
        nla.norm(_anp().matmul(X, X) - A, "fro", axis=(-2, -1)) ** 2 / nla.norm(A, "fro", axis=(-2, -1))))


def _cos_sin(A):
    """(cos A, sin A) from one exponential of the real 2n x 2n matrix [[0, A], [-A, 0]]."""
    anp = _anp()
    A = sla._square(A, True)
    n = _util.shape(A)[-1]
    zero = anp.zeros_like(A)
    big = anp.concatenate([anp.concatenate([zero, A], axis=-1), anp.concatenate([-A, zero], axis=-1)], axis=-2)
    e = expm(big)
    return e[..., :n, :n], e[..., :n, n:]


def cosm(A):
    """scipy.linalg.cosm: the matrix cosine (real A)."""
    return _cos_sin(A)[0]


def sinm(A):
    """scipy.linalg.sinm: the matrix sine (real A)."""
    return _cos_sin(A)[1]


def tanm(A):
    """scipy.linalg.tanm: cos(A)^{-1} sin(A) (they commute)."""
    c, s = _cos_sin(A)
    return sla.solve(c, s, check_finite=False)


def _exp_pair(A):
    A = sla._square(A, True)
    return expm(A), expm(-A)


def coshm(A):
    """scipy.linalg.coshm: (e^A + e^-A) / 2."""
    ep, em = _exp_pair(A)
    return 0.5 * (ep + em)


def sinhm(A):
    """scipy.linalg.sinhm: (e^A - e^-A) / 2."""
    ep, em = _exp_pair(A)
    return 0.5 * (ep - em)


def tanhm(A):
    """scipy.linalg.tanhm: cosh(A)^{-1} sinh(A)."""
    ep, em = _exp_pair(A)
    return sla.solve(ep + em, ep - em, check_finite=False)


def fractional_matrix_power(A, t):
    """scipy.linalg.fractional_matrix_power: the principal A^t = expm(t logm(A)) for real t (a real
    result here: A must have no eigenvalues on the closed negative real axis); integer t uses
    numpy.linalg.matrix_power, as SciPy does."""
    anp = _anp()
    A = sla._square(A, True)
    t = float(t)
    if t == int(t):
        return anp.linalg.matrix_power(A, int(t))
    return expm(t * logm(A))


def solve_sylvester(a, b, q):
    """scipy.linalg.solve_sylvester: x with a x + x b = q; differentiable in a, b and q (the adjoint
    solve is the Sylvester equation with a^T, b^T). Leading axes of the three are broadcast."""
    anp = _anp()
    a, b, q = sla._square(a, True), sla._square(b, True), sla._checked(q, True)
    batch = np.broadcast_shapes(_util.shape(a)[:-2], _util.shape(b)[:-2], _util.shape(q)[:-2])
    a, b, q = (anp.broadcast_to(x, batch + _util.shape(x)[-2:]) for x in (a, b, q))
    return pm.sylvester_p.bind(a, b, q)


def solve_continuous_lyapunov(a, q):
    """scipy.linalg.solve_continuous_lyapunov: x with a x + x a^T = q (real a)."""
    a = sla._square(a, True)
    return solve_sylvester(a, _anp().swapaxes(a, -1, -2), q)
