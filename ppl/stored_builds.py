"""Compiled log densities of numbayes' own model functions, remembered on disk so that a new process
skips tracing, differentiation and code generation.

A model function defined in numbayes itself (``models.gmm.gaussian_mixture``, ...) runs only numbayes
code and numpy, so the log density it compiles to is fixed by the package sources, the versions of
Python, NumPy and Numba, the function and its arguments. The first build of such a model stores
where its generated entry point lives (module and function name, both content-addressed in
``<root>/gen``) and its data buffers (fdata, idata) in ``<root>/builds/<key>.npz``; a later process
with the same key imports the entry (Numba loads its machine code from its own cache) instead of
building it: ~0.1 s of a fresh process's ~0.25 s fit of the benchmark GaussianHMM.

The key covers the modification time and size of every source file of autodiff, ppl and models, so
editing any of them invalidates every stored build. The buffers hold the model's data, so the folder
keeps the MAX_STORED most recently written builds (fitting thousands of datasets does not fill the
disk), and builds whose buffers exceed MAX_BYTES are not stored. Models defined elsewhere (a user's script, a
test) and functions defined inside other functions are never stored: the code they call cannot be
fingerprinted. A stored build that cannot be loaded (a cleared cache, a corrupt file) is built again.
"""
import hashlib
import os
import pickle
import sys
import threading

import numba
import numpy as np

from autodiff import cache

__all__ = ["key", "load", "store", "StoredBuild"]

_FINGERPRINTED = ("autodiff", "ppl", "models")
MAX_STORED = 256
MAX_BYTES = 64 * 2 ** 20
_stamp = []


def _source_stamp():
    """A digest of the versions and of every source file's (path, mtime, size); once per process."""
    if not _stamp:
        h = hashlib.sha1(repr((sys.version, np.__version__, numba.__version__)).encode())
        for package in _FINGERPRINTED:
            for folder, dirs, files in os.walk(os.path.join(cache.PACKAGE_PARENT, package)):
                dirs.sort()
                for name in sorted(files):
                    if name.endswith(".py"):
                        st = os.stat(os.path.join(folder, name))
                        h.update(f"{folder}/{name}:{st.st_mtime_ns}:{st.st_size};".encode())
        _stamp.append(h.hexdigest())
    return _stamp[0]


def key(model, args, kwargs, jacobian):
    """The key of the log density of ``model(*args, **kwargs)``, or None when it is not stored."""
    module, qualname = getattr(model, "__module__", None) or "", getattr(model, "__qualname__", "<locals>")
    if module.split(".")[0] not in _FINGERPRINTED or "<locals>" in qualname or "<lambda>" in qualname:
        return None
    try:
        payload = pickle.dumps((module, qualname, args, kwargs, bool(jacobian)), protocol=5)
    except Exception:  # noqa: BLE001 - an argument that does not pickle: simply not stored
        return None
    return hashlib.sha1(_source_stamp().encode() + payload).hexdigest()


def _path(build_key):
    return os.path.join(cache.root(), "builds", build_key + ".npz")


class StoredBuild:
    """A log density loaded from a stored build: the compiled entry ``lpg`` and its data. ``compiled``
    (the traced program, for ``LogDensity.source``) is built on first request by ``rebuild()``."""

    record_at = None
    rebuild = None

    def __init__(self, lpg, fdata, idata):
        self.lpg, self.fdata, self.idata = lpg, fdata, idata
        self._full = None

    @property
    def compiled(self):
        if self._full is None:
            self._full = self.rebuild()
        return self._full.compiled


def load(build_key, dim):
    """The StoredBuild of build_key, or None (no key, nothing stored, or not loadable)."""
    if build_key is None:
        return None
    path = _path(build_key)
    if not os.path.exists(path):
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            fdata, idata = np.ascontiguousarray(stored["fdata"]), np.ascontiguousarray(stored["idata"])
            module_name, function_name = str(stored["module"]), str(stored["function"])
        lpg = getattr(cache.import_generated(module_name), function_name)
        lpg(np.zeros(dim), np.empty(dim), fdata, idata)  # raises if the data do not belong to this entry
    except Exception:  # noqa: BLE001 - a cleared or corrupt cache: build it again
        try:
            os.remove(path)
        except OSError:
            pass
        return None
    return StoredBuild(lpg, fdata, idata)


def store(build_key, compiled):
    """Remember a freshly built log density (not in check mode, whose entry records into fdata)."""
    if build_key is None or compiled.record_at is not None or compiled.fdata.nbytes + compiled.idata.nbytes > MAX_BYTES:
        return
    py_func = compiled.lpg.py_func
    path = _path(build_key)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp.npz"
        np.savez(tmp, fdata=compiled.fdata, idata=compiled.idata, module=np.array(py_func.__module__),
                 function=np.array(py_func.__name__))
        os.replace(tmp, path)
        _prune(os.path.dirname(path))
    except OSError:
        pass


def _prune(folder):
    """Delete all but the MAX_STORED most recently written builds."""
    entries = [e for e in os.scandir(folder) if e.name.endswith(".npz") and ".tmp" not in e.name]
    if len(entries) > MAX_STORED:
        entries.sort(key=lambda e: e.stat().st_mtime_ns)
        for e in entries[:len(entries) - MAX_STORED]:
            try:
                os.remove(e.path)
            except OSError:
                pass
