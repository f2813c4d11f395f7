"""A Presidio recognizer for what generic NER lacks and labels do not say: the phrases of report
prose ("date of birth …", "registered as …", "discussed with …") and identifying formats (SSN,
phone, e-mail, URL, postcodes, US street addresses). It types what it finds; the default-deny
recognizer masks whatever it does not find."""

import re
from collections.abc import Callable, Iterator

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from bioreport_pii_presidio import patterns as p
from bioreport_pii_presidio.deny import SOURCE_CONTEXT, SOURCE_KEY

CONTEXT_SCORE = 0.9
FORMAT_SCORE = 0.85
ENTITIES = sorted({*p.CONTEXT_PATTERNS, *(kind for kind, _ in p.FORMATS)})
NAMES = ("PERSON", "PHYSICIAN")
TITLE = re.compile(r"(?:Dr|Doctor|Prof|Mr|Mrs|Ms|Miss|Mx)\.?[ \t]+")


class LabReportRecognizer(EntityRecognizer):
    def __init__(self, looks_like_a_name: Callable[[str], bool]) -> None:
        super().__init__(
            supported_entities=ENTITIES, name="LabReportRecognizer", supported_language="en"
        )
        self.phrases = p.compile_all(p.CONTEXT_PATTERNS)
        self.looks_like_a_name = looks_like_a_name

    def load(self) -> None:
        """Nothing to load: plain regular expressions."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        wanted = set(entities) if entities else set(ENTITIES)
        found = [
            *self._matches(text, self.phrases, CONTEXT_SCORE),
            *self._matches(text, list(p.FORMATS), FORMAT_SCORE),
        ]
        return [self._result(*item) for item in found if item[0] in wanted]

    def _result(self, kind: str, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            kind,
            start,
            end,
            score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: "LabReportRecognizer",
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                SOURCE_KEY: SOURCE_CONTEXT,
            },
        )

    def _matches(
        self, text: str, patterns: list[tuple[str, re.Pattern[str]]], score: float
    ) -> Iterator[tuple[str, int, int, float]]:
        for kind, pattern in patterns:
            group = "value" if "value" in pattern.groupindex else 0
            for match in pattern.finditer(text):
                start, end = match.span(group)
                if kind in NAMES:
                    title = TITLE.match(text, start, end)
                    start = title.end() if title else start
                    if start >= end or not self.looks_like_a_name(text[start:end]):
                        continue
                yield kind, start, end, score
