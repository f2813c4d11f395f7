"""Runs one claimed job: load the PDF, run the pipeline, record the outcome, and bring back the
slot's next job from the same statement (:class:`~bioreport_engine.db.jobs.Follow`)."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import psycopg
from prometheus_client import Counter, Histogram

from bioreport_engine.db.connection import DatabaseUnavailable
from bioreport_engine.db.failures import describe
from bioreport_engine.db.jobs import (
    NO_FOLLOW,
    Follow,
    Handover,
    JobRecord,
    JobRepository,
    LeaseLost,
)
from bioreport_engine.errors import PermanentError, TransientError
from bioreport_engine.log import Log
from bioreport_engine.metrics import JOBS, LLM_ROWS_DROPPED, RETRIES, STAGE_SECONDS
from bioreport_engine.pipeline import Pipeline
from bioreport_engine.results import PipelineResult
from bioreport_engine.storage import DocumentStore
from bioreport_engine.worker.backoff import Backoff
from bioreport_engine.worker.retry import Decision, RetryPolicy


class Outcome(StrEnum):
    DONE = "done"
    RETRY = "retry"
    FAILED = "failed"
    LOST = "lost"  # another worker owns the job now; this outcome was abandoned


@dataclass(frozen=True)
class Step:
    """One job's outcome, and what its finishing statement handed the slot next."""

    outcome: Outcome
    handover: Handover = Handover()


class JobRunner:
    def __init__(
        self,
        pipeline: Pipeline,
        jobs: JobRepository,
        store: DocumentStore,
        policy: RetryPolicy,
        store_text: bool = True,
        write_deadline_seconds: float = 600.0,
    ) -> None:
        self.pipeline = pipeline
        self.jobs = jobs
        self.store = store
        self.policy = policy
        self.store_text = store_text
        #: Keep trying to record an outcome this long (the lease: past it, the job is recovered
        #: and run again elsewhere, so this result no longer matters).
        self.write_deadline_seconds = write_deadline_seconds

    def run(self, job: JobRecord, then: Callable[[], Follow] = lambda: NO_FOLLOW) -> Step:
        """Run ``job`` and record its outcome together with ``then()``: what the slot claims
        next, asked when the outcome is written (a worker stopping meanwhile claims nothing)."""
        context = {"job_id": job.id, "document_id": job.uploaded_document_id}
        started = time.perf_counter()
        try:
            result = self.process(job)
        except Exception as exc:
            step = self._handle_failure(job, exc, then)
        else:
            step = self._record(
                lambda: self.jobs.mark_done(job, result, self.store_text, then()), job
            )
            if step.outcome is Outcome.DONE:
                context["biomarkers"] = _biomarker_count(result)
                _observe(result)
        _jobs_ending(step.outcome).inc()
        if step.outcome is Outcome.RETRY:
            RETRIES.inc()
        elapsed_ms = round((time.perf_counter() - started) * 1000)
        Log.info(f"job {step.outcome.value}", **context, attempt=job.attempts, ms=elapsed_ms)
        return step

    def process(self, job: JobRecord) -> PipelineResult:
        # The claim fetched the path with the job: None means the document row is gone.
        if job.storage_path is None:
            raise PermanentError(f"uploaded_documents.id={job.uploaded_document_id} does not exist")
        pdf = self.store.read(
            job.storage_path, job.uploaded_document_id, self.pipeline.limits.max_bytes
        )
        return self.pipeline.run(pdf)

    def _handle_failure(self, job: JobRecord, exc: Exception, then: Callable[[], Follow]) -> Step:
        if isinstance(exc, psycopg.Error):  # its text may quote values: keep only the type
            exc = TransientError(f"database error while loading the job ({type(exc).__name__})")
        verdict = self.policy.decide(exc, job.attempts)
        if verdict.decision is Decision.FAIL:
            Log.warning("job failing", job_id=job.id, error=verdict.error)
            return self._record(
                lambda: self.jobs.mark_failed(job, verdict.error, then()), job, Outcome.FAILED
            )
        Log.warning(
            "job will be retried",
            job_id=job.id,
            error=verdict.error,
            retry_in_s=round(verdict.delay_seconds, 1),
        )
        retry = lambda: self.jobs.retry_later(  # noqa: E731
            job, verdict.error, verdict.delay_seconds, then()
        )
        return self._record(retry, job, Outcome.RETRY)

    def _record(
        self, write: Callable[[], Handover], job: JobRecord, outcome: Outcome = Outcome.DONE
    ) -> Step:
        """Write an outcome, retrying while the database is unreachable.

        If it does not come back in time, the job stays ``processing``; its lease expires and
        recovery runs it again: never lost.
        """
        backoff = Backoff()
        deadline = time.monotonic() + self.write_deadline_seconds
        while True:
            try:
                return Step(outcome, write())
            except LeaseLost as lost:
                Log.warning("job lost to another worker; result abandoned", job_id=job.id)
                return Step(Outcome.LOST, lost.handover)
            except DatabaseUnavailable as exc:
                delay = backoff.next()
                if time.monotonic() + delay > deadline:
                    raise
                Log.warning(
                    "database unavailable while recording a job; retrying",
                    job_id=job.id,
                    **describe(exc, self.jobs.db.conninfo).log_context(),
                    retry_in_s=delay,
                )
                time.sleep(delay)


def _biomarker_count(result: PipelineResult) -> int:
    return 0 if result.report is None else len(result.report.biomarkers)


@cache
def _jobs_ending(outcome: Outcome) -> Counter:
    """The labelled counter, looked up once per outcome (a lookup costs as much as a no-op
    job's whole pipeline stage)."""
    return JOBS.labels(outcome.value)


@cache
def _stage_seconds(stage: str) -> Histogram:
    return STAGE_SECONDS.labels(stage)


def _observe(result: PipelineResult) -> None:
    for stage, ms in result.timings_ms.items():
        _stage_seconds(stage).observe(ms / 1000)
    if result.report is not None and result.report.ungrounded_rows:
        LLM_ROWS_DROPPED.inc(result.report.ungrounded_rows)
