"""Every ```python block in the docs runs, page by page, as a reader would paste it.

Blocks marked ``<!-- docs-test: skip REASON -->`` wait for features not merged yet; the list is
printed by ``python tests/docs/snippets.py``.
"""
import os
import traceback

import pytest

from snippets import DOCS, guide_pages, snippets

PAGES = [p for p in guide_pages() if snippets(p)]


@pytest.mark.filterwarnings("ignore::samplers.SamplerWarning")  # short chains in the examples
@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_snippets_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)            # snippets that write files write them here
    monkeypatch.setenv("MPLBACKEND", "Agg")
    blocks = snippets(page)
    runnable = [b for b in blocks if b.skip is None]
    if not runnable:
        pytest.skip(f"every block of {page.name} is marked skip: {blocks[0].skip}")
    namespace = {"__name__": f"docs_{page.stem}"}
    for block in runnable:
        try:
            exec(compile(block.code, f"{page}:{block.line}", "exec"), namespace)
        except Exception:  # noqa: BLE001 - reported with the page and line
            pytest.fail(f"the snippet at {page.relative_to(DOCS.parent)}:{block.line} failed:\n"
                        f"{block.code}\n{traceback.format_exc(limit=-3)}", pytrace=False)


def test_skip_markers_give_a_reason():
    for page in guide_pages():
        for block in snippets(page):
            assert block.skip is None or len(block.skip) > 10, f"{page}:{block.line}: say why it is skipped"


def test_snippets_are_found():
    assert os.path.exists(DOCS / "guide")
    assert sum(len(snippets(p)) for p in guide_pages()) >= 20
