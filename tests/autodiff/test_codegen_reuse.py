"""Compiled code is reused when only constants or data lengths change (codegen lits buffer, sizes.py).

Reuse is checked on the compiled objects (the same Numba dispatcher), never by timing; values and
gradients are checked against numpy formulas, and against a fresh compile of the same program.
"""
import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp
from autodiff.codegen import sizes


def _closure(c):
    def f(x):
        return anp.sum(anp.exp(x * c) + c * x ** 2)
    return ad.jit(ad.value_and_grad(f))


def test_a_changed_float_constant_reuses_the_compiled_code():
    x = np.array([0.1, -0.4, 0.3])
    first = _closure(3.5)
    first(x)
    for c in (3.5, 4.25, -7.0):
        jitted = _closure(c)
        val, grad = jitted(x)
        assert jitted.last.dispatcher is first.last.dispatcher
        assert val == pytest.approx(np.sum(np.exp(x * c) + c * x ** 2), rel=1e-12)
        np.testing.assert_allclose(grad, c * np.exp(x * c) + 2 * c * x, rtol=1e-12)
    assert "3.5" not in first.source and "lits" in first.source  # the source holds no constant


def test_structural_constants_stay_in_the_source():
    f = ad.jit(lambda x: anp.sum(x * 0.5 + x ** 2))
    f(np.ones(3))
    assert "lits" not in f.source and "0.5" in f.source


def _data_model(y):
    def f(m):
        return anp.sum((y - m[0]) ** 2 / m[1]) + anp.sum(y[1:] * y[:-1] * m[0])
    return ad.jit(ad.value_and_grad(f))


def _data_reference(y, m):
    val = np.sum((y - m[0]) ** 2 / m[1]) + np.sum(y[1:] * y[:-1] * m[0])
    grad = [np.sum(-2 * (y - m[0]) / m[1]) + np.sum(y[1:] * y[:-1]), -np.sum((y - m[0]) ** 2) / m[1] ** 2]
    return val, np.array(grad)


@pytest.mark.parametrize("lengths", [(40, 57, 23, 16), (6, 7, 10, 8)])
def test_new_data_lengths_reuse_the_compiled_code(lengths):
    """Long data: the first compile already reads its length at run time. Short data (a length that
    could be a structural number): the second length shows what varies, and later ones reuse that.
    (y[1:] must stay above the small-array limit, 4 elements for a vector: smaller arrays become
    scalar locals, codegen/scalarise.py, a program of their own.)"""
    rng = np.random.default_rng(1)
    m = np.array([0.3, 1.7])
    dispatchers = []
    for n in lengths:
        y = rng.normal(size=n)
        jitted = _data_model(y)
        val, grad = jitted(m)
        ref_val, ref_grad = _data_reference(y, m)
        assert val == pytest.approx(ref_val, rel=1e-12)
        np.testing.assert_allclose(grad, ref_grad, rtol=1e-12)
        dispatchers.append(jitted.last.dispatcher)
    shared_from = 0 if lengths[0] >= sizes.GUESS_AT_LEAST else 1
    assert all(d is dispatchers[shared_from] for d in dispatchers[shared_from:])


def test_arguments_of_a_new_length_reuse_the_compiled_code():
    f = ad.jit(ad.grad(lambda x: anp.sum(anp.sin(x) * x)))
    for n in (30, 31, 100):
        x = np.linspace(-1, 1, n)
        np.testing.assert_allclose(f(x), np.cos(x) * x + np.sin(x), rtol=1e-12)
    assert len({id(c.dispatcher) for c in f.cache.values()}) == 1


def test_a_size_that_is_not_affine_in_the_data_length_compiles_afresh():
    """x.reshape(n // 2, 2) puts n/2 in the source: not an integer affine function of the length, so
    the second length is compiled as it is, and both give numpy's values."""
    def make(y):
        return ad.jit(lambda s: anp.sum(anp.prod(y.reshape(-1, 2) * s, axis=1)))
    y1, y2 = np.linspace(0, 1, 40), np.linspace(0, 2, 50)
    a, b = make(y1), make(y2)
    assert a(np.float64(1.5)) == pytest.approx(np.sum(np.prod(y1.reshape(-1, 2) * 1.5, axis=1)), rel=1e-12)
    assert b(np.float64(1.5)) == pytest.approx(np.sum(np.prod(y2.reshape(-1, 2) * 1.5, axis=1)), rel=1e-12)


