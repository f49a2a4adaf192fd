"""Elementwise functions of autodiff.numpy: values equal NumPy's, derivatives pass check_grads(order=2)
in both modes, jit equals eager, and `where`/`clip`/`maximum` never leak NaN from a branch not taken.

Table-driven in the style of JAX's LAX_GRAD_OPS: one row per function with its argument domains;
shapes (scalars, size-1 axes, broadcasting such as (3, 1) x (4,)) are crossed with the rows.
"""
from typing import Callable, NamedTuple

import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp
from autodiff.avals import ShapedArray
from autodiff.core import Tracer

# -- argument domains: each keeps the point away from singularities and kinks by more than the
#    finite-difference step, so check_grads compares smooth functions ---------------------------


def _real(rng, shape):
    return rng.uniform(-2.0, 2.0, shape)


def _pos(rng, shape):
    return rng.uniform(0.5, 2.0, shape)


def _unit(rng, shape):
    return rng.uniform(-0.9, 0.9, shape)


def _gt1(rng, shape):
    return rng.uniform(1.2, 3.0, shape)


def _nonzero(rng, shape):
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 2.0, shape)


def _away(rng, shape):
    """|x| in (0.65, 2) or |x| < 0.35: never within 0.05 of the clip bounds +-0.5 used below."""
    outer = rng.choice([-1.0, 1.0], shape) * rng.uniform(0.65, 2.0, shape)
    inner = rng.uniform(-0.35, 0.35, shape)
    return np.where(rng.uniform(size=shape) < 0.5, outer, inner)


def _lo(rng, shape):
    return rng.uniform(-0.55, -0.45, shape)


def _hi(rng, shape):
    return rng.uniform(0.45, 0.55, shape)


def sample(domains, shapes, seed):
    """One argument per domain; shape () gives a Python float (the common scalar case)."""
    rng = np.random.default_rng(seed)
    args = []
    for domain, shape in zip(domains, shapes):
        x = domain(rng, shape)
        args.append(float(x) if shape == () else x)
    return tuple(args)


UNARY_SHAPES = [((),), ((3,),), ((2, 1, 3),)]
BINARY_SHAPES = [((), ()), ((3,), ()), ((), (3,)), ((3, 1), (4,)), ((1, 3), (2, 1)), ((2, 3), (2, 3))]
TERNARY_SHAPES = [((), (), ()), ((3,), (), ()), ((3, 1), (4,), ()), ((2, 3), (3,), (2, 1))]

_MASK = np.array([[True], [False], [True]])  # a (3, 1) condition that broadcasts against (4,)


class Op(NamedTuple):
    name: str
    fn: Callable                        # autodiff.numpy version
    ref: Callable                       # numpy version
    domains: tuple
    shapes: list
    value_ulp: int = 0                  # allowed distance from NumPy's values (0: bitwise equal)


def unary(name, domain, fn=None, ref=None, **kw):
    return Op(name, fn or getattr(anp, name), ref or getattr(np, name), (domain,), UNARY_SHAPES, **kw)


def binary(name, d1, d2, fn=None, ref=None, **kw):
    return Op(name, fn or getattr(anp, name), ref or getattr(np, name), (d1, d2), BINARY_SHAPES, **kw)


