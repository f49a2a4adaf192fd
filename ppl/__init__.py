"""ppl: the model DSL. A model is a Python function with `ppl.sample` statements; `ppl.log_density`
compiles it to one log density (and gradient) over a flat vector in unconstrained space."""
from . import bijectors, distributions, handlers, reparam  # noqa: F401
from .effects import deterministic, factor, sample
from .log_density import LPG_SIGNATURE, LPG_TYPE, LogDensity, log_density
from .plate import plate
from .predictive import posterior_predictive, prior_predictive

__all__ = ["sample", "deterministic", "factor", "plate", "log_density", "LogDensity", "prior_predictive",
           "posterior_predictive", "LPG_SIGNATURE", "LPG_TYPE", "distributions", "bijectors", "handlers",
           "reparam"]
