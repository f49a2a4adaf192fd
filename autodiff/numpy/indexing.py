"""Indexing: x[idx] for traced arrays, and the functional update form x.at[idx].set/add(v).

Basic indices are in basic_indexing.py, the rest (integer arrays, masks, traced integers, and the
updates) in advanced_indexing.py; this module is the face the NumPy layer and Tracer use.
"""
from .advanced_indexing import IndexUpdateRef, getitem


class IndexUpdateHelper:
    """x.at[idx] -> an object with .get(), .set(v), .add(v), .multiply(v), .min(v), .max(v); each returns a new
    array (x is never mutated). See advanced_indexing.IndexUpdateRef for repeated indices."""

    def __init__(self, x):
        self.x = x

    def __getitem__(self, idx):
        return IndexUpdateRef(self.x, idx)


def at(x):
    """Functional update helper usable on plain numpy arrays too: anp.at(x)[idx].set(v)."""
    return IndexUpdateHelper(x)


__all__ = ["getitem", "at", "IndexUpdateHelper"]