OPS = [
    # arithmetic
    binary("add", _real, _real),
    binary("subtract", _real, _real),
    binary("multiply", _real, _real),
    binary("divide", _real, _nonzero),
    binary("power", _pos, _real),
    unary("pow_int2", _real, fn=lambda x: x ** 2, ref=lambda x: x ** 2),
    unary("pow_int3", _real, fn=lambda x: x ** 3, ref=lambda x: x ** 3),
    unary("pow_int_neg", _nonzero, fn=lambda x: x ** -2, ref=lambda x: x ** -2),
    unary("pow_frac", _pos, fn=lambda x: x ** 1.5, ref=lambda x: x ** 1.5),
    unary("pow_half", _pos, fn=lambda x: x ** 0.5, ref=lambda x: x ** 0.5),
    unary("pow_neg_frac", _pos, fn=lambda x: x ** -0.7, ref=lambda x: x ** -0.7),
    unary("rpow", _real, fn=lambda x: 2.0 ** x, ref=lambda x: 2.0 ** x),
    unary("power_float_exp", _pos, fn=lambda x: anp.power(x, 2.5), ref=lambda x: np.power(x, 2.5)),
    unary("negative", _real),
    unary("square", _real),
    unary("sqrt", _pos),
    unary("cbrt", _nonzero),
    unary("reciprocal", _nonzero),
    # exponentials and logarithms
    unary("exp", _real),
    unary("exp2", _real),
    unary("expm1", _real),
    unary("log", _pos),
    unary("log2", _pos),
    unary("log10", _pos),
    unary("log1p", _pos),
    binary("logaddexp", _real, _real),
    binary("logaddexp2", _real, _real, value_ulp=2),  # see test_logaddexp2_equals_numpy_exactly
    # trigonometric and hyperbolic
    unary("sin", _real),
    unary("cos", _real),
    unary("tan", _unit),
    unary("arcsin", _unit),
    unary("arccos", _unit),
    unary("arctan", _real),
    unary("sinh", _real),
    unary("cosh", _real),
    unary("tanh", _real),
    unary("arcsinh", _real),
    unary("arccosh", _gt1),
    unary("arctanh", _unit),
    binary("arctan2", _real, _nonzero),
    binary("hypot", _nonzero, _nonzero),
    # piecewise smooth (points kept away from the kinks)
    unary("abs", _nonzero),
    binary("maximum", _real, _real),
    binary("minimum", _real, _real),
    Op("clip", anp.clip, np.clip, (_away, _lo, _hi), TERNARY_SHAPES),
    Op("where", lambda x, y: anp.where(_MASK, x, y), lambda x, y: np.where(_MASK, x, y), (_real, _real),
       [((4,), ()), ((), (4,)), ((3, 4), (4,)), ((1, 4), (3, 1))]),
]


CASES = [pytest.param(op, shapes, 1000 * k + len(shapes[0]), id=f"{op.name}-{'x'.join(str(s) for s in shapes)}")
         for k, op in enumerate(OPS) for shapes in op.shapes]


def assert_same_numpy_value(out, expected, ulp=0):
    assert not isinstance(out, Tracer)
    assert type(out) is type(expected), (type(out), type(expected))
    assert np.asarray(out).dtype == np.asarray(expected).dtype
    if ulp:
        np.testing.assert_array_max_ulp(out, expected, maxulp=ulp)
    else:
        np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("op, shapes, seed", CASES)
def test_values_equal_numpy_exactly(op, shapes, seed):
    args = sample(op.domains, shapes, seed)
    expected = op.ref(*args)
    assert_same_numpy_value(op.fn(*args), expected, op.value_ulp)
    # the primal computed under a transform (integer_pow, sqrt for ** 0.5, ...) agrees to 1 ulp
    # (Python's float ** 0.5 is pow(), a traced ** 0.5 is sqrt)
    primal, _ = ad.jvp(op.fn, args, tuple(np.ones_like(a) if np.ndim(a) else 1.0 for a in args))
    np.testing.assert_array_max_ulp(primal, expected, maxulp=max(1, op.value_ulp))


@pytest.mark.parametrize("op, shapes, seed", CASES)
def test_check_grads_order2_both_modes(op, shapes, seed):
    ad.check_grads(op.fn, sample(op.domains, shapes, seed), order=2, modes=("fwd", "rev"))


def test_logaddexp2_equals_numpy_exactly():
    x, y = sample((_real, _real), ((3, 1), (4,)), 0)
    np.testing.assert_array_equal(anp.logaddexp2(x, y), np.logaddexp2(x, y))


