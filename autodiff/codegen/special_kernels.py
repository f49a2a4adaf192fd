"""Every scalar special-function kernel under one name, loaded family by family when first asked for.

Generated code imports this module as ``sk`` and calls ``sk.gammaln(x)``, ``sk.ndtr(x)``, ...;
tests and users may do the same, or ``from autodiff.codegen.special_kernels import gammaln``. The
kernels themselves live in one module per family (the table below); each is an eagerly compiled,
disk-cached Numba kernel (``cephes.kernel``), and loading a family's machine code from the cache
takes tens of milliseconds, so a family is imported at the first access to one of its names, not
with autodiff: a model without special functions never loads one, and generated code whose machine
code is cached does not need them (a caller's cached code holds its callees' code).

A first access often comes from inside Numba, while it types generated code compiled with
fastmath; the kernels still compile with their own flags (``cephes.kernel`` sets the caller's
aside), exactly as at a top-level import.
"""
import importlib

from numba.core.compiler_lock import global_compiler_lock

# family module (in this package) -> the kernels it holds, in the order of __all__
FAMILIES = {
    "special_kernels_gamma": ("gammaln", "digamma", "trigamma", "polygamma", "zeta_hurwitz", "betaln"),
    "special_kernels_normal": ("erf", "erfc", "erfinv", "erfcinv", "ndtr", "log_ndtr", "ndtri", "owens_t"),
    "special_kernels_bessel": ("i0", "i0e", "i1", "i1e", "iv", "ive", "kv", "k0", "k1", "jv"),
    "special_kernels_incomplete": ("gammainc", "gammaincc", "betainc", "stdtr"),
    "special_kernels_elementary": ("expit", "logit", "log_expit", "softplus", "log1mexp", "logaddexp", "xlogy",
                                   "xlog1py", "sign"),
    "special_kernels_exp": ("erfcx", "exp1", "expi", "expn", "lambertw0", "zeta_riemann"),
    "special_kernels_inverse": ("gammaincinv", "betaincinv"),
    "special_kernels_hypergeometric": ("hyp1f1", "hyp2f1"),
    "special_kernels_incomplete_grad": ("gammainc_da", "betainc_da", "betainc_db"),
}
_FAMILY_OF = {name: family for family, names in FAMILIES.items() for name in names}

__all__ = [name for names in FAMILIES.values() for name in names]


def load_family(family):
    """Import one family module (a key of FAMILIES) and return it.

    Numba's compiler lock is taken before the module's import lock: importing a family compiles its
    kernels (the compiler lock inside the import lock), while a thread compiling generated code
    reaches a family holding the compiler lock; taking both in one order cannot deadlock.
    """
    with global_compiler_lock:
        return importlib.import_module(f"{__package__}.{family}")


def __getattr__(name):
    family = _FAMILY_OF.get(name)
    if family is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    kernel = getattr(load_family(family), name)
    globals()[name] = kernel  # later accesses skip this function
    return kernel


def __dir__():
    return sorted(set(globals()) | set(__all__))


def _deferred_ufunc(name, family):
    """The family's NumPy ufunc `name`, as a function that loads the family at its first call
    (the primitives keep these as eager implementations from import time on)."""
    def ufunc(*args, **kwargs):
        return getattr(load_family(family), name)(*args, **kwargs)

    ufunc.__name__ = ufunc.__qualname__ = name
    ufunc.__doc__ = f"Elementwise {name[:-len('_ufunc')]} over arrays (a Numba ufunc, built at its first call)."
    return ufunc


gammainc_da_ufunc = _deferred_ufunc("gammainc_da_ufunc", "special_kernels_incomplete_grad")
betainc_da_ufunc = _deferred_ufunc("betainc_da_ufunc", "special_kernels_incomplete_grad")
betainc_db_ufunc = _deferred_ufunc("betainc_db_ufunc", "special_kernels_incomplete_grad")
