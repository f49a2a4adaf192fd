"""scipy.stats conventions shared by every family: standardise, check arguments, place -inf/0/nan like scipy.

A family module declares its standardised log-density (and log-CDF/log-SF where they are cheap)
as a `Continuous` or `Discrete` spec, then exposes scipy-named functions that call it (built by
`location_scale` for families without shape parameters, `count_n_p` for binom and nbinom). The spec
reproduces scipy's `rv_continuous`/`rv_discrete` wrappers: invalid shape parameters or scale <= 0
give nan, points outside the support give -inf (logpdf, logcdf) or 0 (logsf below the support),
x = nan gives nan. Those masks are applied with the double-`where` trick: the formula only ever
sees valid parameters and a point inside the support (`inside`), so masked entries have exactly
zero gradient and never produce nan in the branch that is thrown away.
"""
import numpy as np

from ... import numpy as anp


def scalar(x):
    """numpy 0-d results as numpy scalars, as scipy.stats returns them."""
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


def as_float(x):
    x = anp.asarray(x) if isinstance(x, (list, tuple)) else x
    return x if anp.result_type(x).kind == "f" else anp.astype(x, np.float64)


def log_prob(p, q):
    """log(p) for a probability p = 1 - q, from whichever of p, q is below 1/2 (no cancellation).

    This is scipy's generic `_logcdf` (p = cdf, q = sf) and `_logsf` (p = sf, q = cdf), which switch
    at the median; switching at p = 1/2 is the same thing.
    """
    return anp.where(anp.less(p, 0.5), anp.log(p), anp.log1p(-q))


def _all(masks):
    out = masks[0]
    for m in masks[1:]:
        out = anp.logical_and(out, m)
    return out


class Spec:
    """What a family declares; see Continuous and Discrete.

    argcheck(*shapes) -> bool mask of valid shape parameters (None: always valid)
    safe:     one valid value per shape parameter, substituted where argcheck fails
    support(*shapes) -> (lo, hi) of the standardised variable
    inside(*shapes)  -> a point inside the support, substituted outside it
    logpdf, logcdf, logsf: functions of (z, *shapes) on valid arguments inside the support
    """

    def __init__(self, logpdf, *, argcheck=None, safe=(), support=(-np.inf, np.inf), inside=0.0, logcdf=None,
                 logsf=None, open_support=False):
        self.logpdf_std, self.logcdf_std, self.logsf_std = logpdf, logcdf, logsf
        self.argcheck, self.safe, self.open_support = argcheck, tuple(safe), open_support
        self.support = support if callable(support) else (lambda *shapes: support)
        self.inside = inside if callable(inside) else (lambda *shapes: inside)

    def _check(self, shapes, extra=()):
        """(ok mask or None, shapes with safe values where not ok)."""
        masks = list(extra)
        if self.argcheck is not None:
            masks.append(self.argcheck(*shapes))
        if not masks:
            return None, shapes
        ok = _all(masks)
        return ok, tuple(anp.where(ok, s, v) for s, v in zip(shapes, self.safe))

    @staticmethod
    def _finish(val, ok, nan_mask, top=None, nan_last=False):
        """Place nan where the arguments are bad (or x is nan) and 0.0 where `top`, in scipy's order."""
        bad = nan_mask if ok is None else anp.logical_or(anp.logical_not(ok), nan_mask)
        if top is not None and nan_last:
            val = anp.where(top, 0.0, val)
        val = anp.where(bad, np.nan, val)
        if top is not None and not nan_last:
            val = anp.where(top, 0.0, val)
        return scalar(val)

    @staticmethod
    def _masked(cond, ok, z, inside):
        """(cond & ok, z replaced by `inside` where that fails)."""
        good = cond if ok is None else anp.logical_and(cond, ok)
        return good, anp.where(good, z, inside)


