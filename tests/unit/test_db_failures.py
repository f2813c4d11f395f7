"""One safe line for every way PostgreSQL can fail: libpq's messages, as psycopg raises them."""

import threading

import psycopg
import pytest

from bioreport_engine.db.connection import Database
from bioreport_engine.db.failures import describe, not_migrated
from bioreport_engine.localdb import free_port
from bioreport_engine.log import Log
from bioreport_engine.worker.app import wait_for_database

CONNINFO = "host=db.example port=6543 dbname=labs user=app password=hunter2"
AT = 'db.example:6543 (database "labs")'


def at_server(cause: str) -> psycopg.OperationalError:
    return psycopg.OperationalError(
        f'connection failed: connection to server at "10.0.0.5", port 6543 failed: {cause}'
    )


@pytest.mark.parametrize(
    ("exc", "message", "exit_status"),
    [
        (
            at_server(
                "Connection refused\n\tIs the server running on that host and accepting "
                "TCP/IP connections?"
            ),
            f"cannot connect to PostgreSQL at {AT}: connection refused — is the server running?",
            1,
        ),
        (
            at_server('FATAL:  password authentication failed for user "app"'),
            f'cannot connect to PostgreSQL at {AT}: password authentication failed for user "app"'
            " — check DB_USERNAME and DB_PASSWORD",
            2,
        ),
        (
            at_server('FATAL:  role "app" does not exist'),
            f'cannot connect to PostgreSQL at {AT}: role "app" does not exist — check DB_USERNAME',
            2,
        ),
        (
            at_server('FATAL:  database "labs" does not exist'),
            f'cannot connect to PostgreSQL at {AT}: database "labs" does not exist'
            " — check DB_DATABASE, or create the database",
            2,
        ),
        (
            psycopg.OperationalError(
                "failed to resolve host 'db.example': [Errno -2] Name or service not known"
            ),
            f"cannot connect to PostgreSQL at {AT}: unknown host — check DB_HOST",
            2,
        ),
        (
            psycopg.OperationalError(
                'could not translate host name "db.example" to address: Temporary failure in '
                "name resolution"
            ),
            f"cannot connect to PostgreSQL at {AT}: the host name could not be resolved just "
            "now (temporary DNS failure) — try again shortly",
            1,
        ),
        (
            at_server("timeout expired"),
            f"cannot connect to PostgreSQL at {AT}: connection timed out"
            " — is the host reachable and the port open?",
            1,
        ),
        (
            at_server("No route to host"),
            f"cannot connect to PostgreSQL at {AT}: host unreachable"
            " — check the network path to the server",
            1,
        ),
        (
            at_server("FATAL:  the database system is starting up"),
            f"cannot connect to PostgreSQL at {AT}: the database system is starting up"
            " — try again shortly",
            1,
        ),
        (
            psycopg.OperationalError(
                "consuming input failed: server closed the connection unexpectedly"
            ),
            f"lost the connection to PostgreSQL at {AT}: the server closed the connection",
            1,
        ),
    ],
)
def test_libpq_causes_read_as_one_line_with_host_port_database(
    exc: psycopg.Error, message: str, exit_status: int
) -> None:
    failure = describe(exc, CONNINFO)
    assert failure.message == message
    assert failure.exit_status == exit_status
    assert "\n" not in failure.message and "hunter2" not in failure.message


def test_a_pool_timeout_is_a_runtime_failure() -> None:
    from psycopg_pool import PoolTimeout

    failure = describe(PoolTimeout("couldn't get a connection after 5.00 sec"), CONNINFO)
    assert failure.message == (
        f"cannot connect to PostgreSQL at {AT}: no connection within 5.00 s"
        " — is the server overloaded or going away?"
    )
    assert failure.exit_status == 1


def test_an_unknown_libpq_message_keeps_its_first_line_without_the_password() -> None:
    exc = at_server("SSL error: something odd with password=hunter2\n\tsecond line")
    failure = describe(exc, CONNINFO)
    assert failure.reason == "SSL error: something odd with password=********"
    assert failure.message.startswith(f"cannot connect to PostgreSQL at {AT}: SSL error")


def test_a_statements_error_shows_its_class_not_its_values() -> None:
    exc = psycopg.errors.UniqueViolation("duplicate key value: Key (name)=(Jane Roe) exists")
    failure = describe(exc, CONNINFO)
    assert "Jane" not in failure.message
    assert failure.message == (
        f"a database command failed on PostgreSQL at {AT}: UniqueViolation (SQLSTATE 23505)"
    )


def test_a_missing_table_means_not_migrated() -> None:
    failure = describe(psycopg.errors.UndefinedTable('relation "pdf_jobs" does not exist'), "")
    assert failure.exit_status == 2
    assert "run `bioreport db migrate` first" in failure.message


def test_not_migrated_names_the_missing_migrations() -> None:
    error = not_migrated(CONNINFO, ["0001", "0002"])
    assert str(error) == (
        'database "labs" at db.example:6543 is not migrated: migrations 0001, 0002 are missing'
        " — run `bioreport db migrate` first"
    )
    assert error.exit_status == 2


def test_ipv6_hosts_are_bracketed() -> None:
    failure = describe(at_server("Connection refused"), "host=::1 port=5499 dbname=x")
    assert failure.address == "[::1]:5499"


def test_an_unparseable_conninfo_still_describes_the_cause() -> None:
    failure = describe(at_server("Connection refused"), "not a = conninfo = '")
    assert failure.reason == "connection refused" and failure.host == "?"


def test_the_workers_outage_log_names_host_port_database_and_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    class StopAfterFirstWait(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            self.set()
            return True

    port = free_port()  # nobody listens there
    Log.configure("INFO")
    wait_for_database(
        Database(f"host=127.0.0.1 port={port} dbname=labs user=app password=hunter2"),
        StopAfterFirstWait(),
    )
    line = capsys.readouterr().out.strip()
    assert "\n" not in line
    assert line.endswith(
        f"[WARNING] database unreachable; retrying host=127.0.0.1 port={port} database=labs "
        'reason="connection refused" retry_in_s=0.5'
    )
    assert "hunter2" not in line
