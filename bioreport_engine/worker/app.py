"""Assembles a worker process from the settings: database, pipeline, runner, listener, loop."""

import os
import socket
import sys
import threading
import time
import uuid

import psycopg

from bioreport_engine.db.connection import Database, DatabaseUnavailable
from bioreport_engine.db.failures import describe, require_migrated
from bioreport_engine.db.jobs import JobRepository
from bioreport_engine.log import Log
from bioreport_engine.metrics import HealthServer
from bioreport_engine.pipeline import Pipeline
from bioreport_engine.plugins.registry import StageRegistry
from bioreport_engine.settings import EngineSettings
from bioreport_engine.storage import DocumentStore
from bioreport_engine.worker.backoff import Backoff
from bioreport_engine.worker.lease import LeaseKeeper
from bioreport_engine.worker.listener import Listener
from bioreport_engine.worker.retry import RetryPolicy
from bioreport_engine.worker.runner import JobRunner
from bioreport_engine.worker.worker import Worker

#: How long /readyz waits for a pooled connection before it answers "not ready".
READY_PROBE_SECONDS = 2.0


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def wait_for_database(db: Database, stop: threading.Event) -> None:
    """Block until PostgreSQL answers and the schema is migrated.

    An unreachable database is logged (host, port, database and why) and retried with capped
    back-off (no crash loop); a schema that is not migrated is a configuration error.
    """
    backoff = Backoff()
    while not stop.is_set():
        try:
            with db.connect(connect_timeout=5) as conn:
                require_migrated(conn, db.conninfo)
            return
        except psycopg.OperationalError as exc:
            failure = describe(exc, db.conninfo)
            delay = backoff.next()
            Log.warning("database unreachable; retrying", **failure.log_context(), retry_in_s=delay)
            stop.wait(delay)


def refuse_an_unmigrated_database(db: Database) -> None:
    """Before the stages are built (seconds of model loading): a database that answers but is
    not migrated stops start-up at once. One that does not answer is waited for later, by
    :func:`wait_for_database`, with the stages already built."""
    try:
        with db.connect(connect_timeout=3) as conn:
            require_migrated(conn, db.conninfo)
    except psycopg.OperationalError:
        return


class WorkerProcess:
    """Everything one worker process runs, built from the settings (nothing started yet)."""

    def __init__(self, settings: EngineSettings, registry: StageRegistry) -> None:
        self.settings = settings
        self.store = DocumentStore(settings.documents_root)
        self.store.check()
        self.db = Database.from_settings(settings)
        refuse_an_unmigrated_database(self.db)
        started = time.perf_counter()
        self.pipeline = Pipeline.build(settings, registry)
        Log.info(
            "pipeline built",
            stages=",".join(f"{s.kind.value}:{s.name}" for s in self.pipeline.stages),
            ms=round((time.perf_counter() - started) * 1000),
        )
        self.jobs = JobRepository(self.db)
        runner = JobRunner(
            self.pipeline,
            self.jobs,
            self.store,
            RetryPolicy(
                settings.max_job_attempts,
                settings.retry_backoff_base_seconds,
                settings.retry_backoff_max_seconds,
            ),
            settings.store_anonymized_text,
            write_deadline_seconds=settings.job_lease_seconds,
        )
        self.worker = Worker(
            self.jobs,
            runner,
            new_worker_id(),
            concurrency=settings.worker_concurrency,
            poll_interval=settings.job_poll_interval_seconds,
            shutdown_grace=settings.worker_shutdown_grace_seconds,
            conninfo=self.db.conninfo,
            claim_timeout=self.db.pool.timeout,
            prefetch=settings.worker_prefetch > 0,
        )
        self.helpers: tuple[Listener | LeaseKeeper, ...] = (
            Listener(self.db, self.worker.wake),
            LeaseKeeper(
                self.jobs,
                self.worker.worker_id,
                self.worker.running_jobs,
                heartbeat_seconds=settings.job_heartbeat_seconds,
                lease_seconds=settings.job_lease_seconds,
                max_attempts=settings.max_job_attempts,
            ),
        )
        self.status = HealthServer(settings, self)

    def ready(self) -> bool:
        """The database answers (the stages were built in ``__init__``). Quickly: not while the
        worker waits for the database, and within a few seconds otherwise, not the pool's 30."""
        if self.worker.waiting_for_database:
            return False
        try:
            with self.db.pool.connection(timeout=READY_PROBE_SECONDS) as conn:
                conn.execute("SELECT 1")
            return True
        except DatabaseUnavailable:
            return False

    def serve(self) -> bool:
        """Run until the worker is stopped; ``True`` when every running job finished."""
        wait_for_database(self.db, self.worker.stopping)
        with self.db:
            self.status.start()
            for helper in self.helpers:
                helper.start()
            try:
                finished = self.worker.run()
            finally:
                # First, and busy or not: the extraction children of jobs released after the
                # grace period are killed (those jobs get a transient error, not a failure).
                self.pipeline.close()
                for helper in self.helpers:
                    helper.stop()
                for helper in self.helpers:
                    helper.join(timeout=5)
                self.status.stop()
        return finished


def run_worker(settings: EngineSettings, registry: StageRegistry) -> None:
    """The ``bioreport worker`` process: returns (or exits) after a graceful shutdown."""
    process = WorkerProcess(settings, registry)
    process.worker.install_signal_handlers()
    if not process.serve():
        # Job threads still run with jobs already released: leave without waiting for them.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
