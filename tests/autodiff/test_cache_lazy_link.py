"""autodiff.cache.lazy_link: a library loaded from Numba's object-code cache state defines the same
symbols as Numba's own load (which parses the bitcode), its code runs, and its bitcode is parsed when a
compilation links it in; a state that is not an ELF object loads as Numba does."""
import ctypes
import sys

import numba
import numpy as np
import pytest
from numba.core import codegen

import autodiff  # noqa: F401  installs the patch
from autodiff.cache import lazy_link

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF object files: Linux")


@numba.cfunc("float64(float64, float64)")
def _hypot_plus_one(a, b):
    return np.sqrt(a * a + b * b) + 1.0


def _bitcode_symbols(bitcode):
    module = codegen.ll.parse_bitcode(bitcode)
    return {gv.name for group in (module.functions, module.global_variables) for gv in group
            if not gv.is_declaration}


def test_the_object_files_symbols_are_those_numba_reads_from_the_bitcode():
    name, kind, (object_code, bitcode) = _hypot_plus_one._library.serialize_using_object_code()
    assert kind == "object"
    symbols = lazy_link.defined_symbols(object_code)
    assert symbols and symbols == _bitcode_symbols(bitcode)
    assert lazy_link.defined_symbols(b"not an object file") is None


def test_a_loaded_library_runs_and_parses_its_bitcode_only_when_linked():
    assert codegen.CPUCodeLibrary._unserialize.__func__ is lazy_link._unserialize
    state = _hypot_plus_one._library.serialize_using_object_code()
    codegen_ = _hypot_plus_one._library.codegen
    library = codegen.CPUCodeLibrary._unserialize(codegen_, state)
    assert library._shared_module is None  # nothing parsed yet
    address = library.get_pointer_to_function(_hypot_plus_one.native_name)
    assert address and ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_double)(address)(3.0, 4.0) == 6.0
    module = library._get_module_for_linking()  # what a compilation linking it in asks for
    assert {f.name for f in module.functions if not f.is_declaration} >= {_hypot_plus_one.native_name}
    assert library._get_module_for_linking() is module


def test_a_bitcode_state_loads_as_numba_does():
    name, _, _ = state = _hypot_plus_one._library.serialize_using_bitcode()
    library = codegen.CPUCodeLibrary._unserialize(_hypot_plus_one._library.codegen, state)
    assert library.get_pointer_to_function(_hypot_plus_one.native_name)
