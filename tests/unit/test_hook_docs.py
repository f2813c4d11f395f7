"""Meta-tests, as datasette has: every hook has a docstring, is documented in docs/plugins.md
under a heading that gives its exact signature, and is implemented by the test plugins; and
nothing is documented as a hook that is not one."""

import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pluggy
import pytest

from bioreport_engine.plugins import hookspecs

ROOT = Path(__file__).resolve().parents[2]
PLUGINS_MD = ROOT / "docs" / "plugins.md"
#: ``### `bioreport_x(a, b) -> Iterable[StageSpec[X]]```: the heading of one hook.
HOOK_HEADING = re.compile(r"^### `(?P<name>\w+)(?P<signature>\(.*\).*)`\s*$", re.MULTILINE)


def hookspecs_of(module: object) -> dict[str, Callable[..., Any]]:
    """The functions of ``module`` marked with ``@hookspec``, by name."""
    marker = f"{hookspecs.PROJECT}_spec"
    return {
        name: value
        for name, value in vars(module).items()
        if callable(value) and getattr(value, marker, None) is not None
    }


def shown(hook: Callable[..., Any]) -> str:
    """The signature as the docs write it: ``() -> Iterable[StageSpec[PdfExtractor]]``, type
    names without their modules."""
    return re.sub(r"\b(?:\w+\.)+(\w+)", r"\1", str(inspect.signature(hook)))


def documented_hooks(markdown: str) -> dict[str, str]:
    """Hook name -> documented signature, from the headings of the ``## Hooks`` section."""
    section = markdown.split("\n## Hooks\n", 1)[-1].split("\n## ", 1)[0]
    found: dict[str, str] = {}
    for heading in HOOK_HEADING.finditer(section):
        found.setdefault(heading["name"], " ".join(heading["signature"].split()))
    return found


def problems(specs: dict[str, Callable[..., Any]], markdown: str) -> list[str]:
    """Everything wrong between the hookspecs and their documentation, one line each."""
    documented = documented_hooks(markdown)
    found = []
    for name, hook in sorted(specs.items()):
        if not (hook.__doc__ or "").strip():
            found.append(f"{name} has no docstring")
        if name not in documented:
            found.append(f"{name} is not documented: add a heading ### `{name}{shown(hook)}`")
        elif documented[name] != shown(hook):
            found.append(
                f"{name} is documented as {name}{documented[name]}, its spec is {name}{shown(hook)}"
            )
    found += [f"{name} is documented but is not a hook" for name in documented.keys() - specs]
    return found


SPECS = hookspecs_of(hookspecs)


def test_there_are_hooks() -> None:
    assert sorted(SPECS) == [
        "bioreport_anonymizers",
        "bioreport_normalizers",
        "bioreport_pdf_extractors",
        "bioreport_structurers",
    ]


def test_every_hook_is_documented_with_its_signature_and_nothing_else_is() -> None:
    assert problems(SPECS, PLUGINS_MD.read_text(encoding="utf-8")) == []


class Specs:
    """Hookspecs to check the checker with."""

    @staticmethod
    def bioreport_widgets(color: str, *, size: int = 1) -> list[int]:
        """Return widgets."""
        raise NotImplementedError

    @staticmethod
    def bioreport_silent() -> None:
        raise NotImplementedError


TOY_SPECS: dict[str, Callable[..., Any]] = {
    "bioreport_widgets": Specs.bioreport_widgets,
    "bioreport_silent": Specs.bioreport_silent,
}


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "## Hooks\n### `bioreport_widgets(color: str, *, size: int = 1) -> list[int]`\n"
            "### `bioreport_silent() -> None`\n",
            ["bioreport_silent has no docstring"],
        ),
        (
            "## Hooks\n### `bioreport_widgets(color) -> list[int]`\n",
            [
                "bioreport_silent has no docstring",
                "bioreport_silent is not documented: add a heading "
                "### `bioreport_silent() -> None`",
                "bioreport_widgets is documented as bioreport_widgets(color) -> list[int], its "
                "spec is bioreport_widgets(color: str, *, size: int = 1) -> list[int]",
            ],
        ),
        (
            "## Hooks\n### `bioreport_widgets(color: str, *, size: int = 1) -> list[int]`\n"
            "### `bioreport_silent() -> None`\n### `bioreport_gadgets()`\n"
            "## Elsewhere\n### `bioreport_elsewhere()`\n",
            [
                "bioreport_silent has no docstring",
                "bioreport_gadgets is documented but is not a hook",
            ],
        ),
    ],
    ids=["documented", "missing and wrong signature", "documented but not a hook"],
)
def test_the_check_finds_each_kind_of_problem(markdown: str, expected: list[str]) -> None:
    assert problems(TOY_SPECS, markdown) == expected


def test_every_hook_is_implemented_by_both_test_plugins() -> None:
    """Registered for real: pluggy checks each implementation's arguments against the spec."""
    import bioreport_example_plugin

    from bioreport_engine.testing.fakes import FakePlugin

    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    fake = FakePlugin()
    manager.register(fake, "fake")
    manager.register(bioreport_example_plugin, "example")
    manager.check_pending()
    for name in SPECS:
        implementers = {impl.plugin for impl in getattr(manager.hook, name).get_hookimpls()}
        assert implementers == {fake, bioreport_example_plugin}, name
