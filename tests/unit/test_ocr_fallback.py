"""The OCR fallback (PDF_OCR_FALLBACK): which pages go to the OCR extractor, how they come back,
when it is on, and what a PDF without text fails with."""

from pathlib import Path
from typing import Any

import pytest

from bioreport_engine.errors import ConfigurationError, PermanentError
from bioreport_engine.extraction import IsolatedExtractor
from bioreport_engine.pipeline import Pipeline, select_stages
from bioreport_engine.plugins.manager import PluginManager
from bioreport_engine.plugins.registry import StageRegistry, discover
from bioreport_engine.settings import EngineSettings
from bioreport_engine.testing.fakes import FakePlugin
from bioreport_engine.texts import PAGE_SEPARATOR
from tests.fakes import OcrPlugin
from tests.unit.test_pipeline import build

MIXED = b"%PDFGlucose 105 mg/dL||Sodium 140 mmol/L|"  # pages 1 and 3 are scans
SCANNED = b"%PDF|"  # two scanned pages


@pytest.fixture
def ocr_plugin(manager: PluginManager) -> OcrPlugin:
    plugin = OcrPlugin()
    manager.register(FakePlugin(), "fake")
    manager.register(plugin, "ocr-plugin")
    return plugin


def paged(manager: PluginManager, llm_engine: str = "rows", **settings: Any) -> Pipeline:
    return build(manager, pdf_engine="paged", llm_engine=llm_engine, **settings)


def rows_of(pipeline: Pipeline, pdf: bytes) -> list[tuple[str, bool]]:
    report = pipeline.run(pdf).report
    assert report is not None
    return [(row.analyte, row.ocr) for row in report.biomarkers]


def test_only_the_blank_pages_go_to_ocr_and_come_back_in_their_place(
    manager: PluginManager, ocr_plugin: OcrPlugin
) -> None:
    result = paged(manager).run(MIXED)
    assert ocr_plugin.ocr.asked == [(1, 3)]
    assert result.extracted.pages == (
        "Glucose 105 mg/dL",
        "Hemoglobin 14.5 g/dL",
        "Sodium 140 mmol/L",
        "Hemoglobin 16.5 g/dL",
    )
    assert result.extracted.ocr_pages == {1, 3}
    assert result.extracted.library == "paged 1 + fake-ocr 1"
    assert "ocr" in result.timings_ms
    assert result.ocr_engine is not None and result.ocr_engine.name == "ocr"
    assert [info.name for info in result.stages][0] == "paged"


def test_rows_from_ocr_pages_are_marked_and_the_others_not(
    manager: PluginManager, ocr_plugin: OcrPlugin
) -> None:
    assert rows_of(paged(manager, norm_engine="fake"), MIXED) == [
        ("Glucose", False),
        ("Hemoglobin", True),
        ("Sodium", False),
        ("Hemoglobin", True),
    ]


def test_a_fully_scanned_pdf_comes_out_whole_with_every_row_marked(
    manager: PluginManager, ocr_plugin: OcrPlugin
) -> None:
    pipeline = paged(manager)
    assert rows_of(pipeline, SCANNED) == [("Hemoglobin", True), ("Hemoglobin", True)]
    assert ocr_plugin.ocr.asked == [(0, 1)]


def test_a_pdf_with_text_on_every_page_never_reaches_ocr(
    manager: PluginManager, ocr_plugin: OcrPlugin
) -> None:
    result = paged(manager).run(b"%PDFGlucose 105 mg/dL|Sodium 140 mmol/L")
    assert ocr_plugin.ocr.asked == []
    assert "ocr" not in result.timings_ms and result.ocr_engine is None
    assert result.extracted.ocr_pages == frozenset()
    assert result.report is not None and not any(row.ocr for row in result.report.biomarkers)


