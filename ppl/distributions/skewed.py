"""Skewed families on the real line: SkewNormal, AsymmetricLaplace and Gumbel."""

import math

import numpy as np

import autodiff.numpy as anp
from autodiff.scipy import special
from autodiff.scipy.stats import skewnorm
from ppl.distributions import constraints
from ppl.distributions.base import Distribution, as_generator, as_param, broadcast_shape, concrete

__all__ = ["AsymmetricLaplace", "Gumbel", "SkewNormal"]

_LOG_2 = math.log(2.0)
_EULER = 0.5772156649015329


_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


class SkewNormal(Distribution):
    r"""Azzalini's skew normal with ``loc`` :math:`\xi`, ``scale`` :math:`\omega` and ``skewness`` :math:`\alpha`.

    .. math::

        \log p(x) = \log 2 - \log\omega + \log\phi(z) + \log\Phi(\alpha z), \qquad z = (x - \xi)/\omega

    NumPyro has no skew normal; the argument names are TensorFlow Probability's
    (scipy's ``skewnorm(a=skewness, loc, scale)``; PyMC's ``mu, sigma, alpha``).
    ``skewness = 0`` is ``Normal(loc, scale)``. With
    :math:`\delta = \alpha/\sqrt{1 + \alpha^2}`: mean :math:`\xi + \omega\delta\sqrt{2/\pi}`,
    variance :math:`\omega^2(1 - 2\delta^2/\pi)`.
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive, "skewness": constraints.real}
    support = constraints.real
    reparametrized_params = ["loc", "scale", "skewness"]

    def __init__(self, loc=0.0, scale=1.0, skewness=0.0, *, validate_args=True):
        self.loc, self.scale, self.skewness = as_param(loc), as_param(scale), as_param(skewness)
        super().__init__(broadcast_shape(self.loc, self.scale, self.skewness), validate_args=validate_args)

    def log_prob(self, value):
        z = (value - self.loc) / self.scale
        return _LOG_2 - anp.log(self.scale) - 0.5 * anp.square(z) - _HALF_LOG_2PI + special.log_ndtr(self.skewness * z)

    def cdf(self, value):
        """``autodiff.scipy.stats.skewnorm.cdf``: Phi(z) - 2 T(z, skewness) with Owen's T, by quadrature in the
        steep tail where that cancels; differentiable in every argument."""
        return skewnorm.cdf(value, self.skewness, self.loc, self.scale)

    def icdf(self, q):
        """``autodiff.scipy.stats.skewnorm.ppf``: the CDF inverted by Newton's method, differentiable in ``q`` and
        every parameter (implicit function theorem), eagerly and under ``jit``."""
        return skewnorm.ppf(q, self.skewness, self.loc, self.scale)

    def sample(self, rng, sample_shape=()):
        # Azzalini's representation: delta |u0| + sqrt(1 - delta^2) u1
        rng = as_generator(rng)
        shape = self.shape(sample_shape)
        a = concrete(self.skewness)
        delta = a / np.sqrt(1 + a * a)
        z = delta * np.abs(rng.standard_normal(shape)) + np.sqrt(1 - delta * delta) * rng.standard_normal(shape)
        return concrete(self.loc) + concrete(self.scale) * z

    def _delta(self):
        return self.skewness / anp.sqrt(1 + anp.square(self.skewness))

    @property
    def mean(self):
        return anp.broadcast_to(self.loc + self.scale * self._delta() * math.sqrt(2 / math.pi), self.batch_shape)

    @property
    def variance(self):
        var = anp.square(self.scale) * (1 - 2 * anp.square(self._delta()) / math.pi)
        return anp.broadcast_to(var, self.batch_shape)


class AsymmetricLaplace(Distribution):
    r"""Laplace with different exponential scales left and right of ``loc`` (NumPyro's ``loc, scale, asymmetry``).

    With left scale :math:`l = \text{scale}\cdot\kappa` and right scale
    :math:`r = \text{scale}/\kappa` (:math:`\kappa` = ``asymmetry``):

    .. math::

        \log p(x) = -\log(l + r) - \frac{|x - \mu|}{l \text{ if } x < \mu \text{ else } r}

    (scipy's ``laplace_asymmetric(kappa, loc, scale)``). Mean :math:`\mu + r - l`,
    variance :math:`l^2 + r^2`.
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive, "asymmetry": constraints.positive}
    support = constraints.real
    reparametrized_params = ["loc", "scale", "asymmetry"]

    def __init__(self, loc=0.0, scale=1.0, asymmetry=1.0, *, validate_args=True):
        self.loc, self.scale, self.asymmetry = as_param(loc), as_param(scale), as_param(asymmetry)
        super().__init__(broadcast_shape(self.loc, self.scale, self.asymmetry), validate_args=validate_args)

    @property
    def left_scale(self):
        return self.scale * self.asymmetry

    @property
    def right_scale(self):
        return self.scale / self.asymmetry

    def log_prob(self, value):
        left, right = self.left_scale, self.right_scale
        z = value - self.loc
        return -anp.abs(z) / anp.where(z < 0, left, right) - anp.log(left + right)

    def sample(self, rng, sample_shape=()):
        # a left exponential with probability l / (l + r), else a right one
        rng = as_generator(rng)
        shape = self.shape(sample_shape)
        left, right = concrete(self.left_scale), concrete(self.right_scale)
        e = rng.standard_exponential(shape)
        go_left = rng.uniform(size=shape) < left / (left + right)
        return concrete(self.loc) + np.where(go_left, -left * e, right * e)

    def cdf(self, value):
        z = value - self.loc
        k2 = anp.square(self.asymmetry)
        below = k2 / (1 + k2) * anp.exp(-anp.abs(z) / self.left_scale)
        above = 1 - anp.exp(-anp.abs(z) / self.right_scale) / (1 + k2)
        return anp.where(z >= 0, above, below)

    def icdf(self, q):
        k2 = anp.square(self.asymmetry)
        split = k2 / (1 + k2)
        below = self.loc + self.left_scale * anp.log(anp.minimum(q, split) / split)
        above = self.loc - self.right_scale * anp.log((1 + k2) * (1 - anp.maximum(q, split)))
        return anp.where(q <= split, below, above)

    @property
    def mean(self):
        return anp.broadcast_to(self.loc + self.right_scale - self.left_scale, self.batch_shape)

    @property
    def variance(self):
        return anp.broadcast_to(anp.square(self.left_scale) + anp.square(self.right_scale), self.batch_shape)


class Gumbel(Distribution):
    r"""Gumbel (maximum) distribution with ``loc`` :math:`\mu` and ``scale`` :math:`\beta`.

    .. math::

        \log p(x) = -\log\beta - z - e^{-z}, \qquad z = (x - \mu)/\beta
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    reparametrized_params = ["loc", "scale"]

    def __init__(self, loc=0.0, scale=1.0, *, validate_args=True):
        self.loc, self.scale = as_param(loc), as_param(scale)
        super().__init__(broadcast_shape(self.loc, self.scale), validate_args=validate_args)

    def log_prob(self, value):
        z = (value - self.loc) / self.scale
        return -anp.log(self.scale) - z - anp.exp(-z)

    def sample(self, rng, sample_shape=()):
        return concrete(self.loc) + concrete(self.scale) * as_generator(rng).gumbel(size=self.shape(sample_shape))

    def cdf(self, value):
        return anp.exp(-anp.exp(-(value - self.loc) / self.scale))

    def icdf(self, q):
        return self.loc - self.scale * anp.log(-anp.log(q))

    @property
    def mean(self):
        return anp.broadcast_to(self.loc + self.scale * _EULER, self.batch_shape)

    @property
    def variance(self):
        return anp.broadcast_to(math.pi ** 2 / 6 * anp.square(self.scale), self.batch_shape)