def test_check_grads_fails_for_a_wrong_derivative():
    """The table above can fail: a custom rule with the wrong derivative is caught in both modes."""
    @ad.custom_jvp
    def wrong_sin(x):
        return anp.sin(x)

    @wrong_sin.defjvp
    def _(primals, tangents):
        return wrong_sin(primals[0]), 1.5 * tangents[0]

    for mode in ("fwd", "rev"):
        with pytest.raises(AssertionError, match="finite differences"):
            ad.check_grads(wrong_sin, (np.array([0.3, 1.1]),), order=1, modes=mode)


def test_integer_exponent_binds_integer_pow_and_handles_zero_and_one():
    x = np.array([-1.5, 0.0, 2.0])
    graph, _, _ = ad.make_graph(lambda x: [x ** 3, x ** -2, x ** 0.5], [ShapedArray((3,), np.float64)])
    assert [e.primitive.name for e in graph.eqns] == ["integer_pow", "integer_pow", "sqrt"]
    np.testing.assert_array_equal(ad.grad(lambda x: anp.sum(x ** 0))(x), np.zeros(3))
    np.testing.assert_array_equal(ad.grad(lambda x: anp.sum(x ** 1))(x), np.ones(3))
    np.testing.assert_array_equal(ad.grad(lambda x: anp.sum(x ** 2))(x), 2 * x)
    np.testing.assert_array_equal(ad.grad(lambda x: anp.sum(x ** 3))(x), 3 * x ** 2)
    # integer arrays keep numpy's integer result outside transforms
    out = anp.power(np.arange(4), 2)
    assert out.dtype == np.power(np.arange(4), 2).dtype
    np.testing.assert_array_equal(out, np.arange(4) ** 2)


def test_maximum_minimum_split_the_gradient_at_ties():
    assert ad.grad(anp.maximum, argnums=(0, 1))(1.0, 1.0) == (0.5, 0.5)
    assert ad.grad(anp.minimum, argnums=(0, 1))(1.0, 1.0) == (0.5, 0.5)
    _, t = ad.jvp(anp.maximum, (1.0, 1.0), (1.0, 1.0))
    assert t == 1.0


def test_clip_gradient_goes_to_the_active_bound():
    x = np.array([-2.0, 0.0, 2.0])
    gx, glo, ghi = ad.grad(lambda x, lo, hi: anp.sum(anp.clip(x, lo, hi)), argnums=(0, 1, 2))(x, -1.0, 1.0)
    np.testing.assert_array_equal(gx, [0.0, 1.0, 0.0])
    assert (glo, ghi) == (1.0, 1.0)


# -- rounding: values exact, gradient exactly zero -----------------------------------------------

ZERO_GRAD = [("floor", anp.floor, np.floor), ("ceil", anp.ceil, np.ceil), ("round", anp.round, np.round),
             ("rint", anp.rint, np.rint), ("trunc", anp.trunc, np.trunc), ("sign", anp.sign, np.sign)]
_OFF_GRID = np.array([-1.7, -0.3, 0.2, 1.6, 2.4])  # away from integers and from .5 (round's ties)


@pytest.mark.parametrize("name, fn, ref", ZERO_GRAD, ids=[r[0] for r in ZERO_GRAD])
def test_rounding_has_zero_gradient(name, fn, ref):
    x = _OFF_GRID
    assert_same_numpy_value(fn(x), ref(x))
    np.testing.assert_array_equal(ad.grad(lambda x: anp.sum(fn(x)))(x), np.zeros(5))
    primal, tangent = ad.jvp(fn, (x,), (np.ones(5),))
    np.testing.assert_array_equal(primal, ref(x))
    np.testing.assert_array_equal(tangent, np.zeros(5))
    # product rule with a zero factor: d/dx [f(x) * x] = f(x)
    np.testing.assert_array_equal(ad.grad(lambda x: anp.sum(fn(x) * x))(x), ref(x))
    ad.check_grads(lambda x: fn(x) * x, (x,), order=2)


# -- predicates and comparisons: boolean values, no gradient -------------------------------------

_SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.0])
PREDICATES = [("isfinite", anp.isfinite, np.isfinite), ("isnan", anp.isnan, np.isnan),
              ("isinf", anp.isinf, np.isinf)]
