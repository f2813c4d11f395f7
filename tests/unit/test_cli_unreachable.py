"""Every database command against a server that is not there: one line, quickly, exit 1 or 2.

No PostgreSQL is needed: a closed port and a host name that cannot exist.
"""

import subprocess
import time
from pathlib import Path

import pytest

from bioreport_engine.localdb import free_port
from tests.conftest import run_cli

#: Generous: the point is "not the pool's 30 s wait", not a precise speed.
FAST_SECONDS = 15


#: Every command that needs the database; REPORT stands for a readable PDF.
DATABASE_COMMANDS = [
    ("db", "migrate"),
    ("db", "status"),
    ("jobs",),
    ("jobs", "--json"),
    ("jobs", "retry", "1"),
    ("enqueue", "REPORT"),
    ("demo", "REPORT"),
]


def with_report(args: tuple[str, ...], folder: Path) -> list[str]:
    report = folder / "report.pdf"
    report.write_bytes(b"%PDF-1.7 test")
    return [str(report) if arg == "REPORT" else arg for arg in args]


def run_timed(*args: str, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = run_cli(*args, env=env)
    return done, time.monotonic() - started


def assert_one_line(done: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("bioreport: ")
    for part in parts:
        assert part in lines[0]


@pytest.mark.parametrize("args", DATABASE_COMMANDS, ids=" ".join)
def test_a_closed_port_is_one_line_and_exit_1(args: tuple[str, ...], tmp_path: Path) -> None:
    port = free_port()
    env = {
        "DB_HOST": "127.0.0.1",
        "DB_PORT": str(port),
        "DB_DATABASE": "x",
        "DB_PASSWORD": "hunter2",
        "DOCUMENTS_ROOT": str(tmp_path / "documents"),
        "LLM_ENGINE": "none",
    }
    done, elapsed = run_timed(*with_report(args, tmp_path), env=env)
    assert done.returncode == 1, done.stderr
    assert_one_line(
        done,
        f'cannot connect to PostgreSQL at 127.0.0.1:{port} (database "x"): connection refused',
        "is the server running?",
    )
    assert "hunter2" not in done.stdout + done.stderr
    assert elapsed < FAST_SECONDS
    assert not list((tmp_path / "documents").rglob("*.pdf"))  # enqueue copied nothing


@pytest.mark.parametrize("args", [("jobs",), ("db", "migrate")], ids=" ".join)
def test_an_unknown_host_is_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    env = {"DB_HOST": "no-such-host.invalid", "DB_DATABASE": "x", "DB_USERNAME": "app"}
    done, elapsed = run_timed(*args, env=env)
    assert done.returncode == 2, done.stderr
    assert_one_line(
        done,
        'cannot connect to PostgreSQL at no-such-host.invalid:5432 (database "x"): unknown host',
        "check DB_HOST",
    )
    assert elapsed < FAST_SECONDS
