"""LogDensity: a model (or a plain function of a flat vector) compiled to logp and its gradient.

    x (unconstrained, flat) --unpack--> per-site free values --bijectors--> model values
    logp(x) = sum_sites log_prob(value) + sum_factors + sum_latents log|det J(free value)|

The sum is traced once by autodiff into a Graph, differentiated, and generated as one @njit
function. `logp_and_grad_fn` is a Numba function with the fixed signature
    (x: float64[::1], grad_out: float64[::1], fdata: float64[::1], idata: int64[::1]) -> float64
that compiled samplers take as a first-class argument: the model's data travel in `fdata`
(floats) and `idata` (integers and booleans), so one compiled sampler serves every model and
the generated code, keyed by its source, is cached on disk independently of the data.
"""
import os
import warnings
from collections import OrderedDict
from typing import NamedTuple

import numba
import numpy as np
from numba.core.errors import NumbaError

import autodiff as ad
import autodiff.numpy as anp
from autodiff.codegen.compile import announce, is_generated
from autodiff.codegen.entry import ENTRY_SIGNATURE, ENTRY_TYPE, Block, EntryPoint
from autodiff.staging import label

from . import check_mode, stored_builds
from .constrain import DrawConstrainer, observed_values
from .data import pandas_coords, plain_data, real_array
from .effects import Messenger, site_log_prob
from .handlers import substitute, trace
from .layout import Layout
from .spec import discover, site_bijector, site_with_invalid_parameters
from .validation import (check_data_arguments, check_parameter_types, describe_bad_terms, describe_model_error,
                         forgotten_observations)

LPG_SIGNATURE, LPG_TYPE = ENTRY_SIGNATURE, ENTRY_TYPE


class Kernel(NamedTuple):
    """A compiled log density and the buffers holding its data (see LogDensity.kernel)."""
    fn: object
    fdata: np.ndarray
    idata: np.ndarray


class unconstrained(Messenger):
    """Feed latent sites from free values and collect each site's log-density term."""

    def __init__(self, fn=None, free_values=None, jacobian=True):
        super().__init__(fn)
        self.free_values, self.jacobian = free_values, jacobian
        self.terms = OrderedDict()

    def process_message(self, msg):
        if msg["type"] == "sample" and not msg["is_observed"]:
            name = msg["name"]
            if name not in self.free_values:
                raise ValueError(f'site "{name}" did not exist when the model was first run: a model must have '
                                 "the same sample sites on every run")
            u = self.free_values[name]
            bij = site_bijector(msg)
            with label(f'site "{name}": constrain'):
                msg["value"] = bij.forward(u)
                if self.jacobian:
                    self.terms[f"{name} (log|J|)"] = anp.sum(bij.log_det_jacobian(u))

    def postprocess_message(self, msg):
        if msg["type"] in ("sample", "factor"):
            with label(f'site "{msg["name"]}"'):
                self.terms[msg["name"]] = anp.sum(site_log_prob(msg))