COMPARISONS = ["greater", "greater_equal", "less", "less_equal", "equal", "not_equal"]
NOGRAD = PREDICATES + [(n, (lambda f: lambda x: f(x, 0.0))(getattr(anp, n)),
                        (lambda f: lambda x: f(x, 0.0))(getattr(np, n))) for n in COMPARISONS]


@pytest.mark.parametrize("name, fn, ref", NOGRAD, ids=[r[0] for r in NOGRAD])
def test_predicates_and_comparisons_have_no_gradient(name, fn, ref):
    with np.errstate(invalid="ignore"):
        assert_same_numpy_value(fn(_SPECIAL), ref(_SPECIAL))
    x = np.array([-1.0, 0.5, 2.0])
    primal, tangent = ad.jvp(fn, (x,), (np.ones(3),))
    assert np.asarray(primal).dtype == np.bool_
    assert not np.any(tangent)
    (ct,) = ad.vjp(fn, x)[1](np.ones(3))
    np.testing.assert_array_equal(ct, np.zeros(3))
    # used as a mask, the gradient flows only through the selected values
    g = ad.grad(lambda x: anp.sum(anp.where(fn(x), 3.0 * x, -x)))(x)
    np.testing.assert_array_equal(g, np.where(ref(x), 3.0, -1.0))


def test_signbit_matches_numpy_on_negative_zero():
    x = np.array([-0.0, 0.0, -1.0, 2.0])
    np.testing.assert_array_equal(anp.signbit(x), np.signbit(x))


def test_comparison_operators_on_tracers():
    x = np.array([-1.0, 0.5, 2.0])

    def f(x):
        masks = [x > 0, x >= 0.5, x < 0, x <= 0.5, x == 2.0, x != 2.0, (x > 0) & (x < 1), (x < 0) | (x > 1), ~(x > 0)]
        return anp.sum(sum(anp.where(m, x * (k + 1), 0.0) for k, m in enumerate(masks)))

    masks = [x > 0, x >= 0.5, x < 0, x <= 0.5, x == 2.0, x != 2.0, (x > 0) & (x < 1), (x < 0) | (x > 1), ~(x > 0)]
    expected = sum(np.where(m, k + 1.0, 0.0) for k, m in enumerate(masks))
    np.testing.assert_array_equal(ad.grad(f)(x), expected)


# -- jit equals eager, one compiled function per family -------------------------------------------
# Numba compiles scalar code ~10x faster than loop nests, so the families run at scalar arguments
# with second derivatives, and one small family covers broadcasting (unbroadcast sums) on arrays.

def _row_outputs(fn, args, second=True):
    """Value, reverse-mode gradient, forward-mode tangent and (optionally) a second-order term."""
    argnums = tuple(range(len(args)))
    tangents = tuple(0.5 + np.arange(np.size(a)).reshape(np.shape(a)) / 4.0 for a in args)
    scalar = lambda *a: anp.sum(anp.sin(fn(*a)))  # noqa: E731  (non-uniform output cotangent)
    out = {"value": fn(*args),
           "grad": ad.grad(scalar, argnums=argnums)(*args),
           "tangent": ad.jvp(fn, args, tangents)[1]}
    if second:
        out["second"] = ad.jvp(ad.grad(scalar, argnums=argnums), args, tangents)[1]
    return out


_SCALAR = {1: ((),), 2: ((), ()), 3: ((), (), ())}
_ZERO_GRAD_OPS = [Op(n, f, r, (_real,), [((),)]) for n, f, r in ZERO_GRAD]
_PRED_OPS = [Op(n, (lambda f: lambda x: anp.where(f(x), x * x, anp.sin(x)))(f), None, (_real,), [((),)])
             for n, f, _ in NOGRAD]
