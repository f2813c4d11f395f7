"""The contracts of ``bioreport_engine.testing`` catch what they promise to catch: each is run
(in a child pytest) against stages broken in one way each, and the test that names the fault
fails. The well-behaved side is proven by every plugin's own suite and the example plugin's."""

import re
import subprocess
import sys

import pytest

from bioreport_engine.testing import (
    KNOWN_TEXT,
    LABELLED_DOCUMENT,
    LABELLED_IDENTIFIERS,
    LABELLED_ROWS,
    cli_env,
    rows_intact,
)
from bioreport_engine.testing.structurer import KNOWN_ROWS

BROKEN_STAGES = '''
import re

from bioreport_engine import AnonymizedText, Biomarker, ExtractedText, LabReport
from bioreport_engine.testing import (
    AnonymizerContract,
    NormalizerContract,
    StructurerContract,
)

LABELLED = re.compile(r"^(Patient|DOB|MRN|Email|Phone|Address):.*$", re.M)


def mask(text):
    return LABELLED.sub(lambda m: m[1] + ": <X>", text)


class Contract:
    """In process: no entry point to find."""

    engine = distribution = "broken"

    @classmethod
    def build_stage(cls):
        return cls.stage()


class Leaks:
    def anonymize(self, text):
        return AnonymizedText(text.text, {"PERSON": 1})


class EatsRows:
    def anonymize(self, text):
        return AnonymizedText("<X>", {"PERSON": 1})


class CountsValues:
    def anonymize(self, text):
        return AnonymizedText(mask(text.text), {"Jane Roe": 1})


class FailsOnNoPages:
    def anonymize(self, text):
        return AnonymizedText(mask(text.pages[0]), {"PERSON": 1})


class RemembersText:
    def anonymize(self, text):
        self.last = text.text
        return AnonymizedText(mask(text.text), {"PERSON": 1})

    def __repr__(self):
        return f"RemembersText({self.last!r})"


class TestLeaks(Contract, AnonymizerContract):
    stage = Leaks


class TestEatsRows(Contract, AnonymizerContract):
    stage = EatsRows


class TestCountsValues(Contract, AnonymizerContract):
    stage = CountsValues


class TestFailsOnNoPages(Contract, AnonymizerContract):
    stage = FailsOnNoPages


class TestRemembersText(Contract, AnonymizerContract):
    stage = RemembersText


class TakesStr:
    def structure(self, text: str) -> LabReport:
        return LabReport()


class InventsRows:
    def structure(self, text: AnonymizedText) -> LabReport:
        rows = []
        for line in text.text.splitlines():
            words = line.split()
            if len(words) >= 3:
                rows.append(Biomarker(words[0], words[1], float(words[1]), words[2]))
        return LabReport(tuple(rows))


class TestTakesStr(Contract, StructurerContract):
    stage = TakesStr


class TestInventsRows(Contract, StructurerContract):
    stage = InventsRows


class DropsUnknownRows:
    def normalize(self, report):
        rows = tuple(row for row in report.biomarkers if row.unit == "mg/dL")
        return LabReport(rows, report.collection_date, report.ungrounded_rows, report.model)


class RewritesUnits:
    def normalize(self, report):
        rows = tuple(Biomarker(r.analyte, r.value_text, r.value) for r in report.biomarkers)
        return LabReport(rows, report.collection_date, report.ungrounded_rows, report.model)


class TestDropsUnknownRows(Contract, NormalizerContract):
    stage = DropsUnknownRows


class TestRewritesUnits(Contract, NormalizerContract):
    stage = RewritesUnits
'''

#: Class -> a test it must fail.
CAUGHT = {
    "TestLeaks": "test_every_labelled_identifier_is_gone",
    "TestEatsRows": "test_every_result_row_stays_intact",
    "TestCountsValues": "test_entity_counts_hold_counts_not_values",
    "TestFailsOnNoPages": "test_hostile_text_is_survived_or_refused_with_an_engine_error[no_pages]",
    "TestRemembersText": "test_no_repr_shows_text",
    "TestTakesStr": "test_it_takes_only_anonymized_text",
    "TestInventsRows": "test_hostile_text_is_survived_or_refused_with_an_engine_error[binary_ish]",
    "TestDropsUnknownRows": "test_every_row_comes_back_in_order_with_its_printed_fields",
    "TestRewritesUnits": "test_every_row_comes_back_in_order_with_its_printed_fields",
}


@pytest.fixture(scope="module")
def failed(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    folder = tmp_path_factory.mktemp("broken")
    (folder / "test_broken.py").write_text(BROKEN_STAGES)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "test_broken.py"]
        + ["-k", "not entry_point and not library"],
        cwd=folder,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert re.search(r"\d+ passed", done.stdout), done.stdout + done.stderr
    return set(re.findall(r"^FAILED test_broken\.py::(\S+)", done.stdout, re.M))


@pytest.mark.parametrize(("broken", "test"), CAUGHT.items())
def test_each_contract_catches_the_fault_it_names(failed: set[str], broken: str, test: str) -> None:
    assert f"{broken}::{test}" in failed, sorted(failed)


def test_the_fixture_document_holds_what_the_anonymizer_contract_looks_for() -> None:
    """Otherwise "every identifier is gone" and "every row is intact" would prove nothing."""
    assert [i.value for i in LABELLED_IDENTIFIERS if i.value not in LABELLED_DOCUMENT] == []
    assert rows_intact(LABELLED_DOCUMENT, LABELLED_ROWS) == len(LABELLED_ROWS) == 3


def test_the_known_text_holds_the_known_rows() -> None:
    for analyte, value, unit in KNOWN_ROWS:
        assert re.search(
            rf"^{analyte}\s+{value:g}\s+(?:[HL]\s+)?{re.escape(unit)}\s", KNOWN_TEXT, re.M
        )
