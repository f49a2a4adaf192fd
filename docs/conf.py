"""Sphinx configuration for the numbayes documentation.

Build: python -m sphinx -W -b html docs docs/_build/html   (tests/docs builds it the same way)
The guide is Markdown (MyST); the API reference comes from docstrings (autodoc + napoleon); the
coverage tables and the gallery pages are generated from the code at build time (docs/_ext); math is
converted to MathML at build time (docs/_ext/mathml.py), so the pages load nothing from the network.
"""
import pathlib
import sys

DOCS = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))
sys.path.insert(0, str(DOCS.parent))  # the packages themselves, when not installed

project = "numbayes"
author = "the numbayes developers"
copyright = "2026, the numbayes developers"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "mathml",
    "plain_docstrings",
    "coverage_tables",
    "api_modules",
    "gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "README.md"]
myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3
html_math_renderer = "mathml"  # _ext/mathml.py: MathML at build time, no MathJax from a CDN (offline pages)

autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "none"       # signatures as written; types belong in the numpydoc text
default_role = "code"       # `x` in a docstring is code, as numpydoc writes it
napoleon_google_docstring = False
napoleon_numpy_docstring = True

smartquotes_action = "qe"     # keep "--small" as typed (no en dashes)

html_theme = "alabaster"
html_title = "numbayes"
html_theme_options = {"description": "Gradient-based probabilistic programming on NumPy and Numba",
                      "fixed_sidebar": True, "page_width": "1240px", "body_max_width": "none"}

OUR_PACKAGES = ("autodiff", "ppl", "samplers", "models")


def skip_foreign_members(app, what, name, obj, skip, options):
    """Document only what numbayes defines: with :imported-members:, autodoc would otherwise also
    document numpy's ndarray and dtypes that autodiff.numpy re-exports, and submodules."""
    if what != "module" or skip:
        return skip
    if isinstance(obj, type(sys)):
        return True
    module = getattr(obj, "__module__", None)
    if not isinstance(module, str) or not module.split(".")[0] in OUR_PACKAGES:
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", skip_foreign_members)
