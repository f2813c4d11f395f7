"""Numbers read again alone (real Tesseract, on words drawn with Pillow's own font)."""

from collections.abc import Iterator

import pytest
from bioreport_pdf_ocr.digits import DigitReader
from bioreport_pdf_ocr.lines import Word
from bioreport_pdf_ocr.settings import OcrSettings
from PIL import Image, ImageDraw, ImageFont

DPI = 300


@pytest.fixture(scope="module")
def reader() -> Iterator[DigitReader]:
    settings = OcrSettings()
    yield DigitReader(f"{settings.tessdata_folder()}/", settings.language, DPI)


def _word(text: str) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """A page with ``text`` drawn at 10 pt, and the word's box."""
    page = Image.new("L", (400, 120), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=42)
    draw.text((40, 30), text, fill=0, font=font)
    left, top, right, bottom = draw.textbbox((40, 30), text, font=font)
    return page, (int(left), int(top), int(right), int(bottom))


def test_a_lost_decimal_point_comes_back(reader: DigitReader) -> None:
    page, box = _word("12.5")
    assert reader.reread("125", 90, box, page) == "12.5"


def test_an_unsure_short_word_that_is_a_number_is_read_as_one(reader: DigitReader) -> None:
    page, box = _word("9.7")
    assert reader.reread("OT", 40, box, page) == "9.7"


def test_a_sure_or_long_word_is_not_read_again(reader: DigitReader) -> None:
    page, box = _word("9.7")
    assert reader.reread("OT", 95, box, page) == "OT"
    assert reader.reread("Glucose", 10, box, page) == "Glucose"


def test_a_value_with_a_fused_flag_keeps_its_flag(reader: DigitReader) -> None:
    page, box = _word("3.2L")
    assert reader.reread("3.2L", 40, box, page) == "3.2L"


def test_a_decimal_point_the_first_reading_saw_is_never_dropped(reader: DigitReader) -> None:
    page, box = _word("45")
    assert reader.reread("4.5", 90, box, page) == "4.5"


def _cut(text: str, confidence: float) -> tuple[Image.Image, list[Word]]:
    """``text`` drawn, and read as two words that cut its box in half."""
    page, (left, top, right, bottom) = _word(text)
    middle = (left + right) // 2
    halves = [(left, middle), (middle, right)]
    cut = (text[: len(text) // 2], text[len(text) // 2 :] + ",")
    words = zip(cut, halves, strict=True)
    return page, [Word(t, a, top, b, bottom, confidence) for t, (a, b) in words]


def test_a_value_cut_into_two_unsure_words_is_read_again_whole(reader: DigitReader) -> None:
    page, cell = _cut("137", confidence=34)
    assert reader.reread_cell(cell, page) == "137"


def test_a_cell_of_sure_words_or_without_a_digit_is_left_to_its_words(
    reader: DigitReader,
) -> None:
    page, cell = _cut("137", confidence=95)
    assert reader.reread_cell(cell, page) is None
    page, cell = _cut("None Seen", confidence=30)
    assert reader.reread_cell(cell, page) is None
    assert reader.reread_cell(cell[:1], page) is None  # one word: read again on its own
