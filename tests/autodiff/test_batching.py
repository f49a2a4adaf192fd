"""Eager vmap through batching rules: each case against numpy applied example by example and against
vmap's loop (its scan path), with a check that no primitive fell back to the per-example loop; then
gradients through eager vmap against finite differences in both modes, and in_axes/out_axes."""
import logging

import numpy as np
import pytest
import scipy.linalg
import scipy.special

import autodiff as ad
import autodiff.numpy as anp
import autodiff.scipy.linalg as aspl
import autodiff.scipy.special as asps
from autodiff import batching
from autodiff.core import Tracer

RNG = np.random.default_rng(7)
B = 8  # at least MIN_TRACED_LENGTH, so the scan reference below traces its body as jit does
X = RNG.normal(size=(B, 3, 2))        # a batch of (3, 2)
V = RNG.normal(size=(B, 3))           # a batch of (3,)
W = RNG.normal(size=(3, 2))           # one (3, 2) shared by every example
POS = RNG.uniform(0.5, 2.0, size=(B, 3, 2))
M = RNG.normal(size=(B, 3, 3))
SPD = M @ np.swapaxes(M, -1, -2) + 3 * np.eye(3)
LOW = np.tril(M) + 3 * np.eye(3)
IDX = np.array([2, 0, 1, 1, 0, 2, 2, 1])
SEQ = RNG.normal(size=(B, 10))        # a batch of sequences long enough for an eager scan to trace its body


def loop_numpy(np_fn, args, in_axes):
    """numpy's function applied to each example, stacked on axis 0: the reference."""
    n = next(np.shape(a)[ax] for a, ax in zip(args, in_axes) if ax is not None)
    outs = [np_fn(*[a if ax is None else np.take(a, b, axis=ax) for a, ax in zip(args, in_axes)])
            for b in range(n)]
    if isinstance(outs[0], tuple):
        return tuple(np.stack([o[k] for o in outs]) for k in range(len(outs[0])))
    return np.stack(outs)


def both(name, ad_fn, np_fn, args, in_axes=None):
    return pytest.param(ad_fn, np_fn, args, in_axes or (0,) * len(args), id=name)


