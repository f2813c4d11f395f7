"""The ground truth written next to each PDF: what a perfect pipeline would find in it.

Every string is recorded exactly as printed, so benchmarks can search for it verbatim in the
extracted or anonymized text without knowing how the generator formatted it.
"""

import json
from dataclasses import asdict, dataclass
from typing import Any

PII_KINDS = (
    "PERSON",
    "DATE_OF_BIRTH",
    "ADDRESS",
    "PHONE",
    "EMAIL",
    "MRN",
    "ACCESSION",
    "PHYSICIAN",
    "SSN",
    "INSURANCE_ID",
    # Added with the regional and held-out layouts (issue 13):
    "STAFF",  # lab staff, pathologists, nurses: names, initials, signatures
    "RELATIVE",  # next of kin, guarantors, relatives named in a consult
    "POSTCODE",  # also recorded on its own when it is part of an ADDRESS
    "AGE_OVER_89",  # an age of 90 or more (HIPAA Safe Harbor); younger ages are not PII
    "NHS_NUMBER",
    "MEDICARE_NUMBER",  # Australian Medicare card number
    "NATIONAL_ID",  # other national numbers: Dutch BSN, French NIR, German insurance number
    "HOSPITAL_NUMBER",  # hospital / unit record numbers besides the MRN
    "ACCOUNT_NUMBER",  # FIN, billing account, policy and group numbers
)
#: The layouts ``generate_report(seed)`` cycles through when no layout is named: the original
#: four, so that seed N keeps meaning the same document as before issue 13.
LAYOUTS = ("key_value", "two_column", "prose", "multi_page")
#: Layouts the anonymizer may be tuned on: the original four and about half of the new ones.
TUNING_LAYOUTS = (*LAYOUTS, "running_header", "uk_hospital", "eu_lab", "urinalysis")
#: Layouts nobody tunes on. Each carries conventions no tuning layout shows (Australian
#: identifiers, merged requisition columns, LIS capitals, narrative with relatives, a grid with
#: labels above values). Their drawing code is in ``held_out.py``, which anonymizer tuning must
#: not read; their documents must not be printed while tuning.
HELD_OUT_LAYOUTS = ("au_pathology", "requisition", "lis_capitals", "consult_note", "ruled_grid")
ALL_LAYOUTS = (*TUNING_LAYOUTS, *HELD_OUT_LAYOUTS)


@dataclass(frozen=True)
class PiiItem:
    """One identifying value; the anonymizer must make every one of them disappear."""

    kind: str
    value: str

    def __post_init__(self) -> None:
        if self.kind not in PII_KINDS:
            raise ValueError(f"unknown PII kind {self.kind!r}; expected one of {PII_KINDS}")


@dataclass(frozen=True)
class BiomarkerRow:
    """One table row; the anonymizer must keep it intact and the structurer must recover it.

    ``value`` is a number as printed ("5.6") or, for qualitative tests, text ("Negative",
    "Non Reactive", "1:160", "Yellow"); ``unit`` is empty when the test has none; ``flag`` is
    "H"/"L" for numbers and "A" (abnormal) for qualitative results.
    """

    analyte: str
    value: str
    flag: str | None
    unit: str
    reference: str


@dataclass(frozen=True)
class GroundTruth:
    """Everything printed in one synthetic report that a benchmark may want to check.

    ``collection_date`` and ``report_date`` are deliberately not PII: the product keeps them,
    so an anonymizer that removes them is wrong, not careful.
    """

    document_id: str
    seed: int
    layout: str
    pages: int
    pii: tuple[PiiItem, ...]
    biomarkers: tuple[BiomarkerRow, ...]
    collection_date: str
    report_date: str

    def to_json(self) -> str:
        """Stable, human-readable JSON (same truth, same text)."""
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "GroundTruth":
        data: dict[str, Any] = json.loads(text)
        layout = str(data["layout"])
        if layout not in ALL_LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}; expected one of {ALL_LAYOUTS}")
        return cls(
            document_id=str(data["document_id"]),
            seed=int(data["seed"]),
            layout=layout,
            pages=int(data["pages"]),
            pii=tuple(PiiItem(str(item["kind"]), str(item["value"])) for item in data["pii"]),
            biomarkers=tuple(
                BiomarkerRow(
                    analyte=str(row["analyte"]),
                    value=str(row["value"]),
                    flag=None if row["flag"] is None else str(row["flag"]),
                    unit=str(row["unit"]),
                    reference=str(row["reference"]),
                )
                for row in data["biomarkers"]
            ),
            collection_date=str(data["collection_date"]),
            report_date=str(data["report_date"]),
        )
