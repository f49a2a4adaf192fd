"""numpy.linalg names (cholesky returns the lower factor, as in numpy)."""
