"""PLACEHOLDER: re-exports numpy until the traced implementation lands (same names, same semantics)."""
from numpy import *  # noqa
from numpy import linalg  # noqa
