"""Loading cached machine code without parsing its LLVM bitcode until something links against it.

A function Numba loads from its disk cache comes with two copies of its code: the object code, which
runs, and the LLVM bitcode of the same module, kept so that a later compilation can link it in (a
new ``@njit`` function that calls it by name). Numba parses that bitcode on every load, and reads
from it which symbols the library defines. For the compiled log density of the benchmark HMM (an
entry that links in the whole model body, ~0.5 MB) the parse was 15-18 ms of a 27 ms load, and
nothing linked against it: compiled samplers and optimisers take a log density as a first-class
function (its address), and the dispatcher needs only the defined symbols.

``install()`` makes Numba's ``CPUCodeLibrary._unserialize`` of object-code entries read the defined
symbols from the object file's ELF symbol table instead (a few hundred 24-byte records) and keep the
bitcode aside; ``_get_module_for_linking`` parses it when a compilation first links the library in.
Only 64-bit little-endian ELF objects (Linux) take this path; anything else, or a symbol table that
cannot be read, loads as Numba does.
"""
import struct

from numba.core import codegen

__all__ = ["install", "defined_symbols"]

_SHT_SYMTAB, _SHN_UNDEF = 2, 0
_STT_OBJECT, _STT_FUNC = 1, 2
_original = {}


def defined_symbols(obj):
    """Names of the functions and data objects an ELF64 little-endian object file defines, or None
    when obj is not one (or cannot be read as one)."""
    try:
        if obj[:4] != b"\x7fELF" or obj[4] != 2 or obj[5] != 1:  # ELFCLASS64, ELFDATA2LSB
            return None
        shoff, = struct.unpack_from("<Q", obj, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", obj, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", obj, shoff + i * shentsize) for i in range(shnum)]
        names = set()
        for _, sh_type, _, _, offset, size, link, _, _, entsize in sections:
            if sh_type != _SHT_SYMTAB or entsize != 24:
                continue
            strtab = sections[link]
            str_offset, str_size = strtab[4], strtab[5]
            strings = bytes(obj[str_offset:str_offset + str_size])
            for st_name, st_info, _, st_shndx, _, _ in struct.iter_unpack("<IBBHQQ", obj[offset:offset + size]):
                if st_shndx != _SHN_UNDEF and st_info & 0xF in (_STT_OBJECT, _STT_FUNC):
                    end = strings.index(b"\0", st_name)
                    names.add(strings[st_name:end].decode())
        return names
    except (struct.error, IndexError, ValueError, UnicodeDecodeError):
        return None


def _unserialize(cls, codegen_, state):
    name, kind, data = state
    if kind == "object":
        object_code, shared_bitcode = data
        symbols = defined_symbols(object_code)
        if symbols:
            self = codegen_.create_library(name)
            self.enable_object_caching()
            self._set_compiled_object(object_code)
            self._pending_bitcode = shared_bitcode
            self._finalize_final_module()
            self._codegen._engine._defined_symbols |= symbols
            return self
    return _original["unserialize"](cls, codegen_, state)


def _get_module_for_linking(self):
    pending = getattr(self, "_pending_bitcode", None)
    if pending is not None and self._shared_module is None:
        self._shared_module = codegen.ll.parse_bitcode(pending)
        self._pending_bitcode = None
    return _original["for_linking"](self)


def install():
    """Patch Numba's CPUCodeLibrary (idempotent); a Numba without the expected internals is left alone."""
    cls = codegen.CPUCodeLibrary
    if _original or not all(hasattr(cls, a) for a in ("_unserialize", "_get_module_for_linking",
                                                     "_set_compiled_object", "enable_object_caching")):
        return
    if not hasattr(codegen.JitEngine, "_load_defined_symbols"):
        return
    _original.update(unserialize=cls._unserialize.__func__, for_linking=cls._get_module_for_linking)
    cls._unserialize = classmethod(_unserialize)
    cls._get_module_for_linking = _get_module_for_linking
