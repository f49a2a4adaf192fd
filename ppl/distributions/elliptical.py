"""Vector families beside MultivariateNormal: MultivariateStudentT and LowRankMultivariateNormal (NumPyro's arguments)."""

import math

import numpy as np

import autodiff.numpy as anp
from autodiff.scipy import special
from ppl.distributions import constraints
from ppl.distributions.base import Distribution, as_generator, as_param, concrete, shape_of
from ppl.distributions.multivariate import solve_lower

__all__ = ["LowRankMultivariateNormal", "MultivariateStudentT"]

_LOG_PI = math.log(math.pi)
_LOG_2PI = math.log(2 * math.pi)


def _sum_log_diag(tril):
    return anp.sum(anp.log(anp.diagonal(tril, axis1=-2, axis2=-1)), axis=-1)


def _matvec(m, v):
    return anp.matmul(m, anp.expand_dims(v, -1))[..., 0]


class MultivariateStudentT(Distribution):
    r"""Multivariate Student's t with ``df`` :math:`\nu`, ``loc`` :math:`\mu` and ``scale_tril`` :math:`L`.

    .. math::

        \log p(x) = \log\Gamma\left(\tfrac{\nu + d}{2}\right) - \log\Gamma\left(\tfrac{\nu}{2}\right)
            - \tfrac d2\log(\nu\pi) - \sum_i \log L_{ii}
            - \tfrac{\nu + d}{2}\log\left(1 + \tfrac1\nu\|L^{-1}(x - \mu)\|^2\right)

    (scipy's ``multivariate_t(loc, shape=L L^T, df)``). The mean is ``loc`` for
    :math:`\nu > 1` (nan otherwise, as ``StudentT``); the variance
    :math:`\tfrac{\nu}{\nu - 2}\operatorname{diag}(LL^\top)` for :math:`\nu > 2`, inf for
    :math:`1 < \nu \le 2`, nan otherwise.
    """

    arg_constraints = {"df": constraints.positive, "loc": constraints.real_vector,
                       "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    reparametrized_params = ["df", "loc", "scale_tril"]

    def __init__(self, df, loc=0.0, scale_tril=None, *, validate_args=True):
        if scale_tril is None:
            raise ValueError("MultivariateStudentT: scale_tril (a lower Cholesky factor (..., d, d)) is required")
        self.df, self.scale_tril = as_param(df), as_param(scale_tril)
        mshape = shape_of(self.scale_tril)
        if len(mshape) < 2 or mshape[-1] != mshape[-2]:
            raise ValueError(f"MultivariateStudentT: scale_tril must be a square matrix (..., d, d), got shape {mshape}")
        d = mshape[-1]
        loc = as_param(loc)
        lshape = shape_of(loc)
        if len(lshape) == 0:
            loc = anp.broadcast_to(loc, (d,))
        elif lshape[-1] != d:
            raise ValueError(f"MultivariateStudentT: loc must have last dim {d}, got shape {lshape}")
        self.loc = loc
        batch = tuple(anp.broadcast_shapes(shape_of(self.df), shape_of(loc)[:-1], mshape[:-2]))
        super().__init__(batch, (d,), validate_args=validate_args)

    @property
    def covariance_matrix(self):
        """``L L^T`` (NumPyro's name; the covariance of the distribution is ``df / (df - 2)`` times it)."""
        return anp.matmul(self.scale_tril, anp.swapaxes(self.scale_tril, -2, -1))

    def log_prob(self, value):
        d = self.event_shape[0]
        df = self.df
        z = solve_lower(self.scale_tril, as_param(value) - self.loc)
        maha = anp.sum(anp.square(z), axis=-1)
        norm = (special.gammaln(0.5 * (df + d)) - special.gammaln(0.5 * df) - 0.5 * d * (anp.log(df) + _LOG_PI)
                - _sum_log_diag(self.scale_tril))
        return norm - 0.5 * (df + d) * anp.log1p(maha / df)

    def sample(self, rng, sample_shape=()):
        rng = as_generator(rng)
        shape = self.shape(sample_shape)
        eps = rng.standard_normal(shape)
        df = np.broadcast_to(concrete(self.df), shape[:-1])
        w = np.sqrt(df / rng.chisquare(df, shape[:-1]))
        return concrete(self.loc) + np.einsum("...ij,...j->...i", concrete(self.scale_tril), eps * w[..., None])

    @property
    def mean(self):
        df = anp.expand_dims(self.df, -1)
        return anp.broadcast_to(anp.where(df > 1, self.loc, math.nan), self.batch_shape + self.event_shape)

    @property
    def variance(self):
        df = anp.expand_dims(self.df, -1)
        raw = anp.sum(anp.square(self.scale_tril), axis=-1)
        var = raw * df / anp.where(df > 2, df - 2, 1.0)
        var = anp.where(df > 2, var, anp.where(df > 1, math.inf, math.nan))
        return anp.broadcast_to(var, self.batch_shape + self.event_shape)


class LowRankMultivariateNormal(Distribution):
    r"""Normal with covariance :math:`\Sigma = WW^\top + D`: ``cov_factor`` :math:`W` (d, m), ``cov_diag`` :math:`D`.

    With the capacitance :math:`C = I_m + W^\top D^{-1} W = L_C L_C^\top`, the
    matrix determinant lemma and the Woodbury identity give, in
    :math:`O(d m^2)` instead of :math:`O(d^3)`,

    .. math::

        \log|\Sigma| = 2\sum_i \log (L_C)_{ii} + \sum_j \log D_j, \qquad
        r^\top\Sigma^{-1}r = \sum_j r_j^2 / D_j - \|L_C^{-1} W^\top D^{-1} r\|^2

    and :math:`\log p(x) = -\tfrac12(d\log 2\pi + \log|\Sigma| + r^\top\Sigma^{-1}r)`,
    :math:`r = x - \mu`.
    """

    arg_constraints = {"loc": constraints.real_vector, "cov_factor": constraints.independent(constraints.real, 2),
                       "cov_diag": constraints.independent(constraints.positive, 1)}
    support = constraints.real_vector
    reparametrized_params = ["loc", "cov_factor", "cov_diag"]

    def __init__(self, loc, cov_factor, cov_diag, *, validate_args=True):
        self.loc, self.cov_factor, self.cov_diag = as_param(loc), as_param(cov_factor), as_param(cov_diag)
        lshape, fshape, dshape = shape_of(self.loc), shape_of(self.cov_factor), shape_of(self.cov_diag)
        if len(lshape) < 1:
            raise ValueError(f"LowRankMultivariateNormal: loc must be at least one-dimensional, got shape {lshape}")
        d = lshape[-1]
        if len(fshape) < 2 or fshape[-2] != d:
            raise ValueError(f"LowRankMultivariateNormal: cov_factor must have shape (..., {d}, m), got {fshape}")
        if len(dshape) < 1 or dshape[-1] != d:
            raise ValueError(f"LowRankMultivariateNormal: cov_diag must have shape (..., {d}), got {dshape}")
        batch = tuple(anp.broadcast_shapes(lshape[:-1], fshape[:-2], dshape[:-1]))
        super().__init__(batch, (d,), validate_args=validate_args)

    def _capacitance_tril(self):
        W = self.cov_factor
        Wt_Dinv = anp.swapaxes(W, -1, -2) / anp.expand_dims(self.cov_diag, -2)
        m = shape_of(W)[-1]
        return anp.linalg.cholesky(anp.matmul(Wt_Dinv, W) + anp.eye(m)), Wt_Dinv

    @property
    def covariance_matrix(self):
        W = self.cov_factor
        return anp.matmul(W, anp.swapaxes(W, -1, -2)) + anp.expand_dims(self.cov_diag, -1) * anp.eye(self.event_shape[0])

    def log_prob(self, value):
        d = self.event_shape[0]
        r = as_param(value) - self.loc
        cap_tril, Wt_Dinv = self._capacitance_tril()
        u = solve_lower(cap_tril, _matvec(Wt_Dinv, r))
        maha = anp.sum(anp.square(r) / self.cov_diag, axis=-1) - anp.sum(anp.square(u), axis=-1)
        log_det = 2 * _sum_log_diag(cap_tril) + anp.sum(anp.log(self.cov_diag), axis=-1)
        return -0.5 * (d * _LOG_2PI + log_det + maha)

    def sample(self, rng, sample_shape=()):
        rng = as_generator(rng)
        shape = tuple(sample_shape) + self.batch_shape
        W = concrete(self.cov_factor)
        eps_w = rng.standard_normal(shape + W.shape[-1:])
        eps_d = rng.standard_normal(shape + self.event_shape)
        return concrete(self.loc) + np.einsum("...ij,...j->...i", W, eps_w) + np.sqrt(concrete(self.cov_diag)) * eps_d

    @property
    def mean(self):
        return anp.broadcast_to(self.loc, self.batch_shape + self.event_shape)

    @property
    def variance(self):
        var = anp.sum(anp.square(self.cov_factor), axis=-1) + self.cov_diag
        return anp.broadcast_to(var, self.batch_shape + self.event_shape)
