"""The stage interfaces, the table of stage kinds, and the descriptor a plugin uses to offer
a stage.

A stage object is built once per process by its :class:`StageSpec`'s ``build`` and then called
for every document, possibly from several worker threads at once: a stage that cannot be called
concurrently says so with ``thread_safe=False`` and the engine serialises its calls.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from pydantic_settings import BaseSettings

from bioreport_engine.report import LabReport
from bioreport_engine.texts import AnonymizedText, ExtractedText


class StageKind(StrEnum):
    """The kinds of stage, in pipeline order; the value is what ``bioreport plugins`` shows.

    What the engine needs to know of each kind is one row of :data:`KINDS`; the setting that
    selects it is ``<NAME>_ENGINE`` (a field of the engine's settings).
    """

    PDF = "pdf"
    PII = "pii"
    LLM = "llm"
    NORM = "norm"

    @property
    def setting(self) -> str:
        """The environment variable that selects this kind's engine."""
        return f"{self.name}_ENGINE"

    @property
    def field(self) -> str:
        """The name of that setting in :class:`~bioreport_engine.settings.EngineSettings`."""
        return self.setting.lower()

    @property
    def hook(self) -> str:
        """The hook through which plugins offer stages of this kind."""
        return KINDS[self].hook

    @property
    def label(self) -> str:
        return KINDS[self].label


@dataclass(frozen=True)
class ExtractionLimits:
    """What a PDF may cost. The engine checks the size and enforces the time and memory limits
    (by running the extractor in a child process); the extractor checks the page count and
    stops once the text passes ``max_chars`` (the engine checks that too, after it)."""

    max_bytes: int = 25 * 1024 * 1024
    max_pages: int = 50
    timeout_seconds: float = 60.0
    memory_mb: int = 1024
    #: 10,000 characters a page (a page solid with 9-point text) times ``max_pages``.
    max_chars: int = 500_000
    #: Extract only these pages (0-based), leaving the others ``""`` in the result; ``None``:
    #: every page. The engine sets it when it sends a text-layer extractor's blank pages to an
    #: OCR extractor (``PDF_OCR_FALLBACK``).
    pages: tuple[int, ...] | None = None


class PdfExtractor(Protocol):
    """Extracts the text of a PDF, page by page.

    Each table row (analyte, value, flag, unit, reference range) must come out on one line, cells
    in column order, pages in order. Raise :class:`~bioreport_engine.PermanentError` for input
    that can never be read (corrupt, encrypted, no text layer, more than ``limits.max_pages``,
    more than ``limits.max_chars`` characters of text).
    """

    def extract(self, pdf: bytes, limits: ExtractionLimits) -> ExtractedText:
        """Return the text of ``pdf`` (the file's bytes)."""
        ...


class Anonymizer(Protocol):
    """Replaces personal data with typed placeholders, keeping lab data intact."""

    def anonymize(self, text: ExtractedText) -> AnonymizedText:
        """Return ``text`` without personal data, and the counts of what was removed."""
        ...


class Structurer(Protocol):
    """Turns anonymized text into biomarker rows (usually with an LLM).

    It accepts only :class:`AnonymizedText`. Returning ``None`` means "this engine does not
    structure" (the built-in ``none`` engine).
    """

    def structure(self, text: AnonymizedText) -> LabReport | None:
        """Return the biomarker rows found in ``text``."""
        ...


class Normalizer(Protocol):
    """Maps each biomarker row to a canonical analyte, LOINC code, unit and value, so that
    results from different labs and years compare.

    It sees the rows only, never text. It never guesses: a row it cannot map keeps
    ``normalization="unmapped"``.
    """

    def normalize(self, report: LabReport) -> LabReport:
        """Return ``report`` with the canonical fields of its rows filled in."""
        ...


@dataclass(frozen=True)
class KindInfo:
    """One row of the stage-kind table."""

    #: The hookspec (in :mod:`bioreport_engine.plugins.hookspecs`) that offers these stages.
    hook: str
    #: The interface a stage of this kind implements.
    interface: type
    #: How ``bioreport plugins`` and error messages name the installed engines of this kind.
    label: str


@dataclass(frozen=True)
class StageSpec[StageT]:
    """A named stage implementation that a plugin contributes through a hook.

    ``build`` is called once per process, and only for the selected engine: import heavy
    libraries (spaCy, PyMuPDF, an SDK) inside it, never at module level.
    """

    #: The name users select, e.g. ``PDF_ENGINE=pymupdf``. Compared lower-cased and stripped.
    name: str
    #: Builds the stage; reads the plugin's own settings and raises
    #: :class:`~bioreport_engine.errors.ConfigurationError` when they cannot work.
    build: Callable[[], StageT]
    #: The plugin's pydantic-settings model, so ``bioreport config`` can show its settings.
    settings: type[BaseSettings] | None = None
    #: One line for ``bioreport plugins``.
    summary: str = ""
    #: ``False`` makes the engine call the stage from one thread at a time.
    thread_safe: bool = True
    #: Cheap checks run before any stage is built (by the worker, ``bioreport process`` and
    #: ``bioreport config``): return what would make ``build`` fail, one line each (a model
    #: that is not installed, a missing key), so that every problem is reported at once and in
    #: well under a second. It must not import heavy libraries. ``settings`` is validated
    #: before it is called.
    check: Callable[[], Sequence[str]] | None = None

    @property
    def key(self) -> str:
        return normalise_name(self.name)


def normalise_name(name: str) -> str:
    """``" PyMuPDF"`` and ``"pymupdf"`` select the same engine."""
    return name.strip().lower()


#: Every stage kind, in pipeline order. Adding a kind is a row here, a member of
#: :class:`StageKind`, its hookspec and its ``<NAME>_ENGINE`` setting: the manager, the
#: registry, the checks, ``bioreport plugins`` and ``bioreport config`` follow the table.
KINDS: dict[StageKind, KindInfo] = {
    StageKind.PDF: KindInfo("bioreport_pdf_extractors", PdfExtractor, "PDF engines"),
    StageKind.PII: KindInfo("bioreport_anonymizers", Anonymizer, "PII engines"),
    StageKind.LLM: KindInfo("bioreport_structurers", Structurer, "LLM engines"),
    StageKind.NORM: KindInfo("bioreport_normalizers", Normalizer, "normalization engines"),
}
