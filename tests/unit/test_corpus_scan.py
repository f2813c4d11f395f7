"""The scanned corpus: image-only pages with no text layer, the same bytes for the same seed."""

import pypdfium2  # type: ignore[import-untyped]
import pytest

from benchmarks.corpus import generate_report
from benchmarks.corpus.scan import mixed_pdf, scanned_pdf


def page_texts(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [document[n].get_textpage().get_text_range() for n in range(len(document))]
    finally:
        document.close()


@pytest.fixture(scope="module")
def report() -> bytes:
    pdf, truth = generate_report(2)  # prose: two pages
    assert truth.pages == 2
    return pdf


def test_a_scan_has_every_page_and_no_text_layer(report: bytes) -> None:
    assert page_texts(scanned_pdf(report, dpi=150)) == ["", ""]


def test_a_scan_is_deterministic_and_depends_on_the_seed(report: bytes) -> None:
    first = scanned_pdf(report, dpi=150, seed=3)
    assert scanned_pdf(report, dpi=150, seed=3) == first
    assert scanned_pdf(report, dpi=150, seed=4) != first


def test_a_mixed_pdf_keeps_the_text_of_its_other_pages(report: bytes) -> None:
    mixed = mixed_pdf(report, dpi=150, seed=1)
    assert mixed == mixed_pdf(report, dpi=150, seed=1)
    typed, scanned = page_texts(mixed)
    assert typed.strip() and not scanned.strip()


def test_a_mixed_pdf_needs_a_page_left_typed(report: bytes) -> None:
    with pytest.raises(ValueError, match="keeps some text pages"):
        mixed_pdf(report, scanned_pages=(0, 1), dpi=150)
