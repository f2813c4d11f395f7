from collections.abc import Callable

import pytest

from bioreport_engine.plugins.registry import discover
from bioreport_engine.texts import AnonymizedText, ExtractedText


@pytest.fixture(scope="session")
def anonymize() -> Callable[[str], AnonymizedText]:
    stage = discover().anonymizer("presidio").spec.build()
    return lambda text: stage.anonymize(ExtractedText((text,)))
