"""A second reading of numbers, each alone and with only the characters numbers are made of.

Read with the rest of the page, Tesseract's language model loses a decimal point between two digits
("4.6" read "46"), reads a thin ``1`` as ``4``, a point as a colon, and the thin digits of a
typewriter font as letters ("9.7" read "OT"). So each word that reads as a number, and each short
word Tesseract is unsure of, is read again from its own box in the page image, as a single line
whose only allowed characters are digits, ``.``, ``,``, ``<``, ``>`` and ``-``: once as scanned and
once with its strokes a pixel thicker, the reading Tesseract is surer of kept. With no word around
it to predict, the point comes back. The second reading replaces the first only when it is a
number, Tesseract is confident of it, and it does not drop a decimal point or comma the first
reading saw; otherwise the first stands. A value Tesseract cut into words ("13 37,", "alike 6)") is
read again whole: a table cell of a few characters, with a digit and a word Tesseract is unsure of,
is read again from the cell's box, the same way.
"""

import re

import tesserocr  # type: ignore[import-untyped]
from PIL import Image, ImageFilter

from bioreport_pdf_ocr.lines import Cell
from bioreport_pdf_ocr.words import FUSED_FLAG

#: A word that reads as a number, a bound (``<5.7``) or a number with its decimal point read as
#: a colon ("4:6"): these are read again.
NUMBER = re.compile(r"[<>]?\d+(?:[.,:]\d+)*")
#: The characters the second reading may use.
NUMBER_CHARACTERS = "0123456789.,<>-"
#: A word that is not a number is read again if it is this short and Tesseract's confidence
#: in it (0-100) is below :data:`UNSURE`.
SHORT = 6
UNSURE = 90
#: The second reading stands only if Tesseract's confidence in it reaches this.
MIN_CONFIDENCE = 80
#: The margin of page image kept around a word's box, in points (6 px at 300 dpi).
MARGIN_POINTS = 1.5
#: Thickens dark strokes by a pixel: the thin digits of Courier read right.
_THICKEN = ImageFilter.MinFilter(3)


class DigitReader:
    """A Tesseract engine of its own, set to read one line of digits."""

    def __init__(self, tessdata: str, language: str, dpi: int) -> None:
        self.api = tesserocr.PyTessBaseAPI(
            path=tessdata, lang=language, psm=tesserocr.PSM.SINGLE_LINE
        )
        self.api.SetVariable("tessedit_char_whitelist", NUMBER_CHARACTERS)
        self.dpi = dpi
        self.margin = max(2, round(MARGIN_POINTS * dpi / 72))

    def reread(
        self, text: str, confidence: float, box: tuple[int, int, int, int], page: Image.Image
    ) -> str:
        """``text``, the word read within its page with ``confidence``, or its second reading
        from ``box`` of ``page``. A value with its flag fused to it ("3.2L") is not read again:
        the flag would become a digit."""
        number = NUMBER.fullmatch(text) is not None
        if not number and (len(text) > SHORT or confidence >= UNSURE or FUSED_FLAG.fullmatch(text)):
            return text
        again, sure = self._read(box, page)
        keeps_points = not number or _separators(again) >= _separators(text)
        if sure >= MIN_CONFIDENCE and NUMBER.fullmatch(again) and keeps_points:
            return again
        return text

    def reread_cell(self, cell: Cell, page: Image.Image) -> str | None:
        """The second reading of a cell of several words that may be one value cut apart,
        or ``None`` (the cell's words stand)."""
        characters = sum(len(word.text) for word in cell)
        unsure = any(word.confidence < UNSURE for word in cell)
        digit = any(ch.isdigit() for word in cell for ch in word.text)
        if len(cell) < 2 or characters > SHORT + 2 or not (unsure and digit):
            return None
        box = (
            round(min(word.left for word in cell)),
            round(min(word.top for word in cell)),
            round(max(word.right for word in cell)),
            round(max(word.bottom for word in cell)),
        )
        again, sure = self._read(box, page)
        return again if sure >= MIN_CONFIDENCE and NUMBER.fullmatch(again) else None

    def _read(self, box: tuple[int, int, int, int], page: Image.Image) -> tuple[str, int]:
        """The surer of the two readings of ``box``, and Tesseract's confidence in it."""
        left, top, right, bottom = box
        m = self.margin
        crop = page.crop((left - m, top - m, right + m, bottom + m))
        readings = []
        for image in (crop, crop.filter(_THICKEN)):
            self.api.SetImage(image)
            self.api.SetSourceResolution(self.dpi)
            readings.append((self.api.MeanTextConf(), str(self.api.GetUTF8Text()).strip()))
        sure, text = max(readings)
        return text, sure


def _separators(number: str) -> int:
    return sum(number.count(mark) for mark in ".,:")
