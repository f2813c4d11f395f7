"""Complete-and-fetch, prefetch and batch claims against the real PostgreSQL: a job's finish, its
result rows and the slot's next claim in one statement, with every guarantee of the queue."""

import threading
from collections.abc import Iterable
from pathlib import Path

import psycopg
import pytest

from bioreport_engine import LabReport, StageSpec, Structurer, hookimpl
from bioreport_engine.db.connection import Database
from bioreport_engine.db.jobs import Follow, JobRecord, JobRepository, LeaseLost
from bioreport_engine.testing.fakes import FakePlugin, RecordingStructurer
from bioreport_engine.texts import AnonymizedText
from tests.integration.helpers import add_jobs, scalar, statuses
from tests.integration.test_job_repository import expire, result
from tests.integration.test_worker import pipeline_with, running_worker, wait_until


def attempts(db: Database) -> dict[int, int]:
    with db.get_connection() as conn:
        rows = conn.execute("SELECT id, attempts FROM pdf_jobs ORDER BY id").fetchall()
    return {row["id"]: row["attempts"] for row in rows}


def claim(jobs: JobRepository, worker: str = "w", prefetch: int = 0) -> JobRecord:
    claimed = jobs.claim_jobs(worker, 1, prefetch=prefetch)
    return claimed[0]


