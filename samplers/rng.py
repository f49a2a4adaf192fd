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


def _ziggurat_tables(layers=256, r=3.6541528853610088, v=0.00492867323399, bits=52):
    """Marsaglia & Tsang's (2000) ziggurat for the standard normal, 256 layers of area v, the
    base layer's edge at r, for 52-bit magnitudes (as numpy's generator): (k, w, f) with
    w[i] = x_i / 2**bits (layer i's right edge x_i, x_1 the top layer's), k[i] = 2**bits x_{i-1} / x_i
    (the part of layer i inside the curve: accepted at once) and f[i] = exp(-x_i**2 / 2)."""
    m = 2.0 ** bits
    k = np.zeros(layers, np.uint64)
    w = np.zeros(layers)
    f = np.zeros(layers)
    x_outer = x = r
    width0 = v / np.exp(-0.5 * r * r)  # the base layer: a rectangle of area v with the tail beyond r
    k[0] = np.uint64((r / width0) * m)
    w[0] = width0 / m
    w[layers - 1] = r / m
    f[0] = 1.0
    f[layers - 1] = np.exp(-0.5 * r * r)
    for i in range(layers - 2, 0, -1):
        x = np.sqrt(-2.0 * np.log(v / x + np.exp(-0.5 * x * x)))
        k[i + 1] = np.uint64((x / x_outer) * m)
        x_outer = x
        f[i] = np.exp(-0.5 * x * x)
        w[i] = x / m
    return k, w, f


_ZIG_K, _ZIG_W, _ZIG_F = _ziggurat_tables()
_ZIG_R = 3.6541528853610088
_ZIG_INV_R = 1.0 / _ZIG_R
_U8 = np.uint64(8)
_U255 = np.uint64(255)
_MASK52 = np.uint64((1 << 52) - 1)


@numba.njit(cache=True, nogil=True)
def _normal_outside(state, layer, x):
    """The ziggurat's rare case: x fell outside layer's inner rectangle (its wedge, or the tail
    beyond r for the base layer). Returns a normal draw, or NaN to start again."""
    if layer == 0:  # the tail beyond r (Marsaglia 1964)
        while True:
            xx = -_ZIG_INV_R * np.log1p(-uniform(state))
            yy = -np.log1p(-uniform(state))
            if yy + yy > xx * xx:
                return -(_ZIG_R + xx) if x < 0.0 else _ZIG_R + xx
    if (_ZIG_F[layer - 1] - _ZIG_F[layer]) * uniform(state) + _ZIG_F[layer] < np.exp(-0.5 * x * x):
        return x
    return np.nan


@numba.njit(cache=True, nogil=True, inline="always")
def normal(state):
    """A standard normal draw by the ziggurat: one 64-bit draw (8 bits of layer, a sign bit and
    52 bits of magnitude) and one multiplication 98.5 % of the time; the wedges and the tail
    beyond r are sampled exactly by rejection."""
    while True:
        bits = next_u64(state)
        layer = int(bits & _U255)
        magnitude = (bits >> _U9) & _MASK52
        x = float(magnitude) * _ZIG_W[layer]
        if (bits >> _U8) & _U1:
            x = -x
        if magnitude < _ZIG_K[layer]:
            return x
        x = _normal_outside(state, layer, x)
        if not np.isnan(x):
            return x


@numba.njit(cache=True, nogil=True)
def fill_normal(state, out):
    """Standard normal draws into out: the same draws as calling normal() for each, with the generator's
    four words kept in registers (through the state array, every draw would load and store them: the
    compiler cannot tell that writing `out` leaves `state` alone)."""
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    i = 0
    while i < out.shape[0]:
        bits = _rotl(s1 * _U5, _U7) * _U9  # next_u64, on the local words
        t = s1 << _U17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, _U45)
        layer = int(bits & _U255)
        magnitude = (bits >> _U9) & _MASK52
        x = float(magnitude) * _ZIG_W[layer]
        if (bits >> _U8) & _U1:
            x = -x
        if magnitude >= _ZIG_K[layer]:  # the rare case: through the state array
            state[0], state[1], state[2], state[3] = s0, s1, s2, s3
            x = _normal_outside(state, layer, x)
            s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
            if np.isnan(x):
                continue
        out[i] = x
        i += 1
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
