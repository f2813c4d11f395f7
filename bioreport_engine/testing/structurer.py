"""The contract every structurer keeps, as a test class to subclass::

    from bioreport_engine.testing import StructurerContract

    class TestMine(StructurerContract):
        engine = "mine"
        distribution = "bioreport-llm-mine"

It takes only :class:`~bioreport_engine.AnonymizedText` (its signature says so: the type is the
privacy guarantee); it returns a :class:`~bioreport_engine.LabReport` or ``None``; the rows of
a small known text come out with their analyte, value and unit; a text without numbers gives no
rows; hostile text is survived or refused with the engine's error types. A stage that needs a
server or settings overrides the ``structurer`` fixture.
"""

from typing import ClassVar, get_type_hints

import pytest

from bioreport_engine.errors import BioreportError
from bioreport_engine.report import LabReport
from bioreport_engine.stages import StageKind, Structurer
from bioreport_engine.testing.contract import StageContract, outcome, stage_fixture
from bioreport_engine.testing.documents import LABELLED_ROWS, RESULTS_TABLE
from bioreport_engine.testing.hostile_text import hostile_texts
from bioreport_engine.texts import PAGE_SEPARATOR, AnonymizedText

#: Anonymized text with three result rows (``analyte  value  [flag]  unit  reference``).
KNOWN_TEXT = "Patient: <PERSON_1>\nCollected: 2024-03-14\n" + RESULTS_TABLE
#: (analyte, value, unit) of each row of :data:`KNOWN_TEXT`, in order.
KNOWN_ROWS = tuple((row.analyte, float(row.value), row.unit) for row in LABELLED_ROWS)
#: Headings and prose, no digit anywhere: nothing to structure.
TEXT_WITHOUT_NUMBERS = """\
Patient: <PERSON_1>
CHEMISTRY PANEL
Test  Result  Flag  Units  Reference
The specimen was received in good condition.
Results reviewed by <PERSON_2>.
"""


class StructurerContract(StageContract):
    """Subclass it in a test module and set :attr:`engine` and :attr:`distribution`."""

    kind = StageKind.LLM
    known_text: ClassVar[str] = KNOWN_TEXT
    known_rows: ClassVar[tuple[tuple[str, float, str], ...]] = KNOWN_ROWS
    #: Characters of the "huge" hostile text.
    huge_chars: ClassVar[int] = 100_000

    structurer = stage_fixture()

    def test_it_takes_only_anonymized_text(self, structurer: Structurer) -> None:
        hints = get_type_hints(type(structurer).structure)
        assert hints["text"] is AnonymizedText
        assert hints["return"] in (LabReport, LabReport | None)

    def test_the_rows_of_a_known_text_come_out(self, structurer: Structurer) -> None:
        report = structurer.structure(AnonymizedText(self.known_text, {"PERSON": 1}))
        assert isinstance(report, LabReport)
        rows = [(row.analyte, row.value, row.unit) for row in report.biomarkers]
        assert rows == list(self.known_rows)

    def test_a_text_without_numbers_gives_no_rows(self, structurer: Structurer) -> None:
        report = structurer.structure(AnonymizedText(TEXT_WITHOUT_NUMBERS, {"PERSON": 2}))
        assert report is None or (isinstance(report, LabReport) and report.biomarkers == ())

    @pytest.mark.parametrize("name", list(hostile_texts(0)))
    def test_hostile_text_is_survived_or_refused_with_an_engine_error(
        self, structurer: Structurer, name: str
    ) -> None:
        text = PAGE_SEPARATOR.join(hostile_texts(self.huge_chars)[name])
        result = outcome(lambda: structurer.structure(AnonymizedText(text, {})))
        assert result is None or isinstance(result, LabReport | BioreportError), type(result)
