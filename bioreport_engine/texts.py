"""The texts that pass between stages.

Their ``repr`` never shows the text itself, so a traceback, a debugger or a log line that prints
one of these objects does not leak a document. The structuring stage accepts only
:class:`AnonymizedText`: raw text cannot reach an LLM by mistake.
"""

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
