import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from bioreport_engine.errors import ConfigurationError
from bioreport_engine.plugins.manager import PluginManager, PluginStatus
from bioreport_engine.plugins.registry import StageRegistry, discover
from bioreport_engine.stages import StageKind
from bioreport_engine.testing.fakes import FakePlugin
from tests.fakes import BrokenHookPlugin, MisspeltPlugin


def test_builtin_none_structurer_is_always_there(manager: PluginManager) -> None:
    registry = StageRegistry.from_manager(manager)
    assert registry.names(StageKind.LLM) == ["none"]
    assert registry.structurer("none").plugin.distribution == "bioreport-engine"


def test_names_are_normalised(manager: PluginManager) -> None:
    manager.register(FakePlugin("PyMuPDF"), "fake")
    registry = StageRegistry.from_manager(manager)
    assert registry.names(StageKind.PDF) == ["pymupdf"]
    assert registry.pdf_extractor(" PyMuPDF ").spec.key == "pymupdf"
    assert registry.pdf_extractor("pymupdf").spec.name == "PyMuPDF"


def test_unknown_name_lists_what_is_installed(manager: PluginManager) -> None:
    manager.register(FakePlugin("pdfplumber"), "one")
    manager.register(FakePlugin("pymupdf"), "two")
    registry = StageRegistry.from_manager(manager)
    with pytest.raises(ConfigurationError) as raised:
        registry.pdf_extractor("foo")
    assert str(raised.value).startswith(
        "PDF_ENGINE='foo' is not installed. Installed PDF engines: pdfplumber, pymupdf."
    )


def test_two_plugins_claiming_one_name_is_an_error_naming_both(manager: PluginManager) -> None:
    manager.register(FakePlugin("same"), "first", distribution="dist-one")
    manager.register(FakePlugin("same"), "second", distribution="dist-two")
    registry = StageRegistry.from_manager(manager)
    with pytest.raises(ConfigurationError, match="more than one plugin") as raised:
        registry.anonymizer("same")
    assert "dist-one (plugin first)" in str(raised.value)
    assert "dist-two (plugin second)" in str(raised.value)


def test_a_misspelt_hook_fails_that_plugin_only(manager: PluginManager) -> None:
    record = manager.register(MisspeltPlugin(), "misspelt")
    manager.register(FakePlugin(), "fake")
    assert record.status is PluginStatus.FAILED
    assert "bioreport_pdf_extractor" in (record.error or "")
    registry = StageRegistry.from_manager(manager)
    assert registry.names(StageKind.PDF) == ["fake"]
    with pytest.raises(ConfigurationError, match=r"failed to load: misspelt"):
        registry.pdf_extractor("misspelt")


def test_a_hook_that_raises_drops_the_whole_plugin(manager: PluginManager) -> None:
    manager.register(BrokenHookPlugin(), "broken")
    registry = StageRegistry.from_manager(manager)
    assert registry.names(StageKind.PDF) == []
    assert registry.names(StageKind.PII) == []  # its other hook worked, but the plugin failed
    assert manager.records["broken"].error == "RuntimeError: plugin bug"


def test_unregister_removes_the_plugin(manager: PluginManager) -> None:
    manager.register(FakePlugin(), "fake")
    manager.unregister("fake")
    assert StageRegistry.from_manager(manager).names(StageKind.PDF) == []


def write_distribution(site: Path, name: str, module: str, source: str) -> None:
    """A minimal installed distribution (dist-info + module) in ``site``, as conda's tests do."""
    dist_info = site / f"{name.replace('-', '_')}-0.1.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (dist_info / "entry_points.txt").write_text(
        f"[bioreport_engine.plugins]\n{module} = {module}\n"
    )
    (site / f"{module}.py").write_text(textwrap.dedent(source))


GOOD_PLUGIN = """
    from bioreport_engine import StageSpec, hookimpl
    from bioreport_engine.testing.fakes import FakeExtractor

    @hookimpl
    def bioreport_pdf_extractors():
        return [StageSpec("ondisk", FakeExtractor)]
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    write_distribution(site, "bioreport-ondisk", "ondisk_plugin", GOOD_PLUGIN)
    write_distribution(
        site, "bioreport-broken", "broken_plugin", "raise ImportError('needs libfoo')\n"
    )
    yield site
    for module in ("ondisk_plugin", "broken_plugin"):
        sys.modules.pop(module, None)


def test_entry_points_load_each_on_its_own(site: Path) -> None:
    registry = discover()
    records = {record.name: record for record in registry.plugins}
    assert records["ondisk_plugin"].status is PluginStatus.LOADED
    assert records["ondisk_plugin"].distribution == "bioreport-ondisk"
    assert records["broken_plugin"].status is PluginStatus.FAILED
    assert records["broken_plugin"].error == "ImportError: needs libfoo"
    assert "ondisk" in registry.names(StageKind.PDF)


def test_the_broken_plugin_is_fatal_only_when_selected(site: Path) -> None:
    registry = discover()
    registry.pdf_extractor("ondisk")  # fine
    with pytest.raises(ConfigurationError) as raised:
        registry.pdf_extractor("broken")
    assert "broken_plugin (bioreport-broken): ImportError: needs libfoo" in str(raised.value)


def test_load_only_some_plugins(site: Path) -> None:
    registry = discover(load=["bioreport-ondisk"])
    records = {record.name: record.status for record in registry.plugins}
    assert records["ondisk_plugin"] is PluginStatus.LOADED
    assert records["broken_plugin"] is PluginStatus.DISABLED
    assert "broken_plugin" not in sys.modules  # skipped plugins are never imported


def test_disable_a_plugin_by_entry_point_name(site: Path) -> None:
    registry = discover(disable=["ondisk_plugin"])
    assert {r.name: r.status for r in registry.plugins}["ondisk_plugin"] is PluginStatus.DISABLED
    assert "ondisk" not in registry.names(StageKind.PDF)
    with pytest.raises(ConfigurationError, match="skipped by BIOREPORT_LOAD_PLUGINS"):
        registry.pdf_extractor("ondisk")
