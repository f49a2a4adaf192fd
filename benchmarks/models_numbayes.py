"""The shared benchmark models (../shared/bench/models_numpyro.py) written in the numbayes DSL."""
import numpy as np

import autodiff.numpy as anp
import ppl
import ppl.bijectors as bij
import ppl.distributions as dist
from autodiff.scipy.special import logsumexp


def eight_schools(y, sigma):
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    tau = ppl.sample("tau", dist.HalfCauchy(5.0))
    theta_tilde = ppl.sample("theta_tilde", dist.Normal(0.0, 1.0).expand((y.shape[0],)))
    ppl.sample("obs", dist.Normal(mu + tau * theta_tilde, sigma), obs=y)


def logistic(X, y):
    alpha = ppl.sample("alpha", dist.Normal(0.0, 2.5))
    beta = ppl.sample("beta", dist.Normal(0.0, 2.5).expand((X.shape[1],)))
    ppl.sample("obs", dist.Bernoulli(logits=alpha + X @ beta), obs=y)


def hier_linreg(y, x, g, J):
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    tau = ppl.sample("tau", dist.HalfNormal(2.5))
    z = ppl.sample("z", dist.Normal(0.0, 1.0).expand((J,)))
    beta = ppl.sample("beta", dist.Normal(0.0, 1.0))
    sigma = ppl.sample("sigma", dist.HalfNormal(1.0))
    ppl.sample("obs", dist.Normal(mu + tau * z[g] + beta * x, sigma), obs=y)


def _ordered_normal(name, K, scale):
    m = ppl.sample(name, dist.ImproperUniform(dist.constraints.real_vector, (), (K,)), transform=bij.Ordered())
    ppl.factor(name + "_prior", anp.sum(dist.Normal(0.0, scale).log_prob(m)))
    return m


def gmm(y, K):
    w = ppl.sample("w", dist.Dirichlet(np.ones(K)))
    mu = _ordered_normal("mu", K, 5.0)
    sigma = ppl.sample("sigma", dist.LogNormal(0.0, 1.0).expand((K,)))
    lp = anp.log(w) + dist.Normal(mu, sigma).log_prob(y[:, None])
    ppl.factor("lik", anp.sum(logsumexp(lp, axis=-1)))


def hmm(y, K):
    T, D = y.shape
    init = ppl.sample("init", dist.Dirichlet(np.ones(K)))
    trans = ppl.sample("trans", dist.Dirichlet(np.ones((K, K))))
    mu1 = _ordered_normal("mu1", K, 5.0)
    mu_rest = ppl.sample("mu_rest", dist.Normal(0.0, 5.0).expand((K, D - 1)))
    mu = anp.concatenate([mu1[:, None], mu_rest], axis=1)
    L_corr = ppl.sample("L_corr", dist.LKJCholesky(D, 2.0).expand((K,)))
    scales = ppl.sample("scales", dist.HalfNormal(2.5).expand((K, D)))
    L = scales[:, :, None] * L_corr
    logp_e = dist.MultivariateNormal(mu, scale_tril=L).log_prob(y[:, None, :])  # (T, K)
    # the forward algorithm (as Stan's hmm_marginal; NumPyro's version writes the same recursion as a scan)
    ppl.factor("lik", dist.forward_log_marginal(anp.log(init), anp.log(trans), logp_e))


def corr_gauss_100(P):
    x = ppl.sample("x", dist.ImproperUniform(dist.constraints.real_vector, (), (P.shape[0],)))
    ppl.factor("lp", -0.5 * x @ (P @ x))


def iid_gauss_1000(D):
    ppl.sample("x", dist.Normal(0.0, 1.0).expand((D,)))


def get(name, data):
    """(model, args) for a benchmark model and its data dict (from ../shared/bench/data.py)."""
    d = data.load(name)
    args = {
        "eight_schools": lambda: (d["y"], d["sigma"]),
        "logistic": lambda: (np.ascontiguousarray(d["X"]), d["y"]),
        "hier_linreg": lambda: (d["y"], d["x"], d["g"], int(d["J"])),
        "gmm": lambda: (d["y"], int(d["K"])),
        "hmm": lambda: (d["y"], int(d["K"])),
        "corr_gauss_100": lambda: (np.ascontiguousarray(d["P"]),),
        "iid_gauss_1000": lambda: (int(d["D"]),),
    }[name]()
    return globals()[name], args
