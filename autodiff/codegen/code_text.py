"""How values, dtypes, shapes and elementwise templates are written in generated source.

Shared by the emitter (emit.py) and the scalariser (scalarise.py), which emit the same literals.
"""
import re

import numpy as np


def literal_code(val):
    val = np.asarray(val)[()]
    kind = np.asarray(val).dtype.kind
    if kind == "b":
        return "True" if val else "False"
    if kind in "iu":
        return str(int(val))
    f = float(val)
    if np.isnan(f):
        return "np.nan"
    if np.isinf(f):
        return "np.inf" if f > 0 else "(-np.inf)"
    code = repr(f)
    if np.asarray(val).dtype == np.float32:
        return f"np.float32({code})"
    return code if f >= 0 else f"({code})"


# Floats that stay numbers in the generated source: the values simplification and the emitters
# treat specially (identities, halves, squares) and the non-finite ones. Every other float literal
# (a prior's scale, a data-derived constant) is read from the `lits` buffer passed at run time, so
# the source, and the machine code cached under its hash, depends only on the program.
STRUCTURAL_FLOATS = frozenset([0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0])
LITERAL_BUFFER = "lits"
_LIFTED_NAME = re.compile(r"\blit(\d+)\b")


def is_lifted(val):
    """Is this literal read from the run-time buffer (a float64 that is not structural)?"""
    val = np.asarray(val)
    if val.dtype != np.float64 or val.ndim:
        return False
    f = float(val)
    return np.isfinite(f) and f not in STRUCTURAL_FLOATS


def dtype_code(dtype):
    dtype = np.dtype(dtype)
    return "np.bool_" if dtype.kind == "b" else f"np.{dtype.name}"


def shape_code(shape):
    return "(" + "".join(f"{int(d)}, " for d in shape).rstrip(" ") + ")" if shape else "()"


def elementwise_code(eqn):
    """The scalar expression template of an elementwise equation, with its parameters filled in."""
    t = eqn.primitive.scalar_template
    return t(**eqn.params) if callable(t) else t


# In a loop over a long innermost axis, exp, log, log1p, expit, softplus, log_expit and logaddexp become
# calls LLVM inlines and vectorises (runtime.vexp, vlog, ...: vector_math's, within 1 ulp of libm's). Elsewhere (scalar code, loops
# over a few elements) libm's calls are as fast and compile to less code: a vectorised body with its
# scalar remainder made gmm's loop over (N, 3) slower (44 -> 53 us per gradient).
VECTOR_MIN_EXTENT = 8
_VECTOR_CALLS = (("math.exp(", "rt.vexp("), ("rt.log(", "rt.vlog("), ("rt.log1p(", "rt.vlog1p("),
                 ("sk.expit(", "rt.vexpit("), ("sk.softplus(", "rt.vsoftplus("), ("sk.log_expit(", "rt.vlog_expit("),
                 ("rt.logaddexp(", "rt.vlogaddexp("))


def vectorisable_loop(shape):
    """Is the innermost axis of this loop nest long (or only known at run time)?"""
    looped = [d for d in shape if not (isinstance(d, (int, np.integer)) and d == 1)]
    return bool(looped) and not (isinstance(looped[-1], (int, np.integer)) and looped[-1] < VECTOR_MIN_EXTENT)


def vector_calls(template):
    """The elementwise template with its exp, log and log1p calls replaced by the vectorisable ones."""
    for scalar, vector in _VECTOR_CALLS:
        template = template.replace(scalar, vector)
    return template
