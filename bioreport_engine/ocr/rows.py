"""The ``ocr`` marker on biomarker rows: OCR misreads digits, so every row read from an image is
marked, and the application can ask a human to confirm it.

The structuring stage sees one anonymized text; the rows do not say which page they came from.
A row is found again on its page: the anonymizer keeps the pages apart with
:data:`~bioreport_engine.texts.PAGE_SEPARATOR`, and a grounded row's analyte and printed value
are on one line of its page. Where that cannot tell, the row is marked: a needless confirmation
costs a click, a misread value left unmarked could cost a patient.
"""

import re
from collections.abc import Sequence
from dataclasses import replace

from bioreport_engine.report import Biomarker, LabReport
from bioreport_engine.texts import PAGE_SEPARATOR


def mark_ocr_rows(
    report: LabReport, text: str, ocr_pages: frozenset[int], page_count: int
) -> LabReport:
    """``report`` with ``ocr=True`` on the rows printed on one of ``ocr_pages``.

    ``text`` is the anonymized text the rows were structured from, ``page_count`` the number of
    pages extracted. Every row is marked when every page was read by OCR, when the text does
    not split into ``page_count`` pages (an anonymizer that joined them), and for a row found on
    no page or on an OCR page as well as a text-layer one, unless OCR found no text at all.
    """
    if not ocr_pages or not report.biomarkers:
        return report
    pages = text.split(PAGE_SEPARATOR)
    if ocr_pages >= set(range(page_count)) or len(pages) != page_count:
        return _with_marks(report, [True] * len(report.biomarkers))
    ocr_pages = frozenset(number for number in ocr_pages if pages[number].strip())
    if not ocr_pages:  # OCR found nothing on them: no row came from there
        return report
    lines = [[_words(line) for line in page.splitlines()] for page in pages]
    marks = []
    for row in report.biomarkers:
        found_on = [number for number, page in enumerate(lines) if _printed_on(row, page)]
        marks.append(not found_on or any(number in ocr_pages for number in found_on))
    return _with_marks(report, marks)


def _with_marks(report: LabReport, marks: Sequence[bool]) -> LabReport:
    rows = tuple(
        replace(row, ocr=row.ocr or mark)
        for row, mark in zip(report.biomarkers, marks, strict=True)
    )
    return replace(report, biomarkers=rows)


def _words(text: str) -> str:
    """Lower case, runs of white space as one space: how a row is compared with a line."""
    return " ".join(text.split()).lower()


def _printed_on(row: Biomarker, lines: Sequence[str]) -> bool:
    """Whether one of ``lines`` holds the row's analyte, as a whole name, then its value."""
    analyte, value = _words(row.analyte), _words(row.value_text)
    if not analyte:
        return False
    analyte_pattern = re.compile(rf"(?<!\w){re.escape(analyte)}(?!\w)")
    value_pattern = re.compile(rf"(?<![\w.]){re.escape(value)}(?![\w.])")
    for line in lines:
        found = analyte_pattern.search(line)
        if found and value_pattern.search(line, found.end()):
            return True
    return False
