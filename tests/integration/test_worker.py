"""The worker against the real PostgreSQL, with in-process test stages."""

import json
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bioreport_engine import LabReport, StageSpec, Structurer, TransientError, hookimpl
from bioreport_engine.db.connection import Database
from bioreport_engine.db.jobs import JobRepository
from bioreport_engine.pipeline import Pipeline
from bioreport_engine.plugins.manager import PluginManager
from bioreport_engine.plugins.registry import StageRegistry
from bioreport_engine.settings import EngineSettings
from bioreport_engine.storage import DocumentStore
from bioreport_engine.testing.fakes import FakePlugin, RecordingStructurer
from bioreport_engine.texts import AnonymizedText
from bioreport_engine.worker.listener import Listener
from bioreport_engine.worker.retry import RetryPolicy
from bioreport_engine.worker.runner import JobRunner
from bioreport_engine.worker.worker import Worker
from tests.conftest import run_cli, start_cli
from tests.integration.helpers import add_jobs, scalar, statuses


class FlakyStructurer(RecordingStructurer):
    """Fails with a rate limit (retry after 1.5 s) on its first call, then succeeds."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[float] = []

    def structure(self, text: AnonymizedText) -> LabReport:
        self.calls.append(time.monotonic())
        if len(self.calls) == 1:
            raise TransientError("rate limited", retry_after=1.5)
        return super().structure(text)


class FlakyPlugin:
    def __init__(self) -> None:
        self.structurer = FlakyStructurer()

    @hookimpl
    def bioreport_structurers(self) -> Iterable[StageSpec[Structurer]]:
        return [StageSpec("flaky", lambda: self.structurer)]


def pipeline_with(*plugins: object, llm: str = "fake") -> Pipeline:
    manager = PluginManager()
    for number, plugin in enumerate(plugins):
        manager.register(plugin, f"plugin-{number}")
    settings = EngineSettings(
        pdf_engine="fake",
        pii_engine="fake",
        llm_engine=llm,
        norm_engine="none",
        pdf_isolation="none",
        app_env="test",
    )
    return Pipeline.build(settings, StageRegistry.from_manager(manager))


@contextmanager
def running_worker(
    db: Database,
    pipeline: Pipeline,
    root: Path,
    *,
    concurrency: int = 1,
    poll: float = 30,
    idle: threading.Event | None = None,
    prefetch: bool = False,
) -> Iterator[Worker]:
    """A worker loop in a thread; ``idle`` is set each time the loop starts to wait."""
    jobs = JobRepository(db)
    runner = JobRunner(pipeline, jobs, DocumentStore(root), RetryPolicy(3, 1, 5))

    def sleep(seconds: float) -> bool:
        if idle is not None:
            idle.set()
        return worker.wake.wait(seconds)

    worker = Worker(
        jobs,
        runner,
        "test-worker",
        concurrency=concurrency,
        poll_interval=poll,
        sleep=sleep,
        prefetch=prefetch,
    )
    listener = Listener(db, worker.wake)
    listener.start()
    assert listener.connected.wait(5)
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        yield worker
    finally:
        worker.stop()
        thread.join(10)
        listener.stop()
        listener.join(5)


def wait_until(condition: object, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.01)
    return False


def test_a_job_queued_while_idle_starts_within_a_second(db: Database, tmp_path: Path) -> None:
    """Idle with a 30-second poll: the NOTIFY trigger, not the poll, starts the job."""
    idle = threading.Event()
    with running_worker(db, pipeline_with(FakePlugin()), tmp_path, poll=30, idle=idle):
        assert idle.wait(30)  # the worker found no job and waits for its 30-second poll
        queued = time.monotonic()
        add_jobs(db, 1, tmp_path)
        assert wait_until(lambda: statuses(db) == {"done": 1}, timeout=5)
        elapsed = time.monotonic() - queued
    assert elapsed < 1.0, f"took {elapsed:.2f} s: the notification did not wake the worker"


def test_a_transient_failure_is_not_reclaimed_before_run_after(
    db: Database, tmp_path: Path
) -> None:
    flaky = FlakyPlugin()
    with running_worker(db, pipeline_with(FakePlugin(), flaky, llm="flaky"), tmp_path, poll=0.1):
        add_jobs(db, 1, tmp_path)
        assert wait_until(lambda: statuses(db) == {"done": 1}, timeout=10)
    first, second = flaky.structurer.calls
    assert second - first >= 1.5  # Retry-After honoured although polling every 0.1 s
    assert scalar(db, "SELECT attempts FROM pdf_jobs") == 2


def test_end_to_end_documents_become_results(db: Database, tmp_path: Path) -> None:
    count = 25
    add_jobs(db, count, tmp_path)
    with running_worker(db, pipeline_with(FakePlugin()), tmp_path, concurrency=4):
        assert wait_until(lambda: statuses(db) == {"done": count}, timeout=30)
    assert scalar(db, "SELECT count(*) FROM document_results") == count
    assert scalar(db, "SELECT count(*) FROM biomarker_results") == count
    row = scalar(db, "SELECT row_to_json(b)::text FROM biomarker_results b LIMIT 1")
    biomarker = json.loads(str(row))
    assert (biomarker["analyte"], biomarker["value"], biomarker["unit"], biomarker["flag"]) == (
        "Glucose",
        105.0,
        "mg/dL",
        "H",
    )
    assert scalar(db, "SELECT count(DISTINCT anonymized_text) FROM document_results") == 1
    assert "Jane" not in str(scalar(db, "SELECT anonymized_text FROM document_results LIMIT 1"))


def test_a_new_user_runs_the_commands(db_env: dict[str, str], tmp_path: Path) -> None:
    """db migrate → enqueue → worker → jobs, as the README shows, with the toy stages."""
    stages = {
        "PDF_ENGINE": "example-text",
        "PII_ENGINE": "example-mask",
        "LLM_ENGINE": "example-rows",
    }
    env = {**db_env, **stages, "JOB_POLL_INTERVAL_SECONDS": "30"}
    assert run_cli("db", "migrate", env=env).stdout.strip() == "database schema is up to date"
    reports = []
    for number in range(3):
        report = tmp_path / f"report-{number}.txt"
        report.write_text(f"Patient: Person {number}\nGlucose  {100 + number}  mg/dL\n")
        reports.append(str(report))
    enqueued = run_cli("enqueue", "--json", *reports, env=env)
    assert enqueued.returncode == 0, enqueued.stderr
    job_ids = [json.loads(line)["job_id"] for line in enqueued.stdout.splitlines()]
    assert len(job_ids) == 3

    worker = start_cli("worker", env=env)
    try:
        deadline = time.monotonic() + 120  # generous: a busy machine starts processes slowly
        while time.monotonic() < deadline:
            shown = json.loads(run_cli("jobs", "--json", env=env).stdout)
            if shown["counts"]["done"] == 3:
                break
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)
    assert worker.returncode == 0, output
    assert shown["counts"] == {"pending": 0, "processing": 0, "done": 3, "failed": 0}
    assert output.count("[INFO] job done") == 3
    assert "Person" not in output  # no patient data in the logs
    text = run_cli("jobs", env=env).stdout
    assert "done=3" in text
