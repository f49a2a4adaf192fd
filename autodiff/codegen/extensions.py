"""Compiled kernels that packages built on autodiff register for their own primitives' emitters.

Every generated module imports this module as ``ext``. A package that defines a primitive with a
Numba kernel (``ppl``'s forward algorithm, say) registers the kernel under a name when the
primitive's module is imported, and its emitter writes ``ext.<name>(...)``. autodiff itself never
imports those packages: the arrow points from them to here.
"""

__all__ = ["register_kernel"]


def register_kernel(name, kernel):
    """Make the compiled function ``kernel`` callable from generated code as ``ext.<name>``.

    Register when the primitive is defined (at import time), so the kernel exists before any
    generated module that calls it is compiled. Registering a second, different kernel under a
    name already taken is an error.
    """
    current = globals().get(name)
    if current is not None and current is not kernel:
        raise ValueError(f"a different kernel is already registered as ext.{name}")
    if not name.isidentifier() or name.startswith("_") or name in __all__:
        raise ValueError(f"kernel names must be public identifiers, got {name!r}")
    globals()[name] = kernel
    return kernel
