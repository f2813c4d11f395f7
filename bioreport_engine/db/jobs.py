"""``pdf_jobs``: claiming, finishing and retrying jobs.

The claim is one statement that commits at once; no transaction stays open while a job runs.
Every write that finishes a job checks that this worker still owns it (``status`` and
``locked_by``), so a worker that lost its lease cannot overwrite another worker's outcome.

Finishing a job is one statement too (:func:`handover_statement`): the ownership-checked update,
the result rows (a data-modifying CTE reading the update's output, so nothing is written for a
job this worker lost) and the claim of the slot's next job, as River's complete-and-fetch. Each
runs in autocommit, one round trip per job: with ``BEGIN`` and ``COMMIT`` sent apart, and the
result rows in a pipeline of their own, a busy slot used to wait for seven.
"""

from dataclasses import dataclass, replace
from typing import Any

from bioreport_engine.db.connection import Database
from bioreport_engine.db.results import RESULT_CTES, result_parameters
from bioreport_engine.errors import BioreportError
from bioreport_engine.results import PipelineResult

STATUSES = ("pending", "processing", "done", "failed")

#: The claim, as common table expressions ending in ``claimed``: the oldest ``limit`` claimable
#: jobs, locked with ``SKIP LOCKED``. The first ``charged`` of them start now and have their
#: attempt counted here; the rest are prefetched: leased to this worker (its heartbeat covers
#: them) but not charged until they start (:data:`STARTED`), so a prefetched job that never ran
#: (its worker crashed or stopped) has used no attempt.
CLAIM_CTES = """
next AS (
    SELECT id, run_after FROM pdf_jobs
    WHERE status = 'pending' AND run_after <= now() {only_id}
    ORDER BY run_after, id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED),
ranked AS (
    SELECT id, row_number() OVER (ORDER BY run_after, id) <= %(charged)s AS charged FROM next),
claimed AS (
    UPDATE pdf_jobs AS job
    SET status = 'processing', attempts = job.attempts + ranked.charged::int,
        locked_by = %(worker)s, locked_at = now(), updated_at = now()
    FROM ranked
    WHERE job.id = ranked.id
    RETURNING job.id, job.uploaded_document_id, job.attempts, job.locked_by, ranked.charged,
        (SELECT storage_path FROM uploaded_documents d WHERE d.id = job.uploaded_document_id)
            AS storage_path)"""
CLAIM = "WITH " + CLAIM_CTES + "\nSELECT * FROM claimed ORDER BY charged DESC, id"
CLAIM_NEXT = CLAIM.format(only_id="")
CLAIM_ONE = CLAIM.format(only_id="AND id = %(job_id)s")

# The ownership check shared by every finishing write.
OWNED = "id = %(job_id)s AND status = 'processing' AND locked_by = %(worker)s"

#: A prefetched job this worker starts now: its attempt is counted, its lease refreshed.
STARTED = """
started AS (
    UPDATE pdf_jobs SET attempts = attempts + 1, locked_at = now(), updated_at = now()
    WHERE id = %(start_id)s AND status = 'processing' AND locked_by = %(worker)s
    RETURNING id)"""


def handover_statement(assignments: str, results: bool = False) -> str:
    """Finish a job and hand its slot the next one, in one statement (one round trip).

    ``finished`` is the ownership-checked update (``assignments`` when this worker still owns
    the job, nothing otherwise); with ``results``, the result rows are written from it
    (:data:`~bioreport_engine.db.results.RESULT_CTES`), so they exist only if the finish did.
    ``started`` counts the attempt of a prefetched job the slot starts now, and ``claimed``
    claims the next jobs. Those two do not depend on ``finished``: a slot whose finished job
    was lost to another worker still gets its next job, which it owns in full. Every part is
    applied or none (a statement is atomic), and no row is touched twice: ``finished`` and
    ``started`` update this worker's ``processing`` jobs, ``claimed`` only ``pending`` ones.

    The statement returns one row per claimed job, or a single row of NULLs when none was,
    each with ``finished`` and ``started`` (whether those applied).
    """
    parts = [
        f"""finished AS (
    UPDATE pdf_jobs SET {assignments}, updated_at = now() WHERE {OWNED}
    RETURNING id, uploaded_document_id)"""
    ]
    if results:
        parts.append(RESULT_CTES)
    parts += [STARTED, CLAIM_CTES.format(only_id="")]
    statement = (
        "WITH "
        + ",".join(parts)
        + """
SELECT EXISTS (SELECT FROM finished) AS finished, EXISTS (SELECT FROM started) AS started,
    claimed.* FROM (VALUES (1)) AS one LEFT JOIN claimed ON true
ORDER BY claimed.charged DESC, claimed.id"""
    )
    # Without its indentation the statement stays under psycopg's 4 kB limit for caching its
    # parsed form: parsing it again for every job took an eighth of a slot's time.
    return " ".join(statement.split())


DONE = "status = 'done', error_message = NULL, finished_at = now()"
FAILED = "status = 'failed', error_message = %(error)s, finished_at = now()"
#: The attempt was already counted by the claim (the task card's ``increment_attempts``).
RETRY = (
    "status = 'pending', error_message = %(error)s, locked_at = NULL, "
    "run_after = now() + make_interval(secs => %(delay)s)"
)
FINISH_DONE = handover_statement(DONE, results=True)
FINISH_FAILED = handover_statement(FAILED)
FINISH_RETRY = handover_statement(RETRY)


@dataclass(frozen=True)
class JobRecord:
    """A job as claimed by one worker."""

    id: int
    uploaded_document_id: int
    attempts: int
    locked_by: str
    #: The document's file, fetched by the claim itself (``None``: the document row is gone).
    storage_path: str | None = None
    #: ``False`` for a prefetched job: leased to this worker, its attempt not counted yet.
    charged: bool = True