def test_without_the_fallback_a_pdf_without_text_fails_saying_how_to_read_it(
    manager: PluginManager, ocr_plugin: OcrPlugin
) -> None:
    pipeline = paged(manager, pdf_ocr_fallback="false")
    assert pipeline.ocr is None
    with pytest.raises(PermanentError) as raised:
        pipeline.run(SCANNED)
    message = str(raised.value)
    assert message.startswith("no extractable text: the PDF looks scanned"), message
    assert "OCR fallback is off: PDF_OCR_FALLBACK=false" in message
    assert "set PDF_OCR_FALLBACK=true or PDF_ENGINE=ocr" in message
    assert ocr_plugin.ocr.asked == []
    # A page with text is enough: the blank one stays blank.
    assert pipeline.run(b"%PDFGlucose 105 mg/dL|").extracted.pages[1] == ""


def test_auto_is_off_when_no_such_engine_is_installed(
    manager: PluginManager, ocr_plugin: OcrPlugin
) -> None:
    pipeline = paged(manager, pdf_ocr_engine="tesseract-pro")
    assert pipeline.ocr is None
    assert pipeline.ocr_fallback.reason == (
        "off: PDF_OCR_FALLBACK=auto, and no PDF engine 'tesseract-pro' (PDF_OCR_ENGINE) is "
        "installed"
    )
    with pytest.raises(PermanentError, match="no PDF engine 'tesseract-pro'"):
        pipeline.run(SCANNED)


def test_auto_is_on_when_the_engine_is_installed_whatever_its_name(
    manager: PluginManager,
) -> None:
    plugin = OcrPlugin(ocr_name=" Vision-OCR")
    manager.register(FakePlugin(), "fake")
    manager.register(plugin, "ocr-plugin")
    pipeline = paged(manager, pdf_ocr_engine="vision-ocr")
    assert pipeline.ocr_fallback.reason.startswith(
        "on: PDF_OCR_FALLBACK=auto, PDF_OCR_ENGINE='vision-ocr' ("
    )
    assert rows_of(pipeline, SCANNED) == [("Hemoglobin", True), ("Hemoglobin", True)]


