"""vmap: map a function over an axis of its arguments, as jax.vmap.

The batch is a compiled loop: vmap is a scan with no carry over the mapped axis, so it composes
with grad (scan's VJP), jit (a Numba loop, which is as fast as a batched kernel for the small
per-example functions vmap is used for) and scan. Without jit the loop runs in Python.
"""
import functools

import numpy as np

from . import numpy as anp
from .avals import get_aval
from .control_flow import scan
from .tree import tree_flatten, tree_unflatten


def _axes_for(spec, tree, where):
    """One axis (or None) per leaf of `tree`, reading `spec` as a prefix of its structure (jax.vmap rule)."""
    if spec is None or isinstance(spec, int):
        return [spec] * len(tree_flatten(tree)[0])
    if isinstance(spec, dict) and isinstance(tree, dict):
        if set(spec) != set(tree):
            raise ValueError(f"vmap in_axes {where} has keys {sorted(spec)} but the argument has {sorted(tree)}")
        return [a for k in sorted(tree) for a in _axes_for(spec[k], tree[k], f"{where}[{k!r}]")]
    if isinstance(spec, (list, tuple)) and isinstance(tree, (list, tuple)) and len(spec) == len(tree):
        return [a for i, (s, t) in enumerate(zip(spec, tree)) for a in _axes_for(s, t, f"{where}[{i}]")]
    raise ValueError(f"vmap in_axes {where}={spec!r} does not match the structure of its argument")


def _broadcast_axes(in_axes, args):
    """One axis (or None) per leaf of args, following jax.vmap's in_axes prefix rule."""
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)
    if in_axes is None or isinstance(in_axes, int):
        return _axes_for(in_axes, args, "")
    if not isinstance(in_axes, tuple) or len(in_axes) != len(args):
        raise ValueError(f"vmap in_axes must be an int, None or a tuple with one entry per argument "
                         f"({len(args)}), got {in_axes!r}")
    return _axes_for(in_axes, args, "")


def vmap(fun, in_axes=0, out_axes=0, axis_size=None):
    """Vectorise fun over axis `in_axes` of its arguments; outputs stack the results on `out_axes`."""

    @functools.wraps(fun, updated=())
    def batched(*args):
        leaves, tree = tree_flatten(args)
        axes = _broadcast_axes(in_axes, args)
        sizes = {get_aval(x).shape[ax] for x, ax in zip(leaves, axes) if ax is not None}
        if axis_size is not None:
            sizes.add(axis_size)
        if len(sizes) != 1:
            raise ValueError(f"vmap got inconsistent sizes for the mapped axes: {sorted(sizes)}" if sizes else
                             "vmap needs at least one mapped argument (or axis_size)")
        n = sizes.pop()
        mapped = [anp.moveaxis(x, ax, 0) for x, ax in zip(leaves, axes) if ax is not None]

        def body(carry, xs):
            it = iter(xs)
            full = [next(it) if ax is not None else x for x, ax in zip(leaves, axes)]
            return carry, fun(*tree_unflatten(tree, full))

        if mapped:
            _, ys = scan(body, (), mapped)
        else:
            _, ys = scan(lambda c, _: body(c, []), (), None, length=n)
        y_leaves, y_tree = tree_flatten(ys)
        o_axes = [out_axes] * len(y_leaves) if isinstance(out_axes, int) or out_axes is None else tree_flatten(out_axes)[0]
        outs = []
        for y, ax in zip(y_leaves, o_axes):
            if ax is None:
                outs.append(y[0])
            else:
                outs.append(anp.moveaxis(y, 0, ax) if ax != 0 else y)
        return tree_unflatten(y_tree, outs)

    return batched


__all__ = ["vmap", "np"]
