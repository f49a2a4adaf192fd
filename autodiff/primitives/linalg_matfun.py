"""Primary matrix functions (expm, logm, sqrtm of real square matrices) and the Sylvester equation,
batched over leading axes.

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
from scipy.linalg import expm, logm, solve_sylvester, sqrtm

from ..avals import ShapedArray, float_dtype, get_aval
from ..core import Primitive
from .broadcasting import broadcast_to_p
from .linalg import _float_square_shape, _shape, emit_call, matmul_p, swap_last
from .shape import concatenate_p


def frechet(p, a, e):
    """L_f(a, e) for the matrix-function primitive p, from f of the block matrix [[a, e], [0, a]]."""
    n, nd = _shape(a)[-1], len(_shape(a))
    e = e if _shape(e) == _shape(a) else broadcast_to_p.bind(e, shape=_shape(a))
    zeros = np.zeros(_shape(a), get_aval(a).dtype)
    big = concatenate_p.bind(concatenate_p.bind(a, e, axis=nd - 1), concatenate_p.bind(zeros, a, axis=nd - 1),
                             axis=nd - 2)
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
    return expm(np.asarray(a, dtype=float))


def _logm_impl(a):
    return _real_result("logm", logm, a)


def _sqrtm_impl(a):
    return _real_result("sqrtm", sqrtm, a)


expm_p = _matfun("expm", _expm_impl, "expm_into")
logm_p = _matfun("logm", _logm_impl, "logm_into")
sqrtm_p = _matfun("sqrtm", _sqrtm_impl, "sqrtm_into")


# -- the Sylvester equation a x + x b = q ------------------------------------------------------------------
def _sylvester_shape(a, b, q):
    _float_square_shape(a)
    _float_square_shape(b)
    if q.shape != a.shape[:-1] + b.shape[-1:] or a.shape[:-2] != b.shape[:-2]:
        raise ValueError(f"solve_sylvester: shapes a {a.shape}, b {b.shape}, q {q.shape} do not fit "
                         "(a: (..., m, m), b: (..., n, n), q: (..., m, n), one batch shape)")
    return ShapedArray(q.shape, float_dtype(q.dtype))


def _sylvester_impl(a, b, q):
    out = np.empty(np.shape(q))
    for idx in np.ndindex(*np.shape(q)[:-2]):
        out[idx] = solve_sylvester(a[idx], b[idx], q[idx])
    return out


def _sylvester_jvp(primals, tangents):
    """a dx + dx b = dq - da x - x db."""
    (a, b, q), (da, db, dq) = primals, tangents
    x = sylvester_p.bind(a, b, q)
    terms = [t for t in (dq, None if da is None else -matmul_p.bind(da, x),
                         None if db is None else -matmul_p.bind(x, db)) if t is not None]
    rhs = terms[0]
    for t in terms[1:]:
        rhs = rhs + t
    return x, sylvester_p.bind(a, b, rhs)


def _sylvester_vjp(ct, x, args):
    """The solve's adjoint is the Sylvester solve with a^T, b^T; then a_bar = -q_bar x^T, b_bar = -x^T q_bar."""
    a, b, q = args
    q_bar = sylvester_p.bind(swap_last(a), swap_last(b), ct)
    return [-matmul_p.bind(q_bar, swap_last(x)), -matmul_p.bind(swap_last(x), q_bar), q_bar]


sylvester_p = Primitive("sylvester")  # x with a x + x b = q
sylvester_p.def_impl(_sylvester_impl)
sylvester_p.def_shape(_sylvester_shape)
sylvester_p.def_jvp_full(_sylvester_jvp)
sylvester_p.def_vjp_full(_sylvester_vjp)
sylvester_p.def_emit(lambda ctx, eqn: emit_call(ctx, eqn, (2, 2, 2), (2,), lambda i, o: [
    f"rl.sylvester_into({i[0]}, {i[1]}, {i[2]}, {o[0]})"]))
