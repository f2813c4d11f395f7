"""Fake stages and a fake plugin, to test a pipeline or a stage of your own around them
without a real PDF library, NER model or LLM::

    from bioreport_engine.testing import FakePlugin, registry_of

    registry = registry_of(FakePlugin())          # ``fake`` stages of every kind
    extractor = registry.pdf_extractor("fake").spec.build()
"""

from collections.abc import Iterable
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

#: The patient name :class:`FakeExtractor` prints and :class:`FakeAnonymizer` masks.
PATIENT = "Jane Roe"


class FakeExtractor:
    """Two pages whatever the PDF: a patient line and one result row."""

    def extract(self, pdf: bytes, limits: ExtractionLimits) -> ExtractedText:
        if not pdf.startswith(b"%PDF"):
            raise PermanentError("not a PDF")
        return ExtractedText((f"Patient: {PATIENT}", "Glucose 105 mg/dL H"), "fake 1")


class FakeAnonymizer:
    """Masks :data:`PATIENT` and counts one ``PERSON``."""

    def anonymize(self, text: ExtractedText) -> AnonymizedText:
        return AnonymizedText(text.text.replace(PATIENT, "<PERSON_1>"), {"PERSON": 1}, "fake 1")


class RecordingStructurer:
    """Keeps every text it receives and returns one glucose row."""

    def __init__(self) -> None:
        self.received: list[object] = []

    def structure(self, text: AnonymizedText) -> LabReport:
        self.received.append(text)
        return LabReport((Biomarker("Glucose", "105", 105.0, "mg/dL", flag="H"),), model="fake")


class RecordingNormalizer:
    """Keeps every report it receives and codes each row as glucose."""

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
