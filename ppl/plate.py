"""plate: vectorised conditional independence with NumPyro's semantics, and data subsampling.

    with ppl.plate("school", 8):                      # sites inside get batch shape (8,) at dim -1
        theta = ppl.sample("theta", dist.Normal(mu, tau))
    with ppl.plate("data", N, subsample_size=100) as idx:   # idx: 100 indices drawn without replacement
        ppl.sample("y", dist.Normal(mu, 1.0), obs=y[idx])   # log density scaled by N / 100

A plate is a handler (NumPyro's `plate` Messenger): each sample site inside gets a frame
(name, dim, size) in its `cond_indep_stack` and its distribution expanded to the batch shape the
frames ask for (`Distribution.expand`, NumPyro's broadcasting rule); nested plates take dims -1,
-2, ... from the inside out unless `dim=` says otherwise. A plate's name becomes the ArviZ
dimension of the axes it indexes (`ppl.spec`, `samplers.to_arviz`).

Subsampling draws indices from the rng of the enclosing `handlers.seed` (reproducible per seed);
with no handler active at all (a model called directly) from a fresh generator. A compiled log
density (`ppl.log_density`, the samplers) is one fixed function with no randomness, so there a
subsampled plate needs fixed indices: `subsample=` (Pyro's argument) or
`handlers.substitute(model, data={"data": indices})`; random indices raise an error saying so.
"""
from typing import NamedTuple

import numpy as np

import autodiff.numpy as anp

from .effects import Messenger, _message, _stack, apply_stack


class CondIndepStackFrame(NamedTuple):
    """One enclosing plate as a site sees it: its name, its (negative) batch dim, its (subsample) size."""

    name: str
    dim: int
    size: int


class _Subsample:
    """The random part of a plate: `sample(rng)` draws `subsample_size` distinct indices in range(size)."""

    def __init__(self, name, size, subsample_size):
        self.name, self.size, self.subsample_size = name, size, subsample_size

    def sample(self, rng):
        if rng is None:
            raise ValueError(f'plate "{self.name}": subsample_size={self.subsample_size} draws random indices, '
                             "which needs a random generator: run the model under ppl.handlers.seed (prior and "
                             "posterior predictive do). A compiled log density (ppl.log_density, the samplers) "
                             f"is one fixed function: pass fixed indices, plate(..., subsample=indices) or "
                             f'ppl.handlers.substitute(model, data={{"{self.name}": indices}}).')
        return np.sort(rng.choice(self.size, self.subsample_size, replace=False))


def _positive_int(what, value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f'plate "{name}": {what} must be a positive integer, got {value!r}')
    return int(value)


