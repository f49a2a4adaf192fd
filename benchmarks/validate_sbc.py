"""Simulation-based calibration of NUTS (Talts et al. 2018) on two small models.

500 simulations each; ranks of the true value among 99 thinned posterior draws (1 chain,
500 warmup + 990 draws, thin 10), 20 bins; chi-square test of uniformity per parameter component.
With ~10 components over both models, a p-value below 0.01 / 10 flags a miscalibration.
Writes benchmarks/results/validate_sbc.json and benchmarks/results/validate_sbc.png.

    python benchmarks/validate_sbc.py [--sims N]
"""
import argparse
import json
import os
import time
import warnings

import numpy as np

import ppl
import ppl.distributions as dist
from samplers import sbc

HERE = os.path.dirname(os.path.abspath(__file__))


def normal_mean_scale(n, y=None):
    mu = ppl.sample("mu", dist.Normal(0.0, 1.0))
    sigma = ppl.sample("sigma", dist.HalfNormal(1.0))
    ppl.sample("y", dist.Normal(mu, sigma).expand((n,)), obs=y)


def hierarchical(sigma, y=None):
    """Eight schools, non-centred, with a half-normal prior on tau (so the prior is proper enough to simulate)."""
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    tau = ppl.sample("tau", dist.HalfNormal(5.0))
    z = ppl.sample("z", dist.Normal(0.0, 1.0).expand((len(sigma),)))
    ppl.sample("y", dist.Normal(mu + tau * z, sigma), obs=y)


CASES = {
    "normal_mean_scale": (normal_mean_scale, (10,), {"y": np.zeros(10)}),
    "hierarchical": (hierarchical, (np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0]),),
                     {"y": np.zeros(8)}),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sims", type=int, default=500)
    a = ap.parse_args()
    out, results = {}, {}
    for name, (model, args, kwargs) in CASES.items():
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = sbc(model, *args, prior_draws=a.sims, draws=990, tune=500, thin=10, bins=20, seed=0, **kwargs)
        results[name] = r
        wall = time.perf_counter() - t0
        out[name] = dict(p_values=r.p_values, min_p_value=r.min_p_value, sims=a.sims, wall_s=wall,
                         histograms={k: v.tolist() for k, v in r.histograms().items()})
        n = len(r.p_values)
        print(f"{name:20s} {n:3d} components  min p = {r.min_p_value:.3f}  "
              f"({'uniform' if r.min_p_value > 0.01 / 10 else 'NOT uniform'})  {wall:.0f} s", flush=True)
        for k, p in r.p_values.items():
            print(f"    {k:10s} p = {p:.3f}")
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "validate_sbc.json"), "w") as f:
        json.dump(out, f, indent=1)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(len(results), 5, figsize=(15, 2.6 * len(results)), squeeze=False)
        for row, r in zip(axes, results.values()):
            names = list(r.ranks)[:5]
            r.plot(names=names, axes=row)
            for ax in row[len(names):]:
                ax.axis("off")
        fig.tight_layout()
        fig.savefig(os.path.join(HERE, "results", "validate_sbc.png"), dpi=70)
    except ImportError:
        pass


if __name__ == "__main__":
    main()
