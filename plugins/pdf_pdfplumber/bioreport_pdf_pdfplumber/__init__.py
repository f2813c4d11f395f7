"""``PDF_ENGINE=pdfplumber``: text extraction with pdfplumber (pdfminer.six underneath, MIT)."""

from collections.abc import Iterable

from bioreport_engine import PdfExtractor, StageSpec, hookimpl

#: The versions of the public plugin API (bioreport_engine) this plugin works with.
BIOREPORT_API = ">=1.1,<2"


def _build() -> PdfExtractor:
    from bioreport_pdf_pdfplumber.extractor import PdfplumberExtractor  # imports pdfplumber

    return PdfplumberExtractor()


@hookimpl
def bioreport_pdf_extractors() -> Iterable[StageSpec[PdfExtractor]]:
    return [
        StageSpec(
            "pdfplumber",
            _build,
            summary="pdfplumber (MIT): table rows kept on one line",
            thread_safe=True,
        )
    ]
