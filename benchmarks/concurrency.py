"""LLM waits overlap: documents per second with the local LLM server answering after 500 ms,
at WORKER_CONCURRENCY 1, 4 and 16 in one process, and 16 in each of 2 processes."""

import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import (
    NOOP_STAGES,
    count_status,
    scratch_database,
    seed_noop_jobs,
    start_worker,
)
from benchmarks.fake_openai import FakeOpenAI


@dataclass
class Throughput:
    processes: int
    concurrency: int
    documents: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.documents / self.seconds


def measure(
    conninfo: str,
    env: dict[str, str],
    root: Path,
    server: FakeOpenAI,
    processes: int,
    concurrency: int,
    documents: int,
) -> Throughput:
    seed_noop_jobs(conninfo, root, 0)
    settings = {
        **env,
        **NOOP_STAGES,
        "LLM_ENGINE": "openai",
        "OPENAI_BASE_URL": server.base_url,
        "OPENAI_API_KEY": "sk-bench",
        "OPENAI_RATE_LIMIT_PER_MINUTE": "100000",
        "DOCUMENTS_ROOT": str(root),
        "WORKER_CONCURRENCY": str(concurrency),
    }
    fleet = [start_worker(settings) for _ in range(processes)]
    try:
        time.sleep(4)
        seed_noop_jobs(conninfo, root, documents)
        started = time.perf_counter()
        while count_status(conninfo, "done") + count_status(conninfo, "failed") < documents:
            time.sleep(0.05)
        seconds = time.perf_counter() - started
    finally:
        for process in fleet:
            process.send_signal(signal.SIGTERM)
        for process in fleet:
            process.wait(60)
    return Throughput(processes, concurrency, documents, seconds)


def run(delay: float = 0.5) -> list[Throughput]:
    plan = [(1, 1, 10), (1, 4, 40), (1, 16, 160), (2, 16, 320)]
    with scratch_database() as (conninfo, env), tempfile.TemporaryDirectory() as folder:
        with FakeOpenAI(delay=delay) as server:
            return [measure(conninfo, env, Path(folder), server, *step) for step in plan]


def main() -> None:
    results = run()
    base = results[0].rate
    for r in results:
        k = r.processes * r.concurrency
        print(
            f"{r.processes} x {r.concurrency:2}: {r.rate:6.2f} docs/s  "
            f"({r.rate / (k * base):.2f} of {k} x the single-slot rate)"
        )


if __name__ == "__main__":
    main()
