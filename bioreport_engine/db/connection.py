"""The connection pool. Transactions are explicit (``commit`` and ``rollback``) wherever a unit of
work spans statements; the queue's hot path is single statements, each its own transaction
(:meth:`Database.single_statements`). No transaction stays open while a job runs."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool

from bioreport_engine.settings import EngineSettings

Connection = psycopg.Connection[DictRow]

#: What a lost or unreachable database raises (``PoolTimeout`` is an ``OperationalError``):
#: the caller waits and tries again.
DatabaseUnavailable = (psycopg.OperationalError, psycopg.InterfaceError)


def connect(conninfo: str, **kwargs: Any) -> Connection:
    """A dedicated connection outside any pool, with rows as dicts."""
    return psycopg.Connection.connect(conninfo, row_factory=dict_row, **kwargs)


class Database:
    """A pool of connections to the configured PostgreSQL, opened lazily and closed on exit."""

    def __init__(self, conninfo: str, max_size: int = 4, *, wait_timeout: float = 30) -> None:
        self.conninfo = conninfo
        self.pool: ConnectionPool[Connection] = ConnectionPool(
            # Every write of the worker is idempotent or recoverable: a claim lost in a server
            # crash leaves the job pending, a lost "done" leaves it to lease recovery and a
            # rerun that replaces its results. So commits need not wait for the disk.
            # The statements psycopg prepares (from a connection's fifth run of one) keep their
            # generic plan: left to choose, PostgreSQL planned the job-finishing statement
            # afresh at every run, which took as long as running it (every statement here is
            # an index lookup either way).
            make_conninfo(
                conninfo, options="-c synchronous_commit=off -c plan_cache_mode=force_generic_plan"
            ),
            min_size=1,
            max_size=max_size,
            kwargs={"row_factory": dict_row},
            connection_class=psycopg.Connection[DictRow],
            timeout=wait_timeout,
            open=False,
            name="bioreport",
        )

    @classmethod
    def from_settings(cls, settings: EngineSettings) -> "Database":
        return cls(settings.conninfo(), settings.pool_size)

    def open(self, wait: bool = False, timeout: float = 30) -> None:
        self.pool.open(wait=wait, timeout=timeout)

    def close(self) -> None:
        self.pool.close()

    def __enter__(self) -> "Database":
        self.open()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    @contextmanager
    def get_connection(self) -> Iterator[Connection]:
        """A pooled connection. Leaving the block commits, or rolls back on an exception."""
        with self.pool.connection() as conn:
            yield conn

    @contextmanager
    def single_statements(self) -> Iterator[Connection]:
        """A pooled connection in autocommit mode, for work that is one statement at a time.

        One statement is atomic on its own; outside autocommit psycopg would send ``BEGIN`` and
        ``COMMIT`` as round trips of their own, tripling the cost of a claim or a finish. The
        mode is restored before the connection goes back to the pool.
        """
        with self.pool.connection() as conn:
            conn.autocommit = True
            try:
                yield conn
            finally:
                if not conn.closed:
                    conn.autocommit = False

    def connect(self, **kwargs: Any) -> Connection:
        """A dedicated connection outside the pool (the LISTEN connection, migrations)."""
        return connect(self.conninfo, **kwargs)
