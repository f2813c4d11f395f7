"""The engine's layers depend one way: persistence never imports orchestration."""

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).parents[2] / "bioreport_engine"

#: Modules that orchestrate: persistence (``db/``) and the result types must not import them.
ORCHESTRATION = (
    "bioreport_engine.pipeline",
    "bioreport_engine.worker",
    "bioreport_engine.cli",
    "bioreport_engine.demo",
    "bioreport_engine.plugins",
    "bioreport_engine.extraction",
)


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


LOWER_LAYER = sorted((ENGINE / "db").glob("*.py")) + [ENGINE / "results.py"]


@pytest.mark.parametrize("path", LOWER_LAYER, ids=lambda p: str(p.relative_to(ENGINE)))
def test_persistence_imports_no_orchestration(path: Path) -> None:
    bad = {
        module
        for module in imported_modules(path)
        if any(module == o or module.startswith(o + ".") for o in ORCHESTRATION)
    }
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_the_check_sees_an_import() -> None:
    assert "bioreport_engine.results" in imported_modules(ENGINE / "db" / "results.py")
