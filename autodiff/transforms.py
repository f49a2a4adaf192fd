"""grad, value_and_grad, jvp, vjp, jacfwd, jacrev, hessian: thin wrappers over the JVP and VJP traces."""
import functools

import numpy as np

from . import numpy as anp
from .avals import get_aval, is_float
from .jvp import jvp_flat
from .tree import tree_flatten, tree_unflatten
from .vjp import vjp_flat


def _argnums_tuple(argnums, nargs):
    single = isinstance(argnums, int)
    nums = (argnums,) if single else tuple(argnums)
    for n in nums:
        if not -nargs <= n < nargs:
            raise ValueError(f"argnums={argnums} but the function was called with {nargs} positional arguments")
    return single, tuple(n % nargs for n in nums)


def _check_differentiable(leaves, where):
    for x in leaves:
        dt = get_aval(x).dtype
        if not is_float(dt):
            raise TypeError(f"{where} must have floating-point values to differentiate with respect to, but "
                            f"got an array of dtype {dt}. Pass floats (e.g. 1.0, not 1) or leave this argument "
                            "out of argnums.")


def _zeros_like_value(x):
    aval = get_aval(x)
    return np.zeros(aval.shape, aval.dtype) if aval.shape else aval.dtype.type(0)


def _flat_with_aux(fun, in_tree, has_aux, box):
    """fun of pytrees -> function of flat leaves returning output leaves then aux leaves; the output
    and aux structures and the number of output leaves are left in `box`."""
    def flat_fun(*flat):
        out = fun(*tree_unflatten(in_tree, flat))
        aux = None
        if has_aux:
            out, aux = out
        out_leaves, box["out"] = tree_flatten(out)
        aux_leaves, box["aux"] = tree_flatten(aux)
        box["n_out"] = len(out_leaves)
        return list(out_leaves) + list(aux_leaves)
    return flat_fun


def vjp(fun, *primals, has_aux=False):
    """(out, pullback) with pullback(out_cotangent) -> tuple of cotangents, one per primal.

    With has_aux, fun returns (out, aux) and aux comes back as plain values (not differentiated).
    """
    leaves, in_tree = tree_flatten(primals)
    box = {}
    flat_fun = _flat_with_aux(fun, in_tree, has_aux, box)

    all_flat, pullback_flat = vjp_flat(flat_fun, leaves)
    n_out = box["n_out"]
    out_flat, aux_flat = all_flat[:n_out], all_flat[n_out:]
    out_tree = box["out"]

    def pullback(ct):
        ct_leaves, ct_tree = tree_flatten(ct)
        if ct_tree != out_tree:
            raise ValueError(f"cotangent structure {ct_tree} does not match output structure {out_tree}")
        cts = pullback_flat(list(ct_leaves) + [None] * len(aux_flat))
        cts = [c if c is not None else _zeros_like_value(x) for c, x in zip(cts, leaves)]
        return tree_unflatten(in_tree, cts)

    out = tree_unflatten(out_tree, out_flat)
    return (out, pullback, tree_unflatten(box["aux"], aux_flat)) if has_aux else (out, pullback)


def jvp(fun, primals, tangents, has_aux=False):
    """(out, out_tangent): push `tangents` forward through fun at `primals` (tuples of pytrees)."""
    p_leaves, p_tree = tree_flatten(tuple(primals))
    t_leaves, t_tree = tree_flatten(tuple(tangents))
    if p_tree != t_tree:
        raise ValueError(f"primals and tangents must have the same structure, got {p_tree} and {t_tree}")
    for p, t in zip(p_leaves, t_leaves):
        if get_aval(p).shape != get_aval(t).shape:
            raise ValueError(f"tangent shape {get_aval(t).shape} does not match primal shape {get_aval(p).shape}")
    box = {}
    flat_fun = _flat_with_aux(fun, p_tree, has_aux, box)

    all_flat, tan_flat = jvp_flat(flat_fun, p_leaves, t_leaves)
    n_out = box["n_out"]
    out_flat, aux_flat, tan_flat = all_flat[:n_out], all_flat[n_out:], tan_flat[:n_out]
    tan_flat = [t if t is not None else _zeros_like_value(o) for t, o in zip(tan_flat, out_flat)]
    res = (tree_unflatten(box["out"], out_flat), tree_unflatten(box["out"], tan_flat))
    return res + (tree_unflatten(box["aux"], aux_flat),) if has_aux else res


