"""A generated module's cache key covers the kernels its code calls: Numba links a callee's machine
code into its caller's and keys its cache by the caller's file alone, so without the key a changed
kernel left models compiled before the change running the old kernel from the cache."""
import importlib.util
import os
import sys

from autodiff.codegen import compile as codegen_compile
from autodiff.codegen.extensions import register_kernel

KERNEL = '''
import numba


@numba.njit
def kernel(x):
    return x + {}
'''


def test_the_key_changes_with_the_source_of_a_kernel_the_code_calls_and_only_then(tmp_path):
    path = tmp_path / "cache_key_kernel.py"
    path.write_text(KERNEL.format(1.0))
    spec = importlib.util.spec_from_file_location("cache_key_kernel", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules["cache_key_kernel"] = module
    register_kernel("cache_key_test_kernel", module.kernel)
    calls, other = "    y = ext.cache_key_test_kernel(x)\n", "    y = x + 1.0\n"
    before = codegen_compile.linked_code_digest(calls), codegen_compile.linked_code_digest(other)
    path.write_text(KERNEL.format(2.0))
    os.utime(path, ns=(1, 1))  # a new stamp even on a coarse clock
    after = codegen_compile.linked_code_digest(calls), codegen_compile.linked_code_digest(other)
    assert before[0] != after[0]
    assert before[1] == after[1]
