"""Indexing: x[idx] and x.at[idx] against NumPy, and their derivatives.

* values equal NumPy's for basic and advanced indices (integer arrays of any shape, negative
  indices, boolean masks, mixed with slices / None / Ellipsis, NumPy's placement of the
  advanced axes), for concrete indices and for traced ones (staged, then evaluated);
* check_grads (order 2, both modes) for every index form and every update;
* repeated indices: gradients equal a dense one-hot formulation;
* jit equals eager (traced integer indices, a scan body indexing with its counter);
* clear errors: traced boolean mask under jit, out-of-bounds constant and traced indices.
"""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autodiff as ad
import autodiff.numpy as anp
from autodiff.avals import ShapedArray
from autodiff.graph import eval_graph
from autodiff.numpy.indexing import getitem
from autodiff.staging import make_graph

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4, 5))
G = np.array([2, 0, 2, -1, 0])        # repeated and negative indices into an axis of length 3 (or more)
MASK = X[:, :, 0] > 0                  # (3, 4)

# name -> index into X (shape (3, 4, 5))
INDEX_FORMS = {
    "int": (1,),
    "neg-int": (-1, 2),
    "slices": (slice(1, None), slice(None, None, 2)),
    "neg-step": (slice(None, None, -1), slice(3, 0, -2)),
    "none-ellipsis": (None, Ellipsis, 2),
    "int-array": ([0, 2, 2],),
    "int-array-2d": (np.array([[0, 1], [2, 0]]),),
    "repeated-neg": (G,),
    "array-axis1": (slice(None), [3, -1, 0]),
    "ellipsis-array": (Ellipsis, [4, 0, 4]),
    "two-arrays-adjacent": (slice(None), [0, 1, 3], [4, 4, 0]),
    "two-arrays-separated": ([0, 1, 2], slice(None), [4, 4, 0]),
    "int-with-array-separated": (0, slice(None), [1, 2]),
    "int-with-array-adjacent": (slice(None), 0, [1, 2]),
    "broadcast-arrays": (np.array([[0], [2]]), np.array([1, 2, 3])),
    "array-none-array": ([0, 1], None, [0, 1]),
    "array-ellipsis-array": ([0, 1], Ellipsis, [0, 1]),
    "scalar-array": (np.array(1), slice(None), np.array([2, 3])),
    "mask-1d": (np.array([True, False, True]),),
    "mask-2d": (MASK,),
    "mask-3d": (X > 0.5,),
    "mask-after-slice": (slice(None), np.array([True, False, True, True])),
    "mask-and-array": (np.array([True, False, True]), slice(None), [1, 4]),
    "bool-scalar": (True,),
    "empty-list": ([],),
    "neg-step-and-array": (slice(None, None, -1), [0, 0, 3]),
}


def _ids(d):
    return list(d)


@pytest.mark.parametrize("name", _ids(INDEX_FORMS))
def test_getitem_values_match_numpy(name):
    idx = INDEX_FORMS[name]
    want = X[idx]
    got = getitem(X, idx)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    traced, _ = ad.vjp(lambda x: x[idx], X)  # the same path on a traced array
    np.testing.assert_array_equal(traced, want)


@pytest.mark.parametrize("name", _ids(INDEX_FORMS))
def test_getitem_grads(name):
    idx = INDEX_FORMS[name]
    ad.check_grads(lambda x: anp.sin(getitem(x, idx)), (X,), order=2)


# -- hypothesis: random index tuples against NumPy, concrete and traced ---------------------------------------
def _index_entries(shape):
    dim = st.integers(-6, 6)
    arr = st.lists(st.integers(-5, 5), min_size=0, max_size=4).map(lambda v: np.array(v, dtype=np.intp))
    arr2 = st.lists(st.lists(st.integers(-4, 4), min_size=2, max_size=2), min_size=1, max_size=2).map(np.array)
    slc = st.builds(slice, st.none() | dim, st.none() | dim, st.none() | st.sampled_from([-2, -1, 1, 2, 3]))
    mask = st.sampled_from(shape).flatmap(lambda n: st.lists(st.booleans(), min_size=n, max_size=n)).map(np.array)
    return st.one_of(dim, slc, st.none(), st.just(Ellipsis), arr, arr2, mask)


INDEX_TUPLES = st.sampled_from([(4,), (3, 4), (2, 3, 4), (1, 3, 2)]).flatmap(
    lambda shape: st.tuples(st.just(shape), st.lists(_index_entries(shape), min_size=0, max_size=4).map(tuple)))