class plate(Messenger):
    """Conditionally independent sites along one batch dimension (NumPyro's `plate`).

    Parameters
    ----------
    name : str
        The plate's name: the ArviZ dimension of the axis it indexes.
    size : int
        The number of independent copies.
    subsample_size : int, optional
        Draw this many distinct indices in range(size) (under `handlers.seed`) and scale the log
        density of the sites inside by size / subsample_size.
    dim : int, optional
        The (negative) batch dimension; default: the rightmost one no enclosing plate uses.
    subsample : array of int, optional
        Fixed indices instead of random ones (Pyro's argument): what a compiled log density needs.

    `with plate(...) as idx` gives the indices (np.arange(size) when not subsampling).
    """

    def __init__(self, name, size, subsample_size=None, dim=None, *, subsample=None):
        if not isinstance(name, str) or not name:
            raise TypeError(f"plate names must be non-empty strings, got {name!r}")
        self.name = name
        self.size = _positive_int("size", size, name)
        if dim is not None and (not isinstance(dim, (int, np.integer)) or dim >= 0):
            raise ValueError(f'plate "{name}": dim must be a negative integer (counted from the right of the batch '
                             f"shape), got {dim!r}")
        indices = None
        if subsample is not None:
            indices = np.asarray(subsample)
            if indices.ndim != 1 or indices.dtype.kind not in "iu" or np.any(indices < 0) or \
                    np.any(indices >= self.size):
                raise ValueError(f'plate "{name}": subsample must be a 1-d array of integer indices in '
                                 f"[0, {self.size}), got {subsample!r}")
            if subsample_size is not None and int(subsample_size) != len(indices):
                raise ValueError(f'plate "{name}": subsample_size={subsample_size} but subsample has '
                                 f"{len(indices)} indices")
            subsample_size = len(indices)
        if subsample_size is not None:
            subsample_size = _positive_int("subsample_size", subsample_size, name)
            if subsample_size > self.size:
                raise ValueError(f'plate "{name}": subsample_size={subsample_size} is larger than size={self.size}')
        if indices is None and (subsample_size is None or subsample_size == self.size):
            indices = np.arange(self.size)
        msg = _message("plate", name, fn=_Subsample(name, self.size, subsample_size), value=indices,
                       args=(self.size, subsample_size))
        if not _stack():
            msg["rng"] = np.random.default_rng()  # a model called directly, as ppl.sample does
        apply_stack(msg)
        self.indices = np.asarray(msg["value"])
        self.subsample_size = len(self.indices)
        self.dim = self._free_dim(msg["cond_indep_stack"], dim)
        super().__init__()

    def _free_dim(self, enclosing, dim):
        taken = {f.dim: f.name for f in enclosing}
        if dim is None:
            dim = -1
            while dim in taken:
                dim -= 1
        elif dim in taken:
            raise ValueError(f'plate "{self.name}": dim={dim} is already used by the enclosing plate "{taken[dim]}"; '
                             "give nested plates distinct dims (or leave dim=None)")
        return int(dim)

    def __enter__(self):
        super().__enter__()
        return self.indices

    def process_message(self, msg):
        if msg["type"] not in ("sample", "factor", "plate", "deterministic"):
            return
        if msg["type"] == "plate" and msg["name"] == self.name:
            raise ValueError(f'plate "{self.name}" is nested inside a plate of the same name: plate names must be '
                             "distinct (they name the ArviZ dimensions)")
        frames = msg["cond_indep_stack"]
        frames.append(CondIndepStackFrame(self.name, self.dim, self.subsample_size))
        if msg["type"] == "sample":
            self._expand(msg, frames)
        elif msg["type"] == "factor":
            msg["value"] = anp.broadcast_to(msg["value"], self._batch_shape(msg, frames, anp.shape(msg["value"])))
        if msg["type"] in ("sample", "factor", "plate") and self.subsample_size != self.size:
            ratio = self.size / self.subsample_size
            msg["scale"] = ratio if msg["scale"] is None else msg["scale"] * ratio

    def _batch_shape(self, msg, frames, batch_shape):
        """NumPyro's rule: the plates' shape, broadcast on the right with the site's own batch shape."""
        n_dims = max(-f.dim for f in frames)
        expected = [1] * n_dims
        for f in frames:
            expected[f.dim] = f.size
        overlap = max(len(expected) - len(batch_shape), 0)
        try:
            return tuple(expected[:overlap]) + tuple(np.broadcast_shapes(tuple(expected[overlap:]), tuple(batch_shape)))
        except ValueError:
            hint = (" Index the site's parameters (or data) with the plate's indices: `with plate(...) as idx`."
                    if self.subsample_size != self.size else "")
            raise ValueError(f'site "{msg["name"]}": batch shape {tuple(batch_shape)} does not fit plate '
                             f'"{self.name}" (size {self.subsample_size} at dim {self.dim}); inside its plates the '
                             f"site's batch shape must broadcast with {tuple(expected)}.{hint}") from None

    def _expand(self, msg, frames):
        fn = msg["fn"]
        msg["fn"] = fn.expand(self._batch_shape(msg, frames, fn.batch_shape))
        if msg["is_observed"] and msg["value"] is not None:
            shape = anp.shape(msg["value"])
            batch = shape[:len(shape) - fn.event_dim]
            if len(batch) < -self.dim or batch[self.dim] != self.subsample_size:
                raise ValueError(f'site "{msg["name"]}": observed value of shape {tuple(shape)} does not fit plate '
                                 f'"{self.name}" (size {self.subsample_size} at dim {self.dim}): its batch axis '
                                 f"{self.dim} must have length {self.subsample_size}.")


def plate_dims(msg, value_shape):
    """The names of a site's axes given by its plates (None for axes no plate indexes), or None."""
    frames = msg.get("cond_indep_stack") or ()
    if not frames:
        return None
    fn = msg.get("fn")
    event_dim = fn.event_dim if msg["type"] == "sample" and fn is not None else msg.get("event_dim", 0)
    batch_ndim = len(value_shape) - event_dim
    dims = [None] * len(value_shape)
    for f in frames:
        axis = batch_ndim + f.dim
        if 0 <= axis < batch_ndim and value_shape[axis] == f.size:
            dims[axis] = f.name
    return tuple(dims) if any(d is not None for d in dims) else None


__all__ = ["plate", "plate_dims", "CondIndepStackFrame"]
