"""Scanned reports through `bioreport worker`: real PostgreSQL, the real worker and its extractor
child processes. The toy stages run everywhere; the real OCR plugin (plugins/pdf_ocr) and the
corpus's scanned renderer run when they are installed."""

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

from benchmarks.corpus import GroundTruth, generate_report
from benchmarks.fake_openai import FakeOpenAI
from bioreport_engine.db.connection import Database
from bioreport_engine.plugins.registry import discover
from bioreport_engine.stages import ExtractionLimits
from bioreport_engine.testing import run_cli
from tests.integration.helpers import statuses
from tests.integration.test_end_to_end import drain_with_a_worker, pii_in

REAL_OCR = importlib.util.find_spec("bioreport_pdf_ocr") is not None
SCANS = importlib.util.find_spec("benchmarks.corpus.scan") is not None
needs_real_ocr = pytest.mark.skipif(
    not (REAL_OCR and SCANS),
    reason="needs the OCR extractor plugin (plugins/pdf_ocr: bioreport_pdf_ocr) and the "
    "corpus's scanned renderer (benchmarks/corpus/scan.py)",
)

TOY = {
    "PDF_ENGINE": "example-text",
    "PII_ENGINE": "example-mask",
    "LLM_ENGINE": "example-rows",
    "NORM_ENGINE": "none",
    "PDF_OCR_ENGINE": "example-ocr",
    "JOB_POLL_INTERVAL_SECONDS": "1",
}


def enqueue(env: dict[str, str], *files: Path) -> list[int]:
    """Queue ``files``; their document ids."""
    done = run_cli("enqueue", "--json", *map(str, files), env=env)
    assert done.returncode == 0, done.stderr
    return [json.loads(line)["document_id"] for line in done.stdout.splitlines()]


def stored(db: Database, document_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The document's result row and its biomarker rows, in order."""
    with db.get_connection() as conn:
        result = conn.execute(
            "SELECT engines, page_count, ocr_page_count, report FROM document_results "
            "WHERE uploaded_document_id = %s",
            (document_id,),
        ).fetchone()
        rows = conn.execute(
            "SELECT analyte, value_text, unit, ocr FROM biomarker_results "
            "WHERE uploaded_document_id = %s ORDER BY position",
            (document_id,),
        ).fetchall()
    assert result is not None
    return result, rows


def test_the_scanned_pages_of_a_document_are_read_by_the_fallback_and_marked(
    db: Database, db_env: dict[str, str], tmp_path: Path
) -> None:
    """The toy extractors: example-text leaves the ``#image`` page blank, example-ocr reads it
    in a child process of its own; a document without text fails, saying how to enable OCR
    when the fallback is off."""
    mixed = tmp_path / "mixed.txt"
    mixed.write_text(
        "Patient: Jane Roe\nSodium  140  mmol/L\n\f#image\nGlucose  105  mg/dL H\n\f"
        "Potassium  4.1  mmol/L\n"
    )
    scanned = tmp_path / "scanned.txt"
    scanned.write_text("#image\nGlucose  99  mg/dL\n")
    env = {**db_env, **TOY, "PDF_OCR_FALLBACK": "true"}
    mixed_id, scanned_id = enqueue(env, mixed, scanned)
    logs = drain_with_a_worker(db, env, 2, timeout=120)
    assert statuses(db) == {"done": 2}, logs

    result, rows = stored(db, mixed_id)
    assert [(r["analyte"], r["ocr"]) for r in rows] == [
        ("Sodium", False),
        ("Glucose", True),
        ("Potassium", False),
    ]
    assert (result["page_count"], result["ocr_page_count"]) == (3, 1)
    assert result["engines"]["pdf"]["name"] == "example-text"
    assert result["engines"]["ocr"]["name"] == "example-ocr"
    assert [row["ocr"] for row in result["report"]["biomarkers"]] == [False, True, False]
    result, rows = stored(db, scanned_id)
    assert [(r["analyte"], r["ocr"]) for r in rows] == [("Glucose", True)]
    assert result["ocr_page_count"] == 1

    off = tmp_path / "off.txt"
    off.write_text("#image\nGlucose  99  mg/dL\n")
    env = {**env, "PDF_OCR_FALLBACK": "false"}
    enqueue(env, off)
    logs = drain_with_a_worker(db, env, 3, timeout=120)
    with db.get_connection() as conn:
        failed = conn.execute(
            "SELECT error_message FROM pdf_jobs WHERE status = 'failed'"
        ).fetchone()
    assert failed is not None, logs
    assert failed["error_message"].startswith("no extractable text: the PDF looks scanned")
    assert "set PDF_OCR_FALLBACK=true or PDF_ENGINE=ocr" in failed["error_message"]


def real_env(db_env: dict[str, str], server: FakeOpenAI, **settings: str) -> dict[str, str]:
    return {
        **db_env,
        "PII_ENGINE": "presidio",
        "LLM_ENGINE": "openai",
        "OPENAI_BASE_URL": server.base_url,
        "OPENAI_API_KEY": "sk-e2e",
        "JOB_POLL_INTERVAL_SECONDS": "1",
        **settings,
    }


def scanned(pdf: bytes) -> bytes:
    """``pdf`` as a 300 dpi scan: page images, slightly rotated, blurred and noisy, no text
    layer (the corpus's renderer, imported when there is one)."""
    render = importlib.import_module("benchmarks.corpus.scan").scanned_pdf
    data: bytes = render(pdf, dpi=300, seed=0)
    return data


def found(rows: list[dict[str, Any]], truth: GroundTruth) -> int:
    """How many of the printed rows came out with analyte and value exact."""
    stored_rows = {(row["analyte"], row["value_text"]) for row in rows}
    return sum((b.analyte, b.value) in stored_rows for b in truth.biomarkers)


@needs_real_ocr
def test_a_scanned_report_runs_through_the_worker_to_done_with_every_row_marked(
    db: Database, db_env: dict[str, str], tmp_path: Path
) -> None:
    pdf, truth = generate_report(3)  # two pages
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned(pdf))
    with FakeOpenAI() as server:
        env = real_env(db_env, server, PDF_ENGINE="ocr")
        (document_id,) = enqueue(env, scan)
        logs = drain_with_a_worker(db, env, 1, timeout=300)
        requests = list(server.requests)
    assert statuses(db) == {"done": 1}, logs
    result, rows = stored(db, document_id)
    assert result["engines"]["pdf"]["name"] == "ocr" and "ocr" not in result["engines"]
    assert result["ocr_page_count"] == result["page_count"] == truth.pages
    assert rows and all(row["ocr"] for row in rows)
    # A bound that tells reading from not reading; the accuracy is the benchmark's business.
    assert found(rows, truth) >= 0.8 * len(truth.biomarkers), rows
    (request,) = requests
    assert pii_in(json.dumps(request["body"]), truth) == [], "PII of a scan reached the LLM"


