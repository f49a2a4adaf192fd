"""What every ppl primitive backed by compiled kernels shares: its eager inputs, its generated call
and the derivative rules of a primitive whose kernels compute a composite function.

Such a primitive (the batched MVN density, the CholeskyCorr and stick-breaking bijectors) runs one
registered kernel (``autodiff.codegen.extensions``) in place of many array operations; its own
derivatives are kernels too, and the derivatives of those come from differentiating the composite
form they replace, so every order stays exact while first order stays fast.
"""
import numpy as np

import autodiff as ad
import autodiff.numpy as anp
from autodiff.codegen.code_text import shape_code

__all__ = ["kernel_input", "emit_kernel_call", "differentiate_through"]


def kernel_input(a):
    """``a`` as a C-contiguous, writeable float64 array: the one type the kernels are compiled for."""
    a = np.ascontiguousarray(a, dtype=np.float64)
    return a if a.flags.writeable else a.copy()


def emit_kernel_call(kernel, ctx, eqn):
    """Generated code for ``eqn``: allocate its outputs, then ``ext.<kernel>(inputs..., outputs...)``
    with C-contiguous inputs (the kernels' one signature)."""
    outs = [ctx.name(o) for o in eqn.outvars]
    for o, name in zip(eqn.outvars, outs):
        ctx.line(f"{name} = np.empty({shape_code(o.aval.shape)}, np.float64)")
    args = ", ".join([f"np.ascontiguousarray({ctx.name(x)})" for x in eqn.inputs] + outs)
    ctx.line(f"ext.{kernel}({args})")


def differentiate_through(primitive, composite):
    """Give ``primitive``, whose kernels compute ``composite(*args)``, JVP and VJP rules that
    differentiate ``composite`` (missing tangents and cotangents are zeros)."""
    def jvp(primals, tangents):
        tangents = [t if t is not None else anp.zeros(p.shape) for p, t in zip(primals, tangents)]
        _, tangent = ad.jvp(composite, tuple(primals), tuple(tangents))
        return primitive.bind(*primals), (list(tangent) if primitive.multiple_results else tangent)

    def vjp(ct, ans, args):
        if primitive.multiple_results:
            ct = [c if c is not None else anp.zeros(a.shape) for c, a in zip(ct, ans)]
        _, pullback = ad.vjp(composite, *args)
        return list(pullback(ct))

    primitive.def_jvp_full(jvp)
    primitive.def_vjp_full(vjp)
