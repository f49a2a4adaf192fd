"""autodiff: NumPy-compatible forward- and reverse-mode automatic differentiation compiled to Numba."""
