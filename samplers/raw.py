"""RawChains: what the chains produce, in unconstrained space, before conversion to ArviZ."""
from dataclasses import dataclass, field

import numpy as np

STAT_DTYPES = {
    "lp": np.float64,
    "acceptance_rate": np.float64,
    "step_size": np.float64,
    "tree_depth": np.int64,
    "n_steps": np.int64,
    "diverging": np.bool_,
    "energy": np.float64,
    "energy_error": np.float64,
    "max_energy_error": np.float64,
}
STAT_NAMES = tuple(STAT_DTYPES)


@dataclass
class RawChains:
    """Draws and per-iteration statistics of every chain, warmup included.

    draws: (chains, n_draws, dim) unconstrained; stats: name -> (chains, n_draws), names and dtypes
    as STAT_DTYPES; divergence_points: where each divergent trajectory left the region of
    accurate integration, in the rows where stats["diverging"] is True (the other rows are not
    written: read them through that mask; to_arviz turns them into NaN). The warmup_* fields hold
    the same for the tuning iterations. When a run is interrupted, `complete` is False and every
    array is cut to the number of iterations that all chains finished.
    """

    draws: np.ndarray
    stats: dict
    divergence_points: np.ndarray
    warmup_draws: np.ndarray
    warmup_stats: dict
    warmup_divergence_points: np.ndarray
    n_done: np.ndarray
    n_tune_done: np.ndarray
    complete: bool
    sampler: str
    settings: dict = field(default_factory=dict)
    timing: dict = field(default_factory=dict)
    step_size: np.ndarray = None
    inv_mass: np.ndarray = None

    @property
    def n_chains(self):
        return self.draws.shape[0]

    @property
    def n_draws(self):
        return self.draws.shape[1]
