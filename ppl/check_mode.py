"""Check mode: evaluate a model's log density term by term in Python and name the first non-finite term.

What Stan users get from its rejection messages ("normal_lpdf: Scale parameter is -1, but must be
positive!"). For a point x every term (each latent site's log|J|, each site's log_prob, each
factor) is computed eagerly on numpy values in program order; the first that is NaN or infinite
is named with its site, its distribution's parameters (values and shapes) and its value. An
error raised on the way (an invalid parameter, the Cholesky factor of a matrix that is not
positive definite, the inverse of a singular one: compiled code returns NaN there instead of
raising) is reported with the site that raised it or the last site before it, and numpy warnings
(integer ``// 0`` and ``% 0`` give 0 with a warning, as in numpy) with the site they came after.

    explain(ld, x) -> Explanation        (str() of it is the report; .ok, .site, .total)
"""
import warnings
from collections import OrderedDict

import numpy as np

from .effects import Messenger
from .spec import site_bijector
from .validation import model_line

__all__ = ["Explanation", "LogDensityCheckError", "NonFiniteLogDensityWarning", "explain"]


class LogDensityCheckError(ValueError):
    """The log density is not finite (or could not be evaluated) at a point; the message names the site."""


class NonFiniteLogDensityWarning(RuntimeWarning):
    """Check mode: a call of logp / logp_and_grad gave a non-finite value; the message names the site."""


def _fmt(value, limit=6):
    a = np.asarray(value)
    if a.ndim == 0:
        return repr(a.item())
    text = np.array2string(a.ravel()[:limit], separator=", ", max_line_width=10 ** 6)
    more = f" ... ({a.size} values)" if a.size > limit else ""
    return f"{text[:-1]}{more}]"


def describe_array(name, value):
    """``name: shape (8,), [1.0, nan, ...]; 1 NaN at (1,)`` -- where the trouble in a value is."""
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return f"{name}: {type(value).__name__} {value!r}"
    text = f"{name}: shape {a.shape}, {_fmt(a)}"
    for label, bad in (("NaN", np.isnan(a)), ("inf", np.isinf(a))):
        if np.any(bad):
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            text += f"; {int(bad.sum())} {label}" + (f", first at index {first}" if a.ndim else "")
    return text


def _base(fn):
    while getattr(fn, "base_dist", None) is not None:
        fn = fn.base_dist
    return fn


def describe_distribution(fn):
    """Lines naming a distribution's parameters with their shapes and values."""
    base = _base(fn)
    lines = []
    for param in base.arg_constraints:
        value = getattr(base, param, None)
        if value is not None:
            lines.append(describe_array(f"{base.family_name}.{param}", value))
    return lines


class Explanation:
    """The terms of the log density at a point, in program order, and what went wrong first.

    Attributes: ``terms`` (OrderedDict term name -> float), ``site`` (the site to blame, or None),
    ``reason`` (one line), ``details`` (lines: parameters, value, latent values), ``total``,
    ``warnings`` (numpy warnings as "after site ...: message"), ``error`` (the exception the model
    raised, or None), ``ok`` (total finite, no error).
    """

    def __init__(self, terms, site, reason, details, warns, error=None):
        self.terms, self.site, self.reason, self.details, self.warnings = terms, site, reason, details, warns
        self.error = error  # the exception the model raised, if that is what went wrong
        self.total = float(sum(terms.values())) if site is None else float("nan")
        self.ok = site is None and bool(np.isfinite(self.total))
        # warnings that mean a finite but wrong result (numpy and compiled code give 0 for integer // 0)
        self.suspect = [w for w in warns if _INT_DIV_HINT in w]

    def __str__(self):
        if self.ok:
            head = f"the log density is finite at this point: {self.total!r}"
        elif self.site is None or self.error is not None:
            head = self.reason if self.error is not None else f"the log density is {self.total!r}: {self.reason}"
        else:
            head = f'site "{self.site}": {self.reason}'
        lines = [head] + ["    " + d for d in self.details]
        if self.warnings:
            lines.append("numpy warnings while evaluating the model:")
            lines += ["    " + w for w in self.warnings]
        return "\n".join(lines)

    def __repr__(self):
        return f"<Explanation: {str(self).splitlines()[0]}>"


