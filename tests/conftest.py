import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bioreport_engine.plugins.manager import PluginManager
from bioreport_engine.testing.cli import ENV_PREFIXES, cli_env, run_cli, start_cli

__all__ = ["cli_env", "run_cli", "start_cli"]  # the tests import them from here


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Each test starts from the defaults: no engine variables, and no ``.env`` in the cwd."""
    for name in list(os.environ):
        if name.startswith(ENV_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture
def manager() -> PluginManager:
    """A fresh plugin manager with only the built-in stages: register fakes into it."""
    return PluginManager()
