"""The structured result of a lab report: its biomarker rows."""

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Flag = Literal["H", "L", "HH", "LL", "A", "N"]
"""High, low, critically high, critically low, abnormal (non-numeric), normal."""

Normalization = Literal["mapped", "unit_unknown", "unmapped", "implausible"]
"""What the normalization stage made of a row: mapped to a catalog entry with its unit
converted; the analyte known but its unit not convertible; no entry matched (never guessed);
mapped, but the value is outside what a body can have (a likely misread: flagged, kept)."""


@dataclass(frozen=True)
class Biomarker:
    """One measured analyte, as printed on the report and parsed."""

    analyte: str
    value_text: str
    value: float | None = None
    unit: str | None = None
    reference_low: float | None = None
    reference_high: float | None = None
    reference_text: str | None = None
    flag: Flag | None = None
    #: Filled in by the normalization stage (``NORM_ENGINE``); ``None`` without one.
    specimen: str | None = None
    canonical_name: str | None = None
    loinc: str | None = None
    canonical_value: float | None = None
    canonical_unit: str | None = None
    canonical_reference_low: float | None = None
    canonical_reference_high: float | None = None
    normalization: Normalization | None = None
    #: Read by OCR from an image (a scanned page): its digits deserve a human's confirmation.
    #: Set by the engine, never by a stage (see :mod:`bioreport_engine.ocr.rows`).
    ocr: bool = False


@dataclass(frozen=True)
class LabReport:
    """What the structuring stage found in one document.

    ``ungrounded_rows`` counts rows the model returned that did not occur in the text it was
    sent, and which were therefore dropped.
    """

    biomarkers: tuple[Biomarker, ...] = ()
    collection_date: str | None = None
    ungrounded_rows: int = 0
    model: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (also what is stored as ``jsonb``)."""
        return asdict(self)
