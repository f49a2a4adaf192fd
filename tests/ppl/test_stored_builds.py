"""Stored builds (ppl/stored_builds.py): the log density of a numbayes model function, loaded in place of
building it, gives the same values and gradients as a fresh build (which is checked against finite
differences elsewhere); user models are never stored; the key follows the data and the sources; a
corrupt stored file is built again."""
import os

import numpy as np
import pytest

import ppl
from ppl import stored_builds
from models.gmm import gaussian_mixture

X = np.random.default_rng(0).normal(size=(40, 2))


def _fresh(*args, monkeypatch):
    """A log density built by tracing (never loaded), which stores its build."""
    with monkeypatch.context() as m:
        m.setattr(stored_builds, "load", lambda build_key, dim: None)
        ld = ppl.log_density(gaussian_mixture, *args)
        assert not isinstance(ld._build(True), stored_builds.StoredBuild)
    return ld


def test_a_stored_build_gives_the_fresh_builds_values_and_gradients(monkeypatch):
    first = _fresh(X, 2, "full", None, monkeypatch=monkeypatch)
    again = ppl.log_density(gaussian_mixture, X, 2, "full", None)
    stored = again._build(True)
    assert isinstance(stored, stored_builds.StoredBuild)
    for x in np.random.default_rng(1).normal(size=(3, first.dim)):
        lp, g = first.logp_and_grad(x)
        lp2, g2 = again.logp_and_grad(x)
        assert lp2 == lp
        np.testing.assert_array_equal(g2, g)
    assert "def " in again.source  # the traced program is rebuilt on request


def test_the_key_follows_the_data_and_the_sources_and_user_models_have_none(monkeypatch):
    k = stored_builds.key(gaussian_mixture, (X, 2, "full", None), {}, True)
    assert k == stored_builds.key(gaussian_mixture, (X.copy(), 2, "full", None), {}, True)
    assert k != stored_builds.key(gaussian_mixture, (X + 1e-12, 2, "full", None), {}, True)
    assert k != stored_builds.key(gaussian_mixture, (X, 2, "full", None), {}, False)
    monkeypatch.setattr(stored_builds, "_stamp", ["another version of the sources"])
    assert k != stored_builds.key(gaussian_mixture, (X, 2, "full", None), {}, True)

    def user_model(y):
        ppl.sample("mu", ppl.distributions.Normal(0.0, 1.0))
    assert stored_builds.key(user_model, (X,), {}, True) is None


def test_a_corrupt_stored_build_is_built_again(monkeypatch):
    args = (X[:31], 2, "full", None)
    _fresh(*args, monkeypatch=monkeypatch)
    k = stored_builds.key(gaussian_mixture, args, {}, True)
    path = stored_builds._path(k)
    with open(path, "wb") as fh:
        fh.write(b"not an npz file")
    assert stored_builds.load(k, 11) is None
    ld = ppl.log_density(gaussian_mixture, *args)
    assert np.isfinite(ld.logp_and_grad(np.zeros(ld.dim))[0])


def test_the_folder_keeps_only_the_most_recent_builds(monkeypatch, tmp_path):
    for i in range(5):
        (tmp_path / f"{i}.npz").write_bytes(b"x")
        os.utime(tmp_path / f"{i}.npz", ns=(i * 10 ** 9, i * 10 ** 9))
    monkeypatch.setattr(stored_builds, "MAX_STORED", 3)
    stored_builds._prune(str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2.npz", "3.npz", "4.npz"]
