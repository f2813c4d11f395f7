"""A plugin shipped as a wheel by another team is found with no change to the engine.

``tests/plugin_example`` is built as a wheel and installed, not editable, by ``nox -s tests``.
"""

import json
from importlib.metadata import PackageNotFoundError, distribution

import pytest

from bioreport_engine.plugins.registry import discover
from bioreport_engine.stages import StageKind
from tests.conftest import run_cli

DIST = "bioreport-plugin-example"


@pytest.fixture(scope="module", autouse=True)
def installed_wheel() -> None:
    try:
        dist = distribution(DIST)
    except PackageNotFoundError:
        pytest.fail(f"{DIST} is not installed: `nox -s tests` installs tests/plugin_example")
    direct_url = json.loads(dist.read_text("direct_url.json") or "{}")
    assert not direct_url.get("dir_info", {}).get("editable"), "must be a real wheel install"


def test_its_entry_point_is_discovered() -> None:
    registry = discover()
    plugin = {p.name: p for p in registry.plugins}["example"]
    assert (plugin.distribution, plugin.version, plugin.status) == (DIST, "1.0.0", "loaded")
    assert registry.names(StageKind.PDF) and "example-text" in registry.names(StageKind.PDF)
    assert registry.structurer("Example-Rows").plugin.distribution == DIST


def test_it_is_selected_by_name_from_the_environment(tmp_path: pytest.TempPathFactory) -> None:
    report = tmp_path / "report.txt"  # type: ignore[operator]
    report.write_text("Patient: Jane Roe\nGlucose  105  mg/dL  H\n")
    env = {"PDF_ENGINE": "example-text", "PII_ENGINE": "example-mask", "LLM_ENGINE": "example-rows"}
    done = run_cli("process", "--json", str(report), env=env)
    assert done.returncode == 0, done.stderr
    entry = json.loads(done.stdout)
    assert entry["ok"] and entry["entities"] == {"PERSON": 1}
    assert "Jane Roe" not in done.stdout
    assert entry["report"]["biomarkers"][0]["value"] == 105.0


def test_plugins_command_shows_it() -> None:
    done = run_cli("plugins", "--json", env={"PDF_ENGINE": "example-text"})
    plugins = {p["name"]: p for p in json.loads(done.stdout)}
    stages = {s["name"]: s for s in plugins["example"]["stages"]}
    assert stages["example-text"] == {
        "name": "example-text",
        "kind": "pdf",
        "selected": True,
        "summary": "toy: reads UTF-8 text files",
    }


def test_it_can_be_disabled() -> None:
    done = run_cli(
        "process",
        "x.txt",
        env={"PDF_ENGINE": "example-text", "BIOREPORT_DISABLE_PLUGINS": DIST},
    )
    assert done.returncode == 2
    assert "skipped by BIOREPORT_LOAD_PLUGINS/BIOREPORT_DISABLE_PLUGINS: example" in done.stderr
