"""The queue's own cost: no-op jobs drained per second beside pgqueuer and procrastinate, and
pick-up latency.

In one run, on one server, with the same N:
- two bare SQL loops on one connection: the claim and the finish as two statements, and the
  worker's own complete-and-fetch statement (finish, result rows and next claim in one), the
  floor of our design;
- ``bioreport worker`` processes x slots: 1 x 1, 1 x 4, 2 x 1, 4 x 1, draining a no-op pipeline
  (tests/plugin_example's toy stages: the document is read and its result rows written);
- pgqueuer (one ``QueueManager``, batch 1 and batch 10) and procrastinate (one worker,
  concurrency 1 and 10), when installed (the ``bench`` dependency group), each on a scratch
  database of its own.

Every configuration runs once per round and the rounds are interleaved, so that a noisy spell
on the shared machine hits every system alike; each figure is the median over the rounds. Every
connection commits with ``synchronous_commit=off``, ours as in production and the others' so
that the comparison is of queues, not of disk flushes.

Pick-up latency: from a job's INSERT to its claim by an idle worker (``locked_at -
created_at``, both the server's clock), p50 and p99.
"""

import argparse
import importlib.util
import signal
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo
from psycopg.rows import dict_row

from benchmarks import peers
from benchmarks.common import (
    NOOP_STAGES,
    scratch_database,
    seed_noop_jobs,
    start_worker,
    timed_drain,
)
from bioreport_engine.db.jobs import CLAIM_NEXT, FINISH_DONE
from bioreport_engine.db.results import result_parameters
from bioreport_engine.results import PipelineResult
from bioreport_engine.texts import AnonymizedText, ExtractedText

ASYNC_COMMIT = "-c synchronous_commit=off"
#: Our worker's configurations: (processes, slots per process).
OURS = ((1, 1), (1, 4), (2, 1), (4, 1))


@dataclass
class Drain:
    label: str
    jobs: int
    #: One entry per round.
    seconds: list[float] = field(default_factory=list)
    #: A peer drain at one job per claim (pgqueuer batch 1, procrastinate concurrency 1).
    one_per_claim_peer: bool = False

    @property
    def rate(self) -> float:
        """Median jobs per second over the rounds."""
        return statistics.median(self.jobs / s for s in self.seconds)


@dataclass(frozen=True)
class Databases:
    """One scratch database per system, and the folder of the no-op document."""

    ours: str
    ours_env: dict[str, str]
    pgqueuer: str
    procrastinate: str
    root: Path


def bare_sql(conninfo: str, root: Path, jobs: int) -> float:
    """Claim one job, mark it done, each statement in its own transaction; nothing else."""
    seed_noop_jobs(conninfo, root, jobs)
    params = {"worker": "bare", "limit": 1, "charged": 1}
    with psycopg.connect(make_conninfo(conninfo, options=ASYNC_COMMIT)) as conn:
        started = time.perf_counter()
        while True:
            row = conn.execute(CLAIM_NEXT, params).fetchone()
            conn.commit()
            if row is None:
                break
            conn.execute(
                "UPDATE pdf_jobs SET status = 'done', finished_at = now() "
                "WHERE id = %s AND status = 'processing' AND locked_by = 'bare'",
                (row[0],),
            )
            conn.commit()
        return time.perf_counter() - started


def bare_complete_and_fetch(conninfo: str, root: Path, jobs: int) -> float:
    """The worker's finishing statement in a loop: each run records a no-op result and claims
    the next job (one round trip per job, as the worker's slot does, without the worker)."""
    seed_noop_jobs(conninfo, root, jobs)
    empty = PipelineResult(ExtractedText(("",)), AnonymizedText(""), None, {}, ())
    results = result_parameters(empty, store_text=False)
    follow = {"worker": "bare", "start_id": None, "limit": 1, "charged": 1}
    options = f"{ASYNC_COMMIT} -c plan_cache_mode=force_generic_plan"
    with psycopg.connect(
        make_conninfo(conninfo, options=options), autocommit=True, row_factory=dict_row
    ) as conn:
        started = time.perf_counter()
        job = conn.execute(CLAIM_NEXT, {**follow, "start_id": None}).fetchone()
        while job is not None:
            rows = conn.execute(FINISH_DONE, {"job_id": job["id"], **follow, **results})
            job = rows.fetchone()
            job = job if job is not None and job["id"] is not None else None
        return time.perf_counter() - started


def our_workers(dbs: Databases, *, jobs: int, p: int, s: int) -> float:
    """``p`` worker processes of ``s`` slots each."""
    settings = {
        **dbs.ours_env,
        **NOOP_STAGES,
        "WORKER_CONCURRENCY": str(s),
        "STORE_ANONYMIZED_TEXT": "false",
    }
    return timed_drain(dbs.ours, dbs.root, settings, p, jobs)


def pgqueuer(dbs: Databases, *, jobs: int, batch: int) -> float:
    return peers.pgqueuer_drain(dbs.pgqueuer, jobs, batch)


def procrastinate(dbs: Databases, *, jobs: int, concurrency: int) -> float:
    return peers.procrastinate_drain(dbs.procrastinate, jobs, concurrency)


