"""``pdf_jobs``: claiming, finishing and retrying jobs.

The claim is one statement that commits at once; no transaction stays open while a job runs.
Every write that finishes a job checks that this worker still owns it (``status`` and
``locked_by``), so a worker that lost its lease cannot overwrite another worker's outcome.
"""

from dataclasses import dataclass
from typing import Any

from bioreport_engine.db.connection import Connection, Database
from bioreport_engine.db.results import write_results
from bioreport_engine.errors import BioreportError
from bioreport_engine.results import PipelineResult

STATUSES = ("pending", "processing", "done", "failed")

CLAIM = """
WITH next AS (
    SELECT id FROM pdf_jobs
    WHERE status = 'pending' AND run_after <= now() {only_id}
    ORDER BY run_after, id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
UPDATE pdf_jobs AS job
SET status = 'processing', attempts = job.attempts + 1, locked_by = %(worker)s,
    locked_at = now(), updated_at = now()
FROM next
WHERE job.id = next.id
RETURNING job.id, job.uploaded_document_id, job.attempts, job.locked_by,
    (SELECT storage_path FROM uploaded_documents d WHERE d.id = job.uploaded_document_id)
        AS storage_path
"""
CLAIM_NEXT = CLAIM.format(only_id="")
CLAIM_ONE = CLAIM.format(only_id="AND id = %(job_id)s")

# The ownership check shared by every finishing write.
OWNED = "id = %(job_id)s AND status = 'processing' AND locked_by = %(worker)s"


class LeaseLost(BioreportError):
    """This worker no longer owns the job: its outcome is abandoned, another worker's stands."""


@dataclass(frozen=True)
class JobRecord:
    """A job as claimed by one worker."""

    id: int
    uploaded_document_id: int
    attempts: int
    locked_by: str
    #: The document's file, fetched by the claim itself (``None``: the document row is gone).
    storage_path: str | None = None


class JobRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def claim_jobs(self, worker: str, limit: int = 1) -> list[JobRecord]:
        """Claim up to ``limit`` claimable jobs for ``worker``, counting an attempt on each."""
        with self.db.get_connection() as conn:
            rows = conn.execute(CLAIM_NEXT, {"worker": worker, "limit": limit}).fetchall()
        return [JobRecord(**row) for row in rows]

    def claim_next_job(self, worker: str) -> JobRecord | None:
        """Claim the oldest claimable job (``FOR UPDATE SKIP LOCKED``), or return ``None``."""
        jobs = self.claim_jobs(worker, 1)
        return jobs[0] if jobs else None

    def mark_processing(self, job_id: int, worker: str) -> JobRecord | None:
        """Claim one given job if it is claimable (``None`` otherwise)."""
        with self.db.get_connection() as conn:
            params = {"worker": worker, "limit": 1, "job_id": job_id}
            row = conn.execute(CLAIM_ONE, params).fetchone()
        return None if row is None else JobRecord(**row)

    def mark_done(self, job: JobRecord, result: PipelineResult, store_text: bool = True) -> None:
        """Write the results and mark the job done, in one transaction, if this worker still
        owns the job; a rerun of a document replaces its results. Raises :class:`LeaseLost`."""
        with self.db.get_connection() as conn, conn.transaction():
            self._update_owned(
                conn, job, "status = 'done', error_message = NULL, finished_at = now()"
            )
            with conn.pipeline():  # the result rows travel in one round trip
                write_results(conn, job.id, job.uploaded_document_id, result, store_text)

    def mark_failed(self, job: JobRecord, error: str) -> None:
        """End the job ``failed`` with ``error`` (short, no document data)."""
        self._finish(
            job,
            "status = 'failed', error_message = %(error)s, finished_at = now()",
            error=error,
        )

    def retry_later(self, job: JobRecord, error: str, delay_seconds: float) -> None:
        """Return the job to ``pending``, claimable again after ``delay_seconds``.

        The attempt was already counted by the claim (the task card's ``increment_attempts``).
        """
        self._finish(
            job,
            "status = 'pending', error_message = %(error)s, locked_at = NULL, "
            "run_after = now() + make_interval(secs => %(delay)s)",
            error=error,
            delay=delay_seconds,
        )

    def release(self, jobs: list[JobRecord]) -> list[int]:
        """Return jobs this worker will not finish (shutdown) to ``pending``, without charging
        the attempt the claim counted."""
        if not jobs:
            return []
        with self.db.get_connection() as conn:
            rows = conn.execute(
                """UPDATE pdf_jobs SET status = 'pending', attempts = greatest(attempts - 1, 0),
                       locked_at = NULL, run_after = now(), updated_at = now()
                   WHERE id = ANY(%(ids)s) AND status = 'processing' AND locked_by = %(worker)s
                   RETURNING id""",
                {"ids": [job.id for job in jobs], "worker": jobs[0].locked_by},
            ).fetchall()
        return sorted(row["id"] for row in rows)

    def heartbeat(self, worker: str, job_ids: list[int]) -> set[int]:
        """Refresh the lease of the given running jobs; return those this worker still owns."""
        if not job_ids:
            return set()
        with self.db.get_connection() as conn:
            rows = conn.execute(
                """UPDATE pdf_jobs SET locked_at = now()
                   WHERE id = ANY(%(ids)s) AND status = 'processing' AND locked_by = %(worker)s
                   RETURNING id""",
                {"ids": job_ids, "worker": worker},
            ).fetchall()
        return {row["id"] for row in rows}

    def recover_expired(
        self, lease_seconds: float, max_attempts: int, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Return jobs whose lease expired (their worker is gone) to ``pending``, or end them
        ``failed`` when their attempts are used up.

        The rows are locked with ``SKIP LOCKED`` and the condition is checked again by the
        UPDATE, so this cannot overwrite a worker that finishes or heartbeats at the same
        moment: one of the two statements waits for the other and then no longer matches.
        """
        with self.db.get_connection() as conn:
            return conn.execute(
                """WITH expired AS (
                       SELECT id FROM pdf_jobs
                       WHERE status = 'processing'
                         AND locked_at < now() - make_interval(secs => %(lease)s)
                       ORDER BY locked_at LIMIT %(limit)s
                       FOR UPDATE SKIP LOCKED)
                   UPDATE pdf_jobs AS job SET
                       status = CASE WHEN job.attempts >= %(max)s
                                     THEN 'failed' ELSE 'pending' END,
                       error_message = format(
                           'worker lost: no heartbeat for %%s s (attempt %%s of %%s)',
                           %(lease)s::int, job.attempts, %(max)s),
                       finished_at = CASE WHEN job.attempts >= %(max)s THEN now() END,
                       locked_at = NULL, run_after = now(), updated_at = now()
                   FROM expired
                   WHERE job.id = expired.id AND job.status = 'processing'
                     AND job.locked_at < now() - make_interval(secs => %(lease)s)
                   RETURNING job.id, job.status, job.locked_by""",
                {"lease": lease_seconds, "max": max_attempts, "limit": limit},
            ).fetchall()

    def _finish(self, job: JobRecord, assignments: str, **values: Any) -> None:
        with self.db.get_connection() as conn:
            self._update_owned(conn, job, assignments, **values)

    @staticmethod
    def _update_owned(conn: Connection, job: JobRecord, assignments: str, **values: Any) -> None:
        """Apply ``assignments`` to the job if this worker still owns it, else raise."""
        row = conn.execute(
            f"UPDATE pdf_jobs SET {assignments}, updated_at = now() WHERE {OWNED} RETURNING id",
            {"job_id": job.id, "worker": job.locked_by, **values},
        ).fetchone()
        if row is None:
            raise LeaseLost(f"job {job.id} is no longer owned by this worker")

    def find_by_id(self, job_id: int) -> dict[str, Any] | None:
        with self.db.get_connection() as conn:
            return conn.execute("SELECT * FROM pdf_jobs WHERE id = %s", (job_id,)).fetchone()

    def enqueue(self, uploaded_document_id: int) -> int:
        with self.db.get_connection() as conn:
            row = conn.execute(
                "INSERT INTO pdf_jobs (uploaded_document_id) VALUES (%s) RETURNING id",
                (uploaded_document_id,),
            ).fetchone()
        assert row is not None
        return int(row["id"])

    def counts_by_status(self) -> dict[str, int]:
        with self.db.get_connection() as conn:
            rows = conn.execute("SELECT status, count(*) AS n FROM pdf_jobs GROUP BY status")
            counts = {row["status"]: row["n"] for row in rows.fetchall()}
        return {status: counts.get(status, 0) for status in STATUSES}

    def failed_jobs(self, limit: int = 50) -> list[dict[str, Any]]:
        with self.db.get_connection() as conn:
            return conn.execute(
                """SELECT id, uploaded_document_id, attempts, error_message, finished_at
                   FROM pdf_jobs WHERE status = 'failed' ORDER BY finished_at DESC LIMIT %s""",
                (limit,),
            ).fetchall()

    def retry_failed(self, job_ids: list[int] | None = None) -> list[int]:
        """Make failed jobs claimable again with fresh attempts (all failed jobs when ``None``)."""
        with self.db.get_connection() as conn:
            rows = conn.execute(
                """UPDATE pdf_jobs SET status = 'pending', attempts = 0, error_message = NULL,
                       run_after = now(), finished_at = NULL, locked_at = NULL,
                       updated_at = now()
                   WHERE status = 'failed' AND (%(ids)s::bigint[] IS NULL OR id = ANY(%(ids)s))
                   RETURNING id""",
                {"ids": job_ids},
            ).fetchall()
        return sorted(row["id"] for row in rows)
