import threading
from collections.abc import Iterable

import pytest

from bioreport_engine import (
    Anonymizer,
    ExtractedText,
    ExtractionLimits,
    PdfExtractor,
    StageSpec,
    hookimpl,
)
from bioreport_engine.errors import ConfigurationError, PermanentError
from bioreport_engine.pipeline import Pipeline
from bioreport_engine.plugins.manager import PluginManager
from bioreport_engine.plugins.registry import StageRegistry
from bioreport_engine.report import LabReport
from bioreport_engine.settings import EngineSettings
from bioreport_engine.testing.fakes import PATIENT, FakePlugin
from bioreport_engine.texts import AnonymizedText
from tests.fakes import FailingBuildPlugin, LeakyPlugin


def build(
    manager: PluginManager,
    pdf_engine: str = "fake",
    pii_engine: str = "fake",
    llm_engine: str = "",
    norm_engine: str = "none",
    **settings: object,
) -> Pipeline:
    engine_settings = EngineSettings(
        pdf_engine=pdf_engine,
        pii_engine=pii_engine,
        llm_engine=llm_engine,
        norm_engine=norm_engine,
        pdf_isolation="none",
        app_env="test",
        **settings,  # type: ignore[arg-type]
    )
    return Pipeline.build(engine_settings, StageRegistry.from_manager(manager))


class WordyExtractor:
    """Returns 1,200 characters and checks no limit, as a careless plugin might."""

    def extract(self, pdf: bytes, limits: ExtractionLimits) -> ExtractedText:
        return ExtractedText(("x" * 600, "y" * 600), "wordy 1")


class WordyPlugin:
    @hookimpl
    def bioreport_pdf_extractors(self) -> Iterable[StageSpec[PdfExtractor]]:
        return [StageSpec("wordy", WordyExtractor)]


def test_runs_the_four_stages_and_times_each(manager: PluginManager) -> None:
    plugin = FakePlugin()
    manager.register(plugin, "fake")
    result = build(manager, llm_engine="fake", norm_engine="fake").run(b"%PDF-1.7 ...")
    assert result.extracted.page_count == 2
    assert "<PERSON_1>" in result.anonymized.text and PATIENT not in result.anonymized.text
    assert dict(result.anonymized.entity_counts) == {"PERSON": 1}
    assert result.report is not None and result.report.biomarkers[0].analyte == "Glucose"
    assert set(result.timings_ms) == {"extract", "anonymize", "structure", "normalize"}
    assert [(s.kind.value, s.name) for s in result.stages] == [
        ("pdf", "fake"),
        ("pii", "fake"),
        ("llm", "fake"),
        ("norm", "fake"),
    ]
    assert result.report.biomarkers[0].loinc == "2345-7"
    (received,) = plugin.normalizer.received  # the rows, never the text
    assert isinstance(received, LabReport)


def test_without_rows_the_normalizer_is_not_called(manager: PluginManager) -> None:
    plugin = FakePlugin()
    manager.register(plugin, "fake")
    result = build(manager, llm_engine="none", norm_engine="fake").run(b"%PDF-1.7")
    assert result.report is None and plugin.normalizer.received == []


def test_the_structurer_receives_only_anonymized_text(manager: PluginManager) -> None:
    plugin = FakePlugin()
    manager.register(plugin, "fake")
    build(manager, llm_engine="fake").run(b"%PDF-1.7")
    (received,) = plugin.structurer.received
    assert isinstance(received, AnonymizedText)
    assert PATIENT not in received.text


def test_an_anonymizer_that_returns_raw_text_is_refused(manager: PluginManager) -> None:
    plugin = FakePlugin()
    manager.register(plugin, "fake")
    manager.register(LeakyPlugin(), "leaky")
    pipeline = build(manager, pii_engine="leaky", llm_engine="fake")
    with pytest.raises(PermanentError, match="not AnonymizedText; refusing"):
        pipeline.run(b"%PDF-1.7")
    assert plugin.structurer.received == []


def test_llm_engine_none_keeps_the_anonymized_text(manager: PluginManager) -> None:
    manager.register(FakePlugin(), "fake")
    result = build(manager, llm_engine="none").run(b"%PDF-1.7")
    assert result.report is None
    assert result.anonymized.text.startswith("Patient: <PERSON_1>")


def test_stage_errors_pass_through(manager: PluginManager) -> None:
    manager.register(FakePlugin(), "fake")
    with pytest.raises(PermanentError, match="not a PDF"):
        build(manager, llm_engine="none").run(b"<html>")


