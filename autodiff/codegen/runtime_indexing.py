"""@njit helpers for generated code (runtime_indexing)."""
