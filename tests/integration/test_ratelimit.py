"""The shared rate limit in PostgreSQL: fair between replicas, and never stuck on a lost row or
a lost connection."""

import logging
import socket
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from bioreport_engine.db.connection import Database
from bioreport_engine.ratelimit import PostgresRateLimiter
from tests.integration.conftest import ScratchDatabase
from tests.logs import engine_log


@pytest.fixture
def key(db: Database, request: pytest.FixtureRequest) -> Iterator[str]:
    """A bucket of this test's own, removed afterwards."""
    name = f"test-{request.node.name}"
    yield name
    with db.get_connection() as conn:
        conn.execute("DELETE FROM rate_limits WHERE key = %s", (name,))


class SlowLink:
    """A TCP relay to PostgreSQL that holds every chunk ``delay`` seconds each way: a replica
    farther from the database (another zone, a busier node) than the others."""

    def __init__(self, conninfo: str, delay: float) -> None:
        params = conninfo_to_dict(conninfo)
        self.target = (str(params.get("host", "127.0.0.1")), int(str(params.get("port", 5432))))
        self.delay = delay
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.conninfo = make_conninfo(
            conninfo, host="127.0.0.1", port=self.listener.getsockname()[1]
        )
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # closed
                return
            server = socket.create_connection(self.target)
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                time.sleep(self.delay)
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            sink.close()

    def close(self) -> None:
        self.listener.close()


def take_in_threads(limiters: list[PostgresRateLimiter], tokens: int) -> list[list[float]]:
    """Each limiter (a replica with its own connection) in a thread of its own takes
    ``tokens`` one after the other; the times at which each got them, from the start."""
    times: list[list[float]] = [[] for _ in limiters]
    errors: list[BaseException] = []
    start = threading.Barrier(len(limiters) + 1)

    def take(limiter: PostgresRateLimiter, got: list[float]) -> None:
        try:
            start.wait()
            for _ in range(tokens):
                limiter.acquire()
                got.append(time.monotonic())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=take, args=(limiter, got))
        for limiter, got in zip(limiters, times, strict=True)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.monotonic()
    for thread in threads:
        thread.join(120)
    assert errors == []
    return [[at - started for at in got] for got in times]


def test_replicas_are_served_in_turn(pg: ScratchDatabase, key: str) -> None:
    """Three replicas share four requests a second (a burst of four), each wanting twelve, one
    of them 50 ms farther from the database. In turn, each waits about three slots (0.75 s)
    between two of its requests. Polling for a free token, the far replica came second every
    time and waited until the others were done (5 s)."""
    takers, tokens, per_minute = 3, 12, 240
    far = SlowLink(pg.conninfo, delay=0.05)
    try:
        limiters = [
            PostgresRateLimiter(conninfo, key, per_minute)
            for conninfo in (pg.conninfo, pg.conninfo, far.conninfo)
        ]
        times = take_in_threads(limiters, tokens)
    finally:
        far.close()
    assert [len(got) for got in times] == [tokens] * takers
    fair_gap = takers * 60 / per_minute
    for got in times:
        waits = [later - earlier for earlier, later in zip([0.0, *got], got, strict=False)]
        assert max(waits) < 3 * fair_gap + 1.0, f"one replica waited {max(waits):.1f} s: {times}"
    everything = sorted(at for got in times for at in got)
    # The budget holds: after the burst, four a second at most (with room for scheduling).
    assert everything[-1] >= (takers * tokens - 4) * 60 / per_minute - 0.3


def acquire_within(limiter: PostgresRateLimiter, seconds: float) -> str:
    """``returned``, ``raised <error>``, or ``still waiting`` after ``seconds`` (the call then
    runs on in a daemon thread)."""
    outcome = ["still waiting"]

    def acquire() -> None:
        try:
            limiter.acquire()
            outcome[0] = "returned"
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            outcome[0] = f"raised {exc!r}"

    thread = threading.Thread(target=acquire, daemon=True)
    thread.start()
    thread.join(seconds)
    return outcome[0]


@pytest.mark.parametrize(
    "loss",
    ["DELETE FROM rate_limits WHERE key = %(key)s", "TRUNCATE rate_limits"],
    ids=["row deleted", "table truncated"],
)
def test_a_lost_bucket_row_is_created_again(
    pg: ScratchDatabase, db: Database, key: str, loss: str
) -> None:
    limiter = PostgresRateLimiter(pg.conninfo, key, per_minute=60)
    limiter.acquire()
    with db.get_connection() as conn:
        conn.execute(loss.encode(), {"key": key})
    # One a second: a limiter that waited for the row would never return.
    assert acquire_within(limiter, 30) == "returned"
    with db.get_connection() as conn:
        row = conn.execute("SELECT 1 FROM rate_limits WHERE key = %s", (key,)).fetchone()
    assert row is not None


def test_a_connection_failing_with_an_interface_error_is_replaced(
    pg: ScratchDatabase, key: str
) -> None:
    class Unusable:
        """What psycopg raises for a connection left in an unexpected state."""

        closed = False

        def execute(self, *args: object, **kwargs: object) -> None:
            raise psycopg.InterfaceError("cannot execute operations: the connection is in status 3")

        def close(self) -> None:
            self.closed = True

    limiter = PostgresRateLimiter(pg.conninfo, key, per_minute=6000)
    limiter.connection = Unusable()  # type: ignore[assignment]
    with engine_log() as log:
        assert acquire_within(limiter, 30) == "returned"
    assert limiter.connection is not None and not isinstance(limiter.connection, Unusable)
    assert "rate limit unavailable; waiting" in log.messages(logging.WARNING)