_WHERE_SCALAR = Op("where_scalar", lambda x, y: anp.where(x > y, anp.sin(x), y * y), None, (_real, _real), [])
_BY_NAME = {op.name: op for op in OPS}
FAMILIES = {  # family -> ([(row, argument shapes)], with second derivatives?)
    "unary": ([(op, _SCALAR[1]) for op in OPS if len(op.domains) == 1], True),
    "binary": ([(op, _SCALAR[2]) for op in OPS if len(op.domains) == 2 and op.name != "where"], True),
    "piecewise": ([(op, _SCALAR[len(op.domains)]) for op in
                   [_BY_NAME[n] for n in ("abs", "maximum", "minimum", "clip")] + [_WHERE_SCALAR]
                   + _ZERO_GRAD_OPS + _PRED_OPS], True),
    "broadcasting": ([(_BY_NAME["add"], ((3, 1), (4,))), (_BY_NAME["multiply"], ((1, 3), (2, 1))),
                      (_BY_NAME["maximum"], ((), (3,))), (_BY_NAME["where"], ((1, 4), (3, 1))),
                      (_BY_NAME["clip"], ((2, 3), (3,), (2, 1)))], False),
}
_JITTED = {}


@pytest.mark.parametrize("family", list(FAMILIES))
def test_jit_equals_eager_per_family(family):
    rows, second = FAMILIES[family]
    args = {op.name: sample(op.domains, shapes, 7000 + k) for k, (op, shapes) in enumerate(rows)}

    def outputs(args_by_name):
        return {op.name: _row_outputs(op.fn, args_by_name[op.name], second) for op, _ in rows}

    jitted = _JITTED.setdefault(family, ad.jit(outputs))
    with np.errstate(all="ignore"):
        eager = outputs(args)
    compiled = jitted(args)
    e_leaves, e_tree = ad.tree_flatten(eager)
    c_leaves, c_tree = ad.tree_flatten(compiled)
    assert e_tree == c_tree and len(e_leaves) >= 3 * len(rows)
    for e, c in zip(e_leaves, c_leaves):
        assert not isinstance(c, Tracer)
        assert np.shape(c) == np.shape(e)
        np.testing.assert_allclose(c, e, rtol=1e-12, atol=1e-12)


# -- where / clip / maximum: the branch not taken never produces a NaN gradient ------------------

NAN_SAFE = [  # (name, f, points where the NaN/inf-derivative branch is not taken)
    ("where_log", lambda x: anp.where(x > 0, anp.log(x), 0.0), (-1.0, 0.0)),
    ("where_sqrt", lambda x: anp.where(x > 0, anp.sqrt(x), 0.0), (-1.0, 0.0)),
    ("where_sqrt_else", lambda x: anp.where(x <= 0, 0.0, anp.sqrt(x)), (-1.0, 0.0)),
    ("where_recip", lambda x: anp.where(x != 0, 1.0 / x, 0.0), (0.0,)),
    ("where_pow", lambda x: anp.where(x > 0, x ** 0.3, 0.0), (-1.0, 0.0)),
    ("where_arcsin", lambda x: anp.where(anp.abs(x) < 1, anp.arcsin(x), 0.0), (1.0, -2.0)),
    ("maximum_log", lambda x: anp.maximum(anp.log(x), -5.0), (0.0,)),
    ("minimum_neglog", lambda x: anp.minimum(-anp.log(x), 5.0), (0.0,)),
    ("clip_log", lambda x: anp.clip(anp.log(x), -5.0, 5.0), (0.0,)),
]
_NAN_SAFE_CASES = [pytest.param(name, f, x0, id=f"{name}-{x0}") for name, f, pts in NAN_SAFE for x0 in pts]
# Second-order reverse mode through a product inside the branch not taken (x * log(x) is the
# entropy / xlogy pattern) gives NaN.
NAN_SAFE_PRODUCTS = [
    ("where_xlogx", lambda x: anp.where(x > 0, x * anp.log(x), 0.0)),
    ("where_x_sqrt", lambda x: anp.where(x > 0, x * anp.sqrt(x), 0.0)),
    ("where_log_squared", lambda x: anp.where(x > 0, anp.log(x) ** 2, 0.0)),
    ("maximum_xlogx", lambda x: anp.maximum(x * anp.log(x), -5.0)),
    ("clip_xlogx", lambda x: anp.clip(x * anp.log(x), -5.0, 5.0)),
]
SAFE_MUL_BUG = ("BUG: safe_mul's derivative w.r.t. its 2nd operand is safe_mul(ct, a), not safe_mul(a, ct): "
                "inf * 0 = NaN in reverse-over-reverse through the branch not taken")


