"""The chaos run: K worker processes over M jobs on a private PostgreSQL; a random worker is
SIGKILLed and restarted every few seconds, and the database restarts once. It ends by printing

    jobs=M done=… failed=… lost=0 duplicate_results=0

and exits non-zero when anything was lost or duplicated. ``nox -s chaos`` runs it;
``python -m benchmarks.chaos --help`` lists the knobs.
"""

import argparse
import os
import random
import shutil
import signal
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
STAGES = {"PDF_ENGINE": "example-text", "PII_ENGINE": "example-mask", "LLM_ENGINE": "example-rows"}
ROWS_PER_DOCUMENT = 2


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


@dataclass
class Fleet:
    """Worker processes started with ``bioreport worker``; their output goes to log files."""

    env: dict[str, str]
    logs: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    started: int = 0

    def start(self) -> subprocess.Popen[bytes]:
        self.started += 1
        log = (self.logs / f"worker-{self.started}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "bioreport_engine", "worker"],
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def alive(self) -> list[subprocess.Popen[bytes]]:
        return [p for p in self.processes if p.poll() is None]

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
        "LOG_LEVEL": "WARNING",
    }


def run(args: argparse.Namespace) -> Tally:
    rng = random.Random(args.seed)
    with private_postgres() as server, tempfile.TemporaryDirectory() as scratch:
        root, logs = Path(scratch, "documents"), Path(scratch, "logs")
        root.mkdir()
        logs.mkdir()
        db = Database(server.conninfo("bioreport"), max_size=2)
        db.open()
        seed_jobs(db, root, [report_text(n, args.job_seconds) for n in range(args.jobs)])
        fleet = Fleet(worker_env(server, root, args.lease, args.concurrency), logs)
        for _ in range(args.workers):
            fleet.start()
        started = time.monotonic()
        kills = restarts_of_db = 0
        next_kill = started + args.kill_every
        try:
            while time.monotonic() - started < args.timeout:
                time.sleep(0.2)
                try:
                    progress = tally(db)
                except DatabaseUnavailable:  # our own connections die with the restart too
                    continue
                if progress.done + progress.failed == args.jobs:
                    break
                if not restarts_of_db and progress.done >= args.jobs / 3:
                    server.restart()
                    restarts_of_db += 1
                    print(f"  database restarted at done={progress.done}", flush=True)
                if time.monotonic() >= next_kill:
                    fleet.kill_one(rng)
                    fleet.start()
                    kills += 1
                    next_kill = time.monotonic() + args.kill_every * rng.uniform(0.5, 1.5)
            elapsed = time.monotonic() - started
            fleet.stop_all()
            result = tally(db)
        finally:
            fleet.stop_all()
            db.close()
            if args.keep_logs:
                shutil.copytree(logs, args.keep_logs, dirs_exist_ok=True)
        print(
            f"  {args.workers} workers x {args.concurrency} slots, {kills} SIGKILLs, "
            f"{restarts_of_db} database restart, {result.reruns} reruns, {elapsed:.1f} s",
            flush=True,
        )
        return result


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.chaos",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--jobs", type=int, default=1000, help="M: jobs to process (1000)")
    p.add_argument("--workers", type=int, default=4, help="K: worker processes (4)")
    p.add_argument("--concurrency", type=int, default=2, help="WORKER_CONCURRENCY (2)")
    p.add_argument("--job-seconds", type=float, default=0.05, help="time per job (0.05)")
    p.add_argument("--kill-every", type=float, default=3.0, help="mean seconds between kills (3)")
    p.add_argument("--lease", type=float, default=3.0, help="JOB_LEASE_SECONDS (3)")
    p.add_argument("--timeout", type=float, default=600, help="give up after (600 s)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--keep-logs", type=Path, help="copy the workers' logs to this folder")
    return p


def main() -> int:
    result = run(parser().parse_args())
    print(result.line(), flush=True)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
