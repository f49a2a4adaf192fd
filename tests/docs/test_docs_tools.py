"""The docs tooling does what it says: the docstring sanitiser, the coverage tables (against
numpy's and scipy's own name lists), the snippet extractor's skip markers, the gallery pages."""
import sys

import numpy as np
import pytest
import scipy.special

from snippets import DOCS, snippets

sys.path.insert(0, str(DOCS / "_ext"))
import coverage_tables  # noqa: E402
import gallery  # noqa: E402
import plain_docstrings  # noqa: E402

import autodiff.numpy as anp  # noqa: E402
import autodiff.scipy.special as asp  # noqa: E402


@pytest.mark.parametrize("text, expected", [
    ("|x1| with the sign of x2", r"\|x1\| with the sign of x2"),
    ("true_fun(*operands)", r"true_fun(\*operands)"),
    ("numpy.ix_: open mesh", r"numpy.ix\_: open mesh"),
    ("``a|b`` and :math:`|x|` stay", "``a|b`` and :math:`|x|` stay"),
    ("a `code|span` too", "a `code|span` too"),
    ("snake_case is fine", "snake_case is fine"),
])
def test_escape_prose(text, expected):
    assert plain_docstrings.escape_prose(text) == expected


def test_sanitise_keeps_blocks_bullets_and_sections():
    lines = ["Summary |x|.", "", ".. math::", "", "    |x|^2", "", "* a bullet with *args", "  continued",
             "Parameters", "----------", "x : float", "    The value.", "", "The value has shape (n,)."]
    plain_docstrings.sanitise(lines)
    assert lines[0] == r"Summary \|x\|."
    assert "    |x|^2" in lines                      # math untouched
    assert lines[6] == r"* a bullet with \*args" and lines[7] == "  continued"
    assert lines[-3:] == ["Notes", "-----", "The value has shape (n,)."]


def test_sanitise_separates_indentation_changes():
    lines = ["Summary.", "    indented detail", "back"]
    plain_docstrings.sanitise(lines)
    assert lines == ["Summary.", "", "    indented detail", "", "back"]


def test_numpy_table_agrees_with_the_name_lists():
    covered, missing, extra = coverage_tables.module_rows("numpy")
    names = {n for n, _ in covered}
    reference = {n for n in np.__all__ if callable(getattr(np, n)) and not isinstance(getattr(np, n), type)}
    assert names | set(missing) == reference
    assert all(callable(getattr(anp, n)) for n in names)
    assert not any(hasattr(anp, n) and n in getattr(anp, "__all__", dir(anp)) for n in missing)
    assert all(not hasattr(np, n) for n in extra)


def test_special_table_agrees_with_scipy():
    covered, missing, _ = coverage_tables.module_rows("scipy.special")
    assert {n for n, _ in covered} | set(missing) == {n for n in scipy.special.__all__
                                                     if callable(getattr(scipy.special, n))
                                                     and not isinstance(getattr(scipy.special, n), type)}
    assert "gammaln" in {n for n, _ in covered} and hasattr(asp, "gammaln")


@pytest.mark.parametrize("name, expected", [
    ("sin", "yes"), ("floor", "zero"), ("isnan", "int/bool output"), ("arange", ""), ("maximum", "yes")])
def test_gradient_probe(name, expected):
    assert coverage_tables.gradient_probe(getattr(np, name), getattr(anp, name)) == expected


def test_gradient_probe_reports_a_missing_derivative():
    def no_grad(x):
        raise NotImplementedError("no derivative")
    def values_only(x):          # works on arrays, has no derivative
        return np.sin(x) if isinstance(x, np.ndarray) else no_grad(x)

    assert coverage_tables.gradient_probe(np.sin, values_only) == "grad raises: NotImplementedError"
    assert coverage_tables.gradient_probe(np.sin, no_grad) == "call raises: NotImplementedError"


def test_every_table_renders():
    for kind in coverage_tables.KINDS:
        assert coverage_tables.render(kind).strip()
    assert "`Normal`" in coverage_tables.render("distributions")
    with pytest.raises(ValueError, match="unknown coverage table"):
        coverage_tables.render("numpy.fft")


def test_snippet_skip_markers(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# t\n\n```python\na = 1\n```\n\n<!-- docs-test: skip waits for ppl.plate -->\n\n"
                    "```python\nb = 2\n```\n\n```bash\nls\n```\n\n```python\nc = 3\n```\n")
    blocks = snippets(page)
    assert [b.code for b in blocks] == ["a = 1\n", "b = 2\n", "c = 3\n"]
    assert [b.skip for b in blocks] == [None, "waits for ppl.plate", None]
    assert blocks[0].line == 4
    page.write_text("<!-- docs-test: skip-page not merged yet -->\n# t\n```python\na = 1\n```\n")
    assert snippets(page)[0].skip == "not merged yet"


def test_gallery_page_has_figure_and_source():
    text = gallery.example_page(DOCS.parent / "examples" / "fit_hmm.py")
    assert "../images/fit_hmm.png" in text and "examples/fit_hmm.py" in text and "literalinclude" in text
    assert (DOCS / "gallery" / "images" / "fit_hmm.png").exists()


def test_gallery_images_stay_small():
    images = sorted((DOCS / "gallery" / "images").glob("*.png"))
    assert images
    for image in images:
        assert image.stat().st_size < 200_000, f"{image.name}: shrink it (docs/build_gallery.py does)"
