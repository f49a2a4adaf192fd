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

With `executor=` (a dask.distributed.Client or a concurrent.futures.Executor) the simulations run
as tasks on it, with the same ranks as the local run for the same seed.
"""
import warnings
from dataclasses import dataclass

import numpy as np

import ppl
from ppl import handlers

from . import distributed
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
        progressbar=None, executor=None, **kwargs):
    """Simulation-based calibration of NUTS on `model`; see the module docstring.

    Each of the `prior_draws` simulations runs `chains` chains of tune + draws iterations and keeps
    every `thin`-th draw (thinning makes the ranks' autocorrelation small, as Talts et al. advise).

    executor: a dask.distributed.Client or a concurrent.futures.Executor runs each simulation as a
    task (the model and its arguments are sent to each worker once); the ranks are the same as
    without it for the same seed, since simulation i depends on (seed, i) only. When simulations
    fail there, samplers.distributed.TasksFailed is raised with the SBCResult of the others in
    `.partial`. progressbar: with an executor, one bar over the simulations (default on); without,
    a bar per simulation's chains (default off).
    """
    from scipy import stats

    distributed.check_executor(executor)
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
    sites = observed + latent
    simulations = [({name: prior[name][i] for name in sites}, int(seeds[i])) for i in range(prior_draws)]
    if executor is None:
        job = _Simulation(model, args, kwargs, observed, latent, draws, tune, chains, thin, n_ranked,
                          bool(progressbar), cores=None)
        per_simulation = [job.ranks(*sim) for sim in simulations]
        failures = {}
    else:
        job = _Simulation(model, args, kwargs, observed, latent, draws, tune, chains, thin, n_ranked, False, cores=1)
        per_simulation, failures = distributed.run_tasks(
            executor, _run_simulation, job, simulations, desc=f"SBC {prior_draws} simulations",
            progressbar=progressbar is None or progressbar)
    kept = [r for r in per_simulation if r is not None]
    result = _result(kept, n_ranked, bins, stats) if kept else None
    if failures:
        raise distributed.TasksFailed(
            f"{len(failures)} of {prior_draws} simulations failed: "
            f"{distributed.describe_failures(failures, 'simulation')}. The ranks of the other {len(kept)} are in "
            "this exception's .partial (an SBCResult; leaving simulations out can bias the ranks)",
            failures, result)
    return result


class _Simulation:
    """One SBC simulation given (the prior draw of every site, its seed): condition the model on
    the simulated data, run NUTS, return {parameter component: rank of the true value}. As a task
    (cores=1) the sampler's warnings are silenced."""

    def __init__(self, model, args, kwargs, observed, latent, draws, tune, chains, thin, n_ranked, progressbar,
                 cores):
        self.model, self.args, self.kwargs, self.observed, self.latent = model, args, kwargs, observed, latent
        self.draws, self.tune, self.chains, self.thin, self.n_ranked = draws, tune, chains, thin, n_ranked
        self.progressbar, self.cores = progressbar, cores
        self.quiet = cores is not None

    def ranks(self, values, seed):
        data = {name: values[name] for name in self.observed}
        ld = ppl.log_density(handlers.condition(self.model, data=data), *self.args, **self.kwargs)
        with warnings.catch_warnings():
            if self.quiet:  # a worker's warnings from hundreds of simulations would flood the console
                warnings.simplefilter("ignore")
            idata = nuts(ld, draws=self.draws, tune=self.tune, chains=self.chains, seed=seed,
                         progressbar=self.progressbar, cores=self.cores)
        out = {}
        for name in self.latent:
            post = np.asarray(idata.posterior[name])
            post = post.reshape((-1,) + post.shape[2:])[::self.thin][:self.n_ranked]
            truth = np.asarray(values[name])
            below = np.sum(post < truth, axis=0)
            for idx in np.ndindex(truth.shape):
                key = name if not idx else f"{name}[{','.join(map(str, idx))}]"
                out[key] = int(below[idx])
        return out


def _run_simulation(job, simulation):
    return job.ranks(*simulation)


def _result(per_simulation, n_ranked, bins, stats):
    ranks = {k: np.asarray([r[k] for r in per_simulation]) for k in per_simulation[0]}
    expected = len(per_simulation) / bins
    p_values = {}
    for k, r in ranks.items():
        counts = _histogram(r, n_ranked, bins)
        p_values[k] = float(stats.chi2.sf(np.sum((counts - expected) ** 2 / expected), bins - 1))
    return SBCResult(ranks=ranks, n_ranked=n_ranked, bins=bins, p_values=p_values)
