"""The queue's own cost: no-op jobs drained per second, and pick-up latency.

- ``bioreport worker`` processes (1 at concurrency 1, then 2 and 4 processes) draining N no-op
  jobs, against the bare SQL limit (a loop of the claim and finish statements alone) on the same
  server in the same run;
- pick-up latency: from a job's INSERT to its claim by an idle worker (``locked_at -
  created_at``, both the server's clock), p50 and p99.
"""

import signal
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from benchmarks.common import (
    NOOP_STAGES,
    scratch_database,
    seed_noop_jobs,
    start_worker,
    timed_drain,
)
from bioreport_engine.db.jobs import CLAIM_NEXT


@dataclass
class Drain:
    label: str
    jobs: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.jobs / self.seconds


def bare_sql(conninfo: str, root: Path, jobs: int) -> Drain:
    """The floor: claim one job, mark it done, commit; nothing else."""
    seed_noop_jobs(conninfo, root, jobs)
    with psycopg.connect(conninfo) as conn:
        started = time.perf_counter()
        while True:
            row = conn.execute(CLAIM_NEXT.encode(), {"worker": "bare", "limit": 1, "charged": 1}).fetchone()
            conn.commit()
            if row is None:
                break
            conn.execute(
                "UPDATE pdf_jobs SET status = 'done', finished_at = now() "
                "WHERE id = %s AND status = 'processing' AND locked_by = 'bare'",
                (row[0],),
            )
            conn.commit()
        return Drain("bare claim + finish SQL", jobs, time.perf_counter() - started)


def workers(
    conninfo: str, env: dict[str, str], root: Path, jobs: int, processes: int, concurrency: int
) -> Drain:
    settings = {
        **env,
        **NOOP_STAGES,
        "WORKER_CONCURRENCY": str(concurrency),
        "STORE_ANONYMIZED_TEXT": "false",
    }
    seconds = timed_drain(conninfo, root, settings, processes, jobs)
    label = f"bioreport worker: {processes} process{'es' if processes > 1 else ''} x {concurrency}"
    return Drain(label, jobs, seconds)


def pickup_latency(conninfo: str, env: dict[str, str], root: Path, samples: int) -> list[float]:
    seed_noop_jobs(conninfo, root, 0)
    settings = {**env, **NOOP_STAGES, "DOCUMENTS_ROOT": str(root), "JOB_POLL_INTERVAL_SECONDS": "5"}
    worker = start_worker(settings)
    try:
        time.sleep(3)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            document = conn.execute(
                "INSERT INTO uploaded_documents (storage_path, original_filename, size_bytes) "
                "VALUES ('noop.txt', 'noop.txt', 40) RETURNING id"
            ).fetchone()
            assert document is not None
            for _ in range(samples):
                conn.execute("INSERT INTO pdf_jobs (uploaded_document_id) VALUES (%s)", document)
                time.sleep(0.02)  # the worker is idle again before the next one
            time.sleep(1)
            rows = conn.execute(
                "SELECT extract(epoch FROM locked_at - created_at) * 1000 FROM pdf_jobs "
                "WHERE locked_at IS NOT NULL"
            ).fetchall()
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
    return sorted(float(row[0]) for row in rows)


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def run(jobs: int = 3000, latency_samples: int = 500) -> dict[str, object]:
    with scratch_database() as (conninfo, env), tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        drains = [
            bare_sql(conninfo, root, jobs),
            workers(conninfo, env, root, jobs, 1, 1),
            workers(conninfo, env, root, jobs, 1, 4),
            workers(conninfo, env, root, jobs, 2, 1),
            workers(conninfo, env, root, jobs, 4, 1),
        ]
        latencies = pickup_latency(conninfo, env, root, latency_samples)
    return {
        "drains": drains,
        "latency_p50_ms": statistics.median(latencies),
        "latency_p99_ms": percentile(latencies, 0.99),
        "latency_samples": len(latencies),
    }


def main() -> None:
    result = run()
    for drain in result["drains"]:  # type: ignore[attr-defined]
        print(f"{drain.label:45} {drain.rate:8.0f} jobs/s")
    print(
        f"pick-up latency p50 {result['latency_p50_ms']:.1f} ms, "
        f"p99 {result['latency_p99_ms']:.1f} ms over {result['latency_samples']} jobs"
    )


if __name__ == "__main__":
    main()
