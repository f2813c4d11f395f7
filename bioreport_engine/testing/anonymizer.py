"""The contract every anonymizer keeps, as a test class to subclass::

    from bioreport_engine.testing import AnonymizerContract

    class TestMine(AnonymizerContract):
        engine = "mine"
        distribution = "bioreport-pii-mine"

On a lab report whose personal data stands on labelled lines (name, birth date, record
number, email, phone, address) every identifier is gone from the output and every result row is
intact; the counts are counts; neither the result's ``repr`` nor the stage's shows text; hostile
text is survived or refused with the engine's error types.
"""

from collections.abc import Mapping, Sequence
from typing import ClassVar

import pytest

from bioreport_engine.errors import BioreportError
from bioreport_engine.stages import Anonymizer, StageKind
from bioreport_engine.testing.contract import StageContract, outcome, stage_fixture
from bioreport_engine.testing.documents import (
    LABELLED_DOCUMENT,
    LABELLED_IDENTIFIERS,
    LABELLED_ROWS,
    Identifier,
)
from bioreport_engine.testing.hostile_text import hostile_texts
from bioreport_engine.testing.rows import Row, rows_intact
from bioreport_engine.texts import AnonymizedText, ExtractedText


class AnonymizerContract(StageContract):
    """Subclass it in a test module and set :attr:`engine` and :attr:`distribution`."""

    kind = StageKind.PII
    #: The document to anonymize, and what of it must go and what must stay.
    document: ClassVar[str] = LABELLED_DOCUMENT
    identifiers: ClassVar[Sequence[Identifier]] = LABELLED_IDENTIFIERS
    rows: ClassVar[Sequence[Row]] = LABELLED_ROWS
    #: Characters of the "huge" hostile text (the engine's default PDF_MAX_CHARS is 500,000).
    huge_chars: ClassVar[int] = 100_000

    anonymizer = stage_fixture()

    @pytest.fixture(scope="class")
    @classmethod
    def anonymized(cls, anonymizer: Anonymizer) -> AnonymizedText:
        return anonymizer.anonymize(ExtractedText((cls.document,)))

    def test_it_returns_anonymized_text(self, anonymized: AnonymizedText) -> None:
        assert isinstance(anonymized, AnonymizedText)

    def test_every_labelled_identifier_is_gone(self, anonymized: AnonymizedText) -> None:
        left = [f"{i.kind}: {i.value}" for i in self.identifiers if i.value in anonymized.text]
        assert left == []

    def test_every_result_row_stays_intact(self, anonymized: AnonymizedText) -> None:
        assert rows_intact(anonymized.text, self.rows) == len(self.rows)

    def test_entity_counts_hold_counts_not_values(self, anonymized: AnonymizedText) -> None:
        counts = anonymized.entity_counts
        assert isinstance(counts, Mapping)
        assert all(type(n) is int and n >= 0 for n in counts.values()), dict(counts)
        assert sum(counts.values()) >= 1, "identifiers were removed: count them"
        keys = " ".join(map(str, counts))
        assert [i.value for i in self.identifiers if i.value in keys] == []

    def test_no_repr_shows_text(self, anonymizer: Anonymizer, anonymized: AnonymizedText) -> None:
        shown = repr(anonymized) + repr(anonymizer)
        printed = [i.value for i in self.identifiers] + [row.analyte for row in self.rows]
        assert [word for word in printed if word in shown] == []

    @pytest.mark.parametrize("name", list(hostile_texts(0)))
    def test_hostile_text_is_survived_or_refused_with_an_engine_error(
        self, anonymizer: Anonymizer, name: str
    ) -> None:
        pages = hostile_texts(self.huge_chars)[name]
        result = outcome(lambda: anonymizer.anonymize(ExtractedText(pages)))
        assert isinstance(result, AnonymizedText | BioreportError), type(result)