CASES = [
    # elementwise, with broadcasting between batched and shared operands of different ranks
    both("sin", anp.sin, np.sin, (X,)),
    both("exp_log", lambda x: anp.log(x) + anp.exp(-x), lambda x: np.log(x) + np.exp(-x), (POS,)),
    both("tanh_sqrt", lambda x: anp.tanh(anp.sqrt(x)), lambda x: np.tanh(np.sqrt(x)), (POS,)),
    both("add_rank_mismatch", lambda x, v: x + v[:, None], lambda x, v: x + v[:, None], (X, V)),
    both("multiply_shared", lambda x, w: x * w, lambda x, w: x * w, (X, W), (0, None)),
    both("vector_plus_matrix", lambda v, x: v[:, None] - x, lambda v, x: v[:, None] - x, (V, X)),
    both("scalar_batch", lambda s, x: s * x, lambda s, x: s * x, (V[:, 0], X)),
    both("power", lambda x, y: x ** y, lambda x, y: x ** y, (POS, X)),
    both("integer_pow", lambda x: x ** 3 + x ** 2, lambda x: x ** 3 + x ** 2, (X,)),
    both("maximum", anp.maximum, np.maximum, (X, W), (0, None)),
    both("arctan2", anp.arctan2, np.arctan2, (X, POS)),
    both("logaddexp", anp.logaddexp, np.logaddexp, (X, W), (0, None)),
    both("where", lambda x, w: anp.where(x > w, x, w * 2.0), lambda x, w: np.where(x > w, x, w * 2.0), (X, W),
         (0, None)),
    both("clip", lambda x: anp.clip(x, -0.5, 0.7), lambda x: np.clip(x, -0.5, 0.7), (X,)),
    both("gammaln", asps.gammaln, scipy.special.gammaln, (POS,)),
    both("expit", asps.expit, scipy.special.expit, (X,)),
    both("xlogy", asps.xlogy, scipy.special.xlogy, (POS, POS[::-1])),
    both("astype_int", lambda x: anp.astype(x * 3, np.int64), lambda x: (x * 3).astype(np.int64), (X,)),
    both("comparison", lambda x, w: x < w, lambda x, w: x < w, (X, W), (0, None)),
    # reductions along axes (per-example axes, negative ones included)
    both("sum_all", anp.sum, np.sum, (X,)),
    both("sum_axis0", lambda x: anp.sum(x, axis=0), lambda x: np.sum(x, axis=0), (X,)),
    both("sum_neg_keepdims", lambda x: anp.sum(x, axis=-1, keepdims=True), lambda x: np.sum(x, -1, keepdims=True),
         (X,)),
    both("mean_var", lambda x: anp.mean(x, axis=1) + anp.var(x), lambda x: np.mean(x, axis=1) + np.var(x), (X,)),
    both("max_min", lambda x: anp.max(x, axis=0) - anp.min(x), lambda x: np.max(x, axis=0) - np.min(x), (X,)),
    both("prod", lambda x: anp.prod(x, axis=1), lambda x: np.prod(x, axis=1), (X,)),
    both("logsumexp", lambda x: asps.logsumexp(x, axis=0), lambda x: scipy.special.logsumexp(x, axis=0), (X,)),
    both("all_any", lambda x: anp.all(x > -1.0, axis=1) | anp.any(x > 1.0, axis=1),
         lambda x: np.all(x > -1.0, axis=1) | np.any(x > 1.0, axis=1), (X,)),
    both("cumsum", lambda x: anp.cumsum(x, axis=0), lambda x: np.cumsum(x, axis=0), (X,)),
    both("cumprod", lambda x: anp.cumprod(x, axis=1), lambda x: np.cumprod(x, axis=1), (X,)),
    both("argmax", lambda x: anp.argmax(x, axis=0), lambda x: np.argmax(x, axis=0), (X,)),
    both("argmin", lambda x: anp.argmin(x, axis=1), lambda x: np.argmin(x, axis=1), (X,)),
    both("sort", lambda x: anp.sort(x, axis=0), lambda x: np.sort(x, axis=0), (X,)),
    both("argsort", lambda x: anp.argsort(x, axis=-1), lambda x: np.argsort(x, axis=-1), (V,)),
    # shape changes
    both("reshape", lambda x: anp.reshape(x, (2, 3)), lambda x: np.reshape(x, (2, 3)), (X,)),
    both("ravel", anp.ravel, np.ravel, (X,)),
    both("transpose", anp.transpose, np.transpose, (X,)),
    both("moveaxis_swapaxes", lambda x: anp.moveaxis(x, 0, -1) + anp.swapaxes(x, 0, 1),
         lambda x: np.moveaxis(x, 0, -1) + np.swapaxes(x, 0, 1), (X,)),
    both("expand_squeeze", lambda x: anp.squeeze(anp.expand_dims(x, 1), axis=1),
         lambda x: np.squeeze(np.expand_dims(x, 1), axis=1), (X,)),
    both("concatenate_shared", lambda x, w: anp.concatenate([x, w], axis=1),
         lambda x, w: np.concatenate([x, w], axis=1), (X, W), (0, None)),
    both("stack", lambda x, w: anp.stack([x, w], axis=-1), lambda x, w: np.stack([x, w], axis=-1), (X, W), (0, None)),
    both("broadcast_to", lambda v: anp.broadcast_to(v, (2, 3)), lambda v: np.broadcast_to(v, (2, 3)), (V,)),
    both("slice", lambda x: x[1:, ::-1], lambda x: x[1:, ::-1], (X,)),
    both("basic_index", lambda x: x[:, 0] + x[2, 1], lambda x: x[:, 0] + x[2, 1], (X,)),
    both("flip", lambda x: anp.flip(x, axis=0), lambda x: np.flip(x, axis=0), (X,)),
    # gather and scatter
    both("take_shared_index", lambda v: anp.take(v, np.array([2, 0, 2])), lambda v: np.take(v, [2, 0, 2]), (V,)),
    both("fancy_index", lambda x: x[np.array([0, 2]), :], lambda x: x[np.array([0, 2]), :], (X,)),
    both("batched_index_shared_array", lambda i, w: anp.take(w, i, axis=0), lambda i, w: np.take(w, i, axis=0),
         (IDX % 3, W), (0, None)),
    both("at_set", lambda v: v.at[np.array([0, 2])].set(5.0), lambda v: _set(v, [0, 2], 5.0), (V,)),
    both("at_add_values", lambda v, u: v.at[1].add(u), lambda v, u: _add_at(v, 1, u), (V, V[:, 0])),
    # matmul in every vector/matrix combination, batched on either side
    both("mat_vec", lambda m, v: m @ v, lambda m, v: m @ v, (M, V)),
    both("vec_mat", lambda v, m: v @ m, lambda v, m: v @ m, (V, M)),
    both("mat_mat", lambda a, b: a @ b, lambda a, b: a @ b, (M, X)),
    both("vec_vec", lambda a, b: a @ b, lambda a, b: a @ b, (V, V[::-1])),
    both("shared_mat_batched_vec", lambda w, v: w.T @ v, lambda w, v: w.T @ v, (W, V), (None, 0)),
    both("batched_mat_shared_vec", lambda x, w: x.T @ w[:, 0], lambda x, w: x.T @ w[:, 0], (X, W), (0, None)),
    both("dot_einsum", lambda a, b: anp.dot(a, b) + anp.einsum("ij,jk->ik", a, b),
         lambda a, b: np.dot(a, b) + np.einsum("ij,jk->ik", a, b), (M, X)),
    # linear algebra over leading batch dimensions
    both("cholesky", anp.linalg.cholesky, np.linalg.cholesky, (SPD,)),
    both("inv", anp.linalg.inv, np.linalg.inv, (SPD,)),
    both("det", anp.linalg.det, np.linalg.det, (M,)),
    both("slogdet", lambda a: tuple(anp.linalg.slogdet(a)), lambda a: tuple(np.linalg.slogdet(a)), (M,)),
    both("solve_vec", anp.linalg.solve, np.linalg.solve, (SPD, V)),
    both("solve_mat_shared_rhs", anp.linalg.solve, np.linalg.solve, (SPD, W), (0, None)),
    both("solve_shared_lhs", anp.linalg.solve, np.linalg.solve, (SPD[0], X), (None, 0)),
    both("solve_triangular", lambda a, b: aspl.solve_triangular(a, b, lower=True),
         lambda a, b: scipy.linalg.solve_triangular(a, b, lower=True), (LOW, X)),
    both("eigh_values", lambda a: anp.linalg.eigh(a)[0], lambda a: np.linalg.eigh(a)[0], (SPD,)),
    both("svd_values", lambda a: anp.linalg.svd(a, compute_uv=False), lambda a: np.linalg.svd(a, compute_uv=False),
         (M,)),
    both("qr_r_abs", lambda a: anp.abs(anp.linalg.qr(a)[1]), lambda a: np.abs(np.linalg.qr(a)[1]), (M,)),
    both("pinv", anp.linalg.pinv, np.linalg.pinv, (X,)),
    both("tril_triu_diag", lambda a: anp.tril(a) - anp.triu(a, 1) + anp.diag(anp.diagonal(a)),
         lambda a: np.tril(a) - np.triu(a, 1) + np.diag(np.diagonal(a)), (M,)),
    both("trace", anp.trace, np.trace, (M,)),
    # scan: the body batched once; the carry becomes batched through the body (init shared)
    both("scan_carry_batched_by_body", lambda v: ad.scan(lambda c, x: (c * 0.5 + x, c * x), 1.0, v)[1],
         lambda v: _decay_numpy(1.0, v)[1], (SEQ,)),
    both("scan_shared_xs_batched_init", lambda c0, w: ad.scan(lambda c, x: (anp.tanh(c + x), c @ x), c0, w),
         lambda c0, w: _tanh_scan_numpy(c0, w), (V, np.tile(W.T, (5, 1))), (0, None)),
]


