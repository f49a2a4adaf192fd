"""The codegen helper modules runtime_linalg and runtime_indexing, which a generated module's header
imports, load only when a name in them is used.

A fresh process loading a model's cached machine code imports the header's modules but calls none of
their functions; their own import (some 60 cached Numba dispatchers) was ~7 ms of a 70 ms HMM fit.
Checked in a subprocess (a fresh interpreter).
"""
import subprocess
import sys

SCRIPT = r"""
import sys
import numpy as np
from autodiff.codegen import runtime_linalg as rl
from autodiff.codegen import runtime_indexing as ri
loaded = lambda name: type(sys.modules["autodiff.codegen." + name]) is type(sys)
print(loaded("runtime_linalg"), loaded("runtime_indexing"))
print(callable(ri.reduce_logsumexp), loaded("runtime_indexing"), loaded("runtime_linalg"))
import autodiff.codegen.runtime_linalg as again
print(again is rl, hasattr(rl, "no_such_name"), loaded("runtime_linalg"))
"""


def test_helper_modules_load_at_first_use():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "True", "True", "False", "True", "False", "True"]
