"""Post-hoc relabelling of posterior draws of mixtures and HMMs (label switching).

The likelihood of a mixture or an HMM is invariant to permuting its components, so NUTS chains
may visit different labellings. After sampling, each draw's components are sorted by the first
coordinate of their means, and every per-component site is permuted the same way (the sites and
their component axes are listed by the model). This is the identifiability constraint "ordered
means on one coordinate" applied after sampling, so the sampler itself sees no constraint.
"""
import numpy as np

__all__ = ["relabel_posterior", "component_order"]


def component_order(means):
    """Per draw, the permutation sorting components by the first coordinate of ``means`` (..., K, D)."""
    return np.argsort(np.asarray(means)[..., 0], axis=-1, kind="stable")


def _permute(values, order, axis):
    """values (chain, draw, ...) with the component axis `axis` (counted after chain, draw) permuted."""
    ax = 2 + axis
    idx = order.reshape(order.shape[:2] + (1,) * (ax - 2) + order.shape[2:] + (1,) * (values.ndim - ax - 1))
    return np.take_along_axis(values, idx, axis=ax)


def relabel_posterior(idata, component_axes):
    """Sort the components of every draw in ``idata.posterior`` in place; returns ``idata``.

    ``component_axes`` maps site name -> the axes (after chain, draw) that index components.
    """
    posterior = idata["posterior"] if not hasattr(idata, "posterior") else idata.posterior
    if "means" not in posterior:
        return idata
    order = component_order(posterior["means"].values)
    for name, axes in component_axes.items():
        if name not in posterior:
            continue
        values = posterior[name].values
        if values.ndim < 3 or any(values.shape[2 + a] != order.shape[-1] for a in axes):
            continue  # e.g. tied scales: no component axis
        new = values
        for axis in axes:
            new = _permute(new, order, axis)
        values[...] = new
    return idata
