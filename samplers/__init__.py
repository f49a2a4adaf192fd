"""numbayes samplers: inference on any ppl.LogDensity. Numba-compiled NUTS and static HMC with Stan's
warmup; optimisers (L-BFGS, Adam, gradient descent) for MAP and maximum likelihood.

The output side (to_arviz, diagnostics, convergence) imports xarray, scipy.stats and arviz, which
take seconds: it loads on first use (and in the background while chains run), not with samplers.
"""
import importlib

from .api import hmc, nuts
from .calibration import SBCResult, sbc
from .optimize import ConvergenceWarning, OptimizeResult, optimize
from .raw import RawChains

_LAZY = ("to_arviz", "diagnostics", "convergence")



def __getattr__(name):
    if name in _LAZY:
        return importlib.import_module(f"{__name__}.{name}")
    if name == "SamplerWarning":
        return importlib.import_module(f"{__name__}.diagnostics").SamplerWarning
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["nuts", "hmc", "sbc", "SBCResult", "optimize", "OptimizeResult", "ConvergenceWarning", "RawChains", "SamplerWarning"]
