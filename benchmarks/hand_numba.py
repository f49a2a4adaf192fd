"""Hand-written Numba gradients the shared references lack: hier_linreg's full log density, and
likelihood-only floors for gmm and hmm (the forward algorithm).

hier_linreg uses numbayes' unconstrained parameterisation:
theta = [mu, log(tau), z[0..J-1], beta, log(sigma)] (sites in model order)."""
import math

import numba
import numpy as np

LOG2PI = math.log(2.0 * math.pi)
HALFNORMAL_C = math.log(2.0) - 0.5 * LOG2PI


@numba.njit(cache=True)
def hier_linreg_lpg(theta, y, x, g, J, grad):
    mu, u_tau = theta[0], theta[1]
    tau = math.exp(u_tau)
    beta, u_sigma = theta[2 + J], theta[3 + J]
    sigma = math.exp(u_sigma)
    lp = -0.5 * (mu / 5.0) ** 2 - math.log(5.0) - 0.5 * LOG2PI
    gmu = -mu / 25.0
    lp += HALFNORMAL_C - math.log(2.5) - 0.5 * (tau / 2.5) ** 2 + u_tau
    gtau = -tau / 6.25
    for j in range(J):
        lp += -0.5 * theta[2 + j] ** 2 - 0.5 * LOG2PI
        grad[2 + j] = -theta[2 + j]
    lp += -0.5 * beta ** 2 - 0.5 * LOG2PI
    gbeta = -beta
    lp += HALFNORMAL_C - 0.5 * sigma ** 2 + u_sigma
    gsigma = -sigma
    n = y.shape[0]
    inv_s = 1.0 / sigma
    ssr = 0.0
    for i in range(n):
        zi = theta[2 + g[i]]
        r = (y[i] - mu - tau * zi - beta * x[i]) * inv_s
        ssr += r * r
        rs = r * inv_s
        gmu += rs
        gtau += rs * zi
        grad[2 + g[i]] += rs * tau
        gbeta += rs * x[i]
    lp += -0.5 * ssr - n * (math.log(sigma) + 0.5 * LOG2PI)
    gsigma += ssr * inv_s - n * inv_s
    grad[0] = gmu
    grad[1] = gtau * tau + 1.0
    grad[2 + J] = gbeta
    grad[3 + J] = gsigma * sigma + 1.0
    return lp


@numba.njit(cache=True)
def loop_hier(theta, y, x, g, J, grad, n):
    acc = 0.0
    for _ in range(n):
        acc += hier_linreg_lpg(theta, y, x, g, J, grad)
        theta[0] += 1e-12 * grad[0]
    return acc


def make_hier_linreg(d):
    y, x, g, J = d["y"], d["x"], d["g"].astype(np.int64), int(d["J"])
    grad = np.zeros(J + 4)
    return ((lambda th: (hier_linreg_lpg(th, y, x, g, J, grad), grad)),
            (lambda th, n: loop_hier(th.copy(), y, x, g, J, grad, n)), J + 4)


# -- floors for the two models the shared references lack: the likelihood alone -----------------------
# These take the model's natural parameters (log weights, means, scales / Cholesky factors) rather
# than the flat unconstrained vector: the priors and bijectors add O(K^2 D^2) work against the
# O(N K) and O(T K^2) likelihoods, so these are floors for the full log density + gradient.

@numba.njit(cache=True)
def gmm_lik_grad(log_w, mu, sigma, y, g_logw, g_mu, g_sigma):
    """sum_n log sum_k w_k N(y_n; mu_k, sigma_k) and its gradient (one pass, one exp per point and component)."""
    K = log_w.shape[0]
    c = np.empty(K)
    inv_s = np.empty(K)
    lp = np.empty(K)
    for k in range(K):
        inv_s[k] = 1.0 / sigma[k]
        c[k] = log_w[k] - math.log(sigma[k]) - 0.5 * LOG2PI
        g_logw[k] = 0.0
        g_mu[k] = 0.0
        g_sigma[k] = 0.0
    total = 0.0
    for n in range(y.shape[0]):
        m = -np.inf
        for k in range(K):
            z = (y[n] - mu[k]) * inv_s[k]
            lp[k] = c[k] - 0.5 * z * z
            m = max(m, lp[k])
        s = 0.0
        for k in range(K):
            lp[k] = math.exp(lp[k] - m)
            s += lp[k]
        total += m + math.log(s)
        inv_sum = 1.0 / s
        for k in range(K):
            r = lp[k] * inv_sum
            z = (y[n] - mu[k]) * inv_s[k]
            g_logw[k] += r
            g_mu[k] += r * z * inv_s[k]
            g_sigma[k] += r * (z * z - 1.0) * inv_s[k]
    return total


@numba.njit(cache=True)
def loop_gmm(log_w, mu, sigma, y, g_logw, g_mu, g_sigma, n):
    acc = 0.0
    for _ in range(n):
        acc += gmm_lik_grad(log_w, mu, sigma, y, g_logw, g_mu, g_sigma)
        mu[0] += 1e-12 * g_mu[0]
    return acc


