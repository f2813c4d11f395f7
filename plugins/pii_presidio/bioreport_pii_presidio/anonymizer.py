"""The ``presidio`` stage: default-deny anonymization of lab reports on Presidio.

Each page (a long page: each block of lines) is one chunk, so the cost grows with the pages and
the memory stays bounded. For every chunk:

1. ``LabContent`` finds what must survive: result rows, headings, collection and report dates.
2. The rest, with the lab content blanked out, goes through Presidio's analyzer: spaCy NER and
   the lab-report recognizer type what they can (names, dates of birth, identifiers), and the
   default-deny recognizer masks every token that no rule keeps.
3. Every other mention of a name found anywhere in the document is found too, then the
   findings become non-overlapping spans (``spans.resolve``) and Presidio's anonymizer replaces
   them with placeholders numbered across the whole document.
"""

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from presidio_analyzer import (
    AnalyzerEngine,
    ContextAwareEnhancer,
    EntityRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

from bioreport_engine import PAGE_SEPARATOR, AnonymizedText, ExtractedText
from bioreport_pii_presidio import vocabulary
from bioreport_pii_presidio.content import LabContent
from bioreport_pii_presidio.deny import ENTITIES, DefaultDenyRecognizer
from bioreport_pii_presidio.offline import load_spacy_model, use_bundled_public_suffix_list
from bioreport_pii_presidio.placeholders import NAMES, Placeholders
from bioreport_pii_presidio.recognizer import LabReportRecognizer
from bioreport_pii_presidio.settings import PresidioSettings
from bioreport_pii_presidio.spans import resolve

NER_ENTITIES = ("PERSON", "LOCATION")
NER_SCORE = 0.6
LIBRARY = f"presidio-analyzer {version('presidio-analyzer')}"
TITLE = re.compile(r"(?:Dr|Prof|Mr|Mrs|Ms|Miss|Mx|DR|MR|MRS|MS)\.?[ \t]+")
#: A page longer than this is anonymized in blocks of whole lines.
MAX_CHUNK_CHARS = 12_000


class _PreloadedSpacy(SpacyNlpEngine):
    """Presidio's spaCy engine around a pipeline we loaded (never downloaded)."""

    def __init__(self, nlp: Any, language: str) -> None:
        super().__init__(
            models=[{"lang_code": language, "model_name": nlp.meta["name"]}],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping={
                    "PERSON": "PERSON",
                    "PER": "PERSON",
                    "GPE": "LOCATION",
                    "LOC": "LOCATION",
                    "FAC": "LOCATION",
                },
                low_confidence_score_multiplier=1.0,
                low_score_entity_names=[],
                labels_to_ignore=[
                    "ORG",
                    "DATE",
                    "TIME",
                    "NORP",
                    "CARDINAL",
                    "QUANTITY",
                    "PERCENT",
                    "MONEY",
                    "ORDINAL",
                    "PRODUCT",
                    "EVENT",
                    "LAW",
                    "LANGUAGE",
                    "WORK_OF_ART",
                ],
            ),
        )
        self.nlp = {language: nlp}  # type: ignore[assignment]

    def load(self) -> None:
        """Already loaded."""


class _NoContextWords(ContextAwareEnhancer):
    """None of our recognizers declares context words; Presidio's default enhancer would still
    deep-copy every finding of every chunk (a tenth of the stage's time) to find none."""

    def __init__(self) -> None:
        super().__init__(0.0, 0.0, 0, 0)

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        return raw_results


@dataclass
class _Chunk:
    text: str
    kept: list[tuple[int, int]]
    residual: str
    found: list[RecognizerResult]


