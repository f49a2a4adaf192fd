"""samplers.nuts and samplers.hmc: set up each chain (seed, initial point, metric), run them, and
hand the draws to ArviZ.

    model fn / LogDensity --> per-chain initial points --> driver.run_chains (compiled blocks)
        --> RawChains (unconstrained) --> to_arviz (constrained, ArviZ groups) + warnings
"""
import contextlib
import importlib
import threading
import time

import numpy as np

import ppl

from . import adaptation as adapt
from . import chain as ck
from . import distributed, driver, nuts as nuts_kernel
from .progress import progress_bar
from .raw import STAT_DTYPES, RawChains
from .rng import chain_generators, chain_states
from .threads import available_cores, one_blas_thread

_INIT_TRIES = 100


def nuts(model, *args, draws=1000, tune=1000, chains=4, seed=None, target_accept=0.8, max_tree_depth=10,
         mass="diag", init=None, cores=None, progressbar=True, save_warmup=False, max_energy_error=1000.0,
         coords=None, executor=None, adapt_mass="windowed", **kwargs):
    """Draw from a model's posterior with the no-U-turn sampler (Stan's algorithm and warmup).

    model: a ppl.LogDensity, or a model function called as model(*args, **kwargs) (compiled here).
    draws, tune: iterations per chain kept after and spent in warmup. chains run on `cores`
    threads (default: all available); the same seed gives the same draws for any `cores`.
    mass: "diag" (default) or "dense" metric adaptation. adapt_mass: "windowed" (default: Stan's windows
    of regularised Welford estimates of the draws' variance) or "gradient" (diagonal only: nutpie's
    M^-1 = sqrt(var(draws) / var(gradients)) from short overlapping windows updated every iteration,
    see samplers.adaptation). init: None (uniform(-2, 2) on the
    unconstrained space), a dict of site values on the model's scale (sites left out start at
    random), or "map": every chain starts at the best of several L-BFGS optima (multimodal
    posteriors: chains then explore the same mode). Returns an ArviZ InferenceData (arviz < 1) or DataTree (arviz >= 1).

    executor: a dask.distributed.Client or a concurrent.futures.Executor runs each chain as a task
    (see samplers.distributed): workers rebuild the log density from the model function and its
    data, and the draws are bit-identical to the threaded run's for the same seed. When chains
    fail there, the others still finish and samplers.distributed.ChainsFailed is raised with their
    draws in `.idata`.
    """
    ld = _log_density(model, args, kwargs, coords)
    _check_positive_int(max_tree_depth=max_tree_depth)
    if not 0.0 < target_accept < 1.0:
        raise ValueError(f"target_accept must be in (0, 1), got {target_accept}")
    settings = _settings(target_accept, mass, max_energy_error, algorithm=ck.NUTS, max_tree_depth=max_tree_depth,
                         adapt_mass=adapt_mass)
    return _sample(ld, "nuts", settings, draws, tune, chains, seed, mass, init, cores, progressbar, save_warmup,
                   max_tree_depth, executor)


def hmc(model, *args, draws=1000, tune=1000, chains=4, seed=None, path_length=2.0, target_accept=0.8,
        max_steps=1024, mass="diag", init=None, cores=None, progressbar=True, save_warmup=False,
        max_energy_error=1000.0, coords=None, executor=None, adapt_mass="windowed", **kwargs):
    """Static HMC: each transition integrates for a path length drawn uniformly from
    (0, 2 * path_length) (at most max_steps leapfrog steps), then accepts by Metropolis.
    Warmup, arguments and output as in nuts()."""
    ld = _log_density(model, args, kwargs, coords)
    if not path_length > 0:
        raise ValueError(f"path_length must be positive, got {path_length}")
    _check_positive_int(max_steps=max_steps)
    settings = _settings(target_accept, mass, max_energy_error, algorithm=ck.HMC, path_length=path_length,
                         max_steps=max_steps, adapt_mass=adapt_mass)
    return _sample(ld, "hmc", settings, draws, tune, chains, seed, mass, init, cores, progressbar, save_warmup, 1,
                   executor)


def _log_density(model, args, kwargs, coords):
    if isinstance(model, ppl.LogDensity):
        if args or kwargs:
            raise TypeError(f"model arguments {list(kwargs) or args} were given with a LogDensity; they belong in "
                            "ppl.log_density(model, *args, **kwargs)")
        return model
    if not callable(model):
        raise TypeError(f"expected a ppl.LogDensity or a model function, got {type(model).__name__}")
    return ppl.log_density(model, *args, coords=coords, **kwargs)


def _check_positive_int(**values):
    for name, v in values.items():
        if int(v) != v or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")


