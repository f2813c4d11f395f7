"""pgqueuer and procrastinate draining no-op jobs, for the side-by-side in :mod:`benchmarks.queue`.

Both are optional benchmark dependencies (the ``bench`` dependency group), imported only here,
and each runs on a scratch database of its own, with its own schema, on the same server as ours.
Each drain starts with the jobs already queued (one batch INSERT) and ends when the peer's
worker has recorded every one and returned: its in-process start, a few milliseconds, is
counted. A job does nothing (an empty coroutine): the queue's own cost.
"""

import asyncio
import time
from datetime import timedelta
from typing import Any

import psycopg

NOOP = "noop"


def pgqueuer_drain(conninfo: str, jobs: int, batch: int) -> float:
    """Seconds for one pgqueuer ``QueueManager`` (psycopg driver, ``batch`` jobs per dequeue)
    to drain ``jobs`` no-op jobs."""
    return asyncio.run(_pgqueuer(conninfo, jobs, batch))


async def _pgqueuer(conninfo: str, jobs: int, batch: int) -> float:
    from pgqueuer import PsycopgDriver, Queries, QueueManager
    from pgqueuer.models import Job
    from pgqueuer.types import QueueExecutionMode

    async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
        queries = Queries(PsycopgDriver(conn))
        if not await queries.schema_is_installed():
            await queries.install()
        await queries.clear_queue()
        await queries.enqueue([NOOP] * jobs, [None] * jobs, [0] * jobs)
        manager = QueueManager(queries)

        @manager.entrypoint(NOOP)
        async def noop(job: Job) -> None:
            return None

        started = time.perf_counter()
        await manager.run(
            batch_size=batch,
            mode=QueueExecutionMode.drain,
            dequeue_timeout=timedelta(seconds=1),
        )
        seconds = time.perf_counter() - started
        left = await conn.execute("SELECT count(*) FROM pgqueuer")
        row = await left.fetchone()
    assert row is not None and row[0] == 0, f"pgqueuer left {row} jobs"
    return seconds


def procrastinate_drain(conninfo: str, jobs: int, concurrency: int) -> float:
    """Seconds for one procrastinate worker at ``concurrency`` to drain ``jobs`` no-op jobs."""
    return asyncio.run(_procrastinate(conninfo, jobs, concurrency))


async def _procrastinate(conninfo: str, jobs: int, concurrency: int) -> float:
    from procrastinate import App, PsycopgConnector

    app = App(connector=PsycopgConnector(conninfo=conninfo))

    @app.task(name=NOOP)
    async def noop() -> None:
        return None

    async with app.open_async():
        await _procrastinate_schema(app, conninfo)
        no_arguments: dict[str, Any] = {}
        await noop.batch_defer_async(*[no_arguments] * jobs)
        started = time.perf_counter()
        await app.run_worker_async(
            concurrency=concurrency, wait=False, install_signal_handlers=False
        )
        seconds = time.perf_counter() - started
    with psycopg.connect(conninfo) as conn:
        row = conn.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE status = 'succeeded'"
        ).fetchone()
        conn.execute("TRUNCATE procrastinate_jobs CASCADE")
    assert row is not None and row[0] == jobs, f"procrastinate finished {row} of {jobs} jobs"
    return seconds


async def _procrastinate_schema(app: Any, conninfo: str) -> None:
    with psycopg.connect(conninfo) as conn:
        installed = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
    if installed is None or installed[0] is None:
        await app.schema_manager.apply_schema_async()
