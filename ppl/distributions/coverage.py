"""What each distribution provides, read from the code: a table for the docs and for coverage tests.

``coverage_table()`` lists every public ``Distribution`` class of
``ppl.distributions`` with the methods it defines (``cdf``, ``icdf``, ``mean``,
``variance``, ``enumerate_support``), so generated docs never claim more than
the classes do. ``format_coverage_table()`` renders it as Markdown.
"""

import ppl.distributions as dist
from ppl.distributions.base import Distribution

__all__ = ["coverage_table", "format_coverage_table"]

_METHODS = ("cdf", "icdf", "mean", "variance", "enumerate_support")


def _defines(cls, name):
    """True if ``cls`` has ``name`` and it is not the base class's placeholder that raises."""
    attr = getattr(cls, name, None)
    return attr is not None and attr is not getattr(Distribution, name, None)


def coverage_table():
    """One dict per public distribution class: ``name``, ``module`` and a bool per method in ``_METHODS``."""
    rows = []
    for name in sorted(dist.__all__):
        cls = getattr(dist, name)
        if not (isinstance(cls, type) and issubclass(cls, Distribution)) or cls is Distribution:
            continue
        row = {"name": name, "module": cls.__module__.rsplit(".", 1)[-1]}
        row.update({m: _defines(cls, m) for m in _METHODS})
        rows.append(row)
    return rows


def format_coverage_table():
    """``coverage_table()`` as a Markdown table (yes/blank per method)."""
    header = "| distribution | module | " + " | ".join(_METHODS) + " |"
    lines = [header, "|" + "---|" * (2 + len(_METHODS))]
    for row in coverage_table():
        marks = " | ".join("yes" if row[m] else "" for m in _METHODS)
        lines.append(f"| {row['name']} | {row['module']} | {marks} |")
    return "\n".join(lines)
