"""Probability distributions with NumPyro's design and names, and log densities that can be traced.

Families live in one module each: ``real``, ``positive``, ``unit``,
``discrete``, ``categorical``, ``multivariate``, ``matrix``, ``improper``,
``mixture``, ``ordinal``, ``random_walk``, ``elliptical``, ``conjugate``,
``zero_inflated``, ``delta``, ``skewed``, ``uniforms``, ``wishart_cholesky``,
``car``; the wrappers ``transformed`` and ``truncated``; ``coverage`` lists
which classes define ``cdf``, ``icdf``, ``mean`` and ``variance`` (for the docs);
``base`` holds ``Distribution`` and ``ExpandedDistribution``,
``independent`` holds ``Independent``, ``constraints`` the supports.
Hidden Markov model distributions belong in ``hmm.py`` (a separate task);
re-export them here when it lands.
"""

from ppl.distributions import constraints
from ppl.distributions.base import Distribution, ExpandedDistribution
from ppl.distributions.car import CAR
from ppl.distributions.categorical import (
    Categorical,
    CategoricalLogits,
    CategoricalProbs,
    Multinomial,
    MultinomialLogits,
    MultinomialProbs,
)
from ppl.distributions.discrete import (
    Bernoulli,
    BernoulliLogits,
    BernoulliProbs,
    Binomial,
    BinomialLogits,
    BinomialProbs,
    Geometric,
    GeometricLogits,
    GeometricProbs,
    Poisson,
)
from ppl.distributions.negative_binomial import (
    NegativeBinomial,
    NegativeBinomial2,
    NegativeBinomialLogits,
    NegativeBinomialProbs,
)
from ppl.distributions.masked import MaskedDistribution
from ppl.distributions.conjugate import BetaBinomial, DirichletMultinomial, GammaPoisson
from ppl.distributions.delta import Delta
from ppl.distributions.elliptical import LowRankMultivariateNormal, MultivariateStudentT
from ppl.distributions.hmm import DiscreteHMM, GaussianHMM, MarginalHMM, forward_log_marginal
from ppl.distributions.improper import Flat, HalfFlat, ImproperUniform
from ppl.distributions.independent import Independent
from ppl.distributions.matrix import LKJ, InverseWishart, LKJCholesky, Wishart
from ppl.distributions.mixture import Mixture, MixtureGeneral, MixtureSameFamily
from ppl.distributions.multivariate import Dirichlet, MultivariateNormal
from ppl.distributions.ordinal import OrderedLogistic, OrderedProbit
from ppl.distributions.positive import (
    Chi2,
    Exponential,
    Gamma,
    HalfCauchy,
    HalfNormal,
    HalfStudentT,
    InverseGamma,
    LogNormal,
    Pareto,
    Weibull,
)
from ppl.distributions.real import Cauchy, Laplace, Logistic, Normal, StudentT, TruncatedNormal, VonMises
from ppl.distributions.random_walk import GaussianRandomWalk
from ppl.distributions.skewed import AsymmetricLaplace, Gumbel, SkewNormal
from ppl.distributions.transformed import TransformedDistribution
from ppl.distributions.truncated import (
    LeftTruncatedDistribution,
    RightTruncatedDistribution,
    TruncatedCauchy,
    TruncatedDistribution,
    TwoSidedTruncatedDistribution,
)
from ppl.distributions.uniforms import DiscreteUniform, LogUniform
from ppl.distributions.unit import Beta, Kumaraswamy, Uniform
from ppl.distributions.wishart_cholesky import WishartCholesky
from ppl.distributions.zero_inflated import (
    ZeroInflatedDistribution,
    ZeroInflatedLogits,
    ZeroInflatedNegativeBinomial2,
    ZeroInflatedPoisson,
    ZeroInflatedProbs,
)

__all__ = [
    "BetaBinomial",
    "Chi2",
    "Gumbel",
    "Kumaraswamy",
    "Pareto",
    "ZeroInflatedPoisson",
    "DiscreteHMM",
    "GaussianHMM",
    "MarginalHMM",
    "forward_log_marginal",
    "Bernoulli",
    "BernoulliLogits",
    "BernoulliProbs",
    "Beta",
    "Binomial",
    "BinomialLogits",
    "BinomialProbs",
    "Categorical",
    "CategoricalLogits",
    "CategoricalProbs",
    "Cauchy",
    "Dirichlet",
    "Distribution",
    "ExpandedDistribution",
    "Exponential",
    "Flat",
    "Gamma",
    "Geometric",
    "GeometricLogits",
    "GeometricProbs",
    "HalfCauchy",
    "HalfFlat",
    "HalfNormal",
    "HalfStudentT",
    "ImproperUniform",
    "Independent",
    "InverseGamma",
    "InverseWishart",
    "LKJ",
    "LKJCholesky",
    "Laplace",
    "LogNormal",
    "Logistic",
    "Mixture",
    "MixtureGeneral",
    "MixtureSameFamily",
    "Multinomial",
    "MultinomialLogits",
    "MultinomialProbs",
    "MultivariateNormal",
    "NegativeBinomial",
    "NegativeBinomial2",
    "NegativeBinomialLogits",
    "NegativeBinomialProbs",
    "MaskedDistribution",
    "Normal",
    "Poisson",
    "StudentT",
    "TruncatedNormal",
    "Uniform",
    "VonMises",
    "Weibull",
    "Wishart",
    "constraints",
    # ordinal, random walk, elliptical, compound counts, zero inflation, point mass, skewed, uniform variants
    "AsymmetricLaplace",
    "CAR",
    "Delta",
    "DirichletMultinomial",
    "DiscreteUniform",
    "GammaPoisson",
    "GaussianRandomWalk",
    "LogUniform",
    "LowRankMultivariateNormal",
    "MultivariateStudentT",
    "OrderedLogistic",
    "OrderedProbit",
    "SkewNormal",
    "TransformedDistribution",
    "TruncatedDistribution",
    "LeftTruncatedDistribution",
    "RightTruncatedDistribution",
    "TwoSidedTruncatedDistribution",
    "TruncatedCauchy",
    "WishartCholesky",
    "ZeroInflatedDistribution",
    "ZeroInflatedLogits",
    "ZeroInflatedNegativeBinomial2",
    "ZeroInflatedProbs",
]
