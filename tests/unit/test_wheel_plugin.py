"""A plugin shipped as a wheel by another team is found with no change to the engine.

``tests/plugin_example`` is built as a wheel and installed, not editable, by ``nox -s tests``;
the plugin that docs/plugins.md walks through is built and installed here, and its contract
tests run, so that the walkthrough stays true.
"""

import json
import re
import shutil
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest

from bioreport_engine.plugins.registry import discover
from bioreport_engine.stages import StageKind
from tests.conftest import cli_env, run_cli

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


# --- the walkthrough of docs/plugins.md, built, installed and tested -----------------------

DOCS = Path(__file__).parents[2] / "docs" / "plugins.md"
WALKTHROUGH = "## From an empty folder to a wheel that `bioreport plugins` lists"
#: A code block whose first line is a comment naming the file it is.
NAMED_BLOCK = re.compile(r"```(?:toml|python)\n# (?P<path>[\w/.]+)\n(?P<body>.*?)```", re.S)


def walkthrough() -> str:
    text = DOCS.read_text()
    start = text.index(WALKTHROUGH)
    return text[start : text.index("\n## ", start + 1)]


@pytest.fixture(scope="module")
def walkthrough_plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The walkthrough's files in an empty folder, built as a wheel and installed (no
    dependencies: the engine is this one) into a folder put on ``PYTHONPATH``."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("uv is needed to build the walkthrough's wheel (nox installs with it)")
    root = tmp_path_factory.mktemp("walkthrough")
    project = root / "bioreport-pii-mine"
    for block in NAMED_BLOCK.finditer(walkthrough()):
        path = project / block["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(block["body"])
    assert {p.relative_to(project).as_posix() for p in project.rglob("*.*")} == {
        "pyproject.toml",
        "bioreport_pii_mine/__init__.py",
        "tests/test_mine.py",
    }
    wheels, site = root / "dist", root / "site"
    build = [uv, "build", "--wheel", "--quiet", "--python", sys.executable, str(project)]
    subprocess.run([*build, "--out-dir", str(wheels)], check=True, timeout=300)
    (wheel,) = wheels.glob("*.whl")
    install = [uv, "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)]
    subprocess.run([*install, "--python", sys.executable], check=True, timeout=120)
    return project


def walkthrough_env(project: Path) -> dict[str, str]:
    return {"PYTHONPATH": str(project.parent / "site")}


def test_the_walkthrough_plugin_is_listed_as_the_doc_shows(walkthrough_plugin: Path) -> None:
    done = run_cli("plugins", env=walkthrough_env(walkthrough_plugin))
    assert done.returncode == 0, done.stderr
    listed = [" ".join(line.split()) for line in done.stdout.splitlines()]
    shown = re.search(r"\$ bioreport plugins\n(.*?)\n(.*?)\n", walkthrough())
    assert shown is not None
    assert " ".join(shown[1].split()) in listed
    assert " ".join(shown[2].split()) in listed
    selected = run_cli(
        "plugins", "--json", env={**walkthrough_env(walkthrough_plugin), "PII_ENGINE": "mine"}
    )
    plugin = {p["name"]: p for p in json.loads(selected.stdout)}["mine"]
    assert plugin["stages"][0]["selected"] is True


def test_the_walkthrough_plugin_passes_its_contract_tests(walkthrough_plugin: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=walkthrough_plugin,
        env=cli_env(walkthrough_env(walkthrough_plugin)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    summary = re.search(r"\$ python -m pytest tests\n(.*?)\n", walkthrough())
    assert summary is not None and summary[1] in done.stdout, done.stdout