_ADAPT_MASS = {"windowed": ck.WINDOWED, "gradient": ck.GRADIENT}


def _settings(target_accept, mass, max_energy_error, algorithm, max_tree_depth=10, path_length=1.0,
              max_steps=1024, adapt_mass="windowed"):
    if mass not in ("diag", "dense"):
        raise ValueError(f'mass must be "diag" or "dense", got {mass!r}')
    if adapt_mass not in _ADAPT_MASS:
        raise ValueError(f'adapt_mass must be "windowed" or "gradient", got {adapt_mass!r}')
    if adapt_mass == "gradient" and mass != "diag":
        raise ValueError('adapt_mass="gradient" adapts a diagonal metric only; use mass="diag" with it, or '
                         'adapt_mass="windowed" for a dense metric')
    s = np.zeros(ck.N_SETTINGS)
    s[ck.TARGET_ACCEPT], s[ck.GAMMA], s[ck.KAPPA], s[ck.T0] = target_accept, 0.05, 0.75, 10.0
    s[ck.MAX_TREE_DEPTH], s[ck.MAX_ENERGY_ERROR], s[ck.ALGORITHM] = max_tree_depth, max_energy_error, algorithm
    s[ck.PATH_LENGTH], s[ck.MAX_STEPS], s[ck.DENSE], s[ck.ADAPT_STEP_SIZE] = path_length, max_steps, mass == "dense", 1
    s[ck.ADAPT_MASS] = _ADAPT_MASS[adapt_mass]
    return s


def _sample(ld, sampler, settings, draws, tune, chains, seed, mass, init, cores, progressbar, save_warmup,
            max_tree_depth, executor=None):
    _check_positive_int(draws=draws, chains=chains)
    if ld.dim == 0:
        raise ValueError(f"{ld!r} has no latent parameters to sample: every site is observed. Add a "
                         "parameter (ppl.sample without obs=), or evaluate the log density directly.")
    if int(tune) != tune or tune < 0:
        raise ValueError(f"tune must be a non-negative integer, got {tune!r}")
    distributed.check_executor(executor)
    draws, tune, chains = int(draws), int(tune), int(chains)
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2 ** 63))
    cores = available_cores() if cores is None else int(cores)
    t_start = time.perf_counter()
    plan = _ChainPlan(seed, init, None, settings, tune, draws, mass == "dense", max_tree_depth)
    use_map = _is_map(init)
    compile_s = 0.0
    if executor is None or use_map:  # with an executor the workers compile; here only init="map" needs it
        lpg, (fdata, idata) = ld.logp_and_grad_fn, ld.data
        compile_s = time.perf_counter() - t_start
        gens = chain_generators(seed, chains + 1)  # the last one is for init="map"'s starts
        plan.mode = _map_point(ld, gens[-1], n_starts=max(8, 2 * chains)) if use_map else None
    if executor is not None:
        ld.prepare_constrain(background=True)
        return _sample_on(executor, ld, plan, sampler, chains, progressbar, save_warmup, t_start, compile_s)
    outputs = driver.chain_outputs(chains, tune + draws, ld.dim)  # every chain writes its rows: no stacking
    states = [plan.state(ld, c, gen, rng_state, out=[a[c] for a in outputs])
              for c, (gen, rng_state) in enumerate(zip(gens, chain_states(seed, chains)))]

    ld.prepare_constrain(background=True)  # compiles the draws' conversion while the chains run
    bar = progress_bar(chains * (tune + draws), f"{sampler.upper()} {chains} chains", progressbar)
    t_run = time.perf_counter()
    with one_blas_thread(cores > 1 and chains > 1):
        # xarray, scipy.stats and arviz take seconds to import: once a core is free of chains (started with
        # the chains, the imports took 0.4 s of a 0.35 s iid_gauss_1000 run's two cores)
        complete, first_draw_at = driver.run_chains(states, lpg, fdata, idata, tune, tune + draws, cores, bar,
                                                    on_core_free=lambda: _import_in_background("samplers.diagnostics"))
    run_s = time.perf_counter() - t_run
    raw = _collect(states, tune, draws, complete, sampler, seed, settings, mass, chains, outputs)
    raw.timing = dict(compile_s=compile_s, sampling_s=run_s, first_draw_s=first_draw_at - t_start,
                      total_s=time.perf_counter() - t_start)
    return _to_arviz(raw, ld, save_warmup)


