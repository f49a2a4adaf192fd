r"""TransformedDistribution: a base distribution pushed through bijectors (NumPyro's ``TransformedDistribution``).

For :math:`y = T(x)`, :math:`x \sim p_{\text{base}}`,

.. math::

    \log p(y) = \log p_{\text{base}}(T^{-1}(y)) - \log\left|\det \frac{\partial T}{\partial x}\right|_{x = T^{-1}(y)}

``transforms`` are ``ppl.bijectors`` (``Exp``, ``Affine``, ``Ordered``,
``Simplex``, ``Chain``, ...); a list is applied first to last. A transform that
works on vectors (``domain_event_dim = 1``) over a scalar base makes the base's
rightmost batch dims part of the event, as NumPyro does. The support is the
image of the base support; as a latent site the default bijector is the base's
followed by ``transforms``, so e.g. ``TransformedDistribution(Normal(0, 1), Exp())``
samples on the scale of the underlying normal.
"""

import autodiff.numpy as anp
from ppl.bijectors.base import Bijector, Chain, sum_rightmost
from ppl.distributions import constraints
from ppl.distributions.base import Distribution

__all__ = ["TransformedDistribution"]


def _as_bijector(transforms):
    parts = list(transforms) if isinstance(transforms, (list, tuple)) else [transforms]
    for t in parts:
        if not isinstance(t, Bijector):
            raise TypeError(f"TransformedDistribution: transforms must be ppl.bijectors.Bijector objects, got {t!r}")
    return parts[0] if len(parts) == 1 else Chain(parts)


class TransformedDistribution(Distribution):
    """``base_distribution`` pushed through ``transforms`` (a bijector or a list, applied in order).

    ``mean`` and ``variance`` are not defined in general (NumPyro's convention);
    subclasses with closed forms may add them.
    """

    arg_constraints = {}

    def __init__(self, base_distribution, transforms, *, validate_args=True):
        if not isinstance(base_distribution, Distribution):
            raise TypeError(
                f"TransformedDistribution: base_distribution must be a Distribution, got {type(base_distribution).__name__}"
            )
        self.transform = _as_bijector(transforms)
        self.transforms = list(transforms) if isinstance(transforms, (list, tuple)) else [transforms]
        t = self.transform
        base = base_distribution
        if t.domain_event_dim > base.event_dim:
            extra = t.domain_event_dim - base.event_dim
            if extra > len(base.batch_shape):
                raise ValueError(
                    f"TransformedDistribution: {t!r} acts on {t.domain_event_dim}-dim events, but "
                    f"{type(base).__name__} has batch_shape {base.batch_shape} and event_shape {base.event_shape}"
                )
            base = base.to_event(extra)
        self.base_dist = base
        shape = t.forward_shape(base.batch_shape + base.event_shape)
        event_dim = t.event_dim + base.event_dim - t.domain_event_dim
        split = len(shape) - event_dim
        super().__init__(shape[:split], shape[split:], validate_args=validate_args)

    @property
    def family_name(self):
        return type(self).__name__

    @property
    def support(self):
        return constraints._TransformedSupport(self.base_dist.support, self.transform)

    def log_prob(self, value):
        x = self.transform.inverse(value)
        log_det = sum_rightmost(self.transform.log_det_jacobian(x), self.base_dist.event_dim - self.transform.domain_event_dim)
        return self.base_dist.log_prob(x) - log_det

    def sample(self, rng, sample_shape=()):
        return anp.asarray(self.transform.forward(self.base_dist.sample(rng, sample_shape)))