class PresidioAnonymizer:
    """Built once per process (the spaCy model and the word list take a second or two)."""

    def __init__(self, settings: PresidioSettings) -> None:
        use_bundled_public_suffix_list()
        self.settings = settings
        self.vocabulary = vocabulary.load()
        self.content = LabContent(self.vocabulary)
        nlp = load_spacy_model(settings.spacy_model)
        registry = RecognizerRegistry(supported_languages=[settings.language])
        registry.add_recognizer(
            SpacyRecognizer(
                supported_language=settings.language,
                supported_entities=list(NER_ENTITIES),
                ner_strength=NER_SCORE,
            )
        )
        for recognizer in (
            LabReportRecognizer(self.looks_like_a_name),
            DefaultDenyRecognizer(self.vocabulary, self.content),
        ):
            recognizer.supported_language = settings.language
            registry.add_recognizer(recognizer)
        self.analyzer = AnalyzerEngine(
            registry=registry,
            nlp_engine=_PreloadedSpacy(nlp, settings.language),
            supported_languages=[settings.language],
            context_aware_enhancer=_NoContextWords(),
        )
        self.anonymizer = AnonymizerEngine()  # type: ignore[no-untyped-call]
        self.library = f"{LIBRARY}, spaCy {nlp.meta['name']} {nlp.meta['version']}"

    def anonymize(self, text: ExtractedText) -> AnonymizedText:
        pages = [list(_blocks(page)) for page in text.pages]
        chunks = [self._analysed(block) for blocks in pages for block in blocks]
        names = _mention_patterns(_name_variants(chunks, self.vocabulary))
        placeholders = Placeholders(self.settings.replacement)
        operators = {
            entity: OperatorConfig("custom", {"lambda": placeholders.for_entity(entity)})
            for entity in ENTITIES
        }
        counts: Counter[str] = Counter()
        done = iter(chunks)
        out_pages = []
        for blocks in pages:
            out_blocks = []
            for _ in blocks:
                chunk = next(done)
                found = chunk.found + list(_mentions(chunk.residual, names))
                spans = resolve(chunk.text, found, chunk.kept)
                for span in spans:  # numbered in reading order, not in Presidio's (from the end)
                    placeholders.replace(span.entity_type, chunk.text[span.start : span.end])
                result = self.anonymizer.anonymize(chunk.text, spans, operators)  # type: ignore[arg-type]
                counts.update(item.entity_type for item in result.items)
                out_blocks.append(result.text)
            out_pages.append("\n".join(out_blocks))
        return AnonymizedText(PAGE_SEPARATOR.join(out_pages), dict(counts), self.library)

    def _analysed(self, text: str) -> _Chunk:
        kept = self.content.kept_spans(text)
        residual = _blanked(text, kept)
        heads = self.content.label_heads(residual)
        protected = sorted(kept + heads)
        found = self.analyzer.analyze(
            residual,
            language=self.settings.language,
            entities=list(ENTITIES),
            score_threshold=self.settings.score_threshold,
        )
        typed = self.settings.typed_entities
        kept_found = []
        for result in found:
            if _from_ner(result):
                result.end = min(
                    [a for a, _ in heads if result.start < a < result.end], default=result.end
                )
                trimmed = _trimmed(residual, result)
                if trimmed is None or not self._ner_plausible(residual, trimmed):
                    continue
                result = trimmed
            if result.entity_type not in typed:
                result.entity_type = "REDACTED"  # still masked: default deny has no off switch
            kept_found.append(result)
        return _Chunk(text, protected, residual, kept_found)

    def _ner_plausible(self, text: str, result: RecognizerResult) -> bool:
        """NER guesses made of laboratory phrases, label words, capitals or digits are dropped:
        "Alkaline Phosphatase" is no person, "COMPLETE BLOOD COUNT" no place."""
        span = text[result.start : result.end]
        if span.isupper() or any(c.isdigit() for c in span) or len(span.strip()) < 2:
            return False
        words = re.findall(r"[A-Za-z][A-Za-z'’-]*", span)
        if len(words) == 1 and self.vocabulary.is_safe_word(words[0]):
            return False  # "Sex: Male", "Interpretation": a lone English word is seldom a name
        return self.looks_like_a_name(span)

    def looks_like_a_name(self, span: str) -> bool:
        words = re.findall(r"[A-Za-z][A-Za-z'’-]*", span)
        if not words:
            return False
        if all(self.vocabulary.is_label_word(w) for w in words):
            return False
        return not self.content.segments(words)


