"""A broken or unusable cache (issue 9, items 5 and 9): corrupted, truncated or empty files in the compiled-
code cache are detected, compiled again and replaced (loads run in a subprocess, so a crash cannot take the
test runner down); an unwritable cache folder falls back to a temporary one with one warning; the
library's own cache=True kernels live under the numbayes cache folder, not the package's __pycache__."""
import gc
import glob
import os
import subprocess
import sys
import uuid
import warnings

import pytest

from autodiff import cache
from autodiff.cache.linked import generated_cache_dir
from autodiff.codegen import compile as cg

SCRIPT = """
import sys
from autodiff.codegen.compile import compile_source
fn, text, module, name = compile_source(lambda n: "def " + n + "(x):\\n    return x * 2.0 + {k}\\n", name="t")
print(module, fn(1.0))
"""


def _run(k):
    """Compile (or load) a tiny generated function in a fresh interpreter; returns (module name, value)."""
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(k=k)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, f"the load crashed or failed (code {out.returncode}): {out.stderr[-2000:]}"
    module, value = out.stdout.split()
    return module, float(value)


def _cache_files(module, ext):
    return glob.glob(os.path.join(generated_cache_dir(cache.generated_dir()), f"{module}.*.{ext}"))


@pytest.mark.parametrize("damage", ["garbage", "empty", "flipped"])
def test_corrupted_data_file_is_recompiled_and_replaced(damage):
    k = uuid.uuid4().int % 10 ** 9  # a function of its own, so its cache files are only this test's
    module, value = _run(k)
    assert value == 2.0 + k
    (data,) = _cache_files(module, "nbc")
    good = open(data, "rb").read()
    bad = {"garbage": os.urandom(21), "empty": b"",
           "flipped": good[:100] + bytes([good[100] ^ 0xFF]) + good[101:]}[damage]
    with open(data, "wb") as f:
        f.write(bad)
    assert _run(k) == (module, 2.0 + k)  # recompiled, not a crash or an EOFError
    assert open(data, "rb").read() != bad  # and the file was replaced
    assert _run(k) == (module, 2.0 + k)


@pytest.mark.parametrize("damage", [b"", b"\x80\x04garbage"])
def test_unreadable_index_file_is_treated_as_empty(damage):
    k = uuid.uuid4().int % 10 ** 9
    module, _ = _run(k)
    (index,) = _cache_files(module, "nbi")
    with open(index, "wb") as f:
        f.write(damage)
    assert _run(k) == (module, 2.0 + k)
    assert os.path.getsize(index) > len(damage)


def test_unwritable_cache_folder_falls_back_to_a_temporary_one_with_one_warning(tmp_path, monkeypatch):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NUMBAYES_CACHE_DIR", str(blocker / "numbayes"))  # NotADirectoryError
    with pytest.warns(cache.CacheWarning, match="cannot write the cache folder") as record:
        used = cache.root()
    assert len(record) == 1 and os.path.isdir(used) and not used.startswith(str(blocker))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cache.root() == used  # no second warning


def test_library_kernels_are_cached_under_the_numbayes_folder():
    from autodiff.codegen import runtime
    from samplers import chain
    for dispatcher, source in ((runtime.log1p, runtime.__file__), (chain.run_block, chain.__file__)):
        path = dispatcher._cache._cache_path
        assert path == cache.kernels_dir(source) and path.startswith(cache.root())
        assert "__pycache__" not in path


def test_kernel_folders_are_keyed_by_the_source_path():
    """Two checkouts (worktrees) of the same file never share machine code."""
    assert cache.kernels_dir("/a/numbayes/autodiff/codegen/runtime.py") != \
        cache.kernels_dir("/b/numbayes/autodiff/codegen/runtime.py")


def test_cache_command_line(tmp_path, monkeypatch, capsys):
    """info / clear / a bad command, in this process on a throwaway cache folder (a new process there would
    first compile every library kernel into it), and once as `python -m autodiff.cache` on the session's cache."""
    from autodiff.cache.__main__ import main
    session_env = dict(os.environ)   # whose cache already holds the kernels this process compiled or loaded
    monkeypatch.setenv("NUMBAYES_CACHE_DIR", str(tmp_path / "c"))
    (tmp_path / "c" / "gen").mkdir(parents=True)
    (tmp_path / "c" / "gen" / "nb_x.py").write_text("x = 1\n")
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "c") in out and "gen" in out
    assert main(["clear"]) == 0
    assert "removed" in capsys.readouterr().out and not (tmp_path / "c" / "gen").exists()
    assert main(["bogus"]) == 2 and "usage" in capsys.readouterr().err
    info = subprocess.run([sys.executable, "-m", "autodiff.cache", "info"], capture_output=True, text=True,
                          timeout=300, env=session_env)
    assert info.returncode == 0 and "gen" in info.stdout, info.stderr


def test_compile_source_closes_the_file_it_reads():
    def source(n):
        return f"def {n}(x):\n    return x + 7.0\n"
    result = cg.compile_source(source, name="closes")
    cg._loaded.pop(result[3])  # forget it, so the next call reads the existing file
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cg.compile_source(source, name="closes")
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
