"""Misbehaving plugins for the engine's own tests; the well-behaved fakes are public, in
:mod:`bioreport_engine.testing.fakes`."""

from collections.abc import Iterable

from bioreport_engine import Anonymizer, ExtractedText, PdfExtractor, StageSpec, hookimpl
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
