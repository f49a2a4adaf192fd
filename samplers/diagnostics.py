"""After-sampling checks with Stan's and PyMC's thresholds, as messages that say what to do.

    divergences > 0            -> bias likely: raise target_accept or reparameterise
    tree depth == max          -> trajectories cut short: raise max_tree_depth or rescale
    E-BFMI < 0.3 (per chain)   -> poor energy exploration: reparameterise
    R-hat > 1.01               -> chains disagree: run longer, look for multimodality
    bulk / tail ESS < 100 per chain -> too few effective draws for means / intervals
    any of these with a diagonal metric on a strongly correlated posterior -> try mass="dense"

`report` takes the ArviZ output of `to_arviz` (InferenceData or DataTree) or a RawChains (then the
convergence checks run on the unconstrained coordinates) and returns the messages; `warn` also
emits each one as a SamplerWarning.
"""
import warnings

import numpy as np

from .convergence import rhat_and_ess
from .raw import RawChains
from .to_arviz import DIVERGENCE_PREFIX, group

RHAT_MAX = 1.01
ESS_PER_CHAIN_MIN = 100
EBFMI_MIN = 0.3
CORRELATION_CONDITION_MAX = 100.0  # of the within-chain correlation matrix of the unconstrained draws
CORRELATION_MAX_DIM = 300  # above this the check costs more than it is worth after a run


class SamplerWarning(UserWarning):
    """A sampling diagnostic (divergences, tree depth, E-BFMI, R-hat, ESS) failed its threshold."""


def warn(result, *, unconstrained=None, stacklevel=2):
    """Emit report(result, unconstrained)'s messages as SamplerWarning; returns them."""
    messages = report(result, unconstrained)
    for m in messages:
        warnings.warn(m, SamplerWarning, stacklevel=stacklevel)
    return messages


def report(result, unconstrained=None):
    """Messages for every failed check, [] when all pass. result: to_arviz output or a RawChains.
    unconstrained: (draws (chain, draw, dim), names) on the unconstrained scale, for the correlation
    check of an ArviZ result (a RawChains carries its own)."""
    run = _Run.of(result)
    messages = []
    messages += divergence_messages(run.stats, run.settings)
    messages += tree_depth_messages(run.stats, run.settings, run.sampler)
    messages += ebfmi_messages(run.stats)
    messages += convergence_messages(run.params, run.names)
    if unconstrained is None and isinstance(result, RawChains):
        unconstrained = (run.params, run.names)
    if messages and unconstrained is not None and run.settings.get("mass") == "diag":
        messages += correlation_messages(*unconstrained)
    if not run.complete:
        messages.insert(0, f"The run was interrupted ({run.status}); the checks below use only the draws made.")
    return messages


def divergence_messages(stats, settings):
    diverging = np.asarray(stats.get("diverging", np.zeros((0, 0), bool)), dtype=bool)
    n = int(diverging.sum())
    if n == 0:
        return []
    target = settings.get("target_accept")
    now = f" (now {target})" if target is not None else ""
    return [f"{n} of {diverging.size} transitions after warmup ({n / diverging.size:.1%}) were divergent: the "
            "sampler could not follow the posterior's curvature there, so the draws may be biased. Increase "
            f"target_accept{now}, e.g. to 0.95 or 0.99, or reparameterise the model (e.g. non-centred "
            "hierarchical parameters); sample_stats' divergence_point_<site> variables show where they happened."]


def tree_depth_messages(stats, settings, sampler):
    max_depth = settings.get("max_tree_depth")
    if sampler != "nuts" or max_depth is None or "tree_depth" not in stats:
        return []
    depth = np.asarray(stats["tree_depth"])
    n = int(np.sum(depth >= int(max_depth)))
    if n == 0:
        return []
    return [f"{n} of {depth.size} transitions after warmup ({n / depth.size:.1%}) reached the maximum tree depth "
            f"{int(max_depth)}: their trajectories were cut short, which wastes gradient evaluations (it does not "
            "bias the draws). Increase max_tree_depth, or reparameterise so the parameters have similar scales "
            "and weaker correlations (or use mass=\"dense\")."]


