"""RawChains made without a sampler, with known good or bad behaviour, for the output-side tests."""
import numpy as np

import ppl
import ppl.distributions as dist
from samplers.raw import STAT_DTYPES, RawChains

SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
SCHOOLS = ["Choate", "Deerfield", "Phillips Andover", "Phillips Exeter", "Hotchkiss", "Lawrenceville",
           "St. Paul's", "Mt. Hermon"]


def eight_schools(sigma, y=None):
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    tau = ppl.sample("tau", dist.HalfCauchy(5.0))
    z = ppl.sample("z", dist.Normal(0.0, 1.0).expand((len(sigma),)), dims=("school",))
    ppl.deterministic("theta", mu + tau * z, dims=("school",))
    ppl.sample("y", dist.Normal(mu + tau * z, sigma), obs=y, dims=("school",))


def eight_schools_density():
    return ppl.log_density(eight_schools, SIGMA, y=Y, coords={"school": SCHOOLS})


def _stats(rng, chains, n, max_depth):
    depth = rng.integers(1, min(max_depth, 5), size=(chains, n))
    energy = rng.chisquare(10, size=(chains, n))  # independent energies: E-BFMI near 2
    stats = {"lp": -energy, "acceptance_rate": rng.uniform(0.6, 1.0, (chains, n)),
             "step_size": np.broadcast_to(rng.uniform(0.2, 0.5, (chains, 1)), (chains, n)).copy(),
             "tree_depth": depth, "n_steps": 2 ** depth - 1, "diverging": np.zeros((chains, n), bool),
             "energy": energy, "energy_error": rng.normal(0, 0.1, (chains, n)),
             "max_energy_error": np.abs(rng.normal(0, 0.3, (chains, n)))}
    return {k: np.asarray(v, dtype=STAT_DTYPES[k]) for k, v in stats.items()}


def synthetic_raw(dim, chains=4, draws=1000, tune=50, seed=0, complete=True, max_tree_depth=10):
    """Well-behaved chains: independent standard normal draws, no divergences, shallow trees."""
    rng = np.random.default_rng(seed)
    nan = np.full((chains, draws, dim), np.nan)
    return RawChains(
        draws=rng.normal(size=(chains, draws, dim)), stats=_stats(rng, chains, draws, max_tree_depth),
        divergence_points=nan, warmup_draws=rng.normal(size=(chains, tune, dim)),
        warmup_stats=_stats(rng, chains, tune, max_tree_depth),
        warmup_divergence_points=np.full((chains, tune, dim), np.nan),
        n_done=np.full(chains, draws, np.int64), n_tune_done=np.full(chains, tune, np.int64),
        complete=complete, sampler="nuts",
        settings={"target_accept": 0.8, "max_tree_depth": max_tree_depth, "mass": "diag", "seed": 0,
                  "draws": draws if complete else draws + 100, "tune": tune, "chains": chains, "init": None},
        timing={"compile_s": 0.5, "warmup_s": 0.1, "sampling_s": 0.2, "total_s": 0.8},
        step_size=np.full(chains, 0.3), inv_mass=np.ones((chains, dim)))


def diverge(raw, chain, draws, seed=1):
    """Mark transitions divergent and give each a divergence point."""
    rng = np.random.default_rng(seed)
    raw.stats["diverging"][chain, draws] = True
    raw.divergence_points[chain, draws] = rng.normal(size=(len(draws), raw.draws.shape[-1]))
    return raw
