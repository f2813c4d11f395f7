"""The ``ocr`` marker on biomarker rows: OCR misreads digits, so every row read from an image is
marked, and the application can ask a human to confirm it.

The structuring stage sees one anonymized text; the rows do not say which page they came from.
A row is found again on its page: the anonymizer keeps the pages apart with
:data:`~bioreport_engine.texts.PAGE_SEPARATOR`, and a grounded row's analyte and printed value
are on one line of its page. Where that cannot tell, the row is marked: a needless confirmation
costs a click, a misread value left unmarked could cost a patient.
"""

from collections.abc import Sequence
from dataclasses import replace

from bioreport_engine.report import LabReport
from bioreport_engine.texts import PAGE_SEPARATOR, printed_line


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
    marks = []
    for row in report.biomarkers:
        found_on = [
            number
            for number, page in enumerate(pages)
            if printed_line(page, row.analyte, row.value_text) is not None
        ]
        marks.append(not found_on or any(number in ocr_pages for number in found_on))
    return _with_marks(report, marks)


def _with_marks(report: LabReport, marks: Sequence[bool]) -> LabReport:
    rows = tuple(
        replace(row, ocr=row.ocr or mark)
        for row, mark in zip(report.biomarkers, marks, strict=True)
    )
    return replace(report, biomarkers=rows)
