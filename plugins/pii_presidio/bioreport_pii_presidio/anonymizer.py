"""The ``presidio`` stage: Presidio's analyzer with spaCy NER and the lab-report recognizer,
then lab-aware filtering, name propagation and consistently numbered placeholders."""

import re
from collections import Counter
from importlib.metadata import version
from typing import Any

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

from bioreport_engine import AnonymizedText, ExtractedText
from bioreport_pii_presidio.offline import load_spacy_model, use_bundled_public_suffix_list
from bioreport_pii_presidio.placeholders import Placeholders
from bioreport_pii_presidio.recognizer import LabReportRecognizer
from bioreport_pii_presidio.settings import PresidioSettings
from bioreport_pii_presidio.vocabulary import is_lab_vocabulary, is_not_a_name, result_line_spans

NER_ENTITIES = ("PERSON", "LOCATION")
NER_SCORE = 0.6
NAMES = ("PERSON", "PHYSICIAN")
LIBRARY = f"presidio-analyzer {version('presidio-analyzer')}"


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


class PresidioAnonymizer:
    """Built once per process (the spaCy model takes a second or two to load)."""

    def __init__(self, settings: PresidioSettings) -> None:
        use_bundled_public_suffix_list()
        self.settings = settings
        nlp = load_spacy_model(settings.spacy_model)
        registry = RecognizerRegistry(supported_languages=[settings.language])
        registry.add_recognizer(
            SpacyRecognizer(
                supported_language=settings.language,
                supported_entities=list(NER_ENTITIES),
                ner_strength=NER_SCORE,
            )
        )
        recognizer = LabReportRecognizer()
        recognizer.supported_language = settings.language
        registry.add_recognizer(recognizer)
        self.analyzer = AnalyzerEngine(
            registry=registry,
            nlp_engine=_PreloadedSpacy(nlp, settings.language),
            supported_languages=[settings.language],
        )
        self.anonymizer = AnonymizerEngine()  # type: ignore[no-untyped-call]
        self.library = f"{LIBRARY}, spaCy {nlp.meta['name']} {nlp.meta['version']}"

    def anonymize(self, text: ExtractedText) -> AnonymizedText:
        raw = text.text
        found = self.analyzer.analyze(
            raw,
            language=self.settings.language,
            entities=list(self.settings.entities),
            score_threshold=self.settings.score_threshold,
        )
        protected = result_line_spans(raw)
        trimmed = [_trimmed(raw, r) for r in found if _keep(raw, r, protected)]
        kept = [_widened(raw, r) for r in trimmed if r is not None]
        kept += _other_mentions(raw, kept, self.settings.entities)
        placeholders = Placeholders(self.settings.replacement)
        operators = {
            entity: OperatorConfig("custom", {"lambda": placeholders.for_entity(entity)})
            for entity in self.settings.entities
        }
        result = self.anonymizer.anonymize(raw, kept, operators)  # type: ignore[arg-type]
        counts = Counter(item.entity_type for item in result.items)
        return AnonymizedText(result.text, dict(counts), self.library)


def _from_ner(result: RecognizerResult) -> bool:
    metadata = result.recognition_metadata or {}
    return bool(metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY) == "SpacyRecognizer")


def _keep(text: str, result: RecognizerResult, protected: list[tuple[int, int]]) -> bool:
    """NER guesses are dropped on result lines, and when made of laboratory or organisation
    words, in capitals (headings) or with digits."""
    if not _from_ner(result):
        return True
    span = text[result.start : result.end]
    if any(start <= result.start < end for start, end in protected):
        return False
    if is_lab_vocabulary(span) or is_not_a_name(span) or span.isupper():
        return False
    return not any(c.isdigit() for c in span) and len(span.strip()) > 1


def _trimmed(text: str, result: RecognizerResult) -> RecognizerResult | None:
    """NER spans end at the line's end and never swallow a following "Label:"."""
    span = text[result.start : result.end]
    cut = re.search(r"\n|\s+\w[\w ]*:", span)
    if cut is not None:
        result.end = result.start + cut.start()
    while result.end > result.start and text[result.end - 1] in " ,;.:(":
        result.end -= 1
    return result if result.end - result.start > 1 else None


def _other_mentions(
    text: str, found: list[RecognizerResult], entities: tuple[str, ...]
) -> list[RecognizerResult]:
    """Every other mention of a name found once: "Gonzalez, Maria L." in a footer, "Ms.
    Gonzalez" in a comment, the surname alone."""
    variants: dict[str, str] = {}
    for result in found:
        if result.entity_type not in NAMES:
            continue
        name = text[result.start : result.end]
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]+", name) if len(w) > 1]
        for variant in {
            name,
            *words,
            *(f"{words[-1]}, {' '.join(words[:-1])}" for _ in [0] if len(words) > 1),
        }:
            if len(variant) > 2 and not is_lab_vocabulary(variant):
                variants.setdefault(variant, result.entity_type)
    mentions = []
    for variant, entity in sorted(variants.items(), key=lambda v: -len(v[0])):
        if entity not in entities:
            continue
        # Full names in any case ("GATES, TYLER" in a footer); single words as printed or in
        # capitals, so that the name "Will" does not take the word "will".
        pattern = (
            re.compile(rf"(?<![\w]){re.escape(variant)}(?![\w])", re.IGNORECASE)
            if " " in variant
            else re.compile(
                rf"(?<![\w])(?:{re.escape(variant)}|{re.escape(variant.upper())})(?![\w])"
            )
        )
        for match in pattern.finditer(text):
            mentions.append(RecognizerResult(entity, match.start(), match.end(), 0.8))
    return mentions


NEIGHBOUR_LEFT = re.compile(r"(?:[A-Z][a-z][a-zA-Z'’-]*|[A-Z]\.)[ \t]+\Z")
NEIGHBOUR_RIGHT = re.compile(r"\A[ \t]+(?:[A-Z]\.[ \t]+)?[A-Z][a-z][a-zA-Z'’-]*")


def _widened(text: str, result: RecognizerResult) -> RecognizerResult:
    """NER often finds half a name ("Amber <Roberts>"): take in the capitalised words right
    beside a PERSON span on its line."""
    if not _from_ner(result) or result.entity_type != "PERSON":
        return result
    while (
        (left := NEIGHBOUR_LEFT.search(text, 0, result.start))
        and not is_not_a_name(left.group())
        and not is_lab_vocabulary(left.group())
    ):
        result.start = left.start()
    while (
        (right := NEIGHBOUR_RIGHT.match(text, result.end))
        and not is_not_a_name(right.group())
        and not is_lab_vocabulary(right.group())
    ):
        result.end = right.end()
    return result
