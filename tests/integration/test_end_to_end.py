"""The whole product through `bioreport worker`: real PostgreSQL, each real PDF engine, the real
Presidio anonymizer, and the openai plugin against the local OpenAI-compatible server."""

import json
import re
import signal
import time
from pathlib import Path

import pytest

from benchmarks.anonymization import identifying_tokens
from benchmarks.corpus import ALL_LAYOUTS, GroundTruth, generate_report
from benchmarks.fake_openai import FakeOpenAI
from bioreport_engine.db.connection import Database
from tests.conftest import run_cli, start_cli
from tests.integration.helpers import statuses

REPORTS = 4
#: Numbers the engine itself logs (a timestamp, ``ms=2003``, ``worker_id=host:4711:…``): a
#: four-digit token of a PII item can equal one by chance, so they are blanked before the check.
ENGINE_NUMBERS = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+"
    r"|\b(?:ms|job_id|document_id|attempt|biomarkers|concurrency|port|worker_id|signal)=\S+",
    re.MULTILINE,
)


def pii_in(text: str, truth: GroundTruth) -> list[str]:
    found = []
    for item in truth.pii:
        if item.value in text:
            found.append(item.kind)
        for token in identifying_tokens(item):
            if len(token) >= 4 and re.search(rf"(?<![\w]){re.escape(token)}(?![\w])", text):
                found.append(f"{item.kind}:{token}")
    return found


def drain_with_a_worker(db: Database, env: dict[str, str], jobs: int, timeout: float) -> str:
    """Run ``bioreport worker`` until ``jobs`` jobs are done or failed, stop it with SIGTERM;
    its output (a clean exit is asserted)."""
    worker = start_cli("worker", env=env)
    try:
        deadline = time.monotonic() + timeout
        while sum(statuses(db).get(s, 0) for s in ("done", "failed")) < jobs:
            assert time.monotonic() < deadline, "the queue was not drained"
            assert worker.poll() is None, worker.communicate()[0]
            time.sleep(0.3)
    finally:
        worker.send_signal(signal.SIGTERM)
        logs, _ = worker.communicate(timeout=60)
    assert worker.returncode == 0, logs
    return logs


@pytest.mark.parametrize("pdf_engine", ["pdfplumber", "pymupdf"])
def test_reports_become_grounded_results_and_no_pii_leaves(
    pdf_engine: str, db: Database, db_env: dict[str, str], tmp_path: Path
) -> None:
    corpus = [generate_report(seed) for seed in range(20, 20 + REPORTS)]
    files = []
    for number, (pdf, _) in enumerate(corpus):
        files.append(tmp_path / f"report-{number}.pdf")
        files[-1].write_bytes(pdf)
    with FakeOpenAI() as server:
        env = {
            **db_env,
            "PDF_ENGINE": pdf_engine,
            "PII_ENGINE": "presidio",
            "LLM_ENGINE": "openai",
            "OPENAI_BASE_URL": server.base_url,
            "OPENAI_API_KEY": "sk-e2e",
            "WORKER_CONCURRENCY": "2",
            "JOB_POLL_INTERVAL_SECONDS": "1",
        }
        enqueued = run_cli("enqueue", "--json", *map(str, files), env=env)
        assert enqueued.returncode == 0, enqueued.stderr
        document_ids = [json.loads(line)["document_id"] for line in enqueued.stdout.splitlines()]
        logs = drain_with_a_worker(db, env, REPORTS, timeout=180)
        requests = list(server.requests)
    assert statuses(db) == {"done": REPORTS}, logs

    with db.get_connection() as conn:
        for document_id, (_, truth) in zip(document_ids, corpus, strict=True):
            rows = conn.execute(
                """SELECT analyte, value_text, unit FROM biomarker_results
                   WHERE uploaded_document_id = %s ORDER BY position""",
                (document_id,),
            ).fetchall()
            expected = [(b.analyte, b.value, b.unit) for b in truth.biomarkers]
            assert [(r["analyte"], r["value_text"], r["unit"]) for r in rows] == expected
            normalized = conn.execute(
                """SELECT normalization, loinc, canonical_unit FROM biomarker_results
                   WHERE uploaded_document_id = %s""",
                (document_id,),
            ).fetchall()
            assert {r["normalization"] for r in normalized} <= {"mapped", "implausible"}
            assert all(r["canonical_unit"] for r in normalized if r["loinc"])
            result = conn.execute(
                "SELECT engines, report FROM document_results WHERE uploaded_document_id = %s",
                (document_id,),
            ).fetchone()
            assert result is not None
            assert result["engines"]["pdf"]["name"] == pdf_engine
            assert result["report"]["ungrounded_rows"] == 0

    assert len(requests) == REPORTS
    for request in requests:
        sent = json.dumps(request["body"])
        leaks = [kind for _, truth in corpus for kind in pii_in(sent, truth)]
        assert leaks == [], "PII reached the LLM server"
    scrubbed = ENGINE_NUMBERS.sub("#", logs)
    leaks_in_logs = [kind for _, truth in corpus for kind in pii_in(scrubbed, truth)]
    assert leaks_in_logs == [], "PII in the worker's logs"
    assert logs.count("job done") == REPORTS


def test_no_pii_of_any_layout_reaches_the_llm_or_the_logs(
    db: Database, db_env: dict[str, str], tmp_path: Path
) -> None:
    """One report of every corpus layout, held-out ones included, through the worker."""
    corpus = [generate_report(100 + n, layout) for n, layout in enumerate(ALL_LAYOUTS)]
    files = []
    for (pdf, truth), number in zip(corpus, range(len(corpus)), strict=True):
        files.append(tmp_path / f"{truth.layout}-{number}.pdf")
        files[-1].write_bytes(pdf)
    with FakeOpenAI() as server:
        env = {
            **db_env,
            "PII_ENGINE": "presidio",
            "LLM_ENGINE": "openai",
            "OPENAI_BASE_URL": server.base_url,
            "OPENAI_API_KEY": "sk-e2e",
            # One job at a time, in queue order: request N is document N's.
            "WORKER_CONCURRENCY": "1",
            "JOB_POLL_INTERVAL_SECONDS": "1",
        }
        assert run_cli("enqueue", *map(str, files), env=env).returncode == 0
        logs = drain_with_a_worker(db, env, len(files), timeout=300)
        requests = list(server.requests)
    assert statuses(db) == {"done": len(files)}, logs
    assert len(requests) == len(files)
    leaks = {
        truth.layout: pii_in(json.dumps(request["body"]), truth)
        for (_, truth), request in zip(corpus, requests, strict=True)
    }
    assert {layout: kinds for layout, kinds in leaks.items() if kinds} == {}, "PII reached the LLM"
    scrubbed = ENGINE_NUMBERS.sub("#", logs)
    assert [kind for _, truth in corpus for kind in pii_in(scrubbed, truth)] == []
