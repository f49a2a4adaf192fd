"""custom_jvp, custom_vjp and stop_gradient: user-defined derivatives and cut gradients.

Each is a primitive whose impl calls the user's Python function; under jit the call is simply
inlined (staging sees the function's own primitives), while the JVP and VJP traces use the
user's rule. The VJP of a custom_jvp function is the transpose of its (linear) tangent map,
obtained by running reverse mode through the user's JVP rule with respect to the tangents.
"""
import functools
import threading

import numpy as np

from .avals import get_aval, is_float
from .core import Elementwise, Primitive
from .jvp import jvp_flat
from .tree import tree_flatten, tree_unflatten
from .vjp import vjp_flat


def _zeros_like(x):
    a = get_aval(x)
    return np.zeros(a.shape, a.dtype) if a.shape else a.dtype.type(0)


# -- stop_gradient -------------------------------------------------------------------------------
stop_gradient_p = Primitive("stop_gradient")  # staged as an identity, so loop bodies keep it
stop_gradient_p.def_impl(lambda x: x)
stop_gradient_p.def_shape(lambda x: x)
stop_gradient_p.def_nograd()
stop_gradient_p.def_emit(Elementwise("{0}"))


def stop_gradient(x):
    """The value of x, treated as a constant by every derivative (pytrees allowed)."""
    leaves, tree = tree_flatten(x)
    return tree_unflatten(tree, [stop_gradient_p.bind(leaf) for leaf in leaves])


def _flat(fun, in_tree, box):
    """fun of pytrees -> function of flat leaves; appends the output structure to box."""
    def flat_fun(*flat):
        out_leaves, out_tree = tree_flatten(fun(*tree_unflatten(in_tree, flat)))
        box.append(out_tree)
        return out_leaves
    return flat_fun


class _CallCount(threading.local):
    calls = 0


_CALLS = _CallCount()


def inline_count():
    """How many custom_jvp/custom_vjp functions have run their plain `fun` in this thread. An
    eager loop that traces its body once compares it before and after: a body whose custom rule
    was inlined by staging keeps its Python loop under differentiation, where the rule applies."""
    return _CALLS.calls


# -- custom_jvp ------------------------------------------------------------------------------------
def _custom_jvp_impl(*args, fun, jvp, n_out):
    _CALLS.calls += 1
    return fun(*args)


def _custom_jvp_jvp(primals, tangents, fun, jvp, n_out):
    tangents = [t if t is not None else _zeros_like(p) for p, t in zip(primals, tangents)]
    outs, t_outs = jvp(primals, tangents)
    return outs, t_outs


def _custom_jvp_vjp(cts, ans, args, fun, jvp, n_out):
    float_idx = [i for i, a in enumerate(args) if is_float(get_aval(a).dtype)]
    zeros = [_zeros_like(args[i]) for i in float_idx]

    def tangent_map(*ts):
        full = [_zeros_like(a) for a in args]
        for i, t in zip(float_idx, ts):
            full[i] = t
        return jvp(list(args), full)[1]

    _, pullback = vjp_flat(tangent_map, zeros)
    cts = [c if c is not None else _zeros_like(a) for c, a in zip(cts, ans)]
    grads = pullback(cts)
    out = [None] * len(args)
    for i, g in zip(float_idx, grads):
        out[i] = g
    return out


custom_jvp_call_p = Primitive("custom_jvp_call", multiple_results=True)
custom_jvp_call_p.def_impl(_custom_jvp_impl)
custom_jvp_call_p.def_jvp_full(_custom_jvp_jvp)
custom_jvp_call_p.def_vjp_full(_custom_jvp_vjp)
custom_jvp_call_p.inline_when_staging = True


