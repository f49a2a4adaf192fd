"""check_grads: compare forward and reverse mode against central finite differences, to any order.

As in autograd and JAX: pick a random tangent direction v and output cotangent u, then check
  jvp(f, x, v)          against (f(x + eps v) - f(x - eps v)) / (2 eps)
  <vjp(f, x)(u), v>     against <u, jvp(f, x, v)>
and recurse on the derivative maps for higher orders.
"""
import numpy as np

from .avals import get_aval, is_float
from .transforms import jvp, vjp
from .tree import tree_flatten, tree_unflatten


def _float_leaves_mask(leaves):
    return [is_float(get_aval(x).dtype) for x in leaves]


def _random_like(leaves, mask, rng):
    out = []
    for x, m in zip(leaves, mask):
        aval = get_aval(x)
        if m:
            v = rng.standard_normal(aval.shape)
            out.append(v if aval.shape else float(v))
        else:
            out.append(np.zeros(aval.shape) if aval.shape else 0.0)
    return out


def _axpy(a, xs, ys, mask):
    return [y + a * x if m else y for x, y, m in zip(xs, ys, mask)]


def _inner(xs, ys):
    return float(sum(np.sum(np.asarray(x, np.float64) * np.asarray(y, np.float64)) for x, y in zip(xs, ys)))


def _close(a, b, atol, rtol, what):
    a_leaves = [np.asarray(x, np.float64) for x in tree_flatten(a)[0]]
    b_leaves = [np.asarray(x, np.float64) for x in tree_flatten(b)[0]]
    for x, y in zip(a_leaves, b_leaves):
        if not np.allclose(x, y, atol=atol, rtol=rtol, equal_nan=True):
            err = np.max(np.abs(x - y))
            raise AssertionError(f"{what}: max abs error {err:.3g} (atol={atol}, rtol={rtol})\n"
                                 f"  got:      {x}\n  expected: {y}")


def _numerical_jvp(f, args, tangents, eps, mask):
    leaves, tree = tree_flatten(args)
    t_leaves = tree_flatten(tangents)[0]
    plus = f(*tree_unflatten(tree, _axpy(eps, t_leaves, leaves, mask)))
    minus = f(*tree_unflatten(tree, _axpy(-eps, t_leaves, leaves, mask)))
    p_leaves, out_tree = tree_flatten(plus)
    m_leaves = tree_flatten(minus)[0]
    diffs = [(np.asarray(p, np.float64) - np.asarray(m, np.float64)) / (2 * eps) for p, m in zip(p_leaves, m_leaves)]
    return tree_unflatten(out_tree, diffs)


def check_jvp(f, args, eps=1e-4, atol=1e-5, rtol=1e-5, rng=None):
    rng = rng or np.random.default_rng(0)
    leaves, tree = tree_flatten(tuple(args))
    mask = _float_leaves_mask(leaves)
    tangents = tree_unflatten(tree, _random_like(leaves, mask, rng))
    _, t_out = jvp(f, tuple(args), tangents)
    _close(t_out, _numerical_jvp(f, tuple(args), tangents, eps, mask), atol, rtol, "JVP vs finite differences")


def check_vjp(f, args, eps=1e-4, atol=1e-5, rtol=1e-5, rng=None):
    rng = rng or np.random.default_rng(1)
    leaves, tree = tree_flatten(tuple(args))
    mask = _float_leaves_mask(leaves)
    tangents = _random_like(leaves, mask, rng)
    out, pullback = vjp(f, *args)
    out_leaves, out_tree = tree_flatten(out)
    out_mask = _float_leaves_mask(out_leaves)
    cts = _random_like(out_leaves, out_mask, rng)
    x_bar = tree_flatten(pullback(tree_unflatten(out_tree, cts)))[0]
    lhs = _inner([x for x, m in zip(x_bar, mask) if m], [t for t, m in zip(tangents, mask) if m])
    num = tree_flatten(_numerical_jvp(f, tuple(args), tree_unflatten(tree, tangents), eps, mask))[0]
    rhs = _inner([c for c, m in zip(cts, out_mask) if m], [n for n, m in zip(num, out_mask) if m])
    _close(lhs, rhs, atol, rtol, "VJP vs finite differences (<vjp(u), v> vs <u, J v>)")


def check_grads(f, args, order=1, modes=("fwd", "rev"), eps=None, atol=None, rtol=None, seed=0):
    """Check derivatives of f at args (a tuple) up to `order`, in forward and/or reverse mode.

    Raises AssertionError with the size of the disagreement; returns None on success.
    """
    args = tuple(args)
    eps = eps if eps is not None else 1e-4
    atol = atol if atol is not None else 1e-5 * 10 ** (order - 1)
    rtol = rtol if rtol is not None else 1e-5 * 10 ** (order - 1)
    rng = np.random.default_rng(seed)
    if isinstance(modes, str):
        modes = (modes,)
    for mode in modes:
        if mode == "fwd":
            check_jvp(f, args, eps, atol, rtol, rng)
            if order > 1:
                leaves, tree = tree_flatten(args)
                v = tree_unflatten(tree, _random_like(leaves, _float_leaves_mask(leaves), rng))
                check_grads(lambda *a: jvp(f, a, v)[1], args, order - 1, ("fwd",), eps, atol * 10, rtol * 10, seed + 1)
        elif mode == "rev":
            check_vjp(f, args, eps, atol, rtol, rng)
            if order > 1:
                out = f(*args)
                out_leaves, out_tree = tree_flatten(out)
                u = tree_unflatten(out_tree, _random_like(out_leaves, _float_leaves_mask(out_leaves), rng))
                check_grads(lambda *a: vjp(f, *a)[1](u), args, order - 1, ("rev",), eps, atol * 10, rtol * 10,
                            seed + 1)
        else:
            raise ValueError(f"unknown mode {mode!r}: use 'fwd' and/or 'rev'")
