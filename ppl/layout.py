"""The flat unconstrained vector: one contiguous slice per latent site, flat names, pack and unpack."""
import numpy as np


class SiteSlice:
    """Where one latent site lives in the flat vector, and its unconstrained (free) shape."""

    __slots__ = ("name", "free_shape", "offset", "size")

    def __init__(self, name, free_shape, offset):
        self.name, self.free_shape, self.offset = name, tuple(free_shape), offset
        self.size = int(np.prod(self.free_shape, dtype=np.int64))

    def __repr__(self):
        return f"SiteSlice({self.name!r}, {self.free_shape}, offset={self.offset})"


class Layout:
    """Packs per-site unconstrained arrays into one float64 vector and back."""

    def __init__(self, sites):
        self.slices, offset = [], 0
        for name, free_shape in sites:
            s = SiteSlice(name, free_shape, offset)
            self.slices.append(s)
            offset += s.size
        self.dim = offset

    @property
    def param_names(self):
        names = []
        for s in self.slices:
            if not s.free_shape:
                names.append(s.name)
            else:
                for idx in np.ndindex(*s.free_shape):
                    names.append(f"{s.name}[{','.join(map(str, idx))}]")
        return names

    def unpack(self, x):
        """dict site -> its free array (slices of x; traceable)."""
        import autodiff.numpy as anp
        out = {}
        for s in self.slices:
            part = x[s.offset:s.offset + s.size]
            out[s.name] = anp.reshape(part, s.free_shape) if s.free_shape != (s.size,) else part
        return out

    def pack(self, parts):
        x = np.empty(self.dim)
        for s in self.slices:
            if s.name not in parts:
                raise KeyError(f'no value given for site "{s.name}"')
            v = np.asarray(parts[s.name], dtype=np.float64)
            if v.shape != s.free_shape:
                raise ValueError(f'site "{s.name}": unconstrained value has shape {v.shape}, expected {s.free_shape}')
            x[s.offset:s.offset + s.size] = v.ravel()
        return x
