"""The multivariate normal primitive (ppl.distributions.mvn_tril) against scipy.stats.multivariate_normal,
its gradient against the batched-solve formulation and finite differences in both modes to second
order, eagerly and compiled, for every way the data, means and factors broadcast."""
import numpy as np
import pytest
from scipy import stats

import autodiff as ad
import autodiff.numpy as anp
import ppl.distributions as dist
from autodiff.check import check_grads
from ppl.distributions.mvn_tril import logpdf_by_solve, mvn_tril_logpdf


def factors(shape, d, seed):
    rng = np.random.default_rng(seed)
    L = np.tril(rng.normal(size=shape + (d, d)))
    idx = np.arange(d)
    L[..., idx, idx] = np.abs(L[..., idx, idx]) + 0.5
    return L


def scipy_logpdf(x, loc, L):
    batch = np.broadcast_shapes(x.shape[:-1], loc.shape[:-1], L.shape[:-2])
    d = L.shape[-1]
    x, loc, L = (np.broadcast_to(x, batch + (d,)), np.broadcast_to(loc, batch + (d,)),
                 np.broadcast_to(L, batch + (d, d)))
    return np.array([stats.multivariate_normal.logpdf(x[i], loc[i], L[i] @ L[i].T)
                     for i in np.ndindex(batch)]).reshape(batch)


# (x batch, loc batch, scale_tril batch, d): data points x components, one factor, per-point means, ...
CASES = [
    ((6, 1), (3,), (3,), 2),
    ((5,), (), (), 3),
    ((), (), (), 1),
    ((4, 3), (4, 3), (3,), 2),
    ((2, 1, 1), (1, 3), (2, 3), 2),
    ((3,), (3,), (1,), 3),
    ((5, 1), (1, 3), (1, 3), 2),  # GaussianHMM: a size-1 time axis before the states
    ((), (), (), 6),  # fewer points than dimensions (a Gaussian process): forward/back substitution
    ((2, 1), (3,), (3,), 5),
]


@pytest.mark.parametrize("xb, lb, tb, d", CASES)
def test_value_is_scipys(xb, lb, tb, d):
    rng = np.random.default_rng(len(xb) + 10 * d)
    x, loc, L = rng.normal(size=xb + (d,)), rng.normal(size=lb + (d,)), factors(tb, d, seed=d)
    np.testing.assert_allclose(mvn_tril_logpdf(x, loc, L), scipy_logpdf(x, loc, L), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("xb, lb, tb, d", CASES[:1] + CASES[3:5] + CASES[-2:])
def test_derivatives_match_finite_differences_to_second_order_in_both_modes(xb, lb, tb, d):
    rng = np.random.default_rng(3)
    args = (rng.normal(size=xb + (d,)), rng.normal(size=lb + (d,)), factors(tb, d, seed=4))
    weights = rng.normal(size=np.broadcast_shapes(xb, lb, tb))  # a general cotangent, not just ones
    check_grads(lambda *a: anp.sum(weights * mvn_tril_logpdf(*a)), args, order=2, modes=("fwd", "rev"))


def test_gradient_is_the_batched_solves_and_ignores_the_upper_triangle_as_it_does():
    rng = np.random.default_rng(5)
    x, loc = rng.normal(size=(7, 1, 2)), rng.normal(size=(1, 3, 2))
    L = factors((3,), 2, seed=6) + np.triu(rng.normal(size=(3, 2, 2)), 1)  # junk above the diagonal
    ours = ad.grad(lambda *a: anp.sum(mvn_tril_logpdf(*a) ** 2), argnums=(0, 1, 2))(x, loc, L)
    ref = ad.grad(lambda *a: anp.sum(logpdf_by_solve(*a) ** 2), argnums=(0, 1, 2))(x, loc, L)
    for g, r in zip(ours, ref):
        np.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-12)
    assert np.all(ours[2][:, 0, 1] == 0.0)


def test_compiled_value_and_gradient_equal_the_eager_ones():
    rng = np.random.default_rng(7)
    args = (rng.normal(size=(9, 1, 2)), rng.normal(size=(3, 2)), factors((3,), 2, seed=8))

    def f(x, loc, L):
        return anp.sum(anp.sin(mvn_tril_logpdf(x, loc, L)))

    value, grads = ad.jit(ad.value_and_grad(f, argnums=(0, 1, 2)))(*args)
    ref_value, ref_grads = ad.value_and_grad(f, argnums=(0, 1, 2))(*args)
    assert value == pytest.approx(ref_value, rel=1e-12)
    for g, r in zip(grads, ref_grads):
        np.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-12)


def test_mixture_of_batched_multivariate_normals_is_scipys_mixture():
    rng = np.random.default_rng(9)
    w, loc, L, y = rng.dirichlet(np.ones(3)), rng.normal(size=(3, 2)), factors((3,), 2, seed=10), rng.normal(size=(8, 2))
    mix = dist.MixtureSameFamily(dist.Categorical(probs=w), dist.MultivariateNormal(loc, scale_tril=L))
    ref = np.log(sum(w[k] * stats.multivariate_normal.pdf(y, loc[k], L[k] @ L[k].T) for k in range(3)))
    np.testing.assert_allclose(mix.log_prob(y), ref, rtol=1e-12)


def test_shapes_that_do_not_broadcast_name_the_argument():
    with pytest.raises(ValueError, match=r"value.s shape \(4, 2\), loc.s \(3, 2\).*do not broadcast"):
        mvn_tril_logpdf(np.zeros((4, 2)), np.zeros((3, 2)), factors((3,), 2, seed=0))


def test_read_only_inputs_are_accepted():
    L = np.broadcast_to(factors((), 2, seed=11), (3, 2, 2))  # read-only
    x, loc = np.broadcast_to(np.array([0.3, -0.2]), (4, 1, 2)), np.zeros((3, 2))
    np.testing.assert_allclose(mvn_tril_logpdf(x, loc, L), scipy_logpdf(x, loc, L), rtol=1e-12)
    ad.grad(lambda L: anp.sum(mvn_tril_logpdf(x, loc, L)))(L)


def test_a_scalar_value_and_a_mean_of_last_dimension_one_broadcast_as_in_value_minus_loc():
    L = factors((2,), 3, seed=12)
    loc = np.array([[0.5], [-1.0]])  # (2, 1)
    np.testing.assert_allclose(mvn_tril_logpdf(0.3, loc, L),
                               scipy_logpdf(np.full(3, 0.3), np.broadcast_to(loc, (2, 3)), L), rtol=1e-12)
    mvn = dist.MultivariateNormal(loc, scale_tril=L)
    np.testing.assert_allclose(mvn.log_prob(np.zeros(3)), scipy_logpdf(np.zeros(3), np.broadcast_to(loc, (2, 3)), L),
                               rtol=1e-12)
