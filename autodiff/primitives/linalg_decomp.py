"""Decomposition primitives: SVD, QR, LU and the pseudo-inverse, batched over leading axes, each with
its numpy/scipy impl, JVP, VJP and Numba emitter side by side.

Derivatives follow JAX's rules (real matrices): the SVD's assume distinct non-zero singular values
(they contain 1/(s_j^2 - s_i^2)); the QR's need full column rank and m >= n (reduced Q); the LU's
non-zero pivots, the pivoting itself being piecewise constant. Factors whose extra
columns are an arbitrary basis (full_matrices / complete Q of a non-square matrix) have no derivative:
their rules raise NotImplementedError naming the option to use instead.
"""
import numpy as np
from scipy.linalg import lu_factor

from ..avals import ShapedArray, float_dtype
from ..core import Primitive
from .broadcasting import broadcast_to_p, reshape_p
from .elementwise import where_p
from .linalg import (_flag, _shape, diag_embed_p, diag_part_p, emit_call, emit_loop, matmul_p, swap_last,
                     sym_from_lower, tri_p, triangular_solve, tril, triu)
from .shape import concatenate_p, static_slice


def _broadcast(x, shape):
    return x if _shape(x) == tuple(shape) else broadcast_to_p.bind(x, shape=tuple(shape))


def _mm(*xs):
    out = xs[0]
    for x in xs[1:]:
        out = matmul_p.bind(out, x)
    return out


def _row(s):
    """(..., k) -> (..., 1, k): scales the columns of a matrix when multiplied."""
    return reshape_p.bind(s, new_shape=_shape(s)[:-1] + (1,) + _shape(s)[-1:])


def _eye_mask(n):
    return np.eye(n, dtype=bool)


# -- svd: a = u @ diag(s) @ vt, singular values descending ----------------------------------------------
def _svd_shape(a, full_matrices):
    if a.ndim < 2:
        raise ValueError(f"svd expects a stack of matrices, got shape {a.shape}")
    m, n = a.shape[-2:]
    k, batch, dt = min(m, n), a.shape[:-2], float_dtype(a.dtype)
    ku, kv = (m, n) if full_matrices else (k, k)
    return [ShapedArray(batch + (m, ku), dt), ShapedArray(batch + (k,), dt), ShapedArray(batch + (kv, n), dt)]


def _no_full_derivative(name, option):
    raise NotImplementedError(f"{name}: the extra columns of {option} for a non-square matrix are an arbitrary "
                              f"basis and have no derivative; differentiate the reduced factorisation instead")


def _inverse_sq_gaps(s):
    """F[..., i, j] = 1 / (s_j^2 - s_i^2) off the diagonal, 0 on it."""
    sd = _row(s)
    diffs = (sd + swap_last(sd)) * (sd - swap_last(sd))
    eye = _eye_mask(_shape(s)[-1])
    return where_p.bind(eye, 0.0, 1.0 / where_p.bind(eye, 1.0, diffs))


def _svd_jvp(primals, tangents, full_matrices):
    (a,), (da,) = primals, tangents
    u, s, vt = svd_p.bind(a, full_matrices=full_matrices)
    m, n = _shape(a)[-2:]
    if full_matrices and m != n:
        _no_full_derivative("svd", "U or Vh with full_matrices=True")
    v, ut, sd = swap_last(vt), swap_last(u), _row(s)
    ds_mat = _mm(ut, da, v)
    f = _inverse_sq_gaps(s)
    dss, sds = ds_mat * sd, swap_last(sd) * ds_mat
    du = _mm(u, f * (dss + swap_last(dss)))
    dv = _mm(v, f * (sds + swap_last(sds)))
    if m > n:
        dav = _mm(da, v)
        du = du + (dav - _mm(u, ut, dav)) / sd
    if n > m:
        dau = _mm(swap_last(da), u)
        dv = dv + (dau - _mm(v, vt, dau)) / sd
    return [u, s, vt], [du, diag_part_p.bind(ds_mat), swap_last(dv)]