def test_finishing_a_job_claims_the_next_in_the_same_statement(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_id, second_id = add_jobs(db, 2)
    jobs = JobRepository(db)
    first = claim(jobs)
    statements: list[object] = []
    execute = psycopg.Cursor.execute

    def counting(
        cursor: psycopg.Cursor[object], query: object, *args: object, **kw: object
    ) -> object:
        statements.append(query)
        return execute(cursor, query, *args, **kw)  # type: ignore[call-overload]

    monkeypatch.setattr(psycopg.Cursor, "execute", counting)
    handover = jobs.mark_done(first, result("Glucose", "Sodium"), then=Follow(claim=1, charge=1))
    monkeypatch.undo()

    assert len(statements) == 1  # and in autocommit: no BEGIN, no COMMIT
    assert [job.id for job in handover.claimed] == [second_id]
    (second,) = handover.claimed
    assert (second.charged, second.attempts, second.locked_by) == (True, 1, "w")
    assert second.storage_path is not None
    assert statuses(db) == {"done": 1, "processing": 1}
    assert attempts(db) == {first_id: 1, second_id: 1}
    assert scalar(db, "SELECT count(*) FROM biomarker_results") == 2
    assert scalar(db, "SELECT job_id FROM document_results") == first_id


def test_an_empty_queue_hands_over_nothing(db: Database) -> None:
    add_jobs(db, 1)
    jobs = JobRepository(db)
    handover = jobs.mark_done(claim(jobs), result("Glucose"), then=Follow(claim=1, charge=1))
    assert handover.finished and handover.claimed == () and handover.started is None
    assert statuses(db) == {"done": 1}


def test_a_lost_lease_writes_nothing_but_the_next_job_is_still_ours(db: Database) -> None:
    """The finished job went to another worker: its outcome and results are abandoned, and the
    job the same statement claimed belongs to this worker, charged once, not lost."""
    first_id, second_id = add_jobs(db, 2)
    jobs = JobRepository(db)
    first = claim(jobs)
    with db.get_connection() as conn:  # recovered, then claimed by worker-b
        conn.execute("UPDATE pdf_jobs SET locked_by = 'worker-b' WHERE id = %s", (first_id,))

    with pytest.raises(LeaseLost) as lost:
        jobs.mark_done(first, result("Glucose"), then=Follow(claim=1, charge=1))

    (second,) = lost.value.handover.claimed
    assert (second.id, second.locked_by, second.attempts) == (second_id, "w", 1)
    assert scalar(db, "SELECT locked_by FROM pdf_jobs WHERE id = %s", first_id) == "worker-b"
    assert statuses(db) == {"processing": 2}
    assert scalar(db, "SELECT count(*) FROM document_results") == 0
    assert scalar(db, "SELECT count(*) FROM biomarker_results") == 0
    # The next job finishes normally.
    jobs.mark_done(second, result("Sodium"))
    assert scalar(db, "SELECT status FROM pdf_jobs WHERE id = %s", second_id) == "done"


def test_a_failure_and_a_retry_also_hand_over_the_next_job(db: Database) -> None:
    ids = add_jobs(db, 3)
    jobs = JobRepository(db)
    first = claim(jobs)
    (second,) = jobs.retry_later(first, "timeout", 60, then=Follow(claim=1, charge=1)).claimed
    (third,) = jobs.mark_failed(second, "encrypted", then=Follow(claim=1, charge=1)).claimed
    assert [first.id, second.id, third.id] == ids  # the retried job waits: not claimed again
    assert statuses(db) == {"pending": 1, "failed": 1, "processing": 1}


def test_a_rerun_with_fewer_rows_replaces_the_results(db: Database) -> None:
    add_jobs(db, 1)
    jobs = JobRepository(db)
    jobs.mark_done(claim(jobs), result("Glucose", "Sodium", "Potassium"))
    with db.get_connection() as conn:  # run again, as after a recovery
        conn.execute("UPDATE pdf_jobs SET status = 'pending'")
    jobs.mark_done(claim(jobs), result("Chloride"))
    assert scalar(db, "SELECT string_agg(analyte, ',') FROM biomarker_results") == "Chloride"
    assert scalar(db, "SELECT count(*) FROM document_results") == 1


def test_a_batch_claim_charges_the_jobs_that_start_and_not_the_prefetched(db: Database) -> None:
    ids = add_jobs(db, 5)
    jobs = JobRepository(db)
    claimed = jobs.claim_jobs("w", 2, prefetch=2)
    assert [(job.id, job.charged, job.attempts) for job in claimed] == [
        (ids[0], True, 1),
        (ids[1], True, 1),
        (ids[2], False, 0),
        (ids[3], False, 0),
    ]
    assert statuses(db) == {"processing": 4, "pending": 1}
    assert jobs.heartbeat("w", [job.id for job in claimed]) == {job.id for job in claimed}
    assert jobs.release(claimed) == ids[:4]
    assert set(attempts(db).values()) == {0}  # refunded where charged, untouched elsewhere


def test_a_short_queue_is_claimed_to_start_not_to_hold(db: Database) -> None:
    add_jobs(db, 1)
    (job,) = JobRepository(db).claim_jobs("w", 1, prefetch=1)
    assert job.charged and job.attempts == 1


def test_a_prefetched_job_starts_in_the_statement_that_finishes_the_current_one(
    db: Database,
) -> None:
    first_id, second_id, third_id = add_jobs(db, 3)
    jobs = JobRepository(db)
    current, held = jobs.claim_jobs("w", 1, prefetch=1)
    handover = jobs.mark_done(current, result("Glucose"), then=Follow(claim=1, start=held))
    assert handover.started is not None
    assert (handover.started.id, handover.started.attempts) == (second_id, 1)
    assert handover.started.charged
    (next_held,) = handover.claimed
    assert (next_held.id, next_held.charged) == (third_id, False)
    assert attempts(db) == {first_id: 1, second_id: 1, third_id: 0}


def test_a_prefetched_job_of_a_dead_worker_is_recovered_uncharged(db: Database) -> None:
    running_id, held_id = add_jobs(db, 2)
    jobs = JobRepository(db)
    jobs.claim_jobs("dead-worker", 1, prefetch=1)
    expire(db)
    assert {row["id"] for row in jobs.recover_expired(300, max_attempts=1)} == {
        running_id,
        held_id,
    }
    # The job that ran used its only attempt; the held one never ran and is claimable again.
    assert scalar(db, "SELECT status FROM pdf_jobs WHERE id = %s", running_id) == "failed"
    assert scalar(db, "SELECT status FROM pdf_jobs WHERE id = %s", held_id) == "pending"
    assert attempts(db)[held_id] == 0


class GatedStructurer(RecordingStructurer):
    """Holds every call until ``go`` is set; ``entered`` tells that a call is waiting."""

    def __init__(self) -> None:
        super().__init__()
        self.go = threading.Event()
        self.entered = threading.Event()

    def structure(self, text: AnonymizedText) -> LabReport:
        self.entered.set()
        assert self.go.wait(30)
        return super().structure(text)


class GatedPlugin:
    def __init__(self) -> None:
        self.structurer = GatedStructurer()

    @hookimpl
    def bioreport_structurers(self) -> Iterable[StageSpec[Structurer]]:
        return [StageSpec("gated", lambda: self.structurer)]


def test_a_worker_releases_its_prefetched_job_on_shutdown_without_charge(
    db: Database, tmp_path: Path
) -> None:
    gated = GatedPlugin()
    ids = add_jobs(db, 3, tmp_path)
    pipeline = pipeline_with(FakePlugin(), gated, llm="gated")
    with running_worker(db, pipeline, tmp_path, prefetch=True) as worker:
        assert gated.structurer.entered.wait(30)  # the first job runs, the second is held
        assert statuses(db) == {"processing": 2, "pending": 1}
        assert len(worker.running_jobs()) == 2  # the heartbeat covers the held job
        worker.stop()
        gated.structurer.go.set()
        assert wait_until(lambda: statuses(db) == {"done": 1, "pending": 2})
    assert attempts(db) == {ids[0]: 1, ids[1]: 0, ids[2]: 0}


def test_a_prefetching_worker_drains_the_queue(db: Database, tmp_path: Path) -> None:
    add_jobs(db, 20, tmp_path)
    with running_worker(db, pipeline_with(FakePlugin()), tmp_path, concurrency=2, prefetch=True):
        assert wait_until(lambda: statuses(db) == {"done": 20}, timeout=30)
    assert set(attempts(db).values()) == {1}
    assert scalar(db, "SELECT count(*) FROM document_results") == 20
