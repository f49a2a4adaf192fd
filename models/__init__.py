"""numbayes models: ready-made models as thin classes over ppl model functions (fit by optimisation, or NUTS)."""
from .base import DataError, FitResult, NotFittedError
from .gmm import GaussianMixture
from .hmm import ARGaussianHMM, GaussianHMM
from .regression import HierarchicalRegression, LinearRegression, LogisticRegression

__all__ = ["GaussianMixture", "GaussianHMM", "ARGaussianHMM", "LinearRegression", "LogisticRegression",
           "HierarchicalRegression", "FitResult", "DataError", "NotFittedError"]