class _ChainPlan:
    """Everything but the model that decides a chain: its starting point comes from (seed, chain
    index) alone, so a chain started here or on any worker is the same chain."""

    def __init__(self, seed, init, mode, settings, tune, draws, dense, max_tree_depth):
        self.seed, self.init, self.mode, self.settings = seed, init, mode, settings
        self.tune, self.draws, self.dense, self.max_tree_depth = tune, draws, dense, max_tree_depth

    def state(self, ld, chain, gen=None, rng_state=None, out=None):
        """The ChainState of chain `chain` at its initial point (gen, rng_state: that chain's
        streams, derived from the seed when not given; out: its output arrays, see ChainState)."""
        if gen is None:  # SeedSequence children depend on their index only, not on how many were spawned
            gen, rng_state = chain_generators(self.seed, chain + 1)[chain], chain_states(self.seed, chain + 1)[chain]
        x0 = self.mode.copy() if self.mode is not None else _initial_point(ld, self.init, gen, chain)
        grad0 = np.empty(ld.dim)
        lp0 = ld.logp_and_grad_fn(x0, grad0, *ld.data)
        dim, dense = ld.dim, self.dense
        return driver.ChainState(
            x0, lp0, grad0, rng_state, self.settings.copy(), adapt.initial_state(self.tune), np.ones(dim),
            np.eye(dim) if dense else np.zeros((0, 0)), np.eye(dim) if dense else np.zeros((0, 0)),
            nuts_kernel.workspace(dim, self.max_tree_depth), self.tune + self.draws, dense, out)


def _run_one_chain(job, chain):
    """A task: on a worker, rebuild the log density (once per worker process), then start and run
    chain `chain` exactly as the threaded path does. Returns (its ChainState without the work
    buffers, the worker's name, the seconds this task spent building and compiling)."""
    shipped, plan = job
    ld, compile_s = distributed.worker_log_density(shipped)
    state = plan.state(ld, chain)
    with one_blas_thread(True):
        driver.run_chains([state], ld.logp_and_grad_fn, *ld.data, plan.tune, plan.tune + plan.draws, cores=1)
    state.work = None
    return state, distributed.worker_name(), compile_s


def _sample_on(executor, ld, plan, sampler, chains, progressbar, save_warmup, t_start, compile_s):
    """Chains as tasks on `executor`; see samplers.distributed."""
    t_run = time.perf_counter()
    job = (distributed.ship_model(ld), plan)
    _import_in_background("samplers.diagnostics")
    results, failures = distributed.run_tasks(executor, _run_one_chain, job, range(chains),
                                              desc=f"{sampler.upper()} {chains} chains", progressbar=progressbar)
    run_s = time.perf_counter() - t_run
    kept = [c for c in range(chains) if c not in failures]
    worker_compile_s = {}
    for c in kept:
        _, worker, seconds = results[c]
        worker_compile_s[worker] = worker_compile_s.get(worker, 0.0) + seconds
    idata = None
    if kept:
        mass = "dense" if plan.dense else "diag"
        raw = _collect([results[c][0] for c in kept], plan.tune, plan.draws, True, sampler, plan.seed,
                       plan.settings, mass, chains)
        raw.timing = dict(compile_s=compile_s, sampling_s=run_s, total_s=time.perf_counter() - t_start,
                          worker_compile_s={w: round(s, 3) for w, s in sorted(worker_compile_s.items())})
        idata = _to_arviz(raw, ld, save_warmup, stacklevel=6)  # warnings point at the caller of nuts/hmc
    if failures:
        raise distributed.ChainsFailed(
            f"{len(failures)} of {chains} chains failed: {distributed.describe_failures(failures, 'chain')}. "
            f"The {len(kept)} other chains finished: their draws are in this exception's .idata (chains "
            f"renumbered 0..{len(kept) - 1}; .chains gives their original indices)", failures, idata, kept)
    return idata


def _initial_point(ld, init, gen, chain):
    """A point with finite log density and gradient: user values (others random) or uniform(-2, 2)."""
    lpg, (fdata, idata) = ld.logp_and_grad_fn, ld.data
    grad = np.empty(ld.dim)
    x = None
    for _ in range(_INIT_TRIES):
        x = gen.uniform(-2.0, 2.0, ld.dim)
        if init is not None:
            x = _with_user_values(ld, x, init)
        lp = lpg(x, grad, fdata, idata)
        if np.isfinite(lp) and np.all(np.isfinite(grad)):
            return x
        if init is not None and _covers_all(ld, init):
            break  # nothing random left to redraw
    where = "at the given init" if init is not None else f"at any of {_INIT_TRIES} random initial points"
    detail = ""
    if ld.spec is not None:
        from ppl.validation import describe_bad_terms
        with contextlib.suppress(Exception):
            detail = "; " + describe_bad_terms(ld.site_terms(x))
    raise ValueError(f"chain {chain}: the log density or its gradient is not finite {where}{detail}. "
                     "Check the data, the priors' support and the init values.")


