"""``document_results`` and ``biomarker_results``: one document's outcome, replaced on rerun."""

from psycopg.types.json import Jsonb

from bioreport_engine.db.connection import Connection
from bioreport_engine.results import PipelineResult, StageInfo

UPSERT_DOCUMENT = """
INSERT INTO document_results AS r (
    uploaded_document_id, job_id, engines, page_count, raw_char_count, anonymized_char_count,
    entity_counts, anonymized_text, report, timings_ms, ocr_page_count)
VALUES (%(document_id)s, %(job_id)s, %(engines)s, %(page_count)s, %(raw_chars)s,
        %(anonymized_chars)s, %(entities)s, %(text)s, %(report)s, %(timings)s,
        %(ocr_pages)s)
ON CONFLICT (uploaded_document_id) DO UPDATE SET
    job_id = excluded.job_id, engines = excluded.engines, page_count = excluded.page_count,
    raw_char_count = excluded.raw_char_count,
    anonymized_char_count = excluded.anonymized_char_count,
    entity_counts = excluded.entity_counts, anonymized_text = excluded.anonymized_text,
    report = excluded.report, timings_ms = excluded.timings_ms,
    ocr_page_count = excluded.ocr_page_count, updated_at = now()
RETURNING id
"""

INSERT_BIOMARKER = """
INSERT INTO biomarker_results (
    document_result_id, uploaded_document_id, position, analyte, value, value_text, unit,
    reference_low, reference_high, reference_text, flag, specimen, canonical_name, loinc,
    canonical_value, canonical_unit, canonical_reference_low, canonical_reference_high,
    normalization, ocr)
VALUES ((SELECT id FROM document_results WHERE uploaded_document_id = %s),
        %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""


def write_results(
    conn: Connection, job_id: int, document_id: int, result: PipelineResult, store_text: bool
) -> int:
    """Upsert the document's result row and replace its biomarker rows; return the row's id.

    Runs inside the caller's transaction (the one that marks the job done).
    """
    engines = {info.kind.value: _engine(info) for info in result.stages}
    if result.ocr_engine is not None:  # the OCR fallback read the pages without a text layer
        engines["ocr"] = _engine(result.ocr_engine)
    cursor = conn.execute(
        UPSERT_DOCUMENT,
        {
            "document_id": document_id,
            "job_id": job_id,
            "engines": Jsonb(engines),
            "page_count": result.extracted.page_count,
            "raw_chars": result.extracted.char_count,
            "anonymized_chars": result.anonymized.char_count,
            "entities": Jsonb(dict(result.anonymized.entity_counts)),
            "text": result.anonymized.text if store_text else None,
            "report": None if result.report is None else Jsonb(result.report.to_dict()),
            "timings": Jsonb(dict(result.timings_ms)),
            "ocr_pages": len(result.extracted.ocr_pages),
        },
    )
    conn.execute("DELETE FROM biomarker_results WHERE uploaded_document_id = %s", (document_id,))
    biomarkers = () if result.report is None else result.report.biomarkers
    rows = [
        (
            document_id,
            document_id,
            position,
            b.analyte,
            b.value,
            b.value_text,
            b.unit,
            b.reference_low,
            b.reference_high,
            b.reference_text,
            b.flag,
            b.specimen,
            b.canonical_name,
            b.loinc,
            b.canonical_value,
            b.canonical_unit,
            b.canonical_reference_low,
            b.canonical_reference_high,
            b.normalization,
            b.ocr,
        )
        for position, b in enumerate(biomarkers, start=1)
    ]
    with conn.cursor() as cur:
        cur.executemany(INSERT_BIOMARKER, rows)
    row = cursor.fetchone()  # read last: in pipeline mode everything above goes at once
    assert row is not None
    return int(row["id"])


def _engine(info: StageInfo) -> dict[str, str]:
    """How ``engines`` names the engine that ran a stage."""
    return {"name": info.name, "distribution": info.distribution, "version": info.version}
