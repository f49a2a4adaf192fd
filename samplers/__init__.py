"""numbayes samplers: Numba-compiled NUTS and static HMC with Stan's warmup, over any ppl.LogDensity."""
from .api import hmc, nuts
from .raw import RawChains

__all__ = ["nuts", "hmc", "RawChains"]
