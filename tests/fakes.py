"""Misbehaving plugins for the engine's own tests; the well-behaved fakes are public, in
:mod:`bioreport_engine.testing.fakes`."""

import re
from collections.abc import Iterable, Sequence

from bioreport_engine import (
    AnonymizedText,
    Anonymizer,
    Biomarker,
    ExtractedText,
    ExtractionLimits,
    LabReport,
    PdfExtractor,
    StageSpec,
    Structurer,
    hookimpl,
)
from bioreport_engine.testing.fakes import FakeAnonymizer


class LeakyAnonymizer:
    """Returns a plain string: the pipeline must refuse to pass it on."""

    def anonymize(self, text: ExtractedText) -> str:
        return text.text


class LeakyPlugin:
    @hookimpl
    def bioreport_anonymizers(self) -> Iterable[StageSpec[Anonymizer]]:
        return [StageSpec("leaky", LeakyAnonymizer)]  # type: ignore[arg-type]


class MisspeltPlugin:
    @hookimpl
    def bioreport_pdf_extractor(self) -> Iterable[StageSpec[PdfExtractor]]:  # no such hook
        return []


class BrokenHookPlugin:
    @hookimpl
    def bioreport_pdf_extractors(self) -> Iterable[StageSpec[PdfExtractor]]:
        raise RuntimeError("plugin bug")

    @hookimpl
    def bioreport_anonymizers(self) -> Iterable[StageSpec[Anonymizer]]:
        return [StageSpec("from-broken", FakeAnonymizer)]


class FailingBuildPlugin:
    @hookimpl
    def bioreport_pdf_extractors(self) -> Iterable[StageSpec[PdfExtractor]]:
        def build() -> PdfExtractor:
            raise OSError("model file missing")

        return [StageSpec("failing", build)]


class PagedExtractor:
    """A text-layer extractor: the fake PDF's pages are separated by ``|``, and an empty one
    has no text layer (a scanned page)."""

    def extract(self, pdf: bytes, limits: ExtractionLimits) -> ExtractedText:
        pages = pdf.removeprefix(b"%PDF").decode().split("|")
        return ExtractedText(tuple(pages), "paged 1")


class FakeOcr:
    """An OCR extractor: every page it is asked for shows one hemoglobin row (``row``, with the
    page number; ``""``: a scan without text); it records which pages it was asked for."""

    def __init__(self) -> None:
        self.asked: list[tuple[int, ...] | None] = []
        self.row = "Hemoglobin {}.5 g/dL"
        self.lose_a_page = False

    def extract(self, pdf: bytes, limits: ExtractionLimits) -> ExtractedText:
        self.asked.append(limits.pages)
        count = len(pdf.split(b"|")) - self.lose_a_page
        wanted = range(count) if limits.pages is None else limits.pages
        pages = tuple(self.row.format(13 + n) if n in wanted else "" for n in range(count))
        return ExtractedText(pages, "fake-ocr 1", frozenset(wanted))


class LineRows:
    """A structurer: one row per ``Analyte value unit`` line."""

    ROW = re.compile(r"^(?P<analyte>[A-Za-z][A-Za-z ]*?) (?P<value>\d+(?:\.\d+)?) (?P<unit>\S+)$")

    def structure(self, text: AnonymizedText) -> LabReport:
        matches = (self.ROW.match(line) for line in text.text.splitlines())
        rows = tuple(
            Biomarker(m["analyte"], m["value"], float(m["value"]), m["unit"]) for m in matches if m
        )
        return LabReport(rows, model="line-rows")


class OcrPlugin:
    """A ``paged`` text-layer extractor, an OCR extractor (``ocr`` unless named otherwise) whose
    check reports ``problems``, and a ``rows`` structurer."""

    def __init__(self, ocr_name: str = "ocr", problems: Sequence[str] = ()) -> None:
        self.ocr = FakeOcr()
        self.ocr_name = ocr_name
        self.problems = list(problems)

    @hookimpl
    def bioreport_pdf_extractors(self) -> Iterable[StageSpec[PdfExtractor]]:
        return [
            StageSpec("paged", PagedExtractor),
            StageSpec(self.ocr_name, lambda: self.ocr, check=lambda: self.problems),
        ]

    @hookimpl
    def bioreport_structurers(self) -> Iterable[StageSpec[Structurer]]:
        return [StageSpec("rows", LineRows)]
