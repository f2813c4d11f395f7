"""Leases: this worker's heartbeat, and every worker's recovery of jobs whose worker died.

Runs in a thread of its own, so slow stages do not delay the heartbeat (a stage that holds the
GIL for long stretches still can: CPU-heavy extraction belongs in a child process).
"""

import random
import threading
import time
from collections.abc import Callable

from bioreport_engine.db.connection import DatabaseUnavailable
from bioreport_engine.db.failures import describe
from bioreport_engine.db.jobs import JobRecord, JobRepository
from bioreport_engine.log import Log


class LeaseKeeper(threading.Thread):
    """Every ``heartbeat`` seconds, refresh ``locked_at`` of this worker's running jobs; about
    every quarter lease (with jitter, so replicas spread out), recover expired jobs."""

    def __init__(
        self,
        jobs: JobRepository,
        worker_id: str,
        running_jobs: Callable[[], list[JobRecord]],
        *,
        heartbeat_seconds: float,
        lease_seconds: float,
        max_attempts: int,
    ) -> None:
        super().__init__(name="bioreport-lease", daemon=True)
        self.jobs = jobs
        self.worker_id = worker_id
        self.running_jobs = running_jobs
        self.heartbeat_seconds = heartbeat_seconds
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts
        self.reap_every = min(max(lease_seconds / 4, 1.0), 60.0)
        self.lost: set[int] = set()
        self._missed: set[int] = set()
        self._halt = threading.Event()

    def stop(self) -> None:
        self._halt.set()

    def run(self) -> None:
        next_reap = time.monotonic()  # recover at start-up: the crashed worker may be us
        while not self._halt.is_set():
            try:
                self.beat()
                if time.monotonic() >= next_reap:
                    self.reap()
                    next_reap = time.monotonic() + self.reap_every * random.uniform(0.75, 1.25)
            except DatabaseUnavailable as exc:
                failure = describe(exc, self.jobs.db.conninfo)
                Log.warning("lease upkeep failed; retrying", **failure.log_context())
            self._halt.wait(self.heartbeat_seconds)

    def beat(self) -> None:
        """Refresh this worker's leases. A job missed twice in a row while still running has
        been recovered by another worker (once may just be a job finishing meanwhile); its
        outcome write will fail the ownership check, so the result is abandoned."""
        running = {job.id for job in self.running_jobs()}
        missed = running - self.jobs.heartbeat(self.worker_id, sorted(running))
        for job_id in (missed & self._missed) - self.lost:
            self.lost.add(job_id)
            Log.warning(
                "lease lost: another worker owns the job; its result will be abandoned",
                job_id=job_id,
            )
        self._missed = missed

    def reap(self) -> None:
        for job in self.jobs.recover_expired(self.lease_seconds, self.max_attempts):
            Log.warning(
                "recovered a job from a lost worker",
                job_id=job["id"],
                now=job["status"],
                lost_worker=job["locked_by"],
            )
