"""The chaos run: K worker processes over M jobs on a private PostgreSQL; a random worker is
SIGKILLed and replaced every few seconds, and the database restarts once (``--db-crashes N``:
crashes N times). It ends by printing

    jobs=M done=… failed=… lost=0 duplicate_results=0

and exits non-zero when anything was lost or duplicated. ``nox -s chaos`` runs it;
``python -m benchmarks.chaos --help`` lists the knobs.

A kill only proves something when it hits a worker that was working, so the next kill waits
until every worker of the fleet has logged that it is ready, and comes no sooner than
``KILL_INTERVAL_PER_START`` times the time the last replacement took to get there: on a slow or
busy machine the kills space out instead of catching every worker still importing. A run that
drained the queue before its first kill proved nothing and fails: give it more work.
"""

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bioreport_engine.db.connection import Database, DatabaseUnavailable
from bioreport_engine.db.migrate import migrate
from bioreport_engine.localdb import LocalPostgres

#: Toy stages from tests/plugin_example: a text "PDF" with directives, masked, two rows each.
STAGES = {
    "PDF_ENGINE": "example-text",
    "PII_ENGINE": "example-mask",
    "LLM_ENGINE": "example-rows",
    "NORM_ENGINE": "example-codes",
}
ROWS_PER_DOCUMENT = 2
#: What a worker logs, at INFO, as its loop starts (bioreport_engine/worker/worker.py): from
#: then on it claims jobs. Before it, it is importing, building stages or waiting for PostgreSQL.
READY_LINE = b"worker started"
#: A worker that is not ready this long after its start is broken, not slow.
READY_TIMEOUT_SECONDS = 120.0
#: From a worker's start to the next kill: at least this many times its time to ready. The victim
#: is drawn among K workers, so a worker lives about K times that interval: at least 2K times
#: its start-up, most of its life working, however slow the machine.
KILL_INTERVAL_PER_START = 2


def report_text(number: int, job_seconds: float, poison: bool = False) -> str:
    lines = [
        f"Patient: Chaos Person {number}",
        f"Glucose  {50 + number % 200}  mg/dL",
        "Sodium  140  mmol/L",
        f"#sleep {job_seconds}",
    ]
    if poison:
        lines.append("#crash")
    return "\n".join(lines) + "\n"


@contextmanager
def private_postgres(database: str = "bioreport") -> Iterator[LocalPostgres]:
    """A throwaway cluster on a free port, in a temporary folder the postgres user can reach."""
    folder = Path(tempfile.mkdtemp(prefix="bioreport-pg-"))
    folder.chmod(0o755)
    server = LocalPostgres(folder / "cluster")
    try:
        server.init()
        server.start()
        server.ensure_database(database)
        with Database(server.conninfo(database)).connect() as conn:
            migrate(conn)
        yield server
    finally:
        server.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


def seed_jobs(db: Database, root: Path, texts: list[str]) -> None:
    """One document file, ``uploaded_documents`` row and pending job per text."""
    for number, text in enumerate(texts):
        (root / f"doc-{number}.txt").write_text(text)
    with db.get_connection() as conn:
        conn.execute(
            """WITH docs AS (
                   INSERT INTO uploaded_documents (storage_path, original_filename, size_bytes)
                   SELECT 'doc-' || n || '.txt', 'report.pdf', 100
                   FROM generate_series(0, %s - 1) n ORDER BY n RETURNING id)
               INSERT INTO pdf_jobs (uploaded_document_id) SELECT id FROM docs ORDER BY id""",
            (len(texts),),
        )


class WorkerNotReady(RuntimeError):
    """A worker exited, or stayed silent for ``READY_TIMEOUT_SECONDS``, before it was ready."""


@dataclass
class FleetWorker:
    process: subprocess.Popen[bytes]
    log: Path
    started_at: float  # time.monotonic()
    ready_after: float | None = None  # seconds from start to the ready line, once seen

    def log_tail(self, lines: int = 20) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:]) or "(empty)"


