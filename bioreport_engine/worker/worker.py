"""The poll loop: wait for a wake-up, claim as many jobs as there are free slots, dispatch.

No business logic lives here: :class:`~bioreport_engine.worker.runner.JobRunner` runs a job.
On SIGTERM or SIGINT the worker stops claiming, gives running jobs a grace period, releases the
rest to ``pending`` without charging their attempt, and returns; a second signal exits at once.
"""

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import FrameType
from typing import Protocol

from bioreport_engine.db.connection import DatabaseUnavailable
from bioreport_engine.db.failures import describe
from bioreport_engine.db.jobs import JobRecord
from bioreport_engine.log import Log
from bioreport_engine.worker.backoff import Backoff
from bioreport_engine.worker.runner import Outcome


class JobSource(Protocol):
    def claim_jobs(self, worker: str, limit: int = 1) -> list[JobRecord]: ...

    def release(self, jobs: list[JobRecord]) -> list[int]: ...


class Runner(Protocol):
    def run(self, job: JobRecord) -> Outcome: ...


class Worker:
    """Runs up to ``concurrency`` jobs at a time, in threads, until asked to stop."""

    def __init__(
        self,
        jobs: JobSource,
        runner: Runner,
        worker_id: str,
        *,
        concurrency: int = 1,
        poll_interval: float = 5.0,
        shutdown_grace: float = 30.0,
        sleep: Callable[[float], object] | None = None,
        conninfo: str = "",
        claim_timeout: float = 30.0,
    ) -> None:
        self.jobs = jobs
        #: Names the database (host, port, reason) in outage logs; never the password.
        self.conninfo = conninfo
        self.runner = runner
        self.worker_id = worker_id
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.shutdown_grace = shutdown_grace
        #: Set by the listener (a job was queued), a finished job (a slot is free), or a signal.
        self.wake = threading.Event()
        self._sleep = sleep or self.wake.wait
        self.stopping = threading.Event()
        self._running: dict[int, JobRecord] = {}
        self._changed = threading.Condition()
        #: The longest one claim may block: the pool's wait for a connection in an outage.
        self.claim_timeout = claim_timeout
        #: When the loop is due to take its next step (claim, sleep, drain): each step says how
        #: long it may take. The health check calls the loop stuck only once it is later than
        #: that, so a loop waiting out an outage in the pool is alive, not stuck.
        self.due_by = time.monotonic() + claim_timeout
        #: The last claim failed for want of a database: the loop waits for it to come back.
        self.waiting_for_database = False

    # -- control -----------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop claiming; running jobs get the grace period. Safe from a signal handler."""
        self.stopping.set()
        self.wake.set()

    def install_signal_handlers(self) -> None:
        def handle(signum: int, frame: FrameType | None) -> None:
            if self.stopping.is_set():
                Log.warning("second signal: exiting now; leases will recover running jobs")
                sys.stdout.flush()
                os._exit(128 + signum)
            self.stop()  # first: a second signal from here on exits at once
            Log.info("stopping: no new jobs; waiting for running jobs", signal=signum)

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)

    def running_jobs(self) -> list[JobRecord]:
        with self._changed:
            return list(self._running.values())

    @property
    def active(self) -> int:
        """Jobs dispatched and not yet finished."""
        with self._changed:
            return len(self._running)

    def _outage(self, exc: BaseException) -> dict[str, str]:
        if not self.conninfo:
            return {"error": type(exc).__name__}
        return describe(exc, self.conninfo).log_context()

    # -- the loop ----------------------------------------------------------------------------

    def run(self) -> bool:
        """Claim and dispatch until :meth:`stop` (or Ctrl-C), then shut down.

        Returns ``True`` when every job finished, ``False`` when some were still running after
        the grace period and were released (their threads are abandoned: exit the process).
        """
        self._expect_next_step_within(self.claim_timeout)
        Log.info("worker started", worker_id=self.worker_id, concurrency=self.concurrency)
        pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="bioreport-job")
        try:
            self._loop(pool)
        except KeyboardInterrupt:
            Log.info("interrupted: waiting for running jobs")
            self.stopping.set()
        finished = self._drain()
        pool.shutdown(wait=finished, cancel_futures=True)
        Log.info("worker stopped", worker_id=self.worker_id)
        return finished

    def _loop(self, pool: ThreadPoolExecutor) -> None:
        outage = Backoff()
        while not self.stopping.is_set():
            self.wake.clear()
            free = self.concurrency - self.active
            self._expect_next_step_within(self.claim_timeout)
            try:
                claimed = self.jobs.claim_jobs(self.worker_id, free) if free else []
            except DatabaseUnavailable as exc:
                self.waiting_for_database = True
                delay = outage.next()
                Log.warning("database unavailable; retrying", **self._outage(exc), retry_in_s=delay)
                self._pause(delay)
                continue
            self.waiting_for_database = False
            outage.reset()
            Log.debug("poll", free_slots=free, claimed=len(claimed))
            for job in claimed:
                self._dispatch(pool, job)
            # Fewer jobs than free slots: the queue is empty, wait for a notification. All
            # slots full: wait for a job to finish. Either way a wake-up ends the wait early.
            self._pause(self.poll_interval)

    def _pause(self, seconds: float) -> None:
        self._expect_next_step_within(seconds)
        self._sleep(seconds)

    def _expect_next_step_within(self, seconds: float) -> None:
        self.due_by = time.monotonic() + seconds

    def _dispatch(self, pool: ThreadPoolExecutor, job: JobRecord) -> None:
        Log.debug("job claimed", job_id=job.id, document_id=job.uploaded_document_id)
        with self._changed:
            self._running[job.id] = job
        future = pool.submit(self.runner.run, job)
        future.add_done_callback(lambda done: self._finished(job, done))

    def _finished(self, job: JobRecord, future: Future[Outcome]) -> None:
        with self._changed:
            self._running.pop(job.id, None)
            self._changed.notify_all()
        if not future.cancelled() and future.exception() is not None:
            # The job stays processing and unrefreshed: its lease expires and it is recovered.
            Log.error("job runner crashed", job_id=job.id, error=type(future.exception()).__name__)
        self.wake.set()

    def _drain(self) -> bool:
        """Wait up to the grace period for running jobs; release the rest."""
        self._expect_next_step_within(self.shutdown_grace + self.claim_timeout)
        with self._changed:
            self._changed.wait_for(lambda: not self._running, timeout=self.shutdown_grace)
            left = list(self._running.values())
        if not left:
            return True
        try:
            released = self.jobs.release(left)
        except DatabaseUnavailable:
            released = []  # the lease recovers them
        Log.warning(
            "grace period over: released running jobs to pending",
            released=",".join(map(str, released)) or "none",
            grace_s=self.shutdown_grace,
        )
        return False
