"""OCR on the tuning layouts in fonts and grids the corpus does not use: what the OCR plugin
was tuned on, and how far it carries.

The scanned-reports benchmark (:mod:`benchmarks.extraction_scans`) draws seeds 0-2 of every
layout and reports held-out layouts apart. This one draws only tuning layouts, with seeds the
other does not draw (default 10, 11, 20, 21), so that it may be looked at while tuning, and
draws each document's results table four ways (``sheet.restyled_tables``): as the layout draws
it (Helvetica), in Courier (a typewriter font, as LIS printouts use), in Times, and as a ruled
grid. Each document is scanned at 300 dpi (``benchmarks/corpus/scan.py``) and read by the
``ocr`` extractor in this process. Per variant: rows intact, values misread, wrong digits (as
in :mod:`benchmarks.extraction_scans`) and ms/page (median), all variants in one run.

``nox -s bench_ocr_variants [-- --seeds 10 11 --dpi 150]`` runs it.
"""

import argparse
import statistics
import time
from collections.abc import Sequence
from typing import Any

from benchmarks.corpus import TUNING_LAYOUTS, generate_report
from benchmarks.corpus.scan import scanned_pdf
from benchmarks.corpus.sheet import restyled_tables
from benchmarks.extraction_scans import Score, share
from bioreport_engine import ExtractionLimits, PdfExtractor
from bioreport_engine.testing import discover

#: Variant -> the changes to every table's style.
VARIANTS: dict[str, dict[str, Any]] = {
    "as drawn (Helvetica)": {},
    "Courier": {"font": "Courier", "bold": "Courier-Bold"},
    "Times": {"font": "Times-Roman", "bold": "Times-Bold"},
    "ruled grid": {"ruled": True},
}
DEFAULT_SEEDS = (10, 11, 20, 21)


def row(name: str, score: Score) -> str:
    return (
        f"| {name} | {share(score.intact, score.rows)} | {share(score.misread, score.found)} "
        f"| {share(score.wrong_digit, score.found_right)} "
        f"| {statistics.median(score.ms_per_page):.0f} |"
    )


def measure(
    engines: tuple[PdfExtractor, PdfExtractor],
    changes: dict[str, Any],
    seeds: Sequence[int],
    dpi: int,
) -> Score:
    """``engines``: OCR, and the text layer's extractor that tells OCR's misreads from the
    measure's own."""
    ocr, text_layer = engines
    score = Score()
    limits = ExtractionLimits(timeout_seconds=600)
    for layout in TUNING_LAYOUTS:
        for seed in seeds:
            with restyled_tables(**changes):
                pdf, truth = generate_report(seed, layout)
            scan = scanned_pdf(pdf, dpi=dpi, seed=seed)
            started = time.perf_counter()
            text = ocr.extract(scan, limits).text
            elapsed = (time.perf_counter() - started) * 1000
            score.add(text, truth, elapsed, text_layer.extract(pdf, limits).text)
    return score


def run(seeds: Sequence[int] = DEFAULT_SEEDS, dpi: int = 300) -> str:
    stages = discover()
    engines = (
        stages.pdf_extractor("ocr").spec.build(),
        stages.pdf_extractor("pdfplumber").spec.build(),
    )
    lines = [
        f"OCR (PDF_ENGINE=ocr) on the {len(TUNING_LAYOUTS)} tuning layouts, seeds "
        f"{', '.join(map(str, seeds))}, scanned at {dpi} dpi, the results table drawn four "
        "ways. Tuning layouts only: these figures may guide tuning; the held-out figures are "
        "in the scanned-reports benchmark.",
        "",
        "| table drawn | rows intact | values misread | wrong digit | ms/page (median) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, changes in VARIANTS.items():
        lines.append(row(name, measure(engines, changes, seeds, dpi)))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ocr_variants", description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULT_SEEDS))
    parser.add_argument("--dpi", type=int, default=300, help="the scans' resolution")
    args = parser.parse_args(argv)
    print(run(args.seeds, args.dpi))


if __name__ == "__main__":
    main()