@dataclass
class Fleet:
    """Worker processes started with ``bioreport worker``; their output goes to log files."""

    env: dict[str, str]
    logs: Path
    workers: list[FleetWorker] = field(default_factory=list)

    @property
    def processes(self) -> list[subprocess.Popen[bytes]]:
        return [worker.process for worker in self.workers]

    def start(self) -> subprocess.Popen[bytes]:
        log = self.logs / f"worker-{len(self.workers) + 1}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "bioreport_engine", "worker"],
                env={**os.environ, **self.env},
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.workers.append(FleetWorker(process, log, time.monotonic()))
        return process

    def worker(self, process: subprocess.Popen[bytes]) -> FleetWorker:
        return next(worker for worker in self.workers if worker.process is process)

    def alive(self) -> list[subprocess.Popen[bytes]]:
        return [p for p in self.processes if p.poll() is None]

    def logged(self, process: subprocess.Popen[bytes], text: bytes) -> bool:
        log = self.worker(process).log
        return log.exists() and text in log.read_bytes()

    def check_ready(self) -> bool:
        """Look for the ready line of each worker not yet seen ready; ``True`` when every live
        worker is ready. A worker that exited before its ready line, or is still silent
        ``READY_TIMEOUT_SECONDS`` after its start, raises :class:`WorkerNotReady` with the end
        of its log."""
        now = time.monotonic()
        for worker in self.workers:
            if worker.ready_after is not None:
                continue
            exited = worker.process.poll() is not None  # before reading: it may log, then exit
            if READY_LINE in worker.log.read_bytes():
                worker.ready_after = now - worker.started_at
            elif exited:
                raise WorkerNotReady(
                    f"worker pid {worker.process.pid} exited with {worker.process.returncode} "
                    f"before it was ready; its log ends:\n{worker.log_tail()}"
                )
            elif now - worker.started_at > READY_TIMEOUT_SECONDS:
                worker.process.kill()
                raise WorkerNotReady(
                    f"worker pid {worker.process.pid} was not ready "
                    f"{READY_TIMEOUT_SECONDS:.0f} s after its start; its log ends:\n"
                    f"{worker.log_tail()}"
                )
        return all(w.ready_after is not None for w in self.workers if w.process.poll() is None)

    def ready_times(self) -> list[float]:
        return [w.ready_after for w in self.workers if w.ready_after is not None]

    def kill_one(self, rng: random.Random) -> None:
        alive = self.alive()
        if alive:
            rng.choice(alive).kill()

    def stop_all(self, timeout: float = 30) -> list[int | None]:
        for process in self.alive():
            process.send_signal(signal.SIGTERM)
        codes: list[int | None] = []
        for process in self.processes:
            try:
                codes.append(process.wait(timeout))
            except subprocess.TimeoutExpired:
                process.kill()
                codes.append(None)
        return codes


@dataclass(frozen=True)
class Tally:
    jobs: int
    done: int
    failed: int
    lost: int
    duplicate_results: int
    reruns: int

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.duplicate_results == 0

    def line(self) -> str:
        return (
            f"jobs={self.jobs} done={self.done} failed={self.failed} lost={self.lost} "
            f"duplicate_results={self.duplicate_results}"
        )


def tally(db: Database) -> Tally:
    """Count outcomes. Lost: a job not ``done``/``failed``, or ``done`` without its results.
    Duplicates: more than one result row, or more biomarker rows than the document has."""
    with db.get_connection() as conn:
        row = conn.execute(
            """SELECT
                 (SELECT count(*) FROM pdf_jobs) AS jobs,
                 (SELECT count(*) FROM pdf_jobs WHERE status = 'done') AS done,
                 (SELECT count(*) FROM pdf_jobs WHERE status = 'failed') AS failed,
                 (SELECT count(*) FROM pdf_jobs WHERE status NOT IN ('done', 'failed'))
                 + (SELECT count(*) FROM pdf_jobs j WHERE status = 'done' AND NOT EXISTS (
                       SELECT 1 FROM document_results r
                       WHERE r.uploaded_document_id = j.uploaded_document_id)) AS lost,
                 (SELECT count(*) - count(DISTINCT uploaded_document_id) FROM document_results)
                 + (SELECT coalesce(sum(greatest(n - %s, 0)), 0) FROM (
                       SELECT count(*) AS n FROM biomarker_results
                       GROUP BY uploaded_document_id) b) AS duplicate_results,
                 (SELECT coalesce(sum(attempts), 0) - count(*) FROM pdf_jobs) AS reruns""",
            (ROWS_PER_DOCUMENT,),
        ).fetchone()
    assert row is not None
    return Tally(**{key: int(value) for key, value in row.items()})


def worker_env(server: LocalPostgres, root: Path, lease: float, concurrency: int) -> dict[str, str]:
    return {
        **server.env("bioreport"),
        **STAGES,
        "DOCUMENTS_ROOT": str(root),
        "JOB_LEASE_SECONDS": str(lease),
        "JOB_HEARTBEAT_SECONDS": str(lease / 4),
        "JOB_POLL_INTERVAL_SECONDS": "1",
        "WORKER_CONCURRENCY": str(concurrency),
        "WORKER_SHUTDOWN_GRACE_SECONDS": "5",
        # INFO: the ready line (READY_LINE) is an INFO line, and so is each job's outcome.
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "text",
    }


@dataclass
class KillSchedule:
    """When the next SIGKILL may come: ``spacing`` (the mean, ``--kill-every``, x 0.5..1.5)
    after the last start of workers, once all of them are ready, and no sooner than
    ``KILL_INTERVAL_PER_START`` times the time the slowest of them took to be ready."""

    rng: random.Random
    mean: float
    last_start: float = 0.0
    spacing: float = 0.0

    def starting(self) -> None:
        """Call just before starting workers: the next interval counts from now."""
        self.last_start = time.monotonic()
        self.spacing = self.mean * self.rng.uniform(0.5, 1.5)

    def due(self, fleet: Fleet) -> bool:
        if not fleet.check_ready():
            return False
        just_started = [
            w.ready_after or 0.0 for w in fleet.workers if w.started_at >= self.last_start
        ]
        interval = max(self.spacing, KILL_INTERVAL_PER_START * max(just_started, default=0.0))
        return time.monotonic() >= self.last_start + interval


