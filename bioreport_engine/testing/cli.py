"""The ``bioreport`` command as a user runs it: in a child process, from a clean environment."""

import os
import subprocess
import sys
from pathlib import Path

#: The engine's settings start with these: a child gets none of the test process's own.
ENV_PREFIXES = ("APP_", "LOG_", "DB_", "MAX_JOB", "JOB_", "PDF_", "PII_", "LLM_", "BIOREPORT_")


def cli_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without engine settings, plus ``env``."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIXES)}
    child_env.update(env or {})
    return child_env


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bioreport_engine ARGS`` to its end (two minutes at most)."""
    return subprocess.run(
        [sys.executable, "-m", "bioreport_engine", *args],
        capture_output=True,
        text=True,
        env=cli_env(env),
        cwd=cwd,
        timeout=120,
    )


def start_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start ``python -m bioreport_engine ARGS`` in the background; stderr merged into stdout."""
    return subprocess.Popen(
        [sys.executable, "-m", "bioreport_engine", *args],
        env=cli_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
