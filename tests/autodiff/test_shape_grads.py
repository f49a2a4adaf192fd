"""Shape functions and contractions of autodiff.numpy against NumPy, and their derivatives.

split family, tile, repeat, flip family, rot90, roll, pad, meshgrid, append/delete/select/
compress, diag, diagonal, trace, tril/triu, einsum, tensordot and kron: each row is evaluated
by NumPy and by autodiff.numpy (same values, shapes and dtypes, lists for the splits), and
differentiable rows pass check_grads(order=2) in both modes. einsum's common forms stage to a
single matmul (BLAS under jit), and one jitted gradient covers the family against eager.
"""
from typing import Callable, NamedTuple

import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp
from autodiff.avals import ShapedArray
from autodiff.numpy.indexing import getitem
from autodiff.primitives.linalg import matmul_p

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4, 5))
M = RNG.standard_normal((4, 4))
R = RNG.standard_normal((3, 1, 2))     # size-1 axis
V = RNG.standard_normal(5)
S = RNG.standard_normal(())            # 0-d


def _index(L, a, idx):
    return getitem(a, idx) if L is anp else a[idx]


class Case(NamedTuple):
    name: str
    call: Callable        # call(L, *args) with L = numpy or autodiff.numpy
    args: tuple
    grad: bool = True


CASES = [
    # splitting (list results)
    Case("split-sections", lambda L, a: L.split(a, 5, axis=-1), (A,)),
    Case("split-indices", lambda L, a: L.split(a, [1, 3, 9], axis=1), (A,)),
    Case("array_split", lambda L, a: L.array_split(a, 3, axis=-1), (A,)),
    Case("array_split-size1", lambda L, a: L.array_split(a, 2, axis=1), (R,)),
    Case("hsplit", lambda L, a: L.hsplit(a, [2]), (A,)),
    Case("vsplit", lambda L, a: L.vsplit(a, 2), (M,)),
    Case("dsplit", lambda L, a: L.dsplit(a, [1, 4]), (A,)),
    Case("unstack", lambda L, a: L.unstack(a, axis=-1), (R,)),
    # repetition
    Case("tile", lambda L, a: L.tile(a, (2, 1, 2)), (A,)),
    Case("tile-promote", lambda L, a: L.tile(a, (2, 3)), (V,)),
    Case("tile-scalar", lambda L, a: L.tile(a, 3), (S,)),
    Case("repeat-int", lambda L, a: L.repeat(a, 3, axis=-2), (A,)),
    Case("repeat-array", lambda L, a: L.repeat(a, [2, 0, 1], axis=0), (A,)),
    Case("repeat-flat", lambda L, a: L.repeat(a, 2), (R,)),
    # reversal, rotation, rolling
    Case("flip-all", lambda L, a: L.flip(a), (A,)),
    Case("flip-axes", lambda L, a: L.flip(a, (0, -1)), (R,)),
    Case("fliplr", lambda L, a: L.fliplr(a), (M,)),
    Case("flipud", lambda L, a: L.flipud(a), (V,)),
    Case("rot90", lambda L, a: L.rot90(a), (M,)),
    Case("rot90-k3-axes", lambda L, a: L.rot90(a, 3, axes=(2, 0)), (A,)),
    Case("roll-flat", lambda L, a: L.roll(a, -7), (A,)),
    Case("roll-axes", lambda L, a: L.roll(a, (2, -1, 1), axis=(0, 2, 2)), (A,)),
    Case("neg-step-slice", lambda L, a: _index(L, a, (slice(None, None, -2), slice(3, 0, -1))), (A,)),
    # padding
    Case("pad-constant", lambda L, a: L.pad(a, ((1, 0), (2, 1), (0, 3)), constant_values=((1.0, 2.0), (3.0, 4.0),
                                                                                        (5.0, 6.0))), (A,)),
    Case("pad-constant-int-width", lambda L, a: L.pad(a, 2), (R,)),
    Case("pad-edge", lambda L, a: L.pad(a, (2, 3), mode="edge"), (M,)),
    Case("pad-reflect", lambda L, a: L.pad(a, ((2, 1), (0, 0), (4, 6)), mode="reflect"), (A,)),
    Case("pad-symmetric", lambda L, a: L.pad(a, 3, mode="symmetric"), (V,)),
    Case("pad-wrap", lambda L, a: L.pad(a, ((0, 2), (5, 1)), mode="wrap"), (M,)),
    Case("pad-reflect-odd", lambda L, a: L.pad(a, (2, 6), mode="reflect", reflect_type="odd"), (V,)),
    # selection
    Case("append", lambda L, a: L.append(a, a[:1] * 2.0, axis=0), (A,)),
    Case("append-flat", lambda L, a, v: L.append(a, v), (M, V)),
    Case("delete", lambda L, a: L.delete(a, [0, -1], axis=-1), (A,)),
    Case("select", lambda L, a: L.select([a > 1.0, a < -1.0], [a * 2.0, a ** 2], default=0.5), (A,)),
    Case("compress", lambda L, a: L.compress([True, False, True, True], a, axis=1), (A,)),
    Case("extract", lambda L, a: L.extract(np.abs(A) > 0.5, a), (A,)),
    Case("meshgrid", lambda L, a, v: L.meshgrid(a, v[:3], a[:2]), (V, V)),
    Case("meshgrid-ij-sparse", lambda L, a, v: L.meshgrid(a, v, indexing="ij", sparse=True), (V, V[:2])),
    # diagonals and triangles
    Case("diag-1d", lambda L, v: L.diag(v, -2), (V,)),
    Case("diag-2d", lambda L, m: L.diag(m, 1), (M,)),
    Case("diagonal", lambda L, a: L.diagonal(a, 1, 2, 0), (A,)),
    Case("diagonal-neg-offset", lambda L, a: L.diagonal(a, -1, -1, 1), (A,)),
    Case("diagonal-empty", lambda L, a: L.diagonal(a, 9), (A,)),
    Case("trace", lambda L, m: L.trace(m, -1), (M,)),
    Case("trace-3d", lambda L, a: L.trace(a, 0, 1, 2), (A,)),
    Case("tril", lambda L, a: L.tril(a, -1), (A,)),
    Case("triu-1d", lambda L, v: L.triu(v, 1), (V,)),
    # contractions
    Case("kron", lambda L, m, v: L.kron(m, v), (M, V)),
    Case("kron-3d", lambda L, a, r: L.kron(a, r), (A, R)),
    Case("tensordot-int", lambda L, a, b: L.tensordot(a, b, 1), (A, RNG.standard_normal((5, 2)))),
    Case("tensordot-pairs", lambda L, a, b: L.tensordot(a, b, axes=([0, 2], [2, 0])),
         (A, RNG.standard_normal((5, 2, 3)))),
    Case("tensordot-outer", lambda L, a, b: L.tensordot(a, b, 0), (V, M)),
    Case("dot-nd", lambda L, a, b: L.dot(a, b), (A, RNG.standard_normal((2, 5, 3)))),
]

