"""Every row the model returns must be found in the text it was sent: the analyte, and the
value on the same line. Flags come from that line (a printed flag, else the printed range),
never from the model's opinion."""

import re

from bioreport_engine import Biomarker, Flag, printed_line
from bioreport_llm_openai.schema import Row

RANGE = re.compile(r"(?<![\d.])(-?\d+(?:\.\d+)?)\s?[-–]\s?(-?\d+(?:\.\d+)?)(?![\d.])")
BOUND = re.compile(r"([<>]=?|≤|≥)\s?(-?\d+(?:\.\d+)?)")
FLAGS: dict[str, Flag] = {
    "H": "H",
    "L": "L",
    "HH": "HH",
    "LL": "LL",
    "A": "A",
    "HIGH": "H",
    "LOW": "L",
}


def ground(rows: list[Row], text: str) -> tuple[list[Biomarker], int]:
    """The grounded rows as biomarkers, and how many rows were dropped."""
    kept: list[Biomarker] = []
    for row in rows:
        # The analyte as a whole name ("MCH" is not the start of the "MCHC" line), the value
        # after it on the same line.
        line = printed_line(text, row.analyte, row.value_text)
        if line is None:
            continue
        kept.append(_biomarker(row, line))
    return kept, len(rows) - len(kept)


def _biomarker(row: Row, line: str) -> Biomarker:
    after_value = line.split(row.value_text.strip().lower(), 1)[-1]
    low, high, reference = _reference(after_value)
    value = row.value if row.value is not None else _number(row.value_text)
    return Biomarker(
        analyte=row.analyte.strip(),
        value_text=row.value_text.strip(),
        value=value,
        unit=row.unit if row.unit and row.unit.lower() in line else None,
        reference_low=low,
        reference_high=high,
        reference_text=reference,
        flag=_flag(after_value, value, low, high),
    )


def _reference(text: str) -> tuple[float | None, float | None, str | None]:
    if match := RANGE.search(text):
        return float(match[1]), float(match[2]), match[0]
    if match := BOUND.search(text):
        bound = float(match[2])
        return (None, bound, match[0]) if match[1] in ("<", "<=", "≤") else (bound, None, match[0])
    return None, None, None


def _flag(
    after_value: str, value: float | None, low: float | None, high: float | None
) -> Flag | None:
    """The flag printed right after the value or at the end of the line, else the range's."""
    tokens = after_value.upper().split()
    for token in tokens[:1] + tokens[-1:]:
        if token in FLAGS:
            return FLAGS[token]
    if value is None:
        return None
    if high is not None and value > high:
        return "H"
    if low is not None and value < low:
        return "L"
    return "N" if low is not None or high is not None else None


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace(",", ""))
    except ValueError:
        return None
