"""Why PostgreSQL cannot be used, in one line an operator can act on.

Every command and the worker's outage logs describe a psycopg error here, so that the same
cause reads the same everywhere: the host, port and database, the reason and what to do.

libpq's connection messages name the host, port, role or database and the cause ("Connection
refused", 'password authentication failed for user "app"'); they never contain query
parameters or document text, so their cause is shown. An error raised by a statement can quote
the values it was given, so it shows only its class and SQLSTATE. The password is never shown:
libpq does not put it in its messages, and a ``password=`` is masked all the same.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg.conninfo import conninfo_to_dict

from bioreport_engine.db.connection import Connection, connect
from bioreport_engine.db.migrate import applied_versions, available_migrations
from bioreport_engine.errors import DatabaseError

#: How long a one-shot command waits for the server before it gives up (libpq's minimum is 2).
CONNECT_TIMEOUT_SECONDS = 3

CANNOT_CONNECT = "cannot connect to PostgreSQL at {where}"
CONNECTION_LOST = "lost the connection to PostgreSQL at {where}"
NOT_MIGRATED = 'database "{database}" at {address} is not migrated'
COMMAND_REFUSED = "PostgreSQL at {where} refused a command"
COMMAND_FAILED = "a database command failed on PostgreSQL at {where}"
MIGRATE_HINT = "run `bioreport db migrate` first"


@dataclass(frozen=True)
class Cause:
    """A known cause, recognised in libpq's or the server's message."""

    pattern: re.Pattern[str]
    #: Formatted with the pattern's groups (names of roles and databases, which are settings).
    reason: str
    hint: str
    #: The settings must change (exit status 2); otherwise it may pass by itself (1).
    configuration: bool
    problem: str = CANNOT_CONNECT


def _cause(
    pattern: str, reason: str, hint: str, *, configuration: bool, problem: str = CANNOT_CONNECT
) -> Cause:
    return Cause(re.compile(pattern, re.IGNORECASE), reason, hint, configuration, problem)


#: In order: the first match wins.
CAUSES = (
    _cause(
        r'password authentication failed for user "([^"]*)"',
        'password authentication failed for user "{0}"',
        "check DB_USERNAME and DB_PASSWORD",
        configuration=True,
    ),
    _cause(
        r"no password supplied",
        "the server asks for a password and none is set",
        "set DB_PASSWORD",
        configuration=True,
    ),
    _cause(
        r'role "([^"]*)" does not exist',
        'role "{0}" does not exist',
        "check DB_USERNAME",
        configuration=True,
    ),
    _cause(
        r'role "([^"]*)" is not permitted to log in',
        'role "{0}" is not permitted to log in',
        "check DB_USERNAME",
        configuration=True,
    ),
    _cause(
        r'database "([^"]*)" does not exist',
        'database "{0}" does not exist',
        "check DB_DATABASE, or create the database",
        configuration=True,
    ),
    _cause(
        r'permission denied for database "([^"]*)"',
        'permission denied for database "{0}"',
        "grant DB_USERNAME the CONNECT privilege on it",
        configuration=True,
    ),
    _cause(
        r"no pg_hba\.conf entry",
        "the server's pg_hba.conf does not admit this host, user and database",
        "ask the database administrator",
        configuration=True,
    ),
    _cause(
        r"Connection refused", "connection refused", "is the server running?", configuration=False
    ),
    _cause(
        r"Temporary failure in name resolution",
        "the host name could not be resolved just now (temporary DNS failure)",
        "try again shortly",
        configuration=False,
    ),
    _cause(
        r"could not translate host name|failed to resolve host|Name or service not known"
        r"|nodename nor servname|No address associated with hostname",
        "unknown host",
        "check DB_HOST",
        configuration=True,
    ),
    _cause(
        r"No route to host|Network is unreachable|Host is unreachable",
        "host unreachable",
        "check the network path to the server",
        configuration=False,
    ),
    _cause(
        r"timeout expired|timed out",
        "connection timed out",
        "is the host reachable and the port open?",
        configuration=False,
    ),
    _cause(
        r"couldn't get a connection after ([\d.]+) sec",
        "no connection within {0} s",
        "is the server overloaded or going away?",
        configuration=False,
    ),
    _cause(
        r"the database system is (starting up|shutting down|in recovery mode"
        r"|not yet accepting connections)",
        "the database system is {0}",
        "try again shortly",
        configuration=False,
    ),
    _cause(
        r"too many clients|remaining connection slots are reserved",
        "the server has no free connection slots",
        "lower DB_POOL_SIZE or raise the server's max_connections",
        configuration=False,
    ),
    _cause(
        r"server closed the connection unexpectedly|terminating connection"
        r"|connection is lost|the connection is closed|consuming input failed|SSL SYSCALL error",
        "the server closed the connection",
        "",
        configuration=False,
        problem=CONNECTION_LOST,
    ),
)


@dataclass(frozen=True)
class DatabaseFailure:
    """What went wrong, where: the parts of one line, and the fields of a log line."""

    host: str
    port: str
    database: str
    reason: str
    hint: str = ""
    configuration: bool = False
    problem: str = CANNOT_CONNECT

    @property
    def exit_status(self) -> int:
        return 2 if self.configuration else 1

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host  # an IPv6 address
        return f"{host}:{self.port}"

    @property
    def message(self) -> str:
        """``cannot connect to PostgreSQL at 127.0.0.1:5499 (database "x"): connection
        refused — is the server running?``"""
        where = f'{self.address} (database "{self.database}")'
        problem = self.problem.format(where=where, address=self.address, database=self.database)
        return f"{problem}: {self.reason}" + (f" — {self.hint}" if self.hint else "")

    def error(self) -> DatabaseError:
        return DatabaseError(self.message, exit_status=self.exit_status)

    def log_context(self) -> dict[str, str]:
        """Fields for a log line: safe to ship, never the password or a query's values."""
        return {
            "host": self.host,
            "port": self.port,
            "database": self.database,
            "reason": self.reason,
        }


