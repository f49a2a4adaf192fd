"""Errors with messages that say what went wrong and what to do instead."""


class ConcretizationError(TypeError):
    """A traced value was used where a concrete Python value is needed (under jit)."""

    def __init__(self, what, aval=None):
        shape = f" (an abstract {aval})" if aval is not None else ""
        super().__init__(
            f"{what}: this value is traced by ad.jit{shape}, so its value is unknown while the "
            "function is compiled. Python control flow on traced values is not possible under jit: "
            "use ad.cond(pred, true_fn, false_fn, *operands) instead of `if`, ad.where for "
            "elementwise choices, ad.scan(step, init, xs) for loops over arrays, or "
            "ad.while_loop(cond_fn, body_fn, init) for loops with a data-dependent end; or mark the "
            "argument static with ad.jit(f, static_argnums=...).")


class DerivativeDroppedError(TypeError):
    """A differentiated value was turned into a Python number, which would silently drop its derivative."""

    def __init__(self, what):
        super().__init__(
            f"{what}: the value is being differentiated (under grad/jvp/vjp), and a Python float "
            "carries no derivative, so the result would silently be wrong. Use autodiff.numpy "
            "functions (anp.exp instead of math.exp, anp.asarray instead of float/.item/.tolist), "
            "or ad.stop_gradient(x) if the value is meant as a constant.")


class NumpyOnTracerError(TypeError):
    """Plain numpy was applied to a traced value, which would silently drop its derivative."""

    def __init__(self, what):
        super().__init__(
            f"{what} was called on a traced value. Use autodiff.numpy (import autodiff.numpy as anp) "
            "inside functions you differentiate or jit; plain numpy would drop the derivative.")


class EscapedTracerError(RuntimeError):
    def __init__(self):
        super().__init__(
            "a traced value escaped the transform that created it (for example stored in a global or "
            "returned through a side channel). Return values from the function instead.")
