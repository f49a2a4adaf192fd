"""Coverage tables computed from the code when the docs are built, so they cannot go stale.

A directive, ``{coverage-table} KIND``, puts one generated table into a page. KIND is one of
numpy, numpy.linalg, scipy.special, scipy.linalg, scipy.stats, distributions, bijectors. The
tables compare what numbayes exports with the reference library's own public names
(``numpy.__all__``, ``scipy.special.__all__``, ...), so a name added on either side shows up
without anyone editing the docs.

Run as a script to print the tables as Markdown: ``python docs/_ext/coverage_tables.py numpy``.
"""
import importlib
import inspect
import re
import sys
import warnings

import numpy as np

PROBE_X = np.array([0.3, 0.6, 0.9])
PROBE_Y = np.array([0.2, 0.5, 0.4])
PROBE_SPD = np.array([[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.0]])


# ------------------------------------------------------------------ helpers on names

def public_functions(module, names=None):
    """Sorted public callables of module that are not classes or modules (ufuncs included)."""
    names = names if names is not None else getattr(module, "__all__", None) or dir(module)
    out = []
    for name in names:
        if name.startswith("_"):
            continue
        obj = getattr(module, name, None)
        if obj is None or inspect.isclass(obj) or inspect.ismodule(obj) or not callable(obj):
            continue
        out.append(name)
    return sorted(set(out))


