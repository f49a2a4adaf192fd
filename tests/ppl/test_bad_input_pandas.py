"""pandas data (Series, DataFrame columns) is accepted wherever numpy arrays are: converted at the
model boundary. Before, it failed with NumpyOnTracerError or "No axis named (0,)" (issue 9, item 3)."""
import numpy as np
import pandas as pd

import ppl
import ppl.distributions as dist


def regression(x, y=None):
    a = ppl.sample("a", dist.Normal(0.0, 1.0))
    b = ppl.sample("b", dist.Normal(0.0, 1.0))
    s = ppl.sample("s", dist.HalfNormal(1.0))
    ppl.sample("y", dist.Normal(a + b * x, s), obs=y)


def test_series_and_frame_columns_as_data():
    frame = pd.DataFrame({"x": np.linspace(0.0, 1.0, 20), "y": np.linspace(1.0, 3.0, 20)},
                         index=[f"row{i}" for i in range(20)])
    ld_pandas = ppl.log_density(regression, frame["x"], y=frame["y"])
    ld_numpy = ppl.log_density(regression, frame["x"].to_numpy(), y=frame["y"].to_numpy())
    x = np.array([0.3, -0.2, 0.1])
    assert ld_pandas.logp_and_grad(x)[0] == ld_numpy.logp_and_grad(x)[0]
    assert ld_pandas.logp(x, jacobian=False) == ld_numpy.logp(x, jacobian=False)
    prior = ppl.prior_predictive(regression, frame["x"], draws=5, seed=0)
    assert prior["y"].shape == (5, 20)
