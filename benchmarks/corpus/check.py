"""Check generated PDFs against their ground truth with real text extractors.

``python -m benchmarks.corpus.check --count 20 --seed 0`` generates documents in memory
(``--layout NAME``, repeatable, or ``--all-layouts``: that many seeds of each named layout;
default: seeds cycling through the original four) and prints, for pdfplumber
(``page.extract_text()``) and PyMuPDF (``page.get_text(sort=True)``), the share of biomarker
rows that come out as exactly one line "analyte value [flag] unit reference" (whitespace
collapsed), and the share of PII values found on a single line.
Exits non-zero when either library keeps fewer than ``--min-share`` of the rows on one line or
loses a PII value. Needs ``pdfplumber`` and ``pymupdf``, which the engine does not.
"""

import argparse
import io
from collections.abc import Callable
from dataclasses import dataclass

import pdfplumber  # type: ignore[import-not-found, unused-ignore]
import pymupdf  # type: ignore[import-not-found, unused-ignore]

from benchmarks.corpus.generate import generate_report
from benchmarks.corpus.truth import ALL_LAYOUTS, BiomarkerRow, GroundTruth


def pdfplumber_lines(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages: list[str] = [page.extract_text() or "" for page in document.pages]
    return _normalized_lines(pages)


def pymupdf_lines(pdf: bytes) -> list[str]:
    opened = pymupdf.open(stream=pdf, filetype="pdf")  # type: ignore[no-untyped-call, unused-ignore]
    with opened as document:
        pages: list[str] = [page.get_text(sort=True) for page in document]
    return _normalized_lines(pages)


EXTRACTORS: dict[str, Callable[[bytes], list[str]]] = {
    "pdfplumber": pdfplumber_lines,
    "pymupdf": pymupdf_lines,
}


def _normalized_lines(pages: list[str]) -> list[str]:
    return [" ".join(line.split()) for text in pages for line in text.splitlines()]


def row_line(row: BiomarkerRow) -> str:
    """The one line a faithful extractor yields for ``row``."""
    cells = [row.analyte, row.value, row.flag, row.unit, row.reference]
    return " ".join(cell for cell in cells if cell)


@dataclass
class Tally:
    rows: int = 0
    rows_on_one_line: int = 0
    pii: int = 0
    pii_found: int = 0

    def add(self, truth: GroundTruth, lines: list[str]) -> None:
        line_set = set(lines)
        self.rows += len(truth.biomarkers)
        self.rows_on_one_line += sum(row_line(row) in line_set for row in truth.biomarkers)
        self.pii += len(truth.pii)
        self.pii_found += sum(any(p.value in line for line in lines) for p in truth.pii)

    def row_share(self) -> float:
        return self.rows_on_one_line / self.rows if self.rows else 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.corpus.check")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-share", type=float, default=0.99)
    parser.add_argument("--layout", action="append", choices=ALL_LAYOUTS, default=[])
    parser.add_argument("--all-layouts", action="store_true")
    args = parser.parse_args(argv)
    layouts: list[str | None] = list(ALL_LAYOUTS if args.all_layouts else args.layout) or [None]
    failed = False
    for layout in layouts:
        tallies = {name: Tally() for name in EXTRACTORS}
        for seed in range(args.seed, args.seed + args.count):
            pdf, truth = generate_report(seed, layout)
            for name, extract in EXTRACTORS.items():
                tallies[name].add(truth, extract(pdf))
        for name, tally in tallies.items():
            print(
                f"{layout or 'original four'}: {name}: rows on one line"
                f" {tally.rows_on_one_line}/{tally.rows} ({tally.row_share():.2%});"
                f" PII found {tally.pii_found}/{tally.pii}"
            )
            failed |= tally.row_share() < args.min_share or tally.pii_found < tally.pii
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
