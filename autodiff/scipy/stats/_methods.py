"""The quantile, moment and entropy methods scipy's rv_continuous/rv_discrete give every family.

A family declares its standardised quantile, mean, variance and entropy (functions of its shape
parameters), and `continuous_methods` / `discrete_methods` build scipy's methods from them with
scipy's signatures (``mean(*shapes, loc=0, scale=1)``, shapes and loc/scale positional or by keyword)
and scipy's semantics: nan for invalid shape parameters or scale <= 0, ``loc + scale * m`` for the
mean, ``scale**2 * v`` for the variance, ``h + log(scale)`` for the entropy, ``median = ppf(0.5)``,
``interval(confidence) = (ppf((1 - c)/2), ppf((1 + c)/2))`` (ValueError for a confidence outside
[0, 1], as scipy), ``isf(q)`` the upper quantile. Each is differentiable wherever the declared
functions are.
"""
import numpy as np

from ... import numpy as anp
from ...core import concrete_or_none
from ...custom import stop_gradient
from .. import special as sc
from ._dist import _named, as_float, scalar
from .discrete_search import smallest_k


def _split(name, args, kwds, shape_names, loc_scale):
    """(shapes, loc, scale) from scipy-style positional/keyword arguments; TypeError naming what is wrong."""
    names = list(shape_names) + list(loc_scale)
    if len(args) > len(names):
        raise TypeError(f"{name}() takes at most {len(names)} arguments ({', '.join(names)}), got {len(args)}")
    values = dict(zip(names, args))
    for key, value in kwds.items():
        if key not in names:
            raise TypeError(f"{name}() got an unexpected keyword argument {key!r}; it takes {', '.join(names)}")
        if key in values:
            raise TypeError(f"{name}() got multiple values for argument {key!r}")
        values[key] = value
    missing = [n for n in shape_names if n not in values]
    if missing:
        raise TypeError(f"{name}() missing required argument(s): {', '.join(missing)}")
    shapes = tuple(as_float(values[n]) for n in shape_names)
    return shapes, as_float(values.get("loc", 0.0)), as_float(values.get("scale", 1.0))


def _check_confidence(confidence):
    value = concrete_or_none(confidence)
    if value is not None and np.any((np.asarray(value) > 1) | (np.asarray(value) < 0)):
        raise ValueError("alpha must be between 0 and 1 inclusive")


def _median_and_interval(ppf):
    """scipy's median (ppf(0.5)) and interval (the central `confidence` quantiles) of a family's ppf."""
    def median(*args, **kwds):
        return ppf(0.5, *args, **kwds)

    def interval(confidence, *args, **kwds):
        _check_confidence(confidence)
        confidence = as_float(confidence)
        return ppf((1.0 - confidence) / 2.0, *args, **kwds), ppf((1.0 + confidence) / 2.0, *args, **kwds)

    return median, interval