class LogDensity:
    """The log density of a model over a flat unconstrained vector; see module docstring."""

    def __init__(self, model, args=(), kwargs=None, *, coords=None, dim=None, seed=0, check=None):
        raw_args, raw_kwargs = tuple(args), dict(kwargs or {})
        self.model, self.args, self.kwargs = model, plain_data(raw_args), plain_data(raw_kwargs)
        self.check_mode = os.environ.get("NUMBAYES_CHECK", "0") not in ("", "0") if check is None else bool(check)
        self.coords = dict(coords or {})
        self._rng = np.random.default_rng(seed)
        self._suspects = ([], [])
        if dim is not None:  # a plain function f(x) of a flat vector
            self.spec, self.layout = None, Layout([("x", (int(dim),))])
        else:
            check_data_arguments(model, self.args, self.kwargs)
            self.spec, tr = self._discover()
            for d, labels in pandas_coords(raw_args, raw_kwargs, self.args, self.kwargs, tr).items():
                self.coords.setdefault(d, labels)  # coords= given explicitly win
            self.layout = Layout([(s.name, s.free_shape) for s in self.spec.latent.values()])
            self._suspects = forgotten_observations(self.spec, model, self.args, self.kwargs)
            for site, _ in self._suspects[0]:
                size = int(np.prod(self.spec.latent[site].shape))
                warnings.warn(f'site "{site}" is latent (unobserved), adding {size} parameter(s), while the '
                              f'model\'s argument "{site}" is None: did you forget to pass {site}=... (the data)?',
                              UserWarning, stacklevel=3)
        self.dim = self.layout.dim
        self.param_names = self.layout.param_names
        self._compiled = {}
        self._constrainer = None
        self.initial_point = self._find_initial_point()
        if self.check_mode and self.spec is not None:
            report = self.explain(self.initial_point)
            if report.warnings:
                warnings.warn("check mode: numpy warned while evaluating the model at its initial point:\n    "
                              + "\n    ".join(report.warnings), check_mode.NonFiniteLogDensityWarning, stacklevel=3)

    def _discover(self):
        """Run the model once (spec.discover); a raw TypeError from inside the model gets its line, its last
        site and the data arguments that are not numbers."""
        try:
            spec, tr = discover(self.model, self.args, self.kwargs, self._rng, self.coords)
            for msg in tr.values():
                check_parameter_types(msg)
            return spec, tr
        except (TypeError, IndexError) as e:
            if str(e).startswith("site ") or "model argument" in str(e):
                raise
            sites = _sites_before_error(self.model, self.args, self.kwargs)
            last = sites[-1][0] if sites else None
            kind = TypeError if isinstance(e, TypeError) else IndexError  # numpy's subclasses take other arguments
            raise kind(describe_model_error(e, self.model, self.args, self.kwargs, last, sites)) from e

    # -- the traced function ----------------------------------------------------------------------
    def site_terms(self, x, jacobian=True):
        """OrderedDict site -> its (summed) log-density term at flat x; traceable."""
        return self._terms(self.layout.unpack(x), jacobian)

    def _terms(self, free_values, jacobian):
        if self.spec is None:
            return OrderedDict(x=self.model(free_values["x"]))
        handler = unconstrained(free_values=free_values, jacobian=jacobian)
        with handler:
            self.model(*self.args, **self.kwargs)
        return handler.terms

    def logp_of_parts(self, parts, jacobian=True):
        """logp from the per-site free values (a list in layout order); traceable."""
        names = [s.name for s in self.layout.slices]
        terms = list(self._terms(dict(zip(names, parts)), jacobian).values())
        total = terms[0] if terms else 0.0
        for t in terms[1:]:
            total = anp.add(total, t)
        return total

    # -- compiled entry points --------------------------------------------------------------------
    def _build(self, jacobian):
        key = bool(jacobian)
        if key not in self._compiled:
            name = getattr(self.model, "__name__", "model")
            build_key = None if self.check_mode else stored_builds.key(self.model, self.args, self.kwargs, key)
            with announce(f"the log density of {name} and its gradient") as timing:
                compiled = stored_builds.load(build_key, self.dim)
                if compiled is None:
                    compiled = _CompiledLogDensity(lambda parts: self.logp_of_parts(parts, jacobian), self.layout,
                                                   record=self.check_mode, progress=timing)
                    stored_builds.store(build_key, compiled)
                else:
                    compiled.rebuild = lambda: _CompiledLogDensity(
                        lambda parts: self.logp_of_parts(parts, jacobian), self.layout)
            compiled.seconds = timing["seconds"]
            self._compiled[key] = compiled
        return self._compiled[key]

    @property
    def compile_seconds(self):
        """Seconds spent tracing and compiling logp_and_grad (compiling it now if it was not yet);
        a few tenths of a second when Numba's disk cache already held the machine code."""
        return self._build(True).seconds

    @property
    def logp_and_grad_fn(self):
        """The Numba function (x, grad_out, fdata, idata) -> logp, for compiled samplers."""
        return self._build(True).lpg

    def kernel(self, jacobian=True):
        """Kernel(fn, fdata, idata): the compiled logp_and_grad (x, grad_out, fdata, idata) -> logp and the
        data to call it with, for compiled loops; jacobian=False drops the log|det J| terms (for MAP in the
        model's space: compiles that variant on first use). A plain function (dim=) has no Jacobian terms."""
        c = self._build(jacobian or self.spec is None)
        return Kernel(c.lpg, c.fdata, c.idata)

    @property
    def data(self):
        """(fdata, idata): the model's data, to pass to logp_and_grad_fn."""
        c = self._build(True)
        return c.fdata, c.idata

    @property
    def source(self):
        """The generated Numba source of the value-and-gradient function."""
        return self._build(True).compiled.source

    def logp_and_grad(self, x, jacobian=True):
        """(logp, gradient) at unconstrained x, as (float, float64 array).

        A point where the log density is undefined or infinite gives (-inf, zeros), as Stan rejects
        it; in check mode that also warns, naming the site (see `explain`).
        """
        x = self._check_x(x)
        c = self._build(jacobian or self.spec is None)
        g = np.empty(self.dim)
        lp = float(c.lpg(x, g, c.fdata, c.idata))
        if self.check_mode and not np.isfinite(lp):
            self._warn_nonfinite(x, jacobian)
        return lp, g

    def logp(self, x, jacobian=True):
        """logp at unconstrained x; jacobian=False drops the log|det J| terms (for MAP in the model's space).

        The value without the Jacobian is computed by running the model on numpy values, so asking
        for it costs no compilation; logp_and_grad(x, jacobian=False) compiles that variant.
        """
        if jacobian or self.spec is None:
            return self.logp_and_grad(x)[0]
        x = self._check_x(x)
        report = check_mode.explain(self.model, self.args, self.kwargs, self.layout.unpack(x), jacobian=False)
        domain_errors = (ValueError, ArithmeticError, np.linalg.LinAlgError)
        if report.error is not None and not isinstance(report.error, domain_errors):
            raise report.error  # a bug in the model, not a point outside its domain
        if report.ok:
            return report.total
        if self.check_mode:
            self._warn_nonfinite(x, jacobian=False, report=report)
        return -np.inf  # undefined or infinite: rejected, as compiled

    # -- check mode -----------------------------------------------------------------------------------
    def explain(self, x=None, jacobian=True):
        """Evaluate the log density at unconstrained x term by term in Python and say which site makes it
        non-finite, with that site's parameters, value and the latent values (an `Explanation`; print it).

        With x=None (check mode only), explains the first point where the compiled log density was not
        finite, e.g. during sampling: `ld = ppl.log_density(model, ..., check=True)`, sample, then
        `print(ld.explain())`. Errors the compiled code cannot raise (a Cholesky factor of a matrix that is
        not positive definite, a singular inverse: NaN there) are named with their site here.
        """
        if x is None:
            x = self.first_nonfinite_point
            if x is None:
                raise ValueError("explain() without x needs check mode (ppl.log_density(..., check=True) or "
                                 "NUMBAYES_CHECK=1) and a non-finite evaluation since; pass x to explain a point")
        x = self._check_x(x)
        if self.spec is None:
            lp = float(self.model(x))
            return check_mode.Explanation(OrderedDict(x=lp), None if np.isfinite(lp) else "x",
                                          f"f(x) is {lp!r}", [check_mode.describe_array("x", x)], [])
        return check_mode.explain(self.model, self.args, self.kwargs, self.layout.unpack(x), jacobian)

    def check(self, x, jacobian=True):
        """logp at x computed term by term in Python; raises LogDensityCheckError naming the site if it is not
        finite (or the model raised, or divided an integer by 0). For tests and debugging, not for sampling."""
        report = self.explain(x, jacobian)
        if not report.ok or report.suspect:
            raise check_mode.LogDensityCheckError(str(report)) from report.error
        return report.total

    @property
    def nonfinite_evaluations(self):
        """Check mode: how many calls of the compiled log density (by samplers, optimisers, ...) were not finite."""
        c = self._compiled.get(True)
        return int(c.fdata[c.record_at]) if c is not None and c.record_at is not None else 0

    @property
    def first_nonfinite_point(self):
        """Check mode: the unconstrained point of the first non-finite compiled evaluation (None if none)."""
        if not self.nonfinite_evaluations:
            return None
        c = self._compiled[True]
        return c.fdata[c.record_at + 2:c.record_at + 2 + self.dim].copy()

    def _warn_nonfinite(self, x, jacobian, report=None):
        report = report or self.explain(x, jacobian)
        warnings.warn(f"check mode: the log density is not finite at x = {check_mode._fmt(x)}; {report}",
                      check_mode.NonFiniteLogDensityWarning, stacklevel=3)

    def _check_x(self, x):
        x = np.ascontiguousarray(real_array(x, "x (the unconstrained point)"))
        if x.shape != (self.dim,):
            raise ValueError(f"expected an unconstrained vector of shape ({self.dim},), got {x.shape}")
        return x

    # -- moving between spaces --------------------------------------------------------------------
    def constrain(self, x):
        """dict name -> value on the model's scale for every latent and deterministic site."""
        x = self._check_x(x)
        if self.spec is None:
            return {"x": x}
        handler = unconstrained(free_values=self.layout.unpack(x), jacobian=False)
        with trace() as tr, handler:
            self.model(*self.args, **self.kwargs)
        return {name: np.asarray(msg["value"]) for name, msg in tr.items()
                if (msg["type"] == "sample" and not msg["is_observed"]) or msg["type"] == "deterministic"}

    def constrain_draws(self, X):
        """dict name -> (n, *site_shape): `constrain` of every row of X (n, dim), in one compiled loop."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.dim:
            raise ValueError(f"expected unconstrained draws of shape (n, {self.dim}), got {X.shape}")
        if self.spec is None:
            return {"x": X.copy()}
        return self.prepare_constrain(background=False)(X)

    def prepare_constrain(self, background=True):
        """Trace the model for constrain_draws now (call on the model's thread) and compile its loop,
        in a daemon thread when background=True (e.g. while chains sample). Returns the DrawConstrainer."""
        if self.spec is None:
            return None
        if self._constrainer is None:
            self._constrainer = DrawConstrainer(self.model, self.args, self.kwargs, self.layout)
        if background:
            self._constrainer.compile_in_background()
        return self._constrainer

    @property
    def observed_data(self):
        """dict observed site -> its data, as the model received it."""
        if self.spec is None:
            return {}
        return observed_values(self.model, self.args, self.kwargs, self.layout.unpack(self.initial_point))

    def unconstrain(self, values):
        """Flat unconstrained vector for a dict of latent values on the model's scale.

        Every latent site needs a finite value inside its support. A deterministic site may be given
        (e.g. the output of `constrain`) if it agrees with the value the latent sites imply; any other
        key is an error, so a misspelt or observed site is never silently ignored.
        """
        if self.spec is None:
            return self._check_x(values["x"] if isinstance(values, dict) else values)
        missing = [n for n in self.spec.latent if n not in values]
        if missing:
            raise KeyError(f"unconstrain needs a value for every latent site; missing {missing}")
        known = set(self.spec.latent) | set(self.spec.deterministic)
        unknown = [k for k in values if k not in known]
        if unknown:
            observed = [k for k in unknown if k in self.spec.observed]
            what = (f"{observed} {'is an observed site' if len(observed) == 1 else 'are observed sites'} (data, "
                    "not parameters); " if observed else "")
            raise KeyError(f"unconstrain got {unknown}, which are not latent sites: {what}latent sites are "
                           f"{list(self.spec.latent)}")
        free, implied = {}, {}

        class _inverse(Messenger):
            def process_message(self, msg):
                if msg["type"] == "sample" and not msg["is_observed"]:
                    name = msg["name"]
                    value = real_array(values[name], f'unconstrain: site "{name}"')
                    expected = msg["fn"].shape()
                    if value.shape != expected:
                        raise ValueError(f'site "{name}": value has shape {value.shape}, expected {expected}')
                    bij = site_bijector(msg)
                    support = msg["transform"] is None and msg["fn"].support
                    with np.errstate(all="ignore"):
                        u = np.asarray(bij.inverse(value))
                    inside = support.check(value) if support else np.isfinite(u)
                    if not np.all(inside):
                        what = support.description if support else f"in the range of {bij!r}"
                        raise ValueError(f'site "{name}": value {value} is outside the support '
                                         f"(must be {what})")
                    if not np.all(np.isfinite(u)):
                        raise ValueError(f'site "{name}": value {value} maps to the unconstrained value {u} under '
                                         f"{bij!r}; give a finite value strictly inside the support")
                    free[name] = u
                    msg["value"] = value

            def postprocess_message(self, msg):
                if msg["type"] == "deterministic" and msg["name"] in values:
                    implied[msg["name"]] = np.asarray(msg["value"])

        try:
            with _inverse():
                self.model(*self.args, **self.kwargs)
        except ValueError as e:
            if str(e).startswith("site "):
                raise
            site = site_with_invalid_parameters(self.model, self.args, self.kwargs, substitute(data=values))
            raise (ValueError(f'site "{site}": {e}') if site else e) from None
        for name, computed in implied.items():
            given = real_array(values[name], f'unconstrain: deterministic site "{name}"')
            if given.shape != computed.shape or not np.allclose(given, computed, rtol=1e-6, atol=1e-9):
                raise ValueError(f'unconstrain: site "{name}" is deterministic (computed from the latent sites), so '
                                 f"its value cannot be set; the value given ({given}) differs from the one the "
                                 f"latent values imply ({computed}). Leave it out, or change the latent values.")
        return self.layout.pack(free)

    # -- initialisation -----------------------------------------------------------------------------
    def _find_initial_point(self, tries=100):
        """A random point with finite logp (Stan: uniform(-2, 2) unconstrained, up to 100 tries;
        points where a distribution's parameters are invalid are rejected too)."""
        terms = error = None
        for _ in range(tries):
            x = self._rng.uniform(-2.0, 2.0, self.dim)
            try:
                terms = self.site_terms(x)
            except ValueError as e:
                error = self._name_site(e, x)
                continue
            if all(np.isfinite(float(v)) for v in terms.values()):
                return x
        if terms is None:
            raise ValueError(f"no valid initial point in {tries} tries: {error}")
        raise ValueError(f"the log density is not finite at any of {tries} random initial points; at the last "
                         f"one {describe_bad_terms(terms)}. Check the data and the parameter constraints. "
                         f"Term by term: {self.explain(x)}")

    def _name_site(self, error, x):
        """The error with the name of the site whose distribution rejected its parameters at x."""
        if self.spec is None or str(error).startswith("site "):
            return error
        handler = unconstrained(free_values=self.layout.unpack(x), jacobian=False)
        site = site_with_invalid_parameters(self.model, self.args, self.kwargs, handler)
        return ValueError(f'site "{site}": {error}') if site else error

    def __repr__(self):
        name = getattr(self.model, "__name__", "model")
        notes = [f'latent site "{site}" {self.spec.latent[site].shape}: the argument "{arg}" is None (forgot {arg}=?)'
                 for site, arg in self._suspects[0]]
        notes += [f'latent site "{site}" {self.spec.latent[site].shape} is as large as the data argument "{arg}"'
                  for site, arg in self._suspects[1]]
        note = "; " + "; ".join(notes) if notes else ""
        return f"LogDensity({name}, dim={self.dim}{', check=True' if self.check_mode else ''}{note})"


class _CompiledLogDensity:
    """ad.jit(value_and_grad(logp)) over the per-site free values, and its fixed-signature entry point
    (autodiff.codegen.entry), which cuts x into sites and names each site in its source."""

    def __init__(self, logp_of_parts, layout, record=False, progress=None):
        self.jitted = ad.jit(ad.value_and_grad(lambda parts: logp_of_parts(parts)))
        self.compiled = self.jitted.lower([np.zeros(s.free_shape) for s in layout.slices])
        if progress is not None:  # the generated functions, and the entry point
            progress["functions"] = self.compiled.module_source.count("\ndef ") + 1
            progress["counts"] = is_generated  # not the library kernels they call
        blocks = [Block(f'site "{s.name}"', s.offset, tuple(s.free_shape)) for s in layout.slices]
        try:
            entry = EntryPoint(self.compiled, blocks, record=record)
        except NumbaError:  # the code shared across data sizes did not compile for these: compile as is
            if self.compiled.template is None:
                raise
            self.compiled.specialise()
            entry = EntryPoint(self.compiled, blocks, record=record)
        self.entry, self.lpg, self.fdata, self.idata = entry, entry.fn, entry.fdata, entry.idata
        # check mode: fdata starts with [count of non-finite calls, first such lp, its x (dim)]
        self.record_at = entry.record_at


class _sites_run(Messenger):
    def __init__(self):
        super().__init__()
        self.sites = []

    def postprocess_message(self, msg):
        if msg["type"] == "sample" and not msg["is_observed"]:
            self.sites.append((msg["name"], msg["fn"]))
        else:
            self.sites.append((msg["name"], None))


def _sites_before_error(model, args, kwargs):
    """[(name, distribution or None)] of the sites a failing model completed before it raised; the
    distribution for latent sites (shape hints), None for the others."""
    from .spec import init_latents
    recorder = _sites_run()
    try:
        with recorder, init_latents(rng=np.random.default_rng(0)):
            model(*args, **kwargs)
    except Exception:  # noqa: BLE001 - the failure is the point; only the sites before it matter
        pass
    return recorder.sites


def log_density(model, *args, coords=None, dim=None, seed=0, check=None, **kwargs):
    """Compile `model(*args, **kwargs)` (or a plain function of a flat vector, with dim=) to a LogDensity.

    check=True (or the environment variable NUMBAYES_CHECK=1) turns on check mode: a non-finite logp
    from `logp`/`logp_and_grad` warns with the site to blame, and the compiled function samplers call
    records the first point where it was not finite, for `ld.explain()` (see LogDensity.explain).
    """
    return LogDensity(model, args, kwargs, coords=coords, dim=dim, seed=seed, check=check)


__all__ = ["LogDensity", "Kernel", "log_density", "plain_data", "LPG_SIGNATURE", "LPG_TYPE", "numba"]