def describe(exc: BaseException, conninfo: str) -> DatabaseFailure:
    """The one-line account of ``exc``, a psycopg error met on the database of ``conninfo``."""
    host, port, database, password = _target(conninfo)

    def failure(
        reason: str, hint: str = "", configuration: bool = False, problem: str = CANNOT_CONNECT
    ) -> DatabaseFailure:
        return DatabaseFailure(host, port, database, reason, hint, configuration, problem)

    if isinstance(exc, psycopg.errors.UndefinedTable | psycopg.errors.UndefinedColumn):
        return failure(_primary(exc), MIGRATE_HINT, True, NOT_MIGRATED)
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        hint = "grant DB_USERNAME the privileges on the engine's tables"
        return failure(_primary(exc), hint, True, COMMAND_REFUSED)
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        # The connection's errors (PoolTimeout is one): libpq's or the server's words about
        # the connection, not about any statement's values.
        text = str(exc)
        connecting = text.startswith(("connection failed", "failed to resolve host"))
        for cause in CAUSES:
            found = cause.pattern.search(text)
            if found:
                reason = cause.reason.format(*found.groups())
                problem = CANNOT_CONNECT if connecting else cause.problem
                return failure(reason, cause.hint, cause.configuration, problem)
        if sqlstate is None:  # from libpq itself: only its first line is kept
            reason = _scrub(_first_line(text), password) or type(exc).__name__
            return failure(reason, problem=CANNOT_CONNECT if connecting else COMMAND_FAILED)
    # A statement's error may quote the values it was given: name its class only.
    code = f" (SQLSTATE {sqlstate})" if sqlstate else ""
    return failure(f"{type(exc).__name__}{code}", problem=COMMAND_FAILED)


def not_migrated(conninfo: str, missing: list[str]) -> DatabaseError:
    host, port, database, _ = _target(conninfo)
    versions = ", ".join(missing)
    reason = (
        f"migration {versions} is missing"
        if len(missing) == 1
        else f"migrations {versions} are missing"
    )
    return DatabaseFailure(
        host, port, database, reason, MIGRATE_HINT, configuration=True, problem=NOT_MIGRATED
    ).error()


def missing_migrations(conn: Connection) -> list[str]:
    """The versions of the engine's migrations that this database has not applied."""
    applied = set(applied_versions(conn))
    return [m.version for m in available_migrations() if m.version not in applied]


def require_migrated(conn: Connection, conninfo: str) -> None:
    """Raise the "not migrated" configuration error (naming the database of ``conninfo`` and
    each missing version) unless every migration is applied."""
    missing = missing_migrations(conn)
    if missing:
        raise not_migrated(conninfo, missing)


@contextmanager
def reported(conninfo: str) -> Iterator[None]:
    """Turn a psycopg error raised inside into a :class:`DatabaseError` with one safe line."""
    try:
        yield
    except psycopg.Error as exc:
        raise describe(exc, conninfo).error() from None


def check(conninfo: str) -> None:
    """Connect once, directly, within a few seconds, and check that the schema is migrated.

    A one-shot command calls this before it opens its pool, so that an unreachable server
    costs seconds and one line, not the pool's wait and a reconnecting pool's warnings.
    """
    with reported(conninfo), connect(conninfo, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
        require_migrated(conn, conninfo)


def _target(conninfo: str) -> tuple[str, str, str, str]:
    """Host, port, database and password of ``conninfo``; ``?`` for what cannot be known."""
    try:
        params = conninfo_to_dict(conninfo)
    except (psycopg.Error, TypeError, ValueError):
        return "?", "?", "?", ""
    host = str(params.get("host") or "localhost")
    user = str(params.get("user") or "")
    return (
        host,
        str(params.get("port") or "5432"),
        str(params.get("dbname") or user or "?"),
        str(params.get("password") or ""),
    )


def _primary(exc: BaseException) -> str:
    """The server's primary message of an error about the schema or privileges (it names a
    table or a column, never a value)."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None)
    return _first_line(str(primary)) if primary else type(exc).__name__


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    line = re.sub(r"^connection failed:\s*", "", line)
    line = re.sub(r"^connection to server (at|on) .*? failed:\s*", "", line)
    return re.sub(r"^(FATAL|ERROR):\s*", "", line).strip()


def _scrub(text: str, password: str) -> str:
    text = re.sub(r"password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", "password=********", text)
    return text.replace(password, "********") if password else text
