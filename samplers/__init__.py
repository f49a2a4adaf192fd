"""numbayes samplers: inference on a log density (optimisers here; NUTS/HMC arrive separately)."""
from .optimize import ConvergenceWarning, OptimizeResult, optimize

__all__ = ["optimize", "OptimizeResult", "ConvergenceWarning"]