def value_and_grad(fun, argnums=0, has_aux=False):
    """f -> (f(x), df/dx) for a real scalar-valued f; the gradient has the structure of the argument(s)."""
    @functools.wraps(fun, updated=())
    def value_and_grad_f(*args, **kwargs):
        single, nums = _argnums_tuple(argnums, len(args))
        diff_args = tuple(args[n] for n in nums)
        _check_differentiable(tree_flatten(diff_args)[0], f"grad of {getattr(fun, '__name__', 'function')}: "
                              f"argument {nums if not single else nums[0]}")

        def f_of_diff(*d):
            full = list(args)
            for n, v in zip(nums, d):
                full[n] = v
            return fun(*full, **kwargs)

        res = vjp(f_of_diff, *diff_args, has_aux=has_aux)
        out, pullback = res[0], res[1]
        aval = get_aval(out) if not isinstance(out, (tuple, list, dict)) else None
        if aval is None or aval.shape != () or not is_float(aval.dtype):
            what = f"an array of shape {aval.shape}" if aval is not None and aval.shape != () else (
                f"dtype {aval.dtype}" if aval is not None else type(out).__name__)
            raise TypeError(f"grad requires a real scalar output, but the function returned {what}. Use "
                            "ad.jacrev / ad.jacfwd for vector outputs, ad.vjp for a cotangent of your choice, or "
                            "sum the output.")
        g = pullback(np.ones((), aval.dtype)[()])
        g = g[0] if single else g
        return ((out, res[2]), g) if has_aux else (out, g)

    return value_and_grad_f


def grad(fun, argnums=0, has_aux=False):
    """The gradient of a real scalar-valued function, as a function with the same arguments."""
    vg = value_and_grad(fun, argnums, has_aux)

    @functools.wraps(fun, updated=())
    def grad_simple(*args, **kwargs):
        if has_aux:
            (_, aux), g = vg(*args, **kwargs)
            return g, aux
        return vg(*args, **kwargs)[1]

    return grad_simple


def _std_basis(leaves):
    sizes = [get_aval(x).size for x in leaves]
    return sizes, int(sum(sizes))


def jacfwd(fun, argnums=0):
    """Jacobian by forward mode: one JVP per input element. Shape: out.shape + in.shape."""
    def jac_f(*args):
        single, nums = _argnums_tuple(argnums, len(args))
        diff = tuple(args[n] for n in nums)
        leaves, tree = tree_flatten(diff)
        _check_differentiable(leaves, "jacfwd argument")
        sizes, total = _std_basis(leaves)

        def f_of_diff(*d):
            full = list(args)
            for n, v in zip(nums, d):
                full[n] = v
            return fun(*full)

        columns = []
        for k in range(total):
            tangent_leaves, offset = [], 0
            for x, n in zip(leaves, sizes):
                t = np.zeros(n)
                if offset <= k < offset + n:
                    t[k - offset] = 1.0
                tangent_leaves.append(t.reshape(get_aval(x).shape))
                offset += n
            _, t_out = jvp(f_of_diff, diff, tree_unflatten(tree, tangent_leaves))
            columns.append(t_out)
        out_leaves0, out_tree = tree_flatten(columns[0]) if columns else ([], None)
        result = []
        for i in range(len(out_leaves0)):
            col = anp.stack([tree_flatten(c)[0][i] for c in columns], axis=-1)  # out.shape + (total,)
            oshape = get_aval(col).shape[:-1]
            parts, offset = [], 0
            for x, n in zip(leaves, sizes):
                part = col[..., offset:offset + n]
                parts.append(anp.reshape(part, oshape + get_aval(x).shape))
                offset += n
            result.append(tree_unflatten(tree, parts))
        res = [r[0] if single else r for r in result]
        return tree_unflatten(out_tree, res)

    return jac_f


def jacrev(fun, argnums=0):
    """Jacobian by reverse mode: one VJP per output element. Shape: out.shape + in.shape."""
    def jac_f(*args):
        single, nums = _argnums_tuple(argnums, len(args))
        diff = tuple(args[n] for n in nums)
        leaves, tree = tree_flatten(diff)
        _check_differentiable(leaves, "jacrev argument")

        def f_of_diff(*d):
            full = list(args)
            for n, v in zip(nums, d):
                full[n] = v
            return fun(*full)

        out, pullback = vjp(f_of_diff, *diff)
        out_leaves, out_tree = tree_flatten(out)
        results = []
        for i, o in enumerate(out_leaves):
            oaval = get_aval(o)
            rows = []
            for k in range(oaval.size):
                cts = []
                for j, o2 in enumerate(out_leaves):
                    a2 = get_aval(o2)
                    c = np.zeros(a2.size, a2.dtype if is_float(a2.dtype) else np.float64)
                    if j == i:
                        c[k] = 1.0
                    cts.append(c.reshape(a2.shape) if a2.shape else c[0])
                rows.append(tree_flatten(pullback(tree_unflatten(out_tree, cts)))[0])
            parts = []
            for m, x in enumerate(leaves):
                xs = get_aval(x).shape
                if rows:
                    stacked = anp.stack([r[m] for r in rows], axis=0)
                else:
                    stacked = np.zeros((0,) + xs)
                parts.append(anp.reshape(stacked, oaval.shape + xs))
            results.append(tree_unflatten(tree, parts))
        res = [r[0] if single else r for r in results]
        return tree_unflatten(out_tree, res)

    return jac_f


jacobian = jacrev


def hessian(fun, argnums=0):
    """Forward-over-reverse Hessian."""
    return jacfwd(jacrev(fun, argnums), argnums)


__all__ = ["vjp", "jvp", "grad", "value_and_grad", "jacfwd", "jacrev", "jacobian", "hessian"]
