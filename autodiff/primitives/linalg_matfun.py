"""Primary matrix functions: expm, logm and sqrtm of real square matrices, batched over leading axes.

Each is differentiated through its Frechet derivative, computed with the block-triangular identity
(Higham, "Functions of Matrices", 2008, Thm 3.6; scipy's expm_frechet method 'blockEnlarge'):

    f([[A, E], [0, A]]) = [[f(A), L_f(A, E)], [0, f(A)]]

so the JVP is L_f(A, dA) and, f being real and primary, the VJP is L_f(A^T, ct) (the adjoint of the
Frechet derivative is the Frechet derivative at A^T). The rules call the primitive itself on a 2n x 2n
matrix, so derivatives of every order are the same primitive again.

logm and sqrtm return the principal real logarithm / square root; they need real matrices with no
eigenvalues on the closed negative real axis (where SciPy would return a complex result we raise).
"""
import numpy as np

from ..core import Primitive
from .linalg import _float_square_shape, _shape, emit_call, swap_last


def _anp():
    from .. import numpy as anp
    return anp


def frechet(p, a, e):
    """L_f(a, e) for the matrix-function primitive p, from f of the block matrix [[a, e], [0, a]]."""
    anp = _anp()
    n = _shape(a)[-1]
    e = anp.broadcast_to(e, _shape(a))
    zeros = anp.zeros_like(a)
    big = anp.concatenate([anp.concatenate([a, e], axis=-1), anp.concatenate([zeros, a], axis=-1)], axis=-2)
    return p.bind(big)[..., :n, n:]


def _matfun(name, impl, kernel):
    p = Primitive(name)
    p.def_impl(impl)
    p.def_shape(_float_square_shape)
    p.def_jvp(lambda g, ans, a: frechet(p, a, g))
    p.def_vjp(lambda ct, ans, a: frechet(p, swap_last(a), ct))
    p.def_emit(lambda ctx, eqn: emit_call(ctx, eqn, (2,), (2,), lambda i, o: [f"rl.{kernel}({i[0]}, {o[0]})"]))
    return p


def _real_result(name, fn, a):
    """fn applied to each matrix, which must come out real (SciPy returns complex otherwise)."""
    a = np.asarray(a, dtype=float)
    out = np.empty(a.shape)
    for idx in np.ndindex(*a.shape[:-2]):
        r = fn(a[idx])
        if np.iscomplexobj(r):
            if np.any(np.abs(r.imag) > 1e-12 * max(1.0, np.abs(r).max())):
                raise ValueError(f"{name}: the principal {name} of this real matrix is complex (it has eigenvalues "
                                 "on the negative real axis); only real results are supported here")
            r = r.real
        out[idx] = r
    return out


def _expm_impl(a):
    from scipy.linalg import expm
    return expm(np.asarray(a, dtype=float))


def _logm_impl(a):
    from scipy.linalg import logm
    return _real_result("logm", logm, a)


def _sqrtm_impl(a):
    from scipy.linalg import sqrtm
    return _real_result("sqrtm", sqrtm, a)


expm_p = _matfun("expm", _expm_impl, "expm_into")
logm_p = _matfun("logm", _logm_impl, "logm_into")
sqrtm_p = _matfun("sqrtm", _sqrtm_impl, "sqrtm_into")
