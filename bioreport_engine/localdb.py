"""A private PostgreSQL server in a folder, run from the machine's own server binaries.

For development, demos and the tests that restart or kill the database: never for production,
where ``DB_HOST`` names the real server. ``initdb`` refuses to run as root, so as root the
server runs as the ``postgres`` user.
"""

import glob
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

from psycopg.conninfo import make_conninfo

from bioreport_engine.errors import ConfigurationError, DatabaseError

INSTALL_HINT = (
    "install PostgreSQL's server package (Debian: apt-get install postgresql) "
    "or set DB_HOST to an existing server"
)
#: What initdb or pg_ctl print when the folder they were given cannot hold a cluster.
FOLDER_PROBLEMS = (
    "exists but is not empty",
    "Permission denied",
    "could not create directory",
    "could not access directory",
    "Not a directory",
    "Read-only file system",
)
#: What they print when the server program is not installed beside them.
MISSING_PROGRAM = "but was not found in the same directory"


class LocalPostgresError(DatabaseError):
    """The embedded server failed for a reason of its own (it did not start, initdb crashed):
    one line with the cause taken from its output or log. Exit status 1: it may pass."""


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
        f"no PostgreSQL server binaries (initdb, pg_ctl) found: {INSTALL_HINT}"
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


def _reasons(output: str) -> str:
    """The lines of a tool's output or a server log that say why it failed, on one line.

    ``initdb: error: directory "x" exists but is not empty``, ``FATAL:  could not create any
    TCP/IP sockets``: the prefixes go, the errors stay; without any, the last line.
    """
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    wanted = [line for line in lines if re.search(r"error:|FATAL:|PANIC:|could not ", line)]
    reasons = [_without_prefix(line) for line in wanted or lines[-1:]]
    return "; ".join(dict.fromkeys(reasons))[:500] or "no output"


def _without_prefix(line: str) -> str:
    """``2026-… UTC [42] FATAL:  could not …`` and ``initdb: error: could not …`` → the cause."""
    line = re.sub(r"^.*?\b(?:LOG|FATAL|PANIC|ERROR|WARNING):\s+", "", line)
    return re.sub(r"^(?:initdb|pg_ctl): (?:error: )?", "", line)


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
        # In the cluster's folder: the postgres user may not enter the caller's.
        cwd = self.folder if self.folder.is_dir() else None
        try:
            return subprocess.run(command, capture_output=True, text=True, check=False, cwd=cwd)
        except OSError as exc:  # the tool itself is missing or not executable
            raise ConfigurationError(
                f"cannot run {command[0]}: {exc.strerror or exc}: {INSTALL_HINT}"
            ) from None

    def _configuration_problem(self, output: str) -> ConfigurationError | None:
        """The failure of ``initdb`` or ``pg_ctl`` that only a change of setup can fix."""
        if MISSING_PROGRAM in output:
            return ConfigurationError(
                f"the PostgreSQL server binaries in {self.bin} are incomplete "
                f"({_reasons(output)}): {INSTALL_HINT}"
            )
        if any(problem in output for problem in FOLDER_PROBLEMS):
            return ConfigurationError(
                f"cannot use {self.data} for the embedded PostgreSQL ({_reasons(output)}): "
                "remove or empty it, fix its permissions, or choose another folder"
            )
        return None

    @property
    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def init(self) -> None:
        """Create the cluster. A folder that cannot hold it, or missing server binaries, is a
        :class:`ConfigurationError`; another failure of ``initdb`` a :class:`LocalPostgresError`."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if self.as_postgres:
                shutil.chown(self.folder, "postgres", "postgres")
        except LookupError:  # no postgres user: the server package is not installed
            raise ConfigurationError(
                f"running PostgreSQL as root needs the postgres user: {INSTALL_HINT}"
            ) from None
        except OSError as exc:
            raise ConfigurationError(
                f"cannot create {self.folder} for the embedded PostgreSQL: "
                f"{exc.strerror or exc}: choose another folder"
            ) from None
        if self.as_postgres and self._run("test", "-w", str(self.folder)).returncode != 0:
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
        if done.returncode != 0:
            output = done.stderr or done.stdout
            raise self._configuration_problem(output) or LocalPostgresError(
                f"initdb failed in {self.data}: {_reasons(output)}"
            )

    def start(self) -> None:
        """Start the server and wait until it accepts connections; when it does not, the
        :class:`LocalPostgresError` names the cause from its log (a port in use, …)."""
        log = self.folder / "server.log"
        logged_before = log.stat().st_size if log.exists() else 0
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
            str(log),
            "-w",
            "-t",
            "60",
            "start",
        )
        if done.returncode == 0:
            return
        problem = self._configuration_problem(done.stderr)
        if problem is not None:
            raise problem
        server_log = _read_from(log, logged_before)
        reasons = _reasons(server_log) if server_log.strip() else _reasons(done.stderr)
        raise LocalPostgresError(
            f"the embedded PostgreSQL did not start on port {self.port}: {reasons} (log: {log})"
        )

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

        from bioreport_engine.db.failures import reported

        with reported(self.conninfo()), psycopg.connect(self.conninfo(), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if exists.fetchone() is None:
                conn.execute(f'CREATE DATABASE "{name}"')


def _read_from(path: Path, offset: int) -> str:
    """What was written to ``path`` after ``offset`` (the server log of this start)."""
    try:
        with path.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")
    except OSError:
        return ""
