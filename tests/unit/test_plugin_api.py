"""The public plugin API: one import, a version that plugins declare, and the lint rule that keeps
plugins off the engine's internals."""

import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import bioreport_engine
from bioreport_engine import PLUGIN_API_VERSION, ConfigurationError
from bioreport_engine.cli.plugins import describe
from bioreport_engine.plugins.api import api_mismatch
from bioreport_engine.plugins.manager import PluginManager, PluginStatus
from bioreport_engine.plugins.registry import StageRegistry
from bioreport_engine.settings import EngineSettings
from bioreport_engine.stages import StageKind
from bioreport_engine.testing.fakes import FakePlugin

ROOT = Path(__file__).parents[2]
PLUGIN_FOLDERS = sorted(p.parent for p in ROOT.glob("plugins/*/pyproject.toml")) + [
    ROOT / "tests" / "plugin_example"
]


class DeclaringPlugin(FakePlugin):
    def __init__(self, required: object) -> None:
        super().__init__("declaring")
        self.BIOREPORT_API = required


# --- one import ---------------------------------------------------------------------------


def test_every_public_name_resolves() -> None:
    for name in bioreport_engine.__all__:
        assert getattr(bioreport_engine, name) is not None, name


def test_importing_the_api_does_not_load_the_heavy_modules() -> None:
    heavy = (
        "psycopg",
        "bioreport_engine.ratelimit",
        "bioreport_engine.extraction",
        "bioreport_engine.testing",
        "pytest",
        "reportlab",
    )
    code = f"import sys, bioreport_engine; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_shared_rate_limiter_reads_the_engine_settings_itself(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bioreport_engine.ratelimit import LocalRateLimiter

    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.delenv("DB_HOST", raising=False)
    monkeypatch.setenv("JOB_LEASE_SECONDS", "120")
    assert isinstance(bioreport_engine.shared_rate_limiter("test", 60), LocalRateLimiter)
    assert bioreport_engine.job_lease_seconds() == 120


# --- versioned ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("required", "version", "compatible"),
    [
        (">=1.0,<2", "1.0", True),
        (">=1,<2", "1.7", True),
        (">=1.2", "1.1", False),
        (">=2", "1.0", False),
        ("<2", "2.0", False),
        ("==1.0", "1", True),
        ("!=1.0", "1.0", False),
    ],
)
def test_the_declared_range_is_checked(required: str, version: str, compatible: bool) -> None:
    assert (api_mismatch(required, version) is None) is compatible


@pytest.mark.parametrize("required", ["", "1.x", "~=1.0", 2])
def test_a_malformed_range_is_refused(required: object) -> None:
    assert "BIOREPORT_API" in (api_mismatch(required) or "")


def test_a_compatible_plugin_loads(manager: PluginManager) -> None:
    record = manager.register(DeclaringPlugin(f">={PLUGIN_API_VERSION},<99"), "declaring")
    assert record.status is PluginStatus.LOADED
    assert StageRegistry.from_manager(manager).pdf_extractor("declaring").plugin is record


def test_an_incompatible_plugin_is_refused_and_selecting_it_says_why(
    manager: PluginManager,
) -> None:
    record = manager.register(DeclaringPlugin(">=2,<3"), "declaring")
    assert record.status is PluginStatus.INCOMPATIBLE
    assert record.error is not None
    assert ">=2,<3" in record.error and f"plugin API {PLUGIN_API_VERSION}" in record.error

    registry = StageRegistry.from_manager(manager)
    assert "declaring" not in registry.names(StageKind.PDF)
    with pytest.raises(ConfigurationError) as raised:
        registry.pdf_extractor("declaring")
    message = str(raised.value)
    assert "Plugins incompatible with this engine: declaring" in message
    assert ">=2,<3" in message

    listed = {p["name"]: p for p in describe(EngineSettings(), registry)}
    assert listed["declaring"]["status"] == "incompatible"
    assert listed["declaring"]["stages"] == []
    assert PLUGIN_API_VERSION in listed["declaring"]["error"]


