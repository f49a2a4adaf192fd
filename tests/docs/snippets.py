"""Extract the ```python blocks of the docs' Markdown pages, so tests can run them.

A block runs unless the line just before its fence (blank lines allowed between) is a
``<!-- docs-test: skip REASON -->`` comment; a page whose first lines hold
``<!-- docs-test: skip-page REASON -->`` runs none. The blocks of a page run in order in one
namespace, like a reader pasting them into one session.

    python tests/docs/snippets.py      # lists every skipped block with its reason
"""
import pathlib
import re
from typing import NamedTuple

DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs"
FENCE = re.compile(r"^(`{3,}|~{3,})\s*(\S*)\s*$")
SKIP = re.compile(r"^<!--\s*docs-test:\s*skip\s+(.+?)\s*-->$")
SKIP_PAGE = re.compile(r"^<!--\s*docs-test:\s*skip-page\s+(.+?)\s*-->$")


class Snippet(NamedTuple):
    page: pathlib.Path
    line: int          # 1-based line of the first code line
    code: str
    skip: str | None   # the reason, when the block is not run


def guide_pages():
    """Every Markdown page of the docs that a person writes (generated gallery pages excluded)."""
    return sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts and "generated" not in p.parts)


def page_skip_reason(page):
    for line in page.read_text().splitlines()[:5]:
        match = SKIP_PAGE.match(line.strip())
        if match:
            return match.group(1)
    return None


def snippets(page):
    """The ```python blocks of page, in order."""
    lines = page.read_text().splitlines()
    page_reason = page_skip_reason(page)
    out, i, last_text = [], 0, ""
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            if lines[i].strip():
                last_text = lines[i].strip()
            i += 1
            continue
        fence, lang = match.groups()
        j = i + 1
        while j < len(lines) and not lines[j].startswith(fence):
            j += 1
        if lang == "python":
            skip = SKIP.match(last_text)
            reason = page_reason or (skip.group(1) if skip else None)
            out.append(Snippet(page, i + 2, "\n".join(lines[i + 1:j]) + "\n", reason))
        last_text = ""
        i = j + 1
    return out


if __name__ == "__main__":
    for page in guide_pages():
        for s in snippets(page):
            if s.skip:
                print(f"{s.page.relative_to(DOCS.parent)}:{s.line}: {s.skip}")
