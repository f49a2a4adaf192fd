"""Hand-written Numba log density + analytic gradient for hier_linreg (the shared references cover
eight_schools, logistic and the Gaussians), in numbayes' unconstrained parameterisation:
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