def test_our_plugins_declare_the_api_they_need() -> None:
    for folder in PLUGIN_FOLDERS:
        entry_points = tomllib.loads((folder / "pyproject.toml").read_text())["project"][
            "entry-points"
        ]["bioreport_engine.plugins"]
        for module in entry_points.values():
            plugin = __import__(module)
            assert api_mismatch(plugin.BIOREPORT_API) is None, module


# --- the lint rule ------------------------------------------------------------------------

RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
needs_ruff = pytest.mark.skipif(RUFF is None, reason="ruff is not installed")


def ruff_check(source: str, filename: Path) -> subprocess.CompletedProcess[str]:
    """``ruff check`` on ``source`` as if it were ``filename``: the configuration that applies
    there (the plugin folder's) is used, and nothing is written into the tree."""
    assert RUFF is not None
    return subprocess.run(
        [RUFF, "check", "--no-cache", "--output-format", "concise"]
        + ["--stdin-filename", str(filename), "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


@needs_ruff
@pytest.mark.parametrize("folder", PLUGIN_FOLDERS, ids=lambda p: p.name)
@pytest.mark.parametrize(
    "source",
    [
        "import bioreport_engine.errors\n",
        "from bioreport_engine.errors import ConfigurationError\n",
        "from bioreport_engine import errors\n",
        "from bioreport_engine.plugins.registry import discover\n",
    ],
)
def test_a_plugin_importing_an_engine_internal_fails_the_lint(folder: Path, source: str) -> None:
    done = ruff_check(
        source + "\n__all__ = ['ConfigurationError', 'discover', 'errors']\n", folder / "probe.py"
    )
    assert done.returncode == 1
    assert "TID251" in done.stdout and "the public plugin API" in done.stdout


@needs_ruff
@pytest.mark.parametrize("folder", PLUGIN_FOLDERS, ids=lambda p: p.name)
def test_the_public_imports_pass_and_every_plugin_folder_is_clean(folder: Path) -> None:
    probe = ruff_check(
        "from bioreport_engine import ConfigurationError\n"
        "from bioreport_engine.testing import ExtractorContract, discover\n\n"
        "__all__ = ['ConfigurationError', 'ExtractorContract', 'discover']\n",
        folder / "tests" / "probe.py",
    )
    assert probe.returncode == 0, probe.stdout
    assert RUFF is not None
    done = subprocess.run(
        [RUFF, "check", "--no-cache", str(folder)], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout


#: Engine modules a plugin may import besides ``bioreport_engine``: the test kit.
ALLOWED = {"bioreport_engine.testing"}


def test_every_engine_submodule_but_the_test_kit_is_banned_in_every_plugin_folder() -> None:
    submodules = {
        f"bioreport_engine.{module.name}"
        for module in pkgutil.iter_modules(bioreport_engine.__path__)
    }
    assert ALLOWED <= submodules
    submodules -= ALLOWED
    for folder in PLUGIN_FOLDERS:
        ruff = tomllib.loads((folder / "pyproject.toml").read_text())["tool"]["ruff"]
        assert ruff["extend"] == "../../pyproject.toml"
        assert "TID" in ruff["lint"]["extend-select"]
        banned = ruff["lint"]["flake8-tidy-imports"]["banned-api"]
        assert submodules <= set(banned), (folder.name, submodules - set(banned))
        assert not ALLOWED & set(banned), folder.name


def test_plugin_tests_need_no_engine_internal() -> None:
    """What the test kit offers (discover, a fresh registry, run_cli, a scratch database) is no
    longer imported from the engine's internals, ``tests`` or the ``contracts``."""
    for test in ROOT.glob("plugins/*/tests/*.py"):
        source = test.read_text()
        assert "noqa: TID251" not in source, test
        assert "from tests." not in source and "import tests" not in source, test