def make_gmm(d, seed=0):
    """(call, loop, (args for the numpy check)) of the GMM likelihood floor at a random point."""
    rng = np.random.default_rng(seed)
    K = int(d["K"])
    w = rng.dirichlet(np.ones(K))
    args = (np.log(w), np.sort(rng.normal(0, 2, K)), np.exp(rng.normal(0, 0.5, K)), np.asarray(d["y"], float))
    grads = tuple(np.zeros(K) for _ in range(3))
    return ((lambda: (gmm_lik_grad(*args, *grads), grads)),
            (lambda n: loop_gmm(*[a.copy() for a in args], *grads, n)), args)


@numba.njit(cache=True)
def hmm_lik_grad(log_init, log_trans, mu, L, y, g_init, g_trans, g_mu, g_L):
    """log p(y_1..T) of a Gaussian HMM (forward algorithm, scaled probabilities) and its gradient
    with respect to log_init (K,), log_trans (K, K), mu (K, D) and the lower Cholesky factors L (K, D, D)
    of the emission covariances, by the backward recursion and the posterior marginals."""
    T, D = y.shape
    K = log_init.shape[0]
    le = np.empty((T, K))
    z = np.empty((T, K, D))
    for k in range(K):
        logdet = 0.0
        for i in range(D):
            logdet += math.log(L[k, i, i])
        for t in range(T):
            q = 0.0
            for i in range(D):
                r = y[t, i] - mu[k, i]
                for j in range(i):
                    r -= L[k, i, j] * z[t, k, j]
                r /= L[k, i, i]
                z[t, k, i] = r
                q += r * r
            le[t, k] = -0.5 * q - logdet - 0.5 * D * LOG2PI
    A = np.exp(log_trans)
    pi = np.exp(log_init)
    b = np.empty((T, K))
    ahat = np.empty((T, K))
    c = np.empty(T)
    ll = 0.0
    for t in range(T):
        m = -np.inf
        for k in range(K):
            m = max(m, le[t, k])
        s = 0.0
        for k in range(K):
            b[t, k] = math.exp(le[t, k] - m)
            if t == 0:
                a = pi[k]
            else:
                a = 0.0
                for i in range(K):
                    a += ahat[t - 1, i] * A[i, k]
            ahat[t, k] = a * b[t, k]
            s += ahat[t, k]
        c[t] = s
        for k in range(K):
            ahat[t, k] /= s
        ll += m + math.log(s)
    # backward: beta_hat, posterior marginals (= d ll / d le) and the expected transition counts
    beta = np.ones(K)
    new_beta = np.empty(K)
    g_trans[:, :] = 0.0
    g_mu[:, :] = 0.0
    g_L[:, :, :] = 0.0
    u = np.empty(D)
    for t in range(T - 1, -1, -1):
        for k in range(K):
            gamma = ahat[t, k] * beta[k]  # d ll / d le[t, k]
            # d le / d mu = L^-T z;  d le / d L = (L^-T z) z^T (lower part) - diag(1 / L_ii)
            for i in range(D - 1, -1, -1):
                r = z[t, k, i]
                for j in range(i + 1, D):
                    r -= L[k, j, i] * u[j]
                u[i] = r / L[k, i, i]
            for i in range(D):
                g_mu[k, i] += gamma * u[i]
                for j in range(i + 1):
                    g_L[k, i, j] += gamma * u[i] * z[t, k, j]
                g_L[k, i, i] -= gamma / L[k, i, i]
            if t == 0:
                g_init[k] = gamma
        if t > 0:
            for i in range(K):
                acc = 0.0
                for j in range(K):
                    w = A[i, j] * b[t, j] * beta[j] / c[t]
                    g_trans[i, j] += ahat[t - 1, i] * w
                    acc += w
                new_beta[i] = acc
            beta[:] = new_beta
    return ll


@numba.njit(cache=True)
def loop_hmm(log_init, log_trans, mu, L, y, g_init, g_trans, g_mu, g_L, n):
    acc = 0.0
    for _ in range(n):
        acc += hmm_lik_grad(log_init, log_trans, mu, L, y, g_init, g_trans, g_mu, g_L)
        mu[0, 0] += 1e-12 * g_mu[0, 0]
    return acc


def make_hmm(d, seed=0):
    """(call, loop, args) of the HMM likelihood floor at a random point (log_init, log_trans, mu, L, y)."""
    rng = np.random.default_rng(seed)
    y = np.ascontiguousarray(d["y"], dtype=float)
    K, D = int(d["K"]), y.shape[1]
    L = np.tril(rng.normal(0, 0.3, (K, D, D)), -1) + np.eye(D) * np.exp(rng.normal(0, 0.3, (K, D)))[:, :, None]
    args = (np.log(rng.dirichlet(np.ones(K))), np.log(rng.dirichlet(np.ones(K), K)),
            rng.normal(0, 2, (K, D)), L, y)
    grads = (np.zeros(K), np.zeros((K, K)), np.zeros((K, D)), np.zeros((K, D, D)))
    return ((lambda: (hmm_lik_grad(*args, *grads), grads)),
            (lambda n: loop_hmm(*[a.copy() for a in args], *grads, n)), args)