def test_every_selection_is_checked_before_anything_is_built(manager: PluginManager) -> None:
    manager.register(FakePlugin(), "fake")
    with pytest.raises(ConfigurationError, match="LLM_ENGINE='gpt' is not installed"):
        build(manager, llm_engine="gpt")


def test_a_stage_that_fails_to_build_stops_start_up(manager: PluginManager) -> None:
    manager.register(FakePlugin(), "fake")
    manager.register(FailingBuildPlugin(), "failing")
    with pytest.raises(ConfigurationError) as raised:
        build(manager, pdf_engine="failing", llm_engine="none")
    assert "PDF_ENGINE='failing' could not be built" in str(raised.value)
    assert "OSError: model file missing" in str(raised.value)


#: How long the first caller of :class:`OverlapProbe` waits for a second one to come in. The
#: other thread is already running: without the lock it enters within milliseconds.
OVERLAP_WAIT_SECONDS = 2.0


class OverlapProbe:
    """An anonymizer that says it is not thread-safe and notices a second caller inside it.

    The first caller stays inside until another comes in, or :data:`OVERLAP_WAIT_SECONDS` pass:
    with the engine's lock the others wait outside, without it they overlap at once.
    """

    def __init__(self) -> None:
        self._count = threading.Lock()
        self.inside = self.most_inside = 0
        self.first_caller = True
        self.second_came_in = threading.Event()

    def anonymize(self, text: ExtractedText) -> AnonymizedText:
        with self._count:
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
            if self.inside > 1:
                self.second_came_in.set()
            first, self.first_caller = self.first_caller, False
        if first:
            self.second_came_in.wait(OVERLAP_WAIT_SECONDS)
        with self._count:
            self.inside -= 1
        return AnonymizedText(text.text, {}, "probe 1")


class ProbePlugin:
    def __init__(self) -> None:
        self.probe = OverlapProbe()

    @hookimpl
    def bioreport_anonymizers(self) -> Iterable[StageSpec[Anonymizer]]:
        return [StageSpec("probe", lambda: self.probe, thread_safe=False)]


def test_a_stage_that_is_not_thread_safe_is_never_called_twice_at_once(
    manager: PluginManager,
) -> None:
    manager.register(FakePlugin(), "fake")
    plugin = ProbePlugin()
    manager.register(plugin, "probe")
    pipeline = build(manager, pii_engine="probe", llm_engine="none")
    assert pipeline.extractor.lock is None  # FakePlugin's extractor is thread-safe
    threads = [threading.Thread(target=pipeline.run, args=(b"%PDF",)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert plugin.probe.most_inside == 1
    assert not plugin.probe.second_came_in.is_set()


def test_reprs_never_show_document_text(manager: PluginManager) -> None:
    manager.register(FakePlugin(), "fake")
    result = build(manager, llm_engine="fake").run(b"%PDF-1.7")
    assert PATIENT not in repr(result) and PATIENT not in repr(result.extracted)
    assert "Patient" not in repr(result.anonymized)


def test_text_over_the_limit_never_reaches_the_anonymizer(manager: PluginManager) -> None:
    """An in-process extractor that forgets ``limits.max_chars``: the pipeline checks it."""
    plugin = FakePlugin()
    manager.register(plugin, "fake")
    manager.register(WordyPlugin(), "wordy")
    pipeline = build(manager, pdf_engine="wordy", llm_engine="fake", pdf_max_chars=1000)
    assert pipeline.limits.max_chars == 1000
    with pytest.raises(PermanentError) as raised:
        pipeline.run(b"%PDF-1.7")
    assert str(raised.value) == (
        "too much text: 1,200 characters, over the limit of 1,000 (PDF_MAX_CHARS)"
    )
    assert plugin.structurer.received == []


def test_a_file_over_the_size_limit_never_reaches_the_extractor(manager: PluginManager) -> None:
    """The worker's store checks the size as it reads; bytes handed to the pipeline by other
    callers (``bioreport process``, a test) are checked again here."""
    manager.register(FakePlugin(), "fake")
    pipeline = build(manager, llm_engine="none", pdf_max_bytes=1024)
    with pytest.raises(PermanentError) as raised:
        pipeline.run(b"%PDF-1.7" + b" " * 2000)
    assert str(raised.value).endswith("over the limit of 0.0 MB (PDF_MAX_BYTES)")
    assert pipeline.run(b"%PDF-1.7" + b" " * 1000).extracted.page_count == 2