def _numpy_result(x, idx):
    try:
        return x[idx], None
    except IndexError as e:
        return None, e


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(INDEX_TUPLES)
def test_getitem_random_indices_match_numpy(case):
    shape, idx = case
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    want, err = _numpy_result(x, idx)
    if err is not None:
        with pytest.raises(IndexError):
            getitem(x, idx)
        return
    got = getitem(x, idx)
    assert np.shape(got) == want.shape
    np.testing.assert_array_equal(got, want)


def _traced_getitem(x, idx):
    """x[idx] with every integer array and int entry of idx passed as a traced graph input."""
    traced = [k for k, i in enumerate(idx) if (isinstance(i, np.ndarray) and i.dtype.kind != "b")
              or (isinstance(i, int) and not isinstance(i, bool))]
    vals = [np.asarray(idx[k], np.int64) for k in traced]

    def fn(x, *tr):
        full = list(idx)
        for k, t in zip(traced, tr):
            full[k] = t
        return getitem(x, tuple(full))

    avals = [ShapedArray(x.shape, x.dtype)] + [ShapedArray(v.shape, v.dtype) for v in vals]
    graph, consts, _ = make_graph(fn, avals)
    return eval_graph(graph, consts, [x] + vals)[0]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(INDEX_TUPLES)
def test_traced_integer_indices_match_numpy(case):
    shape, idx = case
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    want, err = _numpy_result(x, idx)
    if err is not None:
        with pytest.raises(IndexError):
            _traced_getitem(x, idx)
        return
    got = _traced_getitem(x, idx)
    assert np.shape(got) == want.shape
    np.testing.assert_array_equal(got, want)


# -- functional updates x.at[idx] ------------------------------------------------------------------------
def _numpy_update(x, idx, v, mode):
    out = x.copy()
    if mode == "set":
        out[idx] = v
    else:
        {"add": np.add, "multiply": np.multiply, "min": np.minimum, "max": np.maximum}[mode].at(out, idx, v)
    return out


UPDATE_FORMS = {
    "int": (1,),
    "slice": (slice(1, None), slice(None, None, -2)),
    "repeated": (G,),
    "repeated-axis2": (Ellipsis, np.array([4, 1, 4, -1])),
    "two-arrays": ([0, 2, 0], slice(None), [1, 1, 1]),
    "mask": (MASK,),
    "int-and-array": (slice(None), 2, [0, -1]),
}
MODES = ["set", "add", "multiply", "min", "max"]


def _values_for(idx, seed):
    return np.random.default_rng(seed).standard_normal(X[idx].shape)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", _ids(UPDATE_FORMS))
def test_at_update_values_match_numpy(name, mode):
    idx = UPDATE_FORMS[name]
    v = _values_for(idx, 1)
    x0 = X.copy()
    got = getattr(anp.at(X)[idx], mode)(v)
    np.testing.assert_array_equal(X, x0)  # never mutates
    np.testing.assert_allclose(got, _numpy_update(X, idx, v, mode), rtol=1e-15)
    scalar = getattr(anp.at(X)[idx], mode)(0.25)  # values broadcast like numpy's
    np.testing.assert_allclose(scalar, _numpy_update(X, idx, 0.25, mode), rtol=1e-15)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", _ids(UPDATE_FORMS))
def test_at_update_grads(name, mode):
    idx = UPDATE_FORMS[name]
    v = _values_for(idx, 2)
    ad.check_grads(lambda x, v: getattr(anp.at(x)[idx], mode)(v), (X, v), order=2)


def test_at_get_and_method_form():
    def f(x):
        return x.at[1:, G[:2]].get() + 0 * x.at[0].set(1.0)[0, 0]
    np.testing.assert_array_equal(ad.vjp(f, X)[0], X[1:, G[:2]])


def test_at_on_integer_array_casts_values():
    a = np.arange(6)
    np.testing.assert_array_equal(anp.at(a)[[1, 1, 4]].add(1.7), a + np.array([0, 2, 0, 0, 1, 0]))
    assert anp.at(a)[2].set(9.9).dtype == a.dtype


# -- repeated indices: gradients equal a dense one-hot matrix formulation -----------------------------------
def _onehot(g, n):
    return (np.mod(g, n)[:, None] == np.arange(n)[None, :]).astype(np.float64)


