"""Validate NUTS against the posteriordb reference posteriors (Stan draws nobody here produced).

For every posterior in ../shared/posteriordb (translated in tests/ppl/posteriordb_models.py):
4 chains x (1000 warmup + 1000 draws) with the reference run's adapt_delta and max_treedepth,
then, for each reference quantity, the rule
    |mean - ref mean| <= 4 * sqrt(mcse_mean^2 + ref_mcse_mean^2)
    |sd - ref sd|     <= max(0.10 * ref sd, 4 * mcse_sd)
A posterior passes when every quantity passes. Prints a table and writes
benchmarks/results/validate_posteriordb.json; the table goes in benchmarks/README.md.

    python benchmarks/validate_posteriordb.py [NAME_SUBSTRING ...] [--seed S]
"""
import argparse
import json
import os
import re
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "ppl"))

import arviz as az  # noqa: E402

import ppl  # noqa: E402
import samplers  # noqa: E402
from posteriordb_models import POSTERIORS, ROOT, load_raw  # noqa: E402

CHAINS, TUNE, DRAWS = 4, 1000, 1000
MAX_TREE_DEPTH = 12  # Stan's references go to 15-20; 2**12 steps per draw bounds the run time
# posteriors whose correlations a diagonal metric cannot absorb (what a Stan user would also set)
MASS = {"diamonds-diamonds": "dense", "kilpisjarvi_mod-kilpisjarvi": "dense"}


def reference_settings(name):
    with open(os.path.join(ROOT, name, "info.json")) as f:
        info = json.load(f)
    control = info["reference_method"]["method_arguments"].get("control", {})
    return control.get("adapt_delta", 0.8), min(control.get("max_treedepth", 10), MAX_TREE_DEPTH)


def reference_summary(name):
    with open(os.path.join(ROOT, name, "summary.json")) as f:
        return json.load(f)


def quantity(posterior, stan_name):
    """(chain, draw) array of one Stan-named scalar ("theta[3]") from constrained posterior draws."""
    m = re.fullmatch(r"(\w+)\[([\d,]+)\]", stan_name)
    site, idx = (stan_name, ()) if m is None else (m.group(1), tuple(int(i) - 1 for i in m.group(2).split(",")))
    values = np.asarray(posterior[site])
    return np.asarray(values[(slice(None), slice(None)) + idx], dtype=np.float64)


def mcse_mean_and_sd(x):
    """Monte Carlo standard errors of the mean and of the sd of (chain, draw) draws: ESS of x and of
    its squared deviations (arviz's ess, method "mean"), the sd's by the delta method."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ess_x = float(np.ravel(az.ess(x, method="mean"))[0])
        dev2 = (x - x.mean()) ** 2
        ess_dev2 = float(np.ravel(az.ess(dev2, method="mean"))[0])
    sd = x.std(ddof=1)
    return sd / np.sqrt(ess_x), np.sqrt(dev2.var(ddof=1) / ess_dev2) / (2 * sd)


def validate(row, seed, chains=CHAINS, tune=TUNE, draws=DRAWS, adapt_mass="windowed"):
    raw, names, _, _ = load_raw(row.name)
    ref = reference_summary(row.name)
    adapt_delta, max_treedepth = reference_settings(row.name)
    t0 = time.perf_counter()
    ld = ppl.log_density(row.model, **row.data(raw))
    mass = MASS.get(row.name, "diag")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the table reports divergences; the funnel's warnings are expected
        idata = samplers.nuts(ld, draws=draws, tune=tune, chains=chains, seed=seed, target_accept=adapt_delta,
                              max_tree_depth=max_treedepth, mass=mass, progressbar=False,
                              adapt_mass=adapt_mass if mass == "diag" else "windowed")
    wall = time.perf_counter() - t0
    post = idata.posterior
    rows, worst = [], 0.0
    for stan_name in names:
        x = quantity(post, stan_name)
        mcse_mean, mcse_sd = mcse_mean_and_sd(x)
        r = ref[stan_name]
        mean, sd = float(x.mean()), float(x.std(ddof=1))
        z_mean = abs(mean - r["mean"]) / np.hypot(mcse_mean, r["mcse_mean"])
        sd_tol = max(0.10 * r["sd"], 4 * mcse_sd)
        ok = z_mean <= 4 and abs(sd - r["sd"]) <= sd_tol
        worst = max(worst, z_mean)
        rows.append(dict(name=stan_name, mean=mean, ref_mean=r["mean"], z_mean=z_mean, sd=sd, ref_sd=r["sd"],
                         sd_rel=sd / r["sd"] - 1, ok=bool(ok)))
    stats = idata.sample_stats
    return dict(posterior=row.name, passed=all(q["ok"] for q in rows), worst_z_mean=worst,
                worst_sd_rel=max(abs(q["sd_rel"]) for q in rows),
                failures=[q["name"] for q in rows if not q["ok"]],
                divergences=int(np.asarray(stats["diverging"]).sum()),
                mean_tree_depth=float(np.asarray(stats["tree_depth"]).mean()),
                grad_evals=int(np.asarray(stats["n_steps"]).sum()), wall_s=wall, adapt_delta=adapt_delta, mass=mass,
                quantities=rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("only", nargs="*")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--adapt-mass", default="windowed", help='"gradient": nutpie\'s diagonal metric adaptation '
                    '(posteriors run with a dense metric keep the windowed one); results go to '
                    'results/validate_posteriordb_gradient.json')
    a = ap.parse_args()
    results = []
    print(f"{'posterior':42s} {'pass':5s} {'max|z| mean':>11s} {'max sd err':>10s} {'div':>5s} {'depth':>5s} "
          f"{'wall s':>7s}  failures")
    for row in POSTERIORS:
        if row.skip or (a.only and not any(s in row.name for s in a.only)):
            continue
        r = validate(row, a.seed, adapt_mass=a.adapt_mass)
        results.append(r)
        print(f"{r['posterior']:42s} {'yes' if r['passed'] else 'NO':5s} {r['worst_z_mean']:11.2f} "
              f"{100 * r['worst_sd_rel']:9.1f}% {r['divergences']:5d} {r['mean_tree_depth']:5.2f} {r['wall_s']:7.1f}"
              f"  {', '.join(r['failures'][:4])}", flush=True)
    n_pass = sum(r["passed"] for r in results)
    print(f"\n{n_pass} of {len(results)} posteriors pass (seed {a.seed})")
    if not a.only:
        os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
        suffix = "" if a.adapt_mass == "windowed" else f"_{a.adapt_mass}"
        with open(os.path.join(HERE, "results", f"validate_posteriordb{suffix}.json"), "w") as f:
            json.dump(dict(seed=a.seed, adapt_mass=a.adapt_mass, chains=CHAINS, tune=TUNE, draws=DRAWS, results=results), f, indent=1)


if __name__ == "__main__":
    main()