def _svd_vjp(cts, ans, args, full_matrices):
    """The transpose of the JVP: a_bar = U (diag(s_bar) + (J + J^T) S + S (K + K^T)) V^T plus the
    projections onto the complements of U's and V's ranges, J = F * (U^T u_bar), K = F * (V^T v_bar)."""
    u_bar, s_bar, vt_bar = cts
    u, s, vt = ans
    m, n = _shape(args[0])[-2:]
    if full_matrices and m != n and (u_bar is not None or vt_bar is not None):
        _no_full_derivative("svd", "U or Vh with full_matrices=True")
    v, ut, sd = swap_last(vt), swap_last(u), _row(s)
    f = _inverse_sq_gaps(s)
    g = None if s_bar is None else diag_embed_p.bind(s_bar)
    extra = None
    if u_bar is not None:
        j = f * _mm(ut, u_bar)
        term = (j + swap_last(j)) * sd
        g = term if g is None else g + term
        if m > n:
            extra = _mm((u_bar - _mm(u, ut, u_bar)) / sd, vt)
    if vt_bar is not None:
        v_bar = swap_last(vt_bar)
        k = f * _mm(vt, v_bar)
        term = swap_last(sd) * (k + swap_last(k))
        g = term if g is None else g + term
        if n > m:
            term = _mm(u, swap_last((v_bar - _mm(v, vt, v_bar)) / sd))
            extra = term if extra is None else extra + term
    a_bar = _mm(u, g, vt)
    return [a_bar if extra is None else a_bar + extra]


svd_p = Primitive("svd", multiple_results=True)  # [u, s (descending), vt]
svd_p.def_impl(lambda a, full_matrices: list(np.linalg.svd(a, full_matrices=full_matrices)))
svd_p.def_shape(_svd_shape)
svd_p.def_jvp_full(_svd_jvp)
svd_p.def_vjp_full(_svd_vjp)
svd_p.def_emit(lambda ctx, eqn: emit_call(ctx, eqn, (2,), (2, 1, 2), lambda i, o: [
    f"rl.svd_into({i[0]}, {o[0]}, {o[1]}, {o[2]}, {_flag(eqn.params['full_matrices'])})"]))


# -- qr: a = q @ r, Householder (LAPACK's geqrf signs) ------------------------------------------------
def _qr_shape(a, complete):
    if a.ndim < 2:
        raise ValueError(f"qr expects a stack of matrices, got shape {a.shape}")
    m, n = a.shape[-2:]
    kq = m if complete else min(m, n)
    dt = float_dtype(a.dtype)
    return [ShapedArray(a.shape[:-2] + (m, kq), dt), ShapedArray(a.shape[:-2] + (kq, n), dt)]


def _qr_impl(a, complete):
    return list(np.linalg.qr(a, mode="complete" if complete else "reduced"))


def _check_qr_differentiable(a, complete):
    m, n = _shape(a)[-2:]
    if complete and m != n:
        _no_full_derivative("qr", "Q with mode='complete'")
    if m < n:
        raise NotImplementedError("qr_p: derivative needs m >= n (the numpy wrappers split wide matrices)")


def _right_solve_r(x, r):
    """x @ r^{-1} for upper-triangular r: (r^{-T} x^T)^T."""
    return swap_last(triangular_solve(r, swap_last(x), False, trans=True))


def _qr_jvp(primals, tangents, complete):
    (a,), (da,) = primals, tangents
    _check_qr_differentiable(a, complete)
    q, r = qr_p.bind(a, complete=complete)
    da_rinv = _right_solve_r(da, r)
    qt_da_rinv = _mm(swap_last(q), da_rinv)
    low = tril(qt_da_rinv, -1)
    do = low - swap_last(low)  # skew-symmetric: q^T dq
    dq = _mm(q, do - qt_da_rinv) + da_rinv
    dr = _mm(qt_da_rinv - do, r)
    return [q, r], [dq, dr]


def _qr_vjp(cts, ans, args, complete):
    """a_bar = (q_bar + q copyltu(M)) r^{-T}, M = r r_bar^T - q_bar^T q (Walter and Lehmann 2018,
    Liao et al. 2019), copyltu(M) the symmetric matrix with M's lower triangle."""
    q_bar, r_bar = cts
    q, r = ans
    _check_qr_differentiable(args[0], complete)
    m_terms = []
    if r_bar is not None:
        m_terms.append(_mm(r, swap_last(r_bar)))
    if q_bar is not None:
        m_terms.append(-_mm(swap_last(q_bar), q))
    mat = m_terms[0] if len(m_terms) == 1 else m_terms[0] + m_terms[1]
    b = _mm(q, sym_from_lower(mat))
    if q_bar is not None:
        b = b + q_bar
    return [swap_last(triangular_solve(r, swap_last(b), False))]