def _all_modes(f):
    return {"rev": ad.grad(f), "fwd": ad.jacfwd(f), "rev_rev": ad.grad(ad.grad(f)),
            "fwd_fwd": ad.jacfwd(ad.jacfwd(f)), "fwd_rev": ad.jacfwd(ad.grad(f)), "rev_fwd": ad.grad(ad.jacfwd(f))}


def _nan_safe_outputs(rows):
    return lambda x: {name: {mode: d(x) for mode, d in _all_modes(f).items()} for name, f in rows}


def _assert_all_zero(tree):
    leaves, _ = ad.tree_flatten(tree)
    for leaf in leaves:
        assert np.all(np.asarray(leaf) == 0.0), tree


@pytest.mark.parametrize("name, f, x0", _NAN_SAFE_CASES)
def test_branch_not_taken_gives_zero_gradient_eager(name, f, x0):
    with np.errstate(all="ignore"):
        _assert_all_zero(_nan_safe_outputs([(name, f)])(x0))


def test_where_log_exact_examples_from_the_spec():
    with np.errstate(all="ignore"):
        assert ad.grad(lambda x: anp.where(x > 0, anp.log(x), 0.0))(-1.0) == 0.0
        assert ad.grad(lambda x: anp.where(x > 0, anp.log(x), 0.0))(0.0) == 0.0
        assert ad.grad(lambda x: anp.where(x > 0, anp.sqrt(x), 0.0))(-1.0) == 0.0
        assert ad.jvp(lambda x: anp.where(x > 0, anp.sqrt(x), 0.0), (-1.0,), (1.0,))[1] == 0.0


_NAN_SAFE_JIT = ad.jit(lambda x, v: {"scalar": _nan_safe_outputs([r[:2] for r in NAN_SAFE])(x),
                                     "vector": ad.grad(lambda v: anp.sum(anp.where(v > 0, anp.log(v), v)))(v)})


@pytest.mark.parametrize("x0", sorted({x0 for *_, pts in NAN_SAFE for x0 in pts}))
def test_branch_not_taken_gives_zero_gradient_under_jit(x0):
    out = _NAN_SAFE_JIT(x0, np.array([-1.0, 0.0, 2.0]))  # one compilation for every x0
    for name, _, pts in NAN_SAFE:
        if x0 in pts:
            _assert_all_zero(out["scalar"][name])
    np.testing.assert_array_equal(out["vector"], [1.0, 1.0, 0.5])


@pytest.mark.parametrize("name, f", NAN_SAFE_PRODUCTS, ids=[r[0] for r in NAN_SAFE_PRODUCTS])
def test_branch_not_taken_products_second_order_eager(name, f):
    with np.errstate(all="ignore"):
        _assert_all_zero(_nan_safe_outputs([(name, f)])(0.0))


def test_branch_not_taken_products_second_order_under_jit():
    f = NAN_SAFE_PRODUCTS[0][1]
    assert ad.jit(ad.grad(ad.grad(f)))(0.0) == 0.0


def test_hessian_of_xlogx_is_finite_where_masked():
    """Forward-over-reverse (ad.hessian) is NaN-free at the masked point; x log x'' = 1/x elsewhere."""
    g = lambda x: anp.sum(anp.where(x > 0, x * anp.log(x), 0.0))  # noqa: E731
    with np.errstate(all="ignore"):
        h = ad.hessian(g)(np.array([0.0, 1.0, 2.0]))
    np.testing.assert_array_equal(h, np.diag([0.0, 1.0, 0.5]))