def _decay_numpy(c, xs):
    ys = []
    for x in xs:
        ys.append(c * x)
        c = c * 0.5 + x
    return c, np.array(ys)


def _tanh_scan_numpy(c, xs):
    ys = []
    for x in xs:
        ys.append(c @ x)
        c = np.tanh(c + x)
    return c, np.array(ys)


def _set(v, i, val):
    out = v.copy()
    out[i] = val
    return out


def _add_at(v, i, u):
    out = v.copy()
    out[i] += u
    return out


def _looped_scan(fn, args, in_axes):
    """vmap's loop: the per-example function run under a scan (the path jit compiles)."""
    mapped = [np.moveaxis(a, ax, 0) for a, ax in zip(args, in_axes) if ax is not None]

    def body(c, xs):
        it = iter(xs)
        return c, fn(*[next(it) if ax is not None else a for a, ax in zip(args, in_axes)])
    return ad.scan(body, (), mapped)[1]


def _close(got, want):
    got_leaves, want_leaves = ad.tree_leaves(got), ad.tree_leaves(want)
    assert len(got_leaves) == len(want_leaves)
    for g, w in zip(got_leaves, want_leaves):
        assert not isinstance(g, Tracer)
        assert np.shape(g) == np.shape(w) and np.asarray(g).dtype.kind == np.asarray(w).dtype.kind
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("ad_fn, np_fn, args, in_axes", CASES)
def test_vmap_batches_like_numpy_per_example(ad_fn, np_fn, args, in_axes, caplog):
    batching.LOOPED.clear()
    with caplog.at_level(logging.DEBUG, logger="autodiff.vmap"):
        got = ad.vmap(ad_fn, in_axes=in_axes)(*args)
    assert not [r for r in caplog.records if "could not run on the whole batch" in r.message]
    assert not batching.LOOPED, f"fell back to a loop for {batching.LOOPED}"
    _close(got, loop_numpy(np_fn, args, in_axes))
    _close(got, _looped_scan(ad_fn, args, in_axes))


