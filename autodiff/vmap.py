"""vmap: map a function over an axis of its arguments, as jax.vmap.

Under jit the batch is a compiled loop: vmap is a scan with no carry over the mapped axis, so it
composes with grad (scan's VJP), jit (a Numba loop, which is as fast as a batched kernel for the
small per-example functions vmap is used for) and scan. Without jit the function runs once on the
whole batch through batching rules (autodiff/batching.py), as jax.vmap does; a function that
cannot run that way (a Python branch on a value, say) runs as the scan, its body traced once.
"""
import functools
import logging

import numpy as np

from . import numpy as anp
from .avals import get_aval
from .batching import BatchTrace, BatchTracer
from .control_flow import scan
from .core import new_main, staging_active
from .tree import tree_flatten, tree_unflatten

logger = logging.getLogger(__name__)


def _axes_for(spec, tree, where, kind="in_axes", of="argument"):
    """One axis (or None) per leaf of `tree`, reading `spec` as a prefix of its structure (jax.vmap rule)."""
    if spec is None or isinstance(spec, int):
        return [spec] * len(tree_flatten(tree)[0])
    if isinstance(spec, dict) and isinstance(tree, dict):
        if set(spec) != set(tree):
            raise ValueError(f"vmap {kind} {where} has keys {sorted(spec)} but the {of} has {sorted(tree)}")
        return [a for k in sorted(tree) for a in _axes_for(spec[k], tree[k], f"{where}[{k!r}]", kind, of)]
    if isinstance(spec, (list, tuple)) and isinstance(tree, (list, tuple)) and len(spec) == len(tree):
        return [a for i, (s, t) in enumerate(zip(spec, tree)) for a in _axes_for(s, t, f"{where}[{i}]", kind, of)]
    raise ValueError(f"vmap {kind} {where}={spec!r} does not match the structure of its {of}")


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
        if not staging_active():
            try:
                y_leaves, y_tree, y_dims = _run_batched(fun, leaves, tree, axes, n)
            except Exception as e:  # noqa: BLE001 - the loop below reports any genuine error itself
                logger.debug("vmap: %s could not run on the whole batch (%s: %s); mapping it as a loop",
                             getattr(fun, "__name__", fun), type(e).__name__, e)
            else:
                return tree_unflatten(y_tree, _place_outputs(y_leaves, y_tree, y_dims, out_axes, n))
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
        return tree_unflatten(y_tree, _place_outputs(y_leaves, y_tree, [0] * len(y_leaves), out_axes, n))

    return batched


def _run_batched(fun, leaves, tree, axes, n):
    """fun on BatchTracers holding the whole batch: (output leaves, their tree, their batch axes)."""
    with new_main(BatchTrace, n) as main:
        trace = BatchTrace(main)
        args = [x if ax is None else BatchTracer(trace, x, ax % len(get_aval(x).shape))
                for x, ax in zip(leaves, axes)]
        out_leaves, out_tree = tree_flatten(fun(*tree_unflatten(tree, args)))
        vals, dims = [], []
        for o in out_leaves:
            if isinstance(o, BatchTracer) and o._trace.main is main:
                vals.append(o.val), dims.append(o.bdim)
            else:
                vals.append(o), dims.append(None)
    return vals, out_tree, dims


def _place_outputs(y_leaves, y_tree, y_dims, out_axes, n):
    """Each output with its batch moved to its out_axes entry (broadcast if it does not depend on the
    batch); an out_axes of None keeps the first example's value."""
    o_axes = _axes_for(tuple(out_axes) if isinstance(out_axes, list) else out_axes,
                       tree_unflatten(y_tree, y_leaves), "", "out_axes", "output")
    outs = []
    for y, d, ax in zip(y_leaves, y_dims, o_axes):
        if ax is None:
            out = y if d is None else anp.take(y, 0, axis=d)
        elif d is None:
            out = anp.moveaxis(anp.broadcast_to(y, (n,) + tuple(get_aval(y).shape)), 0, ax)
        else:
            out = anp.moveaxis(y, d, ax) if d != ax % (len(get_aval(y).shape)) else y
        if isinstance(out, np.ndarray) and not out.flags.writeable:
            out = np.array(out)  # a broadcast view: give the caller an array of its own, as the loop did
        outs.append(out)
    return outs


__all__ = ["vmap", "np"]