def test_a_reused_template_gives_what_a_fresh_compile_gives(monkeypatch):
    rng = np.random.default_rng(2)
    m = np.array([-0.2, 0.9])
    _data_model(rng.normal(size=64))(m)
    y = rng.normal(size=77)
    shared = _data_model(y)
    shared_out = shared(m)
    assert shared.last.template is not None
    monkeypatch.setattr(sizes, "registry", sizes.Registry())
    monkeypatch.setattr(sizes, "GUESS_AT_LEAST", 10 ** 9)
    fresh = _data_model(y)
    fresh_out = fresh(m)
    assert fresh.last.template is None and fresh.last.dispatcher is not shared.last.dispatcher
    assert shared_out[0] == fresh_out[0]
    np.testing.assert_array_equal(shared_out[1], fresh_out[1])


def test_integer_tokens_skip_names_floats_strings_and_comments():
    skeleton, ints = sizes.split_integers("def FN(v0, lits):\n    v1 = v0[3] * 1e-05 + 2.5  # site 7\n"
                                          "    raise ValueError('length 12')\n    return range(40)")
    assert ints == [3, 40]
    assert "v0[\x00]" in skeleton and "1e-05" in skeleton and "'length 12'" in skeleton and "# site 7" in skeleton


def test_learning_a_template_needs_an_affine_integer_relation():
    skeleton = "def FN(v1):\n    a = range(\x00)\n    b = v1[\x00]\n    c = \x00\n    return (\x00,)"
    dims_a, dims_b = {("v1", 0): 10}, {("v1", 0): 14}
    t = sizes.learn(skeleton, [10, 9, 3, 21], dims_a, [14, 13, 3, 29], dims_b)
    assert t.slots[2] == 3 and t.matches([100, 99, 3, 201], {("v1", 0): 100})
    assert not t.matches([100, 98, 3, 201], {("v1", 0): 100})
    source = t.source("f")
    assert "size0 = v1.shape[0]" in source and "range(size0)" in source and "v1[(size0 - 1)]" in source
    assert "c = 3" in source and "return ((2 * size0 + 1),)" in source
    assert sizes.learn(skeleton, [10, 5, 3, 1], dims_a, [14, 7, 3, 1], dims_b) is None  # n / 2: not an integer slope


def test_a_long_compile_prints_progress_and_says_loading_when_cached(monkeypatch):
    import io
    import time

    import numba

    from autodiff.codegen import compile as codegen_compile
    monkeypatch.setattr(codegen_compile, "ANNOUNCE_AFTER", 0.0)
    monkeypatch.setattr(codegen_compile, "PROGRESS_EVERY", 0.05)
    out = io.StringIO()
    with codegen_compile.announce("two functions", stream=out, verb="loading") as timing:
        timing["functions"] = 2
        numba.njit(lambda v: v + 1)(1)
        time.sleep(0.3)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("numbayes: loading two functions") and lines[-1].startswith("numbayes: loaded")
    assert any("of 2 functions compiled" in line for line in lines[1:-1])
    assert "1 of 2 functions compiled" in lines[-2]


def test_progress_counts_only_the_generated_functions(monkeypatch):
    """A model's progress line counts its own generated functions, the library kernels they call apart."""
    import io
    import time

    import numba

    from autodiff.codegen import compile as codegen_compile
    monkeypatch.setattr(codegen_compile, "ANNOUNCE_AFTER", 0.0)
    monkeypatch.setattr(codegen_compile, "PROGRESS_EVERY", 0.05)
    out = io.StringIO()
    with codegen_compile.announce("one function", stream=out) as timing:
        timing["functions"] = 1
        timing["counts"] = codegen_compile.is_generated
        numba.njit(lambda v: v + 2)(1)  # written here, not by the code generator: a "library kernel"
        time.sleep(0.3)
    lines = out.getvalue().splitlines()
    assert "0 of 1 functions compiled (and 1 library kernels)" in lines[-2]
    assert not codegen_compile.is_generated(numba.njit(lambda v: v))
