"""Crashes, signals, database restarts and poison documents, with real worker processes.

Everything here runs against a private, throwaway PostgreSQL cluster (initdb + pg_ctl in a
temporary folder, on a free port): tests that restart the database never touch the shared one.

No test bets on timing: a worker process may take seconds to start on a busy machine, so each
test waits for what it needs to see (a job ``processing``, a line in the worker's log) before it
kills or signals, under deadlines generous enough for a loaded machine (they end as soon as the
condition holds), and no test asserts that something was fast.
"""

import argparse
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from benchmarks.chaos import (
    READY_TIMEOUT_SECONDS,
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

#: Long enough for a worker to start, claim and finish on a loaded machine; a wait ends as soon
#: as its condition holds.
DEADLINE_SECONDS = READY_TIMEOUT_SECONDS
#: What a worker logs when it handles the first SIGTERM, and when its grace period ran out.
STOPPING = b"stopping: no new jobs"
RELEASED = b"grace period over: released running jobs"


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
    env.update(WORKER_SHUTDOWN_GRACE_SECONDS="10")
    workers = Fleet(env, logs)
    yield workers
    for process in workers.alive():
        process.kill()


def root_of(fleet: Fleet) -> Path:
    return Path(fleet.env["DOCUMENTS_ROOT"])


def wait_for(condition: Callable[[], bool], timeout: float = DEADLINE_SECONDS) -> None:
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
    wait_for(lambda: statuses(cdb) == {"done": 1})
    assert time.monotonic() - killed_at >= 2.0  # not before the lease expired
    assert scalar(cdb, "SELECT attempts FROM pdf_jobs") == 2
    assert tally(cdb).ok
    assert scalar(cdb, "SELECT count(*) FROM document_results") == 1


def test_sigterm_lets_a_running_job_finish(cdb: Database, fleet: Fleet) -> None:
    fleet.env["WORKER_SHUTDOWN_GRACE_SECONDS"] = str(DEADLINE_SECONDS)  # room on a slow machine
    seed_jobs(cdb, root_of(fleet), [report_text(0, job_seconds=1.5)])
    worker = fleet.start()
    wait_for(lambda: statuses(cdb) == {"processing": 1})
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=DEADLINE_SECONDS) == 0
    assert statuses(cdb) == {"done": 1}
    assert not fleet.logged(worker, RELEASED)  # it finished within the grace period


def test_sigterm_releases_a_job_that_outlasts_the_grace_period(cdb: Database, fleet: Fleet) -> None:
    fleet.env["WORKER_SHUTDOWN_GRACE_SECONDS"] = "1"
    seed_jobs(cdb, root_of(fleet), [report_text(0, job_seconds=60)])
    worker = fleet.start()
    wait_for(lambda: statuses(cdb) == {"processing": 1})
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=DEADLINE_SECONDS) == 0
    # Released, not waited for: a worker that let the job run on would have left it done (or
    # timed out, with its attempt charged), and logged no release.
    assert fleet.logged(worker, RELEASED)
    assert statuses(cdb) == {"pending": 1}
    assert scalar(cdb, "SELECT attempts FROM pdf_jobs") == 0  # not charged
    assert scalar(cdb, "SELECT count(*) FROM document_results") == 0


def test_a_second_signal_exits_at_once(cdb: Database, fleet: Fleet) -> None:
    seed_jobs(cdb, root_of(fleet), [report_text(0, job_seconds=60)])
    worker = fleet.start()
    wait_for(lambda: statuses(cdb) == {"processing": 1})
    worker.send_signal(signal.SIGTERM)
    wait_for(lambda: fleet.logged(worker, STOPPING))  # the first signal was handled
    worker.send_signal(signal.SIGTERM)
    # Exit status 128 + SIGTERM is the second signal's way out; a worker that ignored it would
    # exit 0 after its grace period (10 s).
    assert worker.wait(timeout=DEADLINE_SECONDS) == 128 + signal.SIGTERM


def test_database_restart_while_two_workers_process_200_jobs(
    cdb: Database, fleet: Fleet, cluster: LocalPostgres
) -> None:
    fleet.env["WORKER_CONCURRENCY"] = "2"
    seed_jobs(cdb, root_of(fleet), [report_text(n, job_seconds=0.02) for n in range(200)])
    workers = [fleet.start(), fleet.start()]
    wait_for(lambda: statuses(cdb).get("done", 0) >= 50)
    cluster.restart()
    wait_for(lambda: statuses(cdb) == {"done": 200})
    assert all(worker.poll() is None for worker in workers)  # never restarted
    result = tally(cdb)
    assert (result.done, result.lost, result.duplicate_results) == (200, 0, 0)
    logs = "".join(p.read_text() for p in fleet.logs.iterdir())
    assert "database unavailable" in logs  # the restart was felt, and survived
    assert "Traceback" not in logs


