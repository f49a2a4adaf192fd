"""Models and transforms used from several threads at once: each thread has its own effect-handler
stack and trace stack (parallel chains, servers). Before, 4 threads gave hundreds of errors."""
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import autodiff as ad
import autodiff.numpy as anp
import ppl
import ppl.distributions as dist


def schools(sigma, y=None):
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    tau = ppl.sample("tau", dist.HalfCauchy(5.0))
    z = ppl.sample("z", dist.Normal(0.0, 1.0).expand((len(sigma),)))
    ppl.deterministic("theta", mu + tau * z)
    ppl.sample("y", dist.Normal(mu + tau * z, sigma), obs=y)


def regression(x, y=None):
    w = ppl.sample("w", dist.Normal(0.0, 1.0))
    s = ppl.sample("s", dist.HalfNormal(1.0))
    ppl.sample("y", dist.Normal(w * x, s), obs=y)


def test_handlers_and_traces_are_per_thread():
    sigma = np.array([15.0, 10.0, 16.0, 11.0])
    lds = [ppl.log_density(schools, sigma, y=np.array([28.0, 8.0, -3.0, 7.0])),
           ppl.log_density(regression, np.linspace(0, 1, 5), y=np.linspace(0, 2, 5))]
    points = [np.random.default_rng(i).uniform(-1, 1, (50, ld.dim)) for i, ld in enumerate(lds)]
    expected = [[(ld.logp(x, jacobian=False), ld.constrain(x)) for x in pts] for ld, pts in zip(lds, points)]
    grad_sin = ad.grad(lambda v: anp.sum(anp.sin(v) ** 2))

    def work(k):
        m = k % 2
        out = []
        for x in points[m]:
            out.append((lds[m].logp(x, jacobian=False), lds[m].constrain(x), grad_sin(x)))
        return m, out

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(work, range(8)))
    for m, out in results:
        for (lp, values, g), (lp_ref, values_ref), x in zip(out, expected[m], points[m]):
            assert lp == lp_ref
            assert values.keys() == values_ref.keys()
            for name in values:
                np.testing.assert_array_equal(values[name], values_ref[name])
            np.testing.assert_allclose(g, 2 * np.sin(x) * np.cos(x), rtol=1e-12)