def continuous_methods(spec, module, shape_names, *, std_ppf=None, std_isf=None, std_mean=None, std_var=None,
                       std_entropy=None, **docs):
    """ppf, isf, mean, var, std, median, interval, entropy of a `Continuous` spec (a missing std_* gives None
    for the methods that need it). `docs` maps a method name to its docstring, as for `_dist.location_scale`."""
    family = module.rsplit(".", 1)[-1]

    def valid(shapes, scale):
        """(ok mask, shapes with safe values where not ok)."""
        return spec._check(shapes, extra=(anp.greater(scale, 0),))

    def moment(fn, combine, name):
        def method(*args, **kwds):
            shapes, loc, scale = _split(name, args, kwds, shape_names, ("loc", "scale"))
            ok, safe = valid(shapes, scale)
            value = combine(fn(*safe), loc, anp.where(ok, scale, 1.0))
            return scalar(anp.where(ok, value, np.nan))
        return method

    def with_ends(std_quantile, upper):
        """std_quantile inside (0, 1), the support's ends at q = 0 and 1 (swapped for the upper quantile)."""
        def quantile(q, *shapes):
            lo, hi = spec.support(*shapes)
            inside = anp.logical_and(anp.greater(q, 0.0), anp.less(q, 1.0))
            first, last = (hi, lo) if upper else (lo, hi)
            ends = anp.where(anp.equal(q, 0.0), first, last)
            return anp.where(inside, std_quantile(anp.where(inside, q, 0.5), *shapes), ends)
        return quantile

    def ppf(q, *args, **kwds):
        shapes, loc, scale = _split("ppf", args, kwds, shape_names, ("loc", "scale"))
        return spec.ppf(q, shapes, loc, scale, with_ends(std_ppf, upper=False))

    def isf(q, *args, **kwds):
        shapes, loc, scale = _split("isf", args, kwds, shape_names, ("loc", "scale"))
        return spec.ppf(q, shapes, loc, scale, with_ends(std_isf or (lambda q, *s: std_ppf(1.0 - q, *s)), upper=True))

    median, interval = _median_and_interval(ppf)

    mean = moment(std_mean, lambda m, loc, scale: loc + scale * m, "mean") if std_mean else None
    var = moment(std_var, lambda v, loc, scale: scale * scale * v, "var") if std_var else None
    std = moment(std_var, lambda v, loc, scale: scale * anp.sqrt(v), "std") if std_var else None
    entropy = moment(std_entropy, lambda h, loc, scale: h + anp.log(scale), "entropy") if std_entropy else None
    defaults = {"isf": f"scipy.stats.{family}.isf: the quantile of the upper tail, ppf(1 - q).",
                "mean": f"scipy.stats.{family}.mean(*shapes, loc=0, scale=1).",
                "var": f"scipy.stats.{family}.var(*shapes, loc=0, scale=1).",
                "std": f"scipy.stats.{family}.std = sqrt(var).",
                "median": f"scipy.stats.{family}.median = ppf(0.5).",
                "interval": f"scipy.stats.{family}.interval(confidence, ...) = (ppf((1 - c)/2), ppf((1 + c)/2)).",
                "entropy": f"scipy.stats.{family}.entropy (differential entropy, nats) + log(scale).",
                "ppf": f"scipy.stats.{family}.ppf."}
    out = []
    for fn, name in ((ppf, "ppf"), (isf, "isf"), (mean, "mean"), (var, "var"), (std, "std"), (median, "median"),
                     (interval, "interval"), (entropy, "entropy")):
        needs_ppf = name in ("ppf", "isf", "median", "interval")
        if fn is None or (needs_ppf and std_ppf is None):
            out.append(None)
            continue
        fn.__name__ = name
        out.append(_named(module, {name: docs.get(name, defaults[name])}, fn)[0])
    return tuple(out)


