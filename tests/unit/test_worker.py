"""The task card's poll-loop tests, with a fake queue and runner."""

import threading
from collections.abc import Callable

from bioreport_engine.db.jobs import NO_FOLLOW, Follow, JobRecord
from bioreport_engine.worker.runner import Outcome, Step
from bioreport_engine.worker.worker import Worker

JOB = JobRecord(1, 10, 1, "w")


class FakeQueue:
    def __init__(self, jobs: list[JobRecord], stop_after: int, worker: "list[Worker]") -> None:
        self.jobs = jobs
        self.calls = 0
        self.stop_after = stop_after
        self.worker = worker

    def claim_jobs(self, worker: str, limit: int = 1, prefetch: int = 0) -> list[JobRecord]:
        self.calls += 1
        if self.calls >= self.stop_after:
            self.worker[0].stop()
        claimed, self.jobs = self.jobs[:limit], self.jobs[limit:]
        return claimed

    def release(self, jobs: list[JobRecord]) -> list[int]:
        return [job.id for job in jobs]


class RecordingRunner:
    def __init__(self) -> None:
        self.ran: list[JobRecord] = []

    def run(self, job: JobRecord, then: Callable[[], Follow] = lambda: NO_FOLLOW) -> Step:
        self.ran.append(job)
        return Step(Outcome.DONE)


def make(jobs: list[JobRecord], stop_after: int) -> tuple[Worker, RecordingRunner, list[float]]:
    holder: list[Worker] = []
    runner = RecordingRunner()
    sleeps: list[float] = []
    worker = Worker(
        FakeQueue(jobs, stop_after, holder), runner, "w", poll_interval=7, sleep=sleeps.append
    )
    holder.append(worker)
    return worker, runner, sleeps


def test_calls_the_runner_when_a_job_is_claimed() -> None:
    worker, runner, _ = make([JOB], stop_after=2)
    worker.run()
    assert runner.ran == [JOB]


def test_sleeps_the_poll_interval_when_no_job_is_available() -> None:
    worker, runner, sleeps = make([], stop_after=3)
    worker.run()
    assert runner.ran == []
    assert sleeps[:2] == [7, 7]


def test_stops_cleanly_on_keyboard_interrupt() -> None:
    class Interrupting:
        def claim_jobs(self, worker: str, limit: int = 1, prefetch: int = 0) -> list[JobRecord]:
            raise KeyboardInterrupt

        def release(self, jobs: list[JobRecord]) -> list[int]:
            return []

    worker = Worker(Interrupting(), RecordingRunner(), "w", sleep=lambda _: None)
    worker.run()  # returns instead of raising
    assert worker.stopping.is_set()


def test_runs_up_to_concurrency_jobs_at_once() -> None:
    release = threading.Event()
    running = threading.Semaphore(0)
    seen: list[int] = []

    class Blocking:
        def run(self, job: JobRecord, then: Callable[[], Follow] = lambda: NO_FOLLOW) -> Step:
            seen.append(job.id)
            running.release()
            release.wait(5)
            return Step(Outcome.DONE)

    jobs = [JobRecord(i, i, 1, "w") for i in range(5)]
    limits: list[int] = []

    class Queue:
        def claim_jobs(self, worker: str, limit: int = 1, prefetch: int = 0) -> list[JobRecord]:
            nonlocal jobs
            limits.append(limit)
            claimed, jobs = jobs[:limit], jobs[limit:]
            return claimed

        def release(self, jobs: list[JobRecord]) -> list[int]:
            return []

    worker = Worker(Queue(), Blocking(), "w", concurrency=3, poll_interval=0.01)
    thread = threading.Thread(target=worker.run)
    thread.start()
    for _ in range(3):
        assert running.acquire(timeout=5)
    assert worker.active == 3 and not running.acquire(timeout=0.2)  # no fourth job
    release.set()
    worker.stop()
    thread.join(5)
    assert limits[0] == 3
    assert len(seen) >= 3


def test_a_database_outage_is_retried_with_backoff() -> None:
    import psycopg

    sleeps: list[float] = []
    holder: list[Worker] = []

    class Down:
        calls = 0

        def claim_jobs(self, worker: str, limit: int = 1, prefetch: int = 0) -> list[JobRecord]:
            self.calls += 1
            if self.calls > 6:
                holder[0].stop()
            raise psycopg.OperationalError("connection refused")

        def release(self, jobs: list[JobRecord]) -> list[int]:
            return []

    worker = Worker(Down(), RecordingRunner(), "w", sleep=sleeps.append)
    holder.append(worker)
    worker.run()
    assert sleeps[:5] == [0.5, 1.0, 2.0, 2.0, 2.0]  # capped: a recovered database is seen soon


def test_the_loop_says_while_it_waits_for_the_database() -> None:
    import psycopg

    holder: list[Worker] = []
    seen: list[bool] = []

    class Flaky:
        calls = 0

        def claim_jobs(self, worker: str, limit: int = 1, prefetch: int = 0) -> list[JobRecord]:
            self.calls += 1
            seen.append(holder[0].waiting_for_database)
            if self.calls == 4:
                holder[0].stop()
            if self.calls in (2, 3):
                raise psycopg.OperationalError("connection refused")
            return []

        def release(self, jobs: list[JobRecord]) -> list[int]:
            return []

    worker = Worker(Flaky(), RecordingRunner(), "w", sleep=lambda _: None)
    holder.append(worker)
    worker.run()
    assert seen == [False, False, True, True]  # from the first failed claim to the next good one
    assert not worker.waiting_for_database


def test_each_step_of_the_loop_says_how_long_it_may_take() -> None:
    """What the health check compares the clock with: a claim may wait for the pool, a sleep
    lasts its interval or back-off."""
    import time

    import psycopg

    holder: list[Worker] = []
    allowed: list[tuple[str, float]] = []

    class Queue:
        calls = 0

        def claim_jobs(self, worker: str, limit: int = 1, prefetch: int = 0) -> list[JobRecord]:
            self.calls += 1
            allowed.append(("claim", holder[0].due_by - time.monotonic()))
            if self.calls == 3:
                holder[0].stop()
            if self.calls == 2:
                raise psycopg.OperationalError("connection refused")
            return []

        def release(self, jobs: list[JobRecord]) -> list[int]:
            return []

    def sleep(seconds: float) -> None:
        allowed.append((f"sleep {seconds:g}", holder[0].due_by - time.monotonic()))

    worker = Worker(Queue(), RecordingRunner(), "w", poll_interval=7, sleep=sleep, claim_timeout=30)
    holder.append(worker)
    worker.run()
    expected = [("claim", 30), ("sleep 7", 7), ("claim", 30), ("sleep 0.5", 0.5)]
    expected += [("claim", 30), ("sleep 7", 7)]
    assert [step for step, _ in allowed] == [step for step, _ in expected]
    for (step, seconds), (_, limit) in zip(allowed, expected, strict=True):
        assert limit - 5 < seconds <= limit, step  # generous: a busy machine