class Continuous(Spec):
    """A location-scale family: x = loc + scale * z, z from the standardised density."""

    def _standardise(self, x, shapes, loc, scale):
        x, loc, scale = as_float(x), as_float(loc), as_float(scale)
        shapes = tuple(as_float(s) for s in shapes)
        ok, shapes = self._check(shapes, extra=(anp.greater(scale, 0),))
        scale = anp.where(ok, scale, 1.0)
        return anp.divide(anp.subtract(x, loc), scale), shapes, scale, ok

    def logpdf(self, x, shapes, loc, scale):
        z, shapes, scale, ok = self._standardise(x, shapes, loc, scale)
        lo, hi = self.support(*shapes)
        if self.open_support:
            ins = anp.logical_and(anp.less(lo, z), anp.less(z, hi))
        else:
            ins = anp.logical_and(anp.less_equal(lo, z), anp.less_equal(z, hi))
        good, z_in = self._masked(ins, ok, z, self.inside(*shapes))
        val = anp.where(good, anp.subtract(self.logpdf_std(z_in, *shapes), anp.log(scale)), -np.inf)
        return self._finish(val, ok, anp.isnan(z))

    def _tail(self, x, shapes, loc, scale, log_std, at_end):
        """log_std inside the open support, -inf beyond it, 0.0 where at_end(z, lo, hi) (the far end)."""
        z, shapes, scale, ok = self._standardise(x, shapes, loc, scale)
        lo, hi = self.support(*shapes)
        good, z_in = self._masked(anp.logical_and(anp.less(lo, z), anp.less(z, hi)), ok, z, self.inside(*shapes))
        val = anp.where(good, log_std(z_in, *shapes), -np.inf)
        return self._finish(val, ok, anp.isnan(z), top=anp.logical_and(at_end(z, lo, hi), ok))

    def logcdf(self, x, shapes, loc, scale):
        return self._tail(x, shapes, loc, scale, self.logcdf_std, lambda z, lo, hi: anp.greater_equal(z, hi))

    def logsf(self, x, shapes, loc, scale):
        return self._tail(x, shapes, loc, scale, self.logsf_std, lambda z, lo, hi: anp.less_equal(z, lo))

    def ppf(self, q, shapes, loc, scale, std_ppf):
        """loc + scale * std_ppf(q, *shapes) (the support's ends at q = 0 and 1); nan for q outside [0, 1] or
        bad parameters, as scipy's rv_continuous.ppf."""
        q, loc, scale = as_float(q), as_float(loc), as_float(scale)
        ok, shapes = self._check(tuple(as_float(s) for s in shapes), extra=(anp.greater(scale, 0),))
        q_ok = anp.logical_and(anp.greater_equal(q, 0), anp.less_equal(q, 1))
        good = q_ok if ok is None else anp.logical_and(q_ok, ok)
        val = anp.add(loc, anp.multiply(anp.where(good, scale, 1.0), std_ppf(anp.where(good, q, 0.5), *shapes)))
        return scalar(anp.where(good, val, np.nan))


