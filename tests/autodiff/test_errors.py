"""Error messages say what went wrong and what to do instead: each row asserts the exception type
and the key phrases of its message. None of these compiles anything (they fail while tracing)."""
import numpy as np
import pytest

import autodiff as ad
import autodiff.numpy as anp
from autodiff.errors import ConcretizationError, EscapedTracerError, NumpyOnTracerError


def _custom_vjp_bad_bwd():
    f = ad.custom_vjp(lambda x: x * 2.0)
    f.defvjp(lambda x: (x * 2.0, None), lambda _, ct: ct * 2.0)  # not a tuple
    return ad.grad(f)(1.0)


def _leak_then_use():
    box = []
    ad.grad(lambda x: box.append(x * 2.0) or x)(1.0)
    return ad.grad(lambda y: box[0] * y)(1.0)


ERRORS = [  # (name, thunk, exception type, phrases the message must contain)
    # differentiating with respect to integers
    ("grad_python_int", lambda: ad.grad(lambda x: x * 2.0)(1), TypeError,
     ["floating-point", "int64", "1.0, not 1", "argnums"]),
    ("grad_int_array", lambda: ad.grad(lambda x: anp.sum(x * 2.0))(np.arange(3)), TypeError,
     ["floating-point", "int64"]),
    ("grad_bool_array", lambda: ad.grad(lambda m: anp.sum(m * 1.0))(np.array([True])), TypeError,
     ["floating-point", "bool"]),
    ("grad_argnums_int", lambda: ad.grad(lambda x, n: x * n, argnums=1)(1.0, 3), TypeError,
     ["argument 1", "floating-point"]),
    ("grad_int_leaf_in_pytree", lambda: ad.grad(lambda p: p["x"] * p["n"])({"x": 1.0, "n": 2}), TypeError,
     ["floating-point", "int64"]),
    ("value_and_grad_int", lambda: ad.value_and_grad(lambda x: x * 2.0)(3), TypeError, ["floating-point"]),
    ("jacfwd_int", lambda: ad.jacfwd(lambda x: x * 2)(np.arange(3)), TypeError, ["floating-point", "jacfwd"]),
    ("jacrev_int", lambda: ad.jacrev(lambda x: x * 2)(np.arange(3)), TypeError, ["floating-point", "jacrev"]),
    ("hessian_int", lambda: ad.hessian(lambda x: anp.sum(x ** 3))(np.arange(3)), TypeError, ["floating-point"]),
    # grad needs a real scalar output
    ("grad_vector_output", lambda: ad.grad(lambda x: x * 2.0)(np.ones(3)), TypeError,
     ["real scalar output", "shape (3,)", "ad.jacrev", "ad.jacfwd", "sum the output"]),
    ("grad_int_output", lambda: ad.grad(lambda x: anp.astype(x, np.int64))(1.0), TypeError,
     ["real scalar output", "int64"]),
    ("grad_tuple_output", lambda: ad.grad(lambda x: (x, x))(1.0), TypeError, ["real scalar output", "tuple"]),
    ("argnums_out_of_range", lambda: ad.grad(lambda x, y: x * y, argnums=2)(1.0, 2.0), ValueError,
     ["argnums=2", "2 positional arguments"]),
    # plain numpy on traced values, escaped tracers
    ("np_asarray_under_grad", lambda: ad.grad(lambda x: np.asarray(x).sum())(1.0), NumpyOnTracerError,
     ["numpy.asarray", "autodiff.numpy", "import autodiff.numpy as anp"]),
    ("np_asarray_under_jit", lambda: ad.jit(lambda x: np.asarray(x) * 2)(np.ones(2)), NumpyOnTracerError,
     ["autodiff.numpy"]),
    ("escaped_tracer", _leak_then_use, EscapedTracerError, ["escaped", "Return values from the function"]),
    # control flow
    ("scan_xs_without_axis", lambda: ad.scan(lambda c, x: (c, None), 0.0, 1.0), ValueError, ["leading axis"]),
    ("scan_lengths_disagree", lambda: ad.scan(lambda c, x: (c, None), 0.0, (np.ones(3), np.ones(4))), ValueError,
     ["leading dimensions [3, 4]", "must agree"]),
    ("scan_no_xs_no_length", lambda: ad.scan(lambda c, x: (c, None), 0.0, None), ValueError, ["length="]),
    ("scan_length_disagrees", lambda: ad.scan(lambda c, x: (c, None), 0.0, np.ones(3), length=4), ValueError,
     ["length=4", "[3]"]),
    ("scan_carry_structure", lambda: ad.jit(lambda xs: ad.scan(lambda c, x: ((c, c), None), 0.0, xs))(np.ones(3)),
     TypeError, ["structure of init", "tuple(*, *)"]),
    ("cond_branches_differ", lambda: ad.jit(lambda x: ad.cond(x > 0, lambda x: x, lambda x: anp.stack([x, x]), x))(1.0),
     TypeError, ["same structure, shapes and dtypes", "f64[2]", "f64[]"]),
    ("cond_vector_pred", lambda: ad.jit(lambda x: ad.cond(x > 0, lambda x: x, lambda x: x, x))(np.ones(2)),
     TypeError, ["scalar boolean", "(2,)"]),
    ("while_float_cond", lambda: ad.jit(lambda x: ad.while_loop(lambda s: s, lambda s: s - 1.0, x))(3.0),
     TypeError, ["cond_fun must return a scalar boolean", "f64[]"]),
    ("while_reverse_under_jit",
     lambda: ad.jit(ad.grad(lambda x: ad.while_loop(lambda s: s[0] < 3, lambda s: (s[0] + 1, s[1] * x), (0, x))[1]))(
         0.5), NotImplementedError, ["reverse-mode", "ad.while_loop", "ad.scan", "forward mode", "without jit"]),
    # jvp / vjp structure
    ("jvp_structure", lambda: ad.jvp(lambda x: x, (1.0,), (1.0, 2.0)), ValueError, ["same structure"]),
    ("jvp_shape", lambda: ad.jvp(lambda x: x, (np.ones(2),), (np.ones(3),)), ValueError,
     ["tangent shape (3,)", "primal shape (2,)"]),
    ("vjp_structure", lambda: ad.vjp(lambda x: (x, x), 1.0)[1](1.0), ValueError, ["cotangent structure"]),
    # custom rules
    ("custom_jvp_without_rule", lambda: ad.custom_jvp(lambda x: x)(1.0), AttributeError, ["defjvp"]),
    ("custom_vjp_without_rules", lambda: ad.custom_vjp(lambda x: x)(1.0), AttributeError, ["defvjp"]),
    ("custom_vjp_bwd_not_tuple", _custom_vjp_bad_bwd, TypeError, ["tuple with one cotangent per argument"]),
    # vmap, broadcasting, check_grads
    ("vmap_sizes", lambda: ad.vmap(lambda x, y: x * y)(np.ones((3, 2)), np.ones((4, 2))), ValueError,
     ["inconsistent sizes", "[3, 4]"]),
    ("vmap_in_axes_length", lambda: ad.vmap(lambda x, y: x * y, in_axes=(0,))(np.ones(3), np.ones(3)), ValueError,
     ["one entry per argument"]),
    ("broadcast_eager_grad", lambda: ad.grad(lambda x: anp.sum(x + np.ones(4)))(np.ones(3)), ValueError,
     ["could not be broadcast", "(3,)", "(4,)"]),
    ("broadcast_jit", lambda: ad.jit(lambda x: x + np.ones(4))(np.ones(3)), ValueError, ["could not be broadcast"]),
    ("check_grads_mode", lambda: ad.check_grads(lambda x: x, (1.0,), modes="sideways"), ValueError,
     ["unknown mode", "'fwd'", "'rev'"]),
]


