"""Meta-tests, as datasette has: every hook is documented and exercised by a test."""

from pathlib import Path

import pytest

from bioreport_engine.plugins import hookspecs

ROOT = Path(__file__).resolve().parents[2]
HOOKS = sorted(name for name in vars(hookspecs) if name.startswith("bioreport_"))


def test_there_are_hooks() -> None:
    assert HOOKS == [
        "bioreport_anonymizers",
        "bioreport_normalizers",
        "bioreport_pdf_extractors",
        "bioreport_structurers",
    ]


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented(hook: str) -> None:
    assert f"### `{hook}()`" in (ROOT / "docs" / "plugins.md").read_text()
    assert getattr(hookspecs, hook).__doc__


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_implemented_by_a_test_plugin(hook: str) -> None:
    assert f"def {hook}(" in (ROOT / "tests" / "fakes.py").read_text()
    example = ROOT / "tests" / "plugin_example" / "bioreport_example_plugin" / "__init__.py"
    assert f"def {hook}(" in example.read_text()
