import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from bioreport_engine.db.connection import Database
from bioreport_engine.db.documents import UploadedDocumentsRepository
from bioreport_engine.db.jobs import JobRepository, LeaseLost
from bioreport_engine.report import Biomarker, LabReport
from bioreport_engine.results import PipelineResult, StageInfo
from bioreport_engine.stages import StageKind
from bioreport_engine.texts import AnonymizedText, ExtractedText
from tests.integration.helpers import add_jobs, scalar, statuses


def result(*analytes: str) -> PipelineResult:
    rows = tuple(Biomarker(a, "1.0", 1.0, "mg/dL") for a in analytes)
    return PipelineResult(
        ExtractedText(("raw",)),
        AnonymizedText("anon", {"PERSON": 2}),
        LabReport(rows),
        {"extract": 1.0},
        (StageInfo(StageKind.PDF, "fake", "dist", "1"),),
    )


def test_claim_counts_the_attempt_and_sets_the_lock(db: Database) -> None:
    (job_id,) = add_jobs(db, 1)
    jobs = JobRepository(db)
    job = jobs.claim_next_job("worker-a")
    assert job is not None and (job.id, job.attempts, job.locked_by) == (job_id, 1, "worker-a")
    row = jobs.find_by_id(job_id)
    assert row is not None
    assert row["status"] == "processing" and row["locked_at"] is not None
    assert jobs.claim_next_job("worker-b") is None


def test_claim_takes_the_oldest_first(db: Database) -> None:
    ids = add_jobs(db, 3)
    jobs = JobRepository(db)
    assert [j.id for j in jobs.claim_jobs("w", 2)] == ids[:2]


def test_claim_skips_jobs_whose_run_after_is_in_the_future(db: Database) -> None:
    (job_id,) = add_jobs(db, 1)
    with db.get_connection() as conn:
        conn.execute("UPDATE pdf_jobs SET run_after = now() + interval '1 hour'")
    assert JobRepository(db).claim_next_job("w") is None


def test_mark_processing_claims_one_given_job(db: Database) -> None:
    ids = add_jobs(db, 2)
    jobs = JobRepository(db)
    job = jobs.mark_processing(ids[1], "w")
    assert job is not None and job.id == ids[1]
    assert jobs.mark_processing(ids[1], "w") is None  # no longer claimable


def test_done_writes_results_in_the_same_transaction(db: Database) -> None:
    add_jobs(db, 1)
    jobs = JobRepository(db)
    job = jobs.claim_next_job("w")
    assert job is not None
    jobs.mark_done(job, result("Glucose", "Sodium"))
    assert statuses(db) == {"done": 1}
    assert scalar(db, "SELECT count(*) FROM biomarker_results") == 2
    assert scalar(db, "SELECT entity_counts->>'PERSON' FROM document_results") == "2"
    assert scalar(db, "SELECT finished_at IS NOT NULL FROM pdf_jobs") is True


def test_anonymized_text_storage_can_be_turned_off(db: Database) -> None:
    add_jobs(db, 1)
    jobs = JobRepository(db)
    job = jobs.claim_next_job("w")
    assert job is not None
    jobs.mark_done(job, result("Glucose"), store_text=False)
    assert scalar(db, "SELECT anonymized_text IS NULL FROM document_results") is True


def test_a_worker_that_lost_the_job_cannot_finish_it(db: Database) -> None:
    add_jobs(db, 1)
    jobs = JobRepository(db)
    job = jobs.claim_next_job("worker-a")
    assert job is not None
    with db.get_connection() as conn:  # the job was recovered and claimed by worker-b
        conn.execute("UPDATE pdf_jobs SET locked_by = 'worker-b'")
    with pytest.raises(LeaseLost):
        jobs.mark_done(job, result("Glucose"))
    with pytest.raises(LeaseLost):
        jobs.mark_failed(job, "boom")
    with pytest.raises(LeaseLost):
        jobs.retry_later(job, "boom", 1)
    assert statuses(db) == {"processing": 1}
    assert scalar(db, "SELECT count(*) FROM document_results") == 0  # rolled back