qr_p = Primitive("qr", multiple_results=True)  # [q, r]; complete: q is (m, m)
qr_p.def_impl(_qr_impl)
qr_p.def_shape(_qr_shape)
qr_p.def_jvp_full(_qr_jvp)
qr_p.def_vjp_full(_qr_vjp)
qr_p.def_emit(lambda ctx, eqn: emit_call(ctx, eqn, (2,), (2, 2), lambda i, o: [
    f"rl.qr_into({i[0]}, {o[0]}, {o[1]})"]))


# -- pinv: the Moore-Penrose pseudo-inverse, singular values <= atol + rtol * s_max dropped -------------
def _pinv_shape(a, rtol, atol):
    if a.ndim < 2:
        raise ValueError(f"pinv expects a stack of matrices, got shape {a.shape}")
    return ShapedArray(a.shape[:-2] + (a.shape[-1], a.shape[-2]), float_dtype(a.dtype))


def _pinv_jvp(g, p, a, rtol, atol):
    """Golub and Pereyra (1973), valid where the rank is locally constant:
    dp = -p da p + p p^T da^T (I - a p) + (I - p a) da^T p^T p."""
    m, n = _shape(a)[-2:]
    pt, gt = swap_last(p), swap_last(g)
    return (-_mm(p, g, p) + _mm(p, pt, gt, np.eye(m) - _mm(a, p))
            + _mm(np.eye(n) - _mm(p, a), gt, pt, p))


def _pinv_vjp(ct, p, a, rtol, atol):
    m, n = _shape(a)[-2:]
    pt, ctt = swap_last(p), swap_last(ct)
    return (-_mm(pt, ct, pt) + _mm(np.eye(m) - _mm(a, p), ctt, p, pt)
            + _mm(pt, p, ctt, np.eye(n) - _mm(p, a)))


def _pinv_impl(a, rtol, atol):
    """numpy.linalg.pinv's computation with the cutoff atol + rtol * s_max (SciPy's form)."""
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    cutoff = atol + rtol * np.max(s, axis=-1, initial=0.0, keepdims=True)
    large = s > cutoff
    s_inv = np.divide(1.0, s, where=large, out=np.zeros_like(s))
    return np.matmul(np.swapaxes(vt, -1, -2), s_inv[..., None] * np.swapaxes(u, -1, -2))


pinv_p = Primitive("pinv")
pinv_p.def_impl(_pinv_impl)
pinv_p.def_shape(_pinv_shape)
pinv_p.def_jvp(_pinv_jvp)
pinv_p.def_vjp(_pinv_vjp)
pinv_p.def_emit(lambda ctx, eqn: emit_call(ctx, eqn, (2,), (2,), lambda i, o: [
    f"rl.pinv_into({i[0]}, {o[0]}, {float(eqn.params['rtol'])!r}, {float(eqn.params['atol'])!r})"]))


# -- lu: LAPACK getrf's packed factors and pivots ------------------------------------------------------
def _lu_impl(a):
    lu, piv = lu_factor(a, check_finite=False)
    return [lu, np.asarray(piv).astype(np.int32)]


def _lu_shape(a):
    if a.ndim < 2:
        raise ValueError(f"lu expects a stack of matrices, got shape {a.shape}")
    return [ShapedArray(a.shape, float_dtype(a.dtype)), ShapedArray(a.shape[:-2] + (min(a.shape[-2:]),),
                                                                     np.dtype(np.int32))]


def _pivot_matrix_impl(piv, size):
    """P^T (size x size) with P^T a = L U: the row swaps i <-> piv[i], in order, applied to the identity."""
    piv = np.asarray(piv)
    out = np.zeros(piv.shape[:-1] + (size, size))
    for idx in np.ndindex(*piv.shape[:-1]):
        perm = np.arange(size)
        for i, p in enumerate(piv[idx]):
            perm[i], perm[p] = perm[p], perm[i]
        out[idx + (np.arange(size), perm)] = 1.0
    return out