def test_after_a_long_outage_every_worker_resumes_within_seconds(
    cdb: Database, fleet: Fleet, cluster: LocalPostgres
) -> None:
    """The reconnect back-off is capped (2 s): a 12-second outage used to grow it to 8 s and
    more, and one worker idled ~27 s after a 30-second outage."""
    workers = [fleet.start(), fleet.start()]
    wait_for(fleet.check_ready)
    cluster.stop("fast")
    time.sleep(12)  # the outage itself, not a wait for something to happen
    cluster.start()
    with Database(cluster.conninfo("bioreport"), max_size=1) as fresh:
        seed_jobs(fresh, root_of(fleet), [report_text(n, job_seconds=5) for n in range(2)])
        # Each job keeps its worker busy for 5 s: the second one is taken by the other worker
        # only if that one came back too.
        wait_for(
            lambda: scalar(fresh, "SELECT count(DISTINCT locked_by) FROM pdf_jobs") == 2,
            timeout=30,
        )
    assert all(worker.poll() is None for worker in workers)
    logs = "".join(p.read_text() for p in fleet.logs.iterdir())
    delays = [float(d) for d in re.findall(r"retry_in_s=([\d.]+)", logs)]
    assert delays and max(delays) <= 2.0, delays


def test_a_poison_document_fails_after_the_maximum_attempts_while_others_finish(
    cdb: Database, fleet: Fleet
) -> None:
    fleet.env["PDF_ISOLATION"] = "none"  # the crash takes the worker down, not a child
    fleet.env["APP_ENV"] = "test"
    texts = [report_text(0, job_seconds=0, poison=True)]
    texts += [report_text(n, job_seconds=0.05) for n in range(1, 21)]
    seed_jobs(cdb, root_of(fleet), texts)
    workers = [fleet.start(), fleet.start()]
    # A supervisor restarts whatever died. Three crashes, each followed by a lease to expire
    # and a replacement to start (seconds each on a loaded machine): the deadline is generous,
    # and the loop ends as soon as every job is settled.
    deadline = time.monotonic() + 2 * DEADLINE_SECONDS
    while time.monotonic() < deadline:
        for index, worker in enumerate(workers):
            if worker.poll() is not None:
                workers[index] = fleet.start()
        counts = statuses(cdb)
        if counts.get("done", 0) + counts.get("failed", 0) == 21:
            break
        time.sleep(0.1)
    assert statuses(cdb) == {"done": 20, "failed": 1}
    # Each crash came before the lease recovery that let the job be claimed again (or fail),
    # so every crashed worker has exited by now.
    crashed = [p.returncode for p in fleet.processes if p.poll() is not None]
    assert crashed == [-signal.SIGKILL] * 3
    poison = scalar(cdb, "SELECT error_message FROM pdf_jobs WHERE status = 'failed'")
    assert poison == "worker lost: no heartbeat for 2 s (attempt 3 of 3)"


def test_a_short_chaos_run_loses_and_duplicates_nothing() -> None:
    """About 20 s of work for 6 slots. A kill comes about every second, but only once every
    worker is ready and never sooner than twice the last start-up: a loaded machine still
    kills working workers, only less often."""
    args = argparse.Namespace(
        jobs=300,
        workers=3,
        concurrency=2,
        job_seconds=0.4,
        kill_every=1.0,
        lease=2.0,
        timeout=10 * DEADLINE_SECONDS,  # the run ends when the queue is drained
        seed=7,
        keep_logs=None,
        db_crashes=0,
    )
    outcome = run(args)
    assert outcome.kills >= 1 and outcome.database_restarts == 1  # the chaos happened
    assert outcome.tally.lost == 0 and outcome.tally.duplicate_results == 0
    assert outcome.tally.done + outcome.tally.failed == 300


def test_the_chaos_script_prints_its_verdict() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.chaos", "--help"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],  # the tests run from a temporary folder
    )
    assert "lost=0 duplicate_results=0" in done.stdout
