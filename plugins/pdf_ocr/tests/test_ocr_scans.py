"""OCR on the synthetic corpus rendered as scans (benchmarks/corpus/scan.py)."""

from collections.abc import Iterator

import pytest

from benchmarks.corpus import generate_report
from benchmarks.corpus.scan import mixed_pdf, scanned_pdf
from bioreport_engine import ExtractionLimits, PdfExtractor
from bioreport_engine.testing import discover, rows_intact
from bioreport_engine.testing.hostile_pdfs import image_only_pdf

LIMITS = ExtractionLimits(timeout_seconds=60)


@pytest.fixture(scope="module")
def extractor() -> Iterator[PdfExtractor]:
    yield discover().pdf_extractor("ocr").spec.build()


@pytest.mark.parametrize("seed", [0, 2])
def test_a_scanned_report_keeps_its_rows_and_says_every_page_was_read_by_ocr(
    extractor: PdfExtractor, seed: int
) -> None:
    pdf, truth = generate_report(seed)
    extracted = extractor.extract(scanned_pdf(pdf, dpi=300, seed=seed), LIMITS)
    assert extracted.page_count == truth.pages
    assert extracted.ocr_pages == frozenset(range(truth.pages))
    assert rows_intact(extracted.text, truth.biomarkers) >= 0.9 * len(truth.biomarkers)


def test_only_the_pages_asked_for_are_read(extractor: PdfExtractor) -> None:
    pdf, truth = generate_report(2)  # prose: two pages, the results on both
    mixed = mixed_pdf(pdf, scanned_pages=(1,), dpi=300, seed=1)
    limits = ExtractionLimits(timeout_seconds=60, pages=(1,))
    extracted = extractor.extract(mixed, limits)
    assert extracted.page_count == 2 and extracted.pages[0] == ""
    assert extracted.ocr_pages == frozenset({1})
    on_second_page = [row for row in truth.biomarkers if row.analyte in extracted.pages[1]]
    assert on_second_page
    assert rows_intact(extracted.pages[1], on_second_page) >= 0.9 * len(on_second_page)


def test_pages_out_of_range_are_ignored(extractor: PdfExtractor) -> None:
    pdf, _ = generate_report(0)
    extracted = extractor.extract(pdf, ExtractionLimits(pages=(5,)))
    assert extracted.pages == ("",) and extracted.ocr_pages == frozenset()


def test_a_blank_scan_comes_out_blank_with_every_page_read_by_ocr(
    extractor: PdfExtractor,
) -> None:
    """No error here: the engine fails the document, saying OCR found no text
    (the contract's command-line test checks that message)."""
    for limits in (LIMITS, ExtractionLimits(pages=(0,))):
        extracted = extractor.extract(image_only_pdf(), limits)
        assert extracted.pages == ("",) and extracted.ocr_pages == frozenset({0})
