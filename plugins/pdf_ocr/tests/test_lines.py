"""Lines rebuilt from word boxes (no OCR here)."""

import math
from collections.abc import Sequence

import pytest
from bioreport_pdf_ocr.lines import Word, estimate_skew, page_lines


def row(y: float, cells: Sequence[tuple[float, str]], slope: float = 0.0) -> list[Word]:
    """Words of one row, 30 px high, each 20 px a character, drawn on a line of ``slope``."""
    words = []
    for x, text in cells:
        left = x
        for part in text.split():
            top = y + slope * left
            words.append(Word(part, left, top, left + 20 * len(part), top + 30))
            left += 20 * (len(part) + 1)
    return words


def test_a_skewed_table_comes_out_one_row_a_line_with_column_gaps() -> None:
    slope = math.tan(math.radians(1.5))  # 55 px of drift across a 2,100 px row
    cells = [[(100, "Glucose"), (900, "105"), (1300, "mg/dL"), (1800, "70 - 99")]]
    cells.append([(100, "Troponin I"), (900, "0.03"), (1300, "ng/mL"), (1800, "< 0.04")])
    words = [w for n, c in enumerate(cells) for w in row(1000 + 45 * n, c, slope)]
    baselines = [(100.0, 1030 + slope * 100, 2000.0, 1030 + slope * 2000)]
    assert estimate_skew(baselines) == pytest.approx(slope)
    assert page_lines(reversed(words), estimate_skew(baselines)) == [
        "Glucose  105  mg/dL  70 - 99",
        "Troponin I  0.03  ng/mL  < 0.04",
    ]


def test_a_monospaced_word_space_is_not_a_column_gap() -> None:
    """Courier-like boxes: 25 px a character, digits 26 px high, a word space (one character
    plus the side bearings of narrow glyphs) 30 px: wider than a line height, narrower than two
    characters. The gap before the value column (120 px) still is one."""
    words, left = [], 100.0
    for part, gap in (("Phone:", 30), ("07", 30), ("5550", 30), ("1234", 120), ("Home", 0)):
        words.append(Word(part, left, 500, left + 25 * len(part), 526))
        left += 25 * len(part) + gap
    assert page_lines(words) == ["Phone: 07 5550 1234  Home"]


def test_without_baselines_the_skew_is_zero() -> None:
    assert estimate_skew([]) == 0.0
    assert estimate_skew([(0, 0, 50, 10)]) == 0.0  # too short to tell


def test_an_e_mail_address_cut_at_its_at_sign_is_one_word_again() -> None:
    words = row(100, [(100, "Email:"), (400, "jane.roe @mail.com"), (900, "Tel:")])
    assert page_lines(words) == ["Email:  jane.roe@mail.com  Tel:"]


def test_a_lone_bar_inside_a_cell_is_the_letter_i() -> None:
    words = row(100, [(100, "Troponin |")])
    assert page_lines(words) == ["Troponin I"]
