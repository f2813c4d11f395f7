"""From the recognizers' overlapping findings to the spans that are replaced.

Lab content is never replaced: a finding that overlaps it is cut around it. Findings that
overlap form one span, replaced by one placeholder, whose type is the best-founded one: a
label's word beats a format or a context, which beats NER, which beats masking by default;
between equals, the more specific type wins (``DATE_OF_BIRTH`` over ``DATE``).
"""

from collections.abc import Iterable, Sequence

from presidio_analyzer import RecognizerResult

from bioreport_pii_presidio.deny import SOURCE_CONTEXT, SOURCE_KEY

SOURCE_NER = 1
#: Higher is more specific.
TYPE_RANK = {
    entity: rank
    for rank, entities in enumerate(
        (
            ("REDACTED",),
            ("ID",),
            ("LOCATION",),
            ("DATE", "AGE", "POSTCODE"),
            ("PERSON",),
            ("ADDRESS",),
            ("PHYSICIAN",),
            ("PHONE", "DATE_OF_BIRTH", "MRN", "ACCESSION", "INSURANCE_ID"),
            ("SSN", "EMAIL", "URL"),
        )
    )
    for entity in entities
}
EDGES = " \t\n,;:|"


def source_rank(result: RecognizerResult) -> int:
    metadata = result.recognition_metadata or {}
    rank = metadata.get(SOURCE_KEY)
    if isinstance(rank, int):
        return rank
    if metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY) == "SpacyRecognizer":
        return SOURCE_NER
    return SOURCE_CONTEXT


def resolve(
    text: str, results: Iterable[RecognizerResult], kept: Sequence[tuple[int, int]]
) -> list[RecognizerResult]:
    """Non-overlapping spans, none touching ``kept``, each typed by its best finding."""
    pieces = [piece for r in results for piece in _outside_kept(text, r, kept)]
    pieces.sort(key=lambda r: (r.start, -r.end))
    merged: list[RecognizerResult] = []
    group: list[RecognizerResult] = []
    end = -1
    for piece in pieces:
        if group and piece.start >= end:
            merged.append(_one(group))
            group = []
        end = max(end, piece.end) if group else piece.end
        group.append(piece)
    if group:
        merged.append(_one(group))
    return merged


def _outside_kept(
    text: str, result: RecognizerResult, kept: Sequence[tuple[int, int]]
) -> list[RecognizerResult]:
    bounds = [(result.start, result.end)]
    for a, b in kept:
        if a >= result.end or b <= result.start:
            continue
        bounds = [
            part
            for s, e in bounds
            for part in ((s, min(e, a)), (max(s, b), e))
            if part[0] < part[1]
        ]
    pieces = []
    for start, end in bounds:
        while start < end and text[start] in EDGES:
            start += 1
        while end > start and text[end - 1] in EDGES:
            end -= 1
        if end - start > 2 and text[end - 1] == "." and text[end - 2].islower():
            end -= 1  # a sentence's full stop, not an initial's
        if any(c.isalnum() for c in text[start:end]):
            pieces.append(
                RecognizerResult(
                    result.entity_type,
                    start,
                    end,
                    result.score,
                    recognition_metadata=result.recognition_metadata,
                )
            )
    return pieces


def _one(group: list[RecognizerResult]) -> RecognizerResult:
    best = max(
        group,
        key=lambda r: (source_rank(r), TYPE_RANK.get(r.entity_type, 0), r.end - r.start, r.score),
    )
    return RecognizerResult(
        best.entity_type,
        min(r.start for r in group),
        max(r.end for r in group),
        best.score,
        recognition_metadata=best.recognition_metadata,
    )