def test_repeated_gather_gradient_is_onehot_transpose():
    z = RNG.standard_normal(3)
    w = RNG.standard_normal(len(G))
    dense = _onehot(G, 3)
    np.testing.assert_array_equal(getitem(z, (G,)), dense @ z)
    np.testing.assert_allclose(ad.grad(lambda z: anp.sum(w * z[G]))(z), dense.T @ w, rtol=1e-14)
    jac = ad.jacfwd(lambda z: z[G])(z)
    np.testing.assert_allclose(jac, dense, rtol=0)


def test_repeated_add_jacobians_are_onehot():
    z, v = RNG.standard_normal(3), RNG.standard_normal(len(G))
    dense = _onehot(G, 3)
    out = anp.at(z)[G].add(v)
    np.testing.assert_allclose(out, z + dense.T @ v, rtol=1e-14)
    jz, jv = ad.jacrev(lambda z, v: anp.at(z)[G].add(v), argnums=(0, 1))(z, v)
    np.testing.assert_allclose(jz, np.eye(3), rtol=0)
    np.testing.assert_allclose(jv, dense.T, rtol=0)


def test_repeated_set_gradient_goes_to_the_last_write():
    z, v = RNG.standard_normal(4), RNG.standard_normal(len(G))
    jz, jv = ad.jacrev(lambda z, v: anp.at(z)[G].set(v), argnums=(0, 1))(z, v)
    last = {}
    for k, g in enumerate(np.mod(G, 4)):
        last[g] = k
    expect_v = np.zeros((4, len(G)))
    for g, k in last.items():
        expect_v[g, k] = 1.0
    np.testing.assert_array_equal(jv, expect_v)
    np.testing.assert_array_equal(jz, np.diag([0.0 if j in last else 1.0 for j in range(4)]))


def test_repeated_multiply_gradient_has_exclusive_products():
    z = RNG.standard_normal(3)
    v = RNG.standard_normal(len(G))
    v[0] = 0.0                                           # a zero factor among the repeats of index 2
    jv = ad.jacrev(lambda v: anp.at(z)[G].multiply(v))(v)
    g = np.mod(G, 3)
    expect = np.zeros((3, len(G)))
    for k in range(len(G)):
        others = [v[i] for i in range(len(G)) if g[i] == g[k] and i != k]
        expect[g[k], k] = z[g[k]] * np.prod(others)
    np.testing.assert_allclose(jv, expect, rtol=1e-14)
    ad.check_grads(lambda z, v: anp.at(z)[G].multiply(v), (z, v), order=2)


def test_repeated_min_max_gradients_go_to_the_extremum():
    z, v = np.array([0.5, -3.0, 0.1]), np.array([0.2, 1.0, -0.4, 2.0, 0.7])
    g = np.mod(G, 3)
    for mode, pick in (("min", np.argmin), ("max", np.argmax)):
        jv = ad.jacrev(lambda v: getattr(anp.at(z)[G], mode)(v))(v)
        expect = np.zeros((3, len(G)))
        for j in range(3):
            cands = [(z[j], None)] + [(v[k], k) for k in range(len(G)) if g[k] == j]
            k = cands[pick([c for c, _ in cands])][1]
            if k is not None:
                expect[j, k] = 1.0
        np.testing.assert_array_equal(jv, expect)


# -- take and take_along_axis --------------------------------------------------------------------------------
TAKE_CASES = {
    "flat": lambda a: anp.take(a, [5, -1, 5]),
    "axis": lambda a: anp.take(a, [[0, 3], [3, 3]], axis=1),
    "scalar": lambda a: anp.take(a, -2, axis=2),
    "wrap": lambda a: anp.take(a, [7, -9], axis=2, mode="wrap"),
    "clip": lambda a: anp.take(a, [7, -9], axis=0, mode="clip"),
    "along": lambda a: anp.take_along_axis(a, np.array([[[0, 4, 4]]]), axis=-1),
    "along-none": lambda a: anp.take_along_axis(a, np.array([0, 59, 0]), axis=None),
}
TAKE_REFS = {
    "flat": lambda a: np.take(a, [5, -1, 5]),
    "axis": lambda a: np.take(a, [[0, 3], [3, 3]], axis=1),
    "scalar": lambda a: np.take(a, -2, axis=2),
    "wrap": lambda a: np.take(a, [7, -9], axis=2, mode="wrap"),
    "clip": lambda a: np.take(a, [7, -9], axis=0, mode="clip"),
    "along": lambda a: np.take_along_axis(a, np.array([[[0, 4, 4]]]), axis=-1),
    "along-none": lambda a: np.take_along_axis(a, np.array([0, 59, 0]), axis=None),
}


