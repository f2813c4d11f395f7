"""What /healthz and /readyz answer, for a worker loop that works, waits for the database, or is
stuck. The loop runs for real in a thread; the clock of the check is moved instead of waiting."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg

from bioreport_engine.db.jobs import NO_FOLLOW, Follow, JobRecord
from bioreport_engine.metrics import HealthServer
from bioreport_engine.settings import EngineSettings
from bioreport_engine.worker.runner import Outcome, Step
from bioreport_engine.worker.worker import Worker

CLAIM_TIMEOUT = 30.0
GRACE = 15.0  # max(JOB_POLL_INTERVAL_SECONDS, 10) + 5


class Runner:
    def run(self, job: JobRecord, then: Callable[[], Follow] = lambda: NO_FOLLOW) -> Step:
        return Step(Outcome.DONE)


class Queue:
    """Claims fail while ``down`` is set; a claim blocks while ``hang`` is clear, as a claim
    does while the pool waits for a connection to a database that went away."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.hang = threading.Event()
        self.hang.set()
        self.blocked = threading.Event()

    def claim_jobs(self, worker: str, limit: int = 1, prefetch: int = 0) -> list[JobRecord]:
        if self.failures:
            self.failures -= 1
            raise psycopg.OperationalError("connection refused")
        if not self.hang.is_set():
            self.blocked.set()
            self.hang.wait(60)
        return []

    def release(self, jobs: list[JobRecord]) -> list[int]:
        return []


class Process:
    """The part of a WorkerProcess the health server reads."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker

    def ready(self) -> bool:
        return not self.worker.waiting_for_database


@contextmanager
def running(queue: Queue, **options: float) -> Iterator[tuple[Worker, HealthServer]]:
    worker = Worker(
        queue,
        Runner(),
        "w",
        poll_interval=0.01,
        claim_timeout=CLAIM_TIMEOUT,
        sleep=lambda _: time.sleep(0.01),
        shutdown_grace=options.get("shutdown_grace", 30.0),
    )
    health = HealthServer(EngineSettings(job_poll_interval_seconds=5), Process(worker))  # type: ignore[arg-type]
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        yield worker, health
    finally:
        worker.stop()
        queue.hang.set()
        thread.join(10)


def test_a_working_loop_is_alive() -> None:
    with running(Queue()) as (_, health):
        assert health.liveness() == (True, "ok")
        assert health.readiness() == (True, "ok")


def test_a_loop_waiting_for_the_database_in_the_pool_is_alive_and_not_ready() -> None:
    queue = Queue(failures=1)
    queue.hang.clear()
    with running(queue) as (_, health):
        assert queue.blocked.wait(10)
        # 25 s on: past the old limit (15 s without a tick), within the pool's wait.
        assert health.liveness(time.monotonic() + 25) == (True, "waiting for database")
        assert health.readiness() == (False, "waiting for database")


def test_a_loop_later_than_its_step_allows_is_stuck() -> None:
    queue = Queue()
    queue.hang.clear()
    with running(queue) as (worker, health):
        assert queue.blocked.wait(10)
        alive, status = health.liveness(worker.due_by + GRACE + 1)
        assert not alive and status.startswith("stuck: the worker loop is 16 s late")
        assert health.liveness(worker.due_by + GRACE - 1)[0]


def test_a_loop_draining_its_jobs_on_shutdown_is_alive_for_the_grace_period() -> None:
    release = threading.Event()

    class Slow:
        def run(self, job: JobRecord, then: Callable[[], Follow] = lambda: NO_FOLLOW) -> Step:
            release.wait(10)
            return Step(Outcome.DONE)

    class One(Queue):
        def claim_jobs(self, worker: str, limit: int = 1, prefetch: int = 0) -> list[JobRecord]:
            return [JobRecord(1, 1, 1, "w", "a.pdf")] if self.failures == 0 and limit else []

    queue = One()
    worker = Worker(queue, Slow(), "w", poll_interval=0.01, shutdown_grace=120)
    health = HealthServer(EngineSettings(), Process(worker))  # type: ignore[arg-type]
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while worker.active == 0:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        worker.stop()
        time.sleep(0.2)
        assert health.liveness(time.monotonic() + 100) == (True, "stopping")
    finally:
        release.set()
        thread.join(10)
