"""Generated source that reads array sizes at run time, so new data lengths reuse compiled code.

Code generation writes every size as a number (`range(1000)`, `np.empty((1000, 2), ...)`). A
*template* replaces some of those integers by expressions of the arguments' dimensions, read when
the function runs (`size0 = v3.shape[0]`, `range(size0)`, `(2 * size0 + 1)`), and keeps the rest.

Soundness does not rest on guessing which integers are sizes: a template is used for a new program
only if, with that program's argument shapes, it reproduces the program's own source integer for
integer (the rest of the text must match exactly). The compiled template then runs, for these
sizes, exactly the code a fresh compile would. Otherwise the program is compiled as it is.

Templates come from two places: a first guess, where integers equal to a large argument dimension
(GUESS_AT_LEAST), to its neighbours or to a small multiple are taken for that expression; and, when a program has the same text as an earlier
one except for its integers, the two are compared: an integer that changed must be an affine
function a * size + b of a dimension that changed, and one that did not stays a number.
"""
import re

# Dimensions at least this large are guessed to be data sizes on first sight; smaller ones (numbers
# of components, matrix sides) stay numbers so Numba can unroll and scalarise, until a second
# program with another length shows that they vary. Reading a size at run time can cost speed
# (measured per gradient in an @njit loop: gmm N=1000 1.2x, logistic and hier_linreg 1.0x); a very
# large value here compiles each program with its numbers until a second length is seen.
GUESS_AT_LEAST = 16

# integer tokens, skipping identifiers (v12, lit3), floats (1.5, 1e-05), strings and comments
_TOKENS = re.compile(r"""(?P<skip>[A-Za-z_]\w*|'[^'\n]*'|"[^"\n]*"|\#[^\n]*"""
                     r"""|\d*\.\d+(?:[eE][+-]?\d+)?|\d+\.\d*(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+)|(?P<int>\d+)""")
HOLE = "\x00"  # where an integer was, in a skeleton (a character generated source never holds)
_PART_DEF = re.compile(r"^def (FN_part\d+)\((.*)\):$")
_PART_CALL = re.compile(r"= (FN_part\d+)\((.*)\)$")


def split_integers(source):
    """(skeleton, integers): the source with each integer token replaced by HOLE, and the integers."""
    pieces, ints, last = [], [], 0
    for m in _TOKENS.finditer(source):
        if m.group("int") is not None:
            pieces.append(source[last:m.start()])
            pieces.append(HOLE)
            ints.append(int(m.group("int")))
            last = m.end()
    pieces.append(source[last:])
    return "".join(pieces), ints


class Template:
    """A source skeleton and, per integer token, either a fixed number or a * sizes[k] + b.

    sizes: [(parameter name, axis)], the dimensions the expressions read.
    """

    def __init__(self, skeleton, slots, sizes):
        self.skeleton, self.slots, self.sizes = skeleton, slots, sizes

    def matches(self, ints, dims):
        """Does this template, at the dimensions `dims` ({(name, axis): value}), give these integers?"""
        if len(ints) != len(self.slots):
            return False
        values = [dims.get(s) for s in self.sizes]
        if None in values:
            return False
        for got, slot in zip(ints, self.slots):
            want = slot if isinstance(slot, int) else slot[1] * values[slot[0]] + slot[2]
            if got != want:
                return False
        return True

    @property
    def generic(self):
        """Does any integer read a size at run time?"""
        return any(not isinstance(s, int) for s in self.slots)

    def source(self, fn_name):
        """The generic source, with the main function named fn_name (the skeleton names it FN)."""
        used = sorted({s[0] for s in self.slots if not isinstance(s, int)})
        names = {k: f"size{k}" for k in used}
        pieces = self.skeleton.split(HOLE)
        out = [pieces[0]]
        for slot, piece in zip(self.slots, pieces[1:]):
            out.append(str(slot) if isinstance(slot, int) else _affine(names[slot[0]], slot[1], slot[2]))
            out.append(piece)
        size_params = [names[k] for k in used]
        lines = []
        for line in "".join(out).split("\n"):
            m = _PART_DEF.match(line)
            if m and size_params:
                line = f"def {m.group(1)}({', '.join(filter(None, [m.group(2)] + size_params))}):"
            m = _PART_CALL.search(line)
            if m and size_params:
                line = line[:m.start()] + f"= {m.group(1)}({', '.join(filter(None, [m.group(2)] + size_params))})"
            lines.append(line)
            if line.startswith("def FN("):
                lines += [f"    {names[k]} = {self.sizes[k][0]}.shape[{self.sizes[k][1]}]" for k in used]
        return rename("\n".join(lines), fn_name)


