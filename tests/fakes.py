"""In-process fake stages and plugins for unit tests (no real PDF, NER or LLM)."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from bioreport_engine import (
    AnonymizedText,
    Anonymizer,
    Biomarker,
    ExtractedText,
    ExtractionLimits,
    LabReport,
    Normalizer,
    PdfExtractor,
    PermanentError,
    StageSpec,
    Structurer,
    hookimpl,
)

PATIENT = "Jane Roe"


class FakeExtractor:
    def extract(self, pdf: bytes, limits: ExtractionLimits) -> ExtractedText:
        if not pdf.startswith(b"%PDF"):
            raise PermanentError("not a PDF")
        return ExtractedText((f"Patient: {PATIENT}", "Glucose 105 mg/dL H"), "fake 1")


class FakeAnonymizer:
    def anonymize(self, text: ExtractedText) -> AnonymizedText:
        return AnonymizedText(text.text.replace(PATIENT, "<PERSON_1>"), {"PERSON": 1}, "fake 1")


class LeakyAnonymizer:
    """Returns a plain string: the pipeline must refuse to pass it on."""

    def anonymize(self, text: ExtractedText) -> str:
        return text.text


class RecordingStructurer:
    def __init__(self) -> None:
        self.received: list[object] = []

    def structure(self, text: AnonymizedText) -> LabReport:
        self.received.append(text)
        return LabReport((Biomarker("Glucose", "105", 105.0, "mg/dL", flag="H"),), model="fake")


class RecordingNormalizer:
    def __init__(self) -> None:
        self.received: list[object] = []

    def normalize(self, report: LabReport) -> LabReport:
        self.received.append(report)
        rows = tuple(
            replace(row, loinc="2345-7", normalization="mapped") for row in report.biomarkers
        )
        return replace(report, biomarkers=rows)


class FakePlugin:
    """Offers ``fake`` stages of every kind; each instance builds fresh stage objects."""

    def __init__(self, name: str = "fake") -> None:
        self.name = name
        self.structurer = RecordingStructurer()
        self.normalizer = RecordingNormalizer()

    @hookimpl
    def bioreport_pdf_extractors(self) -> Iterable[StageSpec[PdfExtractor]]:
        return [StageSpec(self.name, FakeExtractor, summary="fake extractor")]

    @hookimpl
    def bioreport_anonymizers(self) -> Iterable[StageSpec[Anonymizer]]:
        return [StageSpec(self.name, FakeAnonymizer, thread_safe=False)]

    @hookimpl
    def bioreport_structurers(self) -> Iterable[StageSpec[Structurer]]:
        return [StageSpec(self.name, lambda: self.structurer)]

    @hookimpl
    def bioreport_normalizers(self) -> Iterable[StageSpec[Normalizer]]:
        return [StageSpec(self.name, lambda: self.normalizer)]


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