def plan(jobs: int) -> list[tuple[Drain, Callable[[Databases], float]]]:
    """Every configuration, in the order of one round."""
    steps: list[tuple[Drain, Callable[[Databases], float]]] = [
        (
            Drain("bare SQL: claim + finish (2 statements)", jobs),
            lambda d: bare_sql(d.ours, d.root, jobs),
        ),
        (
            Drain("bare SQL: complete-and-fetch (1 statement)", jobs),
            lambda d: bare_complete_and_fetch(d.ours, d.root, jobs),
        ),
    ]
    for processes, slots in OURS:
        label = f"bioreport worker: {processes} process{'es' if processes > 1 else ''} x {slots}"
        steps.append((Drain(label, jobs), partial(our_workers, jobs=jobs, p=processes, s=slots)))
    if importlib.util.find_spec("pgqueuer") is not None:
        for batch in (1, 10):
            drain = Drain(
                f"pgqueuer: 1 dequeuer, batch {batch}", jobs, one_per_claim_peer=batch == 1
            )
            steps.append((drain, partial(pgqueuer, jobs=jobs, batch=batch)))
    if importlib.util.find_spec("procrastinate") is not None:
        for slots in (1, 10):
            drain = Drain(
                f"procrastinate: concurrency {slots}", jobs, one_per_claim_peer=slots == 1
            )
            steps.append((drain, partial(procrastinate, jobs=jobs, concurrency=slots)))
    return steps


@contextmanager
def databases() -> Iterator[Databases]:
    with ExitStack() as stack:
        ours, env = stack.enter_context(scratch_database())
        pgqueuer, _ = stack.enter_context(scratch_database(migrated=False))
        procrastinate, _ = stack.enter_context(scratch_database(migrated=False))
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        yield Databases(
            ours,
            env,
            make_conninfo(pgqueuer, options=ASYNC_COMMIT),
            make_conninfo(procrastinate, options=ASYNC_COMMIT),
            Path(folder),
        )


def pickup_latency(dbs: Databases, samples: int) -> list[float]:
    seed_noop_jobs(dbs.ours, dbs.root, 0)
    settings = {
        **dbs.ours_env,
        **NOOP_STAGES,
        "DOCUMENTS_ROOT": str(dbs.root),
        "JOB_POLL_INTERVAL_SECONDS": "5",
    }
    worker = start_worker(settings)
    try:
        time.sleep(3)
        with psycopg.connect(dbs.ours, autocommit=True) as conn:
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


def run(jobs: int = 3000, rounds: int = 2, latency_samples: int = 500) -> dict[str, object]:
    steps = plan(jobs)
    with databases() as dbs:
        for _ in range(rounds):
            for drain, measure in steps:
                drain.seconds.append(measure(dbs))
        latencies = pickup_latency(dbs, latency_samples)
    return {
        "drains": [drain for drain, _ in steps],
        "rounds": rounds,
        "latency_p50_ms": statistics.median(latencies),
        "latency_p99_ms": percentile(latencies, 0.99),
        "latency_samples": len(latencies),
    }


def find(drains: list[Drain], label: str) -> Drain:
    return next(d for d in drains if d.label == label)


def verdict(drains: list[Drain]) -> list[str]:
    """The issue's targets, checked against this run's figures."""
    single = find(drains, "bioreport worker: 1 process x 1")
    four = find(drains, "bioreport worker: 1 process x 4")
    floor = find(drains, "bare SQL: complete-and-fetch (1 statement)")
    lines = []
    peer_drains = [d for d in drains if d.one_per_claim_peer]
    if peer_drains:
        fastest = max(peer_drains, key=lambda d: d.rate)
        ratio = single.rate / fastest.rate
        lines.append(
            f"One process at one slot ÷ the faster peer at one job per claim ({fastest.label}): "
            f"**{ratio:.2f}x** (target >= 1.0: {'met' if ratio >= 1 else 'missed'})."
        )
    else:
        lines.append("pgqueuer and procrastinate are not installed: no peer measured.")
    lines.append(
        f"One process at one slot: {single.rate:.0f} jobs/s; the bare complete-and-fetch loop "
        f"allows {floor.rate:.0f} (target >= 1,000 where the floor allows it: "
        f"{'met' if single.rate >= 1000 else 'missed'}; {single.rate / floor.rate:.2f} of the "
        "floor)."
    )
    scale = four.rate / single.rate
    lines.append(
        f"Four slots ÷ one slot: {scale:.2f}x (target >= 2: {'met' if scale >= 2 else 'missed'})."
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--latency-samples", type=int, default=500)
    args = parser.parse_args()
    result = run(args.jobs, args.rounds, args.latency_samples)
    drains: list[Drain] = result["drains"]  # type: ignore[assignment]
    for drain in drains:
        rounds = ", ".join(f"{drain.jobs / s:.0f}" for s in drain.seconds)
        print(f"{drain.label:45} {drain.rate:8.0f} jobs/s  (rounds: {rounds})")
    print("\n".join(verdict(drains)))
    print(
        f"pick-up latency p50 {result['latency_p50_ms']:.1f} ms, "
        f"p99 {result['latency_p99_ms']:.1f} ms over {result['latency_samples']} jobs"
    )


if __name__ == "__main__":
    main()