class Discrete(Spec):
    """A lattice family on the integers of [lo, hi], shifted by an integer `loc`."""

    def _shift(self, k, shapes, loc):
        k = anp.subtract(as_float(k), as_float(loc))
        raw = tuple(as_float(s) for s in shapes)
        ok, shapes = self._check(raw)
        return k, shapes, ok, raw

    def logpmf(self, k, shapes, loc):
        k, shapes, ok, raw = self._shift(k, shapes, loc)
        lo, hi = self.support(*shapes)
        ins = _all([anp.less_equal(lo, k), anp.less_equal(k, hi), anp.equal(anp.floor(k), k)])
        good, k_in = self._masked(ins, ok, k, self.inside(*shapes))
        val = anp.where(good, self.logpdf_std(k_in, *shapes), -np.inf)
        return self._finish(val, ok, anp.isnan(k))

    def logcdf(self, k, shapes, loc, nan_last=False):
        """nan_last=False: scipy's logcdf, where 0 for k >= hi wins over nan; True: its cdf, where nan wins."""
        k, shapes, ok, raw = self._shift(k, shapes, loc)
        lo, hi = self.support(*shapes)
        good, k_in = self._masked(anp.logical_and(anp.less_equal(lo, k), anp.less(k, hi)), ok, k, self.inside(*shapes))
        val = anp.where(good, self.logcdf_std(anp.floor(k_in), *shapes), -np.inf)
        # scipy places 0 for k >= hi (of the raw parameters) after the nan for bad ones, so 0 wins there
        return self._finish(val, ok, anp.isnan(k), top=anp.greater_equal(k, self.support(*raw)[1]), nan_last=nan_last)

    def logsf(self, k, shapes, loc):
        k, shapes, ok, raw = self._shift(k, shapes, loc)
        lo, hi = self.support(*shapes)
        good, k_in = self._masked(anp.logical_and(anp.less_equal(lo, k), anp.less(k, hi)), ok, k, self.inside(*shapes))
        val = anp.where(good, self.logsf_std(anp.floor(k_in), *shapes), -np.inf)
        below = anp.less(k, lo)
        return self._finish(val, ok, anp.isnan(k), top=below if ok is None else anp.logical_and(below, ok))


def exp(x):
    return scalar(anp.exp(x))


def _named(module, docs, *fns):
    """Give the functions a family module builds its module, its name and a docstring (help() shows them)."""
    family = module.rsplit(".", 1)[-1]
    for fn in fns:
        name = fn.__name__
        default = f"scipy.stats.{family}.{name}" + ("." if name.startswith("log") else f" = exp(log{name}).")
        fn.__module__, fn.__qualname__, fn.__doc__ = module, name, docs.get(name, default)
    return fns


def location_scale(spec, module, **docs):
    """logpdf, pdf, logcdf, cdf, logsf, sf(x, loc=0, scale=1) of a `Continuous` spec without shape parameters.

    `module` is the family module's `__name__` (its last part names the scipy family); `docs` maps a
    function name to its docstring; the others get "scipy.stats.<family>.<name>." (or "... = exp(log<name>).").
    """

    def logpdf(x, loc=0, scale=1):
        return spec.logpdf(x, (), loc, scale)

    def pdf(x, loc=0, scale=1):
        return exp(logpdf(x, loc, scale))

    def logcdf(x, loc=0, scale=1):
        return spec.logcdf(x, (), loc, scale)

    def cdf(x, loc=0, scale=1):
        return exp(logcdf(x, loc, scale))

    def logsf(x, loc=0, scale=1):
        return spec.logsf(x, (), loc, scale)

    def sf(x, loc=0, scale=1):
        return exp(logsf(x, loc, scale))

    return _named(module, docs, logpdf, pdf, logcdf, cdf, logsf, sf)


def count_n_p(spec, module, **docs):
    """logpmf, pmf, logcdf, cdf, logsf, sf(k, n, p, loc=0) of a `Discrete` spec with shapes (n, p).

    binom and nbinom; `module` and `docs` as for `location_scale`. cdf places nan over the 0 beyond
    the support, as scipy's cdf does (its logcdf the other way round).
    """

    def logpmf(k, n, p, loc=0):
        return spec.logpmf(k, (n, p), loc)

    def pmf(k, n, p, loc=0):
        return exp(logpmf(k, n, p, loc))

    def logcdf(k, n, p, loc=0):
        return spec.logcdf(k, (n, p), loc)

    def cdf(k, n, p, loc=0):
        return exp(spec.logcdf(k, (n, p), loc, nan_last=True))

    def logsf(k, n, p, loc=0):
        return spec.logsf(k, (n, p), loc)

    def sf(k, n, p, loc=0):
        return exp(logsf(k, n, p, loc))

    return _named(module, docs, logpmf, pmf, logcdf, cdf, logsf, sf)
