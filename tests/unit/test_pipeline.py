import threading
from collections.abc import Iterable

import pytest

from bioreport_engine import ExtractedText, ExtractionLimits, PdfExtractor, StageSpec, hookimpl
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


def test_stages_that_are_not_thread_safe_are_serialised(manager: PluginManager) -> None:
    manager.register(FakePlugin(), "fake")
    pipeline = build(manager, llm_engine="none")
    assert pipeline.anonymizer.lock is not None  # FakePlugin marks its anonymizer unsafe
    assert pipeline.extractor.lock is None
    threads = [threading.Thread(target=pipeline.run, args=(b"%PDF",)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


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
