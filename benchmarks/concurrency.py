"""LLM waits overlap: documents per second with the local LLM server answering after 500 ms,
at WORKER_CONCURRENCY 1, 4 and 16 in one process, and 16 in each of 2 processes."""

import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import (
    NOOP_STAGES,
    scratch_database,
    timed_drain,
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
    settings = {
        **env,
        **NOOP_STAGES,
        "LLM_ENGINE": "openai",
        "OPENAI_BASE_URL": server.base_url,
        "OPENAI_API_KEY": "sk-bench",
        "OPENAI_RATE_LIMIT_PER_MINUTE": "100000",
        "WORKER_CONCURRENCY": str(concurrency),
    }
    seconds = timed_drain(conninfo, root, settings, processes, documents)
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
