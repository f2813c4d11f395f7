import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bioreport_engine.plugins.manager import PluginManager

ENV_PREFIXES = ("APP_", "LOG_", "DB_", "MAX_JOB", "JOB_", "PDF_", "PII_", "LLM_", "BIOREPORT_")


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


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bioreport_engine`` as a user would, in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "bioreport_engine", *args],
        capture_output=True,
        text=True,
        env=cli_env(env),
        cwd=cwd,
        timeout=120,
    )


def start_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start ``python -m bioreport_engine`` in the background; output merged into stdout."""
    return subprocess.Popen(
        [sys.executable, "-m", "bioreport_engine", *args],
        env=cli_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def cli_env(env: dict[str, str] | None) -> dict[str, str]:
    """This process's environment without engine settings, plus ``env``."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIXES)}
    child_env.update(env or {})
    return child_env
