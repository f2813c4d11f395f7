"""Text lines rebuilt from OCR word boxes, so that a table row comes out as one line.

An OCR engine finds words and boxes; its own line and block analysis splits a table into
columns (analyte, value, unit as separate blocks). This module regroups the words of a page:
words whose vertical extents overlap, once the page's skew is taken out, form one line; a line's
words are ordered by x; a gap wider than about a character height, and than two characters of the
line's font, becomes a run of spaces, so structurers still see the columns.
"""

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: A gap between two words wider than this many line heights separates two columns...
COLUMN_GAP = 1.0
#: ... if it is also wider than this many of the line's characters: in a monospaced font
#: (Courier) a word space is a whole character wide, about as wide as a line height.
COLUMN_GAP_CHARACTERS = 2.0
#: Two words belong to one line when their vertical extents overlap by at least this share of
#: the shorter one.
SAME_LINE_OVERLAP = 0.5
#: Skew estimates beyond this (degrees) are not a scanner's skew but a rotated page or noise.
MAX_SKEW_DEGREES = 5.0


@dataclass(frozen=True)
class Word:
    """One recognised word and its box, in image pixels (y grows downwards), and how sure the
    engine is of it (0-100)."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    confidence: float = 100.0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def centre_x(self) -> float:
        return (self.left + self.right) / 2


#: A table cell: the words of a line between two column gaps, left to right.
Cell = list[Word]


def page_lines(words: Iterable[Word], skew: float = 0.0) -> list[str]:
    """The page's text lines, top to bottom. ``skew``: the slope of the text lines (dy/dx,
    from :func:`estimate_skew`), taken out before words are grouped."""
    return [line_text(cells) for cells in page_cells(words, skew)]


def line_text(cells: Iterable[Cell | str]) -> str:
    """A line's cells (or their texts) two spaces apart, so structurers still see columns."""
    return "  ".join(cell if isinstance(cell, str) else cell_text(cell) for cell in cells)


def page_cells(words: Iterable[Word], skew: float = 0.0) -> list[list[Cell]]:
    """The page's lines, top to bottom, each cut into its cells at its column gaps."""
    placed = [(_deskewed_top(word, skew), word) for word in words if word.text.strip()]
    placed.sort(key=lambda item: (item[0], item[1].left))
    lines: list[list[tuple[float, Word]]] = []
    for top, word in placed:
        line = _line_for(lines, top, word)
        if line is None:
            lines.append([(top, word)])
        else:
            line.append((top, word))
    return [_cells([word for _, word in line]) for line in lines]


def estimate_skew(baselines: Iterable[tuple[float, float, float, float]]) -> float:
    """The page's skew as a slope (dy/dx): the median slope of the engine's text-line baselines
    (x1, y1, x2, y2), weighted towards long lines by ignoring short ones; 0 when unknown."""
    slopes = [
        (y2 - y1) / (x2 - x1)
        for x1, y1, x2, y2 in baselines
        if x2 - x1 > 100  # short baselines give noisy slopes
    ]
    limit = math.tan(math.radians(MAX_SKEW_DEGREES))
    slopes = [slope for slope in slopes if abs(slope) <= limit]
    return statistics.median(slopes) if slopes else 0.0


def _deskewed_top(word: Word, skew: float) -> float:
    return word.top - skew * word.centre_x


def _line_for(
    lines: Sequence[list[tuple[float, Word]]], top: float, word: Word
) -> list[tuple[float, Word]] | None:
    """The line (among the last few, the ones that can still overlap) that ``word`` joins."""
    for line in reversed(lines[-4:]):
        line_top = min(t for t, _ in line)
        line_bottom = max(t + w.height for t, w in line)
        overlap = min(line_bottom, top + word.height) - max(line_top, top)
        shorter = min(word.height, line_bottom - line_top)
        if shorter > 0 and overlap >= SAME_LINE_OVERLAP * shorter:
            return line
    return None


def _cells(words: list[Word]) -> list[Cell]:
    words.sort(key=lambda word: word.left)
    height = statistics.median(word.height for word in words)
    column_gap = max(COLUMN_GAP * height, COLUMN_GAP_CHARACTERS * _character_width(words))
    cells = [[words[0]]]
    for previous, word in zip(words, words[1:], strict=False):
        if word.left - previous.right > column_gap:
            cells.append([word])
        else:
            cells[-1].append(word)
    return cells


def cell_text(cell: Cell) -> str:
    """The cell's words one space apart; an e-mail address cut at its ``@`` joined again."""
    text = cell[0].text
    for previous, word in zip(cell, cell[1:], strict=False):
        if _splits_an_address(previous.text, word.text):
            text += word.text
        else:  # within a cell a lone bar is the letter I ("Troponin I"), not a table rule
            text += " " + ("I" if word.text == "|" else word.text)
    return text


def _character_width(words: Sequence[Word]) -> float:
    """The line's typical character width: the median of its words' widths per character
    (words of two characters or more: a lone character's box is only its ink); 0 when unknown."""
    widths = [(w.right - w.left) / len(w.text) for w in words if len(w.text) >= 2]
    return statistics.median(widths) if widths else 0.0


def _splits_an_address(before: str, after: str) -> bool:
    """Tesseract often ends a word at the wide ``@`` of an e-mail address ("jane @mail.com"):
    an address cut in two would no longer be recognised, and masked, as one."""
    if "@" in before and "@" in after:
        return False
    return after.startswith("@") or before.endswith("@")
