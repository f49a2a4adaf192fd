r"""Ordinal regression likelihoods: OrderedLogistic and OrderedProbit (NumPyro's names and arguments).

An ordinal outcome :math:`y \in \{0, \dots, K\}` with ``K`` increasing
``cutpoints`` :math:`c` and a real ``predictor`` :math:`\eta` has

.. math::

    P(y \le k) = F(c_k - \eta), \qquad P(y = k) = F(c_k - \eta) - F(c_{k-1} - \eta)

(:math:`c_{-1} = -\infty`, :math:`c_K = +\infty`), with :math:`F` the logistic
CDF (Stan's ``ordered_logistic``) or the standard normal CDF (``ordered_probit``).
Both are categorical distributions over ``K + 1`` values; the table of log
probabilities is built in log space so that no category underflows to
``log(0)`` when :math:`\eta` is far from the cutpoints.
"""

import autodiff.numpy as anp
from autodiff.scipy import special
from ppl.distributions import constraints
from ppl.distributions.base import as_param, shape_of
from ppl.distributions.categorical import _CategoricalBase
from ppl.distributions.real import _log_ndtr_diff

__all__ = ["OrderedLogistic", "OrderedProbit"]


class _Ordinal(_CategoricalBase):
    """Shared code: shapes and validation of ``predictor`` and ``cutpoints``; ``_log_probs`` per link."""

    arg_constraints = {"predictor": constraints.real, "cutpoints": constraints.ordered_vector}

    def __init__(self, predictor, cutpoints, *, validate_args=True):
        name = type(self).__name__
        self.predictor, self.cutpoints = as_param(predictor), as_param(cutpoints)
        cshape = shape_of(self.cutpoints)
        if len(cshape) < 1:
            raise ValueError(f"{name}: cutpoints must be a vector (..., K) of increasing values, got shape {cshape}")
        batch = tuple(anp.broadcast_shapes(shape_of(self.predictor), cshape[:-1]))
        super().__init__(batch, validate_args=validate_args)

    @property
    def num_categories(self):
        return shape_of(self.cutpoints)[-1] + 1

    @property
    def _param(self):
        return self.cutpoints

    @property
    def probs(self):
        return anp.exp(self._log_probs())

    def _concrete_log_probs(self):
        return self._log_probs()

    def _shifted_cutpoints(self):
        """``c_k - eta`` with shape ``batch + (K,)``."""
        return self.cutpoints - anp.expand_dims(self.predictor, -1)


class OrderedLogistic(_Ordinal):
    r"""Ordinal outcome with a logistic link: :math:`P(y \le k) = \sigma(c_k - \eta)`.

    The middle categories use
    :math:`\sigma(a) - \sigma(b) = \sigma(a)\,\sigma(-b)\,(1 - e^{b - a})` for :math:`a > b`:

    .. math::

        \log P(y = k) = \log\sigma(a) + \log\sigma(-b) + \log(1 - e^{b - a}),
        \quad a = c_k - \eta,\; b = c_{k-1} - \eta

    Parameters
    ----------
    predictor : array
        The linear predictor :math:`\eta` (batch shape).
    cutpoints : array (..., K)
        Strictly increasing cutpoints; ``K + 1`` categories.
    """

    def _log_probs(self):
        z = self._shifted_cutpoints()
        first = special.log_expit(z[..., :1])
        last = special.log_expit(-z[..., -1:])
        a, b = z[..., 1:], z[..., :-1]
        middle = special.log_expit(a) + special.log_expit(-b) + special.log1mexp(b - a)
        return anp.concatenate([first, middle, last], axis=-1)


class OrderedProbit(_Ordinal):
    r"""Ordinal outcome with a probit link: :math:`P(y \le k) = \Phi(c_k - \eta)`.

    .. math::

        \log P(y = k) = \log\left(\Phi(c_k - \eta) - \Phi(c_{k-1} - \eta)\right)

    computed in the lower tail (``log_ndtr``) after reflecting, so far tails keep precision.
    """

    def _log_probs(self):
        z = self._shifted_cutpoints()
        first = special.log_ndtr(z[..., :1])
        last = special.log_ndtr(-z[..., -1:])
        middle = _log_ndtr_diff(z[..., :-1], z[..., 1:])
        return anp.concatenate([first, middle, last], axis=-1)
