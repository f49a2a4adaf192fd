"""A fixed-signature entry point around a compiled value-and-gradient function of array blocks.

    entry(x: float64[::1], grad_out: float64[::1], fdata: float64[::1], idata: int64[::1]) -> float64

cuts the blocks from the flat vector x, cuts the function's captured arrays (data, and the float
constants the source reads at run time) from the two buffers, calls the function, writes each
block's gradient into grad_out and returns the value. A value that is not finite (undefined or
infinite) comes back as -inf with a zero gradient, never NaN.

Every function of this type is one Numba type (ENTRY_TYPE), so compiled loops that take it as an
argument compile once for all of them. Where each array sits in the buffers is itself stored in
`idata` (a header of offsets and shapes), so the entry's source depends only on the blocks and the
program: new data of another length reuses it, as it does the function it calls (codegen/sizes.py).
"""
from typing import NamedTuple

import numpy as np
from numba import types

from .compile import compile_source

ENTRY_SIGNATURE = types.float64(types.float64[::1], types.float64[::1], types.float64[::1], types.int64[::1])
ENTRY_TYPE = types.FunctionType(ENTRY_SIGNATURE)
_DECORATOR = ("@numba.njit(numba.float64(numba.float64[::1], numba.float64[::1], numba.float64[::1], "
              "numba.int64[::1]), cache=True, error_model='numpy', nogil=True)")

# idata starts with [len(fdata), len(idata), the program's tag], then one (offset, *shape) per array
_HEADER = 3


class Block(NamedTuple):
    """One argument of the function: x[offset:offset + prod(shape)] reshaped to shape; label names it
    in the generated source (ppl passes the model site)."""
    label: str
    offset: int
    shape: tuple

    @property
    def size(self):
        return int(np.prod(self.shape, dtype=np.int64))


class EntryPoint:
    """The compiled entry (`fn`) and the buffers to call it with (`fdata`, `idata`).

    record: a positive length reserves fdata[0:record] for the entry's own use (check mode writes
    the count of non-finite calls, the first such value and its x there; see `record_nonfinite`).
    """

    def __init__(self, compiled, blocks, record=False):
        self.blocks, self.record = list(blocks), bool(record)
        self.dim = sum(b.size for b in self.blocks)
        self.record_at = 0 if record else None
        tag = int(compiled.function_name.rsplit("_", 1)[-1][:12], 16)
        self.fdata, self.idata, unpack = pack_data(compiled.consts, tag, self.dim + 2 if record else 0)
        imports = f"from {compiled.module_name} import {compiled.function_name} as inner"
        source = _entry_source(self.blocks, unpack, len(compiled.consts), tag, self.record)
        self.fn = compile_source(lambda name: source.replace("def FN(", f"def {name}("), name="lpg",
                                 decorator=_DECORATOR, imports=imports)[0]


def pack_data(consts, tag, reserve=0):
    """Lay the arrays end to end in one float64 and one int64 buffer, after `reserve` zeros in the
    float buffer; idata's header says where each array is and its shape. Returns (fdata, idata, the
    source lines that cut the arrays c0, c1, ... back out inside compiled code)."""
    consts = [np.asarray(c) for c in consts]
    header_end = _HEADER + sum(1 + c.ndim for c in consts)
    floats, ints, header, lines = [np.zeros(reserve)], [], [], []
    fo, io = reserve, header_end
    for i, c in enumerate(consts):
        at = _HEADER + len(header)  # idata[at] is the array's offset, idata[at + 1:] its shape
        shape = [f"idata[{at + 1 + k}]" for k in range(c.ndim)]
        size = " * ".join(shape)
        reshape = f".reshape(({', '.join(shape)},))" if c.ndim > 1 else ""
        if c.dtype.kind == "f":
            buf, offset, cast = "fdata", fo, ""
            floats.append(c.astype(np.float64).ravel())
            fo += c.size
        elif c.dtype.kind in "iub":
            buf, offset, cast = "idata", io, " != 0" if c.dtype.kind == "b" else ""
            ints.append(c.astype(np.int64).ravel())
            io += c.size
        else:
            raise TypeError(f"captured data of dtype {c.dtype} cannot be compiled; use float or integer arrays")
        header += [offset] + list(c.shape)
        cut = f"{buf}[idata[{at}]:idata[{at}] + {size}]{reshape}" if c.ndim else f"{buf}[idata[{at}]]"
        lines.append(f"c{i} = {cut}{cast}")
    fdata = np.concatenate(floats)
    idata = np.concatenate([np.array([fdata.shape[0], io, tag] + header, dtype=np.int64)] + ints)
    return np.ascontiguousarray(fdata), np.ascontiguousarray(idata), lines


def _entry_source(blocks, unpack, n_consts, tag, record):
    dim = sum(b.size for b in blocks)
    lines = ["def FN(x, grad_out, fdata, idata):",
             f"    if (x.shape[0] != {dim} or grad_out.shape[0] != {dim} or idata.shape[0] < {_HEADER} or "
             f"fdata.shape[0] != idata[0] or idata.shape[0] != idata[1] or idata[2] != {tag}):",
             f"        raise ValueError('logp_and_grad_fn(x, grad_out, fdata, idata): x and grad_out must have "
             f"length {dim}, and (fdata, idata) must be the data of this function (LogDensity.data)')"]
    for i, b in enumerate(blocks):
        if not b.shape:
            lines.append(f"    p{i} = x[{b.offset}]  # {b.label}")
        else:
            reshape = f".reshape({tuple(b.shape)!r})" if len(b.shape) > 1 else ""
            lines.append(f"    p{i} = x[{b.offset}:{b.offset + b.size}]{reshape}  # {b.label}")
    lines += ["    " + line for line in unpack]
    args = ", ".join([f"p{i}" for i in range(len(blocks))] + [f"c{i}" for i in range(n_consts)])
    grads = ", ".join(f"g{i}" for i in range(len(blocks)))
    lines.append(f"    lp, {grads}{',' if len(blocks) == 1 else ''} = inner({args})" if blocks else
                 f"    (lp,) = inner({args})")
    for i, b in enumerate(blocks):
        if not b.shape:
            lines.append(f"    grad_out[{b.offset}] = g{i}  # {b.label}")
        else:
            flat = f"np.ascontiguousarray(g{i}).reshape(-1)" if len(b.shape) > 1 else f"g{i}"
            lines.append(f"    f{i} = {flat}  # {b.label}")
            lines.append(f"    for k in range({b.size}):")
            lines.append(f"        grad_out[{b.offset} + k] = f{i}[k]")
    # a point where the value is undefined (NaN: e.g. an invalid distribution parameter) or
    # infinite is rejected, as Stan does: -inf with a zero gradient, never NaN
    lines.append("    if not np.isfinite(lp):")
    if record:
        lines += ["        fdata[0] += 1.0", "        if fdata[0] == 1.0:",
                  "            fdata[1] = lp", f"            for k in range({dim}):",
                  "                fdata[2 + k] = x[k]"]
    lines += ["        lp = -np.inf",
              "        for k in range(grad_out.shape[0]):", "            grad_out[k] = 0.0"]
    lines.append("    return lp")
    return "\n".join(lines) + "\n"


__all__ = ["ENTRY_SIGNATURE", "ENTRY_TYPE", "Block", "EntryPoint", "pack_data"]