@pytest.mark.parametrize("name, thunk, exc, phrases", ERRORS, ids=[e[0] for e in ERRORS])
def test_error_message(name, thunk, exc, phrases):
    with np.errstate(all="ignore"), pytest.raises(exc) as info:
        thunk()
    msg = str(info.value)
    for phrase in phrases:
        assert phrase in msg, f"{phrase!r} not in {msg!r}"


CONCRETE = [  # (name, f, the operation named, the abstract value named)
    ("bool", lambda x: 1.0 if x > 0 else 0.0, "bool()", "bool[]"),
    ("float", lambda x: float(x), "float()", "f64[]"),
    ("int", lambda x: int(x), "int()", "f64[]"),
    ("index", lambda x: [1.0, 2.0][anp.astype(x, np.int64)], "Python index", "i64[]"),
    ("item", lambda x: x.item(), ".item()", "f64[]"),
    ("tolist", lambda x: x.tolist(), ".tolist()", "f64[]"),
]


@pytest.mark.parametrize("name, f, what, aval", CONCRETE, ids=[c[0] for c in CONCRETE])
def test_concretization_error_names_the_operation_and_the_alternatives(name, f, what, aval):
    with pytest.raises(ConcretizationError) as info:
        ad.jit(f)(np.float64(1.0))
    msg = str(info.value)
    for phrase in (what, aval, "ad.cond", "ad.where", "ad.scan", "ad.while_loop", "static_argnums"):
        assert phrase in msg, f"{phrase!r} not in {msg!r}"


def test_check_grads_reports_the_disagreement():
    @ad.custom_vjp
    def wrong(x):
        return anp.sin(x)

    wrong.defvjp(lambda x: (anp.sin(x), x), lambda x, ct: (ct * anp.cos(x) * 1.5,))
    ad.check_grads(wrong, (0.7,), modes="fwd")  # forward mode differentiates sin itself: fine
    with pytest.raises(AssertionError, match=r"VJP vs finite differences.*max abs error"):
        ad.check_grads(wrong, (0.7,), modes="rev")


@pytest.mark.parametrize("fn, deriv", [(np.sin, np.cos), (np.exp, np.exp), (np.sum, lambda x: 1.0)],
                         ids=["sin", "exp", "sum"])
def test_numpy_ufuncs_and_methods_on_tracers_dispatch_to_autodiff_numpy(fn, deriv):
    assert np.isclose(ad.grad(lambda x: fn(x) * 1.0)(np.float64(0.3)), deriv(0.3))
    assert np.isclose(ad.jit(ad.grad(lambda x: fn(x) * 1.0))(np.float64(0.3)), deriv(0.3))


@pytest.mark.parametrize("fn", [lambda x: np.add.reduce(x), lambda x: np.asarray(x), lambda x: np.sin(x, out=x)],
                         ids=["ufunc.reduce", "asarray", "out="])
def test_numpy_calls_that_would_drop_the_derivative_name_autodiff_numpy(fn):
    with pytest.raises(TypeError, match="autodiff.numpy"):
        ad.grad(lambda x: anp.sum(fn(x)))(np.ones(2))