class custom_jvp:
    """A function with a user-defined JVP, as jax.custom_jvp:

        @ad.custom_jvp
        def f(x): ...
        @f.defjvp
        def f_jvp(primals, tangents): (x,), (t,) = primals, tangents; return f(x), t * ...
    """

    def __init__(self, fun, nondiff_argnums=()):
        if nondiff_argnums:
            raise NotImplementedError("nondiff_argnums: close over the value instead")
        self.fun = fun
        self.jvp_rule = None
        functools.update_wrapper(self, fun, updated=())

    def defjvp(self, jvp):
        self.jvp_rule = jvp
        return jvp

    def __call__(self, *args):
        if self.jvp_rule is None:
            raise AttributeError(f"custom_jvp function {self.fun.__name__} needs a rule: use @{self.fun.__name__}.defjvp")
        leaves, in_tree = tree_flatten(args)
        box = []
        flat_fun = _flat(self.fun, in_tree, box)

        def flat_jvp(primals, tangents):
            out, t_out = self.jvp_rule(tree_unflatten(in_tree, primals), tree_unflatten(in_tree, tangents))
            o_leaves, o_tree = tree_flatten(out)
            t_leaves, t_tree = tree_flatten(t_out)
            if o_tree != t_tree:
                raise TypeError(f"custom_jvp rule of {self.fun.__name__}: primal output {o_tree} and tangent "
                                f"output {t_tree} must have the same structure")
            box.append(o_tree)
            return o_leaves, t_leaves

        outs = custom_jvp_call_p.bind(*leaves, fun=flat_fun, jvp=flat_jvp, n_out=None)
        return tree_unflatten(box[-1], outs)


# -- custom_vjp ------------------------------------------------------------------------------------
def _custom_vjp_impl(*args, fun, fwd, bwd):
    _CALLS.calls += 1
    return fun(*args)


def _custom_vjp_vjp(cts, ans, args, fun, fwd, bwd):
    _, residuals = fwd(*args)
    cts = [c if c is not None else _zeros_like(a) for c, a in zip(cts, ans)]
    return bwd(residuals, cts)


def _custom_vjp_jvp(primals, tangents, fun, fwd, bwd):
    outs, t_outs = jvp_flat(fun, list(primals), list(tangents))
    return outs, t_outs


custom_vjp_call_p = Primitive("custom_vjp_call", multiple_results=True)
custom_vjp_call_p.def_impl(_custom_vjp_impl)
custom_vjp_call_p.def_vjp_full(_custom_vjp_vjp)
custom_vjp_call_p.def_jvp_full(_custom_vjp_jvp)
custom_vjp_call_p.inline_when_staging = True


class custom_vjp:
    """A function with a user-defined VJP, as jax.custom_vjp:

        @ad.custom_vjp
        def f(x): ...
        def f_fwd(x): return f(x), residuals
        def f_bwd(residuals, ct): return (ct_x,)      # one cotangent per argument
        f.defvjp(f_fwd, f_bwd)

    Forward mode differentiates `f` itself.
    """

    def __init__(self, fun, nondiff_argnums=()):
        if nondiff_argnums:
            raise NotImplementedError("nondiff_argnums: close over the value instead")
        self.fun = fun
        self.fwd = self.bwd = None
        functools.update_wrapper(self, fun, updated=())

    def defvjp(self, fwd, bwd):
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args):
        if self.fwd is None:
            raise AttributeError(f"custom_vjp function {self.fun.__name__} needs rules: use .defvjp(fwd, bwd)")
        leaves, in_tree = tree_flatten(args)
        box = []
        flat_fun = _flat(self.fun, in_tree, box)

        def flat_fwd(*flat):
            out, res = self.fwd(*tree_unflatten(in_tree, flat))
            return tree_flatten(out)[0], res

        def flat_bwd(res, cts):
            ct_args = self.bwd(res, tree_unflatten(box[-1], cts))
            if not isinstance(ct_args, tuple) or len(ct_args) != len(args):
                raise TypeError(f"custom_vjp bwd of {self.fun.__name__} must return a tuple with one cotangent per "
                                f"argument ({len(args)}), got {type(ct_args).__name__}")
            flat_cts = []
            for ct, a in zip(ct_args, args):
                a_leaves = tree_flatten(a)[0]
                flat_cts.extend(tree_flatten(ct)[0] if ct is not None else [None] * len(a_leaves))
            return flat_cts

        outs = custom_vjp_call_p.bind(*leaves, fun=flat_fun, fwd=flat_fwd, bwd=flat_bwd)
        return tree_unflatten(box[-1], outs)


__all__ = ["custom_jvp", "custom_vjp", "stop_gradient"]
