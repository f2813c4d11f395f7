"""Each page rendered to a grey image by pdfium, read by Tesseract word by word, and its lines
rebuilt from the word boxes (:mod:`bioreport_pdf_ocr.lines`) so that a table row is one line.

Before Tesseract reads a page image it is sharpened (an unsharp mask: on tuning-layout scans
that cut the values misread, a decimal point lost or read as a colon, by about five times) and
its table rules are painted out (:mod:`bioreport_pdf_ocr.rules`). Tesseract reads the page as
one block of text (``PSM.SINGLE_BLOCK``): its automatic layout analysis cut a column of flags
into a tall "word" that joined three rows, and lost single-digit values, once the rules that
had parted the blocks were gone; lines are rebuilt from the word boxes anyway. Then numbers,
and short words Tesseract is unsure of, are read again alone (:mod:`bioreport_pdf_ocr.digits`),
and units and lab words are read back from Tesseract's confusions
(:mod:`bioreport_pdf_ocr.units`, :mod:`bioreport_pdf_ocr.words`). Every choice was measured
on tuning layouts only (plugin README).
"""

import ctypes
import math
import re
from collections.abc import Iterator
from pathlib import Path

import pypdfium2  # type: ignore[import-untyped]
import tesserocr  # type: ignore[import-untyped]
from PIL import Image, ImageFilter

from bioreport_engine import (
    ConfigurationError,
    ExtractedText,
    ExtractionLimits,
    PermanentError,
    check_char_count,
    check_page_count,
    collect_pages,
    require_pdf,
)
from bioreport_pdf_ocr.digits import DigitReader
from bioreport_pdf_ocr.lines import Word, estimate_skew, line_text, page_cells
from bioreport_pdf_ocr.rules import remove_rules
from bioreport_pdf_ocr.settings import OcrSettings, check
from bioreport_pdf_ocr.units import correct_unit, split_flag_from_unit
from bioreport_pdf_ocr.words import correct_word, split_flag

#: A page image is never larger than this (about A3 at 300 dpi): a PDF whose page is metres
#: wide is rendered at a lower resolution instead of exhausting memory.
MAX_PIXELS = 40_000_000
_PDFIUM = str(pypdfium2.PYPDFIUM_INFO)
_NO_PAGES = re.compile(rb"/Count\s+0(?![0-9])")
_SOME_PAGES = re.compile(rb"/Count\s+[1-9]")
#: Sharpening before OCR (radius in pixels at 300 dpi, strength in percent, threshold in grey
#: levels): it restores the edges of small glyphs, decimal points first, that a scan's blur and
#: JPEG soften.
SHARPEN = ImageFilter.UnsharpMask(radius=2, percent=150, threshold=3)
#: Leptonica's ``L_SEVERITY_NONE``.
_LEPTONICA_SILENT = 6


def _quiet_leptonica() -> None:
    """Leptonica prints "Error in boxClipToRectangle…" to stderr for harmless cases on many
    pages: silence it (best effort: the copy bundled in tesserocr's wheel)."""
    bundled = Path(tesserocr.__file__).parent.parent / "tesserocr.libs"
    for library in bundled.glob("libleptonica*.so*"):
        try:
            ctypes.CDLL(str(library)).setMsgSeverity(_LEPTONICA_SILENT)
        except (OSError, AttributeError):
            pass


