"""PLACEHOLDER: re-exports scipy.linalg until the traced implementation lands."""
from scipy.linalg import *  # noqa
