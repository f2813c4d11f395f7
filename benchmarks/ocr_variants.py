"""OCR on the tuning layouts in fonts and grids the corpus does not use: what the OCR plugin
was tuned on, and how far it carries.

The scanned-reports benchmark (:mod:`benchmarks.extraction_scans`) draws seeds 0-2 of every
layout and reports held-out layouts apart. This one draws only tuning layouts, with seeds the
other does not draw (default 10, 11, 20, 21), so that it may be looked at while tuning, and
draws each document's results table four ways (``sheet.restyled_tables``): as the layout draws
it (Helvetica), in Courier (a typewriter font, as LIS printouts use), in Times, and as a ruled
grid. Each document is scanned at 300 dpi (``benchmarks/corpus/scan.py``) and read by the
``ocr`` extractor in this process. Per variant: rows intact, values misread (as in
:mod:`benchmarks.extraction_scans`) and ms/page (median), all variants in one run.

``nox -s bench_ocr_variants [-- --seeds 10 11 --dpi 150]`` runs it.
"""

import argparse
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.corpus import TUNING_LAYOUTS, generate_report
from benchmarks.corpus.scan import scanned_pdf
from benchmarks.corpus.sheet import restyled_tables
from bioreport_engine import ExtractionLimits, PdfExtractor
from bioreport_engine.testing import discover
from bioreport_engine.testing.rows import rows_intact, values_misread

#: Variant -> the changes to every table's style.
VARIANTS: dict[str, dict[str, Any]] = {
    "as drawn (Helvetica)": {},
    "Courier": {"font": "Courier", "bold": "Courier-Bold"},
    "Times": {"font": "Times-Roman", "bold": "Times-Bold"},
    "ruled grid": {"ruled": True},
}
DEFAULT_SEEDS = (10, 11, 20, 21)


@dataclass
class Tally:
    rows: int = 0
    intact: int = 0
    misread: int = 0
    found: int = 0
    ms_per_page: list[float] = field(default_factory=list)

    def row(self, name: str) -> str:
        ms = statistics.median(self.ms_per_page)
        return (
            f"| {name} | {self.intact}/{self.rows} ({self.intact / self.rows:.1%}) "
            f"| {self.misread}/{self.found} ({self.misread / max(self.found, 1):.1%}) "
            f"| {ms:.0f} |"
        )


def measure(
    extractor: PdfExtractor, changes: dict[str, Any], seeds: Sequence[int], dpi: int
) -> Tally:
    tally = Tally()
    limits = ExtractionLimits(timeout_seconds=600)
    for layout in TUNING_LAYOUTS:
        for seed in seeds:
            with restyled_tables(**changes):
                pdf, truth = generate_report(seed, layout)
            scan = scanned_pdf(pdf, dpi=dpi, seed=seed)
            started = time.perf_counter()
            text = extractor.extract(scan, limits).text
            tally.ms_per_page.append((time.perf_counter() - started) * 1000 / truth.pages)
            tally.rows += len(truth.biomarkers)
            tally.intact += rows_intact(text, truth.biomarkers)
            misread, found = values_misread(text, truth.biomarkers)
            tally.misread += misread
            tally.found += found
    return tally


def run(seeds: Sequence[int] = DEFAULT_SEEDS, dpi: int = 300) -> str:
    extractor = discover().pdf_extractor("ocr").spec.build()
    lines = [
        f"OCR (PDF_ENGINE=ocr) on the {len(TUNING_LAYOUTS)} tuning layouts, seeds "
        f"{', '.join(map(str, seeds))}, scanned at {dpi} dpi, the results table drawn four "
        "ways. Tuning layouts only: these figures may guide tuning; the held-out figures are "
        "in the scanned-reports benchmark.",
        "",
        "| table drawn | rows intact | values misread | ms/page (median) |",
        "| --- | --- | --- | --- |",
    ]
    for name, changes in VARIANTS.items():
        lines.append(measure(extractor, changes, seeds, dpi).row(name))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ocr_variants", description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULT_SEEDS))
    parser.add_argument("--dpi", type=int, default=300, help="the scans' resolution")
    args = parser.parse_args(argv)
    print(run(args.seeds, args.dpi))


if __name__ == "__main__":
    main()
