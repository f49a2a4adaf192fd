"""The primitive operations, one block each: numpy impl, shape rule, JVP, VJP and Numba emitter."""
