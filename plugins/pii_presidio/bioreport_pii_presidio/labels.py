"""The "Label: value" fields of a report line, known labels or not.

A label is the word before a colon that ends a field ("FIN:", "Acct #:"), widened to the longest
label of ``data/context_words.txt`` that ends there ("Medical Record #:"). Its value runs to the
next label on the line or to the line's end, which is how two-column headers print fields side
by side ("Patient: Dennis C. Boone Medical Record #: 1574702"). A label the vocabulary does not
know has the kind ``"unknown"``: that is a field nobody anticipated, and its value is treated
as identifying.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bioreport_pii_presidio.vocabulary import Vocabulary, normalise

#: A colon that ends a label: after a word (or "#"), before a space, the line's end or, where
#: columns merged, the value ("Name:GROSS"). "10:43", "1:160" or "https://" are not labels.
COLON = re.compile(r"(?<=[A-Za-z.)#'’])[ \t]*:(?=\s|$|[A-Za-z0-9(<+])")
LABEL_TOKEN = re.compile(r"[^\s:]+")
MAX_LABEL_WORDS = 6


@dataclass(frozen=True)
class Label:
    start: int
    end: int  # after the colon
    kind: str
    value_start: int
    value_end: int


def labels_of(line: str, vocabulary: Vocabulary) -> list[Label]:
    """Every label of ``line``, in order, with the span of its value."""
    heads = []
    after_previous = 0
    for colon in COLON.finditer(line):
        head = _head(line, after_previous, colon, vocabulary)
        if head is not None:
            heads.append(head)
        after_previous = colon.end()
    found = []
    for index, (start, end, kind) in enumerate(heads):
        value_end = heads[index + 1][0] if index + 1 < len(heads) else len(line)
        value_start = end + len(line[end:value_end]) - len(line[end:value_end].lstrip())
        value_end = value_start + len(line[value_start:value_end].rstrip(" \t,;|"))
        found.append(Label(start, end, kind, value_start, max(value_start, value_end)))
    return found


def _head(
    line: str, start: int, colon: re.Match[str], vocabulary: Vocabulary
) -> tuple[int, int, str] | None:
    words = list(_words_between(line, start, colon.start()))
    if not words or not any(c.isalpha() for c in words[-1][2]):
        if not words or words[-1][2] != "#" or len(words) < 2:
            return None
    for count in range(min(MAX_LABEL_WORDS, len(words)), 0, -1):
        phrase = _phrase(word for _, _, word in words[-count:])
        kind = vocabulary.label_kinds.get(phrase)
        if kind is not None:
            return words[-count][0], colon.end(), kind
    count = 2 if words[-1][2] in ("#", "No", "No.", "no", "no.") and len(words) > 1 else 1
    kind = vocabulary.label_kinds.get(_phrase(w for _, _, w in words[-count:]), "unknown")
    return words[-count][0], colon.end(), kind


def _words_between(line: str, start: int, end: int) -> Iterator[tuple[int, int, str]]:
    tokens = list(LABEL_TOKEN.finditer(line, start, end))
    for token in tokens[-MAX_LABEL_WORDS:]:
        yield token.start(), token.end(), token.group()


def _phrase(words: Iterator[str]) -> str:
    return normalise(re.sub(r"(?<=\S)#", " #", " ".join(words)))