@dataclass(frozen=True)
class Follow:
    """What a slot asks for in the statement that finishes its job (nothing by default)."""

    #: Claim up to this many jobs...
    claim: int = 0
    #: ...of which the first ``charge`` start now; the rest are prefetched.
    charge: int = 0
    #: A prefetched job the slot starts now: its attempt is counted.
    start: JobRecord | None = None


#: A finish that claims nothing (a worker that is stopping, or one-off calls).
NO_FOLLOW = Follow()


@dataclass(frozen=True)
class Handover:
    """What a finishing statement did: the finish itself, and the slot's next jobs."""

    finished: bool = True
    #: ``Follow.start`` with its attempt counted; ``None`` if none was asked for or it was lost.
    started: JobRecord | None = None
    claimed: tuple[JobRecord, ...] = ()


class LeaseLost(BioreportError):
    """This worker no longer owns the job: its outcome is abandoned, another worker's stands.

    ``handover`` holds the slot's next jobs, claimed by the same statement: they are this
    worker's all the same.
    """

    def __init__(self, message: str, handover: Handover | None = None) -> None:
        super().__init__(message)
        self.handover = handover or Handover(finished=False)


class JobRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def claim_jobs(self, worker: str, limit: int = 1, prefetch: int = 0) -> list[JobRecord]:
        """Claim up to ``limit`` jobs for ``worker`` to start now, counting an attempt on each,
        and up to ``prefetch`` more to hold, uncharged, for when a slot is free (only when the
        queue has more than ``limit``). Started jobs come first."""
        params = {"worker": worker, "limit": limit + prefetch, "charged": limit}
        with self.db.single_statements() as conn:
            rows = conn.execute(CLAIM_NEXT, params).fetchall()
        return [JobRecord(**row) for row in rows]

    def claim_next_job(self, worker: str) -> JobRecord | None:
        """Claim the oldest claimable job (``FOR UPDATE SKIP LOCKED``), or return ``None``."""
        jobs = self.claim_jobs(worker, 1)
        return jobs[0] if jobs else None

    def mark_processing(self, job_id: int, worker: str) -> JobRecord | None:
        """Claim one given job if it is claimable (``None`` otherwise)."""
        with self.db.single_statements() as conn:
            params = {"worker": worker, "limit": 1, "charged": 1, "job_id": job_id}
            row = conn.execute(CLAIM_ONE, params).fetchone()
        return None if row is None else JobRecord(**row)

    def mark_done(
        self,
        job: JobRecord,
        result: PipelineResult,
        store_text: bool = True,
        then: Follow = NO_FOLLOW,
    ) -> Handover:
        """Write the results and mark the job done, if this worker still owns it, and claim
        what ``then`` asks for: one statement. A rerun of a document replaces its results.
        Raises :class:`LeaseLost` (with the claimed jobs) when the job is no longer ours."""
        return self._hand_over(FINISH_DONE, job, then, **result_parameters(result, store_text))

    def mark_failed(self, job: JobRecord, error: str, then: Follow = NO_FOLLOW) -> Handover:
        """End the job ``failed`` with ``error`` (short, no document data)."""
        return self._hand_over(FINISH_FAILED, job, then, error=error)

    def retry_later(
        self, job: JobRecord, error: str, delay_seconds: float, then: Follow = NO_FOLLOW
    ) -> Handover:
        """Return the job to ``pending``, claimable again after ``delay_seconds``."""
        return self._hand_over(FINISH_RETRY, job, then, error=error, delay=delay_seconds)

    def _hand_over(self, statement: str, job: JobRecord, then: Follow, **values: Any) -> Handover:
        params = {
            "job_id": job.id,
            "worker": job.locked_by,
            "start_id": None if then.start is None else then.start.id,
            "limit": then.claim,
            "charged": then.charge,
            **values,
        }
        with self.db.single_statements() as conn:
            rows = conn.execute(statement, params).fetchall()
        first = rows[0]
        started = None
        if then.start is not None and first["started"]:
            started = replace(then.start, attempts=then.start.attempts + 1, charged=True)
        claimed = tuple(
            JobRecord(**{k: v for k, v in row.items() if k not in ("finished", "started")})
            for row in rows
            if row["id"] is not None
        )
        handover = Handover(first["finished"], started, claimed)
        if not handover.finished:
            raise LeaseLost(f"job {job.id} is no longer owned by this worker", handover)
        return handover

    def release(self, jobs: list[JobRecord]) -> list[int]:
        """Return jobs this worker will not finish (shutdown) to ``pending``, without charging
        the attempt the claim counted (prefetched jobs were not charged: nothing to refund)."""
        if not jobs:
            return []
        with self.db.single_statements() as conn:
            rows = conn.execute(
                """UPDATE pdf_jobs SET status = 'pending',
                       attempts = greatest(attempts - (id = ANY(%(charged)s))::int, 0),
                       locked_at = NULL, run_after = now(), updated_at = now()
                   WHERE id = ANY(%(ids)s) AND status = 'processing' AND locked_by = %(worker)s
                   RETURNING id""",
                {
                    "ids": [job.id for job in jobs],
                    "charged": [job.id for job in jobs if job.charged],
                    "worker": jobs[0].locked_by,
                },
            ).fetchall()
        return sorted(row["id"] for row in rows)

    def heartbeat(self, worker: str, job_ids: list[int]) -> set[int]:
        """Refresh the lease of the given running jobs; return those this worker still owns."""
        if not job_ids:
            return set()
        with self.db.single_statements() as conn:
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
