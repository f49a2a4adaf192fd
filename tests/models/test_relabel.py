"""Post-hoc relabelling of posterior draws: every draw's components sorted by the first mean
coordinate, and every per-component site (HMM transition rows and columns too) permuted alike."""
import arviz as az
import numpy as np

from models.relabel import relabel_posterior


def test_draws_are_sorted_and_sites_permuted_consistently():
    rng = np.random.default_rng(0)
    chains, draws, k = 2, 30, 3
    means = np.array([[-2.0, 5.0], [0.0, 6.0], [3.0, 7.0]])
    initial = np.array([0.2, 0.3, 0.5])
    transition = rng.dirichlet(np.ones(k), size=k)
    perms = np.array([rng.permutation(k) for _ in range(chains * draws)]).reshape(chains, draws, k)
    # draw c, d holds component perms[c, d, j] in slot j
    post = {
        "means": means[perms],
        "initial": initial[perms],
        "transition": transition[perms[..., :, None], perms[..., None, :]],
        "tau": rng.normal(size=(chains, draws)),
    }
    tau = post["tau"].copy()
    idata = az.from_dict(posterior=post)
    relabel_posterior(idata, {"means": (0,), "initial": (0,), "transition": (0, 1)})
    p = idata.posterior
    np.testing.assert_array_equal(p["means"].values, np.broadcast_to(means, (chains, draws, k, 2)))
    np.testing.assert_array_equal(p["initial"].values, np.broadcast_to(initial, (chains, draws, k)))
    np.testing.assert_array_equal(p["transition"].values, np.broadcast_to(transition, (chains, draws, k, k)))
    np.testing.assert_array_equal(p["tau"].values, tau)
