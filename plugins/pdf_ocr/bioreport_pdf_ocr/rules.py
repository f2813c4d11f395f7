"""Table rules taken out of a page image before OCR.

A ruled grid's lines are read as text: a vertical rule between two cells becomes ``|``, ``l``
or ``[`` glued to a value or a unit, a rule under a row becomes ``_`` after it, and a vertical
rule that runs down the whole table joins the rows' words into one tall "line" in Tesseract's
layout analysis, so two rows come out interleaved. Any dark run longer than a glyph can be, a
third of an inch horizontally or vertically (a letter's stem is shorter even at 24 pt), is a
rule; so is a shorter vertical run (a cell border one row high) that ends on a horizontal rule.
The rules' pixels, and the blur a pixel either side of them, are painted white. Runs are looked
for in ink widened by a pixel across them: a scan's skew makes a thin line step sideways.
"""

import numpy as np
from numpy.typing import NDArray
from PIL import Image

#: Darker than this (of 255) is ink.
INK = 160
#: A run of ink at least this long, in points, is a rule, not a glyph: 24 pt (a third of an
#: inch).
RULE_POINTS = 24.0
#: A vertical run at least this long (a table row is 10-16 pt high) is a cell border if it
#: ends on a horizontal rule.
BORDER_POINTS = 6.0
#: The blurred edge of a rule, painted white with it, in pixels either side.
EDGE_PIXELS = 1


def remove_rules(page: Image.Image, dpi: int) -> Image.Image:
    """``page`` (greyscale) with its long horizontal and vertical lines painted white."""
    grey = np.asarray(page)
    ink = grey < INK
    length = max(8, round(RULE_POINTS * dpi / 72))
    across = _runs(_widen(ink, axis=0), length, axis=1)
    upright = _widen(ink, axis=1)
    down = _runs(upright, length, axis=0)
    if across.any():
        border = max(4, round(BORDER_POINTS * dpi / 72))
        ends = _widen(across, axis=0, by=EDGE_PIXELS + 2)
        down |= _runs_touching(_runs(upright, border, axis=0), ends)
    rules = across | down
    if not rules.any():
        return page
    rules = _widen(_widen(rules, axis=0, by=EDGE_PIXELS), axis=1, by=EDGE_PIXELS)
    cleaned = np.where(rules, np.uint8(255), grey)
    return Image.fromarray(cleaned, mode="L")


def _runs(ink: NDArray[np.bool_], length: int, axis: int) -> NDArray[np.bool_]:
    """The pixels that belong to a run of at least ``length`` ink pixels along ``axis``: a
    morphological opening by a line ``length`` long (an erosion, then a dilation)."""
    if ink.shape[axis] < length:
        return np.zeros_like(ink)
    starts = _window(ink, length, axis, np.logical_and)  # a whole run starts here
    edge = list(ink.shape)
    edge[axis] = length - 1
    padding = np.zeros(edge, dtype=bool)
    padded = np.concatenate([padding, starts, padding], axis=axis)
    return _window(padded, length, axis, np.logical_or)  # within a run that starts nearby


def _window(
    mask: NDArray[np.bool_], length: int, axis: int, combine: np.ufunc
) -> NDArray[np.bool_]:
    """``combine`` (and, or) of each ``length`` consecutive pixels along ``axis``, in
    log2(length) steps: the result is ``length - 1`` shorter along ``axis``."""
    span = 1
    while span < length:
        step = min(span, length - span)
        mask = combine(_part(mask, 0, -step, axis), _part(mask, step, None, axis))
        span += step
    return mask


def _part(mask: NDArray[np.bool_], start: int, stop: int | None, axis: int) -> NDArray[np.bool_]:
    return mask[:, start:stop] if axis == 1 else mask[start:stop]


def _runs_touching(runs: NDArray[np.bool_], touching: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """The vertical runs of ``runs`` that have a pixel in ``touching``: each run of each
    column numbered (column by column), and the numbers that touch kept."""
    columns = runs.T.ravel()  # column after column
    starts = columns & ~np.concatenate([[False], columns[:-1]])
    numbers = np.cumsum(starts, dtype=np.int32)
    numbers[~columns] = 0
    touched = np.unique(numbers[touching.T.ravel() & columns])
    kept = np.isin(numbers, touched[touched > 0])
    return kept.reshape(runs.T.shape).T


def _widen(mask: NDArray[np.bool_], axis: int, by: int = 1) -> NDArray[np.bool_]:
    """``mask`` with each set pixel also set ``by`` pixels either side along ``axis``."""
    for _ in range(by):
        wide = mask.copy()
        if axis == 1:
            wide[:, 1:] |= mask[:, :-1]
            wide[:, :-1] |= mask[:, 1:]
        else:
            wide[1:] |= mask[:-1]
            wide[:-1] |= mask[1:]
        mask = wide
    return mask
