"""Code generation: a Graph becomes the source of one @njit function, compiled and cached by Numba."""
