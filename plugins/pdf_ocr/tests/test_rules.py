"""Table rules painted out of a page image, glyphs left alone (no OCR here)."""

import numpy as np
from bioreport_pdf_ocr.rules import remove_rules
from PIL import Image, ImageDraw, ImageFont

DPI = 300


def _page(grid: bool) -> Image.Image:
    """A white page with two table rows of 10 pt text, optionally ruled as a grid."""
    page = Image.new("L", (1200, 500), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=42)  # 10 pt at 300 dpi
    for y, cells in ((100, ("Glucose", "95", "mg/dL")), (165, ("Hyaline Casts", "0-2", "/lpf"))):
        for x, text in zip((60, 520, 800), cells, strict=True):
            draw.text((x, y), text, fill=0, font=font)
    if grid:
        for y in (90, 155, 220):  # under each row, 0.3 pt thick
            draw.line((40, y, 1150, y), fill=0, width=2)
        for x in (40, 500, 780, 1150):  # a cell border one row high, between the rules
            draw.line((x, 155, x, 220), fill=0, width=2)
            draw.line((x, 90, x, 155), fill=0, width=2)
    return page


def _ink(page: Image.Image) -> int:
    return int((np.asarray(page) < 160).sum())


def test_a_page_without_rules_is_left_as_it_is() -> None:
    page = _page(grid=False)
    assert remove_rules(page, DPI) is page


def test_the_rules_of_a_grid_are_painted_white_and_the_text_kept() -> None:
    text, ruled = _page(grid=False), _page(grid=True)
    cleaned = np.asarray(remove_rules(ruled, DPI))
    assert (cleaned[90, 40:1150] >= 160).all() and (cleaned[150:160, 500] >= 160).all()
    assert _ink(Image.fromarray(cleaned)) == _ink(text)  # every glyph's pixel still there


def test_a_skewed_rule_is_found_too() -> None:
    page = _page(grid=False)
    ImageDraw.Draw(page).line((40, 300, 1150, 330), fill=0, width=2)  # 1.5 degrees
    band = np.asarray(remove_rules(page, DPI))[290:340]
    assert (band < 160).sum() <= 4  # at most a pixel at each end


def test_a_glyph_taller_than_a_table_row_is_not_a_rule() -> None:
    page = Image.new("L", (600, 400), 255)
    ImageDraw.Draw(page).text((50, 50), "l|[", fill=0, font=ImageFont.load_default(size=96))
    assert _ink(remove_rules(page, DPI)) == _ink(page)
