"""PLACEHOLDER: re-exports scipy.special until the traced implementation lands."""
from scipy.special import *  # noqa
