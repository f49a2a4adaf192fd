"""Where numbayes keeps compiled code, and the checks on what it loads back.

    <root>  = $NUMBAYES_CACHE_DIR, else $XDG_CACHE_HOME/numbayes, else ~/.cache/numbayes
    <root>/gen/nb_<hash>.py            generated model code (autodiff.codegen.compile)
    <root>/gen/__pycache__/kernels-<fingerprint>/
                                       its machine code, apart for each version of the kernels it
                                       calls (the fingerprint of their sources: cache/linked.py)
    <root>/kernels/<dir>_<sha1>/       Numba's cache of the library's own cache=True kernels
                                       (codegen runtime, special kernels, samplers), one folder per
                                       source folder, keyed by its absolute path, so two checkouts
                                       never share machine code; entries whose linked-in code
                                       changed are dropped at import (cache/linked.py)

Numba caches a function next to its source (`__pycache__`), which in an installed package may
be read-only or shared; a Numba cache locator registered here puts every artefact of numbayes'
own files and of the generated modules under <root> instead. Data files written there end with
a SHA-256 digest of their content, checked before Numba unpickles them: a corrupted or truncated
file (which crashed the interpreter, or raised EOFError on every run) is deleted, compiled again
and replaced. An index file that cannot be read is treated as empty. When <root> cannot be
written, a temporary folder is used instead, with one warning.

    python -m autodiff.cache info     where the cache is and what it holds
    python -m autodiff.cache clear    delete the generated code and the compiled kernels
"""
import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
import threading
import warnings

from numba.core import caching

from . import lazy_link
from .linked import GENERATED_IMPORT, codegen_kernel_sources, drop_if_changed, generated_cache_dir

__all__ = ["CacheWarning", "root", "generated_dir", "import_generated", "kernels_dir", "clear", "info", "install", "drop_stale_kernels"]

PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGES = ("autodiff", "ppl", "samplers", "models")
_DIGEST = 32  # bytes of SHA-256 at the end of each verified data file

_lock = threading.Lock()
_resolved = {}  # configured root -> the root actually used
_writable_folders = set()  # cache folders that passed Numba's writability check in this process


class CacheWarning(UserWarning):
    """The configured cache folder cannot be used; compiled code goes to a temporary folder instead."""