@dataclass(frozen=True)
class ChaosRun:
    tally: Tally
    kills: int
    database_restarts: int
    ready_seconds: list[float]  # each worker's time from start to its ready line
    elapsed: float

    def summary(self, workers: int, concurrency: int) -> str:
        ready = self.ready_seconds or [float("nan")]
        return (
            f"  {workers} workers x {concurrency} slots, {self.kills} SIGKILLs, "
            f"{self.database_restarts} database restart, {self.tally.reruns} reruns, "
            f"{self.elapsed:.1f} s\n"
            f"  worker start to ready: median {statistics.median(ready):.1f} s, "
            f"max {max(ready):.1f} s over {len(self.ready_seconds)} starts; "
            f"kills at least {KILL_INTERVAL_PER_START} x that apart"
        )


def run(args: argparse.Namespace) -> ChaosRun:
    rng = random.Random(args.seed)
    with private_postgres() as server, tempfile.TemporaryDirectory() as scratch:
        root, logs = Path(scratch, "documents"), Path(scratch, "logs")
        root.mkdir()
        logs.mkdir()
        db = Database(server.conninfo("bioreport"), max_size=2)
        db.open()
        seed_jobs(db, root, [report_text(n, args.job_seconds) for n in range(args.jobs)])
        fleet = Fleet(worker_env(server, root, args.lease, args.concurrency), logs)
        schedule = KillSchedule(rng, args.kill_every)
        schedule.starting()
        for _ in range(args.workers):
            fleet.start()
        started = time.monotonic()
        kills = restarts_of_db = 0
        # When (by jobs done) the database goes down: once, cleanly, by default; with
        # --db-crashes N, N times, killed (pg_ctl -m immediate: a crash, with recovery).
        crashes = args.db_crashes
        restart_at = (
            [args.jobs * (n + 1) / (crashes + 1) for n in range(crashes)]
            if crashes
            else [args.jobs / 3]
        )
        try:
            while time.monotonic() - started < args.timeout:
                time.sleep(0.2)
                if schedule.due(fleet):
                    fleet.kill_one(rng)
                    schedule.starting()
                    fleet.start()
                    kills += 1
                try:
                    progress = tally(db)
                except DatabaseUnavailable:  # our own connections die with the restart too
                    continue
                if progress.done + progress.failed == args.jobs:
                    break
                if restarts_of_db < len(restart_at) and progress.done >= restart_at[restarts_of_db]:
                    server.stop("immediate" if crashes else "fast")
                    server.start()
                    restarts_of_db += 1
                    how = "crashed and restarted" if crashes else "restarted"
                    print(f"  database {how} at done={progress.done}", flush=True)
            elapsed = time.monotonic() - started
            fleet.stop_all()
            result = tally(db)
        finally:
            fleet.stop_all()
            db.close()
            if args.keep_logs:
                shutil.copytree(logs, args.keep_logs, dirs_exist_ok=True)
        outcome = ChaosRun(result, kills, restarts_of_db, fleet.ready_times(), elapsed)
        print(outcome.summary(args.workers, args.concurrency), flush=True)
        return outcome


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.chaos",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--jobs", type=int, default=1000, help="M: jobs to process (1000)")
    p.add_argument("--workers", type=int, default=4, help="K: worker processes (4)")
    p.add_argument("--concurrency", type=int, default=2, help="WORKER_CONCURRENCY (2)")
    p.add_argument("--job-seconds", type=float, default=0.2, help="time per job (0.2)")
    p.add_argument(
        "--kill-every",
        type=float,
        default=3.0,
        help="mean seconds between kills (3); never sooner than "
        f"{KILL_INTERVAL_PER_START} x the last replacement's time to ready",
    )
    p.add_argument("--lease", type=float, default=3.0, help="JOB_LEASE_SECONDS (3)")
    p.add_argument(
        "--db-crashes",
        type=int,
        default=0,
        help="crash the database (stop -m immediate, then start) N times, evenly spread; "
        "0 (default): one clean restart at a third of the jobs",
    )
    p.add_argument("--timeout", type=float, default=600, help="give up after (600 s)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--keep-logs", type=Path, help="copy the workers' logs to this folder")
    return p


def main() -> int:
    try:
        outcome = run(parser().parse_args())
    except WorkerNotReady as error:
        print(f"chaos: {error}", file=sys.stderr, flush=True)
        return 1
    print(outcome.tally.line(), flush=True)
    if not outcome.kills:
        print(
            "chaos: the queue drained before the first kill, so nothing was proven: "
            "raise --jobs or --job-seconds",
            file=sys.stderr,
        )
    return 0 if outcome.tally.ok and outcome.kills else 1


if __name__ == "__main__":
    sys.exit(main())
