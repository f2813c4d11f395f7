"""``PDF_ENGINE=pymupdf``: text extraction with PyMuPDF (MuPDF underneath, AGPL-3.0)."""

from collections.abc import Iterable

from bioreport_engine import PdfExtractor, StageSpec, hookimpl

#: The versions of the public plugin API (bioreport_engine) this plugin works with.
BIOREPORT_API = ">=1.1,<2"


def _build() -> PdfExtractor:
    from bioreport_pdf_pymupdf.extractor import PymupdfExtractor  # imports PyMuPDF

    return PymupdfExtractor()


@hookimpl
def bioreport_pdf_extractors() -> Iterable[StageSpec[PdfExtractor]]:
    return [
        StageSpec(
            "pymupdf",
            _build,
            summary="PyMuPDF (AGPL-3.0): fast; rows kept with get_text(sort=True)",
            # MuPDF's context is not thread-safe. With PDF_ISOLATION=process (the default) each
            # child process runs one document at a time anyway.
            thread_safe=False,
        )
    ]
