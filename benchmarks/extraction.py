"""PDF extraction, measured side by side: each engine's plugin against the bare library call,
in process and isolated in a child process, on the synthetic corpus.

Prints, per engine: biomarker rows kept intact (analyte, value and unit on one line, in order),
milliseconds per page (median over documents) for the bare call, the plugin and the isolated
plugin, and their ratios. Alternative library calls are scored for rows too: that is how each
plugin's call was chosen. Then the scanned reports (:mod:`benchmarks.extraction_scans`): the
OCR engine on scans at 300 and 150 dpi beside the text-layer engines on the same documents,
and the anonymizer's leak rate on each text. ``nox -s bench_extraction`` runs it.
"""

import argparse
import io
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.corpus import GroundTruth, generate_report
from bioreport_engine.extraction import IsolatedExtractor
from bioreport_engine.plugins.registry import discover
from bioreport_engine.stages import ExtractionLimits
from bioreport_engine.testing.rows import rows_intact

Extract = Callable[[bytes], str]


def pdfplumber_text(layout: bool = False) -> Extract:
    import pdfplumber

    def extract(pdf: bytes) -> str:
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            return "\n".join(page.extract_text(layout=layout) or "" for page in document.pages)

    return extract


def pymupdf_text(sort: bool = True) -> Extract:
    import pymupdf

    def extract(pdf: bytes) -> str:
        with pymupdf.open(stream=pdf, filetype="pdf") as document:  # type: ignore[no-untyped-call]
            return "\n".join(page.get_text(sort=sort) for page in document)

    return extract


ALTERNATIVES: dict[str, dict[str, Callable[[], Extract]]] = {
    "pdfplumber": {
        "extract_text()  [plugin]": lambda: pdfplumber_text(False),
        "extract_text(layout=True)": lambda: pdfplumber_text(True),
    },
    "pymupdf": {
        "get_text(sort=True)  [plugin]": lambda: pymupdf_text(True),
        "get_text()": lambda: pymupdf_text(False),
    },
}


@dataclass
class EngineFigures:
    engine: str
    rows: int
    rows_intact: int
    bare_ms_per_page: float
    plugin_ms_per_page: float
    isolated_ms_per_page: float
    alternatives: dict[str, float]

    @property
    def intact_share(self) -> float:
        return self.rows_intact / self.rows

    @property
    def plugin_ratio(self) -> float:
        return self.plugin_ms_per_page / self.bare_ms_per_page

    @property
    def isolated_ratio(self) -> float:
        return self.isolated_ms_per_page / self.bare_ms_per_page


def timed(call: Callable[..., object], *args: object) -> float:
    started = time.perf_counter()
    call(*args)
    return (time.perf_counter() - started) * 1000


def measure(engine: str, corpus: list[tuple[bytes, GroundTruth]], repeat: int) -> EngineFigures:
    limits = ExtractionLimits(timeout_seconds=60)
    plugin = discover().pdf_extractor(engine).spec.build()
    isolated = IsolatedExtractor(engine, processes=1, memory_mb=limits.memory_mb)
    bare = ALTERNATIVES[engine][next(iter(ALTERNATIVES[engine]))]()
    samples: dict[str, list[float]] = {"bare": [], "plugin": [], "isolated": []}
    try:
        for _ in range(repeat):
            for pdf, truth in corpus:  # interleaved, so machine noise hits all three alike
                samples["bare"].append(timed(bare, pdf) / truth.pages)
                samples["plugin"].append(timed(plugin.extract, pdf, limits) / truth.pages)
                samples["isolated"].append(timed(isolated.extract, pdf, limits) / truth.pages)
    finally:
        isolated.close()
    rows = sum(len(truth.biomarkers) for _, truth in corpus)
    intact = sum(rows_intact(plugin.extract(pdf, limits).text, t.biomarkers) for pdf, t in corpus)
    alternatives = {
        name: sum(rows_intact(make()(pdf), t.biomarkers) for pdf, t in corpus) / rows
        for name, make in ALTERNATIVES[engine].items()
    }
    return EngineFigures(
        engine,
        rows,
        intact,
        statistics.median(samples["bare"]),
        statistics.median(samples["plugin"]),
        statistics.median(samples["isolated"]),
        alternatives,
    )


def report(figures: list[EngineFigures], documents: int, pages: int) -> str:
    lines = [
        f"PDF extraction on {documents} synthetic reports ({pages} pages), medians per page",
        "",
        "| engine | rows intact | bare call ms/page | plugin ms/page | plugin / bare "
        "| isolated ms/page | isolated / bare |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for f in figures:
        lines.append(
            f"| {f.engine} | {f.rows_intact}/{f.rows} ({f.intact_share:.2%}) "
            f"| {f.bare_ms_per_page:.2f} | {f.plugin_ms_per_page:.2f} | {f.plugin_ratio:.2f} "
            f"| {f.isolated_ms_per_page:.2f} | {f.isolated_ratio:.2f} |"
        )
    lines += ["", "Rows intact by library call (how each plugin's call was chosen):", ""]
    for f in figures:
        for name, share in f.alternatives.items():
            lines.append(f"- {f.engine} `{name}`: {share:.2%}")
    return "\n".join(lines)


def run(documents: int = 60, repeat: int = 2) -> tuple[str, list[EngineFigures]]:
    corpus = [generate_report(seed) for seed in range(documents)]
    pages = sum(truth.pages for _, truth in corpus)
    figures = [measure(engine, corpus, repeat) for engine in ALTERNATIVES]
    return report(figures, documents, pages), figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.extraction", description=__doc__)
    parser.add_argument("--documents", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--per-layout", type=int, default=3, help="scanned documents per layout (0: none)"
    )
    args = parser.parse_args()
    text, _ = run(args.documents, args.repeat)
    print(text)
    if args.per_layout:
        from benchmarks import extraction_scans

        print()
        print(extraction_scans.run(args.per_layout))


if __name__ == "__main__":
    main()
