"""The embedded PostgreSQL (``bioreport demo``, the chaos tests) fails with one line that says
what to do, never a traceback: a configuration error when the server binaries are missing or the
data folder cannot be used, a database error (exit status 1) when the server does not start."""

import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bioreport_engine.errors import ConfigurationError, DatabaseError
from bioreport_engine.localdb import LocalPostgres, LocalPostgresError, find_server_binaries
from tests.conftest import cli_env

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "lab-0000.pdf"


@pytest.fixture
def folder() -> Iterator[Path]:
    """A folder the ``postgres`` user can reach (pytest's own are private to root)."""
    path = Path(tempfile.mkdtemp(prefix="bioreport-localdb-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def incomplete_binaries(folder: Path) -> Path:
    """``initdb`` and ``pg_ctl`` without the ``postgres`` server program beside them, as a
    client-only installation leaves them."""
    bin_folder = folder / "bin"
    bin_folder.mkdir()
    for tool in ("initdb", "pg_ctl"):
        shutil.copy2(find_server_binaries() / tool, bin_folder / tool)
    return bin_folder


def one_line(message: str) -> str:
    assert message and "\n" not in message, repr(message)
    return message


def test_demo_without_the_server_program_is_one_line_saying_what_to_install(
    folder: Path, incomplete_binaries: Path
) -> None:
    env = cli_env({"PATH": f"{incomplete_binaries}:/usr/bin:/bin", "TMPDIR": str(folder)})
    done = subprocess.run(
        [sys.executable, "-m", "bioreport_engine", "demo", str(SAMPLE)],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("bioreport: ")
    assert '"postgres"' in line and "install PostgreSQL's server package" in line


def test_missing_server_program_is_a_configuration_error(
    folder: Path, incomplete_binaries: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", f"{incomplete_binaries}:/usr/bin:/bin")
    server = LocalPostgres(folder / "cluster")
    assert server.bin == incomplete_binaries
    with pytest.raises(ConfigurationError) as raised:
        server.init()
    message = one_line(str(raised.value))
    assert str(incomplete_binaries) in message and "or set DB_HOST" in message


def test_a_data_folder_with_other_files_in_it_is_a_configuration_error(folder: Path) -> None:
    server = LocalPostgres(folder / "cluster")
    server.data.mkdir(parents=True)
    (server.data / "notes.txt").write_text("not a database")
    with pytest.raises(ConfigurationError) as raised:
        server.init()
    message = one_line(str(raised.value))
    assert str(server.data) in message and "exists but is not empty" in message
    assert "remove" in message and "another folder" in message


def test_a_data_folder_that_cannot_be_created_is_a_configuration_error(folder: Path) -> None:
    (folder / "a-file").write_text("")
    server = LocalPostgres(folder / "a-file" / "cluster")
    with pytest.raises(ConfigurationError) as raised:
        server.init()
    message = one_line(str(raised.value))
    assert str(server.folder) in message and "another folder" in message


def test_a_server_that_does_not_start_is_a_database_error_naming_the_cause(folder: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = LocalPostgres(folder / "cluster", port=taken.getsockname()[1])
        server.init()
        with pytest.raises(LocalPostgresError) as raised:
            server.start()
    assert isinstance(raised.value, DatabaseError) and raised.value.exit_status == 1
    message = one_line(str(raised.value))
    assert f"port {server.port}" in message and "Address already in use" in message
    assert str(server.folder / "server.log") in message
