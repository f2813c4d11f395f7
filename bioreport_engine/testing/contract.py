"""What every stage contract shares: the stage is found by name through its plugin's entry
point, built the way the engine builds it, and fails only with the engine's error types."""

import subprocess
import sys
from collections.abc import Callable
from typing import Any, ClassVar, cast

import pytest

from bioreport_engine.errors import BioreportError
from bioreport_engine.plugins.registry import discover
from bioreport_engine.stages import StageKind


class StageContract:
    """The class variables every contract needs; subclasses fix :attr:`kind`."""

    kind: ClassVar[StageKind]
    #: The name the stage is selected by (``PDF_ENGINE=…``, ``PII_ENGINE=…``).
    engine: ClassVar[str]
    #: The distribution (wheel) that offers it.
    distribution: ClassVar[str]
    #: The heavy module the stage imports when built, and not before (``pdfplumber``,
    #: ``presidio_analyzer``): loading plugins must stay fast. ``None``: nothing to check.
    library: ClassVar[str | None] = None

    @classmethod
    def build_stage(cls) -> object:
        """The stage, built from the installed plugins as the engine builds it."""
        return discover().select(cls.kind, cls.engine).spec.build()

    def test_it_is_found_through_its_entry_point(self) -> None:
        offer = discover().select(self.kind, self.engine)
        assert offer.plugin.distribution == self.distribution

    def test_loading_the_plugin_does_not_import_the_library(self) -> None:
        if self.library is None:
            pytest.skip("no library named (class variable `library`)")
        check = (
            "import sys; from bioreport_engine.plugins.registry import discover; discover(); "
            f"sys.exit({self.library!r} in sys.modules)"
        )
        assert subprocess.run([sys.executable, "-c", check]).returncode == 0


def stage_fixture() -> Any:
    """A class-scoped fixture that builds the contract's stage with
    :meth:`StageContract.build_stage`. Override the fixture (same name) in a subclass to build
    the stage another way."""

    def build(contract: type[StageContract]) -> object:
        return contract.build_stage()

    return pytest.fixture(scope="class")(cast(Any, classmethod(build)))


def outcome[T](call: Callable[[], T]) -> T | BioreportError:
    """What ``call`` returns, or the engine error it raises; anything else fails the test (it
    propagates, with its traceback)."""
    try:
        return call()
    except BioreportError as exc:
        return exc
