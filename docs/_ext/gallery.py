"""The examples gallery: one page per examples/*.py, written when the docs build starts.

Each page shows the example's docstring, its figure(s) from docs/gallery/images/ (made and
committed by docs/build_gallery.py, so the build never runs an example) and its full source.
A new example gets its page without anyone editing the docs; one without a committed figure
says how to make it.
"""
import ast
import pathlib

DOCS = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = DOCS.parent / "examples"
GALLERY = DOCS / "gallery"
GENERATED = GALLERY / "generated"
IMAGES = GALLERY / "images"


def example_page(path):
    """The Markdown of one example's gallery page."""
    name = path.stem
    docstring = ast.get_docstring(ast.parse(path.read_text())) or ""
    title, _, rest = docstring.partition("\n")
    figures = sorted(IMAGES.glob(f"{name}.png")) + sorted(IMAGES.glob(f"{name}-*.png"))
    lines = [f"# {name}.py", "", f"**{title.strip() or name}**", ""]
    if rest.strip():  # plain text: Markdown keeps its paragraphs, and indented lines become code
        lines += [rest.strip(), ""]
    for figure in figures:
        lines += [f"```{{image}} ../images/{figure.name}", f":alt: the figure of examples/{name}.py", "```", ""]
    if not figures:
        lines += [f"*No figure committed yet: run `python docs/build_gallery.py {name}` and commit "
                  f"`docs/gallery/images/{name}*.png`.*", ""]
    lines += ["## Source", "", f"```{{literalinclude}} ../../../examples/{name}.py", ":language: python", "```", ""]
    return "\n".join(lines)


def write_pages(app=None):
    """(Re)write docs/gallery/generated/*.md from examples/*.py; remove pages of deleted examples."""
    GENERATED.mkdir(exist_ok=True)
    wanted = {}
    for path in sorted(EXAMPLES.glob("*.py")):
        if not path.name.startswith("_"):
            wanted[f"{path.stem}.md"] = example_page(path)
    for old in GENERATED.glob("*.md"):
        if old.name not in wanted:
            old.unlink()
    for filename, text in wanted.items():
        target = GENERATED / filename
        if not target.exists() or target.read_text() != text:
            target.write_text(text)


def setup(app):
    app.connect("builder-inited", write_pages)
    return {"parallel_read_safe": True}
