"""One random stream per chain: xoshiro256** on a 4-word state, seeded by numpy's SeedSequence.

Numba's own np.random is a per-thread generator, so draws would depend on which thread ran a
chain. An explicit state per chain makes every chain's draws a function of (seed, chain index)
only, whatever the number of threads or processes.
"""
import numba
import numpy as np

_U1 = np.uint64(1)
_U11 = np.uint64(11)
_U17 = np.uint64(17)
_U45 = np.uint64(45)
_U7 = np.uint64(7)
_U5 = np.uint64(5)
_U9 = np.uint64(9)
_TWO_PI = 2.0 * np.pi
_INV_2_53 = 1.0 / 9007199254740992.0


def chain_states(seed, chains):
    """(chains, 4) uint64: independent xoshiro256** states derived from (seed, chain index)."""
    children = np.random.SeedSequence(seed).spawn(chains)
    return np.stack([c.generate_state(4, np.uint64) for c in children])


def chain_generators(seed, chains):
    """NumPy Generators for the Python-side work of each chain (initial points), from the same seed."""
    children = np.random.SeedSequence(seed).spawn(chains)
    return [np.random.default_rng(c.spawn(1)[0]) for c in children]


@numba.njit(inline="always")
def _rotl(x, k):
    return (x << k) | (x >> (np.uint64(64) - k))


@numba.njit(cache=True, nogil=True)
def next_u64(state):
    """Advance the state in place; return 64 random bits."""
    result = _rotl(state[1] * _U5, _U7) * _U9
    t = state[1] << _U17
    state[2] ^= state[0]
    state[3] ^= state[1]
    state[1] ^= state[2]
    state[0] ^= state[3]
    state[2] ^= t
    state[3] = _rotl(state[3], _U45)
    return result


@numba.njit(cache=True, nogil=True)
def uniform(state):
    """A float64 in [0, 1)."""
    return float(next_u64(state) >> _U11) * _INV_2_53


@numba.njit(cache=True, nogil=True)
def normal(state):
    """A standard normal draw (Box-Muller)."""
    u1 = 1.0 - uniform(state)  # in (0, 1]: log is finite
    u2 = uniform(state)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(_TWO_PI * u2)


@numba.njit(cache=True, nogil=True)
def fill_normal(state, out):
    """Standard normal draws into out, two per Box-Muller pair."""
    n = out.shape[0]
    for i in range(0, n - 1, 2):
        r = np.sqrt(-2.0 * np.log(1.0 - uniform(state)))
        angle = _TWO_PI * uniform(state)
        out[i] = r * np.cos(angle)
        out[i + 1] = r * np.sin(angle)
    if n % 2:
        out[n - 1] = normal(state)
