"""SciPy-named differentiable functions."""
