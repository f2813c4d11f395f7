"""PyMuPDF's ``get_text(sort=True)``: text blocks sorted top-to-bottom, left-to-right, so a
table row comes out as one line with its cells in column order. The plain ``get_text()``
returns each cell on a line of its own, in drawing order."""

import pymupdf

from bioreport_engine import (
    ExtractedText,
    ExtractionLimits,
    PermanentError,
    check_page_count,
    collect_pages,
    require_pdf,
)

LIBRARY = f"pymupdf {pymupdf.VersionBind}"

# MuPDF prints its warnings and errors to stderr; they can quote bits of the document.
pymupdf.TOOLS.mupdf_display_errors(False)  # type: ignore[no-untyped-call]
pymupdf.TOOLS.mupdf_display_warnings(False)  # type: ignore[no-untyped-call]


class PymupdfExtractor:
    def extract(self, pdf: bytes, limits: ExtractionLimits) -> ExtractedText:
        require_pdf(pdf)
        try:
            document = pymupdf.open(stream=pdf, filetype="pdf")  # type: ignore[no-untyped-call]
        except (pymupdf.FileDataError, RuntimeError, ValueError):
            raise PermanentError("the PDF is corrupt or truncated") from None
        with document:
            if document.needs_pass or document.is_encrypted:
                raise PermanentError("the PDF is encrypted or password-protected")
            check_page_count(document.page_count, limits)
            texts = (_page_text(document[n]) for n in range(document.page_count))
            try:
                pages = collect_pages(texts, limits)  # stops at PDF_MAX_CHARS, page by page
            except (RuntimeError, ValueError):  # a broken object or stream inside a page
                raise PermanentError("the PDF is corrupt or truncated") from None
        return ExtractedText(pages, library=LIBRARY)


def _page_text(page: pymupdf.Page) -> str:
    text: str = page.get_text(sort=True)  # type: ignore[no-untyped-call]
    return text
