"""The lease keeper: what it refreshes, what it reports lost, what it recovers, and that a
database outage does not stop it."""

import logging
import time
from types import SimpleNamespace
from typing import Any

import psycopg

from bioreport_engine.db.jobs import JobRecord
from bioreport_engine.worker.lease import LeaseKeeper
from tests.logs import engine_log

LOST = "lease lost: another worker owns the job; its result will be abandoned"
RECOVERED = "recovered a job from a lost worker"
UPKEEP_FAILED = "lease upkeep failed; retrying"


class Jobs:
    """The repository's lease statements, answered from memory and recorded."""

    def __init__(self) -> None:
        self.owned: set[int] = set()
        self.beats: list[tuple[str, list[int]]] = []
        self.expired: list[dict[str, Any]] = []
        self.reaps: list[tuple[float, int]] = []
        self.failures: list[Exception] = []
        self.db = SimpleNamespace(conninfo="host=db.example port=6543 dbname=labs user=app")

    def heartbeat(self, worker: str, job_ids: list[int]) -> set[int]:
        self.beats.append((worker, job_ids))
        if self.failures:
            raise self.failures.pop(0)
        return set(job_ids) & self.owned

    def recover_expired(self, lease_seconds: float, max_attempts: int) -> list[dict[str, Any]]:
        self.reaps.append((lease_seconds, max_attempts))
        expired, self.expired = self.expired, []
        return expired


def keeper(jobs: Jobs, running: list[JobRecord], heartbeat_seconds: float = 1) -> LeaseKeeper:
    return LeaseKeeper(
        jobs,  # type: ignore[arg-type]
        "w",
        lambda: running,
        heartbeat_seconds=heartbeat_seconds,
        lease_seconds=10,
        max_attempts=3,
    )


def test_a_beat_refreshes_this_workers_running_jobs() -> None:
    jobs, running = Jobs(), [JobRecord(7, 1, 1, "w"), JobRecord(3, 2, 1, "w")]
    jobs.owned = {3, 7}
    with engine_log() as log:
        keeper(jobs, running).beat()
    assert jobs.beats == [("w", [3, 7])]
    assert log.messages(logging.WARNING) == []


def test_a_job_missed_by_two_heartbeats_in_a_row_is_lost_and_said_once() -> None:
    jobs, running = Jobs(), [JobRecord(1, 1, 1, "w"), JobRecord(2, 2, 1, "w")]
    jobs.owned = {1}
    lease = keeper(jobs, running)
    with engine_log() as log:
        lease.beat()
        assert lease.lost == set()  # job 2 may just have finished
        assert log.context(LOST) == []
        lease.beat()
        assert lease.lost == {2}
        lease.beat()  # still missing: already reported
    assert log.context(LOST) == [{"job_id": 2}]
    assert [r.levelno for r in log.records if r.getMessage() == LOST] == [logging.WARNING]


def test_a_job_that_finished_between_beats_is_not_lost() -> None:
    jobs, running = Jobs(), [JobRecord(1, 1, 1, "w")]
    lease = keeper(jobs, running)
    with engine_log() as log:
        lease.beat()  # job 1 was marked done a moment before: not owned, still listed
        running.clear()
        lease.beat()
    assert lease.lost == set()
    assert log.context(LOST) == []
    assert jobs.beats == [("w", [1]), ("w", [])]


def test_each_recovered_job_is_reported_with_its_lost_worker() -> None:
    jobs = Jobs()
    jobs.expired = [
        {"id": 4, "status": "pending", "locked_by": "host:12:abc"},
        {"id": 5, "status": "failed", "locked_by": "host:13:def"},
    ]
    with engine_log() as log:
        keeper(jobs, []).reap()
    assert jobs.reaps == [(10, 3)]
    assert log.context(RECOVERED) == [
        {"job_id": 4, "now": "pending", "lost_worker": "host:12:abc"},
        {"job_id": 5, "now": "failed", "lost_worker": "host:13:def"},
    ]


def test_an_outage_is_logged_with_the_server_and_the_upkeep_goes_on() -> None:
    jobs, running = Jobs(), [JobRecord(1, 1, 1, "w")]
    jobs.owned = {1}
    jobs.failures = [psycopg.OperationalError("connection refused")]
    lease = keeper(jobs, running, heartbeat_seconds=0.01)
    with engine_log() as log:
        lease.start()
        try:
            # Generous: the second beat comes 10 ms after the first on an idle machine.
            deadline = time.monotonic() + 30
            while len(jobs.beats) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            lease.stop()
            lease.join(10)
    assert len(jobs.beats) >= 2, "the keeper stopped after the outage"
    (context,) = log.context(UPKEEP_FAILED)
    assert context["host"] == "db.example" and context["port"] == "6543"
    assert context["database"] == "labs"
    assert jobs.reaps, "recovery ran once the database was back"
    assert lease.lost == set()


def test_the_recovery_interval_is_a_quarter_lease_within_bounds() -> None:
    assert keeper(Jobs(), []).reap_every == 2.5
