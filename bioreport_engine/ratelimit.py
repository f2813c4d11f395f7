"""Rate limits that hold across threads and across replicas.

A budget such as the LLM's requests per minute belongs to the organisation, not to one
process: :class:`PostgresRateLimiter` keeps the token bucket in a row of ``rate_limits`` that
every replica updates under a row lock. Without a database (``bioreport process``) the bucket
lives in the process (:class:`LocalRateLimiter`).
"""

import threading
import time
from typing import Protocol

import psycopg

from bioreport_engine.errors import ConfigurationError
from bioreport_engine.log import Log
from bioreport_engine.settings import EngineSettings

TAKE = """
WITH bucket AS (
    SELECT key, least(%(capacity)s,
                      tokens + extract(epoch FROM clock_timestamp() - updated_at) * %(rate)s)
               AS available
    FROM rate_limits WHERE key = %(key)s FOR UPDATE
)
UPDATE rate_limits AS r
SET tokens = CASE WHEN b.available >= 1 THEN b.available - 1 ELSE b.available END,
    updated_at = clock_timestamp()
FROM bucket AS b WHERE r.key = b.key
RETURNING b.available
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
        self.rate = per_minute / 60
        self.capacity = capacity(per_minute)
        self.tokens = self.capacity
        self.updated = time.monotonic()
        self.lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self.lock:
                now = time.monotonic()
                self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                wait = (1 - self.tokens) / self.rate
            time.sleep(wait)


class PostgresRateLimiter:
    """A token bucket in ``rate_limits``; one short transaction per request."""

    def __init__(self, conninfo: str, key: str, per_minute: float) -> None:
        self.conninfo = conninfo
        self.params = {"key": key, "rate": per_minute / 60, "capacity": capacity(per_minute)}
        self.lock = threading.Lock()
        self.connection: psycopg.Connection[tuple[float]] | None = None
        try:
            with self._connect() as conn:
                conn.execute(
                    "INSERT INTO rate_limits (key, tokens) VALUES (%(key)s, %(capacity)s) "
                    "ON CONFLICT (key) DO NOTHING",
                    self.params,
                )
        except psycopg.errors.UndefinedTable:
            raise ConfigurationError(
                "the database has no rate_limits table: run `bioreport db migrate`"
            ) from None

    def _connect(self) -> psycopg.Connection[tuple[float]]:
        return psycopg.Connection.connect(self.conninfo, autocommit=True, connect_timeout=10)

    def acquire(self) -> None:
        while True:
            available = self._take()
            if available >= 1:
                return
            time.sleep((1 - available) / self.params["rate"])  # type: ignore[operator]

    def _take(self) -> float:
        with self.lock:
            try:
                if self.connection is None or self.connection.closed:
                    self.connection = self._connect()
                row = self.connection.execute(TAKE, self.params).fetchone()
            except psycopg.OperationalError as exc:
                # The budget cannot be checked: wait rather than overspend.
                Log.warning("rate limit unavailable; waiting", error=type(exc).__name__)
                self.connection = None
                return 0.0
        return float(row[0]) if row is not None else 0.0


def shared_rate_limiter(key: str, per_minute: float, settings: EngineSettings) -> RateLimiter:
    """The budget ``key`` shared by every replica when a database is configured."""
    if settings.db_host and settings.db_database:
        return PostgresRateLimiter(settings.conninfo(), key, per_minute)
    return LocalRateLimiter(per_minute)