def test_a_rerun_replaces_results_instead_of_duplicating_them(db: Database) -> None:
    (job_id,) = add_jobs(db, 1)
    jobs = JobRepository(db)
    first = jobs.claim_next_job("w")
    assert first is not None
    jobs.mark_done(first, result("Glucose", "Sodium", "Potassium"))
    with db.get_connection() as conn:  # e.g. an operator re-queues the document
        conn.execute("UPDATE pdf_jobs SET status = 'pending'")
    second = jobs.claim_next_job("w")
    assert second is not None
    jobs.mark_done(second, result("Glucose"))
    assert scalar(db, "SELECT count(*) FROM document_results") == 1
    assert scalar(db, "SELECT count(*) FROM biomarker_results") == 1


def test_retry_later_returns_the_job_with_a_delay(db: Database) -> None:
    add_jobs(db, 1)
    jobs = JobRepository(db)
    job = jobs.claim_next_job("w")
    assert job is not None
    jobs.retry_later(job, "timeout", 3600)
    assert statuses(db) == {"pending": 1}
    assert scalar(db, "SELECT run_after > now() + interval '59 minutes' FROM pdf_jobs") is True
    assert scalar(db, "SELECT attempts FROM pdf_jobs") == 1
    assert jobs.claim_next_job("w") is None


def test_failed_jobs_can_be_retried(db: Database) -> None:
    ids = add_jobs(db, 3)
    jobs = JobRepository(db)
    for _ in ids:
        job = jobs.claim_next_job("w")
        assert job is not None
        jobs.mark_failed(job, "not a PDF")
    assert jobs.counts_by_status()["failed"] == 3
    assert [j["error_message"] for j in jobs.failed_jobs()] == ["not a PDF"] * 3
    assert jobs.retry_failed([ids[0], 999]) == [ids[0]]
    assert jobs.retry_failed(None) == ids[1:]
    assert statuses(db) == {"pending": 3}
    assert scalar(db, "SELECT max(attempts) FROM pdf_jobs") == 0


def test_documents_repository(db: Database) -> None:
    documents = UploadedDocumentsRepository(db)
    document_id = documents.create("2026/11/x.pdf", "Lab results.pdf", 1234)
    found = documents.find_by_id(document_id)
    assert found is not None
    assert (found.storage_path, found.original_filename, found.size_bytes) == (
        "2026/11/x.pdf",
        "Lab results.pdf",
        1234,
    )
    assert documents.find_by_id(document_id + 1) is None


def test_a_document_and_its_job_are_created_together_or_not_at_all(db: Database) -> None:
    documents = UploadedDocumentsRepository(db)
    document_id, job_id = documents.create_with_job("a.pdf", "a.pdf", 10)
    assert scalar(db, f"SELECT uploaded_document_id FROM pdf_jobs WHERE id = {job_id}") == (
        document_id
    )
    assert statuses(db) == {"pending": 1}
    with db.get_connection() as conn:  # make the job's insert fail
        conn.execute(
            """CREATE FUNCTION refuse_job() RETURNS trigger LANGUAGE plpgsql AS
               $$ BEGIN RAISE EXCEPTION 'no jobs today'; END $$;
               CREATE TRIGGER refuse_job BEFORE INSERT ON pdf_jobs
               FOR EACH ROW EXECUTE FUNCTION refuse_job()"""
        )
    try:
        with pytest.raises(psycopg.errors.RaiseException):
            documents.create_with_job("b.pdf", "b.pdf", 10)
    finally:
        with db.get_connection() as conn:
            conn.execute("DROP TRIGGER refuse_job ON pdf_jobs; DROP FUNCTION refuse_job()")
    assert scalar(db, "SELECT count(*) FROM uploaded_documents") == 1


def test_contention_every_job_is_claimed_exactly_once(db: Database, pg: object) -> None:
    """8 threads, each with its own connection, claim from 2,000 jobs until none is left."""
    ids = add_jobs(db, 2000)
    claimed: list[list[int]] = [[] for _ in range(8)]
    start = threading.Barrier(8)

    def drain(slot: int) -> None:
        with Database(db.conninfo, max_size=1) as own:
            jobs = JobRepository(own)
            start.wait()
            while (job := jobs.claim_next_job(f"worker-{slot}")) is not None:
                claimed[slot].append(job.id)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(drain, range(8)))
    every = [job_id for ids_of_one in claimed for job_id in ids_of_one]
    assert len(every) == 2000
    assert sorted(every) == sorted(ids)
    assert sum(1 for ids_of_one in claimed if ids_of_one) > 1  # they really competed
    assert statuses(db) == {"processing": 2000}
    assert scalar(db, "SELECT max(attempts) FROM pdf_jobs") == 1


