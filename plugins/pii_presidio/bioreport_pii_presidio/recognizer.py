"""One Presidio recognizer for what a lab report has and generic NER lacks: labelled header
fields, the phrases of report prose, and identifying formats."""

import re
from collections.abc import Iterator

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from bioreport_pii_presidio import patterns as p
from bioreport_pii_presidio.vocabulary import looks_like_a_name, result_line_spans

LABELLED_SCORE = 0.95
CONTEXT_SCORE = 0.9
FORMAT_SCORE = 0.85
DATE_IN_VALUE = re.compile(p.DATE)
TITLES = re.compile(r"^(?:Dr\.?|Doctor|Mr\.?|Mrs\.?|Ms\.?)\s+")
CREDENTIALS = re.compile(rf",?\s+{p.CREDENTIAL}\s*$")
ENTITIES = sorted([*p.PII_LABELS, "ID_NUMBER"])
ID_SCORE = 0.6
DATE_OR_TIME = re.compile(rf"\A(?:{p.DATE}|\d{{1,2}}:\d{{2}}(?::\d{{2}})?)\Z")
ID_NUMBER = re.compile(p.ID_NUMBER)


class LabReportRecognizer(EntityRecognizer):
    def __init__(self) -> None:
        super().__init__(
            supported_entities=ENTITIES, name="LabReportRecognizer", supported_language="en"
        )
        self.phrases = p.compile_all(p.CONTEXT_PATTERNS)
        self.formats = p.compile_all(p.FORMAT_PATTERNS)

    def load(self) -> None:
        """Nothing to load: plain regular expressions."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        wanted = set(entities) if entities else set(ENTITIES)
        found = [
            *self._labelled(text),
            *self._matches(text, self.phrases, CONTEXT_SCORE),
            *self._matches(text, self.formats, FORMAT_SCORE),
            *self._id_numbers(text),
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
            },
        )

    def _matches(
        self, text: str, patterns: list[tuple[str, re.Pattern[str]]], score: float
    ) -> Iterator[tuple[str, int, int, float]]:
        for kind, pattern in patterns:
            for match in pattern.finditer(text):
                start, end = match.span("value")
                if kind in ("PERSON", "PHYSICIAN") and not looks_like_a_name(match["value"]):
                    continue
                yield kind, start, end, score

    def _id_numbers(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        protected = result_line_spans(text)
        for match in ID_NUMBER.finditer(text):
            start, end = match.span("value")
            if DATE_OR_TIME.match(match["value"]) or any(a <= start < b for a, b in protected):
                continue
            yield "ID_NUMBER", start, end, ID_SCORE

    def _labelled(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        """Each PII label's value: up to the next label on the line, or the line's end."""
        for line in re.finditer(r"[^\n]+", text):
            labels = list(p.LABEL.finditer(line.group()))
            for index, label in enumerate(labels):
                kind = p.LABEL_KIND.get(label["label"].lower())
                if kind is None:
                    continue
                stop = labels[index + 1].start() if index + 1 < len(labels) else len(line.group())
                span = _refine(kind, line.group(), label.end(), stop)
                if span is None:
                    continue
                start, end = span
                if kind == "ADDRESS":
                    end = _address_continuation(text, line.start() + end)
                    yield kind, line.start() + start, end, LABELLED_SCORE
                else:
                    yield kind, line.start() + start, line.start() + end, LABELLED_SCORE


def _refine(kind: str, line: str, start: int, stop: int) -> tuple[int, int] | None:
    """The value's span within ``line[start:stop]``, trimmed to what identifies."""
    value = line[start:stop]
    offset = start + len(value) - len(value.lstrip())
    value = value.strip().rstrip(",;|")
    if not value:
        return None
    if kind == "DATE_OF_BIRTH":
        date = DATE_IN_VALUE.search(value)
        if date is not None:
            return offset + date.start(), offset + date.end()
    if kind in ("PERSON", "PHYSICIAN"):
        title = TITLES.match(value)
        if title is not None:
            offset += title.end()
            value = value[title.end() :]
        value = CREDENTIALS.sub("", value)
    return offset, offset + len(value)


def _address_continuation(text: str, end: int) -> int:
    """A street line followed by a "City, ST 12345" line is one address."""
    if re.search(p.STATE_ZIP + r"\s*$", text[:end]):
        return end
    following = p.CONTINUATION_CITY.match(text, end + 1) if text[end : end + 1] == "\n" else None
    return following.end() if following is not None else end