def discrete_methods(spec, module, shape_names, cdf, sf, *, std_mean, std_var, std_entropy=None, guess=None, **docs):
    """ppf, isf, mean, var, std, median, interval, entropy of a `Discrete` spec (shapes and an integer `loc`).

    cdf and sf are the family's own (k, *shapes); ppf(q) is scipy's smallest k with cdf(k) >= q (lo - 1 at q = 0,
    hi at q = 1), isf(q) the smallest k with sf(k) <= q, both searched in steps of one from guess(q, *shapes)
    (default: the normal approximation; a family with a long tail passes a closed form) and piecewise
    constant, so without gradient. The moments are differentiable where std_mean etc. are.
    """
    family = module.rsplit(".", 1)[-1]

    def moment(fn, combine, name):
        def method(*args, **kwds):
            shapes, loc, _ = _split(name, args, kwds, shape_names, ("loc",))
            ok, safe = spec._check(shapes)
            value = combine(fn(*safe), loc)
            return scalar(value if ok is None else anp.where(ok, value, np.nan))
        return method

    def quantile(name, upper):
        def method(q, *args, **kwds):
            shapes, loc, _ = _split(name, args, kwds, shape_names, ("loc",))
            q, shapes, loc = stop_gradient((as_float(q), shapes, loc))
            ok, safe = spec._check(shapes)
            lo, hi = spec.support(*safe)
            inside = anp.logical_and(anp.greater(q, 0.0), anp.less(q, 1.0))
            q_in = anp.where(inside, q, 0.5)
            lower_q = 1.0 - q_in if upper else q_in
            start = (guess(lower_q, *safe) if guess is not None
                     else std_mean(*safe) + anp.sqrt(std_var(*safe)) * sc.ndtri(lower_q))
            if upper:
                k = smallest_k(lambda k: anp.less_equal(sf(k, *safe), q_in), lo, hi, start)
            else:
                k = smallest_k(lambda k: anp.greater_equal(cdf(k, *safe), q_in), lo, hi, start)
            first, last = (hi, lo - 1.0) if upper else (lo - 1.0, hi)
            k = anp.where(inside, k, anp.where(anp.equal(q, 0.0), first, anp.where(anp.equal(q, 1.0), last, np.nan)))
            return scalar(k + loc if ok is None else anp.where(ok, k + loc, np.nan))
        return method

    ppf, isf = quantile("ppf", upper=False), quantile("isf", upper=True)

    median, interval = _median_and_interval(ppf)

    methods = {"ppf": ppf, "isf": isf, "mean": moment(std_mean, lambda m, loc: loc + m, "mean"),
               "var": moment(std_var, lambda v, loc: v, "var"), "std": moment(std_var, lambda v, loc: anp.sqrt(v), "std"),
               "median": median, "interval": interval,
               "entropy": moment(std_entropy, lambda h, loc: h, "entropy") if std_entropy else None}
    defaults = {"ppf": f"scipy.stats.{family}.ppf: the smallest k with cdf(k) >= q (no gradient: piecewise constant).",
                "isf": f"scipy.stats.{family}.isf: the smallest k with sf(k) <= q (no gradient: piecewise constant).",
                "median": f"scipy.stats.{family}.median = ppf(0.5).",
                "interval": f"scipy.stats.{family}.interval(confidence, ...) = (ppf((1 - c)/2), ppf((1 + c)/2)).",
                "mean": f"scipy.stats.{family}.mean(*shapes, loc=0).", "var": f"scipy.stats.{family}.var(*shapes, loc=0).",
                "std": f"scipy.stats.{family}.std = sqrt(var).",
                "entropy": f"scipy.stats.{family}.entropy (nats)."}
    out = []
    for name, fn in methods.items():
        if fn is not None:
            fn.__name__ = name
            fn = _named(module, {name: docs.get(name, defaults[name])}, fn)[0]
        out.append(fn)
    return tuple(out)


def entropy_by_summation(logpmf, k_max):
    """-sum_k pmf(k) log pmf(k) over k = 0..k_max (a new leading axis), for families without a closed form."""
    def entropy(*shapes):
        ndim = max(anp.ndim(s) for s in shapes)
        k = np.arange(k_max + 1.0).reshape((-1,) + (1,) * ndim)
        lp = logpmf(k, *shapes)
        finite = anp.isfinite(lp)
        lp = anp.where(finite, lp, 0.0)
        return -anp.sum(anp.where(finite, anp.exp(lp) * lp, 0.0), axis=0)
    return entropy


def concrete_bound(what, value, bound):
    """bound(concrete value) as an int, or TypeError naming `what` when the value is traced under jit."""
    value = concrete_or_none(value)
    if value is None:
        raise TypeError(f"{what} sums the pmf over a range set by the parameters, so they must be concrete "
                        "(data or constants, or call it outside jit)")
    value = np.asarray(value, dtype=float)
    value = value[np.isfinite(value)]
    return int(max(np.max(bound(value), initial=1.0), 1.0)) if value.size else 1
