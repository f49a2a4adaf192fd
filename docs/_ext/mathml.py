"""Math rendered at build time as MathML (latex2mathml), so the pages show formulas offline.

sphinx.ext.mathjax loads MathJax from a CDN, and a page read without the network then shows raw
LaTeX. Browsers render MathML themselves, so converting each formula while building needs no
script at all. A formula latex2mathml cannot convert is a build warning (an error under -W)
naming the page and the LaTeX. A display block with several equations (separated by blank lines)
becomes one aligned block, as sphinx.ext.mathjax does.
"""
from docutils import nodes
from latex2mathml.converter import convert
from sphinx.util import logging

logger = logging.getLogger(__name__)


def to_mathml(latex, display, node):
    """MathML for `latex`; on failure a warning located at `node`, and the LaTeX as plain code."""
    try:
        return convert(latex, display="block" if display else "inline")
    except Exception as err:  # latex2mathml raises a variety of exceptions for unsupported input
        logger.warning("math: latex2mathml cannot convert %r (%s)", latex, err, location=node)
        return f"<code>{nodes.Text(latex).astext()}</code>"


def _display_latex(node):
    parts = [p for p in node.astext().split("\n\n") if p.strip()]
    if len(parts) == 1:
        return parts[0]
    return r"\begin{aligned}" + r"\\".join(parts) + r"\end{aligned}"


def visit_math(self, node):
    self.body.append(self.starttag(node, "span", "", CLASS="math"))
    self.body.append(to_mathml(node.astext(), False, node) + "</span>")
    raise nodes.SkipNode


def visit_math_block(self, node):
    self.body.append(self.starttag(node, "div", CLASS="math"))
    self.body.append(to_mathml(_display_latex(node), True, node) + "</div>\n")
    raise nodes.SkipNode


def setup(app):
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_math_block, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
