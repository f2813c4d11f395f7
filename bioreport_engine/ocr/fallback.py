"""The OCR fallback (``PDF_OCR_FALLBACK``): the pages that the text-layer extractor found blank
(a scan, a phone photo saved as PDF, one scanned page in a typed report) go to the OCR extractor
``PDF_OCR_ENGINE``, and its text takes their place, so that a mixed PDF comes out whole.

Extractors return blank pages and never decide that a PDF is unreadable for want of text: the
pipeline does, after the fallback, with a message that says how to turn OCR on. Any installed
PDF extractor can be the OCR engine: the engine asks it for the blank pages only
(``ExtractionLimits.pages``), and counts them as read by OCR (``ExtractedText.ocr_pages``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from bioreport_engine.errors import ConfigurationError, PermanentError
from bioreport_engine.extraction import HOW_TO_ENABLE_OCR, NO_TEXT
from bioreport_engine.plugins.manager import Offer
from bioreport_engine.plugins.registry import StageRegistry
from bioreport_engine.settings import EngineSettings
from bioreport_engine.stages import PdfExtractor, StageKind, normalise_name
from bioreport_engine.texts import ExtractedText


@dataclass(frozen=True)
class OcrFallback:
    """Whether blank pages go to an OCR extractor, and why: ``bioreport config`` shows it."""

    #: The OCR extractor, when the fallback is on.
    offer: Offer[PdfExtractor] | None
    #: ``"on: …"`` or ``"off: …"``, naming the settings and plugin that decided it.
    reason: str

    @property
    def enabled(self) -> bool:
        return self.offer is not None


def decide(
    settings: EngineSettings,
    registry: StageRegistry,
    check: Callable[[Offer[object]], list[str]],
) -> tuple[OcrFallback, list[str]]:
    """The fallback that the settings and the installed plugins give, and the configuration
    problems found on the way.

    ``auto`` is on when an extractor named ``PDF_OCR_ENGINE`` is installed and ``check`` (its
    settings and its own check) finds nothing wrong, off otherwise; ``true`` makes either a
    configuration problem, which lists the installed engines.
    """
    mode, name = settings.pdf_ocr_fallback, normalise_name(settings.pdf_ocr_engine)
    setting = f"PDF_OCR_FALLBACK={mode}"
    if mode == "false":
        return OcrFallback(None, f"off: {setting}"), []
    if normalise_name(settings.pdf_engine) == name:
        return OcrFallback(None, f"off: PDF_ENGINE={name!r} reads every page by OCR already"), []
    installed = registry.names(StageKind.PDF)
    if name not in installed:
        if mode == "auto":
            reason = f"off: {setting}, and no PDF engine {name!r} (PDF_OCR_ENGINE) is installed"
            return OcrFallback(None, reason), []
        return OcrFallback(None, "off: not installed"), [
            f"{setting} needs the OCR extractor PDF_OCR_ENGINE={name!r}, which is not "
            f"installed. Installed PDF engines: {', '.join(installed) or 'none'}. Install an OCR "
            "extractor plugin (e.g. bioreport-pdf-ocr), or set PDF_OCR_ENGINE to one of those, "
            "or PDF_OCR_FALLBACK=false."
        ]
    try:
        offer = registry.pdf_extractor(name)
    except ConfigurationError as exc:  # two plugins offer the name: an error whatever the mode
        return OcrFallback(None, "off: ambiguous"), list(exc.problems)
    plugin = f"{offer.plugin.distribution} {offer.plugin.version}"
    problems = check(cast(Offer[object], offer))
    if not problems:
        return OcrFallback(offer, f"on: {setting}, PDF_OCR_ENGINE={name!r} ({plugin})"), []
    if mode == "auto":
        reason = f"off: {setting}, and PDF_OCR_ENGINE={name!r} ({plugin}) cannot work: "
        return OcrFallback(None, reason + "; ".join(problems)), []
    return OcrFallback(None, "off: cannot work"), [
        f"{setting}: PDF_OCR_ENGINE={name!r} ({plugin}): {problem}" for problem in problems
    ]


def blank_pages(extracted: ExtractedText) -> tuple[int, ...]:
    """The pages (0-based) with no text layer: blank after strip, and not read by OCR already."""
    return tuple(
        number
        for number, page in enumerate(extracted.pages)
        if not page.strip() and number not in extracted.ocr_pages
    )


def merge(primary: ExtractedText, ocr: ExtractedText, pages: tuple[int, ...]) -> ExtractedText:
    """``primary`` with ``pages`` replaced by the OCR extractor's text of them, in order.

    Those pages count as read by OCR whatever the OCR extractor reports: it was sent them because
    they had no text layer, so whatever text they have now came from an image.
    """
    if ocr.page_count != primary.page_count:
        raise PermanentError(
            f"the OCR extractor returned {ocr.page_count} pages for a PDF of "
            f"{primary.page_count} (a bug of the PDF_OCR_ENGINE plugin)"
        )
    texts = list(primary.pages)
    for number in pages:
        texts[number] = ocr.pages[number]
    return ExtractedText(
        tuple(texts),
        library=f"{primary.library} + {ocr.library}",
        ocr_pages=primary.ocr_pages | frozenset(pages),
    )


def require_some_text(extracted: ExtractedText, fallback: OcrFallback) -> None:
    """Fail permanently when every page is still blank, saying what was tried and, when OCR was
    not, how to turn it on."""
    if any(page.strip() for page in extracted.pages):
        return
    if extracted.ocr_pages:
        raise PermanentError(
            f"no extractable text: OCR found no text on the PDF's {extracted.page_count} "
            "page(s) (a blank or unreadable scan)"
        )
    raise PermanentError(f"{NO_TEXT}, and OCR fallback is {fallback.reason}; {HOW_TO_ENABLE_OCR}")
