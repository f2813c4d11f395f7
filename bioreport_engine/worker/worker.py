"""The poll loop and its slots: wait for a wake-up, claim as many jobs as there are free slots
(one statement for all of them), and give each claimed job a slot of its own.

A slot then feeds itself: the statement that records its job's outcome also claims its next job
(complete-and-fetch, :meth:`~bioreport_engine.db.jobs.JobRepository.mark_done`), so a busy slot
costs one round trip per job and never waits for the loop. A slot ends when that claim finds the
queue empty; the loop takes over again when a notification or the poll wakes it.

With ``prefetch``, a slot also holds its next job while the current one runs: leased to this
worker and covered by its heartbeat, but not charged an attempt until it starts (a prefetched
job lost in a crash has used none). That saves nothing at one round trip per job; it pays when
the database is far away. It is off by default: a held job waits for its slot while another
worker may be idle, which costs more than it saves once jobs take seconds (the LLM).

No business logic lives here: :class:`~bioreport_engine.worker.runner.JobRunner` runs a job.
On SIGTERM or SIGINT the worker stops claiming, releases prefetched jobs as their slots finish,
gives running jobs a grace period, releases the rest to ``pending`` without charging their
attempt, and returns; a second signal exits at once.
"""

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from types import FrameType
from typing import Protocol

from bioreport_engine.db.connection import DatabaseUnavailable
from bioreport_engine.db.failures import describe
from bioreport_engine.db.jobs import NO_FOLLOW, Follow, Handover, JobRecord
from bioreport_engine.log import Log
from bioreport_engine.worker.backoff import Backoff
from bioreport_engine.worker.runner import Step


class JobSource(Protocol):
    def claim_jobs(self, worker: str, limit: int = 1, prefetch: int = 0) -> list[JobRecord]: ...

    def release(self, jobs: list[JobRecord]) -> list[int]: ...


class Runner(Protocol):
    def run(self, job: JobRecord, then: Callable[[], Follow] = ...) -> Step: ...


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
        prefetch: bool = False,
    ) -> None:
        self.jobs = jobs
        #: Names the database (host, port, reason) in outage logs; never the password.
        self.conninfo = conninfo
        self.runner = runner
        self.worker_id = worker_id
        self.concurrency = concurrency
        #: Each slot holds its next job while the current one runs (see the module's note).
        self.prefetch = prefetch
        self.poll_interval = poll_interval
        self.shutdown_grace = shutdown_grace
        #: Set by the listener (a job was queued), a finished job (a slot is free), or a signal.
        self.wake = threading.Event()
        self._sleep = sleep or self.wake.wait
        self.stopping = threading.Event()
        #: Every job this worker holds (running or prefetched): what its heartbeat refreshes.
        self._held: dict[int, JobRecord] = {}
        self._busy_slots = 0
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
        """The jobs this worker holds, running or prefetched: their leases must stay fresh."""
        with self._changed:
            return list(self._held.values())

    @property
    def active(self) -> int:
        """Busy slots (each runs one job)."""
        with self._changed:
            return self._busy_slots

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
                claimed = self._claim(free) if free else []
            except DatabaseUnavailable as exc:
                self.waiting_for_database = True
                delay = outage.next()
                Log.warning("database unavailable; retrying", **self._outage(exc), retry_in_s=delay)
                self._pause(delay)
                continue
            self.waiting_for_database = False
            outage.reset()
            Log.debug("poll", free_slots=free, claimed=len(claimed))
            starting = [job for job in claimed if job.charged]
            spare = [job for job in claimed if not job.charged]
            for index, job in enumerate(starting):
                self._dispatch(pool, job, spare[index] if index < len(spare) else None)
            # Fewer jobs than free slots: the queue is empty, wait for a notification. All
            # slots full: wait for a job to finish. Either way a wake-up ends the wait early.
            self._pause(self.poll_interval)

    def _pause(self, seconds: float) -> None:
        self._expect_next_step_within(seconds)
        self._sleep(seconds)

    def _expect_next_step_within(self, seconds: float) -> None:
        self.due_by = time.monotonic() + seconds

    def _claim(self, free: int) -> list[JobRecord]:
        """One statement for every free slot: a job to start each, and with ``prefetch`` one
        more each to hold."""
        return self.jobs.claim_jobs(self.worker_id, free, prefetch=free if self.prefetch else 0)

    def _dispatch(self, pool: ThreadPoolExecutor, job: JobRecord, held: JobRecord | None) -> None:
        Log.debug("job claimed", job_id=job.id, document_id=job.uploaded_document_id)
        with self._changed:
            self._held.update((j.id, j) for j in (job, held) if j is not None)
            self._busy_slots += 1
        pool.submit(self._serve, job, held)

    def _serve(self, job: JobRecord, held: JobRecord | None) -> None:
        """One slot: run its job, then each next job its finishing statement claimed, until
        that claim finds none (or the worker stops)."""
        current: JobRecord | None = job
        try:
            while current is not None:
                try:
                    step = self.runner.run(current, partial(self._follow, held))
                except Exception as exc:
                    # The job stays processing and unrefreshed: its lease expires and it is
                    # recovered (and a prefetched one, uncharged).
                    Log.error("job runner crashed", job_id=current.id, error=type(exc).__name__)
                    self._forget(current, held)
                    return
                current, held = self._advance(current, held, step.handover)
        finally:
            with self._changed:
                self._busy_slots -= 1
                self._changed.notify_all()
            self.wake.set()

    def _follow(self, held: JobRecord | None) -> Follow:
        """What the slot claims with its finishing write: nothing once stopping; else its held
        job starts and another is prefetched, or the next job is claimed (and one prefetched)."""
        if self.stopping.is_set():
            return NO_FOLLOW
        if held is not None:
            return Follow(claim=1, charge=0, start=held)
        return Follow(claim=1 + int(self.prefetch), charge=1)

    def _advance(
        self, done: JobRecord, held: JobRecord | None, handover: Handover
    ) -> tuple[JobRecord | None, JobRecord | None]:
        """The slot's next job and next held job, from what the finishing statement returned;
        a held job that was not started (stopping, or lost) and any surplus are released."""
        spare = [job for job in handover.claimed if not job.charged]
        upcoming: JobRecord | None
        if handover.started is not None:
            upcoming = handover.started
        else:
            upcoming = next((job for job in handover.claimed if job.charged), None)
        keep = spare[0] if spare and upcoming is not None else None
        surplus = [job for job in spare if job is not keep]
        if held is not None and handover.started is None:
            surplus.append(held)
        with self._changed:  # at once: the drain must never see this slot holding nothing
            self._held.update((j.id, j) for j in (upcoming, keep) if j is not None)
        self._forget(done, *surplus)
        self._release_quietly(surplus)
        return upcoming, keep

    def _forget(self, *jobs: JobRecord | None) -> None:
        with self._changed:
            for job in jobs:
                if job is not None:
                    self._held.pop(job.id, None)
            self._changed.notify_all()

    def _release_quietly(self, jobs: list[JobRecord]) -> None:
        """Release prefetched jobs a slot will not run; if the database is away, their lease
        returns them (they were not charged)."""
        if not jobs:
            return
        try:
            self.jobs.release(jobs)
        except DatabaseUnavailable:
            pass

    def _drain(self) -> bool:
        """Wait up to the grace period for running jobs; release the rest."""
        self._expect_next_step_within(self.shutdown_grace + self.claim_timeout)
        with self._changed:
            self._changed.wait_for(lambda: not self._held, timeout=self.shutdown_grace)
            left = list(self._held.values())
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