def ebfmi(energy):
    """Per-chain E-BFMI = sum of squared energy changes / sum of squared deviations from the chain's mean
    energy (Betancourt 2016; Stan's and ArviZ's bfmi)."""
    energy = np.asarray(energy, dtype=np.float64)
    centred = energy - energy.mean(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sum(np.diff(energy, axis=1) ** 2, axis=1) / np.sum(centred ** 2, axis=1)


def ebfmi_messages(stats):
    if "energy" not in stats or np.asarray(stats["energy"]).shape[1] < 2:
        return []
    values = ebfmi(stats["energy"])
    low = [(c, v) for c, v in enumerate(values) if v < EBFMI_MIN]
    if not low:
        return []
    chains = ", ".join(f"chain {c}: {v:.2f}" for c, v in low)
    return [f"E-BFMI below {EBFMI_MIN} ({chains}): the momentum resampling moves poorly between energy levels, "
            "a sign of heavy tails or a funnel the sampler explores badly. Reparameterise the model (e.g. "
            "non-centred hierarchical parameters, or priors with lighter tails)."]


def convergence_messages(params, names):
    """R-hat and bulk/tail ESS messages for params (chain, draw, p) named by `names`."""
    if params.shape[-1] == 0:
        return []
    chains, draws = params.shape[:2]
    r, bulk, tail = rhat_and_ess(params)
    messages = []
    bad = np.flatnonzero(r > RHAT_MAX)
    if bad.size:
        worst = bad[np.argmax(r[bad])]
        messages.append(f"R-hat above {RHAT_MAX} for {bad.size} of {len(names)} parameters (largest {r[worst]:.3f} "
                        f"for {names[worst]}): the chains have not mixed and disagree about the posterior. Run "
                        "longer (more tune and draws), check for multiple modes (compare the chains), or "
                        "reparameterise.")
    floor = ESS_PER_CHAIN_MIN * chains
    for kind, ess, use in (("bulk", bulk, "posterior means and medians"),
                           ("tail", tail, "posterior intervals and tail quantiles")):
        low = np.flatnonzero(ess < floor)
        if low.size:
            worst = low[np.argmin(ess[low])]
            messages.append(f"{kind} ESS below {ESS_PER_CHAIN_MIN} per chain ({floor} for {chains} chains) for "
                            f"{low.size} of {len(names)} parameters (smallest {ess[worst]:.0f} for {names[worst]}): "
                            f"estimates of {use} are unreliable. Draw more samples, or reparameterise to "
                            "reduce autocorrelation.")
    return messages


def correlation_messages(draws, names):
    """A hint to use a dense metric when the posterior's correlations, which a diagonal mass matrix
    cannot adapt to, are strong: the condition number of the within-chain correlation matrix of the
    unconstrained draws (averaged over chains, so chains in different modes don't fake a correlation)
    above CORRELATION_CONDITION_MAX. NUTS's trajectories grow with its square root. Called only when
    another check failed, so a correlated posterior sampled well stays quiet."""
    draws = np.asarray(draws, dtype=np.float64)
    dim = draws.shape[-1]
    if not 2 <= dim <= CORRELATION_MAX_DIM:
        return []
    finite = [c[np.all(np.isfinite(c), axis=1)] for c in draws]  # an interrupted run leaves NaN rows
    covariances = [np.cov(rows, rowvar=False) for rows in finite if len(rows) > 2 * dim]
    if not covariances:
        return []
    covariance = np.mean(covariances, axis=0)
    scale = np.sqrt(np.diag(covariance))
    if not np.all(scale > 0):
        return []
    eigenvalues, eigenvectors = np.linalg.eigh(covariance / np.outer(scale, scale))
    condition = eigenvalues[-1] / max(eigenvalues[0], 1e-300)
    if condition <= CORRELATION_CONDITION_MAX:
        return []
    tightest = eigenvectors[:, 0]
    leading = ", ".join(names[i] for i in np.argsort(-np.abs(tightest))[:3])
    return [f"The posterior is strongly correlated (the within-chain correlation matrix of the unconstrained "
            f"parameters has condition number {condition:.0f}; its narrowest direction mostly moves {leading}): "
            "a diagonal mass matrix cannot adapt to correlations, so trajectories are long and mixing slow. Sample "
            'with mass="dense", or reparameterise those parameters.']


class _Run:
    """What the checks need, read from an ArviZ result or a RawChains."""

    def __init__(self, stats, settings, sampler, complete, status, params, names):
        self.stats, self.settings, self.sampler = stats, settings, sampler
        self.complete, self.status, self.params, self.names = complete, status, params, names

    @classmethod
    def of(cls, result):
        if isinstance(result, RawChains):
            draws = np.asarray(result.draws, dtype=np.float64)
            names = [f"unconstrained coordinate {i}" for i in range(draws.shape[-1])]
            status = "complete" if result.complete else f"{draws.shape[1]} draws per chain"
            return cls({k: np.asarray(v) for k, v in result.stats.items()}, dict(result.settings), result.sampler,
                       bool(result.complete), status, draws, names)
        posterior, sample_stats = group(result, "posterior"), group(result, "sample_stats")
        if posterior is None or sample_stats is None:
            raise ValueError("diagnostics need an ArviZ result with posterior and sample_stats groups "
                             "(samplers.to_arviz's output) or a RawChains")
        attrs = dict(sample_stats.attrs)
        settings = {k[len("setting_"):]: v for k, v in attrs.items() if k.startswith("setting_")}
        stats = {k: np.asarray(v.values) for k, v in sample_stats.data_vars.items()
                 if not k.startswith(DIVERGENCE_PREFIX)}
        params, names = _flatten(posterior)
        return cls(stats, settings, attrs.get("sampler"), bool(attrs.get("complete", 1)),
                   attrs.get("status", "complete"), params, names)


def _flatten(posterior):
    """(chain, draw, p) float array of every posterior variable's scalar components, and their names."""
    columns, names = [], []
    for name, var in posterior.data_vars.items():
        v = np.asarray(var.values, dtype=np.float64)
        shape = v.shape[2:]
        columns.append(v.reshape(v.shape[:2] + (int(np.prod(shape, dtype=np.int64)),)))
        names += [name] if not shape else [f"{name}[{','.join(map(str, i))}]" for i in np.ndindex(*shape)]
    if not columns:
        return np.zeros((0, 0, 0)), []
    return (np.concatenate(columns, axis=-1) if len(columns) > 1 else columns[0]), names


__all__ = ["report", "warn", "SamplerWarning", "ebfmi", "RHAT_MAX", "ESS_PER_CHAIN_MIN", "EBFMI_MIN",
           "CORRELATION_CONDITION_MAX"]