class OcrExtractor:
    """One Tesseract engine, loaded once (about 0.2 s) and used for every page."""

    def __init__(self, settings: OcrSettings) -> None:
        problems = check(settings)
        tessdata = settings.tessdata_folder()
        if problems or tessdata is None:
            raise ConfigurationError(*problems)
        self.dpi = settings.dpi
        _quiet_leptonica()
        self.api = tesserocr.PyTessBaseAPI(
            path=f"{tessdata}/", lang=settings.language, psm=tesserocr.PSM.SINGLE_BLOCK
        )
        self.digits = DigitReader(f"{tessdata}/", settings.language, settings.dpi)
        tesseract = tesserocr.tesseract_version().split()[1]
        #: Starts with the engine's name, as every extractor's does.
        self.library = f"ocr tesseract {tesseract} ({settings.language}), pypdfium2 {_PDFIUM}"

    def extract(self, pdf: bytes, limits: ExtractionLimits) -> ExtractedText:
        require_pdf(pdf)
        document = _open(pdf, limits)
        try:
            check_page_count(len(document), limits)
            chosen = _chosen_pages(len(document), limits)
            texts = (
                self._page_text(document[n], limits) if n in chosen else ""
                for n in range(len(document))
            )
            pages = collect_pages(texts, limits)  # stops at PDF_MAX_CHARS, page by page
        finally:
            document.close()
        return ExtractedText(pages, library=self.library, ocr_pages=frozenset(chosen))

    def _page_text(self, page: pypdfium2.PdfPage, limits: ExtractionLimits) -> str:
        try:
            _refuse_text_explosion(page, limits)
            image = _render(page, self.dpi)
        finally:
            page.close()
        self.api.SetImage(image)
        self.api.SetSourceResolution(self.dpi)
        try:
            self.api.Recognize()
            words = [
                Word(_read_back(self.digits.reread(text, confidence, box, image)), *box, confidence)
                for text, confidence, box in _words(self.api)
            ]
            skew = estimate_skew(_baselines(self.api))
        finally:
            self.api.Clear()
        lines = (
            line_text(self.digits.reread_cell(cell, image) or cell for cell in cells)
            for cells in page_cells(words, skew)
        )
        return "\n".join(lines)


def _open(pdf: bytes, limits: ExtractionLimits) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(pdf)
    except pypdfium2.PdfiumError as exc:
        # pdfium refuses an empty page tree without setting its error code (the previous
        # document's stays): the page tree's count tells that case apart.
        if _NO_PAGES.search(pdf) and not _SOME_PAGES.search(pdf):
            check_page_count(0, limits)
        if exc.err_code == pypdfium2.raw.FPDF_ERR_PASSWORD:
            raise PermanentError("the PDF is encrypted or password-protected") from None
        raise PermanentError("the PDF is corrupt or truncated") from None


def _chosen_pages(count: int, limits: ExtractionLimits) -> frozenset[int]:
    if limits.pages is None:
        return frozenset(range(count))
    return frozenset(n for n in limits.pages if 0 <= n < count)


def _refuse_text_explosion(page: pypdfium2.PdfPage, limits: ExtractionLimits) -> None:
    """A page that draws more characters than ``PDF_MAX_CHARS`` (a text explosion: a few
    kilobytes drawing millions of glyphs) fails at once, before it is rendered: whatever OCR
    read from it would be over the limit too, after a long wait."""
    textpage = page.get_textpage()
    try:
        check_char_count(textpage.count_chars(), limits, at_least=True)
    finally:
        textpage.close()


def _render(page: pypdfium2.PdfPage, dpi: int) -> Image.Image:
    width, height = page.get_size()
    scale = min(dpi / 72, math.sqrt(MAX_PIXELS / max(width * height, 1.0)))
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        image: Image.Image = bitmap.to_pil().convert("L")
    finally:
        bitmap.close()
    return remove_rules(image.filter(SHARPEN), round(scale * 72))


def _read_back(word: str) -> str:
    """``word`` read back to the unit, or else the lab word, it is a confusion of; a flag fused
    to its unit or value written apart."""
    flagged = split_flag_from_unit(word)
    if flagged != word:
        return flagged
    unit = correct_unit(word)
    return unit if unit != word else split_flag(correct_word(word))


def _words(
    api: tesserocr.PyTessBaseAPI,
) -> Iterator[tuple[str, float, tuple[int, int, int, int]]]:
    level = tesserocr.RIL.WORD
    iterator = api.GetIterator()
    if iterator is None:  # nothing recognised on the page
        return
    for word in tesserocr.iterate_level(iterator, level):
        try:
            text = word.GetUTF8Text(level)
        except RuntimeError:  # "No text returned": a blob that held no word
            continue
        box = word.BoundingBox(level)
        if text.strip() and box:
            yield text.strip(), word.Confidence(level), box


def _baselines(api: tesserocr.PyTessBaseAPI) -> Iterator[tuple[float, float, float, float]]:
    level = tesserocr.RIL.TEXTLINE
    iterator = api.GetIterator()
    if iterator is None:
        return
    for line in tesserocr.iterate_level(iterator, level):
        baseline = line.Baseline(level)
        if baseline:
            (x1, y1), (x2, y2) = baseline
            yield (x1, y1, x2, y2)
