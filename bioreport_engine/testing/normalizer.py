"""The contract every normalizer keeps, as a test class to subclass::

    from bioreport_engine.testing import NormalizerContract

    class TestMine(NormalizerContract):
        engine = "mine"
        distribution = "bioreport-norm-mine"

Every row comes back, in its order, with the fields the structurer gave it (analyte, value,
unit, range, flag) unchanged: a normalizer adds canonical fields and a status, it never drops,
reorders or rewrites what was printed, whatever the row (an unknown analyte, an odd unit, an
implausible value, no value at all).
"""

from typing import ClassVar, get_args

import pytest

from bioreport_engine.report import Biomarker, LabReport, Normalization
from bioreport_engine.stages import Normalizer, StageKind
from bioreport_engine.testing.contract import StageContract, stage_fixture

#: The fields a structurer fills in: a normalizer keeps them as they are.
PRINTED_FIELDS = (
    "analyte",
    "value_text",
    "value",
    "unit",
    "reference_low",
    "reference_high",
    "reference_text",
    "flag",
)
#: Rows of every kind a normalizer meets, known and not.
ROWS = (
    Biomarker("Glucose", "105", 105.0, "mg/dL", 70.0, 99.0, "70 - 99", "H"),
    Biomarker("Glucose", "5.8", 5.8, "mmol/L", 3.9, 5.5, "3.9 - 5.5", "H"),
    Biomarker("Zorblatin X", "12", 12.0, "widgets/mL", 1.0, 2.0, "1 - 2", "H"),
    Biomarker("Hemoglobin", "13.5", 13.5, "furlongs", None, None, None, None),
    Biomarker("Sodium", "14000", 14000.0, "mmol/L", 136.0, 145.0, "136 - 145", "HH"),
    Biomarker("Hepatitis B Surface Ag", "Negative", None, None, None, None, "Negative", "N"),
    Biomarker("Color", "Pale Yellow"),
    Biomarker("", ""),
    Biomarker("Glucose", "105", 105.0, "mg/dL", 70.0, 99.0, "70 - 99", "H"),
)


class NormalizerContract(StageContract):
    """Subclass it in a test module and set :attr:`engine` and :attr:`distribution`."""

    kind = StageKind.NORM
    rows: ClassVar[tuple[Biomarker, ...]] = ROWS

    normalizer = stage_fixture()

    @pytest.fixture(scope="class")
    @classmethod
    def normalized(cls, normalizer: Normalizer) -> LabReport:
        report = LabReport(cls.rows, collection_date="2024-03-14", ungrounded_rows=1, model="m")
        return normalizer.normalize(report)

    def test_every_row_comes_back_in_order_with_its_printed_fields(
        self, normalized: LabReport
    ) -> None:
        assert isinstance(normalized, LabReport)
        printed = [[getattr(row, name) for name in PRINTED_FIELDS] for row in normalized.biomarkers]
        assert printed == [[getattr(row, name) for name in PRINTED_FIELDS] for row in self.rows]

    def test_the_report_keeps_its_date_model_and_counts(self, normalized: LabReport) -> None:
        kept = (normalized.collection_date, normalized.model, normalized.ungrounded_rows)
        assert kept == ("2024-03-14", "m", 1)

    def test_each_status_is_one_the_engine_knows(self, normalized: LabReport) -> None:
        known = {None, *get_args(Normalization)}
        assert [
            row.normalization for row in normalized.biomarkers if row.normalization not in known
        ] == []

    def test_an_empty_report_stays_empty(self, normalizer: Normalizer) -> None:
        assert normalizer.normalize(LabReport()).biomarkers == ()