def mixed_pdf(pdf: bytes, scanned: bytes, scanned_pages: set[int]) -> bytes:
    """``pdf`` with ``scanned_pages`` taken from its scan ``scanned``: typed pages and scanned
    ones in one file."""
    import pymupdf

    typed = pymupdf.open(stream=pdf, filetype="pdf")  # type: ignore[no-untyped-call]
    scan = pymupdf.open(stream=scanned, filetype="pdf")  # type: ignore[no-untyped-call]
    out = pymupdf.open()  # type: ignore[no-untyped-call]
    for number in range(typed.page_count):
        source = scan if number in scanned_pages else typed
        out.insert_pdf(source, from_page=number, to_page=number)  # type: ignore[no-untyped-call]
    data: bytes = out.tobytes()  # type: ignore[no-untyped-call]
    return data


def words(text: str) -> str:
    return " ".join(text.split()).lower()


@needs_real_ocr
def test_a_mixed_pdf_comes_out_whole_through_pdfplumber_and_the_fallback(
    db: Database, db_env: dict[str, str], tmp_path: Path
) -> None:
    pdf, truth = generate_report(3)  # two pages: the second one scanned
    mixed = tmp_path / "mixed.pdf"
    mixed.write_bytes(mixed_pdf(pdf, scanned(pdf), {1}))
    typed_page = discover().pdf_extractor("pdfplumber").spec.build()
    first_page = words(typed_page.extract(mixed.read_bytes(), ExtractionLimits()).pages[0])
    with FakeOpenAI() as server:
        env = real_env(db_env, server, PDF_ENGINE="pdfplumber", PDF_OCR_FALLBACK="true")
        (document_id,) = enqueue(env, mixed)
        logs = drain_with_a_worker(db, env, 1, timeout=300)
    assert statuses(db) == {"done": 1}, logs
    result, rows = stored(db, document_id)
    assert result["engines"]["pdf"]["name"] == "pdfplumber"
    assert result["engines"]["ocr"]["name"] == "ocr"
    assert (result["page_count"], result["ocr_page_count"]) == (2, 1)
    assert found(rows, truth) >= 0.8 * len(truth.biomarkers), rows
    assert {row["ocr"] for row in rows} == {True, False}
    for row in rows:  # every row that the typed page does not show was read from the scan
        typed = re.search(rf"(?<!\w){re.escape(words(row['analyte']))}(?!\w)", first_page)
        assert row["ocr"] or typed, row
