"""Did the extracted (or anonymized) text keep each biomarker row usable?

A row is intact when its analyte, value and unit stand on one line, in that order, and the rows
are found in document order. The same measure serves the extraction and anonymization
benchmarks and the extractor plugins' tests.
"""

import re
from collections.abc import Sequence

from benchmarks.corpus import BiomarkerRow


def row_pattern(row: BiomarkerRow) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w]){re.escape(row.analyte)}(?![\w])"
        rf".*?(?<![\w.]){re.escape(row.value)}(?![\w.])"
        rf".*?(?<![\w]){re.escape(row.unit)}(?![\w])"
    )


def rows_intact(text: str, rows: Sequence[BiomarkerRow]) -> int:
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
