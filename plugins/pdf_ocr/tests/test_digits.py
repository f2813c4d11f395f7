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


@pytest.mark.parametrize(
    ("drawn", "read", "confidence", "kept"),
    [
        pytest.param("12.5", "125", 90, "12.5", id="a lost decimal point comes back"),
        pytest.param("9.7", "OT", 40, "9.7", id="an unsure short word that is a number"),
        pytest.param("9.7", "OT", 95, "OT", id="a sure word is not read again"),
        pytest.param("9.7", "Glucose", 10, "Glucose", id="a long word is not read again"),
        pytest.param("3.2L", "3.2L", 40, "3.2L", id="a fused flag does not become a digit"),
        pytest.param("45", "4.5", 90, "4.5", id="a point the first reading saw stays"),
    ],
)
def test_a_word_is_read_again_alone_as_a_number(
    reader: DigitReader, drawn: str, read: str, confidence: float, kept: str
) -> None:
    page, box = _word(drawn)
    assert reader.reread(read, confidence, box, page) == kept


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
