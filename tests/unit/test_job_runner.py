"""The task card's runner tests, with the pipeline and repositories mocked."""

from unittest.mock import MagicMock

import pytest

from bioreport_engine.db.jobs import NO_FOLLOW, JobRecord, LeaseLost
from bioreport_engine.errors import PermanentError, TransientError
from bioreport_engine.results import PipelineResult
from bioreport_engine.texts import AnonymizedText, ExtractedText
from bioreport_engine.worker.retry import RetryPolicy
from bioreport_engine.worker.runner import JobRunner, Outcome


def make_runner(error: Exception | None = None) -> tuple[JobRunner, MagicMock, MagicMock]:
    pipeline, jobs, store = MagicMock(), MagicMock(), MagicMock()
    store.read.return_value = b"%PDF"
    pipeline.run.return_value = PipelineResult(
        ExtractedText(("raw",)), AnonymizedText("anon"), None, {"extract": 1.0}, ()
    )
    if error is not None:
        pipeline.run.side_effect = error
    runner = JobRunner(pipeline, jobs, store, RetryPolicy(3, 10, 900))
    return runner, pipeline, jobs


def claimed(attempts: int = 1) -> JobRecord:
    """A job as the claim returns it: with its document's path."""
    return JobRecord(1, 10, attempts, "w", storage_path="2024/a.pdf")


def test_calls_the_pipeline_and_marks_done() -> None:
    runner, pipeline, jobs = make_runner()
    job = claimed()
    assert runner.run(job).outcome is Outcome.DONE
    runner.store.read.assert_called_once_with("2024/a.pdf", 10, pipeline.limits.max_bytes)  # type: ignore[attr-defined]
    pipeline.run.assert_called_once_with(b"%PDF")
    jobs.mark_done.assert_called_once_with(job, pipeline.run.return_value, True, NO_FOLLOW)


def test_a_transient_error_below_the_maximum_is_retried_later() -> None:
    runner, _, jobs = make_runner(TransientError("LLM timed out"))
    job = claimed()
    assert runner.run(job).outcome is Outcome.RETRY
    (_, error, delay, _), _ = jobs.retry_later.call_args
    assert error == "LLM timed out" and 5 <= delay <= 10
    jobs.mark_failed.assert_not_called()


def test_retry_after_is_honoured() -> None:
    runner, _, jobs = make_runner(TransientError("rate limited", retry_after=120))
    runner.run(claimed())
    assert jobs.retry_later.call_args.args[2] == 120


def test_at_the_maximum_the_job_fails_with_the_last_error() -> None:
    runner, _, jobs = make_runner(TransientError("LLM timed out"))
    assert runner.run(claimed(attempts=3)).outcome is Outcome.FAILED
    jobs.mark_failed.assert_called_once()
    assert jobs.mark_failed.call_args.args[1] == "gave up after 3 attempts: LLM timed out"
    jobs.retry_later.assert_not_called()


def test_a_permanent_error_fails_at_once() -> None:
    runner, _, jobs = make_runner(PermanentError("the PDF is encrypted"))
    assert runner.run(claimed()).outcome is Outcome.FAILED
    assert jobs.mark_failed.call_args.args[1] == "the PDF is encrypted"


def test_an_unexpected_error_is_retried_without_its_message() -> None:
    runner, _, jobs = make_runner(ValueError("Patient: Jane Roe"))
    assert runner.run(claimed()).outcome is Outcome.RETRY
    error = jobs.retry_later.call_args.args[1]
    assert "Jane" not in error and error.startswith("unexpected ValueError")


def test_a_lost_lease_abandons_the_result() -> None:
    runner, _, jobs = make_runner()
    jobs.mark_done.side_effect = LeaseLost("gone")
    assert runner.run(claimed()).outcome is Outcome.LOST


def test_a_job_whose_document_row_is_gone_fails_permanently() -> None:
    runner, _, jobs = make_runner()
    assert runner.run(JobRecord(1, 10, 1, "w", storage_path=None)).outcome is Outcome.FAILED
    assert jobs.mark_failed.call_args.args[1] == "uploaded_documents.id=10 does not exist"


def test_the_outcome_write_is_retried_while_the_database_is_away(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import psycopg

    monkeypatch.setattr("time.sleep", lambda _: None)
    runner, _, jobs = make_runner()
    jobs.mark_done.side_effect = [psycopg.OperationalError("down")] * 3 + [None]
    assert runner.run(claimed()).outcome is Outcome.DONE
    assert jobs.mark_done.call_count == 4
