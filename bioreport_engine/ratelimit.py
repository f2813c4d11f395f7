"""Rate limits that hold across threads and across replicas.

A budget such as the LLM's requests per minute belongs to the organisation, not to one
process: :class:`PostgresRateLimiter` keeps it in a row of ``rate_limits`` that every replica
updates. Without a database (``bioreport process``) it lives in the process
(:class:`LocalRateLimiter`).

Both reserve rather than poll (the generic cell rate algorithm): a taker advances the budget's
"next free" time by one interval and sleeps until the slot it got. Takers are served in the
order they asked, whatever their distance to the database; with polling, the replica that
learned last that a token was free lost the race every time (one waited 22 s while another took
seven tokens in a row). A budget unused for a second holds one second's worth for a burst.
"""

import contextlib
import math
import threading
import time
from typing import Any, Protocol

import psycopg

from bioreport_engine.db.connection import DatabaseUnavailable
from bioreport_engine.db.failures import describe
from bioreport_engine.errors import ConfigurationError
from bioreport_engine.log import Log
from bioreport_engine.settings import EngineSettings, load_settings
from bioreport_engine.worker.backoff import Backoff

# One statement, whatever the state of the row: a row deleted (or a table truncated) is created
# again. The wait is measured from the statement's own start on the server's clock, so the
# clocks of the replicas do not matter.
RESERVE = """
INSERT INTO rate_limits AS bucket (key, next_free_at)
VALUES (%(key)s, statement_timestamp() + make_interval(secs => %(interval)s))
ON CONFLICT (key) DO UPDATE
SET next_free_at = greatest(bucket.next_free_at, statement_timestamp())
                   + make_interval(secs => %(interval)s)
RETURNING (extract(epoch FROM bucket.next_free_at - statement_timestamp()) - %(burst)s)::float8
"""


class RateLimiter(Protocol):
    def acquire(self) -> None:
        """Block until one unit of the budget is available, and spend it."""
        ...


def capacity(per_minute: float) -> float:
    """The bucket holds one second's worth (at least one request): short bursts, no more."""
    return max(1.0, per_minute / 60)


class LocalRateLimiter:
    def __init__(self, per_minute: float) -> None:
        self.interval = 60 / per_minute
        self.burst = capacity(per_minute) * self.interval
        self.next_free = -math.inf
        self.lock = threading.Lock()

    def acquire(self) -> None:
        with self.lock:
            now = time.monotonic()
            self.next_free = max(self.next_free, now) + self.interval
            wait = self.next_free - self.burst - now
        if wait > 0:
            time.sleep(wait)


class PostgresRateLimiter:
    """The budget ``key`` in ``rate_limits``: one short statement per request, then a sleep
    until the reserved slot. While the database is away, it waits rather than overspend."""

    def __init__(self, conninfo: str, key: str, per_minute: float) -> None:
        self.conninfo = conninfo
        interval = 60 / per_minute
        self.params = {"key": key, "interval": interval, "burst": capacity(per_minute) * interval}
        self.lock = threading.Lock()  # one connection, one statement at a time
        self.connection: psycopg.Connection[tuple[Any, ...]] | None = None
        try:
            with self._connect() as conn:
                conn.execute("SELECT key, next_free_at FROM rate_limits LIMIT 0")
        except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn):
            raise ConfigurationError(
                "the database's rate_limits table is missing or out of date: "
                "run `bioreport db migrate`"
            ) from None

    def _connect(self) -> psycopg.Connection[tuple[Any, ...]]:
        return psycopg.Connection.connect(self.conninfo, autocommit=True, connect_timeout=10)

    def acquire(self) -> None:
        outage = Backoff()
        while (wait := self._reserve()) is None:
            delay = outage.next()
            Log.debug("rate limit: retrying the reservation", retry_in_s=delay)
            time.sleep(delay)
        if wait > 0:
            time.sleep(wait)

    def _reserve(self) -> float | None:
        """Seconds until the slot reserved now; ``None`` when the database cannot be used."""
        with self.lock:
            try:
                if self.connection is None or self.connection.closed:
                    self.connection = self._connect()
                row = self.connection.execute(RESERVE, self.params).fetchone()
            except DatabaseUnavailable as exc:
                Log.warning(
                    "rate limit unavailable; waiting", **describe(exc, self.conninfo).log_context()
                )
                self._discard()
                return None
        return 0.0 if row is None else float(row[0])

    def _discard(self) -> None:
        """Drop a connection that failed; the next reservation opens a new one."""
        if self.connection is not None:
            with contextlib.suppress(psycopg.Error):
                self.connection.close()
        self.connection = None


def shared_rate_limiter(key: str, per_minute: float) -> RateLimiter:
    """The budget ``key`` (``per_minute`` requests) shared by every replica when a database is
    configured, else by the threads of this process.

    A service of the public plugin API: the engine reads its own database settings, so a plugin
    never sees the engine's credentials.
    """
    settings = load_settings(EngineSettings)
    if settings.db_host and settings.db_database:
        return PostgresRateLimiter(settings.conninfo(), key, per_minute)
    return LocalRateLimiter(per_minute)
