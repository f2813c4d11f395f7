"""The poll loop: wait for a wake-up, claim as many jobs as there are free slots, dispatch.

No business logic lives here: :class:`~bioreport_engine.worker.runner.JobRunner` runs a job.
"""

import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import FrameType
from typing import Protocol

import psycopg

from bioreport_engine.db.jobs import JobRecord
from bioreport_engine.log import Log
from bioreport_engine.worker.runner import Outcome


class Claimer(Protocol):
    def claim_jobs(self, worker: str, limit: int = 1) -> list[JobRecord]: ...


class Runner(Protocol):
    def run(self, job: JobRecord) -> Outcome: ...


class Worker:
    """Runs up to ``concurrency`` jobs at a time, in threads, until asked to stop."""

    outage_backoff_max_seconds = 30.0

    def __init__(
        self,
        jobs: Claimer,
        runner: Runner,
        worker_id: str,
        *,
        concurrency: int = 1,
        poll_interval: float = 5.0,
        wake: threading.Event | None = None,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        self.jobs = jobs
        self.runner = runner
        self.worker_id = worker_id
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        #: Set by the listener (a job was queued), a finished job (a slot is free), or a signal.
        self.wake = wake or threading.Event()
        self._sleep = sleep or self.wake.wait
        self.stopping = threading.Event()
        self._active = 0
        self._lock = threading.Lock()
        self.ticks = 0  # loop iterations, for the health check

    def stop(self, *_: object) -> None:
        """Stop claiming; running jobs finish. Safe to call from a signal handler."""
        self.stopping.set()
        self.wake.set()

    def install_signal_handlers(self) -> None:
        def handle(signum: int, frame: FrameType | None) -> None:
            Log.info("stopping: no new jobs; waiting for running jobs", signal=signum)
            self.stop()

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)

    def run(self) -> None:
        """Claim and dispatch until :meth:`stop` (or Ctrl-C), then wait for running jobs."""
        Log.info("worker started", worker_id=self.worker_id, concurrency=self.concurrency)
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="bioreport-job") as pool:
            try:
                self._loop(pool)
            except KeyboardInterrupt:
                Log.info("interrupted: waiting for running jobs")
                self.stopping.set()
        Log.info("worker stopped", worker_id=self.worker_id)

    def _loop(self, pool: ThreadPoolExecutor) -> None:
        outage_delay = 0.5
        while not self.stopping.is_set():
            self.ticks += 1
            self.wake.clear()
            free = self.concurrency - self.active
            try:
                claimed = self.jobs.claim_jobs(self.worker_id, free) if free else []
            except psycopg.OperationalError as exc:
                Log.warning(
                    "database unavailable; retrying",
                    error=type(exc).__name__,
                    retry_in_s=outage_delay,
                )
                self._sleep(outage_delay)
                outage_delay = min(outage_delay * 2, self.outage_backoff_max_seconds)
                continue
            outage_delay = 0.5
            Log.debug("poll", free_slots=free, claimed=len(claimed))
            for job in claimed:
                self._dispatch(pool, job)
            # Fewer jobs than free slots: the queue is empty, wait for a notification. All
            # slots full: wait for a job to finish. Either way a wake-up ends the wait early.
            self._sleep(self.poll_interval)

    @property
    def active(self) -> int:
        """Jobs dispatched and not yet finished."""
        with self._lock:
            return self._active

    def _dispatch(self, pool: ThreadPoolExecutor, job: JobRecord) -> None:
        Log.debug("job claimed", job_id=job.id, document_id=job.uploaded_document_id)
        with self._lock:
            self._active += 1
        pool.submit(self.runner.run, job).add_done_callback(self._finished)

    def _finished(self, future: Future[Outcome]) -> None:
        with self._lock:
            self._active -= 1
        if future.exception() is not None:
            Log.error("job runner crashed", error=type(future.exception()).__name__)
        self.wake.set()