@pytest.mark.parametrize("name", list(TAKE_CASES))
def test_take_values_and_grads(name):
    np.testing.assert_array_equal(TAKE_CASES[name](X), TAKE_REFS[name](X))
    ad.check_grads(TAKE_CASES[name], (X,), order=2)


# -- jit: traced integer indices, compiled once for many forms -------------------------------------------
def _indexing_program(x, g, i, j):
    """Many index forms and updates with traced integer indices g (array), i and j (scalars)."""
    return [x[g], x[i], x[i, j], x[:, g], x[..., i], x[g, :, g[::-1]], x[g, j], x[1:, i, g[:2]],
            x[MASK], x[i, MASK[0]], anp.take(x, g, axis=2), anp.take_along_axis(x, anp.argsort(x, axis=1), axis=1),
            anp.at(x)[g].add(1.5), anp.at(x)[i].set(x[j] * 2.0), anp.at(x)[:, g].multiply(x[:, 0:1, :] + 2.0),
            anp.at(x)[g, j].max(x[0, 0]), anp.at(x)[i, :, g].min(-x[0, :, 0]), anp.at(x)[i, j].set(0.0)]


def _scan_program(x):
    """x[i] with the scan counter i: the traced-int-in-a-loop-body case."""
    def body(carry, _):
        i, acc = carry
        return (i + 1, acc + anp.sum(x[i] * x[-1 - i, i % 4])), x[i, i]
    (_, acc), diag = ad.scan(body, (0, 0.0), None, length=3)
    return acc + anp.sum(diag)


def _indexing_loss(x, g, i, j):
    """A weighted sum of every output plus the scan; the outputs are returned as aux."""
    outs = _indexing_program(x, g, i, j)
    weights = np.random.default_rng(3)
    loss = sum(anp.sum(o * weights.standard_normal(np.shape(o))) for o in outs)
    return loss + _scan_program(x), outs


JIT_ARGS = (X, G, 2, -1)
# one compilation checks values and gradients; calls with the same shapes reuse it
JITTED = ad.jit(ad.value_and_grad(_indexing_loss, has_aux=True))


def test_jit_equals_eager_with_traced_indices():
    (value, outs), grad = JITTED(*JIT_ARGS)
    (value_e, outs_e), grad_e = ad.value_and_grad(_indexing_loss, has_aux=True)(*JIT_ARGS)
    for got, want, ref in zip(outs, outs_e, _indexing_program(*JIT_ARGS)):
        assert np.shape(got) == np.shape(want) == np.shape(ref)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(want, ref, rtol=1e-15)  # eager traced == numpy on plain arrays
    np.testing.assert_allclose(value, value_e, rtol=1e-12)
    np.testing.assert_allclose(grad, grad_e, rtol=1e-12, atol=1e-12)


def test_scan_body_indexing_grads():
    ad.check_grads(_scan_program, (X,), order=2)


# -- errors -----------------------------------------------------------------------------------------------
def test_traced_boolean_mask_under_jit_names_where():
    with pytest.raises(IndexError, match="anp.where"):
        ad.make_graph(lambda x: x[x > 0], [ShapedArray((3,), np.float64)])


@pytest.mark.parametrize("idx", [(3,), ([0, 3],), (slice(None), [-5]), (0, 0, 5), (np.array([True, False]),)])
def test_out_of_bounds_constant_index_raises_like_numpy(idx):
    with pytest.raises(IndexError) as ours:
        getitem(X, idx)
    with pytest.raises(IndexError) as theirs:
        X[idx]
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("g, i", [(np.array([0, 3, 1, 1, 2]), 2), (G, 3), (G, -4)])
def test_out_of_bounds_traced_index_raises_under_jit(g, i):
    with pytest.raises(IndexError):
        JITTED(X, g, i, -1)


@pytest.mark.parametrize("idx, message", [((1.5,), "only integers"), ((0, 0, 0, 0), "too many indices"),
                                          ((Ellipsis, Ellipsis), "single ellipsis")])
def test_invalid_indices_raise_index_error(idx, message):
    with pytest.raises(IndexError, match=message):
        getitem(X, idx)
