"""The special-kernel façade (autodiff.codegen.special_kernels): every kernel reachable by name, families
loaded only when asked for, and a family first loaded from inside a fastmath compile keeps its own flags."""
import importlib
import os
import subprocess
import sys

import pytest

from autodiff.codegen import special_kernels as sk

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_each_name_is_its_family_kernel_and_listed_once():
    assert len(sk.__all__) == len(set(sk.__all__))
    for family, names in sk.FAMILIES.items():
        module = importlib.import_module(f"autodiff.codegen.{family}")
        assert set(names) <= set(module.__all__), family
        for name in names:
            assert getattr(sk, name) is getattr(module, name)
    assert set(sk.__all__) <= set(dir(sk))


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_kernel"):
        sk.no_such_kernel  # noqa: B018


def _run(script, cache_dir=None):
    env = dict(os.environ, **({"NUMBAYES_CACHE_DIR": str(cache_dir)} if cache_dir else {}))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_importing_the_libraries_loads_no_family():
    out = _run("import sys, ppl, samplers\n"
               "print(sorted(m for m in sys.modules if m.startswith('autodiff.codegen.special_kernels_')))")
    assert out.strip() == "[]"


def test_a_family_first_needed_inside_a_fastmath_compile_is_compiled_without_fastmath(tmp_path):
    # An empty cache, so expit is compiled here, while Numba types f: Numba would let it inherit f's fastmath.
    script = """
import numba
from autodiff.codegen import special_kernels as sk

@numba.njit(fastmath=True)
def f(x):
    return sk.expit(x) * 0.5

f(1.0)
ir = sk.expit.inspect_llvm(sk.expit.signatures[0])
print([line for line in ir.splitlines() if " fast " in line or " reassoc " in line or " contract " in line])
"""
    assert _run(script, tmp_path).strip() == "[]"
