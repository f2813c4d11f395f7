"""Crashes, signals, database restarts and poison documents, with real worker processes.

Everything here runs against a private, throwaway PostgreSQL cluster (initdb + pg_ctl in a
temporary folder, on a free port): tests that restart the database never touch the shared one.
"""

import argparse
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from benchmarks.chaos import (
    Fleet,
    private_postgres,
    report_text,
    run,
    seed_jobs,
    tally,
    worker_env,
)
from bioreport_engine.db.connection import Database, DatabaseUnavailable
from bioreport_engine.localdb import LocalPostgres
from tests.integration.conftest import TABLES
from tests.integration.helpers import scalar, statuses


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalPostgres]:
    with private_postgres() as server:
        yield server


@pytest.fixture
def cdb(cluster: LocalPostgres) -> Iterator[Database]:
    with Database(cluster.conninfo("bioreport"), max_size=2) as db:
        with db.get_connection() as conn:
            conn.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
        yield db


@pytest.fixture
def fleet(cluster: LocalPostgres, tmp_path: Path) -> Iterator[Fleet]:
    root, logs = tmp_path / "documents", tmp_path / "logs"
    root.mkdir()
    logs.mkdir()
    env = worker_env(cluster, root, lease=2.0, concurrency=1)
    env.update(LOG_LEVEL="INFO", WORKER_SHUTDOWN_GRACE_SECONDS="10")
    workers = Fleet(env, logs)
    yield workers
    for process in workers.alive():
        process.kill()


def root_of(fleet: Fleet) -> Path:
    return Path(fleet.env["DOCUMENTS_ROOT"])


def wait_for(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except DatabaseUnavailable:
            pass
        time.sleep(0.05)
    raise AssertionError(f"condition not met within {timeout} s")


def test_sigkill_during_a_job_another_worker_completes_it_after_the_lease(
    cdb: Database, fleet: Fleet
) -> None:
    seed_jobs(cdb, root_of(fleet), [report_text(0, job_seconds=3)])
    first = fleet.start()
    wait_for(lambda: statuses(cdb) == {"processing": 1})
    first.kill()
    first.wait()
    killed_at = time.monotonic()
    fleet.start()
    wait_for(lambda: statuses(cdb) == {"done": 1}, timeout=30)
    assert time.monotonic() - killed_at >= 2.0  # not before the lease expired
    assert scalar(cdb, "SELECT attempts FROM pdf_jobs") == 2
    assert tally(cdb).ok
    assert scalar(cdb, "SELECT count(*) FROM document_results") == 1


def test_sigterm_lets_a_running_job_finish(cdb: Database, fleet: Fleet) -> None:
    seed_jobs(cdb, root_of(fleet), [report_text(0, job_seconds=1.5)])
    worker = fleet.start()
    wait_for(lambda: statuses(cdb) == {"processing": 1})
    signalled = time.monotonic()
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=10) == 0
    assert time.monotonic() - signalled < 10  # within the grace period
    assert statuses(cdb) == {"done": 1}


def test_sigterm_releases_a_job_that_outlasts_the_grace_period(cdb: Database, fleet: Fleet) -> None:
    fleet.env["WORKER_SHUTDOWN_GRACE_SECONDS"] = "1"
    seed_jobs(cdb, root_of(fleet), [report_text(0, job_seconds=60)])
    worker = fleet.start()
    wait_for(lambda: statuses(cdb) == {"processing": 1})
    signalled = time.monotonic()
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=10) == 0
    assert time.monotonic() - signalled < 5
    assert statuses(cdb) == {"pending": 1}
    assert scalar(cdb, "SELECT attempts FROM pdf_jobs") == 0  # not charged
    assert scalar(cdb, "SELECT count(*) FROM document_results") == 0


def test_a_second_signal_exits_at_once(cdb: Database, fleet: Fleet) -> None:
    seed_jobs(cdb, root_of(fleet), [report_text(0, job_seconds=60)])
    worker = fleet.start()
    wait_for(lambda: statuses(cdb) == {"processing": 1})
    worker.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=5) == 128 + signal.SIGTERM


def test_database_restart_while_two_workers_process_200_jobs(
    cdb: Database, fleet: Fleet, cluster: LocalPostgres
) -> None:
    fleet.env["WORKER_CONCURRENCY"] = "2"
    seed_jobs(cdb, root_of(fleet), [report_text(n, job_seconds=0.02) for n in range(200)])
    workers = [fleet.start(), fleet.start()]
    wait_for(lambda: statuses(cdb).get("done", 0) >= 50)
    cluster.restart()
    wait_for(lambda: statuses(cdb) == {"done": 200}, timeout=90)
    assert all(worker.poll() is None for worker in workers)  # never restarted
    result = tally(cdb)
    assert (result.done, result.lost, result.duplicate_results) == (200, 0, 0)
    logs = "".join(p.read_text() for p in fleet.logs.iterdir())
    assert "database unavailable" in logs  # the restart was felt, and survived
    assert "Traceback" not in logs


def test_a_poison_document_fails_after_the_maximum_attempts_while_others_finish(
    cdb: Database, fleet: Fleet
) -> None:
    fleet.env["PDF_ISOLATION"] = "none"  # the crash takes the worker down, not a child
    texts = [report_text(0, job_seconds=0, poison=True)]
    texts += [report_text(n, job_seconds=0.05) for n in range(1, 21)]
    seed_jobs(cdb, root_of(fleet), texts)
    workers = [fleet.start(), fleet.start()]
    crashes = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # a supervisor: restart whatever died
        for index, worker in enumerate(workers):
            if worker.poll() is not None:
                assert worker.returncode == -signal.SIGKILL
                crashes += 1
                workers[index] = fleet.start()
        counts = statuses(cdb)
        if counts.get("done", 0) + counts.get("failed", 0) == 21:
            break
        time.sleep(0.1)
    assert statuses(cdb) == {"done": 20, "failed": 1}
    assert crashes == 3
    poison = scalar(cdb, "SELECT error_message FROM pdf_jobs WHERE status = 'failed'")
    assert poison == "worker lost: no heartbeat for 2 s (attempt 3 of 3)"


def test_a_short_chaos_run_loses_and_duplicates_nothing() -> None:
    args = argparse.Namespace(
        jobs=150,
        workers=3,
        concurrency=2,
        job_seconds=0.03,
        kill_every=1.0,
        lease=2.0,
        timeout=120,
        seed=7,
        keep_logs=None,
    )
    result = run(args)
    assert result.lost == 0 and result.duplicate_results == 0
    assert result.done + result.failed == 150


def test_the_chaos_script_prints_its_verdict() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.chaos", "--help"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],  # the tests run from a temporary folder
    )
    assert "lost=0 duplicate_results=0" in done.stdout