def expire(db: Database, seconds: int = 600) -> None:
    with db.get_connection() as conn:
        conn.execute(
            "UPDATE pdf_jobs SET locked_at = now() - make_interval(secs => %s) "
            "WHERE status = 'processing'",
            (seconds,),
        )


def test_expired_leases_are_recovered_to_pending(db: Database) -> None:
    add_jobs(db, 2)
    jobs = JobRepository(db)
    lost, alive = jobs.claim_jobs("dead-worker", 2)
    expire(db)
    assert jobs.heartbeat("live-worker", [alive.id]) == set()  # not its job
    with db.get_connection() as conn:
        conn.execute("UPDATE pdf_jobs SET locked_at = now() WHERE id = %s", (alive.id,))
    recovered = jobs.recover_expired(lease_seconds=300, max_attempts=3)
    assert [(r["id"], r["status"], r["locked_by"]) for r in recovered] == [
        (lost.id, "pending", "dead-worker")
    ]
    row = jobs.find_by_id(lost.id)
    assert row is not None
    assert row["error_message"] == "worker lost: no heartbeat for 300 s (attempt 1 of 3)"
    assert row["attempts"] == 1  # the lost attempt stays counted
    assert jobs.claim_next_job("live-worker") is not None  # claimable again


def test_an_expired_job_with_no_attempts_left_fails(db: Database) -> None:
    add_jobs(db, 1)
    jobs = JobRepository(db)
    jobs.claim_next_job("dead-worker")
    with db.get_connection() as conn:
        conn.execute("UPDATE pdf_jobs SET attempts = 3")
    expire(db)
    (recovered,) = jobs.recover_expired(lease_seconds=300, max_attempts=3)
    assert recovered["status"] == "failed"
    assert scalar(db, "SELECT error_message FROM pdf_jobs") == (
        "worker lost: no heartbeat for 300 s (attempt 3 of 3)"
    )


def test_heartbeat_refreshes_only_the_owners_jobs(db: Database) -> None:
    add_jobs(db, 1)
    jobs = JobRepository(db)
    job = jobs.claim_next_job("w")
    assert job is not None
    expire(db)
    assert jobs.heartbeat("w", [job.id]) == {job.id}
    assert jobs.recover_expired(lease_seconds=300, max_attempts=3) == []


def test_release_does_not_charge_the_attempt(db: Database) -> None:
    add_jobs(db, 2)
    jobs = JobRepository(db)
    claimed = jobs.claim_jobs("w", 2)
    assert jobs.release(claimed) == sorted(j.id for j in claimed)
    assert statuses(db) == {"pending": 2}
    assert scalar(db, "SELECT max(attempts) FROM pdf_jobs") == 0


def test_recovery_skips_a_job_whose_worker_is_finishing_it(db: Database) -> None:
    """The finisher holds the row: recovery skips it, and the finisher's outcome stands."""
    add_jobs(db, 1)
    jobs = JobRepository(db)
    job = jobs.claim_next_job("w")
    assert job is not None
    expire(db)
    with db.get_connection() as finisher:
        finisher.execute(
            "UPDATE pdf_jobs SET status = 'done' WHERE id = %s AND locked_by = 'w'", (job.id,)
        )
        assert jobs.recover_expired(lease_seconds=300, max_attempts=3) == []
    assert statuses(db) == {"done": 1}


def test_a_finisher_that_waited_on_recovery_loses_its_lease(db: Database) -> None:
    """Recovery holds the row first: the finisher waits, then no longer matches."""
    add_jobs(db, 1)
    jobs = JobRepository(db)
    job = jobs.claim_next_job("w")
    assert job is not None
    expire(db)
    outcome: list[BaseException | None] = []
    with db.get_connection() as reaper:
        reaper.execute(
            "UPDATE pdf_jobs SET status = 'pending', locked_at = NULL WHERE id = %s", (job.id,)
        )

        def finish() -> None:
            try:
                jobs.mark_failed(job, "too late")
                outcome.append(None)
            except LeaseLost as exc:
                outcome.append(exc)

        finishing = threading.Thread(target=finish)
        finishing.start()
        finishing.join(0.5)
        assert finishing.is_alive()  # blocked on the row lock
    finishing.join(5)
    assert isinstance(outcome[0], LeaseLost)
    assert statuses(db) == {"pending": 1}
