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


def grouped(sigma, y=None):
    mu = ppl.sample("mu", dist.Normal(0.0, 5.0))
    z = ppl.sample("z", dist.Normal(0.0, 1.0).expand((len(sigma),)), dims=("school",))
    ppl.sample("y", dist.Normal(mu + z, sigma), obs=y, dims=("school",))


def test_dims_take_coords_from_the_index_of_observed_data():
    schools = ["Choate", "Deerfield", "Phillips Andover"]
    y = pd.Series([28.0, 8.0, -3.0], index=schools)
    ld = ppl.log_density(grouped, np.array([15.0, 10.0, 16.0]), y=y)
    assert list(ld.coords["school"]) == schools
    explicit = ppl.log_density(grouped, np.array([15.0, 10.0, 16.0]), y=y, coords={"school": ["a", "b", "c"]})
    assert list(explicit.coords["school"]) == ["a", "b", "c"]  # coords= given explicitly win


def test_dims_take_coords_from_a_named_index_of_any_argument():
    sigma = pd.Series([15.0, 10.0, 16.0], index=pd.Index(["A", "B", "C"], name="school"))
    ld = ppl.log_density(grouped, sigma, y=np.array([28.0, 8.0, -3.0]))
    assert list(ld.coords["school"]) == ["A", "B", "C"]


def matrix_obs(y):
    mu = ppl.sample("mu", dist.Normal(0.0, 1.0))
    ppl.sample("y", dist.Normal(mu, 1.0).expand(y.shape), obs=y, dims=("day", "station"))


def test_dataframe_gives_index_and_columns():
    frame = pd.DataFrame(np.zeros((4, 2)), index=pd.date_range("2024-01-01", periods=4), columns=["north", "south"])
    ld = ppl.log_density(matrix_obs, frame)
    assert list(ld.coords["station"]) == ["north", "south"] and len(ld.coords["day"]) == 4
