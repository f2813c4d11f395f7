"""Where a draining worker's time goes: py-spy samples one ``bioreport worker`` process while it
drains no-op jobs, and the frames of its job threads are summed (inclusive share of samples).

``--gil`` counts only samples that hold the GIL (the Python work); without it, time waiting for
PostgreSQL counts too. Run by ``nox -s profile_drain -- [--jobs N] [--slots N] [--gil]``.
"""

import argparse
import collections
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import (
    NOOP_STAGES,
    scratch_database,
    seed_noop_jobs,
    start_worker,
    wait_for_listeners,
    wait_until_ended,
)


def record(jobs: int, slots: int, gil: bool, output: Path) -> float:
    """Drain ``jobs`` under py-spy; return the drain's jobs per second (slowed by sampling)."""
    spy_binary = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    with scratch_database() as (conninfo, env), tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        seed_noop_jobs(conninfo, root, 0)
        settings = {
            **env,
            **NOOP_STAGES,
            "WORKER_CONCURRENCY": str(slots),
            "STORE_ANONYMIZED_TEXT": "false",
            "DOCUMENTS_ROOT": str(root),
        }
        worker = start_worker(settings)
        try:
            wait_for_listeners(conninfo, 1)
            command = [spy_binary, "record", "--pid", str(worker.pid), "--format", "raw"]
            command += ["--rate", "200", "--threads", "--output", str(output)]
            spy = subprocess.Popen(command + (["--gil"] if gil else []))
            time.sleep(1)  # py-spy attached
            seed_noop_jobs(conninfo, root, jobs)
            started = time.perf_counter()
            wait_until_ended(conninfo, jobs)
            rate = jobs / (time.perf_counter() - started)
            spy.send_signal(signal.SIGINT)
            spy.wait(60)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(60)
    return rate


def summarize(raw: Path, top: int) -> list[str]:
    """Inclusive share of the job threads' samples per function, the largest first."""
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if "bioreport-job" not in frames[0]:
            continue
        total += int(count)
        seen = {_short(frame) for frame in frames[1:]}
        for name in seen:
            inclusive[name] += int(count)
    return [f"{100 * n / total:5.1f}%  {name}" for name, n in inclusive.most_common(top)]


def _short(frame: str) -> str:
    """``function (file)``, without the folder and line."""
    function, _, where = frame.partition(" (")
    return f"{function} ({where.split(':')[0].rsplit('/', 1)[-1]})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=4000)
    parser.add_argument("--slots", type=int, default=1)
    parser.add_argument("--gil", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "drain.raw"
        rate = record(args.jobs, args.slots, args.gil, raw)
        print(f"{args.jobs} jobs at {rate:.0f} jobs/s under py-spy ({args.slots} slot(s))")
        print("\n".join(summarize(raw, args.top)))


if __name__ == "__main__":
    main()
