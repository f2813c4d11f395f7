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
from bioreport_engine.results import PipelineResult

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
)

#: How a value becomes its column's type (enums to their text, integers to floats), so that
#: each array holds one Python type.
CONVERT: dict[str, Callable[[Any], object]] = {"text": str, "float8": float, "boolean": bool}


def _biomarkers_cte() -> str:
    names = ", ".join(name for name, _ in BIOMARKER_COLUMNS)
    given = ", ".join(f"given.{name}" for name, _ in BIOMARKER_COLUMNS)
    arrays = ", ".join(f"%(biomarker_{name})s::{kind}[]" for name, kind in BIOMARKER_COLUMNS)
    updates = ", ".join(f"{name} = excluded.{name}" for name, _ in BIOMARKER_COLUMNS)
    return f"""biomarkers AS (
    INSERT INTO biomarker_results (
        document_result_id, uploaded_document_id, position, {names})
    SELECT document.id, document.uploaded_document_id, given.position, {given}
    FROM document, unnest({arrays}) WITH ORDINALITY AS given({names}, position)
    ON CONFLICT (uploaded_document_id, position) DO UPDATE SET
        document_result_id = excluded.document_result_id, {updates})"""


#: Upsert the document's row and its biomarker rows by position, and drop the rows of an
#: earlier run past the new last position. (A DELETE of every old row beside the INSERT of the
#: new ones would not do: the unique (document, position) index is checked row by row, before
#: the DELETE of the same statement is seen.) The two parts touch disjoint rows.
RESULT_CTES = f"""
document AS (
    INSERT INTO document_results (
        uploaded_document_id, job_id, engines, page_count, raw_char_count,
        anonymized_char_count, entity_counts, anonymized_text, report, timings_ms)
    SELECT finished.uploaded_document_id, finished.id, %(engines)s, %(page_count)s,
        %(raw_chars)s, %(anonymized_chars)s, %(entities)s, %(text)s, %(report)s, %(timings)s
    FROM finished
    ON CONFLICT (uploaded_document_id) DO UPDATE SET
        job_id = excluded.job_id, engines = excluded.engines, page_count = excluded.page_count,
        raw_char_count = excluded.raw_char_count,
        anonymized_char_count = excluded.anonymized_char_count,
        entity_counts = excluded.entity_counts, anonymized_text = excluded.anonymized_text,
        report = excluded.report, timings_ms = excluded.timings_ms, updated_at = now()
    RETURNING id, uploaded_document_id),
cleared AS (
    DELETE FROM biomarker_results AS old USING finished
    WHERE old.uploaded_document_id = finished.uploaded_document_id
      AND old.position > %(biomarker_count)s),
{_biomarkers_cte()}"""


def result_parameters(result: PipelineResult, store_text: bool) -> dict[str, object]:
    """The values :data:`RESULT_CTES` reads: document-level fields and one array per column."""
    engines = {
        info.kind.value: {
            "name": info.name,
            "distribution": info.distribution,
            "version": info.version,
        }
        for info in result.stages
    }
    biomarkers = () if result.report is None else result.report.biomarkers
    return {
        "engines": Jsonb(engines),
        "page_count": result.extracted.page_count,
        "raw_chars": result.extracted.char_count,
        "anonymized_chars": result.anonymized.char_count,
        "entities": Jsonb(dict(result.anonymized.entity_counts)),
        "text": result.anonymized.text if store_text else None,
        "report": None if result.report is None else Jsonb(result.report.to_dict()),
        "timings": Jsonb(dict(result.timings_ms)),
        "biomarker_count": len(biomarkers),
        **_columns(biomarkers),
    }


def _columns(biomarkers: Sequence[Biomarker]) -> dict[str, list[object]]:
    return {
        f"biomarker_{name}": [_typed(getattr(b, name), kind) for b in biomarkers]
        for name, kind in BIOMARKER_COLUMNS
    }


def _typed(value: object, kind: str) -> object:
    return None if value is None else CONVERT[kind](value)
