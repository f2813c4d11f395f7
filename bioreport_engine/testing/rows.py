"""Did the extracted (or anonymized) text keep each biomarker row usable?

A row is intact when its analyte, value and unit stand on one line, in that order, and the rows
are found in document order. The same measure serves the extractor and anonymizer contracts and
the project's extraction and anonymization benchmarks.
"""

import re
from collections.abc import Sequence
from typing import Protocol


class Row(Protocol):
    """A printed result row: what :func:`rows_intact` looks for."""

    @property
    def analyte(self) -> str: ...

    @property
    def value(self) -> str: ...

    @property
    def unit(self) -> str: ...


def row_pattern(row: Row) -> re.Pattern[str]:
    """Analyte, value and unit as whole words, in that order.

    Qualitative results have text values ("Non Reactive", "1:160") and often no unit; their
    value often repeats in the reference column ("Negative  Negative"), so a text value, or
    any value without a unit, must follow the analyte directly: a value replaced by a
    placeholder does not pass for intact because the reference still reads the same.
    """
    value = rf"(?<![\w.]){re.escape(row.value)}(?![\w.])"
    adjacent = not row.unit or any(ch.isalpha() for ch in row.value)
    unit = rf".*?(?<![\w]){re.escape(row.unit)}(?![\w])" if row.unit else ""
    return re.compile(
        rf"(?<![\w]){re.escape(row.analyte)}"
        + (r"\s+" if adjacent else r"(?![\w]).*?")
        + value
        + unit
    )


def rows_intact(text: str, rows: Sequence[Row]) -> int:
    """How many of ``rows`` are intact in ``text`` (each found after the previous one)."""
    lines = text.splitlines()
    position = intact = 0
    for row in rows:
        pattern = row_pattern(row)
        for index in range(position, len(lines)):
            if pattern.search(lines[index]):
                intact += 1
                position = index + 1
                break
    return intact


def values_misread(text: str, rows: Sequence[Row]) -> tuple[int, int]:
    """Of the numeric values whose analyte was found on a line of ``text`` (in document
    order), how many are not on that line as printed (a digit or decimal point misread, or the
    value lost): ``(misread, found)``. OCR's digit error rate is the first over the second."""
    misread, found = misread_values(text, rows)
    return len(misread), len(found)


def misread_values(text: str, rows: Sequence[Row]) -> tuple[set[int], set[int]]:
    """:func:`values_misread` by row: the indexes (in ``rows``) of the numeric values misread,
    and of those whose analyte was found. Comparing them with a text layer's tells OCR's
    misreads from the measure's own (an analyte named in a sentence before its row)."""
    lines = text.splitlines()
    position = 0
    misread: set[int] = set()
    found: set[int] = set()
    for number, row in enumerate(rows):
        if not any(ch.isdigit() for ch in row.value):
            continue
        analyte = re.compile(rf"(?<![\w]){re.escape(row.analyte)}(?![\w])")
        value = re.compile(rf"(?<![\w.]){re.escape(row.value)}(?![\w.])")
        for index in range(position, len(lines)):
            if analyte.search(lines[index]):
                found.add(number)
                if not value.search(lines[index]):
                    misread.add(number)
                position = index + 1
                break
    return misread, found
