"""The structured result of a lab report: its biomarker rows."""

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Flag = Literal["H", "L", "HH", "LL", "A", "N"]
"""High, low, critically high, critically low, abnormal (non-numeric), normal."""


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