def test_true_without_the_engine_is_a_configuration_problem_listing_the_installed_ones(
    manager: PluginManager, ocr_plugin: OcrPlugin
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        paged(manager, pdf_ocr_fallback="true", pdf_ocr_engine="tesseract-pro")
    (problem,) = raised.value.problems
    assert problem.startswith(
        "PDF_OCR_FALLBACK=true needs the OCR extractor PDF_OCR_ENGINE='tesseract-pro', which is "
        "not installed. Installed PDF engines: fake, ocr, paged."
    )


def test_an_ocr_engine_that_cannot_work_turns_auto_off_and_true_into_a_problem(
    manager: PluginManager,
) -> None:
    manager.register(FakePlugin(), "fake")
    manager.register(OcrPlugin(problems=["tesseract is not installed"]), "ocr-plugin")
    pipeline = paged(manager)
    assert pipeline.ocr is None
    assert pipeline.ocr_fallback.reason.startswith("off: PDF_OCR_FALLBACK=auto, and ")
    assert pipeline.ocr_fallback.reason.endswith("cannot work: tesseract is not installed")
    with pytest.raises(ConfigurationError) as raised:
        paged(manager, pdf_ocr_fallback="true", llm_engine="gpt")
    assert raised.value.problems[0].startswith("LLM_ENGINE='gpt' is not installed")
    assert raised.value.problems[1].startswith("PDF_OCR_FALLBACK=true: PDF_OCR_ENGINE='ocr' (")
    assert raised.value.problems[1].endswith("): tesseract is not installed")


def test_the_ocr_engine_as_pdf_engine_needs_no_fallback(
    manager: PluginManager, ocr_plugin: OcrPlugin
) -> None:
    pipeline = build(manager, pdf_engine="ocr", llm_engine="rows", pdf_ocr_fallback="true")
    assert pipeline.ocr is None
    assert pipeline.ocr_fallback.reason == "off: PDF_ENGINE='ocr' reads every page by OCR already"
    assert rows_of(pipeline, SCANNED) == [("Hemoglobin", True), ("Hemoglobin", True)]
    assert ocr_plugin.ocr.asked == [None]


def test_a_scan_in_which_ocr_finds_nothing_fails_saying_so(manager: PluginManager) -> None:
    plugin = OcrPlugin()
    plugin.ocr.row = ""
    manager.register(FakePlugin(), "fake")
    manager.register(plugin, "ocr-plugin")
    with pytest.raises(PermanentError) as raised:
        paged(manager).run(SCANNED)
    assert str(raised.value) == (
        "no extractable text: OCR found no text on the PDF's 2 page(s) (a blank or unreadable scan)"
    )


def test_an_ocr_engine_that_loses_a_page_fails_the_document(manager: PluginManager) -> None:
    plugin = OcrPlugin()
    plugin.ocr.lose_a_page = True
    manager.register(FakePlugin(), "fake")
    manager.register(plugin, "ocr-plugin")
    with pytest.raises(PermanentError, match="returned 3 pages for a PDF of 4"):
        paged(manager).run(MIXED)


def test_the_text_read_by_ocr_counts_against_the_character_limit(
    manager: PluginManager, ocr_plugin: OcrPlugin
) -> None:
    pipeline = paged(manager, pdf_max_chars=1000)
    with pytest.raises(PermanentError, match="too much text: 1,0"):
        pipeline.run(b"%PDF" + b"x" * 990 + b"|")


def test_the_anonymizer_keeps_the_pages_apart(
    manager: PluginManager, ocr_plugin: OcrPlugin
) -> None:
    """What the row marker relies on (the real anonymizer's own test checks it too)."""
    result = paged(manager).run(MIXED)
    assert result.anonymized.text.count(PAGE_SEPARATOR) == 3


def test_select_stages_carries_the_decision(manager: PluginManager, ocr_plugin: OcrPlugin) -> None:
    settings = EngineSettings(
        pdf_engine="paged", pii_engine="fake", llm_engine="none", norm_engine="none"
    )
    selection = select_stages(settings, StageRegistry.from_manager(manager))
    assert selection.ocr.enabled and selection.ocr.offer is not None
    assert selection.ocr.offer.spec.key == "ocr"


ISOLATED = {
    "pdf_engine": "example-text",
    "pii_engine": "example-mask",
    "llm_engine": "example-rows",
    "norm_engine": "none",
    "pdf_ocr_engine": "example-ocr",
    "worker_concurrency": 2,
}


def test_isolated_the_ocr_children_start_when_a_document_first_needs_one(tmp_path: Path) -> None:
    """PDF_ISOLATION=process: the OCR engine runs in child processes of its own, under the same
    limits, started on first use and stopped with the pipeline."""
    pipeline = Pipeline.build(EngineSettings(**ISOLATED), discover())  # type: ignore[arg-type]
    try:
        assert pipeline.ocr is not None
        ocr = pipeline.ocr.stage
        assert isinstance(ocr, IsolatedExtractor)
        assert not ocr._children  # nothing started for documents that may never need it
        typed = pipeline.run(b"Glucose  105  mg/dL\n")
        assert typed.ocr_engine is None and not ocr._children
        mixed = pipeline.run(b"Glucose  105  mg/dL\n\f#image\nSodium  140  mmol/L\n")
        assert len(ocr._children) == 1
        assert mixed.extracted.pages[1] == "Sodium  140  mmol/L\n"
        assert mixed.ocr_engine is not None and mixed.ocr_engine.name == "example-ocr"
        assert mixed.report is not None
        assert [(r.analyte, r.ocr) for r in mixed.report.biomarkers] == [
            ("Glucose", False),
            ("Sodium", True),
        ]
        (child,) = ocr._children
    finally:
        pipeline.close()
    assert child.process.poll() is not None  # closed with the pipeline