def rename(source, fn_name):
    """A source generated with the main function named FN, with it (and its parts) named fn_name."""
    return source.replace("def FN(", f"def {fn_name}(").replace("FN_part", f"{fn_name}_part")


def main_params(source):
    """The parameter names of the main function FN of a generated source."""
    head = source[source.index("def FN(") + len("def FN("):]
    return [p.strip() for p in head[:head.index(")")].split(",") if p.strip()]


def _affine(name, a, b):
    term = name if a == 1 else f"{a} * {name}"
    return term if b == 0 else f"({term} + {b})" if b > 0 else f"({term} - {-b})"


def param_dims(params, avals):
    """{(parameter name, axis): dimension} of the main function's array parameters."""
    return {(p, k): int(d) for p, a in zip(params, avals) for k, d in enumerate(a.shape)}


def guess(skeleton, ints, dims):
    """The first-sight template: integers equal to a dimension >= GUESS_AT_LEAST read that dimension,
    as do its neighbours (n - 1 for the last index or a lagged slice, n + 1) and small multiples (n * d
    for a flattened (n, d))."""
    forms = {}
    for key, d in dims.items():
        if d >= GUESS_AT_LEAST:
            for a, b in [(1, 0), (1, -1), (1, -2), (1, 1), (1, 2)] + [(a, 0) for a in range(2, 9)]:
                forms.setdefault(a * d + b, (key, a, b))
    sizes, slots = [], []
    for v in ints:
        form = forms.get(v)
        if form is None:
            slots.append(v)
            continue
        key, a, b = form
        if key not in sizes:
            sizes.append(key)
        slots.append((sizes.index(key), a, b))
    return Template(skeleton, slots, sizes)


def learn(skeleton, ints_a, dims_a, ints_b, dims_b):
    """The template two programs with the same skeleton share, or None when an integer that differs
    is not an integer affine function of a dimension that differs."""
    if len(ints_a) != len(ints_b) or set(dims_a) != set(dims_b):
        return None
    varying = [k for k in dims_a if dims_a[k] != dims_b[k]]
    sizes, slots = [], []
    for ta, tb in zip(ints_a, ints_b):
        if ta == tb:
            slots.append(ta)
            continue
        for key in varying:
            da, db = dims_a[key], dims_b[key]
            if (tb - ta) % (db - da) == 0:
                a = (tb - ta) // (db - da)
                if key not in sizes:
                    sizes.append(key)
                slots.append((sizes.index(key), a, ta - a * da))
                break
        else:
            return None
    return Template(skeleton, slots, sizes)


class Registry:
    """Per process: skeleton -> the templates compiled so far and the last program seen as it was."""

    def __init__(self):
        self._entries = {}

    def find(self, skeleton, ints, dims):
        """A template that reproduces this program (or None), learning one from an earlier program
        with the same skeleton, or guessing one on first sight."""
        entry = self._entries.setdefault(skeleton, {"templates": [], "seen": None})
        for t in entry["templates"]:
            if t.matches(ints, dims):
                return t
        seen, entry["seen"] = entry["seen"], (ints, dims)
        t = learn(skeleton, *seen, ints, dims) if seen is not None else guess(skeleton, ints, dims)
        if t is None or not t.generic or not t.matches(ints, dims):
            return None
        entry["templates"].append(t)
        return t

    def forget(self, skeleton, template):
        """Drop a template that failed to compile (the program is then compiled as it is)."""
        entry = self._entries.get(skeleton)
        if entry and template in entry["templates"]:
            entry["templates"].remove(template)


registry = Registry()
