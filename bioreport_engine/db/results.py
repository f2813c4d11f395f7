"""``document_results`` and ``biomarker_results``: one document's outcome, replaced on rerun.

The writes are common table expressions (:data:`RESULT_CTES`) that the job's finishing statement
(:mod:`bioreport_engine.db.jobs`) embeds after its ownership-checked ``UPDATE``, which they read
as ``finished (id, uploaded_document_id)``: when the worker no longer owns the job, ``finished``
is empty and not one result row is written. Status change, result rows and the claim of the next
job are one statement, one round trip (River's complete-and-fetch).

The biomarker rows travel as one array per column, unnested ``WITH ORDINALITY`` (the position):
one parameter per column however many rows, and the same statement text for every document, so
the server keeps its plan.
"""

from collections.abc import Callable, Sequence
from typing import Any

from psycopg.types.json import Jsonb

from bioreport_engine.report import Biomarker
from bioreport_engine.results import PipelineResult, StageInfo

#: Every biomarker column written from the :class:`Biomarker` field of the same name, with the
#: SQL type of its values. Adding a column is one entry here (and its migration).
BIOMARKER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("analyte", "text"),
    ("value", "float8"),
    ("value_text", "text"),
    ("unit", "text"),
    ("reference_low", "float8"),
    ("reference_high", "float8"),
    ("reference_text", "text"),
    ("flag", "text"),
    ("specimen", "text"),
    ("canonical_name", "text"),
    ("loinc", "text"),
    ("canonical_value", "float8"),
    ("canonical_unit", "text"),
    ("canonical_reference_low", "float8"),
    ("canonical_reference_high", "float8"),
    ("normalization", "text"),
    ("ocr", "boolean"),
)

#: How a value becomes its column's type (enums to their text, integers to floats), so that
#: each array holds one Python type.
CONVERT: dict[str, Callable[[Any], object]] = {"text": str, "float8": float, "boolean": bool}


#: The document row's columns beside its keys, each given by the parameter of the same name.
DOCUMENT_COLUMNS = (
    "engines",
    "page_count",
    "raw_char_count",
    "anonymized_char_count",
    "entity_counts",
    "anonymized_text",
    "report",
    "timings_ms",
    "ocr_page_count",
)


def _updates(names: Sequence[str]) -> str:
    return ", ".join(f"{name} = excluded.{name}" for name in names)


def _document_cte() -> str:
    values = ", ".join(f"%({name})s" for name in DOCUMENT_COLUMNS)
    return f"""document AS (
    INSERT INTO document_results (uploaded_document_id, job_id, {", ".join(DOCUMENT_COLUMNS)})
    SELECT finished.uploaded_document_id, finished.id, {values} FROM finished
    ON CONFLICT (uploaded_document_id) DO UPDATE SET
        job_id = excluded.job_id, {_updates(DOCUMENT_COLUMNS)}, updated_at = now()
    RETURNING id, uploaded_document_id)"""


def _biomarkers_cte() -> str:
    names = [name for name, _ in BIOMARKER_COLUMNS]
    arrays = ", ".join(f"%(b_{name})s::{kind}[]" for name, kind in BIOMARKER_COLUMNS)
    return f"""biomarkers AS (
    INSERT INTO biomarker_results (
        document_result_id, uploaded_document_id, {", ".join(names)}, position)
    SELECT document.id, document.uploaded_document_id, given.*
    FROM document, unnest({arrays}) WITH ORDINALITY AS given
    ON CONFLICT (uploaded_document_id, position) DO UPDATE SET
        document_result_id = excluded.document_result_id, {_updates(names)})"""


#: Upsert the document's row and its biomarker rows by position, and drop the rows of an
#: earlier run past the new last position. (A DELETE of every old row beside the INSERT of the
#: new ones would not do: the unique (document, position) index is checked row by row, before
#: the DELETE of the same statement is seen.) The two parts touch disjoint rows.
RESULT_CTES = f"""
{_document_cte()},
cleared AS (
    DELETE FROM biomarker_results AS old USING finished
    WHERE old.uploaded_document_id = finished.uploaded_document_id
      AND old.position > %(biomarker_count)s),
{_biomarkers_cte()}"""


def result_parameters(result: PipelineResult, store_text: bool) -> dict[str, object]:
    """The values :data:`RESULT_CTES` reads: document-level fields and one array per column."""
    engines = {info.kind.value: _engine(info) for info in result.stages}
    if result.ocr_engine is not None:  # the OCR fallback read the pages without a text layer
        engines["ocr"] = _engine(result.ocr_engine)
    biomarkers = () if result.report is None else result.report.biomarkers
    return {
        "engines": Jsonb(engines),
        "page_count": result.extracted.page_count,
        "raw_char_count": result.extracted.char_count,
        "anonymized_char_count": result.anonymized.char_count,
        "entity_counts": Jsonb(dict(result.anonymized.entity_counts)),
        "anonymized_text": result.anonymized.text if store_text else None,
        "report": None if result.report is None else Jsonb(result.report.to_dict()),
        "timings_ms": Jsonb(dict(result.timings_ms)),
        "ocr_page_count": len(result.extracted.ocr_pages),
        "biomarker_count": len(biomarkers),
        **_columns(biomarkers),
    }


def _columns(biomarkers: Sequence[Biomarker]) -> dict[str, list[object] | None]:
    """One array per column; ``NULL`` for a report without rows (unnest gives no row either
    way, and a NULL costs nothing to send)."""
    return {
        f"b_{name}": [_typed(getattr(b, name), kind) for b in biomarkers] if biomarkers else None
        for name, kind in BIOMARKER_COLUMNS
    }


def _typed(value: object, kind: str) -> object:
    return None if value is None else CONVERT[kind](value)


def _engine(info: StageInfo) -> dict[str, str]:
    """How ``engines`` names the engine that ran a stage."""
    return {"name": info.name, "distribution": info.distribution, "version": info.version}
