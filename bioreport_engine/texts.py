"""The texts that pass between stages.

Their ``repr`` never shows the text itself, so a traceback, a debugger or a log line that prints
one of these objects does not leak a document. The structuring stage accepts only
:class:`AnonymizedText`: raw text cannot reach an LLM by mistake.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

PAGE_SEPARATOR = "\n\f\n"


@dataclass(frozen=True)
class ExtractedText:
    """Raw text of a PDF, page by page, as the extractor produced it. Contains patient data."""

    pages: tuple[str, ...] = field(repr=False)
    #: The library that did the work, e.g. ``"pdfplumber 0.11.10"``.
    library: str = ""
    #: The pages (0-based) whose text was read by OCR from an image: their digits deserve a
    #: human's second look.
    ocr_pages: frozenset[int] = frozenset()

    @property
    def text(self) -> str:
        """All pages, separated by a form feed on a line of its own."""
        return PAGE_SEPARATOR.join(self.pages)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def char_count(self) -> int:
        return sum(len(page) for page in self.pages)


def printed_line(text: str, analyte: str, value_text: str) -> str | None:
    """The first line of ``text`` that prints ``analyte`` as a whole name (``MCH`` is not the
    start of ``MCHC``) and ``value_text`` after it, lower-cased with runs of white space as one
    space, as compared; ``None`` when no line does, or either is empty.

    How a structurer grounds a row in the text it was sent, and how the engine finds the page a
    row was printed on (to mark the rows read by OCR).
    """
    analyte, value = _words(analyte), _words(value_text)
    if not analyte or not value:
        return None
    analyte_pattern = re.compile(rf"(?<!\w){re.escape(analyte)}(?!\w)")
    value_pattern = re.compile(rf"(?<![\w.]){re.escape(value)}(?![\w.])")
    for line in map(_words, text.splitlines()):
        found = analyte_pattern.search(line)
        if found and value_pattern.search(line, found.end()):
            return line
    return None


def _words(text: str) -> str:
    return " ".join(text.split()).lower()


@dataclass(frozen=True)
class AnonymizedText:
    """Text with personal data replaced by typed placeholders such as ``<PERSON_1>``.

    ``entity_counts`` holds how many entities of each type were replaced, never their values.
    """

    text: str = field(repr=False)
    entity_counts: Mapping[str, int] = field(default_factory=dict)
    #: The library that did the work, e.g. ``"presidio-analyzer 2.2.366"``.
    library: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "entity_counts", MappingProxyType(dict(self.entity_counts)))

    @property
    def char_count(self) -> int:
        return len(self.text)

    @property
    def entities_removed(self) -> int:
        return sum(self.entity_counts.values())
