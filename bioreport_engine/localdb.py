"""A private PostgreSQL server in a folder, run from the machine's own server binaries.

For development, demos and the tests that restart or kill the database: never for production,
where ``DB_HOST`` names the real server. ``initdb`` refuses to run as root, so as root the
server runs as the ``postgres`` user.
"""

import glob
import os
import shutil
import socket
import subprocess
from pathlib import Path

from psycopg.conninfo import make_conninfo

from bioreport_engine.errors import ConfigurationError


def find_server_binaries() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``: on PATH, or Debian's versioned folder."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if versions:
        return Path(versions[-1]).parent
    raise ConfigurationError(
        "no PostgreSQL server binaries (initdb, pg_ctl) found: install PostgreSQL "
        "(Debian: apt-get install postgresql) or set DB_HOST to an existing server"
    )


def _runuser() -> str:
    """``runuser`` lives in sbin, which a minimal PATH may lack."""
    for candidate in (shutil.which("runuser"), "/usr/sbin/runuser", "/sbin/runuser"):
        if candidate and Path(candidate).exists():
            return candidate
    raise ConfigurationError(
        "running PostgreSQL as root needs runuser (util-linux) to drop to postgres"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalPostgres:
    """``initdb`` + ``pg_ctl`` in ``folder``, listening on 127.0.0.1:``port`` with trust auth."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder.resolve()
        self.data = self.folder / "data"
        self.port = port or free_port()
        self.bin = find_server_binaries()
        self.as_postgres = os.geteuid() == 0
        self.user = "postgres"

    def conninfo(self, dbname: str = "postgres") -> str:
        return make_conninfo(host="127.0.0.1", port=self.port, user=self.user, dbname=dbname)

    def env(self, dbname: str = "postgres") -> dict[str, str]:
        """The engine's ``DB_*`` settings for this server."""
        return {
            "DB_HOST": "127.0.0.1",
            "DB_PORT": str(self.port),
            "DB_DATABASE": dbname,
            "DB_USERNAME": self.user,
        }

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [tool if tool == "test" else str(self.bin / tool), *args]
        if self.as_postgres:
            command = [_runuser(), "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    def _check(self, done: subprocess.CompletedProcess[str], action: str) -> None:
        if done.returncode != 0:
            raise RuntimeError(f"PostgreSQL {action} failed: {done.stderr.strip()[-2000:]}")

    @property
    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
            if not self._run("test", "-w", str(self.folder)).returncode == 0:
                raise ConfigurationError(
                    f"the postgres user cannot reach {self.folder}: choose a folder whose "
                    "parents are readable by others (e.g. under /tmp or the project)"
                )
        done = self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
            "--no-instructions",
        )
        self._check(done, "initdb")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        done = self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        self._check(done, "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """Stop (dropping every connection) and start again on the same port."""
        self.stop("fast")
        self.start()

    @property
    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status").returncode == 0

    def ensure_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if exists.fetchone() is None:
                conn.execute(f'CREATE DATABASE "{name}"')
