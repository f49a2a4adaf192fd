"""Let docstrings written as plain text render as reStructuredText without markup accidents.

numbayes docstrings are numpydoc, but much of their prose is plain text that happens to contain
reStructuredText markup characters: `|x|` (a substitution reference), `*args` (emphasis),
`numpy.ix_` (a hyperlink reference). Before napoleon reads a docstring, this escapes those
characters outside inline literals, roles, math and literal/doctest blocks, so the strict docs
build (-W) fails only on real structural errors.
"""
import re

# inline literals ``...``, roles :name:`...` and interpreted text `...`: left untouched
_PROTECTED = re.compile(r"(``.+?``|:[\w:+-]+:`[^`]+`|`[^`]+`_{0,2})")
_TRAILING_UNDERSCORE = re.compile(r"(?<=\w)_(?!\w)")
_BULLET = re.compile(r"^([*+-] |\d+[.)] |#\. )")
_FIELD_SECTIONS = {"parameters", "other parameters", "returns", "yields", "receives", "raises", "warns",
                   "attributes", "methods"}
_NAME_LINE = re.compile(r"^\*{0,2}\w[\w, *]*(\s*:.*)?$")


def escape_prose(text):
    """Escape |, * and word-final _ in text, except inside protected inline spans."""
    parts = _PROTECTED.split(text)
    for i in range(0, len(parts), 2):
        plain = parts[i].replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*")
        parts[i] = _TRAILING_UNDERSCORE.sub(r"\\_", plain)
    return "".join(parts)


def _indent(line):
    return len(line) - len(line.lstrip())


def _is_section_header(lines, i):
    return (i + 1 < len(lines) and lines[i].strip() and set(lines[i + 1].strip()) == {"-"}
            and len(lines[i + 1].strip()) >= len(lines[i].strip()))


def sanitise(lines):
    """Make a docstring (a list of lines, as autodoc gives them) safe to parse, in place.

    Prose gets its markup characters escaped. Where the indentation of prose changes between two
    lines with no blank line between (plain-text layout), a blank line is inserted, as
    reStructuredText needs. Prose that follows a numpydoc field list (Parameters, Returns, ...)
    after a blank line, at the indentation of the field names but not looking like one, is put
    under a Notes heading, where napoleon expects free text.
    """
    out = []
    block_indent = None  # inside a literal block (after ::), a directive or a doctest: its indent
    section = None       # the numpydoc section we are in (lower case), None before the first
    previous = ""        # the previous line that was prose, for indentation changes
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        i += 1
        if block_indent is not None:
            if stripped and _indent(line) <= block_indent:
                block_indent = None
            else:
                out.append(line)
                continue
        if _is_section_header(lines, i - 1):
            section = stripped.lower()
            out += [line, lines[i]]
            i += 1
            previous = ""
            continue
        if not stripped:
            out.append(line)
            previous = ""
            continue
        if stripped.startswith((">>>", "... ")) or stripped == "...":
            out.append(line)
            continue
        if stripped.startswith(".. "):
            block_indent = _indent(line)
            out.append(line)
            continue
        if section in _FIELD_SECTIONS:
            if (not previous and out and not out[-1].strip() and _indent(line) == 0
                    and not _NAME_LINE.match(stripped)):
                out += ["Notes", "-----"]
                section = "notes"
        elif previous and _indent(line) != _indent(previous) and not previous.rstrip().endswith("::") \
                and not (_BULLET.match(previous.strip()) and _indent(line) > _indent(previous)):
            out.append("")
        bullet = _BULLET.match(stripped)
        head = bullet.group(0) if bullet else ""
        out.append(line[:_indent(line)] + head + escape_prose(stripped[len(head):]))
        previous = line
        if stripped.endswith("::"):
            block_indent = _indent(line)
    lines[:] = out


def process_docstring(app, what, name, obj, options, lines):
    sanitise(lines)


def setup(app):
    # priority 400: before napoleon (500) turns numpydoc sections into field lists
    app.connect("autodoc-process-docstring", process_docstring, priority=400)
    return {"parallel_read_safe": True}
