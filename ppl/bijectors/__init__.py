"""Bijectors from unconstrained reals onto constraint supports, and biject_to, the default per constraint."""
from .base import Bijector, Chain, Independent
from .cholesky_factor import CholeskyFactorCov
from .matrix import CholeskyCorr, CholeskyCov, CorrMatrix, CovMatrix, StochasticMatrix
from .registry import ConstraintRegistry, biject_to
from .stochastic import ColumnStochasticMatrix
from .sum_to_zero import SumToZeroMatrix
from .scalar import Affine, Exp, Identity, Interval, LowerBound, Sigmoid, Softplus, UpperBound
from .vector import Ordered, PositiveOrdered, Simplex, SumToZero, UnitVector

__all__ = [
    "Affine",
    "Bijector",
    "Chain",
    "CholeskyCorr",
    "CholeskyCov",
    "CholeskyFactorCov",
    "ColumnStochasticMatrix",
    "ConstraintRegistry",
    "CorrMatrix",
    "CovMatrix",
    "Exp",
    "Identity",
    "Independent",
    "Interval",
    "LowerBound",
    "Ordered",
    "PositiveOrdered",
    "Sigmoid",
    "Simplex",
    "Softplus",
    "StochasticMatrix",
    "SumToZero",
    "SumToZeroMatrix",
    "UnitVector",
    "UpperBound",
    "biject_to",
]