def configured_root():
    """The cache folder the environment asks for (it may not exist or be writable)."""
    return os.environ.get("NUMBAYES_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "numbayes")


def _writable(path):
    try:
        os.makedirs(path, exist_ok=True)
        tempfile.TemporaryFile(dir=path).close()
        return True
    except OSError:
        return False


def root():
    """The folder compiled code lives in: the configured one, or a temporary folder (one warning) when
    that cannot be created or written (a read-only home, a path that is a file, ...)."""
    wanted = configured_root()
    with _lock:
        if wanted in _resolved:
            return _resolved[wanted]
        used = wanted
        if not _writable(wanted):
            used = os.path.join(tempfile.gettempdir(), f"numbayes-{os.getuid() if hasattr(os, 'getuid') else 'user'}")
            if not _writable(used):
                used = tempfile.mkdtemp(prefix="numbayes-")
            warnings.warn(f"numbayes: cannot write the cache folder {wanted!r}; compiled code goes to {used!r} for "
                          "this session (set NUMBAYES_CACHE_DIR to a writable folder to keep it between runs)",
                          CacheWarning, stacklevel=2)
        _resolved[wanted] = used
        return used


def generated_dir():
    """<root>/gen, where generated modules are written; on sys.path so they import each other by name."""
    path = os.path.join(root(), "gen")
    os.makedirs(path, exist_ok=True)
    if path not in sys.path:
        sys.path.append(path)
    return path


_import_lock = threading.RLock()


def import_generated(name):
    """The generated module `name` (``nb_<hash>`` in generated_dir()), imported from its file, after the
    generated modules it imports.

    ``importlib.import_module`` would find it on sys.path, and Python's path finder lists a folder the
    first time a process looks in it: the folder is shared by every checkout and holds thousands of
    modules (4000 here: ~5 ms of a fresh process loading a stored model). By file, nothing is listed."""
    with _import_lock:
        module = sys.modules.get(name)
        if module is not None:
            return module
        path = os.path.join(generated_dir(), name + ".py")
        with open(path) as f:
            text = f.read()
        for imported in GENERATED_IMPORT.findall(text):
            import_generated(imported)
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
        return module


def kernels_dir(py_file=None):
    """<root>/kernels, or the folder holding the cached kernels of the source file py_file."""
    base = os.path.join(root(), "kernels")
    if py_file is None:
        return base
    return os.path.join(base, caching._CacheLocator.get_suitable_cache_subpath(py_file))


def _ours(py_file):
    """A source file of numbayes itself (kernels) or a generated module."""
    path = os.path.abspath(py_file)
    if os.path.dirname(path) == os.path.abspath(os.path.join(root(), "gen")):
        return True
    return any(path.startswith(os.path.join(PACKAGE_PARENT, pkg) + os.sep) for pkg in PACKAGES)


class NumbayesCacheLocator(caching._SourceFileBackedLocatorMixin, caching._CacheLocator):
    """Numba cache locator for numbayes' own files: kernels under <root>/kernels/<folder>_<sha1 of its
    path>, generated modules in <root>/gen/__pycache__/kernels-<fingerprint of the kernels they call>."""

    def __init__(self, py_func, py_file):
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno
        folder = os.path.dirname(os.path.abspath(py_file))
        if folder == os.path.abspath(os.path.join(root(), "gen")):
            self._cache_path = generated_cache_dir(folder, py_file)
        else:
            self._cache_path = kernels_dir(py_file)

    def get_cache_path(self):
        return self._cache_path

    def ensure_cache_path(self):
        """Numba's check (create the folder, write a temporary file in it) once per folder and process,
        not once per function: 82 functions of the codegen runtime shared three folders, and the
        checks were ~6 ms of the 15 ms their import takes."""
        if self._cache_path not in _writable_folders:
            super().ensure_cache_path()
            _writable_folders.add(self._cache_path)

    @classmethod
    def from_function(cls, py_func, py_file):
        if not _ours(py_file):
            return None
        return super().from_function(py_func, py_file)


def _verified(path):
    """Is path a file in the numbayes cache, whose data files carry a digest?"""
    return os.path.abspath(path).startswith(os.path.abspath(root()) + os.sep)


_original = {}


def _save_data(self, name, data):
    if not _verified(self._cache_path):
        return _original["save"](self, name, data)
    data = self._dump(data)
    with self._open_for_write(self._data_path(name)) as f:
        f.write(data + hashlib.sha256(data).digest())


def _load_data(self, name):
    if not _verified(self._cache_path):
        return _original["load"](self, name)
    path = self._data_path(name)
    with open(path, "rb") as f:
        data = f.read()
    body, digest = data[:-_DIGEST], data[-_DIGEST:]
    if len(data) <= _DIGEST or hashlib.sha256(body).digest() != digest:
        _remove(path)
        raise OSError(f"corrupted cache file {path}")  # IndexDataCacheFile.load: a miss, so Numba recompiles
    return caching.pickle.loads(body)


def _load_index(self):
    try:
        return _original["index"](self)
    except Exception:  # noqa: BLE001 - an unreadable index (empty, truncated, garbage) is an empty one
        if not _verified(self._cache_path):
            raise
        _remove(self._index_path)
        return {}


def _remove(path):
    try:
        os.remove(path)
    except OSError:
        pass


def install():
    """Register the locator (first, so it wins for numbayes' files) and the verified load/save; idempotent.
    Must run before any cache=True kernel is defined: autodiff/__init__ imports this module first."""
    impl = getattr(caching, "CacheImpl", None) or caching._CacheImpl  # public from Numba 0.61
    if NumbayesCacheLocator not in impl._locator_classes:
        impl._locator_classes.insert(0, NumbayesCacheLocator)
    cls = caching.IndexDataCacheFile
    if not _original:
        _original.update(save=cls._save_data, load=cls._load_data, index=cls._load_index)
        cls._save_data, cls._load_data, cls._load_index = _save_data, _load_data, _load_index
    lazy_link.install()  # loads skip parsing the cached bitcode until something links against it


def info():
    """Lines describing the cache: its folder and how many files and bytes each part holds."""
    lines = [f"numbayes cache: {root()}" + ("" if root() == configured_root() else
                                            f" (fallback; {configured_root()} is not writable)")]
    for part in ("gen", "kernels"):
        path = os.path.join(root(), part)
        files = [os.path.join(d, f) for d, _, fs in os.walk(path) for f in fs]
        size = sum(os.path.getsize(f) for f in files if os.path.exists(f))
        lines.append(f"  {part:8s}{len(files):6d} files {size / 1e6:9.1f} MB   {path}")
    return lines


def clear():
    """Delete the generated code, the compiled kernels and the stored builds of numbayes' own models
    (ppl.stored_builds); returns the folders removed."""
    removed = []
    for part in ("gen", "kernels", "builds"):
        path = os.path.join(root(), part)
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def drop_stale_kernels():
    """Drop autodiff's cached kernels if a file they link in changed (cache/linked.py); cheap when not."""
    codegen = codegen_kernel_sources()
    drop_if_changed("codegen.kernels", codegen, kernels_dir(codegen[0]))


install()
drop_stale_kernels()