pivot_matrix_p = Primitive("pivot_matrix")
pivot_matrix_p.def_impl(_pivot_matrix_impl)
pivot_matrix_p.def_shape(lambda piv, size: ShapedArray(piv.shape[:-1] + (size, size), np.dtype(np.float64)))
pivot_matrix_p.def_nograd()


def _pivot_lines(eqn, piv, out):
    k, m = eqn.inputs[0].aval.shape[-1], eqn.params["size"]
    return [f"perm = np.arange({m})",
            f"for i in range({k}):",
            f"    p = {piv.at('i')}",
            f"    perm[i], perm[p] = perm[p], perm[i]",
            f"for i in range({m}):",
            f"    for j in range({m}):",
            f"        {out.at('i', 'j')} = 0.0",
            f"    {out.at('i', 'perm[i]')} = 1.0"]


pivot_matrix_p.def_emit(lambda ctx, eqn: emit_loop(ctx, eqn, (1,), (2,), lambda i, o: _pivot_lines(eqn, i[0], o[0])))


def pivot_matrix(piv, m):
    """P^T for LAPACK pivots piv of an m-row matrix: P^T a = L U."""
    return pivot_matrix_p.bind(piv, size=int(m))


def lu_factors(lu):
    """(L (m, k), U (k, n)) from getrf's packed (m, n) result, k = min(m, n)."""
    m, n = _shape(lu)[-2:]
    k, nd = min(m, n), len(_shape(lu))
    lower = lu if k == n else static_slice(lu, nd - 1, 0, k)
    upper = lu if k == m else static_slice(lu, nd - 2, 0, k)
    return tri_p.bind(lower, k=-1, lower=True, diag=1.0) + np.eye(m, k), triu(upper)


def _square_factors(lu):
    """L padded to (m, m) and U to (n, n) with identity blocks (JAX's rule for rectangular LU)."""
    m, n = _shape(lu)[-2:]
    k, batch = min(m, n), _shape(lu)[:-2]
    l, u = lu_factors(lu)
    if m > k:
        l = concatenate_p.bind(l, _broadcast(np.eye(m)[:, k:], batch + (m, m - k)), axis=len(batch) + 1)
    if n > k:
        u = concatenate_p.bind(u, _broadcast(np.eye(n)[k:], batch + (n - k, n)), axis=len(batch))
    return l, u


def _lu_jvp(primals, tangents):
    (a,), (da,) = primals, tangents
    lu, piv = lu_p.bind(a)
    l, u = _square_factors(lu)
    x = triangular_solve(l, _mm(pivot_matrix(piv, _shape(a)[-2]), da), True, unit_diagonal=True)  # L^{-1} P^T da
    x = _right_solve_r(x, u)                                                                     # ... U^{-1}
    return [lu, piv], [_mm(l, tril(x, -1)) + _mm(triu(x), u), None]


def _lu_vjp(cts, ans, args):
    lu_bar = cts[0]
    if lu_bar is None:
        return [None]
    lu, piv = ans
    l, u = _square_factors(lu)
    x_bar = tril(_mm(swap_last(l), lu_bar), -1) + triu(_mm(lu_bar, swap_last(u)))
    y = triangular_solve(l, x_bar, True, trans=True, unit_diagonal=True)   # L^{-T} x_bar
    y = swap_last(triangular_solve(u, swap_last(y), False))                 # ... U^{-T}
    return [_mm(swap_last(pivot_matrix(piv, _shape(lu)[-2])), y)]


lu_p = Primitive("lu", multiple_results=True)  # [lu (L\\U packed), piv (int32, LAPACK row swaps)]
lu_p.def_impl(_lu_impl)
lu_p.def_shape(_lu_shape)
lu_p.def_jvp_full(_lu_jvp)
lu_p.def_vjp_full(_lu_vjp)
lu_p.def_emit(lambda ctx, eqn: emit_call(ctx, eqn, (2,), (2, 1), lambda i, o: [
    f"rl.lu_factor_into({i[0]}, {o[0]}, {o[1]})"]))
