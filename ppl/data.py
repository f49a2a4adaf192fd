"""Model data at the boundary: pandas objects become numpy arrays (and give dims their coords), and values
that must be real numbers are checked to be.

Model code and the tracer only ever see numpy; a DataFrame's index and columns are not lost but become
the coordinates of the dims the model names for them.
"""
import numpy as np

__all__ = ["pandas_coords", "plain_data", "real_array"]


def real_array(value, what):
    """value as a float64 array; complex, string and object values are a TypeError naming `what`."""
    kind = np.asarray(value).dtype.kind if not isinstance(value, np.ndarray) else value.dtype.kind
    if kind == "c":
        raise TypeError(f"{what} must be real, got a complex value; its imaginary part would be silently dropped "
                        "(pass value.real if that is what you mean)")
    if kind in "OUSV":
        raise TypeError(f"{what} must be numbers, got {np.asarray(value).dtype} values ({value!r:.60})")
    return np.asarray(value, dtype=np.float64)


def _is_pandas(v):
    return type(v).__module__.startswith("pandas") and hasattr(v, "to_numpy")


def pandas_coords(raw_args, raw_kwargs, args, kwargs, tr):
    """Coordinates for the model's dims taken from pandas data: an observed site with dims= whose data is a
    Series or DataFrame has its first dim labelled by the index and (DataFrame) its second by the columns;
    and a dim named like a pandas index or columns name (df.index.name == "school") is labelled by it,
    when every site with that dim has as many entries."""
    pairs = [(r, a) for r, a in zip(raw_args, args) if _is_pandas(r)]
    pairs += [(raw_kwargs[k], kwargs[k]) for k in raw_kwargs if _is_pandas(raw_kwargs[k])]
    sizes = {}  # dim -> the set of lengths the sites give it
    for msg in tr.values():
        for d, n in zip(msg.get("dims") or (), np.shape(msg["value"]) if msg["type"] != "factor" else ()):
            sizes.setdefault(d, set()).add(n)
    coords = {}
    for msg in tr.values():
        dims = msg.get("dims")
        if dims and msg["type"] == "sample" and msg["is_observed"]:
            for raw, array in pairs:
                if msg["value"] is array:
                    for d, axis in zip(dims, _axes(raw)):
                        coords.setdefault(d, np.asarray(axis))
    for raw, _ in pairs:
        for axis in _axes(raw):
            if isinstance(axis.name, str) and sizes.get(axis.name) == {len(axis)}:
                coords.setdefault(axis.name, np.asarray(axis))
    return coords


def _axes(frame):
    """The index, and the columns of a DataFrame."""
    return [frame.index] + ([frame.columns] if getattr(frame, "ndim", 1) == 2 else [])


def plain_data(data):
    """Model arguments with pandas objects (Series, DataFrame, Index) as numpy arrays: converted at
    the model boundary, so model code and the tracer only ever see numpy. data: a tuple or dict."""
    def plain(v):
        return v.to_numpy() if type(v).__module__.startswith("pandas") and hasattr(v, "to_numpy") else v
    if isinstance(data, dict):
        return {k: plain(v) for k, v in data.items()}
    return tuple(plain(v) for v in data)