def exported_names(module):
    """The public names a user can reach on module (its __all__ when it has one)."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in dir(module) if not n.startswith("_")]
    return set(names)


_RST_ROLE = re.compile(r":(\w+):`")


def first_line(obj):
    """The docstring's first line, its reStructuredText roles (:math:`x`) written as MyST's ({math}`x`)."""
    doc = inspect.getdoc(obj) or ""
    line = doc.strip().splitlines()[0] if doc.strip() else ""
    return _RST_ROLE.sub(r"{\1}`", line)


# ------------------------------------------------------------------ the gradient probe

def gradient_probe(reference, ours, matrix=False):
    """What reverse mode gives for ours, probed the way a user would first try it.

    The reference (numpy/scipy) function is called on a small float input, one argument (x)
    then two (x, y); the first pattern it accepts is used for ours under ``ad.grad`` of the
    sum of the float output, with respect to every argument. Returns 'yes' (a finite, non-zero
    gradient), 'zero' (a zero gradient: piecewise constant), 'non-finite' (the probe point may lie
    outside the domain), 'int/bool output', 'call raises: <Error>' (ours rejects the call numpy
    accepts), 'grad raises: <Error>', or '' when no one- or two-array call fits the reference
    function (shapes, dtypes or options needed).
    """
    import autodiff as ad
    import autodiff.numpy as anp

    x = PROBE_SPD if matrix else PROBE_X
    y = PROBE_SPD + 0.5 * np.eye(3) if matrix else PROBE_Y
    for args in ((x,), (x, y)):
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                ref = reference(*[a.copy() for a in args])
        except Exception:  # noqa: BLE001 - the pattern does not fit this function
            continue
        leaves = ref if isinstance(ref, tuple) else (ref,)
        if not all(isinstance(v, (np.ndarray, np.generic, float, int, bool)) for v in leaves):
            return ""
        if not all(np.issubdtype(np.asarray(v).dtype, np.floating) or np.issubdtype(np.asarray(v).dtype, np.complexfloating)
                   for v in leaves):
            return "int/bool output"

        def total(*xs):
            out = ours(*xs)
            parts = out if isinstance(out, tuple) else (out,)
            s = 0.0
            for part in parts:
                s = s + anp.sum(part)
            return s

        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                ours(*[a.copy() for a in args])
        except Exception as e:  # noqa: BLE001 - the table reports what happened
            return f"call raises: {type(e).__name__}"
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                grads = ad.grad(total, argnums=tuple(range(len(args))))(*[a.copy() for a in args])
            g = np.concatenate([np.ravel(np.asarray(gi)) for gi in grads])
        except Exception as e:  # noqa: BLE001 - the table reports what happened
            return f"grad raises: {type(e).__name__}"
        if not np.all(np.isfinite(g)):
            return "non-finite"
        return "yes" if np.any(g != 0) else "zero"
    return ""


# ------------------------------------------------------------------ tables as lists of rows

def module_rows(module_name):
    """(covered rows (name, gradient probe), missing names, extra names) for a NumPy or SciPy
    module: numpy, numpy.linalg, scipy.special, scipy.linalg against autodiff.<module_name>."""
    reference = importlib.import_module(module_name)
    ours = importlib.import_module("autodiff." + module_name)
    names = public_functions(reference)
    ours_names = exported_names(ours)
    matrix = module_name.endswith("linalg")
    covered, missing = [], []
    for name in names:
        if name in ours_names and callable(getattr(ours, name, None)):
            covered.append((name, gradient_probe(getattr(reference, name), getattr(ours, name), matrix)))
        else:
            missing.append(name)
    extra = sorted(n for n in public_functions(ours, sorted(ours_names)) if not hasattr(reference, n))
    return covered, missing, extra


STATS_METHODS = ("logpdf", "pdf", "logpmf", "pmf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf", "mean", "var",
                 "std", "median", "interval", "cov", "mode", "entropy")


def stats_rows():
    """(covered rows (family, our functions, scipy's methods of STATS_METHODS we lack), missing family names,
    our extra modules) for scipy.stats."""
    import scipy.stats as st

    from autodiff.scipy import stats as ours

    families = sorted(n for n in dir(st) if isinstance(getattr(st, n), (st.rv_continuous, st.rv_discrete))
                      or type(getattr(st, n)).__name__.endswith("_gen") and not n.startswith("_"))
    ours_names = exported_names(ours)
    covered, missing = [], []
    for name in families:
        if name in ours_names:
            module = getattr(ours, name)
            mine = [m for m in getattr(module, "__all__", STATS_METHODS) if callable(getattr(module, m, None))]
            theirs = [m for m in STATS_METHODS if m not in mine and callable(getattr(getattr(st, name), m, None))]
            covered.append((name, ", ".join(mine), ", ".join(theirs)))
        else:
            missing.append(name)
    extra = sorted(n for n in ours_names if n not in families)
    return covered, missing, extra


def distribution_rows():
    """One row per distribution class exported by ppl.distributions."""
    import ppl.distributions as dist

    base = dist.Distribution
    rows = []
    for name in sorted(exported_names(dist)):
        cls = getattr(dist, name, None)
        if not (inspect.isclass(cls) and issubclass(cls, base)) or cls is base:
            continue

        def has(method):
            mine = getattr(cls, method, None)
            return "yes" if mine is not None and mine is not getattr(base, method, None) else ""

        params = getattr(cls, "arg_constraints", {})
        params = ", ".join(params) if isinstance(params, dict) else ""
        support = getattr(cls, "support", None)
        support = repr(support) if support is not None and not isinstance(support, property) else "depends"
        rows.append((name, params, support, has("cdf"), has("icdf"), has("mean"), has("variance"),
                     first_line(cls)))
    return rows


def distribution_factories():
    """Exported callables with a distribution's name that are not classes (Bernoulli picks
    BernoulliProbs or BernoulliLogits, as in NumPyro)."""
    import ppl.distributions as dist

    return sorted(n for n in exported_names(dist) if n[:1].isupper() and callable(getattr(dist, n))
                  and not inspect.isclass(getattr(dist, n)))


def bijector_rows():
    """(bijector rows (name, summary), registry rows (constraint type, default bijector))."""
    import ppl.bijectors as bij

    rows = []
    for name in sorted(exported_names(bij)):
        cls = getattr(bij, name, None)
        if inspect.isclass(cls) and issubclass(cls, bij.Bijector):
            rows.append((name, first_line(cls)))
    from ppl.distributions import constraints as c

    examples = [(name, obj) for name, obj in sorted(vars(c).items())
                if isinstance(obj, c.Constraint) and not name.startswith("_")]
    examples += [("greater_than(1.0)", c.greater_than(1.0)), ("less_than(0.0)", c.less_than(0.0)),
                 ("interval(-1.0, 1.0)", c.interval(-1.0, 1.0)), ("independent(real, 1)", c.independent(c.real, 1))]
    registry = []
    for name, constraint in examples:
        try:
            default = repr(bij.biject_to(constraint))
        except Exception as e:  # noqa: BLE001 - discrete and unregistered constraints say why
            default = f"none ({type(e).__name__})"
        registry.append((name, default))
    return rows, registry


# ------------------------------------------------------------------ rendering

def md_table(header, rows):
    def cell(text):
        return str(text).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def code_list(names):
    return ", ".join(f"`{n}`" for n in names) if names else "(none)"


def _covered_missing(ref_name, covered, missing, extra):
    total = len(covered) + len(missing)
    counts = {}
    for _, result in covered:
        key = result.split(":")[0] or "not probed"
        counts[key] = counts.get(key, 0) + 1
    text = [f"**{len(covered)} of {total}** public functions of `{ref_name}` are in `autodiff.{ref_name}`.", "",
            "Gradient probe (reverse mode on a small float input; see the note at the top of the page): "
            + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) + ".", "",
            md_table(("name", "gradient probe"), [(f"`{n}`", r) for n, r in covered]), ""]
    text += [f"Not provided ({len(missing)}): " + code_list(missing), ""]
    if extra:
        text += [f"numbayes additions not in `{ref_name}`: " + code_list(extra), ""]
    return "\n".join(text)


def render(kind):
    """The Markdown for one table kind."""
    if kind in ("numpy", "numpy.linalg", "scipy.special", "scipy.linalg"):
        return _covered_missing(kind, *module_rows(kind))
    if kind == "scipy.stats":
        covered, missing, extra = stats_rows()
        text = [f"**{len(covered)} of {len(covered) + len(missing)}** `scipy.stats` distribution families are "
                "in `autodiff.scipy.stats`, each a module with scipy's argument conventions. The last column "
                "lists the methods scipy's family has (of " + ", ".join(STATS_METHODS) + ") that ours does not.", "",
                md_table(("family", "functions", "scipy has, not here"),
                         [(f"`{n}`", m, t) for n, m, t in covered]), "",
                f"Not provided ({len(missing)}): " + code_list(missing), ""]
        if extra:
            text += ["Also: " + code_list(extra), ""]
        return "\n".join(text)
    if kind == "distributions":
        rows = distribution_rows()
        return "\n".join([f"**{len(rows)}** distribution classes in `ppl.distributions`.", "",
                          md_table(("distribution", "parameters", "support", "cdf", "icdf", "mean", "variance",
                                    "summary"),
                                   [(f"`{r[0]}`",) + r[1:] for r in rows]), "",
                          "Factories (functions that pick the class from the arguments given, as NumPyro's do): "
                          + code_list(distribution_factories()), ""])
    if kind == "bijectors":
        rows, registry = bijector_rows()
        return "\n".join([f"**{len(rows)}** bijectors in `ppl.bijectors`.", "",
                          md_table(("bijector", "summary"), [(f"`{n}`", s) for n, s in rows]), "",
                          "The default bijector of each constraint (`ppl.bijectors.biject_to(constraint)`), used for "
                          "every latent site without `transform=`:", "",
                          md_table(("constraint", "default bijector"), [(f"`{c}`", s) for c, s in registry]), ""])
    raise ValueError(f"unknown coverage table {kind!r}")


KINDS = ("numpy", "numpy.linalg", "scipy.special", "scipy.linalg", "scipy.stats", "distributions", "bijectors")


def setup(app):
    from docutils import nodes
    from docutils.parsers.rst import Directive
    from docutils.statemachine import StringList

    class CoverageTable(Directive):
        """``{coverage-table} KIND``: the generated table, parsed as MyST Markdown."""
        required_arguments = 1

        def run(self):
            kind = self.arguments[0]
            if kind not in KINDS:
                raise self.error(f"coverage-table: unknown kind {kind!r}; one of {', '.join(KINDS)}")
            container = nodes.container()
            self.state.nested_parse(StringList(render(kind).splitlines(), source=f"<coverage {kind}>"),
                                    self.content_offset, container)
            return container.children

    app.add_directive("coverage-table", CoverageTable)
    return {"parallel_read_safe": True}


if __name__ == "__main__":
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
    for kind in sys.argv[1:] or KINDS:
        print(f"## {kind}\n\n{render(kind)}")
