"""pdfplumber's ``extract_text()``: characters grouped into lines by position, so a table row
(analyte, value, flag, unit, range) comes out as one line with its cells in column order.
``layout=True`` keeps the same rows but pads them with runs of spaces; the plain form was as
good on the synthetic corpus and shorter (``nox -s bench_extraction``)."""

import io

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from bioreport_engine import (
    ExtractedText,
    ExtractionLimits,
    PermanentError,
    check_page_count,
    collect_pages,
    require_pdf,
)

LIBRARY = f"pdfplumber {pdfplumber.__version__}"


class PdfplumberExtractor:
    def extract(self, pdf: bytes, limits: ExtractionLimits) -> ExtractedText:
        require_pdf(pdf)
        try:
            pages = self._pages(pdf, limits)
        except PdfminerException as wrapped:  # pdfplumber wraps pdfminer's errors, all of them
            cause = wrapped.args[0] if wrapped.args else wrapped
            if isinstance(cause, MemoryError | RecursionError):
                raise cause from None  # the engine reports these as what they are
            raise PermanentError(_describe(cause)) from None
        except (PSException, PDFSyntaxError, PDFEncryptionError, PDFPasswordIncorrect) as exc:
            raise PermanentError(_describe(exc)) from None
        return ExtractedText(pages, library=LIBRARY)

    def _pages(self, pdf: bytes, limits: ExtractionLimits) -> tuple[str, ...]:
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            check_page_count(len(document.pages), limits)
            # Page by page, stopping at PDF_MAX_CHARS: a text explosion is not read to its end.
            return collect_pages(map(_page_text, document.pages), limits)


def _page_text(page: Page) -> str:
    text = page.extract_text() or ""
    page.close()  # frees the page's cached objects: memory stays flat
    return text


def _describe(cause: object) -> str:
    if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
        return "the PDF is encrypted or password-protected"
    return "the PDF is corrupt or truncated"