class _terms_eagerly(Messenger):
    """Run the model on numpy values at the free values, recording each term and the latent values,
    and stop (via _Stop) at the first term that is not finite."""

    def __init__(self, free_values, jacobian, caught):
        super().__init__()
        self.free_values, self.jacobian = free_values, jacobian
        self.terms, self.latent, self.last_site = OrderedDict(), OrderedDict(), None
        self.blame = None  # (site, reason, details) of the first bad term
        self.caught, self.warnings = caught, []  # numpy warnings, and each one's place in the model

    def tag_warnings(self, where=None):
        """Label the warnings raised since the last call with where they came from."""
        if where is None:
            where = f'at or after site "{self.last_site}"' if self.last_site else "before the first site"
        for w in self.caught[len(self.warnings):]:
            self.warnings.append(f"{where}: {_describe_warning(w)}")

    def _stop(self, site, reason, details):
        self.blame = (site, reason, details)
        raise _Stop

    def _record(self, msg, label, what, term):
        value = float(np.sum(np.asarray(term, dtype=np.float64)))
        self.terms[label] = value
        if np.isfinite(value):
            return
        details = describe_distribution(msg["fn"]) if msg.get("fn") is not None else []
        details.append(describe_array("value" if msg["type"] != "factor" else "factor", msg["value"]))
        if msg["name"] in self.free_values and not msg["is_observed"]:
            details.append(describe_array("unconstrained value", self.free_values[msg["name"]]))
            if np.any(np.isinf(msg["value"])):
                details.append("the unconstrained value is beyond the range its bijector maps into float64 "
                               "(exp overflows above 709.8): the density there is taken as -inf")
        self._stop(msg["name"], f"{what} is {value!r}", details + self._latent_lines(msg["name"]))

    def _latent_lines(self, skip=None):
        bad = [describe_array(f"latent {name}", v) for name, v in self.latent.items()
               if name != skip and not np.all(np.isfinite(np.asarray(v, dtype=np.float64)))]
        if bad:
            return bad
        others = [name for name in self.latent if name != skip]
        shown = [describe_array(f"latent {name}", self.latent[name]) for name in others[:5]]
        more = [f"... and {len(others) - 5} more latent sites, all finite"] if len(others) > 5 else []
        return shown + more if others else ["no latent site has run yet"]

    def process_message(self, msg):
        self.tag_warnings()
        name = msg["name"]
        fn = msg.get("fn")
        reason = getattr(fn, "invalid_reason", None) if fn is not None else None
        if reason:
            self._stop(name, f"invalid parameter: {reason}", describe_distribution(fn) + self._latent_lines())
        if msg["type"] == "sample" and not msg["is_observed"]:
            u = np.asarray(self.free_values[name], dtype=np.float64)
            bij = site_bijector(msg)
            msg["value"] = np.asarray(bij.forward(u))
            self.latent[name] = msg["value"]
            if self.jacobian:
                self._record(msg, f"{name} (log|J|)", f"log|J| of {bij!r}", bij.log_det_jacobian(u))

    def postprocess_message(self, msg):
        self.tag_warnings(f'at site "{msg["name"]}"')
        self.last_site = msg["name"]
        if msg["type"] == "sample":
            self._record(msg, msg["name"], f"{_base(msg['fn']).family_name} log_prob", msg["fn"].log_prob(msg["value"]))
        elif msg["type"] == "factor":
            self._record(msg, msg["name"], "factor", msg["value"])


class _Stop(Exception):
    pass


def explain(model, args, kwargs, free_values, jacobian=True):
    """Evaluate the log density term by term at free_values (dict site -> unconstrained array)."""
    from .distributions import base

    base._DEFER_VALIDATION[0] = True  # invalid parameters are recorded on the distribution, then blamed
    site = reason = error = None
    details = []
    try:
        errstate = np.errstate(divide="warn", invalid="warn", over="warn", under="ignore")
        with warnings.catch_warnings(record=True) as caught, errstate:
            warnings.simplefilter("always")
            handler = _terms_eagerly(free_values, jacobian, caught)
            try:
                with handler:
                    model(*args, **kwargs)
            finally:
                handler.tag_warnings()
    except _Stop:
        site, reason, details = handler.blame
    except Exception as e:  # noqa: BLE001 - any error in the model is what we report
        error = e
        after = f'after site "{handler.last_site}"' if handler.last_site else "before the first site"
        site = handler.last_site
        reason = f"the model raised {type(e).__name__}: {e} ({after})"
        line = model_line(e, model)
        details = ([f"at {line}"] if line else []) + handler._latent_lines()
        if type(e).__name__ == "LinAlgError":
            details.append("compiled code gives NaN here instead of raising (Cholesky of a matrix that is not "
                           "positive definite, or the inverse of a singular one)")
    finally:
        base._DEFER_VALIDATION[0] = False
    return Explanation(handler.terms, site, reason, details, handler.warnings, error)


_INT_DIV_HINT = "integer // 0 and % 0 give 0 in numpy and in compiled code: the result is wrong, not NaN"


def _describe_warning(w):
    text = str(w.message)
    if "divide by zero" in text and ("floor_divide" in text or "remainder" in text):
        text += f" ({_INT_DIV_HINT})"
    return f"{w.filename}:{w.lineno}: {w.category.__name__}: {text}"
