"""A second reading of every number, alone and with only the characters numbers are made of.

Read with the rest of the page, Tesseract's language model loses a decimal point between two
digits ("4.6" read "46"), reads a thin ``1`` as ``4`` and a point as a colon. Each word that
reads as a number is read again from its own box in the page image, as a single line whose
only allowed characters are digits, ``.``, ``,``, ``<``, ``>`` and ``-``: with no word around
it to predict, the point comes back. The second reading replaces the first only when it is a
number too, Tesseract is confident of it, and it does not drop a decimal point or comma the
first reading saw; otherwise the first stands.
"""

import re

import tesserocr  # type: ignore[import-untyped]
from PIL import Image

#: A word that reads as a number, a bound (``<5.7``) or a number with its decimal point read as
#: a colon ("4:6"): these are read again.
NUMBER = re.compile(r"[<>]?\d+(?:[.,:]\d+)*")
#: The characters the second reading may use.
NUMBER_CHARACTERS = "0123456789.,<>-"
#: The second reading stands only if Tesseract's confidence in it (0-100) reaches this.
MIN_CONFIDENCE = 80
#: The margin of page image kept around a word's box, in points (6 px at 300 dpi).
MARGIN_POINTS = 1.5


class DigitReader:
    """A Tesseract engine of its own, set to read one line of digits."""

    def __init__(self, tessdata: str, language: str, dpi: int) -> None:
        self.api = tesserocr.PyTessBaseAPI(
            path=tessdata, lang=language, psm=tesserocr.PSM.SINGLE_LINE
        )
        self.api.SetVariable("tessedit_char_whitelist", NUMBER_CHARACTERS)
        self.dpi = dpi
        self.margin = max(2, round(MARGIN_POINTS * dpi / 72))

    def reread(self, text: str, box: tuple[int, int, int, int], page: Image.Image) -> str:
        """``text``, the word read within its page, or its second reading from ``box`` of
        ``page`` if ``text`` is a number and the second reading a confident number."""
        if not NUMBER.fullmatch(text):
            return text
        left, top, right, bottom = box
        m = self.margin
        self.api.SetImage(page.crop((left - m, top - m, right + m, bottom + m)))
        self.api.SetSourceResolution(self.dpi)
        again = self.api.GetUTF8Text().strip()
        confident = self.api.MeanTextConf() >= MIN_CONFIDENCE
        if confident and NUMBER.fullmatch(again) and _separators(again) >= _separators(text):
            return again
        return text


def _separators(number: str) -> int:
    return sum(number.count(mark) for mark in ".,:")
