"""Data-driven starting points for mixtures and HMMs: k-means++ seeds, then one nearest-seed assignment."""
import numpy as np

__all__ = ["kmeans_plus_plus_start"]


def kmeans_plus_plus_start(X, n, rng, reg=1e-3):
    """(weights (n,), means (n, d), covs (n, d, d)) from k-means++ seeding (Arthur & Vassilvitskii 2007)
    and the points nearest each seed. ``reg`` times the data variance is added to every diagonal, so a
    seed with few points still gets a positive definite covariance."""
    N, d = X.shape
    means = np.empty((n, d))
    means[0] = X[rng.integers(N)]
    dist2 = np.sum((X - means[0]) ** 2, axis=1)
    for k in range(1, n):
        p = dist2 / dist2.sum() if dist2.sum() > 0 else np.full(N, 1.0 / N)
        means[k] = X[rng.choice(N, p=p)]
        dist2 = np.minimum(dist2, np.sum((X - means[k]) ** 2, axis=1))
    labels = np.argmin(((X[:, None, :] - means[None]) ** 2).sum(-1), axis=1)
    var = X.var(axis=0) + 1e-12
    weights = np.empty(n)
    covs = np.empty((n, d, d))
    for k in range(n):
        members = X[labels == k]
        weights[k] = max(len(members), 1)
        if len(members) > d:
            means[k] = members.mean(axis=0)
            covs[k] = np.cov(members, rowvar=False, bias=True).reshape(d, d)
        else:
            covs[k] = np.diag(var)
        covs[k] += reg * np.diag(var)
    return weights / weights.sum(), means, covs