def _blocks(page: str) -> Iterator[str]:
    """A page, or for a very long page its blocks of whole lines (joined again by "\\n")."""
    if len(page) <= MAX_CHUNK_CHARS:
        yield page
        return
    lines = page.split("\n")
    block: list[str] = []
    size = 0
    for line in lines:
        if block and size + len(line) + 1 > MAX_CHUNK_CHARS:
            yield "\n".join(block)
            block, size = [], 0
        block.append(line)
        size += len(line) + 1
    yield "\n".join(block)


def _blanked(text: str, kept: list[tuple[int, int]]) -> str:
    """``text`` with lab content replaced by spaces: offsets stay, NER and the recognizers see
    only what is not lab content."""
    if not kept:
        return text
    parts = []
    position = 0
    for start, end in kept:
        parts.append(text[position:start])
        parts.append(re.sub(r"[^\n]", " ", text[start:end]))
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _from_ner(result: RecognizerResult) -> bool:
    metadata = result.recognition_metadata or {}
    return bool(metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY) == "SpacyRecognizer")


def _trimmed(text: str, result: RecognizerResult) -> RecognizerResult | None:
    """NER spans end at the line's end, never swallow a following "Label:", and leave the title
    before a name in the text ("Dr <PHYSICIAN_1>")."""
    title = TITLE.match(text, result.start, result.end)
    if title is not None:
        result.start = title.end()
    span = text[result.start : result.end]
    cut = re.search(r"\n|\s{2,}|\s+\w[\w ]*:", span)
    if cut is not None:
        result.end = result.start + cut.start()
    while result.end > result.start and text[result.end - 1] in " ,;.:(":
        result.end -= 1
    return result if result.end - result.start > 1 else None


def _name_variants(chunks: list[_Chunk], vocab: vocabulary.Vocabulary) -> dict[str, str]:
    """Every way a name found in the document may be printed again: in full, "LAST, FIRST",
    and each of its words."""
    variants: dict[str, str] = {}
    for chunk in chunks:
        for result in resolve(chunk.text, chunk.found, chunk.kept):
            if result.entity_type not in NAMES:
                continue
            name = chunk.text[result.start : result.end]
            words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]+", name) if len(w) > 1]
            forms = {name, *words}
            if len(words) > 1:
                forms.add(f"{words[-1]}, {' '.join(words[:-1])}")
            for form in forms:
                if (
                    len(form) > 2
                    and form[0].isupper()
                    and "\n" not in form
                    and not (vocab.is_lab_word(form) or vocab.is_label_word(form))
                ):
                    variants.setdefault(form, result.entity_type)
    return variants


def _mention_patterns(names: dict[str, str]) -> list[tuple[re.Pattern[str], str]]:
    """Other mentions of the names: full names in any case ("GATES, TYLER" in a footer), single
    words as printed or in capitals, so that the name "Will" does not take the word "will"."""
    patterns = []
    for variant, entity in sorted(names.items(), key=lambda v: -len(v[0])):
        escaped = re.escape(variant)
        pattern = (
            re.compile(rf"(?<![\w]){escaped}(?![\w])", re.IGNORECASE)
            if " " in variant
            else re.compile(rf"(?<![\w])(?:{escaped}|{re.escape(variant.upper())})(?![\w])")
        )
        patterns.append((pattern, entity))
    return patterns


def _mentions(text: str, patterns: list[tuple[re.Pattern[str], str]]) -> Iterator[RecognizerResult]:
    for pattern, entity in patterns:
        for match in pattern.finditer(text):
            yield RecognizerResult(entity, match.start(), match.end(), 0.8)
