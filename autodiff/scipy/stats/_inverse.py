"""Quantiles by numeric inversion of a CDF, differentiable by the implicit function theorem.

Where a family has a CDF but no closed-form (or special-function) inverse, ``implicit_inverse(cdf,
solve)`` gives ``x(p, *params)`` with ``cdf(x, *params) = p``: ``solve`` finds ``x`` (any method; it
is never differentiated), and the derivatives come from differentiating that identity,

    dx = (dp - d_params cdf(x, *params)) / d_x cdf(x, *params),

so d x/d p = 1/pdf and d x/d theta = -(d cdf/d theta)/pdf, exactly those of the family's own CDF.
The rule is itself written with ``ad.jvp`` of the CDF at the output ``x``, which is again the custom
function, so it differentiates to any order, in both modes, eagerly and under ``jit``.
``newton_bisect`` is the solver the families use: Newton steps kept inside a shrinking bracket
(bisection when a step would leave it), a fixed number of steps so it runs as one ``scan`` under jit.
"""
from ... import numpy as anp
from ...control_flow import scan
from ...custom import custom_jvp
from ...transforms import jvp


def newton_bisect(cdf, pdf, target, lo, hi, x0, steps=40):
    """x in [lo, hi] with cdf(x) = target (cdf increasing), from x0: safeguarded Newton, `steps` steps.

    Each step first shrinks the bracket to the side of x holding the root, then takes the Newton step
    if it lands inside the bracket and bisects otherwise; an exact root (residual 0) stays put.
    """
    x = anp.clip(x0, anp.minimum(lo, hi), anp.maximum(lo, hi))
    x = x + anp.zeros_like(cdf(x))  # the broadcast shape of the target and the parameters, for the carry
    lo, hi = anp.minimum(lo, hi) + anp.zeros_like(x), anp.maximum(lo, hi) + anp.zeros_like(x)

    def step(carry, _):
        lo, hi, x = carry
        residual = cdf(x) - target
        below = anp.less(residual, 0.0)
        lo, hi = anp.where(below, x, lo), anp.where(below, hi, x)
        newton = x - residual / pdf(x)
        inside = anp.logical_and(anp.greater_equal(newton, lo), anp.less_equal(newton, hi))
        x = anp.where(anp.equal(residual, 0.0), x, anp.where(inside, newton, 0.5 * (lo + hi)))
        return (lo, hi, x), None

    (_, _, x), _ = scan(step, (lo, hi, x), None, length=steps)
    return x


def implicit_inverse(cdf, solve, name):
    """The function ``x(p, *params)`` solving ``cdf(x, *params) = p``, computed by ``solve(p, *params)``.

    Differentiable in p and every param by the implicit function theorem (see the module docstring).
    """

    @custom_jvp
    def inverse(p, *params):
        return solve(p, *params)

    @inverse.defjvp
    def inverse_jvp(primals, tangents):
        p, *params = primals
        dp, *dparams = tangents
        x = inverse(p, *params)
        slope = jvp(lambda x: cdf(x, *params), (x,), (anp.ones_like(x),))[1]
        moved = jvp(lambda *theta: cdf(x, *theta), tuple(params), tuple(dparams))[1] if params else 0.0
        return x, (dp - moved) / slope

    inverse.__name__ = inverse.__qualname__ = name
    return inverse
