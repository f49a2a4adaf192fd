"""Simulation-based calibration (Talts et al. 2018): does the sampler recover the prior?

Draw parameters from the prior and data from the model given them; sample the posterior given
that data; record the rank of the true value among thinned posterior draws. If the sampler (and
the model's code) is right, every parameter's ranks are uniform over 0..L. A chi-square test on
the rank histogram says how far they are from uniform.

    result = samplers.sbc(model, *args, prior_draws=200, seed=0, **kwargs)
    result.p_values            # parameter component -> chi-square p-value
    result.plot()              # rank histograms (matplotlib)

The observed sites are those the model observes when called with *args, **kwargs (their values
only fix which sites are data and their shapes); each simulation replaces them by prior
predictive draws.
"""
from dataclasses import dataclass

import numpy as np

import ppl
from ppl import handlers

from .api import nuts


@dataclass
class SBCResult:
    ranks: dict       # "name[i,j]" -> int array (prior_draws,), ranks in 0..n_ranked
    n_ranked: int     # L: thinned posterior draws per simulation
    bins: int
    p_values: dict    # "name[i,j]" -> chi-square p-value of uniform ranks

    @property
    def min_p_value(self):
        return min(self.p_values.values())

    def histograms(self):
        """name -> counts per bin (each bin covers (L + 1) / bins rank values)."""
        return {k: _histogram(r, self.n_ranked, self.bins) for k, r in self.ranks.items()}

    def plot(self, names=None, axes=None):
        """Rank histograms with the uniform expectation and its 99 % band; returns the axes."""
        import matplotlib.pyplot as plt
        from scipy import stats
        names = list(names or self.ranks)
        if axes is None:
            _, axes = plt.subplots(1, len(names), figsize=(3 * len(names), 2.5), squeeze=False)
            axes = axes[0]
        n = len(next(iter(self.ranks.values())))
        expected = n / self.bins
        lo, hi = stats.binom(n, 1 / self.bins).ppf([0.005, 0.995])
        for ax, name in zip(axes, names):
            ax.axhspan(lo, hi, color="grey", alpha=0.25, zorder=0)
            ax.bar(np.arange(self.bins), self.histograms()[name], width=1.0, color="C0", alpha=0.8, zorder=1)
            ax.axhline(expected, color="k", lw=1)
            ax.set_title(f"{name}  p={self.p_values[name]:.2f}", fontsize=9)
            ax.set_xticks([])
        return axes


def _histogram(ranks, n_ranked, bins):
    edges = np.linspace(0, n_ranked + 1, bins + 1)
    return np.histogram(ranks, bins=edges)[0]


def sbc(model, *args, prior_draws=200, draws=1000, tune=500, thin=10, bins=20, chains=1, seed=None,
        progressbar=False, **kwargs):
    """Simulation-based calibration of NUTS on `model`; see the module docstring.

    Each of the `prior_draws` simulations runs `chains` chains of tune + draws iterations and keeps
    every `thin`-th draw (thinning makes the ranks' autocorrelation small, as Talts et al. advise).
    """
    from scipy import stats

    seeds = np.random.SeedSequence(seed).generate_state(2 * prior_draws + 1)
    base = ppl.log_density(model, *args, **kwargs)
    latent, observed = list(base.spec.latent), list(base.spec.observed)
    if not observed:
        raise ValueError("sbc needs a model that observes data: call it with the data arguments so the "
                         "observed sites are known (their values are replaced by simulated data)")
    prior = ppl.prior_predictive(model, *args, draws=prior_draws, seed=int(seeds[-1]), **kwargs)
    n_ranked = (chains * draws) // thin
    if n_ranked < bins - 1:
        raise ValueError(f"{n_ranked} thinned draws cannot fill {bins} rank bins: raise draws or lower thin/bins")
    ranks = {}
    for i in range(prior_draws):
        data = {name: prior[name][i] for name in observed}
        ld = ppl.log_density(handlers.condition(model, data=data), *args, **kwargs)
        idata = nuts(ld, draws=draws, tune=tune, chains=chains, seed=int(seeds[i]), progressbar=progressbar)
        for name in latent:
            post = np.asarray(idata.posterior[name])
            post = post.reshape((-1,) + post.shape[2:])[::thin][:n_ranked]
            truth = np.asarray(prior[name][i])
            below = np.sum(post < truth, axis=0)
            for idx in np.ndindex(truth.shape):
                key = name if not idx else f"{name}[{','.join(map(str, idx))}]"
                ranks.setdefault(key, []).append(int(below[idx]))
    ranks = {k: np.asarray(v) for k, v in ranks.items()}
    expected = prior_draws / bins
    p_values = {}
    for k, r in ranks.items():
        counts = _histogram(r, n_ranked, bins)
        p_values[k] = float(stats.chi2.sf(np.sum((counts - expected) ** 2 / expected), bins - 1))
    return SBCResult(ranks=ranks, n_ranked=n_ranked, bins=bins, p_values=p_values)
