"""Cached machine code that holds a copy of code from other files: dropped, or kept apart, when they change.

Numba checks a cached function against its own source file only (modification time and size), but
a compiled function's machine code includes every compiled function it calls. After an edit of
`codegen/cephes.py`, the cached `gammaln` still holds the old `polevl`, and cached generated code
the old `gammaln`. Two remedies, for the two kinds of folder:

* a library's kernel folder belongs to one checkout (`autodiff.cache.kernels_dir`): it keeps a
  fingerprint of the sources of a group of files whose kernels call each other, and
  `drop_if_changed` removes the group's cached entries when the sources no longer match it;
* generated modules share one folder across checkouts (they are named for their own source), so
  their machine code goes to a subfolder named for the fingerprint of the kernels it can call
  (`generated_cache_dir`: autodiff's, and the extension kernels of other packages that the module,
  or a generated module it imports, calls by name): code compiled against other kernel sources is
  never loaded.

Both read a few source files (about 1 ms), once per process and group.
"""
import glob
import hashlib
import os
import re
import sys

__all__ = ["fingerprint", "drop_if_changed", "codegen_kernel_sources", "extension_sources", "generated_cache_dir",
           "GENERATED_IMPORT"]

CODEGEN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "codegen")
# the autodiff/codegen modules whose compiled functions generated code calls (and that call each other)
CODEGEN_KERNELS = ("cephes", "runtime", "runtime_indexing", "runtime_linalg", "special_kernels_*", "vector_math")

_EXT_CALL = re.compile(r"\bext\.([A-Za-z_]\w*)")
GENERATED_IMPORT = re.compile(r"^from (nb_[0-9a-f]+) import ", re.MULTILINE)
_fingerprints = {}  # (path, mtime, size) of each source -> fingerprint
_kernel_sources = {}  # (CODEGEN, CODEGEN_KERNELS) -> the files they name
_called_extensions = {}  # generated module file -> the extension kernel sources it reaches (its name is its content)


def _stat(path):
    try:
        st = os.stat(path)
        return path, st.st_mtime_ns, st.st_size
    except OSError:
        return path, None, None


def fingerprint(paths):
    """SHA-256 (hex) of the files' contents, in the order given (a missing file counts as empty)."""
    key = tuple(_stat(p) for p in paths)
    if key not in _fingerprints:
        digest = hashlib.sha256()
        for path in paths:
            try:
                with open(path, "rb") as f:
                    digest.update(f.read())
            except OSError:
                pass
        _fingerprints[key] = digest.hexdigest()
    return _fingerprints[key]


def drop_if_changed(group, sources, cache_dir):
    """Remove the Numba cache entries (index and data files) of `sources` from `cache_dir` unless
    `cache_dir/<group>.sha256` holds the fingerprint of their current contents; then store it.
    Call before any of their kernels is loaded. Returns whether entries were dropped."""
    current = fingerprint(sources)
    stamp = os.path.join(cache_dir, group + ".sha256")
    try:
        with open(stamp) as f:
            if f.read() == current:
                return False
    except OSError:
        pass
    try:
        for source in sources:
            stem = os.path.splitext(os.path.basename(source))[0]
            for path in glob.glob(os.path.join(glob.escape(cache_dir), stem + ".*.nb[ic]")):
                os.remove(path)
        os.makedirs(cache_dir, exist_ok=True)
        tmp = f"{stamp}.{os.getpid()}.tmp"
        with open(tmp, "w") as f:
            f.write(current)
        os.replace(tmp, stamp)
    except OSError:  # an unwritable cache: Numba then caches elsewhere, keyed by each file
        pass
    return True


def codegen_kernel_sources():
    """The source files of autodiff's compiled functions that generated code calls (listed once per process
    and folder: every cached function of a generated module asks, ~0.15 ms a listing)."""
    where = (CODEGEN, CODEGEN_KERNELS)
    if where not in _kernel_sources:
        _kernel_sources[where] = sorted(p for pattern in CODEGEN_KERNELS
                                        for p in glob.glob(os.path.join(glob.escape(CODEGEN), pattern + ".py")))
    return list(_kernel_sources[where])


def extension_sources(module_text):
    """The source files of the kernels other packages registered (codegen.extensions) that a
    generated module's text calls as ext.<name>."""
    registered = sys.modules.get("autodiff.codegen.extensions")  # read where it is: importing it here points up
    if registered is None:
        return []
    kernels = vars(registered)
    return sorted({kernels[name].py_func.__code__.co_filename for name in set(_EXT_CALL.findall(module_text))
                   if hasattr(kernels.get(name), "py_func")})


def generated_cache_dir(gen_dir, module_file=None):
    """Where Numba caches the machine code of the generated module module_file in gen_dir: a
    subfolder of its __pycache__ named for the kernels that code was compiled against (autodiff's,
    and the registered extension kernels the module calls)."""
    sources = codegen_kernel_sources()
    if module_file is not None:
        sources += _reached_extension_sources(gen_dir, module_file)
    return os.path.join(gen_dir, "__pycache__", "kernels-" + fingerprint(sources)[:16])


def _reached_extension_sources(gen_dir, module_file, seen=None):
    """extension_sources of a generated module and of the generated modules it imports (an entry point
    imports the module holding the model's body, whose machine code it links in); once per module file,
    whose name is a digest of its text."""
    if module_file in _called_extensions:
        return _called_extensions[module_file]
    seen = set() if seen is None else seen
    seen.add(module_file)
    try:
        with open(module_file) as f:
            text = f.read()
    except OSError:
        return []
    sources = set(extension_sources(text))
    registered = vars(sys.modules.get("autodiff.codegen.extensions") or sys)
    complete = all(hasattr(registered.get(name), "py_func") for name in _EXT_CALL.findall(text))
    for name in GENERATED_IMPORT.findall(text):
        imported = os.path.join(gen_dir, name + ".py")
        if imported not in seen:
            sources.update(_reached_extension_sources(gen_dir, imported, seen))
            complete = complete and imported in _called_extensions
    if complete:
        _called_extensions[module_file] = sorted(sources)
    return sorted(sources)
