"""NumbayesCacheLocator.ensure_cache_path: Numba's writability check runs once per folder and process
(not once per function), and a folder that fails it is checked again and still fails."""
import pytest
from numba.core import caching

import autodiff.cache as cache


def _locator(folder):
    locator = cache.NumbayesCacheLocator.__new__(cache.NumbayesCacheLocator)
    locator._cache_path = str(folder)
    return locator


def test_the_check_runs_once_per_folder(tmp_path, monkeypatch):
    calls = []
    original = caching._CacheLocator.ensure_cache_path
    monkeypatch.setattr(caching._CacheLocator, "ensure_cache_path", lambda self: calls.append(1) or original(self))
    for _ in range(3):
        _locator(tmp_path / "a").ensure_cache_path()
    _locator(tmp_path / "b").ensure_cache_path()
    assert len(calls) == 2 and (tmp_path / "a").is_dir() and (tmp_path / "b").is_dir()


def test_a_folder_that_cannot_be_made_fails_every_time(tmp_path):
    (tmp_path / "a file").write_text("")
    for _ in range(2):
        with pytest.raises(OSError):
            _locator(tmp_path / "a file" / "sub").ensure_cache_path()
