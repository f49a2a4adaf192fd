"""Code generation: a Graph becomes the source of one @njit function, compiled and cached by Numba.

Generated modules import the helper modules ``runtime_linalg`` (as ``rl``) and ``runtime_indexing``
(as ``ri``) in their header. Importing them creates some 60 cached Numba dispatchers (~7 ms), which a
generated module whose machine code comes from the cache never calls (a cached caller holds its
callees' code): a fresh process fitting a stored model spent that on every fit. So they are deferred:
``import`` gives the module object at once, and its code runs at the first access to a name it does
not have yet (Numba typing generated code that calls ``rl.cholesky``, a test importing a helper).
"""
import importlib.util
import sys
import types

from numba.core.compiler_lock import global_compiler_lock

__all__ = ["DEFERRED"]

DEFERRED = ("runtime_linalg", "runtime_indexing")


class _DeferredModule(types.ModuleType):
    """A module whose code has not run yet: it runs at the first access to a missing attribute."""

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):  # import machinery probing (__path__, ...)
            raise AttributeError(name)
        # Numba's compiler lock before the import: the module's code compiles its eager kernels (the
        # compiler lock inside), and a thread typing generated code reaches here holding that lock.
        with global_compiler_lock:
            if type(self) is _DeferredModule:
                if self.__dict__.get("_deferred_running"):  # its own code, still running, asks for it
                    raise AttributeError(f"module {self.__name__!r} has no attribute {name!r} (yet)")
                self._deferred_running = True
                try:
                    self.__spec__.loader.exec_module(self)
                    self.__class__ = types.ModuleType
                finally:
                    del self._deferred_running
        return getattr(self, name)  # a plain module now


def _defer(name):
    """Put module `name` of this package in sys.modules with its code not run yet."""
    full = f"{__name__}.{name}"
    if full in sys.modules:
        return
    module = importlib.util.module_from_spec(importlib.util.find_spec(full))
    module.__class__ = _DeferredModule
    sys.modules[full] = module
    globals()[name] = module


for _name in DEFERRED:
    _defer(_name)