def test_primitive_without_rule_loops_and_says_so_once(caplog):
    """A primitive with no rule (lu) still batches, through a loop, reported at debug level once."""
    batching.LOOPED.clear()
    with caplog.at_level(logging.DEBUG, logger="autodiff.batching"):
        got = ad.vmap(lambda a: aspl.lu_factor(a)[0])(M)
        ad.vmap(lambda a: aspl.lu_factor(a)[0])(M)
    assert [r.levelno for r in caplog.records if "no batching rule for lu" in r.message] == [logging.DEBUG]
    _close(got, np.stack([scipy.linalg.lu_factor(m)[0] for m in M]))


def test_value_dependent_python_branch_falls_back_to_the_loop(caplog):
    def f(v):
        return anp.sum(v) if float(v[0]) > 0 else -anp.sum(v)
    with caplog.at_level(logging.DEBUG, logger="autodiff.vmap"):
        got = ad.vmap(f)(V)
    assert any("could not run on the whole batch" in r.message for r in caplog.records)
    _close(got, np.array([np.sum(v) if v[0] > 0 else -np.sum(v) for v in V]))


@pytest.mark.parametrize("in_axes, out_axes, args, want", [
    pytest.param(1, 0, (np.swapaxes(X, 0, 1),), X * 2.0, id="in_axes_1"),
    pytest.param(-1, 0, (np.moveaxis(X, 0, -1),), X * 2.0, id="in_axes_-1"),
    pytest.param(0, 1, (X,), np.moveaxis(X * 2.0, 0, 1), id="out_axes_1"),
    pytest.param(0, -1, (X,), np.moveaxis(X * 2.0, 0, -1), id="out_axes_-1"),
])
def test_in_axes_and_out_axes_move_the_batch_like_jax(in_axes, out_axes, args, want):
    _close(ad.vmap(lambda x: x * 2.0, in_axes=in_axes, out_axes=out_axes)(*args), want)


def test_outputs_that_ignore_the_batch_are_broadcast_or_kept():
    out = ad.vmap(lambda v: (v * 0.0 + 1.0, W), out_axes=(0, None))(V)
    _close(out, (np.ones((B, 3)), W))
    shared = ad.vmap(lambda: W, axis_size=3)()
    _close(shared, np.broadcast_to(W, (3,) + W.shape))
    shared[0, 0, 0] = 1.0  # an array of its own, not a read-only broadcast view


def test_nested_vmap_and_pytrees():
    got = ad.vmap(ad.vmap(lambda d: d["a"] * d["b"], in_axes=({"a": 0, "b": None},)),
                  in_axes=({"a": 0, "b": 0},))({"a": X, "b": V[:, :2]})
    _close(got, X * V[:, None, :2])


def per_example_loss(w, x):
    return anp.sum(anp.tanh(x @ w) ** 2) + anp.linalg.slogdet(anp.eye(2) + anp.outer(w, w))[1]


@pytest.mark.parametrize("fn, args", [
    pytest.param(lambda w, X: ad.vmap(per_example_loss, in_axes=(None, 0))(w, X), (W[:, 0][:2] * 0 + 0.3, X),
                 id="shared_parameters"),
    pytest.param(lambda S, b: ad.vmap(lambda s, v: anp.linalg.solve(s, v) @ v)(S, b), (SPD, V), id="solve"),
    pytest.param(lambda S: ad.vmap(lambda s: anp.sum(anp.linalg.cholesky(s)))(S), (SPD,), id="cholesky"),
    pytest.param(lambda x: ad.vmap(lambda a: asps.logsumexp(a, axis=0) * anp.max(a))(x), (X,), id="reductions"),
    pytest.param(lambda w, v: ad.vmap(lambda x: ad.scan(lambda c, xi: (anp.sin(c * w[0] + xi), c * w[1]), 0.1, x)[1])(v),
                 (np.array([0.7, -0.4]), SEQ), id="scan"),
])
def test_gradients_through_vmap_match_finite_differences(fn, args):
    ad.check_grads(fn, args, order=2)


def test_vmap_of_grad_equals_per_example_grads():
    w = np.array([0.3, -0.2])
    got = ad.vmap(ad.grad(per_example_loss), in_axes=(None, 0))(w, X)
    _close(got, np.stack([ad.grad(per_example_loss)(w, x) for x in X]))


def test_value_dependent_control_flow_inside_vmap_maps_as_a_loop():
    """cond and while_loop on a batched value have no single answer: vmap maps them example by example."""
    def f(x):
        s = ad.while_loop(lambda s: s < 10.0, lambda s: s * 2.0 + anp.abs(x[0]), 1.0)
        return ad.cond(x[1] > 0.0, lambda y: y * s, lambda y: -y, x)
    _close(ad.vmap(f)(V), np.stack([f(v) for v in V]))