EINSUM = [  # (subscripts, operand shapes)
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("ij,jk", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ij,j->i", [(3, 4), (4,)]),
    ("i,i", [(4,), (4,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ii", [(4, 4)]),
    ("ii->i", [(4, 4)]),
    ("iji->j", [(3, 2, 3)]),
    ("ijk->kji", [(2, 3, 4)]),
    ("ijk->", [(2, 3, 4)]),
    ("...ij,...jk", [(2, 3, 4), (2, 4, 5)]),
    ("...ij,jk->...ik", [(2, 1, 3, 4), (4, 2)]),
    ("i...,i...", [(2, 3), (2, 1)]),
    ("ij,ij->ij", [(1, 3), (2, 3)]),
    ("kj,ji", [(3, 4), (4, 3)]),
    (",i->i", [(), (3,)]),
    ("ab,bc,cd->ad", [(2, 3), (3, 4), (4, 2)]),
    ("ab,cd,bc->", [(2, 3), (4, 2), (3, 4)]),
    ("bn,bnm,bm->b", [(2, 3), (2, 3, 4), (2, 4)]),
]
for _sub, _shapes in EINSUM:
    CASES.append(Case(f"einsum[{_sub}]", lambda L, *ops, _s=_sub: L.einsum(_s, *ops),
                      tuple(RNG.standard_normal(s) for s in _shapes)))


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_values_match_numpy(case):
    want, got = case.call(np, *case.args), case.call(anp, *case.args)
    assert type(got) is type(want) or not isinstance(want, (list, tuple))
    assert len(_as_list(got)) == len(_as_list(want))
    for g, w in zip(_as_list(got), _as_list(want)):
        assert np.shape(g) == np.shape(w) and np.asarray(g).dtype == np.asarray(w).dtype
        np.testing.assert_allclose(g, w, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("case", [c for c in CASES if c.grad], ids=[c.name for c in CASES if c.grad])
def test_grads(case):
    ad.check_grads(lambda *args: case.call(anp, *args), case.args, order=2)


def test_meshgrid_of_constants_is_numpy():
    out = anp.meshgrid(V, V[:2], indexing="ij")
    assert all(isinstance(o, np.ndarray) for o in out)


# -- einsum compiles to matmul (BLAS under jit), not to elementwise loops --------------------------------------
@pytest.mark.parametrize("subscripts, shapes", [("ij,jk->ik", [(3, 4), (4, 5)]),
                                                ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
                                                ("ij,kj->ik", [(3, 4), (5, 4)])])
def test_einsum_matrix_products_stage_to_one_matmul(subscripts, shapes):
    graph, _, _ = ad.make_graph(lambda a, b: anp.einsum(subscripts, a, b),
                                [ShapedArray(s, np.float64) for s in shapes])
    assert [e.primitive for e in graph.eqns if e.primitive.name not in ("transpose",)] == [matmul_p]


@pytest.mark.parametrize("call, error", [
    (lambda: anp.einsum("ij,jk", M, V), ValueError),
    (lambda: anp.einsum("ij->k", M), ValueError),
    (lambda: anp.einsum("ij,j", M), ValueError),
    (lambda: anp.einsum("ii->i", A[0]), ValueError),
    (lambda: anp.split(A, 3, axis=1), ValueError),
    (lambda: anp.tensordot(A, M, axes=([1], [1, 0])), ValueError),
    (lambda: anp.diag(A), ValueError),
    (lambda: anp.diagonal(V), ValueError),
    (lambda: anp.repeat(A, [1, 2], axis=0), ValueError),
    (lambda: anp.pad(A, 1, mode="maximum"), NotImplementedError),
    (lambda: anp.fliplr(V), ValueError),
])
def test_errors(call, error):
    with pytest.raises(error):
        call()


def test_shapes_that_depend_on_traced_values_raise():
    with pytest.raises(TypeError, match="concrete"):
        ad.make_graph(lambda a, r: anp.repeat(a, r), [ShapedArray((3,), np.float64), ShapedArray((3,), np.int64)])
    with pytest.raises(TypeError, match="anp.where"):
        ad.make_graph(lambda a: anp.compress(a > 0, a), [ShapedArray((3,), np.float64)])


# -- jit: the family in one compiled value-and-gradient --------------------------------------------------------
def _shape_program(a, m, v):
    return anp.split(a, [1, 3], axis=1) + [
        anp.tile(v, (2, 2)), anp.repeat(a, 2, axis=0), anp.repeat(m, [1, 0, 2, 1], axis=1), anp.flip(a, (0, 2)),
        anp.rot90(m), anp.roll(a, (1, -2), axis=(0, 2)), anp.pad(a, ((1, 0), (0, 2), (1, 1))),
        anp.pad(m, 2, mode="reflect"), anp.diag(v, 1), anp.diagonal(a, 0, 2, 1), anp.trace(m), anp.tril(m, -1),
        anp.triu(a), anp.einsum("ij,jk->ik", m, a[0]), anp.einsum("bij,bjk->bik", a[:, :, :4], a[:, :, :2]),
        anp.einsum("ii->i", m), anp.einsum("i...,i...", a, a), anp.tensordot(a, m, axes=([1], [0])),
        anp.kron(m[:2, :2], v[:3]), anp.meshgrid(v, v[:3])[0], anp.select([a > 0.5], [a], default=-a)]


def _shape_loss(a, m, v):
    outs = _shape_program(a, m, v)
    w = np.random.default_rng(7)
    return sum(anp.sum(o * w.standard_normal(np.shape(o))) for o in outs), outs


def test_jit_equals_eager():
    args = (A, M, V)
    f = ad.value_and_grad(_shape_loss, argnums=(0, 1, 2), has_aux=True)
    (value, outs), grads = ad.jit(f)(*args)
    (value_e, outs_e), grads_e = f(*args)
    for got, want, ref in zip(outs, outs_e, _shape_program(*args)):
        assert np.shape(got) == np.shape(ref)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(want, ref, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(value, value_e, rtol=1e-12)
    for g, ge in zip(grads, grads_e):
        np.testing.assert_allclose(g, ge, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("module", ["manipulation", "contractions"])
def test_public_names_are_exported(module):
    import importlib
    mod = importlib.import_module(f"autodiff.numpy.{module}")
    assert len(set(mod.__all__)) == len(mod.__all__)
    for name in mod.__all__:
        assert getattr(anp, name) is getattr(mod, name), name
