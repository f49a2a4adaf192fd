"""Cached machine code that links in code from other files (autodiff/cache/linked.py): a kernel folder's
entries are dropped when a source of their group changes, and generated code's machine code is kept apart
for each version of the kernels it calls."""
import os
import shutil
import subprocess
import sys

from autodiff.cache import linked


def _entries(folder):
    return sorted(f for f in os.listdir(folder) if f.endswith((".nbi", ".nbc")))


def _touch(folder, *names):
    for name in names:
        with open(os.path.join(folder, name), "wb") as f:
            f.write(b"x")


def test_a_changed_source_drops_its_groups_entries_and_nothing_else(tmp_path):
    src, cached = tmp_path / "src", tmp_path / "cache"
    src.mkdir()
    cached.mkdir()
    sources = [str(src / "helpers.py"), str(src / "kernels.py")]
    for path in sources:
        with open(path, "w") as f:
            f.write("x = 1\n")
    group = ["helpers.polevl-12.py311.nbi", "helpers.polevl-12.py311.1.nbc", "kernels.gammaln-40.py311.nbi"]
    other = ["unrelated.f-3.py311.nbi"]
    _touch(cached, *group, *other)
    assert linked.drop_if_changed("g", sources, str(cached))  # no stamp yet: nothing is known to match
    assert _entries(cached) == other
    _touch(cached, *group)  # compiled again
    assert not linked.drop_if_changed("g", sources, str(cached))
    assert _entries(cached) == sorted(group + other)
    with open(sources[0], "a") as f:  # an edit of the callee's file only
        f.write("y = 2\n")
    assert linked.drop_if_changed("g", sources, str(cached))
    assert _entries(cached) == other  # its caller's entries go too
    assert not linked.drop_if_changed("g", sources, str(cached))


def test_generated_code_is_cached_apart_for_each_version_of_the_kernels(tmp_path, monkeypatch):
    copy = tmp_path / "codegen"
    shutil.copytree(linked.CODEGEN, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(linked, "CODEGEN", str(copy))
    sources = linked.codegen_kernel_sources()
    assert {"cephes.py", "runtime.py", "special_kernels_gamma.py"} <= {os.path.basename(p) for p in sources}
    assert "compile.py" not in {os.path.basename(p) for p in sources}
    before = linked.generated_cache_dir("/gen")
    cephes = copy / "cephes.py"
    text = cephes.read_text()
    cephes.write_text(text + "\n# edited\n")
    edited = linked.generated_cache_dir("/gen")
    assert edited != before and edited.startswith(os.path.join("/gen", "__pycache__", "kernels-"))
    cephes.write_text(text)
    assert linked.generated_cache_dir("/gen") == before  # keyed by content: the old code serves again


def test_a_generated_module_calling_an_extension_kernel_is_keyed_by_its_source_too(tmp_path):
    import ppl  # noqa: F401  registers the forward algorithm's kernels as ext.<name>
    from autodiff.codegen import extensions
    name = next(n for n, v in vars(extensions).items() if hasattr(v, "py_func"))
    plain, calling = tmp_path / "plain.py", tmp_path / "calling.py"
    plain.write_text("def f(x):\n    return x\n")
    calling.write_text(f"def f(x):\n    return ext.{name}(x)\n")
    assert linked.extension_sources(calling.read_text()) == [vars(extensions)[name].py_func.__code__.co_filename]
    assert linked.generated_cache_dir("/gen", str(plain)) == linked.generated_cache_dir("/gen")
    assert linked.generated_cache_dir("/gen", str(calling)) != linked.generated_cache_dir("/gen")


def test_an_entry_importing_a_generated_module_is_keyed_by_the_kernels_that_module_calls(tmp_path):
    # the entry point links in the model body's machine code, and with it the extension kernels the body
    # calls: an edited kernel must not leave the entry's cached code running the old one
    import ppl  # noqa: F401  registers the forward algorithm's kernels as ext.<name>
    from autodiff.codegen import extensions
    name = next(n for n, v in vars(extensions).items() if hasattr(v, "py_func"))
    (tmp_path / "nb_00aa.py").write_text(f"def f(x):\n    return ext.{name}(x)\n")
    (tmp_path / "nb_00bb.py").write_text("def f(x):\n    return x\n")
    entry, other = tmp_path / "nb_11aa.py", tmp_path / "nb_11bb.py"
    entry.write_text("from nb_00aa import f as inner\n\ndef lpg(x):\n    return inner(x)\n")
    other.write_text("from nb_00bb import f as inner\n\ndef lpg(x):\n    return inner(x)\n")
    gen = str(tmp_path)
    assert linked.generated_cache_dir(gen, str(entry)) == linked.generated_cache_dir(gen, str(tmp_path / "nb_00aa.py"))
    assert linked.generated_cache_dir(gen, str(other)) == linked.generated_cache_dir(gen)
    assert linked.generated_cache_dir(gen, str(entry)) != linked.generated_cache_dir(gen)


def test_importing_autodiff_drops_its_kernels_when_the_stamp_does_not_match(tmp_path):
    env = dict(os.environ, NUMBAYES_CACHE_DIR=str(tmp_path))
    script = "import autodiff, autodiff.cache as c, os; print(c.kernels_dir(os.path.join(c.linked.CODEGEN, 'cephes.py')))"

    def import_autodiff():
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip()

    folder = import_autodiff()  # writes the stamp
    assert folder.startswith(str(tmp_path))
    fake = ["cephes.polevl-51.py311.nbi", "special_kernels_gamma.gammaln-99.py311.nbi"]
    _touch(folder, *fake)
    import_autodiff()
    assert _entries(folder) == sorted(fake)  # the sources match the stamp: kept
    with open(os.path.join(folder, "codegen.kernels.sha256"), "w") as f:
        f.write("the fingerprint of other sources")
    import_autodiff()
    assert _entries(folder) == []

