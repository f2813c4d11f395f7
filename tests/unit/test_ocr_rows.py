"""The ``ocr`` marker: which rows were read from a page that OCR read."""

from bioreport_engine.ocr.rows import mark_ocr_rows
from bioreport_engine.report import Biomarker, LabReport
from bioreport_engine.texts import PAGE_SEPARATOR, printed_line

TEXT = PAGE_SEPARATOR.join(
    [
        "Patient: <PERSON_1>\nGlucose   105  mg/dL  70-99\nMCHC 33.1 g/dL",
        "MCH 29.8 pg\nSodium 140 mmol/L",
        "Glucose 98 mg/dL",
    ]
)


def report(*rows: tuple[str, str]) -> LabReport:
    return LabReport(tuple(Biomarker(analyte, value) for analyte, value in rows))


def marks(result: LabReport) -> list[bool]:
    return [row.ocr for row in result.biomarkers]


def test_without_ocr_pages_the_report_is_unchanged() -> None:
    rows = report(("Glucose", "105"))
    assert mark_ocr_rows(rows, TEXT, frozenset(), 3) is rows
    assert marks(rows) == [False]


def test_each_row_is_marked_by_the_page_it_is_printed_on() -> None:
    rows = report(("Glucose", "105"), ("MCHC", "33.1"), ("MCH", "29.8"), ("Sodium", "140"))
    assert marks(mark_ocr_rows(rows, TEXT, frozenset({1}), 3)) == [False, False, True, True]
    assert marks(mark_ocr_rows(rows, TEXT, frozenset({0}), 3)) == [True, True, False, False]


def test_a_name_is_matched_whole_and_the_value_after_it_on_the_same_line() -> None:
    """``MCH`` is not the start of the ``MCHC`` line; ``33.1`` is not ``3``."""
    rows = report(("MCH", "33.1"), ("Glucose", "98"), ("Glucose", "10"))
    # MCH 33.1 is on no page, Glucose 98 only on page 2, Glucose 10 nowhere: unsure is marked.
    assert marks(mark_ocr_rows(rows, TEXT, frozenset({2}), 3)) == [True, True, True]
    assert marks(mark_ocr_rows(rows, TEXT, frozenset({1}), 3)) == [True, False, True]


def test_a_row_printed_on_an_ocr_page_and_a_text_page_is_marked() -> None:
    text = PAGE_SEPARATOR.join(["Glucose 105 mg/dL", "Glucose 105 mg/dL"])
    assert marks(mark_ocr_rows(report(("Glucose", "105")), text, frozenset({1}), 2)) == [True]


def test_an_ocr_page_without_text_marks_nothing() -> None:
    """A blank page sent to OCR in vain: every row was printed on a text-layer page."""
    text = PAGE_SEPARATOR.join(["Glucose 105 mg/dL", "  "])
    rows = report(("Glucose", "105"), ("Glucose, fasting", "105"))
    assert marks(mark_ocr_rows(rows, text, frozenset({1}), 2)) == [False, False]


def test_every_row_is_marked_when_every_page_was_read_by_ocr() -> None:
    rows = report(("Glucose", "105"), ("Unfindable", "1"))
    assert marks(mark_ocr_rows(rows, TEXT, frozenset({0, 1, 2}), 3)) == [True, True]


def test_every_row_is_marked_when_the_text_does_not_split_into_its_pages() -> None:
    """An anonymizer that joined the pages: which row came from where cannot be told."""
    joined = TEXT.replace(PAGE_SEPARATOR, "\n")
    rows = report(("Glucose", "105"), ("Sodium", "140"))
    assert marks(mark_ocr_rows(rows, joined, frozenset({1}), 3)) == [True, True]


def test_case_and_spacing_do_not_matter() -> None:
    text = PAGE_SEPARATOR.join(["GLUCOSE,  fasting   105 mg/dL", "x"])
    rows = report(("Glucose, Fasting", "105"))
    assert marks(mark_ocr_rows(rows, text, frozenset({1}), 2)) == [False]
    assert marks(mark_ocr_rows(rows, text, frozenset({0}), 2)) == [True]


def test_the_marker_is_part_of_the_stored_report() -> None:
    marked = mark_ocr_rows(report(("Glucose", "105")), TEXT, frozenset({0}), 3)
    assert marked.to_dict()["biomarkers"][0]["ocr"] is True
    assert report(("Glucose", "105")).to_dict()["biomarkers"][0]["ocr"] is False


def test_printed_line_is_the_public_helper_behind_it() -> None:
    """Also what the openai structurer grounds its rows with."""
    assert printed_line(TEXT, "glucose", "105") == "glucose 105 mg/dl 70-99"
    assert printed_line(TEXT, "MCH", "33.1") is None  # the MCHC line
    assert printed_line(TEXT, "Glucose", "") is None and printed_line(TEXT, " ", "105") is None
