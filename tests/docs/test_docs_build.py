"""The docs build with Sphinx, warnings as errors: API pages from docstrings, the generated
coverage tables and the gallery. (The snippets run in test_guide_snippets.py.)"""
import subprocess
import sys

import pytest

from snippets import DOCS

pytest.importorskip("sphinx")
pytest.importorskip("myst_parser")


def test_docs_build_strict(tmp_path):
    out = tmp_path / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-E", "-q", "-b", "html",
         "-d", str(tmp_path / "doctrees"), str(DOCS), str(out)],
        capture_output=True, text=True)
    assert result.returncode == 0, f"sphinx failed:\n{result.stdout[-5000:]}\n{result.stderr[-10000:]}"
    for page in ("index.html", "guide/dsl.html", "api/ppl.distributions.html", "coverage/index.html",
                 "gallery/index.html"):
        assert (out / page).exists(), page
    coverage = (out / "coverage" / "index.html").read_text()
    assert "public functions of" in coverage and "gradient probe" in coverage
    api = (out / "api" / "ppl.distributions.html").read_text()
    assert "ppl.distributions.Normal" in api
    # math is MathML written at build time: readable offline, no script from a CDN
    assert api.count("<math") > 50
    for page in out.rglob("*.html"):
        text = page.read_text()
        assert "cdn.jsdelivr" not in text and "mathjax.js" not in text.lower() and "tex-mml" not in text, page
    assert "\\frac" not in api and "\\log" not in api  # no raw LaTeX left for a script to typeset