def _is_map(init):
    if isinstance(init, str):
        if init != "map":
            raise ValueError(f'init must be None, "map" or a dict of site values, got {init!r}')
        return True
    return False


def _map_point(ld, gen, n_starts):
    """The highest mode of the unconstrained log density (Jacobian included) found by L-BFGS from
    n_starts points drawn as initial points are; every chain then starts there, so chains of a
    multimodal posterior begin in the same (best) mode."""
    from .optimize import optimize

    starts = np.stack([_initial_point(ld, None, gen, i) for i in range(n_starts)])
    best = optimize(ld, x0=starts, jacobian=True, restarts=n_starts, warn=False)
    if not np.isfinite(best.fun):
        raise ValueError('init="map": the optimiser found no point with a finite log density')
    return np.ascontiguousarray(best.x)


def _covers_all(ld, init):
    return ld.spec is not None and all(name in init for name in ld.spec.latent)


def _with_user_values(ld, x, init):
    if ld.spec is None:
        return ld.unconstrain(init)
    unknown = [k for k in init if k not in ld.spec.latent]
    if unknown:
        raise KeyError(f"init names {unknown}, which are not latent sites of the model; latent sites: "
                       f"{list(ld.spec.latent)}")
    values = ld.constrain(x)
    values = {k: values[k] for k in ld.spec.latent}
    values.update({k: np.asarray(v, dtype=np.float64) for k, v in init.items()})
    return ld.unconstrain(values)


def _collect(states, tune, draws, complete, sampler, seed, settings, mass, chains, shared=None):
    """RawChains of the ChainStates' first min(done) iterations; shared: the chain_outputs arrays the
    states write into (their rows are then sliced, not stacked)."""
    done = min(s.done for s in states)
    n_tune = min(done, tune)
    n_draws = max(0, done - tune)

    def stats_of(rows):
        return {name: np.stack([s.stats[rows, i] for s in states]).astype(dtype)
                for i, (name, dtype) in enumerate(STAT_DTYPES.items())}

    warm, post = slice(0, n_tune), slice(tune, tune + n_draws)
    inv_mass = np.stack([s.inv_dense if mass == "dense" else s.inv_diag for s in states])

    def rows_of(which, rows):  # (chain, rows, ...)
        if shared is not None:
            return shared[which][:, rows]
        return np.stack([(s.draws, s.stats, s.div_points)[which][rows] for s in states])

    return RawChains(
        draws=rows_of(0, post), stats=stats_of(post), divergence_points=rows_of(2, post),
        warmup_draws=rows_of(0, warm), warmup_stats=stats_of(warm), warmup_divergence_points=rows_of(2, warm),
        n_done=np.array([max(0, s.done - tune) for s in states], dtype=np.int64),
        n_tune_done=np.array([min(s.done, tune) for s in states], dtype=np.int64),
        complete=bool(complete and done == tune + draws), sampler=sampler,
        settings=dict(seed=seed, draws=draws, tune=tune, chains=chains, mass=mass,
                      target_accept=float(settings[ck.TARGET_ACCEPT]),
                      max_tree_depth=int(settings[ck.MAX_TREE_DEPTH]),
                      max_energy_error=float(settings[ck.MAX_ENERGY_ERROR]),
                      adapt_mass={v: k for k, v in _ADAPT_MASS.items()}[int(settings[ck.ADAPT_MASS])],
                      **({"path_length": float(settings[ck.PATH_LENGTH])} if sampler == "hmc" else {})),
        step_size=np.array([s.adapt_state[adapt.STEP_SIZE] for s in states]), inv_mass=inv_mass)


def _import_in_background(module):
    threading.Thread(target=_prepare_output, args=(module,), daemon=True).start()


def _prepare_output(module):
    """Import `module` and build a one-element xarray Dataset: xarray imports its optional array
    backends (dask, when installed: about a second) on its first Dataset, which is then paid here,
    while the chains run, not after them."""
    importlib.import_module(module)
    import xarray as xr
    xr.Dataset({"x": ("i", np.zeros(1))}, coords={"i": np.arange(1)})


def _to_arviz(raw, ld, save_warmup, stacklevel=5):
    from . import diagnostics
    from .to_arviz import to_arviz
    idata = to_arviz(raw, ld, warmup=save_warmup)
    diagnostics.warn(idata, unconstrained=(raw.draws, ld.param_names),
                     stacklevel=stacklevel)  # an interrupted run is reported there too
    return idata
