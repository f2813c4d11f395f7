"""Shared by the benchmarks: a scratch database on the machine's PostgreSQL, worker processes,
and no-op documents."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from bioreport_engine.db.connection import Database
from bioreport_engine.db.migrate import migrate

ADMIN = os.environ.get(
    "BENCH_DATABASE_ADMIN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
)
#: Toy stages from tests/plugin_example: next to no work, so the queue's own cost shows.
NOOP_STAGES = {
    "PDF_ENGINE": "example-text",
    "PII_ENGINE": "example-mask",
    "LLM_ENGINE": "none",
    "PDF_ISOLATION": "none",
    "APP_ENV": "test",  # PDF_ISOLATION=none is refused elsewhere
}


@contextmanager
def scratch_database(migrated: bool = True) -> Iterator[tuple[str, dict[str, str]]]:
    """A database on the machine's server, migrated unless it is for another system:
    (conninfo, the engine's DB_* settings)."""
    name = f"bioreport_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    params = {**conninfo_to_dict(ADMIN), "dbname": name}
    conninfo = make_conninfo(**params)  # type: ignore[arg-type]
    try:
        if migrated:
            with Database(conninfo).connect() as conn:
                migrate(conn)
        yield (
            conninfo,
            {
                "DB_HOST": str(params.get("host", "127.0.0.1")),
                "DB_PORT": str(params.get("port", "5432")),
                "DB_DATABASE": name,
                "DB_USERNAME": str(params.get("user", "postgres")),
            },
        )
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed_noop_jobs(conninfo: str, root: Path, count: int) -> None:
    """``count`` pending jobs over one tiny text document (the no-op stages read text)."""
    (root / "noop.txt").write_text("Patient: Nobody\nGlucose  100  mg/dL\n")
    with psycopg.connect(conninfo) as conn:
        conn.execute(
            "TRUNCATE uploaded_documents, pdf_jobs, document_results, biomarker_results"
            " RESTART IDENTITY CASCADE"
        )
        conn.execute(
            """WITH docs AS (
                   INSERT INTO uploaded_documents (storage_path, original_filename, size_bytes)
                   SELECT 'noop.txt', 'noop.txt', 40 FROM generate_series(1, %s) RETURNING id)
               INSERT INTO pdf_jobs (uploaded_document_id) SELECT id FROM docs""",
            (count,),
        )


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bioreport_engine", "worker"],
        env={**os.environ, **env, "LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_listeners(conninfo: str, count: int, timeout: float = 120) -> None:
    """Return once ``count`` workers listen for jobs: each has built its pipeline and started
    (a worker takes seconds to start on a busy machine, and a start during a drain would take
    the drain's CPU)."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(conninfo, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND query IN ('LISTEN bioreport_jobs', 'SELECT 1')"  # the listener's two
            ).fetchone()
            if row is not None and row[0] >= count:
                return
            time.sleep(0.1)
    raise TimeoutError(f"{count} workers did not start within {timeout} s")


def wait_until_ended(conninfo: str, jobs: int) -> None:
    """Return once ``jobs`` jobs are ``done`` or ``failed``. One connection polls every 20 ms:
    a connection per poll would fork a server process each time, on the cores the drain uses."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        while True:
            row = conn.execute(
                "SELECT count(*) FROM pdf_jobs WHERE status IN ('done', 'failed')"
            ).fetchone()
            if row is not None and row[0] >= jobs:
                return
            time.sleep(0.02)


def timed_drain(
    conninfo: str, root: Path, settings: dict[str, str], processes: int, jobs: int
) -> float:
    """Start ``processes`` workers, let them go idle, queue ``jobs`` no-op jobs in one INSERT and
    return the seconds until every one has ended (start-up is not counted)."""
    seed_noop_jobs(conninfo, root, 0)
    fleet = [start_worker({**settings, "DOCUMENTS_ROOT": str(root)}) for _ in range(processes)]
    try:
        wait_for_listeners(conninfo, processes)
        time.sleep(1)  # past each worker's first claim
        seed_noop_jobs(conninfo, root, jobs)
        started = time.perf_counter()
        wait_until_ended(conninfo, jobs)
        return time.perf_counter() - started
    finally:
        for process in fleet:
            process.send_signal(signal.SIGTERM)
        for process in fleet:
            process.wait(60)
